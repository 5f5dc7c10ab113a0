#!/usr/bin/env bash
# fetch-source.sh SERIES CACHE_ROOT
#
# Puts the handful of Linux files the linux-SERIES plugin assembles into
# CACHE_ROOT/linux-<debian package version>/ and prints that directory.
#
# The files come from Debian's linux-source-SERIES package (a tarball of the
# whole tree).  6.1 is in the release's main suite and is installed as
# usual.  6.12 is only in <codename>-backports and 7.2 only in sid: for
# those the package is never installed.  This script writes a private apt
# source (deb822, under CACHE_ROOT/apt-<suite>/) that reuses the archive
# URI and Signed-By that the machine's own apt sources already name for the
# release suite, refreshes a private lists directory with it, downloads the
# .deb into the cache and takes the tarball out of it with dpkg-deb.
# Nothing under /etc/apt is written, nothing in the repository names a
# mirror, and a package that is already installed system-wide is used as
# is.  Only the files listed below are extracted, and only into the cache:
# no kernel code is ever kept in the work tree.  The extraction is cached by
# package version; when the archive cannot be reached, the newest cached
# extraction of the series is used.
set -euo pipefail

series=${1:?usage: fetch-source.sh SERIES CACHE_ROOT}
cache=${2:?usage: fetch-source.sh SERIES CACHE_ROOT}
pkg=linux-source-$series
tarball=/usr/src/$pkg.tar.xz

# What the plugin assembles, plus the kernel's own glue (read, not built:
# the plugin's glue is our own, but the calling sequence must match it).
case $series in
  6.1)  files="arch/x86/crypto/aesni-intel_avx-x86_64.S arch/x86/crypto/aesni-intel_asm.S
               arch/x86/crypto/aesni-intel_glue.c" ;;
  6.12) files="arch/x86/crypto/aes-gcm-avx10-x86_64.S arch/x86/crypto/aes-gcm-aesni-x86_64.S
               arch/x86/crypto/aes-xts-avx-x86_64.S arch/x86/crypto/aesni-intel_glue.c
               lib/crypto/aes.c crypto/aes_generic.c" ;;
  # 7.2: the AES-GCM/XTS assembly, aesni-intel_asm.S (aesni_set_key and the
  # plain AES-NI XTS), lib/crypto/x86's AES-NI key expansion (what
  # aes_prepareenckey runs), and, to read, the glues.
  7.2)  files="arch/x86/crypto/aes-gcm-vaes-avx512.S arch/x86/crypto/aes-gcm-vaes-avx2.S
               arch/x86/crypto/aes-gcm-aesni-x86_64.S arch/x86/crypto/aes-xts-avx-x86_64.S
               arch/x86/crypto/aesni-intel_asm.S arch/x86/crypto/aesni-intel_glue.c
               lib/crypto/x86/aes-aesni.S lib/crypto/x86/aes.h lib/crypto/aes.c" ;;
  *) echo "fetch-source.sh: unknown series $series" >&2; exit 2 ;;
esac

log() { echo "fetch-source.sh: $*" >&2; }

installed_version() {
  dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$pkg" 2>/dev/null |
    awk '$1 == "ii" {print $2}' || true
}

# Print "URI<TAB>Signed-By" for every apt source of the release's own suite
# (the plain codename, not -security or -updates), from both formats.
release_sources() {
  local codename=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    awk -v want="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uris != "")
          { n = split(uris, u, " "); for (i = 1; i <= n; i++) print u[i] "\t" signed }
        types = suites = uris = signed = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = $1; sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
      key == "Types" { types = $0 } key == "Suites" { suites = $0 }
      key == "URIs" { uris = $0 } key == "Signed-By" { signed = $0 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    awk -v want="$codename" '
      $1 == "deb" {
        i = 2; signed = ""
        if ($i ~ /^\[/) {
          while (i <= NF) { if ($i ~ /^signed-by=/) { signed = $i; sub(/^signed-by=/, "", signed); sub(/\]$/, "", signed) }
                            if ($i ~ /\]$/) { i++; break } i++ }
        }
        if ($(i + 1) == want) print $i "\t" signed
      }' "$f"
  done
}

codename() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }

# The suite a series comes from when it is not in the machine's own lists.
private_suite() {
  case $series in
    7.2) echo sid ;;
    *) local c; c=$(codename); [ -n "$c" ] || return 1; echo "$c-backports" ;;
  esac
}

# apt options that make apt-get/apt-cache see only the private source, with
# its own lists, caches and (empty) package status under $adir: nothing
# system-wide is read or touched, and what dpkg has installed does not
# change the candidate.
apt_private_opts() {
  aopts=(-o Dir::Etc::sourcelist="$adir/aeslab.sources" -o Dir::Etc::sourceparts=-
         -o Dir::State::Lists="$adir/lists" -o Dir::Cache="$adir/cache"
         -o Dir::State::status="$adir/status"
         -o APT::Get::List-Cleanup=0)
  [ "$(id -u)" != 0 ] || aopts+=(-o APT::Sandbox::User=root)
}

# Write the private source for suite $1 and refresh its lists.
private_update() {
  local suite=$1 c uri signed
  c=$(codename)
  [ -n "$c" ] || { log "cannot tell the Debian codename"; return 1; }
  IFS=$'\t' read -r uri signed < <(release_sources "$c" | head -n 1) || true
  [ -n "${uri:-}" ] || { log "no apt source names the $c suite; cannot reach $suite"; return 1; }
  mkdir -p "$adir/lists/partial" "$adir/cache/archives/partial"
  {
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: $suite"
    echo "Components: main"
    [ -z "$signed" ] || echo "Signed-By: $signed"
  } > "$adir/aeslab.sources"
  log "refreshing a private apt list of $suite (the URI of the machine's own $c source)"
  apt-get update -qq "${aopts[@]}" >&2
}

# The candidate version of $pkg in the private lists.
private_version() {
  apt-cache "${aopts[@]}" show --no-all-versions "$pkg" 2>/dev/null |
    awk '$1 == "Version:" {print $2; exit}'
}

# Extract $files from tarball $1 (or, with $2 = a .deb, from the tarball
# inside it) into $dest for version $version.
extract() {
  local tarball=$1 deb=${2:-} tmp f members=()
  log "extracting $(echo $files | wc -w) files of $pkg $version into $dest"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$dest.XXXXXX")
  trap "rm -rf '$tmp'" EXIT
  for f in $files; do members+=("$pkg/$f"); done
  if [ -n "$deb" ]; then
    dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$tarball" |
      tar -xJf - -C "$tmp" --strip-components=1 "${members[@]}"
  else
    tar -xJf "$tarball" -C "$tmp" --strip-components=1 "${members[@]}"
  fi
  echo "$stamp" > "$tmp/.complete"
  rm -rf "$dest" && mv "$tmp" "$dest"
  trap - EXIT
}

fresh() { [ "$(cat "$dest/.complete" 2>/dev/null)" = "$stamp" ]; }

# 1. Installed system-wide: use its tarball.  Not installed but offered by
# the machine's own apt sources (6.1 always; 6.12 on a release that has
# it): install it as usual.  7.2 is never installed.
version=$(installed_version)
if [ -z "$version" ] && [ "$series" != 7.2 ]; then
  if [ -z "$(apt-cache madison "$pkg" 2>/dev/null)" ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 || true
  fi
  if [ -n "$(apt-cache madison "$pkg" 2>/dev/null)" ]; then
    if [ "$(id -u)" != 0 ]; then
      log "$pkg is not installed and this is not root: install it (see docs/peers-linux-ipsecmb-sodium.md)"
      exit 1
    fi
    log "installing $pkg"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >&2 || true
    version=$(installed_version)
    [ -n "$version" ] || { log "$pkg did not install"; exit 1; }
  elif [ "$series" = 6.1 ]; then
    log "no apt source offers $pkg"
    exit 1
  fi
fi
if [ -n "$version" ]; then
  [ -r "$tarball" ] || { log "$pkg $version is installed but $tarball is missing"; exit 1; }
  dest=$cache/linux-$version
  stamp="$version $(echo $files)"
  if ! fresh; then extract "$tarball"; fi
  echo "$dest"
  exit 0
fi

# 2. Not installed: download it through the private source.
suite=$(private_suite) || { log "cannot tell the Debian codename"; exit 1; }
adir=$cache/apt-$suite
mkdir -p "$adir"
: >> "$adir/status"
apt_private_opts
exec 9> "$adir/.lock"
flock 9
if private_update "$suite" && version=$(private_version) && [ -n "$version" ]; then
  dest=$cache/linux-$version
  stamp="$version $(echo $files)"
  if ! fresh; then
    log "downloading $pkg $version from $suite into $adir"
    rm -f "$adir"/"$pkg"_*.deb
    (cd "$adir" && apt-get download -qq "${aopts[@]}" "$pkg" >&2)
    deb=$(ls "$adir"/"$pkg"_*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || { log "apt-get download of $pkg left no .deb"; exit 1; }
    extract "$tarball" "$deb"
    rm -f "$deb" # the few files are kept, the 160 MB package is not
  fi
  echo "$dest"
  exit 0
fi
# Offline, or the suite no longer has the package: the newest cached
# extraction of this series, if any.
stamp_files=$(echo $files)
for d in $(ls -d "$cache"/linux-"$series".[0-9]* 2>/dev/null | sort -V -r); do
  if [ "$(cut -d' ' -f2- "$d/.complete" 2>/dev/null)" = "$stamp_files" ]; then
    log "$pkg not available from $suite; using the cached $d"
    echo "$d"
    exit 0
  fi
done
log "$pkg is not installed and could not be downloaded from $suite"
exit 1

#!/usr/bin/env bash
# fetch-source.sh SERIES CACHE_ROOT
#
# Puts the handful of Linux files the linux-SERIES plugin assembles into
# CACHE_ROOT/linux-<debian package version>/ and prints that directory.
#
# The files come from Debian's linux-source-SERIES package (a tarball of the
# whole tree in /usr/src).  6.1 is in the release's main suite; 6.12 is only
# in <codename>-backports, which this script enables when needed by reusing
# the archive URI that the machine's own apt sources already name: nothing in
# the repository names a mirror.  Only the files listed below are extracted,
# and only into the cache: no kernel code is ever kept in the work tree.
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

enable_backports() {
  local codename list uri signed
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || { log "cannot tell the Debian codename"; return 1; }
  list=/etc/apt/sources.list.d/aeslab-backports.sources
  if [ ! -e "$list" ]; then
    IFS=$'\t' read -r uri signed < <(release_sources "$codename" | head -n 1) || true
    [ -n "${uri:-}" ] || { log "no apt source names the $codename suite; cannot enable backports"; return 1; }
    log "enabling $codename-backports from the URI of the machine's own $codename source"
    {
      echo "Types: deb"
      echo "URIs: $uri"
      echo "Suites: $codename-backports"
      echo "Components: main"
      [ -n "$signed" ] && echo "Signed-By: $signed"
    } > "$list"
  fi
  # Refresh only this one source: quick, and leaves the others as they were.
  apt-get update -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- \
    -o APT::Get::List-Cleanup=0 >&2
  echo "$codename-backports"
}

install_pkg() {
  if [ "$(id -u)" != 0 ]; then
    log "$pkg is not installed and this is not root: install it (see docs/peers-linux-ipsecmb-sodium.md)"
    return 1
  fi
  local target=()
  if ! apt-cache show "$pkg" >/dev/null 2>&1 || [ -z "$(apt-cache madison "$pkg" 2>/dev/null)" ]; then
    apt-get update -qq >&2 || true
  fi
  if [ -z "$(apt-cache madison "$pkg" 2>/dev/null)" ]; then
    local suite
    suite=$(enable_backports) || return 1
    target=(-t "$suite")
  fi
  log "installing $pkg"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${target[@]}" "$pkg" >&2
}

version=$(installed_version)
if [ -z "$version" ]; then
  install_pkg
  version=$(installed_version)
fi
[ -n "$version" ] && [ -r "$tarball" ] || { log "$pkg did not install"; exit 1; }

dest=$cache/linux-$version
stamp="$version $(echo $files)"
if [ "$(cat "$dest/.complete" 2>/dev/null)" != "$stamp" ]; then
  log "extracting $(echo $files | wc -w) files of $pkg $version into $dest"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$dest.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  members=()
  for f in $files; do members+=("$pkg/$f"); done
  tar -xJf "$tarball" -C "$tmp" --strip-components=1 "${members[@]}"
  echo "$stamp" > "$tmp/.complete"
  rm -rf "$dest" && mv "$tmp" "$dest"
fi
echo "$dest"

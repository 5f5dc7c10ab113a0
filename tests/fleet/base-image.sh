#!/usr/bin/env bash
# base-image.sh IMAGE - make sure the containers storage holds IMAGE, a
# minimal Debian bookworm for this machine's architecture, and print its name.
#
# There is no container registry here, so the base image is made with
# debootstrap.  The mirror is the one this machine's own apt sources name for
# the release (read at run time: no mirror is written into the repository),
# and the image gets this machine's Debian apt sources, so that `apt-get` in
# the Dockerfile reaches the same archive as `apt-get` on the host.
#
# Cached: the root filesystem tarball under $CACHE/container/ (keyed by
# architecture and the apt sources it was made with), and the image itself in
# the containers storage, labelled with the tarball's key; a warm call does
# nothing but compare the label.  Needs root, buildah and debootstrap.
set -euo pipefail
image=${1:?usage: base-image.sh IMAGE}
cache=${CACHE:-$HOME/.cache/aeslab}/container
suite=bookworm
arch=$(dpkg --print-architecture)
log() { echo "base-image: $*" >&2; }

# This machine's apt sources for the release: deb822 stanzas (*.sources) and
# one-line entries (*.list) whose suite is the release or one of its
# companions (-updates, -security, -backports).  Third-party sources never
# name a Debian suite and are left out.
debian_sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    awk -v rel="$suite" '
      function flush() {
        if (keep && stanza != "") printf "%s\n", stanza
        stanza = ""; keep = 0
      }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      {
        stanza = stanza $0 "\n"
        if ($1 == "Suites:") for (i = 2; i <= NF; i++) if ($i ~ "^" rel "(-[a-z]+)?$") keep = 1
      }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    awk -v rel="$suite" '
      $1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) ~ "^" rel "(-[a-z]+)?$") print
      }' "$f"
  done
}

# The URI of the release's own suite (not -updates or -security).
release_mirror() {
  debian_sources | awk -v rel="$suite" '
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == rel) found = uri }
    $1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                  if ($(i + 1) == rel && found == "") found = $i }
    END { if (found != "") print found }'
}

sources=$(debian_sources)
[ -n "$sources" ] || { log "no apt source of this machine names Debian $suite"; exit 1; }
mirror=$(release_mirror)
[ -n "$mirror" ] || { log "no apt source of this machine names the $suite suite itself"; exit 1; }
key=$(printf '%s\n%s\n%s\n' "$suite" "$arch" "$sources" | sha256sum | cut -c1-16)
tarball=$cache/debian-$suite-$arch-$key.tar

have=$(buildah inspect --type image --format '{{index .OCIv1.Config.Labels "aeslab.base-key"}}' "$image" 2>/dev/null || true)
if [ "$have" = "$key" ]; then
  echo "$image"
  exit 0
fi

if [ ! -s "$tarball" ]; then
  mkdir -p "$cache"
  root=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  log "debootstrap $suite ($arch) from this machine's $suite mirror (a few minutes, once)"
  start=$(date +%s)
  debootstrap --variant=minbase --arch="$arch" "$suite" "$root" "$mirror" > "$cache/debootstrap.log" 2>&1 \
    || { tail -n 20 "$cache/debootstrap.log" >&2; log "debootstrap failed (log: $cache/debootstrap.log)"; exit 1; }
  rm -f "$root/etc/apt/sources.list"
  printf '%s\n' "$sources" > "$root/etc/apt/sources.list.d/debian.sources.tmp"
  # deb822 stanzas and one-line entries cannot share a file.
  if grep -q '^deb ' "$root/etc/apt/sources.list.d/debian.sources.tmp"; then
    grep '^deb ' "$root/etc/apt/sources.list.d/debian.sources.tmp" > "$root/etc/apt/sources.list"
    grep -v '^deb ' "$root/etc/apt/sources.list.d/debian.sources.tmp" > "$root/etc/apt/sources.list.d/debian.sources" || true
  else
    mv "$root/etc/apt/sources.list.d/debian.sources.tmp" "$root/etc/apt/sources.list.d/debian.sources"
  fi
  rm -f "$root/etc/apt/sources.list.d/debian.sources.tmp"
  [ -s "$root/etc/apt/sources.list.d/debian.sources" ] || rm -f "$root/etc/apt/sources.list.d/debian.sources"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/* "$root"/var/log/*.log
  tar --numeric-owner --xattrs -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
  trap - EXIT
  log "rootfs cached in $tarball ($(( $(date +%s) - start )) s)"
fi

log "importing $tarball as $image"
ctr=$(buildah from --quiet scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt=$(buildah mount "$ctr")
tar --numeric-owner --xattrs -C "$mnt" -xf "$tarball"
buildah umount "$ctr" >/dev/null
buildah config --arch "$arch" --os linux --cmd /bin/bash \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --label "aeslab.base-key=$key" "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
trap - EXIT
echo "$image"

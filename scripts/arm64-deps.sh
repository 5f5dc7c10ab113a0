#!/usr/bin/env bash
# arm64-deps.sh - what an x86-64 host needs to cross-build the lab for
# aarch64 and run it under user-mode emulation:
#   gcc-aarch64-linux-gnu, libc6-dev-arm64-cross   the cross compiler + libc
#   g++-aarch64-linux-gnu                          for the C++ peers (BoringSSL,
#                                                  AWS-LC) cross-built from source
#   qemu-user                                      qemu-aarch64 (7.2 on bookworm)
#   libssl-dev:arm64                               the distro OpenSSL for the
#                                                  arm64 peer plugin (Debian
#                                                  multiarch: needs the arm64
#                                                  foreign architecture)
#   libstdc++6:arm64                               run time of the C++ peers
#                                                  (BoringSSL) under qemu
# Idempotent and quick when everything is there; needs root (or sudo) only
# when something is missing.  On an aarch64 host nothing here is needed (the
# native `make deps` installs libssl-dev) and the script does nothing.
set -euo pipefail
[ "$(dpkg --print-architecture)" = amd64 ] || exit 0
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user; do
  installed "$p" || missing+=("$p")
done
# libssl-dev:arm64 must match the amd64 libssl-dev version exactly (multiarch
# co-installability), which apt resolves when both come from the same
# archive state.
installed libssl-dev:arm64 || missing+=("libssl-dev:arm64")
installed libstdc++6:arm64 || missing+=("libstdc++6:arm64")
[ ${#missing[@]} -eq 0 ] && exit 0

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "arm64-deps: enabling the arm64 foreign architecture (dpkg --add-architecture arm64)"
  $sudo dpkg --add-architecture arm64
fi
echo "arm64-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

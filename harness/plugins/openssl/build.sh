#!/usr/bin/env bash
# build.sh CACHE CRATE_VERSION [ARCH]
#
# Builds a static libcrypto of the OpenSSL release carried by the crate
# openssl-src at CRATE_VERSION, with OpenSSL's own Configure, into
#   CACHE/openssl-src-CRATE_VERSION/{lib/libcrypto.a,include/openssl/}
# and logs everything to .../build.log.  A finished build is marked with
# .built and never redone, so a second `make build` costs nothing.
#
# Configure options: no-module (the crate's tree lacks util/providers.num,
# which only loadable providers need; the crate's own build uses it too),
# no-shared/no-tests/no-apps/no-docs (only libcrypto.a is wanted), and
# -fPIC because the library is linked into a plugin shared object while
# Configure turns PIC off together with shared and module.  Everything else
# is OpenSSL's default for linux-x86_64, assembly included: the point is to
# measure the code OpenSSL ships.
#
# ARCH (default x86_64) = aarch64 builds linux-aarch64 into
# CACHE/openssl-src-CRATE_VERSION-aarch64, with aarch64-linux-gnu-gcc when
# the host is not aarch64 (make ARCH=arm64, docs/arm64.md).
set -euo pipefail
# The whole script is one compound command, so bash has read all of it
# before running any of it: editing the file during a long build is safe.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../kit/crate-build.sh"
# Done when finished and every output the plugins link against is there.
kit_crate_begin openssl-src "$1" "$2" "${3:-x86_64}" lib/libcrypto.a include/openssl/opensslv.h
cross=()
[ -z "$kit_cross" ] || cross=(--cross-compile-prefix="$kit_cross")

kit_fetch_crate

step "configuring (log: $log)"
rm -rf "$dir/build" "$dir/lib" "$dir/include"
mkdir -p "$dir/build"
cd "$dir/build"
perl "$dir/src/openssl/Configure" "linux-$arch" "${cross[@]}" --prefix="$dir" --openssldir="$dir/ssl" \
  --libdir=lib no-module no-shared no-tests no-apps no-docs -fPIC >> "$log" 2>&1 \
  || fail "Configure"

step "building libcrypto.a (make -j2)"
{ make -j2 build_generated && make -j2 libcrypto.a; } >> "$log" 2>&1 || fail "make"

step "installing into $dir"
mkdir -p "$dir/lib" "$dir/include/openssl"
cp libcrypto.a "$dir/lib/"
cp "$dir/src/openssl/include/openssl/"*.h "$dir/include/openssl/"
cp include/openssl/*.h "$dir/include/openssl/"
kit_crate_finish
}

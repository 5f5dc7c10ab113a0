#!/usr/bin/env bash
# build.sh CACHE CRATE_VERSION [ARCH]
#
# Builds a static libcrypto.a of the AWS-LC tree inside the crate aws-lc-sys
# at CRATE_VERSION, with AWS-LC's own CMake and ninja, into
# CACHE/aws-lc-sys-CRATE_VERSION/{lib,include}; full output in
# .../build.log.  A finished build (.built) is never redone.
#
# Options mirror what the crate itself passes for a non-FIPS build (no
# tests, no tool, no libssl, no Go/Perl: the tree carries pre-generated
# assembly; sources left unmodified), except that symbols are not
# prefixed: the plugin hides every library symbol instead.
set -euo pipefail
# The whole script is one compound command, so bash has read all of it
# before running any of it: editing the file during a long build is safe.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../kit/crate-build.sh"
# Done when finished and every output the plugins link against is there.
kit_crate_begin aws-lc-sys "$1" "$2" "${3:-x86_64}" lib/libcrypto.a include/peer_version.h

kit_fetch_crate

kit_cmake_configure "$dir/src/aws-lc" -DBUILD_TOOL=OFF -DBUILD_LIBSSL=OFF \
  -DDISABLE_GO=ON -DDISABLE_PERL=ON -DENABLE_SOURCE_MODIFICATION=OFF

step "building crypto (ninja -j2)"
ninja -C "$dir/build" -j2 crypto >> "$log" 2>&1 || fail "ninja"

step "installing into $dir"
mkdir -p "$dir/lib"
cp "$dir/build/crypto/libcrypto.a" "$dir/lib/"
cp -a "$dir/src/aws-lc/include" "$dir/include"
kit_peer_version
kit_crate_finish
}

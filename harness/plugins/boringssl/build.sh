#!/usr/bin/env bash
# build.sh CACHE CRATE_VERSION [ARCH]
#
# Builds static libcrypto.a (and libdecrepit's XTS) of the BoringSSL tree inside
# the crate boring-sys at CRATE_VERSION, with BoringSSL's own CMake and
# ninja, into CACHE/boring-sys-CRATE_VERSION/{lib,include}; full output in
# .../build.log.  A finished build (.built) is never redone.
#
# The crate's optional patches (post-quantum TLS, certificate-validation
# relaxations) touch only libssl and X.509, so the tree is built as shipped.
# The crate's tree carries pre-generated assembly (gen/), so neither Go nor
# Perl is needed.  Position-independent code because the archives end up
# inside a plugin shared object.  ARCH (default x86_64) = aarch64 builds
# into CACHE/boring-sys-CRATE_VERSION-aarch64, cross-compiled on x86-64.
set -euo pipefail
# The whole script is one compound command, so bash has read all of it
# before running any of it: editing the file during a long build is safe.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../kit/crate-build.sh"
# Done when finished and every output the plugins link against is there.
kit_crate_begin boring-sys "$1" "$2" "${3:-x86_64}" lib/libcrypto.a lib/libdecrepit-xts.a include/peer_version.h

kit_fetch_crate

kit_cmake_configure "$dir/src/deps/boringssl"

# From libdecrepit only XTS is wanted, and the whole library would drag in
# libssl (a third of the build); so build just its XTS object when the
# generated build names it, else fall back to the whole library.
xts_obj=CMakeFiles/decrepit.dir/decrepit/xts/xts.cc.o
mkdir -p "$dir/lib"
ninja -C "$dir/build" -t targets all > "$dir/targets.txt" 2>/dev/null || true
if grep -q "^$xts_obj:" "$dir/targets.txt"; then
  step "building crypto and libdecrepit's XTS (ninja -j2)"
  ninja -C "$dir/build" -j2 crypto "$xts_obj" >> "$log" 2>&1 || fail "ninja"
  "$ar" rcs "$dir/lib/libdecrepit-xts.a" "$dir/build/$xts_obj"
else
  step "building crypto and decrepit (ninja -j2)"
  ninja -C "$dir/build" -j2 crypto decrepit >> "$log" 2>&1 || fail "ninja"
  cp "$dir/build/libdecrepit.a" "$dir/lib/libdecrepit-xts.a"
fi

step "installing into $dir"
cp "$dir/build/libcrypto.a" "$dir/lib/"
cp -a "$dir/src/deps/boringssl/include" "$dir/include"
kit_peer_version
kit_crate_finish "$dir/targets.txt"
}

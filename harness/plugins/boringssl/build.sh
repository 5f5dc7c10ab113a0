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
cache=$1 ver=$2 arch=${3:-x86_64}
here=$(cd "$(dirname "$0")" && pwd)
fetch=$here/../kit/fetch-crate.sh
dir=$cache/boring-sys-$ver
[ "$arch" = x86_64 ] || dir=$dir-$arch
# Cross build (make ARCH=arm64 on x86-64): the cross compilers, and CMake
# told the target processor (which selects the library's assembly).
cc=gcc cxx=g++ ar=ar cmake_cross=()
if [ "$arch" != "$(uname -m)" ]; then
  cc=$arch-linux-gnu-gcc cxx=$arch-linux-gnu-g++ ar=$arch-linux-gnu-ar
  cmake_cross=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="$arch")
fi
log=$dir/build.log
# Done when finished and every output the plugins link against is there.
outputs="lib/libcrypto.a lib/libdecrepit-xts.a include/peer_version.h"
complete=1
[ -f "$dir/.built" ] || complete=0
for o in $outputs; do [ -f "$dir/$o" ] || complete=0; done
[ $complete = 1 ] && exit 0
rm -f "$dir/.built"

step() { echo "boring-sys $ver: $*"; }
fail() { echo "boring-sys $ver: $1 failed (full log: $log)" >&2; exit 1; }

mkdir -p "$dir"
: > "$log"
step "fetching the crate with cargo"
"$fetch" boring-sys "$ver" "$dir/src" >> "$log" 2>&1 || fail "fetching the crate"

step "configuring with cmake (log: $log)"
rm -rf "$dir/build" "$dir/lib" "$dir/include"
cmake -S "$dir/src/deps/boringssl" -B "$dir/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DBUILD_TESTING=OFF "${cmake_cross[@]}" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >> "$log" 2>&1 \
  || fail "cmake"

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
# The exact source, for `aesbench list`: crate version and the commit of
# the crate's own repository, which the crate records.
sha=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["git"]["sha1"][:12])' \
        "$dir/src/.cargo_vcs_info.json" 2>/dev/null || echo unknown)
printf '#define PEER_CRATE "%s %s (git %s)"\n' boring-sys "$ver" "$sha" > "$dir/include/peer_version.h"
# Only lib/ and include/ are used; the object tree is not worth keeping
# (src/ stays, for reading and for gdb).
cd "$dir" && rm -rf "$dir/build" "$dir/targets.txt"
touch "$dir/.built"
step "done"
exit 0
}

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
cache=$1 ver=$2 arch=${3:-x86_64}
here=$(cd "$(dirname "$0")" && pwd)
fetch=$here/../kit/fetch-crate.sh
dir=$cache/aws-lc-sys-$ver
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
outputs="lib/libcrypto.a include/peer_version.h"
complete=1
[ -f "$dir/.built" ] || complete=0
for o in $outputs; do [ -f "$dir/$o" ] || complete=0; done
[ $complete = 1 ] && exit 0
rm -f "$dir/.built"

step() { echo "aws-lc-sys $ver: $*"; }
fail() { echo "aws-lc-sys $ver: $1 failed (full log: $log)" >&2; exit 1; }

mkdir -p "$dir"
: > "$log"
step "fetching the crate with cargo"
"$fetch" aws-lc-sys "$ver" "$dir/src" >> "$log" 2>&1 || fail "fetching the crate"

step "configuring with cmake (log: $log)"
rm -rf "$dir/build" "$dir/lib" "$dir/include"
cmake -S "$dir/src/aws-lc" -B "$dir/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DBUILD_TESTING=OFF -DBUILD_TOOL=OFF -DBUILD_LIBSSL=OFF \
  -DDISABLE_GO=ON -DDISABLE_PERL=ON -DENABLE_SOURCE_MODIFICATION=OFF \
  "${cmake_cross[@]}" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >> "$log" 2>&1 \
  || fail "cmake"

step "building crypto (ninja -j2)"
ninja -C "$dir/build" -j2 crypto >> "$log" 2>&1 || fail "ninja"

step "installing into $dir"
mkdir -p "$dir/lib"
cp "$dir/build/crypto/libcrypto.a" "$dir/lib/"
cp -a "$dir/src/aws-lc/include" "$dir/include"
# The exact source, for `aesbench list`: crate version and the commit of
# the crate's own repository, which the crate records.
sha=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["git"]["sha1"][:12])' \
        "$dir/src/.cargo_vcs_info.json" 2>/dev/null || echo unknown)
printf '#define PEER_CRATE "%s %s (git %s)"\n' aws-lc-sys "$ver" "$sha" > "$dir/include/peer_version.h"
# Only lib/ and include/ are used; the object tree is not worth keeping
# (src/ stays, for reading and for gdb).
cd "$dir" && rm -rf "$dir/build"
touch "$dir/.built"
step "done"
exit 0
}

#!/usr/bin/env bash
# build.sh CACHE CRATE_VERSION
#
# Builds static libcrypto.a and libdecrepit.a of the BoringSSL tree inside
# the crate boring-sys at CRATE_VERSION, with BoringSSL's own CMake and
# ninja, into CACHE/boring-sys-CRATE_VERSION/{lib,include}; full output in
# .../build.log.  A finished build (.built) is never redone.
#
# The crate's optional patches (post-quantum TLS, certificate-validation
# relaxations) touch only libssl and X.509, so the tree is built as shipped.
# The crate's tree carries pre-generated assembly (gen/), so neither Go nor
# Perl is needed.  Position-independent code because the archives end up
# inside a plugin shared object.
set -euo pipefail
cache=$1 ver=$2
here=$(cd "$(dirname "$0")" && pwd)
fetch=$here/../openssl/fetch-crate.sh
dir=$cache/boring-sys-$ver
log=$dir/build.log
[ -f "$dir/.built" ] && exit 0

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
  -DBUILD_TESTING=OFF -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ >> "$log" 2>&1 \
  || fail "cmake"

step "building crypto and decrepit (ninja -j2)"
ninja -C "$dir/build" -j2 crypto decrepit >> "$log" 2>&1 || fail "ninja"

step "installing into $dir"
mkdir -p "$dir/lib"
cp "$dir/build/libcrypto.a" "$dir/build/libdecrepit.a" "$dir/lib/"
cp -a "$dir/src/deps/boringssl/include" "$dir/include"
# The exact source, for `aesbench list`: crate version and the commit of
# the crate's own repository, which the crate records.
sha=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["git"]["sha1"][:12])' \
        "$dir/src/.cargo_vcs_info.json" 2>/dev/null || echo unknown)
printf '#define PEER_CRATE "%s %s (git %s)"\n' boring-sys "$ver" "$sha" > "$dir/include/peer_version.h"
# Only lib/ and include/ are used; the object tree is not worth keeping
# (src/ stays, for reading and for gdb).
cd "$dir" && rm -rf "$dir/build"
touch "$dir/.built"
step "done"

# crate-build.sh - shell functions shared by the build.sh of the peers built
# from a crate (openssl/, boringssl/, awslc/): the cache entry and its
# "already built" check, cross-build settings, log messages, fetching the
# crate, the peer_version.h record, a CMake configure and finishing.
# Sourced by those scripts (". kit/crate-build.sh"), not run.
#
# A cache entry is CACHE/CRATE-VERSION (other architectures:
# CACHE/CRATE-VERSION-ARCH) with lib/, include/, src/ (the crate, kept for
# reading and for gdb), build.log and .built once finished.

kit_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# kit_crate_begin CRATE CACHE VERSION ARCH OUTPUT...
# Sets crate, ver, arch, dir (the cache entry), log, and for a cross build
# (ARCH is not this machine's: make ARCH=arm64 on x86-64, docs/arm64.md)
# kit_cross (the tools' prefix, else empty), cc, cxx, ar and cmake_cross
# (CMake told the target processor, which selects the library's assembly).
# Exits 0 at once when the entry is finished and every OUTPUT (relative to
# it: what the plugins link against) is there; otherwise starts a new log.
kit_crate_begin() {
  crate=$1 ver=$3 arch=$4
  dir=$2/$crate-$ver
  [ "$arch" = x86_64 ] || dir=$dir-$arch
  log=$dir/build.log
  kit_cross="" cc=gcc cxx=g++ ar=ar cmake_cross=()
  if [ "$arch" != "$(uname -m)" ]; then
    kit_cross=$arch-linux-gnu-
    cc=${kit_cross}gcc cxx=${kit_cross}g++ ar=${kit_cross}ar
    cmake_cross=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="$arch")
  fi
  local complete=1 o
  [ -f "$dir/.built" ] || complete=0
  for o in "${@:5}"; do [ -f "$dir/$o" ] || complete=0; done
  [ $complete = 1 ] && exit 0
  rm -f "$dir/.built"
  mkdir -p "$dir"
  : > "$log"
}

step() { echo "$crate $ver: $*"; }
fail() { echo "$crate $ver: $1 failed (full log: $log)" >&2; exit 1; }

# The published crate, with the cargo client only (fetch-crate.sh), into src/.
kit_fetch_crate() {
  step "fetching the crate with cargo"
  "$kit_dir/fetch-crate.sh" "$crate" "$ver" "$dir/src" >> "$log" 2>&1 || fail "fetching the crate"
}

# kit_cmake_configure SOURCE [OPTION...]: a fresh build/ for SOURCE (a
# CMake + Ninja tree), Release, position-independent code because the
# archives end up inside a plugin shared object, no tests; OPTIONs are the
# library's own.
kit_cmake_configure() {
  step "configuring with cmake (log: $log)"
  rm -rf "$dir/build" "$dir/lib" "$dir/include"
  cmake -S "$1" -B "$dir/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_TESTING=OFF "${@:2}" "${cmake_cross[@]}" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >> "$log" 2>&1 \
    || fail "cmake"
}

# include/peer_version.h: the exact source, for `aesbench list`: crate
# version and the commit of the crate's own repository, which the crate
# records.
kit_peer_version() {
  local sha
  sha=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["git"]["sha1"][:12])' \
          "$dir/src/.cargo_vcs_info.json" 2>/dev/null || echo unknown)
  printf '#define PEER_CRATE "%s %s (git %s)"\n' "$crate" "$ver" "$sha" > "$dir/include/peer_version.h"
}

# kit_crate_finish [FILE...]: only lib/ and include/ are used; the object
# tree (and FILEs) are not worth keeping (src/ stays, for reading and for
# gdb).  Marks the entry finished and exits 0.
kit_crate_finish() {
  cd "$dir" && rm -rf "$dir/build" "$@"
  touch "$dir/.built"
  step "done"
  exit 0
}

#!/usr/bin/env bash
# The body of `make test-kernels-x86` (mk/kernel-tests.mk passes MAKE, CC,
# KTEST_DIR and KTEST_VARIANTS="ID:kernel:gcm|xts ...", the last field the
# half of the test the knob changes; the native binaries are
# built by then).  Every own x86 kernel is tested natively where this CPU
# has its ISA and emulated (SIMDe + tests/kernels/emu/) where it does not,
# one result line per kernel and build.  A check that cannot run prints a
# line starting with "skip: " and does not fail the target; any mismatch
# does.
set -u
D=$KTEST_DIR

run() {
    ASAN_OPTIONS=detect_leaks=0 "$@" || { echo "FAILED: $*" >&2; exit 1; }
}
# The emulated objects take most of the build: in parallel even under a
# plain `make` (under `make -jN` the jobserver already shares the jobs).
jobs=
case " ${MAKEFLAGS:-} " in *jobserver*|*" -j"*) ;; *) jobs=-j$(nproc) ;; esac
build() {
    [ $# -eq 0 ] && return 0
    $MAKE --no-print-directory -s $jobs "$@" >"$D/build.log" 2>&1 ||
        { cat "$D/build.log" >&2; echo "FAILED: building $*" >&2; exit 1; }
}

need=$("$D/x86_vaes_test" --list-emulated) || { echo "FAILED: $D/x86_vaes_test --list-emulated" >&2; exit 1; }
in_need() { case " $need " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- native ------------------------------------------------------------------
run "$D/x86_vaes_test"
run "$D/x86_vaes_test_asan"
run "$D/x86_vaes_ctr_test"
nat=() nat_a=() emu=() emu_a=()
for v in $KTEST_VARIANTS; do
    IFS=: read -r id k only <<<"$v"
    if in_need "$k"; then emu+=("$D/emu/x86_vaes_test-$id") emu_a+=("--$only-only $k")
    else nat+=("$D/nat/x86_vaes_test-$id") nat_a+=("--$only-only $k"); fi
done
build "${nat[@]}"
# (the arguments split on purpose: an option and a kernel name)
for i in "${!nat[@]}"; do run "${nat[$i]}" ${nat_a[$i]}; done

# ---- emulated ----------------------------------------------------------------
[ -n "$need" ] || exit 0
if ! echo '#include <simde/x86/avx512.h>' | $CC -E -x c - -o /dev/null 2>/dev/null; then
    for k in $need; do
        echo "skip: x86 kernel $k (and its knob variants) under emulation: SIMDe headers not found (install libsimde-dev)"
    done
    exit 0
fi
build "$D/emu_shim_test" "$D/emu/x86_vaes_test" "$D/emu/x86_vaes_ctr_test" "${emu[@]}"
run "$D/emu_shim_test"

# Emulation is slow (~10-30 s per kernel here): one process per kernel and
# variant, nproc at a time, results printed in a fixed order.
P=$(nproc) n=0
spawn() {
    while [ "$(jobs -rp | wc -l)" -ge "$P" ]; do wait -n; done
    ( "$@" >"$D/emu/run.$n.log" 2>&1; echo $? >"$D/emu/run.$n.rc" ) &
    n=$((n + 1))
}
rm -f "$D"/emu/run.*
for k in $need; do spawn "$D/emu/x86_vaes_test" "$k"; done
spawn "$D/emu/x86_vaes_ctr_test" $need
for i in "${!emu[@]}"; do spawn "${emu[$i]}" ${emu_a[$i]}; done
wait
failed=0
for ((i = 0; i < n; i++)); do
    cat "$D/emu/run.$i.log"
    [ "$(cat "$D/emu/run.$i.rc")" = 0 ] || failed=1
done
[ $failed = 0 ] || { echo "FAILED: an emulated kernel test (output above)" >&2; exit 1; }
echo "x86 emulation: fault suppression of masked loads at a guard page is not shown by emulation (the shim never reads a masked-out byte)"

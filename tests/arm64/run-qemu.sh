#!/usr/bin/env bash
# run-qemu.sh - verify the arm64 build under qemu-aarch64 (make test-arm64),
# or natively on an aarch64 host (--native, make test-arm64-native).
#
# For each CPU model - qemu 7.2:
#   max          AES + PMULL + SHA3   every own arm64 kernel runs
#   neoverse-n1  AES + PMULL          armv8-ce-eor3 must be "unsupported";
#                                     qemu traps EOR3 on this model (SIGILL),
#                                     so a dispatch slip is a crash, not a pass
#   no-crypto    -cpu max with AESLAB_ARMCAP=none (and OPENSSL_armcap=0 for
#                the OpenSSL peer): only the portable code may run; every
#                qemu 7.2 model has AES + PMULL, so this path is only
#                reachable through the capability override
# it checks:
#   1. aesbench list: CAVP KATs, differential against own/portable, tamper,
#      for every implementation; supported/unsupported exactly as the model
#      allows (check_list.py);
#   2. tests/arm64/lengths.c: every GCM length 0..4096 and every XTS length
#      16..4096 (ciphertext stealing at every block count), round trip and
#      tampered tag, against digests from the host's own/portable;
#   3. what actually executed: qemu logs every translated block (-d in_asm);
#      the instructions of step 2's run, and of own/auto alone, must match
#      the model (EOR3 present only with SHA3, no AES/PMULL/EOR3 at all in
#      the no-crypto run), which proves each dispatch path ran and that
#      nothing else did;
#   4. aesbench run refuses to measure under emulation (exit 2), and with
#      --allow-emulated labels its points "emulated": true.
# Before that, isa-check.sh checks the objects statically.
set -uo pipefail
cd "$(dirname "$0")/../.."
native=0; hostb=build; armb=build-aarch64
while [ $# -gt 0 ]; do
  case $1 in
    --native) native=1 ;;
    --host-build) hostb=$2; shift ;;
    --arm64-build) armb=$2; shift ;;
    *) echo "usage: run-qemu.sh [--native] [--host-build DIR] [--arm64-build DIR]" >&2; exit 2 ;;
  esac
  shift
done
PY=${PY:-.venv/bin/python}
# The guest's dynamic loader and libc must come from one glibc build.  With
# Debian's arm64 multiarch libc6 installed (libssl-dev:arm64 pulls it in),
# the host's /lib/ld-linux-aarch64.so.1 and /lib/aarch64-linux-gnu are that
# pair and no prefix is needed; QEMU_LD_PREFIX=/usr/aarch64-linux-gnu would
# then take ld.so from the cross libc but libc.so.6 from multiarch (qemu
# falls back to host paths), and threads and fork() hang in glibc.
if [ -z "${QEMU_LD_PREFIX:-}" ] && [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
  export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
fi
log=$armb/test-arm64
rm -rf "$log"; mkdir -p "$log"
failures=()
fail() { echo "  FAIL $*"; failures+=("$*"); }
ok() { echo "  ok   $*"; }

echo "== static instruction check of the arm64 objects"
if [ $native = 1 ]; then OBJDUMP=objdump tests/arm64/isa-check.sh "$armb"; else tests/arm64/isa-check.sh "$armb"; fi \
  || fail "isa-check"

ref_args=()
if [ $native = 0 ]; then
  echo "== reference digests from $hostb/plugins/own.so (own/portable, native)"
  if "$hostb/lengths" --emit "$log/lengths-ref.txt" "$hostb/plugins/own.so" >/dev/null; then
    ok "$(wc -l <"$log/lengths-ref.txt") digests"
    ref_args=(--expect "$log/lengths-ref.txt")
  else
    fail "reference digests"
  fi
fi

# model name | qemu -cpu | environment | capability level
if [ $native = 1 ]; then
  feats=$(grep -m1 '^Features' /proc/cpuinfo)
  lvl=none
  if grep -qw aes <<<"$feats" && grep -qw pmull <<<"$feats"; then
    lvl=ce; grep -qw sha3 <<<"$feats" && lvl=sha3
  fi
  nosha=$([ $lvl = none ] && echo none || echo ce)
  models=("native||-|$lvl" "nosha3||AESLAB_ARMCAP=nosha3|$nosha" "no-crypto||AESLAB_ARMCAP=none OPENSSL_armcap=0|none")
else
  models=("max|max|-|sha3" "neoverse-n1|neoverse-n1|-|ce" "no-crypto|max|AESLAB_ARMCAP=none OPENSSL_armcap=0|none")
fi

# in_asm_check LOG LEVEL WHAT: the translated instructions match the level
in_asm_check() {
  local f=$1 lvl=$2 what=$3 seen
  seen=$("$PY" tests/arm64/inasm_classes.py "$f")
  local want_aes=0 want_eor3=0
  case $lvl in sha3) want_aes=1; want_eor3=1 ;; ce) want_aes=1 ;; esac
  local bad=""
  if [ $want_aes = 1 ]; then
    grep -qw aese <<<"$seen" && grep -qw pmull <<<"$seen" || bad="no AESE/PMULL executed"
  else
    grep -Eqw 'aes[edm]|aesimc|aesmc|pmull2?' <<<"$seen" && bad="AES/PMULL executed"
  fi
  if [ $want_eor3 = 1 ]; then
    grep -qw eor3 <<<"$seen" || bad="$bad${bad:+, }no EOR3 executed"
  else
    grep -Eqw 'eor3|bcax' <<<"$seen" && bad="$bad${bad:+, }SHA3 instructions executed"
  fi
  if [ -z "$bad" ]; then ok "$what executed [${seen:-no crypto instructions}]"
  else fail "$what: $bad (executed: ${seen:-none})"; fi
}

has_auto=0
for m in "${models[@]}"; do
  IFS='|' read -r name cpu envs lvl <<<"$m"
  [ "$envs" = - ] && envs=""
  if [ $native = 1 ]; then
    echo "== arm64, natively, ${envs:-as the CPU is} (expect: $lvl)"
    run() { env $envs "$@"; }
    trace() { shift 2; env $envs "$@"; }
  else
    echo "== arm64 under qemu-aarch64 -cpu $cpu${envs:+ with $envs} (expect: $lvl)"
    run() { env $envs qemu-aarch64 -cpu "$cpu" "$@"; }
    trace() { local lf=$1; shift 2; env $envs qemu-aarch64 -cpu "$cpu" -d in_asm -D "$lf" "$@"; }
  fi

  # 1. the harness's verification of every implementation
  start=$(date +%s)
  run "$armb/aesbench" list --json >"$log/list-$name.json" 2>"$log/list-$name.err"
  rc=$?
  if [ $rc -ne 0 ] && [ ! -s "$log/list-$name.json" ]; then
    fail "$name: aesbench list exited $rc: $(tail -n 1 "$log/list-$name.err")"
  elif "$PY" tests/arm64/check_list.py "$lvl" "$log/list-$name.json" >"$log/list-$name.txt"; then
    ok "$name: aesbench list: $(grep -c '^    ok' "$log/list-$name.txt") implementation x algorithm rows as expected ($(( $(date +%s) - start )) s)"
    grep '^skip: ' "$log/list-$name.txt"
  else
    cat "$log/list-$name.txt"; fail "$name: aesbench list"
  fi
  if grep -q 'left out' "$log/list-$name.err"; then
    grep 'left out' "$log/list-$name.err" | head -3
    fail "$name: a plugin of the arm64 build did not load"
  fi
  grep -q '"own/auto"' "$log/list-$name.json" 2>/dev/null && has_auto=1

  # 2. + 3. every length, with the executed instructions logged
  start=$(date +%s)
  if trace "$log/inasm-$name.log" x "$armb/lengths" "${ref_args[@]}" "$armb/plugins/own.so" >"$log/lengths-$name.txt" 2>&1; then
    ok "$name: every length: $(grep -c '^ok' "$log/lengths-$name.txt") implementation x algorithm runs match, $(grep -c '^skip' "$log/lengths-$name.txt") skipped as unsupported ($(( $(date +%s) - start )) s)"
  else
    grep -E '^(FAIL|lengths)' "$log/lengths-$name.txt" | head -5
    fail "$name: every-length test"
  fi
  if [ $native = 0 ]; then
    in_asm_check "$log/inasm-$name.log" "$lvl" "$name: own kernels"
    if [ $has_auto = 1 ]; then
      trace "$log/inasm-auto-$name.log" x "$armb/lengths" "${ref_args[@]}" --max 300 --impl own/auto \
        "$armb/plugins/own.so" >"$log/auto-$name.txt" 2>&1 || fail "$name: own/auto lengths"
      in_asm_check "$log/inasm-auto-$name.log" "$lvl" "$name: own/auto alone"
    else
      echo "skip: arm64 own/auto dispatch on $name: own/auto is not in this build"
    fi
  fi

  # 5. the newest peers' EOR3 GCM (the seeds' code), verified with EOR3
  # seen executing, each peer alone in a plugin folder with own.so (the
  # reference).  BoringSSL follows HWCAP SHA3 alone.  OpenSSL 4.x enables
  # its unroll8_eor3 kernels from MIDR only on Neoverse V1/N2/V2, which
  # qemu does not claim to be, so OPENSSL_armcap=0x183d forces them
  # (NEON|AES|SHA1|SHA256|PMULL|SHA3|UNROLL8_EOR3, crypto/arm_arch.h).
  # AWS-LC's 8x kernel needs a Neoverse V1/V2/V3 MIDR and AWS-LC aborts on
  # an OPENSSL_armcap asking for bits it did not probe, so it cannot be
  # forced here (docs/arm64.md).
  if [ $native = 0 ] && [ "$name" = max ]; then
    for spec in "boringssl|" "openssl-[1-9]*|0x183d"; do
      IFS='|' read -r pat cap <<<"$spec"
      so=$(ls "$armb"/plugins/$pat.so 2>/dev/null | grep -v 'openssl-3\.0' | head -n 1)
      [ -n "$so" ] || { echo "skip: arm64 $pat EOR3 GCM: not in this build (peer not cross-built)"; continue; }
      lib=$(basename "$so" .so)
      pdir=$log/plugins-$lib
      mkdir -p "$pdir"
      ln -sf "$PWD/$so" "$PWD/$armb/plugins/own.so" "$pdir/"
      if AESLAB_PLUGINS=$pdir OPENSSL_armcap=$cap trace "$log/inasm-$lib-eor3.log" x \
           "$armb/aesbench" verify --impl "$lib/*" --alg aes-128-gcm,aes-192-gcm,aes-256-gcm \
           >"$log/$lib-eor3.txt" 2>&1; then
        in_asm_check "$log/inasm-$lib-eor3.log" sha3 "max: $lib GCM${cap:+ (OPENSSL_armcap=$cap)} verified; it"
      else
        cat "$log/$lib-eor3.txt"; fail "max: $lib GCM verification${cap:+ with OPENSSL_armcap=$cap}"
      fi
    done
  fi

  # 4. no throughput from emulation (the first model is enough)
  if [ $native = 0 ] && [ "$name" = max ]; then
    out=$(run "$armb/aesbench" run --impl own/armv8-ce --alg aes-128-gcm --op seal --sizes 64 \
          --samples 5 --min-time 0.001 --format jsonl 2>&1); rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q emulation <<<"$out"; then
      ok "aesbench run refuses under emulation: ${out:0:110}..."
    else
      fail "aesbench run under emulation: exit $rc, expected 2 and one line (got: ${out:0:200})"
    fi
    out=$(run "$armb/aesbench" run --allow-emulated --impl own/armv8-ce --alg aes-128-gcm --op seal \
          --sizes 64 --samples 5 --min-time 0.001 --format jsonl 2>/dev/null); rc=$?
    if [ $rc -eq 0 ] && grep -q '"emulated": true' <<<"$out"; then
      ok "aesbench run --allow-emulated labels its points \"emulated\": true"
    else
      fail "aesbench run --allow-emulated: exit $rc, points not labelled (got: ${out:0:200})"
    fi
  fi
done

echo "== logs in $log"
if [ ${#failures[@]} -gt 0 ]; then
  echo "arm64: ${#failures[@]} check(s) failed:"; printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "arm64: every check passed"

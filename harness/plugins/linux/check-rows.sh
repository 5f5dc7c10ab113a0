#!/usr/bin/env bash
# check-rows.sh AESBENCH PLUGIN_DIR
#
# The test behind `make test-peers-linux`: the Linux-derived, intel-ipsec-mb
# and libsodium plugins must all have been built on this (x86-64) machine,
# must offer every implementation row listed below, and every row must pass
# aesbench's verification (or be reported unsupported by a CPU that lacks
# its ISA).  A plugin silently left out by `make build`, a row renamed or
# lost, or a row failing verification fails the test.  The one exception is
# linux-7.2, whose source package comes from Debian sid and so may not be
# reachable: when it was not built the test prints one
# `skip: linux-7.2 rows: <reason>` line (a named skip) and does not count
# those rows.
set -uo pipefail
aesbench=$1 plugins=$2

G3="aes-128-gcm aes-192-gcm aes-256-gcm"
X2="aes-128-xts aes-256-xts"
expected=()
add() { local name=$1; shift; for a in "$@"; do expected+=("$name $a"); done; }
lx72_why=
if [ ! -e "$plugins/linux-7.2.so" ]; then
  # build.sh leaves its reason next to the plugin's object directory
  why_file=$(dirname "$plugins")/obj/linux-7.2.why
  lx72_why=$(head -n 1 "$why_file" 2>/dev/null || true)
  echo "skip: linux-7.2 rows: ${lx72_why:-plugin not built (see the note from make build)}"
  lx72_why=${lx72_why:-not built}
else
  for p in gcm-vaes-avx512 gcm-vaes-avx2 gcm-aesni-avx gcm-aesni; do add linux-7.2/$p $G3; done
  for p in xts-vaes-avx512 xts-vaes-avx2 xts-aesni-avx xts-aesni; do add linux-7.2/$p $X2; done
fi
for p in gcm-vaes-avx10-512 gcm-vaes-avx10-256 gcm-aesni-avx gcm-aesni; do add linux-6.12/$p $G3; done
for p in xts-vaes-avx10-512 xts-vaes-avx10-256 xts-vaes-avx2 xts-aesni-avx xts-generic xts-aeslib; do
  add linux-6.12/$p $X2
done
for p in gcm-dispatch gcm-avx2 gcm-avx gcm-aesni; do add linux-6.1/$p $G3; done
add linux-6.1/xts-aesni $X2
for p in avx512 avx512-novaes avx2 avx sse; do add ipsec-mb/$p $G3; done
add libsodium/aesni aes-256-gcm

fail=0
for so in linux-6.12 linux-6.1 ipsec-mb libsodium; do
  if [ ! -e "$plugins/$so.so" ]; then
    echo "FAIL $so: plugin not built (see the note from make build)"
    fail=1
  fi
done

impls='linux-6.12/*,linux-6.1/*,ipsec-mb/*,libsodium/*'
[ -n "$lx72_why" ] || impls="linux-7.2/*,$impls"
out=$("$aesbench" verify --impl "$impls" 2>&1)
declare -A status detail
while read -r st name alg rest; do
  [ -n "${alg:-}" ] && status["$name $alg"]=$st && detail["$name $alg"]=$rest
done <<< "$out"

# A row this CPU cannot run must say which of the features it needs are
# missing; "refused though the CPU has all it names" means its `needs` is
# wrong.  Each such implementation is a named skip: it was not verified.
ok=0 unsup=0
declare -A skipped
for row in "${expected[@]}"; do
  st=${status[$row]:-missing}
  case $st in
    ok) ok=$((ok + 1)) ;;
    unsupported)
      unsup=$((unsup + 1))
      case ${detail[$row]} in
        lacks*) skipped[${row% *}]=${detail[$row]} ;;
        *) echo "FAIL $row: unsupported but ${detail[$row]}"; fail=1 ;;
      esac ;;
    *) echo "FAIL $row: $st"; fail=1 ;;
  esac
done
for impl in $(printf '%s\n' "${!skipped[@]}" | sort); do
  echo "skip: $impl not verified: this CPU ${skipped[$impl]%% (needs*}"
done
n_found=${#status[@]}
if [ "$n_found" -ne "${#expected[@]}" ]; then
  echo "FAIL: aesbench lists $n_found rows for these plugins, this test expects ${#expected[@]}"
  echo "$out" | grep -v '^ok ' | head -20
  fail=1
fi
echo "peers linux/ipsec-mb/libsodium: ${#expected[@]} rows expected, $ok verified, $unsup unsupported on this CPU"
exit $fail

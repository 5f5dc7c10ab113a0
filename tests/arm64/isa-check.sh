#!/usr/bin/env bash
# isa-check.sh BUILD_DIR - static half of "nothing executes an instruction
# the CPU lacks": disassemble the arm64 build's objects and check which
# instruction families each one contains.
#   armv8-ce, armv8-ce-u4   AES + PMULL present; nothing from SHA3 (EOR3,
#                           BCAX, RAX1, XAR), SHA512, SM3/SM4, SVE or LSE
#                           atomics (they run on any Armv8.0 CPU with the
#                           crypto extension)
#   armv8-ce-eor3           AES + PMULL + EOR3 present (the EOR3 build
#                           really uses it); no SVE
#   everything else         (portable kernel, plugin glue, own/auto's
#                           dispatcher, the harness) no AES, PMULL or SHA3
#                           instruction at all: these run before, or
#                           instead of, any capability check
# The dynamic half (run-qemu.sh) runs every path under CPU models that trap
# what they lack, and logs what is translated.
set -uo pipefail
b=${1:?usage: isa-check.sh BUILD_DIR}
od=${OBJDUMP:-aarch64-linux-gnu-objdump}
command -v "$od" >/dev/null || od=objdump
fail=0
mnemonics() { "$od" -d --no-show-raw-insn "$@" | awk -F'\t' 'NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {print $2}' | sort -u; }
has() { grep -Eqx "$1" <<<"$2"; }
crypto='aes[edm]|aesimc|aesmc|pmull2?'
sha3='eor3|bcax|rax1|xar'
other='sha512h2?|sha512su[01]|sm3.*|sm4.*|ld(add|clr|eor|set|smax|smin|umax|umin)[a-z]*|cas[a-z]*|swp[a-z]*'
check() { # name files... ; uses required / forbidden
  local name=$1 bad=0; shift
  local m; m=$(mnemonics "$@")
  local r
  for r in $required; do
    has "$r" "$m" || { echo "  FAIL $name: no $r instruction (expected)"; bad=1; }
  done
  local hit; hit=$(grep -Ex "$forbidden" <<<"$m" | tr '\n' ' ')
  [ -z "$hit" ] || { echo "  FAIL $name: contains $hit"; bad=1; }
  [ "$bad" = 0 ] || { fail=1; return; }
  echo "  ok   $name: $(wc -l <<<"$m") distinct instructions; required [${required:-none}] present, forbidden absent"
}
k=$b/obj/kernels/arm64
for d in armv8-ce armv8-ce-u4; do
  required="aese aesmc pmull pmull2"; forbidden="$sha3|$other"
  check "$d" "$k/$d"/*.o
done
required="aese aesmc pmull pmull2 eor3"; forbidden="whilelo|ptrue"
check armv8-ce-eor3 "$k"/armv8-ce-eor3/*.o
rest=$(find "$b/obj" -name '*.o' ! -path "$k/*")
required=""; forbidden="$crypto|$sha3"
# shellcheck disable=SC2086
check "portable, glue, own/auto, harness ($(wc -w <<<"$rest") objects)" $rest
exit $fail

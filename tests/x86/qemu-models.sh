#!/usr/bin/env bash
# qemu-models.sh AESBENCH PLUGIN_DIR - own/auto's choice and every fallback
# of the x86-64 build, under qemu-x86_64 CPU models this host may not be
# (make test-x86-models).
#
# For each model, the same binaries the lab times natively:
#   - `aesbench verify` of every own implementation (CAVP, differential
#     against own/portable, tamper): what the model offers must pass, the
#     rest must be "unsupported" with the features it lacks;
#   - own/auto's pick (its `aesbench list` note) must be the expected kernel.
# qemu raises #UD for an instruction its model lacks, so a dispatch slip is
# a crash (a FAIL), never a silent pass.  qemu 7.2 has AES-NI, PCLMULQDQ,
# AVX2 and 256-bit VAES but no VPCLMULQDQ and no AVX-512, so the VAES
# kernels cannot run under it at all: tests/kernels (make test-kernels-x86)
# verifies them natively or against SIMDe emulation instead.
#
#   model          offers                     own/auto must pick
#   Nehalem        SSE4.2, no AES-NI          portable
#   Westmere       AES-NI + PCLMULQDQ, no AVX aesni (aesni-avx unsupported)
#   Haswell-noTSX  + AVX2, no VAES            aesni-avx
#   max            + VAES, no VPCLMULQDQ      aesni-avx
set -uo pipefail
aesbench=${1:?usage: qemu-models.sh AESBENCH PLUGIN_DIR} plugins=${2:?usage: qemu-models.sh AESBENCH PLUGIN_DIR}
export AESLAB_PLUGINS=$plugins
if ! command -v qemu-x86_64 >/dev/null; then
  echo "skip: own kernels under qemu-x86_64 CPU models: qemu-x86_64 is not installed (Debian qemu-user)"
  exit 0
fi
models=("Nehalem|portable|own/portable"
        "Westmere|aesni|own/portable own/aesni"
        "Haswell-noTSX|aesni-avx|own/portable own/aesni own/aesni-avx"
        "max|aesni-avx|own/portable own/aesni own/aesni-avx")
fails=0
for m in "${models[@]}"; do
  IFS='|' read -r cpu pick runs <<<"$m"
  start=$(date +%s)
  out=$(qemu-x86_64 -cpu "$cpu" "$aesbench" verify --impl 'own/*' 2>&1 | grep -v '^qemu-x86_64: warning')
  bad=$(awk -v runs=" $runs own/auto " '
    $1 == "ok" || $1 == "unsupported" || $1 == "FAIL" || $1 == "TIMEOUT" {
      want = index(runs, " " $2 " ") ? "ok" : "unsupported"
      if ($1 != want) print "    " $0 "   (expected " want ")"
      if ($1 == "unsupported" && $4 != "lacks") print "    " $0 "   (no missing feature named)"
      n++
    }
    END { if (n < 10) print "    only " n " rows: the own plugin did not load?" }' <<<"$out")
  note=$(qemu-x86_64 -cpu "$cpu" "$aesbench" list --no-verify --impl own/auto --alg aes-128-gcm 2>/dev/null |
         sed -n 's/^  own\/auto \[.*\]: //p')
  ok_rows=$(grep -c '^ok ' <<<"$out")
  if [ -n "$bad" ]; then
    echo "FAIL x86 -cpu $cpu: own implementations"; echo "$bad"; fails=$((fails + 1))
  elif [[ "$note" != "seal: $pick at every length; open: $pick at every length; "* ]]; then
    echo "FAIL x86 -cpu $cpu: own/auto picked '$note', expected $pick"; fails=$((fails + 1))
  else
    echo "ok   x86 -cpu $cpu: own/auto picks ${note}; $ok_rows rows verified, the rest unsupported as expected ($(( $(date +%s) - start )) s)"
  fi
done
[ $fails -eq 0 ]

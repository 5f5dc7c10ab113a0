#!/usr/bin/env bash
# run-default.sh - the main job of `make run`: the quick default matrix on
# this machine (every own kernel and every distro/peer implementation this
# CPU runs; AES-128/256-GCM seal+open, AES-128/256-XTS enc+dec; the seeds'
# sizes), results to results/<host>/<run-id>.jsonl, and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/aeslab ] && .venv/bin/aeslab run --help >/dev/null 2>&1; then
  exec .venv/bin/aeslab run --preset quick "$@"
fi
host=$(hostname -s)
run_id=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "results/$host"
out="results/$host/$run_id.jsonl"
echo "aeslab: quick matrix -> $out"
build/aesbench run --impl 'all' --alg aes-128-gcm,aes-256-gcm,aes-128-xts,aes-256-xts \
  --min-time 0.01 --samples 5 --out "$out" "$@"

#!/usr/bin/env bash
# run-tests.sh TARGET... - run each test target (a make target), keep going
# after a failure, and close with one line "aeslab tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0; failures=()
for t in test-harness test-asan test-py "$@"; do
  echo "=== $t"
  start=$(date +%s)
  if make --no-print-directory "$t"; then
    passed=$((passed + 1)); echo "=== $t: ok ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1)); failures+=("$t"); echo "=== $t: FAILED ($(( $(date +%s) - start )) s)"
  fi
done
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "aeslab tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

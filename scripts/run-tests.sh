#!/usr/bin/env bash
# run-tests.sh TARGET... - run each test target (a make target), keep going
# after a failure, and close with one line
#     aeslab tests: N passed, N failed, N skipped
# N passed / failed count targets.  N skipped counts named skips: every check
# a target could not run here prints one line starting with "skip: " (or is
# a pytest skip, listed by -rs as "SKIPPED [n] file: reason"), naming what
# was not tested and why.  A target that passed with skips says so in its
# status line, and every skip is listed again before the closing line, so a
# green run never hides what it did not test.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0; skipped=0; failures=(); skips=()
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in test-harness test-asan test-py "$@"; do
  echo "=== $t"
  start=$(date +%s)
  make --no-print-directory "$t" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  mapfile -t these < <(grep -E '^(skip: |SKIPPED \[)' "$log" | sed "s|^|$t: |")
  secs=$(( $(date +%s) - start ))
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    if [ ${#these[@]} -gt 0 ]; then
      echo "=== $t: ok, ${#these[@]} skipped ($secs s)"
    else
      echo "=== $t: ok ($secs s)"
    fi
  else
    failed=$((failed + 1)); failures+=("$t"); echo "=== $t: FAILED ($secs s)"
  fi
  skipped=$((skipped + ${#these[@]}))
  skips+=("${these[@]}")
done
if [ ${#skips[@]} -gt 0 ]; then
  echo "not tested here (${#skips[@]}):"
  printf '  %s\n' "${skips[@]}"
fi
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "aeslab tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

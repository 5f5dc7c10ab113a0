#!/usr/bin/env bash
# build.sh DIR JOBS [MAKE-ARGS...] - `make build` in DIR, then list every build
# output that make rewrote ("rebuilt: FILE"), so that the playbook reports a
# change only when there was one, and the peers that were left out
# ("note: ...", from the Makefile).
set -euo pipefail
dir=$1 jobs=$2; shift 2
cd "$dir"
mkdir -p .fleet
stamp=.fleet/build-start
touch "$stamp"
if ! make --no-print-directory -j"$jobs" build "$@" > .fleet/build.log 2>&1; then
  tail -n 25 .fleet/build.log >&2
  echo "make build failed on $(hostname) (full log: $dir/.fleet/build.log)" >&2
  exit 1
fi
grep '^note:' .fleet/build.log || true
# peer-build.err is rewritten by every build (the peers loop's scratch file).
find build -type f -newer "$stamp" ! -name peer-build.err -printf 'rebuilt: %p\n' | sort

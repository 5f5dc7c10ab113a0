#!/usr/bin/env bash
# run-bench.sh STATE RESULTS TIMEOUT -- AESLAB RUN-ARGS...
#
# One `aeslab run` on this host, resumable across playbook runs.  STATE names
# the matrix (the bench role derives it from the matrix and the build): the
# run it started is remembered in STATE.id as soon as the runner has created
# it (the runner writes <results>/<host>/<run-id>.run.json before its first
# point), so that a run cut short by anything - timeout, crash, reboot, a
# lost SSH connection - is resumed by the next playbook run with
# `--resume RUN-ID`, and the runner measures again nothing it has stored.  A
# run that finished is marked STATE.done and not started again.
#
# TIMEOUT seconds: then SIGINT (the runner treats it as Ctrl-C: it restores
# what it changed and keeps every finished point), SIGKILL 60 s later.
#
# Output, for the playbook: "run: <host>/<run-id>", "points: <before> <after>",
# "status: complete|skipped" (or a non-zero exit with the runner's message).
set -uo pipefail
state=$1 results=$2 limit=$3
shift 3
[ "${1:-}" = -- ] && shift
mkdir -p "$(dirname "$state")" "$results"

points() {  # whole lines in the run's points file (plain while running, .gz once complete)
  local f=$results/$1.jsonl
  if [ -f "$f" ]; then grep -c '' "$f"; elif [ -f "$f.gz" ]; then gzip -dc "$f.gz" | grep -c ''; else echo 0; fi
}

if [ -f "$state.done" ] && [ -f "$state.id" ]; then
  id=$(cat "$state.id")
  n=$(points "$id")
  echo "run: $id"
  echo "points: $n $n"
  echo "status: skipped (this matrix already ran to the end here)"
  exit 0
fi

args=("$@")
before=0
if [ -f "$state.id" ]; then
  id=$(cat "$state.id")
  before=$(points "$id")
  args+=(--resume "${id#*/}")
  echo "resuming run $id ($before points stored)" >&2
else
  id=""
  find "$results" -mindepth 2 -maxdepth 2 -name '*.run.json' 2>/dev/null | sort > "$state.before"
fi

timeout --signal=INT --kill-after=60 "$limit" "${args[@]}" --results "$results" &
child=$!
# Learn the new run's id as soon as its run.json exists.
while [ -z "$id" ] && kill -0 "$child" 2>/dev/null; do
  new=$(find "$results" -mindepth 2 -maxdepth 2 -name '*.run.json' 2>/dev/null | sort | comm -13 "$state.before" - | head -n 1)
  if [ -n "$new" ]; then
    id=${new#"$results"/}
    id=${id%.run.json}
    printf '%s\n' "$id" > "$state.id.tmp" && mv "$state.id.tmp" "$state.id"
  else
    sleep 0.2
  fi
done
wait "$child"
rc=$?
if [ -z "$id" ]; then
  new=$(find "$results" -mindepth 2 -maxdepth 2 -name '*.run.json' 2>/dev/null | sort | comm -13 "$state.before" - | head -n 1)
  if [ -n "$new" ]; then
    id=${new#"$results"/}; id=${id%.run.json}
    printf '%s\n' "$id" > "$state.id"
  fi
fi
rm -f "$state.before"
after=0
[ -n "$id" ] && after=$(points "$id")
echo "run: ${id:-none}"
echo "points: $before $after"
case $rc in
  0) touch "$state.done"; echo "status: complete" ;;
  124) echo "aeslab run stopped at the time limit ($limit s); $after points are stored and the next playbook run resumes it" >&2 ;;
  137) echo "aeslab run was killed at the time limit ($limit s) after not stopping on SIGINT; $after points are stored" >&2 ;;
  *) echo "aeslab run failed (exit $rc); $after points are stored and the next playbook run resumes it" >&2 ;;
esac
exit "$rc"

#!/usr/bin/env bash
# run-bench.sh STATE RESULTS TIMEOUT NAME -- AESLAB RUN-ARGS...
#
# One `aeslab run` on this host, resumable across playbook runs.  STATE names
# the matrix (the bench role derives it from the matrix and the build).  A new
# run is named <UTC start>-NAME (`aeslab run --run-id`; NAME is the host's
# inventory name): hosts with the same hardware have the same machine id, so
# their runs share a machine folder on the controller and must not share a
# name.  The run it starts is remembered: its name in STATE.new before the
# runner starts, then "<machine-id>/<run-id>" in STATE.id once the runner has
# created it (the runner writes <results>/<machine-id>/<run-id>.run.json
# before its first point), so that a run cut short by anything - timeout,
# crash, reboot, a lost SSH connection - is resumed by the next playbook run
# with `--resume RUN-ID`, and the runner measures again nothing it has
# stored.  A run that finished is marked STATE.done and not started again.
#
# TIMEOUT seconds: then SIGINT (the runner treats it as Ctrl-C: it restores
# what it changed and keeps every finished point), SIGKILL 60 s later.
#
# Output, for the playbook: "run: <machine-id>/<run-id>", "points: <before>
# <after>", "status: complete|skipped" (or a non-zero exit with the runner's
# message).
set -uo pipefail
state=$1 results=$2 limit=$3 name=$4
shift 4
[ "${1:-}" = -- ] && shift
mkdir -p "$(dirname "$state")" "$results"

points() {  # whole lines in the run's points file (plain while running, .gz once complete)
  local f=$results/$1.jsonl
  if [ -f "$f" ]; then grep -c '' "$f"; elif [ -f "$f.gz" ]; then gzip -dc "$f.gz" | grep -c ''; else echo 0; fi
}
# The "<machine-id>/<run-id>" of run $rid, once its run.json exists.
created() {
  local f
  f=$(find "$results" -mindepth 2 -maxdepth 2 -name "$rid.run.json" 2>/dev/null | head -n 1)
  [ -n "$f" ] || return 1
  f=${f#"$results"/}
  printf '%s\n' "${f%.run.json}"
}
keep() { printf '%s\n' "$2" > "$1.tmp" && mv "$1.tmp" "$1"; }  # FILE TEXT, atomically

# The name of a new run is kept in STATE.new before the runner starts: a
# host that dies before this script has seen the run's folder still has its
# run resumed next time.
id=""
rid=""
if [ ! -f "$state.id" ] && [ -f "$state.new" ]; then
  rid=$(cat "$state.new")
  if id=$(created); then keep "$state.id" "$id"; fi
  rm -f "$state.new"
fi

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
  rid=$(date -u +%Y%m%dT%H%M%SZ)-$name
  keep "$state.new" "$rid"
  args+=(--run-id "$rid")
fi

timeout --signal=INT --kill-after=60 "$limit" "${args[@]}" --results "$results" &
child=$!
# Learn the new run's folder as soon as its run.json exists.
while [ -z "$id" ] && kill -0 "$child" 2>/dev/null; do
  if id=$(created); then keep "$state.id" "$id"; rm -f "$state.new"; else id=""; sleep 0.2; fi
done
wait "$child"
rc=$?
if [ -z "$id" ] && id=$(created); then keep "$state.id" "$id"; rm -f "$state.new"; fi
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

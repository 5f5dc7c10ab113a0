#!/usr/bin/env bash
# test-fleet.sh - playbooks/site.yml against two real SSH hosts on this
# machine.  Run by `make test-fleet` (part of `make test`); needs root.
#
# The hosts: two network namespaces made here, each with a veth pair whose
# addresses (10.231.<n>.1 on this side, 10.231.<n>.2 inside) exist only on
# those veths, and its own sshd (own config, own host key) started inside the
# namespace in fresh UTS, PID and mount namespaces, so that each host has its
# own host name, its own process table (killing its PID 1 is a host crash)
# and its own /run/lock (the runner's one-run-per-machine lock).  The
# controller reaches them over real SSH with a key made for the test and
# checks their host keys.  The hosts share this machine's file system, so
# each works in its own folder, /tmp/aeslab-fleet-test/<host>/ (a tmpfs the
# test mounts), and installs its venv from a wheelhouse (a namespace has no
# route to a package index).
# Peers built from source are left out (aeslab_build_peers=false): the hosts
# build the harness, own kernels and the distro-packaged peers.
#
# The two hosts run on this machine's CPU, so the runner gives them the same
# machine id: on each host and on the controller their results go to
# results/<machine-id>/ (machine.json once; per run <run-id>.run.json and its
# points, <run-id>.jsonl while measuring, <run-id>.jsonl.gz once complete),
# and on the controller both hosts' runs share that folder, told apart by
# run id (<UTC start>-<inventory name>) and by the host name each records.
#
# Phases:
#  1. site.yml, quick preset with a tiny matrix: both hosts build, measure,
#     and their results arrive in the one machine folder on the controller
#     and validate.
#  2. a bigger matrix; host b is crashed (its PID 1 killed: sshd, the runner,
#     everything) as soon as its run has stored a point: host a's results
#     still arrive, the playbook fails and its report names b clearly.
#  3. b is back (its frequency settings "left changed" by the crash, on a
#     fake cpufreq tree); the same playbook again: nothing is rebuilt, a's
#     run is not touched, b's run is resumed (the points stored before the
#     crash are kept, none is measured twice), b's frequency settings are put
#     back, and everything validates.
#     A plain copy of b's cut-short run on the controller (what collecting
#     it while it measured leaves) is dropped for the packed complete one.
#  4. a host that is busy is refused (busy limit set below any load).
#  5. collecting never overwrites another host's run: a run file of the same
#     name from another host on the controller stops the collection.
# Everything the test started (namespaces, sshd, their processes) is removed
# on exit, also on failure.  Traffic: loopback and the test's veths only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=$ROOT/.venv
T=${AESLAB_FLEET_TEST_DIR:-/tmp/aeslab-fleet-test}
CACHE=${CACHE:-$HOME/.cache/aeslab}
HOSTS=(a b)
NS_PREFIX=aeslab-ft-
start_time=$(date +%s)

say() { printf '[fleet-test %3ds] %s\n' "$(( $(date +%s) - start_time ))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "test-fleet: needs root (network namespaces)"; exit 1; }
for tool in ip unshare ssh ssh-keygen rsync /usr/sbin/sshd; do
  command -v "$tool" >/dev/null || fail "missing $tool (make deps installs it)"
done
[ -x "$VENV/bin/ansible-playbook" ] || fail "no ansible-playbook in .venv (make fleet-deps)"
[ -x "$VENV/bin/aeslab" ] || fail "no aeslab in .venv (make deps)"

# ---- cleanup: everything this test started, whatever happened --------------
host_kill() {  # every process of host $1 (its PID namespace's init first)
  local ns=$NS_PREFIX$1 pids
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 50); do
    [ -z "$(ip netns pids "$ns" 2>/dev/null || true)" ] && return 0
    sleep 0.1
  done
}
cleanup() {
  local rc=$?
  if [ -n "${pb:-}" ] && kill -0 "$pb" 2>/dev/null; then kill "$pb" 2>/dev/null || true; fi
  for h in "${HOSTS[@]}"; do
    host_kill "$h"
    ip netns del "$NS_PREFIX$h" 2>/dev/null || true
    ip link del "aft-$h" 2>/dev/null || true
  done
  if [ "$rc" != 0 ] && [ -d "$T" ]; then
    rm -rf "$T.failed"; mkdir -p "$T.failed"
    cp "$T"/*.log "$T"/inventory.yml "$T.failed/" 2>/dev/null || true
    for h in "${HOSTS[@]}"; do cp "$T/$h/sshd.log" "$T.failed/sshd-$h.log" 2>/dev/null || true; done
    say "logs kept in $T.failed/"
  fi
  drop_workdir
  exit "$rc"
}
# The test's hosts work in a tmpfs: their venvs and builds are thousands of
# small files that a loaded disk takes a minute to write and another to
# delete; a tmpfs takes neither, and unmounting it is the cleanup.
drop_workdir() {
  if mountpoint -q "$T"; then umount "$T" 2>/dev/null || umount -l "$T"; fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Leftovers of an earlier run that was killed before its trap ran.
for h in "${HOSTS[@]}"; do
  host_kill "$h"; ip netns del "$NS_PREFIX$h" 2>/dev/null || true; ip link del "aft-$h" 2>/dev/null || true
done
drop_workdir
mkdir -p "$T"
mount -t tmpfs -o size=6g,mode=0755 aeslab-fleet-test "$T"

# ---- the controller's source: a snapshot, so that edits made in the work
# tree while the test runs cannot look like a change between phases --------
rsync -a --exclude=/build --exclude='/build-*' --exclude=/.venv --exclude=/results/*/ \
  --exclude=/tests/artifacts --exclude=__pycache__ --exclude='*.egg-info' "$ROOT/" "$T/src/"

# ---- wheelhouse for the hosts' venvs (cached; made once with pip) ---------
req_key=$("$VENV/bin/python" - "$ROOT/pyproject.toml" <<'PY'
import hashlib, sys, tomllib
p = tomllib.load(open(sys.argv[1], "rb"))
r = p["project"].get("dependencies", []) + p["project"].get("optional-dependencies", {}).get("dev", []) \
    + p.get("build-system", {}).get("requires", [])
print(hashlib.sha256("\n".join(sorted(r)).encode()).hexdigest()[:16])
PY
)
wheels=$CACHE/fleet-wheelhouse-$req_key
if [ ! -f "$wheels/.complete" ]; then
  say "making the hosts' wheelhouse (once): $wheels"
  rm -rf "$wheels"
  PYTHON=$VENV/bin/python "$ROOT/playbooks/scripts/wheelhouse.sh" "$wheels" >/dev/null
  touch "$wheels/.complete"
fi

# ---- keys -------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C aeslab-fleet-test -f "$T/id_ed25519"
: > "$T/known_hosts"
mkdir -p /run/sshd  # sshd's privilege-separation folder

# ---- hosts ------------------------------------------------------------------
start_host() {  # start host $1's sshd inside its namespaces
  local h=$1 ns=$NS_PREFIX$1
  ip netns exec "$ns" unshare --uts --pid --mount --fork --mount-proc --propagation private \
    bash -c 'hostname "$1" && mount -t tmpfs -o mode=1777 tmpfs /run/lock && exec /usr/sbin/sshd -D -e -f "$2"' \
    sshd-ns "fleet-$h" "$T/$h/sshd_config" >> "$T/$h/sshd.log" 2>&1 &
  disown
}
wait_host() {  # until host $1 answers over SSH
  local h=$1 addr=$2
  for _ in $(seq 100); do
    if ssh -q -o BatchMode=yes -o ConnectTimeout=2 -o UserKnownHostsFile="$T/known_hosts" \
         -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -i "$T/id_ed25519" "root@$addr" true 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  cat "$T/$h/sshd.log" >&2
  fail "host $h's sshd does not answer on $addr"
}

n=0
for h in "${HOSTS[@]}"; do
  n=$((n + 1))
  ns=$NS_PREFIX$h
  mkdir -p "$T/$h"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "aft-$h" type veth peer name eth0 netns "$ns"
  ip addr add "10.231.$n.1/30" dev "aft-$h"
  ip link set "aft-$h" up
  ip -n "$ns" addr add "10.231.$n.2/30" dev eth0
  ip -n "$ns" link set eth0 up
  ssh-keygen -q -t ed25519 -N '' -C "fleet-$h" -f "$T/$h/ssh_host_ed25519_key"
  echo "10.231.$n.2 $(cut -d' ' -f1,2 "$T/$h/ssh_host_ed25519_key.pub")" >> "$T/known_hosts"
  cat > "$T/$h/sshd_config" <<EOF
ListenAddress 10.231.$n.2:22
HostKey $T/$h/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $T/id_ed25519.pub
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
Subsystem sftp internal-sftp
EOF
  # A fake cpufreq tree for host b (this VM has none): phase 3 checks that a
  # setting left changed by b's crash is put back.
  if [ "$h" = b ]; then
    mkdir -p "$T/b/cpu/cpu0/cpufreq" "$T/b/cpu/cpufreq"
    echo performance > "$T/b/cpu/cpu0/cpufreq/scaling_governor"
    echo 0 > "$T/b/cpu/cpufreq/boost"
  fi
  start_host "$h"
done
for i in "${!HOSTS[@]}"; do wait_host "${HOSTS[$i]}" "10.231.$((i + 1)).2"; done
say "hosts up: fleet-a on 10.231.1.2, fleet-b on 10.231.2.2 (own network, UTS, PID and mount namespaces)"
[ "$(ssh -o UserKnownHostsFile="$T/known_hosts" -o IdentitiesOnly=yes -i "$T/id_ed25519" root@10.231.2.2 hostname)" = fleet-b ] \
  || fail "host b does not have its own host name"

# ---- inventory ----------------------------------------------------------------
# Host vars (they override the playbooks' group_vars).  The matrix of each
# phase is tiny: own kernels only, a few sizes, short samples.
small='["--impl", "own/portable,own/aesni", "--alg", "aes-128-gcm", "--op", "seal", "--sizes", "64,1024", "--min-time", "0.002", "--samples", "5", "--max-samples", "5"]'
bigger='["--impl", "own/*", "--alg", "aes-128-gcm,aes-256-gcm,aes-128-xts,aes-256-xts", "--op", "seal,open,enc,dec", "--sizes", "64,1024,4096", "--min-time", "0.002", "--samples", "5", "--max-samples", "5"]'
host_vars() {  # $1 host, $2 address
  cat <<EOF
          ansible_host: $2
          ansible_user: root
          ansible_python_interpreter: /usr/bin/python3
          ansible_become_method: ansible.builtin.su
          ansible_ssh_private_key_file: $T/id_ed25519
          ansible_ssh_common_args: -o UserKnownHostsFile=$T/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
          aeslab_src: $T/src
          aeslab_dir: $T/$1/aeslab
          aeslab_results_local: $T/controller/results
          aeslab_build_peers: false
          aeslab_make_jobs: 1
          aeslab_wheelhouse: $wheels
          aeslab_wheelhouse_on_hosts: true
          aeslab_poll_interval: 2
          aeslab_busy_policy: "{{ fleet_busy_policy | default('warn') }}"
          aeslab_busy_max_load: "{{ fleet_busy_max_load | default(0.25) }}"
          aeslab_timeout: 900
          aeslab_preset: quick
          aeslab_run_args: '{{ fleet_matrix | default($small) }}'
EOF
}
{
  echo "all:"
  echo "  children:"
  echo "    zen:"
  echo "      hosts:"
  echo "        fleet-a:"
  host_vars a 10.231.1.2
  echo "    xeon:"
  echo "      hosts:"
  echo "        fleet-b:"
  host_vars b 10.231.2.2
  echo "          aeslab_cpu_sysfs: $T/b/cpu"
} > "$T/inventory.yml"

export ANSIBLE_CONFIG=$ROOT/playbooks/ansible.cfg ANSIBLE_HOME=$T/ansible-home \
       ANSIBLE_LOCAL_TEMP=$T/ansible-home/tmp ANSIBLE_SSH_CONTROL_PATH_DIR=$T/ansible-home/cp \
       ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks \
       ANSIBLE_CALLBACK_RESULT_FORMAT=json \
       PATH=$VENV/bin:$PATH
play() {  # play LOG [ansible-playbook args...]; returns its exit status
  local log=$1 rc=0; shift
  ansible-playbook -i "$T/inventory.yml" "$ROOT/playbooks/site.yml" "$@" > "$log" 2>&1 || rc=$?
  return $rc
}
report() { sed -n '/TASK \[Fleet report\]/,/^$/p' "$1"; }
points_of() { zcat -f "$1" | grep -c '' || true; }  # plain or .gz
C=$T/controller/results
runs_of() {  # the runs on the controller that host fleet-$1 recorded: <machine-id>/<run-id>
  "$VENV/bin/python" - "$C" "fleet-$1" <<'PY'
import json, sys
from pathlib import Path
for f in sorted(Path(sys.argv[1]).glob("*/*.run.json")):
    if json.loads(f.read_text()).get("host") == sys.argv[2]:
        print(f"{f.parent.name}/{f.name[:-len('.run.json')]}")
PY
}
points_file() {  # the points file of <folder>/<run-id>: plain while measuring, else packed
  if [ -f "$1.jsonl" ]; then echo "$1.jsonl"; elif [ -f "$1.jsonl.gz" ]; then echo "$1.jsonl.gz"; fi
}
validate() {  # every run of host fleet-$1 on the controller, and its machine
  local r f files=()
  for r in $(runs_of "$1"); do
    f=$(points_file "$C/$r")
    [ -n "$f" ] || fail "run $r of fleet-$1 has no points file on the controller"
    files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || fail "no results of fleet-$1 on the controller"
  aeslab validate "${files[@]}" "$C/$mid/machine.json" > "$T/validate-$1.log" 2>&1 \
    || { cat "$T/validate-$1.log"; fail "results of fleet-$1 do not validate"; }
}
recap() { grep -E "^fleet-$1 +:" "$2" || true; }

# ---- phase 1: both hosts, tiny matrix ------------------------------------------
say "phase 1: site.yml on both hosts (build, quick preset with a tiny matrix, collect)"
play "$T/phase1.log" || { tail -n 60 "$T/phase1.log"; fail "phase 1: site.yml failed"; }
report "$T/phase1.log"
# Both hosts are this machine: one machine id, the same on each host and on
# the controller, whose folder holds both hosts' runs.
mids=$(for h in a b; do find "$T/$h/aeslab/results" -mindepth 2 -maxdepth 2 -name machine.json -printf '%h\n'; done \
       | xargs -rn1 basename | sort | uniq -c)
[ "$(wc -l <<< "$mids")" -eq 1 ] && [ "$(awk '{print $1}' <<< "$mids")" -eq 2 ] \
  || fail "phase 1: the hosts do not file their results under one machine id: $mids"
mid=$(awk '{print $2}' <<< "$mids")
[ "$(find "$C" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')" = "$mid" ] \
  || fail "phase 1: the controller does not hold exactly the machine folder $mid: $(ls "$C")"
machine_sum=$(sha256sum < "$C/$mid/machine.json")
for h in a b; do
  grep -q "ok fleet-$h: run $mid/[^:]*-fleet-$h: complete, points 0 -> 6; points files on the controller: 1" "$T/phase1.log" \
    || fail "phase 1: host $h is not reported ok with its run"
  mapfile -t runs < <(runs_of "$h")
  [ ${#runs[@]} -eq 1 ] || fail "phase 1: expected one run of fleet-$h on the controller, found ${#runs[@]}: ${runs[*]}"
  r=${runs[0]}
  case $r in "$mid"/*-fleet-$h) ;; *) fail "phase 1: run $r of fleet-$h is not named after its host" ;; esac
  validate "$h"
  f=$C/$r.jsonl.gz
  [ -f "$f" ] && [ ! -e "$C/$r.jsonl" ] || fail "phase 1: the complete run $r is not packed on the controller"
  n=$(points_of "$f")
  [ "$n" -eq 6 ] || fail "phase 1: host $h has $n points on the controller, expected 6 (2 impls and the lab/null floor x 2 sizes)"
  [ -f "$C/$r.fleet.ndjson" ] || fail "phase 1: no fleet provenance of $h"
  grep -q '"inventory_hostname": "fleet-'"$h"'"' "$C/$r.fleet.ndjson" || fail "phase 1: the fleet provenance of $r does not name fleet-$h"
  cmp -s "$f" "$T/$h/aeslab/results/$r.jsonl.gz" || fail "phase 1: $r on the controller differs from the host's"
  printf -v "run1_$h" %s "${r#*/}"
done
say "phase 1: ok: 6 points from each host arrived in $C/$mid/ (one machine, two runs: $run1_a, $run1_b) and validate"

# ---- phase 2: crash host b in the middle of its run ----------------------------
say "phase 2: bigger matrix; host b crashes mid-run"
play "$T/phase2.log" -e "{\"fleet_matrix\": $bigger}" &
pb=$!
b_results=$T/b/aeslab/results
crashed=""
for _ in $(seq 3000); do  # up to 5 minutes
  f=$(find "$b_results" -mindepth 2 -maxdepth 2 -name '*.jsonl' -newer "$T/phase1.log" 2>/dev/null | head -n 1)
  if [ -n "$f" ] && [ "$(points_of "$f")" -ge 1 ]; then
    host_kill b
    crashed=$f
    break
  fi
  kill -0 "$pb" 2>/dev/null || break
  sleep 0.1
done
set +e; wait "$pb"; rc2=$?; set -e
[ -n "$crashed" ] || { tail -n 40 "$T/phase2.log"; fail "phase 2: host b never stored a point to crash after"; }
b_kept=$(points_of "$crashed")
b_run=$(basename "$crashed" .jsonl)
grep -q '"status": "running"' "${crashed%.jsonl}.run.json" || fail "phase 2: b's run had already finished when it was crashed"
say "phase 2: crashed host b with $b_kept points of run $b_run stored"
report "$T/phase2.log"
[ "$rc2" -ne 0 ] || fail "phase 2: site.yml succeeded although host b crashed"
grep -q "UNREACHABLE fleet-b: lost during bench" "$T/phase2.log" || fail "phase 2: the report does not name b's failure"
grep -q "ok fleet-a: run " "$T/phase2.log" || fail "phase 2: host a is not reported ok"
recap b "$T/phase2.log" | grep -q "unreachable=1" || fail "phase 2: the play recap does not show b unreachable"
validate a
mapfile -t a_runs < <(runs_of a | grep -v "/$run1_a\$")
[ ${#a_runs[@]} -eq 1 ] || fail "phase 2: host a's new run did not arrive (or more than one: ${a_runs[*]})"
a2_run=${a_runs[0]#*/}
a2=$C/$mid/$a2_run.jsonl.gz
a2_local=$T/a/aeslab/results/$mid/$a2_run.jsonl.gz
[ -f "$a2" ] || fail "phase 2: host a's complete run is not packed on the controller"
a2_points=$(points_of "$a2")
cmp -s "$a2" "$a2_local" || fail "phase 2: host a's collected file is not the whole run"
[ -z "$(runs_of b | grep "/$b_run\$")" ] || fail "phase 2: the crashed host's run reached the controller"
say "phase 2: ok: host a's $a2_points points arrived and validate; b reported unreachable; exit status $rc2"

# ---- phase 3: b comes back; the same playbook again ------------------------------
# The crash gave nothing a chance to restore b's clock settings: pretend the
# run had changed its governor and boost.
echo powersave > "$T/b/cpu/cpu0/cpufreq/scaling_governor"
echo 1 > "$T/b/cpu/cpufreq/boost"
start_host b
wait_host b 10.231.2.2
stat_builds() { for h in a b; do stat -c '%n %Y' "$T/$h/aeslab/build/aesbench" "$T/$h/aeslab/build/plugins/"*.so; done; }
stat_builds > "$T/builds-before"
cp "$crashed" "$T/b-before-resume.jsonl"
cp "$a2_local" "$T/a-before-rerun.jsonl.gz"
# What collecting b's run while it measured would have left on the
# controller (as after a time limit): its plain points so far.  Once the run
# is complete and packed, this copy must go (readers prefer a plain file).
cp "$crashed" "${crashed%.jsonl}.run.json" "$C/$mid/"
say "phase 3: host b is back; site.yml again with the same matrix"
play "$T/phase3.log" -e "{\"fleet_matrix\": $bigger}" || { tail -n 60 "$T/phase3.log"; fail "phase 3: site.yml failed"; }
report "$T/phase3.log"
stat_builds > "$T/builds-after"
diff "$T/builds-before" "$T/builds-after" || fail "phase 3: a build output was rewritten"
! grep -q 'rebuilt: ' "$T/phase3.log" || fail "phase 3: the build role rebuilt something"
grep -q "ok fleet-a: run .*: skipped" "$T/phase3.log" || fail "phase 3: host a's finished run was not left alone"
cmp -s "$a2_local" "$T/a-before-rerun.jsonl.gz" || fail "phase 3: host a's finished run was measured again"
grep -q "ok fleet-b: run $mid/$b_run: complete, points $b_kept -> " "$T/phase3.log" || fail "phase 3: host b's run was not resumed"
b_local=$T/b/aeslab/results/$mid/$b_run.jsonl.gz
[ -f "$b_local" ] && [ ! -e "${b_local%.gz}" ] || fail "phase 3: b's resumed run is complete, but not packed on the host"
zcat "$b_local" > "$T/b-after-resume.jsonl"
head -n "$b_kept" "$T/b-after-resume.jsonl" | cmp -s - "$T/b-before-resume.jsonl" || fail "phase 3: points b stored before the crash changed"
"$VENV/bin/python" - "$T/b-after-resume.jsonl" <<'PY' || fail "phase 3: a point of b's run was measured twice"
import json, sys
seen = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    k = json.dumps({x: r.get(x) for x in ("impl", "alg", "op", "size", "aad", "threads", "offset", "freq", "rep")}, sort_keys=True)
    if k in seen:
        sys.exit(f"twice: {k}")
    seen.add(k)
PY
[ "$(cat "$T/b/cpu/cpu0/cpufreq/scaling_governor")" = performance ] || fail "phase 3: b's governor was not put back"
[ "$(cat "$T/b/cpu/cpufreq/boost")" = 0 ] || fail "phase 3: b's boost setting was not put back"
grep -q "restored: cpu0/cpufreq/scaling_governor powersave -> performance" "$T/phase3.log" || fail "phase 3: the restore is not reported"
cmp -s "$b_local" "$C/$mid/$b_run.jsonl.gz" || fail "phase 3: b's resumed run was not collected whole"
[ ! -e "$C/$mid/$b_run.jsonl" ] || fail "phase 3: the controller kept the plain partial copy of b's run beside the complete one"
[ "$(sha256sum < "$C/$mid/machine.json")" = "$machine_sum" ] || fail "phase 3: the controller's machine.json was rewritten"
[ "$(runs_of a | wc -l)" -eq 2 ] && [ "$(runs_of b | wc -l)" -eq 2 ] || fail "phase 3: expected two runs of each host on the controller"
validate a
validate b
say "phase 3: ok: nothing rebuilt, a's run untouched, b resumed from $b_kept to $(points_of "$b_local") points with no point twice, b's clock settings put back"

# ---- phase 4: a busy host is refused -------------------------------------------
say "phase 4: busy hosts are refused"
rc4=0; play "$T/phase4.log" --tags bench,collect -e fleet_busy_policy=refuse -e fleet_busy_max_load=-1 || rc4=$?
report "$T/phase4.log"
[ "$rc4" -ne 0 ] || fail "phase 4: busy hosts were not refused"
for h in a b; do
  grep -q "FAILED fleet-$h: bench: Refuse a busy host: host is busy, not benchmarked" "$T/phase4.log" \
    || fail "phase 4: host $h was not refused as busy"
done
say "phase 4: ok"

# ---- phase 5: another host's run of the same name is never overwritten ----------
say "phase 5: a run file of another host under the same name on the controller"
"$VENV/bin/python" - "$C/$mid/$run1_a.run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
run["host"] = "fleet-z"
json.dump(run, open(sys.argv[1], "w"), indent=1)
PY
other_sum=$(sha256sum < "$C/$mid/$run1_a.run.json")
rc5=0; play "$T/phase5.log" --tags collect -e aeslab_hosts=fleet-a || rc5=$?
report "$T/phase5.log"
[ "$rc5" -ne 0 ] || fail "phase 5: collecting over another host's run succeeded"
grep -q "FAILED fleet-a: collect: Refuse to overwrite another host's or another machine's results: .*$run1_a.run.json on the controller is another run (host 'fleet-z'" "$T/phase5.log" \
  || fail "phase 5: the report does not name the clash"
[ "$(sha256sum < "$C/$mid/$run1_a.run.json")" = "$other_sum" ] || fail "phase 5: the other host's run file was overwritten"
say "phase 5: ok"

say "all phases passed"

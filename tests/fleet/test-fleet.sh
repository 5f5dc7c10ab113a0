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
# Phases:
#  1. site.yml, quick preset with a tiny matrix: both hosts build, measure,
#     and their results arrive on the controller and validate.
#  2. a bigger matrix; host b is crashed (its PID 1 killed: sshd, the runner,
#     everything) as soon as its run has stored a point: host a's results
#     still arrive, the playbook fails and its report names b clearly.
#  3. b is back (its frequency settings "left changed" by the crash, on a
#     fake cpufreq tree); the same playbook again: nothing is rebuilt, a's
#     run is not touched, b's run is resumed (the points stored before the
#     crash are kept, none is measured twice), b's frequency settings are put
#     back, and everything validates.
#  4. a host that is busy is refused (busy limit set below any load).
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
points_of() { grep -c '' "$1"; }
validate() {  # every points file of controller host $1
  local f files=()
  for f in "$T/controller/results/$1"/*.jsonl; do [ -e "$f" ] && files+=("$f"); done
  [ ${#files[@]} -gt 0 ] || fail "no results of $1 on the controller"
  aeslab validate "${files[@]}" > "$T/validate-$1.log" 2>&1 || { cat "$T/validate-$1.log"; fail "results of $1 do not validate"; }
}
recap() { grep -E "^fleet-$1 +:" "$2" || true; }

# ---- phase 1: both hosts, tiny matrix ------------------------------------------
say "phase 1: site.yml on both hosts (build, quick preset with a tiny matrix, collect)"
play "$T/phase1.log" || { tail -n 60 "$T/phase1.log"; fail "phase 1: site.yml failed"; }
report "$T/phase1.log"
for h in a b; do
  grep -q "ok fleet-$h: run " "$T/phase1.log" || fail "phase 1: host $h is not reported ok"
  validate "fleet-$h"
  n=$(cat "$T/controller/results/fleet-$h"/*.jsonl | grep -c '')
  [ "$n" -eq 6 ] || fail "phase 1: host $h has $n points on the controller, expected 6 (2 impls and the lab/null floor x 2 sizes)"
  ls "$T/controller/results/fleet-$h"/*.run.json >/dev/null || fail "phase 1: no run.json of $h"
  ls "$T/controller/results/fleet-$h"/*.fleet.ndjson >/dev/null || fail "phase 1: no fleet provenance of $h"
  grep -q '"hostname": "fleet-'"$h"'"' "$T/controller/results/fleet-$h"/*.run.json \
    || grep -q "\"fleet-$h\"" "$T/controller/results/fleet-$h"/*.run.json || fail "phase 1: run.json of $h does not name its host"
done
say "phase 1: ok: 6 points from each host arrived and validate"

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
validate fleet-a
a2=$(find "$T/controller/results/fleet-a" -name '*.jsonl' -newer "$T/phase1.log")
[ -n "$a2" ] || fail "phase 2: host a's new results did not arrive"
a2_points=$(points_of "$a2")
a2_local=$(find "$T/a/aeslab/results" -name "$(basename "$a2")")
[ "$a2_points" -eq "$(points_of "$a2_local")" ] || fail "phase 2: host a's collected file is not the whole run"
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
cp "$a2_local" "$T/a-before-rerun.jsonl"
say "phase 3: host b is back; site.yml again with the same matrix"
play "$T/phase3.log" -e "{\"fleet_matrix\": $bigger}" || { tail -n 60 "$T/phase3.log"; fail "phase 3: site.yml failed"; }
report "$T/phase3.log"
stat_builds > "$T/builds-after"
diff "$T/builds-before" "$T/builds-after" || fail "phase 3: a build output was rewritten"
! grep -q 'rebuilt: ' "$T/phase3.log" || fail "phase 3: the build role rebuilt something"
grep -q "ok fleet-a: run .*: skipped" "$T/phase3.log" || fail "phase 3: host a's finished run was not left alone"
cmp -s "$a2_local" "$T/a-before-rerun.jsonl" || fail "phase 3: host a's finished run was measured again"
grep -q "ok fleet-b: run .*$b_run: complete, points $b_kept -> " "$T/phase3.log" || fail "phase 3: host b's run was not resumed"
b_local=$T/b/aeslab/results/fleet-b/$b_run.jsonl
head -n "$b_kept" "$b_local" | cmp -s - "$T/b-before-resume.jsonl" || fail "phase 3: points b stored before the crash changed"
"$VENV/bin/python" - "$b_local" <<'PY' || fail "phase 3: a point of b's run was measured twice"
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
cmp -s "$b_local" "$T/controller/results/fleet-b/$b_run.jsonl" || fail "phase 3: b's resumed run was not collected whole"
validate fleet-a
validate fleet-b
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

say "all phases passed"

#!/usr/bin/env bash
# test-container.sh - build the Dockerfile and run the lab inside the image.
# Run by `make test-container` (part of `make test`); needs root, buildah and
# debootstrap (make deps installs them).
#
# There is no Docker engine and no container registry here, so:
#  - the base image is a Debian bookworm made with debootstrap from this
#    machine's own apt sources (tests/fleet/base-image.sh; cached);
#  - the image is built with `buildah bud --isolation chroot`, with the build
#    argument PEERS=none (no peer built from source: they take most of an
#    hour on this machine; the default build has them all);
#  - the image is checked with `buildah run`: the run-time user is not root,
#    `aesbench list` verifies every implementation in it, and a tiny
#    `aeslab run` writes results to a folder mounted at /results that
#    validate and belong to the image's unprivileged user.
# Cached between runs: the debootstrap tarball (~/.cache/aeslab/container),
# the base image and the build's layers (containers storage), so a warm run
# rebuilds only the layers after `COPY .` when the source changed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=$ROOT/.venv
T=$(mktemp -d /tmp/aeslab-container-test.XXXXXX)
arch=$(dpkg --print-architecture)
base=localhost/aeslab-base:bookworm-$arch
image=localhost/aeslab:test
start_time=$(date +%s)
ctr=""

say() { printf '[container-test %3ds] %s\n' "$(( $(date +%s) - start_time ))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "test-container: needs root (buildah, debootstrap)"; exit 1; }
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || fail "missing $tool (make deps installs it)"
done

cleanup() {
  local rc=$?
  [ -z "$ctr" ] || buildah rm "$ctr" >/dev/null 2>&1 || true
  if [ "$rc" = 0 ]; then rm -rf "$T"; else say "kept $T for a look"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/tests/fleet/base-image.sh" "$base" >/dev/null
say "base image $base ready"

# A machine whose TLS traffic goes through an intercepting proxy has that
# proxy's CA in /usr/local/share/ca-certificates; the image's ca-certificates
# package picks it up from there while the image is built (pip and cargo
# need it), so lend the folder to the build, read-only.  Elsewhere it is
# empty and changes nothing.
ca=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  ca=(--volume /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro)
fi
old_id=$(buildah inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null || true)
say "building the Dockerfile (PEERS=none) with buildah bud --isolation chroot"
build_start=$(date +%s)
if ! buildah bud --isolation chroot --layers --force-rm "${ca[@]}" \
       --build-arg BASE="$base" --build-arg PEERS=none \
       -t "$image" -f "$ROOT/Dockerfile" "$ROOT" > "$T/build.log" 2>&1; then
  tail -n 40 "$T/build.log"
  fail "the image does not build (log: $T/build.log)"
fi
say "image built in $(( $(date +%s) - build_start )) s"
grep -q '^own/portable .* pass$' "$T/build.log" || fail "the build's smoke check (aesbench list) did not list own/portable as pass"
new_id=$(buildah inspect --type image --format '{{.FromImageID}}' "$image")
# The previous test image lost its tag to this one: drop it and whatever
# only it used (the cached layers this build reused stay).
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  buildah rmi "$old_id" >/dev/null 2>&1 || true
  buildah rmi --prune >/dev/null 2>&1 || true
fi

ctr=$(buildah from --quiet "$image")
run() { buildah run --isolation chroot "$@"; }

uid=$(run "$ctr" -- id -u)
[ "$uid" != 0 ] || fail "the image runs as root"
[ "$(run "$ctr" -- id -un)" = aeslab ] || fail "the run-time user is not aeslab"
say "run-time user: aeslab (uid $uid)"

run "$ctr" -- aesbench list > "$T/list.txt" 2>&1 || { cat "$T/list.txt"; fail "aesbench list failed in the image"; }
run "$ctr" -- aesbench list --json > "$T/list.json" 2>/dev/null || fail "aesbench list --json failed in the image"
"$VENV/bin/python" - "$T/list.json" <<'PY' || fail "aesbench list in the image: not every implementation verified"
import json, sys
impls = json.load(open(sys.argv[1]))
# lab/null (the harness floor) is a "baseline": never verified, by design
bad = [f'{i["name"]} {i["alg"]}: {i["status"]}' for i in impls
       if i["status"] not in ("pass", "unsupported", "baseline")]
names = {i["name"] for i in impls}
if bad:
    sys.exit("\n".join(bad))
for want in ("own/portable", "own/aesni", "openssl-3.0/evp"):
    if want not in names:
        sys.exit(f"{want} is missing from the image's aesbench list")
print(f"{len(impls)} implementation x algorithm rows, all pass, unsupported or baseline")
PY
say "aesbench list in the image: $(grep -c ' pass$' "$T/list.txt") rows pass"

# Results go to a mounted folder, as `docker run -v DIR:/results` does; the
# folder belongs to the image's user, as the README tells users to set it up.
mkdir -p "$T/results"
chown "$uid" "$T/results"
if ! run --volume "$T/results:/results" "$ctr" -- aeslab run --no-progress --preset quick \
       --impl own/portable,own/aesni --alg aes-128-gcm --op seal --sizes 64,1024 \
       --min-time 0.002 --samples 5 --max-samples 5 --results /results > "$T/run.log" 2>&1; then
  cat "$T/run.log"
  fail "aeslab run failed in the image"
fi
# A complete run's points are packed (<run-id>.jsonl.gz) in the folder of its
# machine (results/<machine-id>/, beside machine.json and <run-id>.run.json);
# the container shares this machine's CPU, so its machine id is this one's.
mapfile -t files < <(find "$T/results" -name '*.jsonl' -o -name '*.jsonl.gz')
[ ${#files[@]} -eq 1 ] || fail "expected one points file under the mounted /results, found ${#files[@]}"
f=${files[0]}
rel=${f#"$T/results/"}
case $f in *.jsonl.gz) ;; *) fail "the run in the image is complete, but its points are not packed: $rel" ;; esac
folder=$(dirname "$f")
[ "$(dirname "$folder")" = "$T/results" ] || fail "the points are not in a machine folder directly under /results: $rel"
here=$("$VENV/bin/python" -c 'from aeslab import machine, provenance; print(machine.id_of(provenance.machine_only()))') \
  || fail "cannot work out this machine's id"
[ "$(basename "$folder")" = "$here" ] \
  || fail "the image filed its results under machine $(basename "$folder"), but this machine is $here"
n=$(zcat -f "$f" | grep -c '')
[ "$n" -eq 6 ] || fail "the run in the image stored $n points, expected 6 (2 impls and the lab/null floor x 2 sizes)"
run_json=${f%.jsonl.gz}.run.json
[ -f "$run_json" ] || fail "no run.json beside the points"
[ -f "$folder/machine.json" ] || fail "no machine.json in the machine folder"
for x in "$folder" "$folder/machine.json" "$run_json" "$f"; do
  [ "$(stat -c %u "$x")" = "$uid" ] || fail "${x#"$T/"} does not belong to the image's user"
done
"$VENV/bin/aeslab" validate "$T/results" > "$T/validate.log" 2>&1 || { cat "$T/validate.log"; fail "the image's results do not validate"; }
grep -q ': ok (6 points)$' "$T/validate.log" || { cat "$T/validate.log"; fail "validate did not read the 6 points"; }
run --volume "$T/results:/results" "$ctr" -- aeslab validate /results > "$T/validate-in.log" 2>&1 \
  || { cat "$T/validate-in.log"; fail "aeslab validate fails inside the image"; }
say "aeslab run in the image: 6 points in /results/$rel (machine $here), valid, owned by uid $uid"
say "ok"

"""collect-check.py before|after RESULTS_LOCAL < MANIFEST - the controller's
side of collecting one host (the collect role runs it on the controller,
with the host's results-manifest.py output on stdin).

Hosts with the same hardware have the same machine id: their runs share the
machine's folder on the controller, told apart by run id (the bench role
names each host's runs) and by the host name each run records.  So before
anything is copied, `before` checks that nothing of the host would replace
something else: a machine folder on the controller whose machine.json has
another fingerprint (two machines are never merged), or a run file of the
same name that another host (or another run) wrote.  It prints JSON:
{"conflicts": [...], "stale": [...]}; stale are the controller's copies of
a run's points in the form the host no longer has (the plain .jsonl of a run
collected while it measured, now packed; or the reverse after a resume
unpacked it): readers prefer the plain file, so a stale one would hide the
whole run, and the role deletes them once the current form has arrived.

`after` prints {"points": [...]}: this host's points files that are on the
controller (machine folder/file name), for the fleet report.

Python 3 standard library only.
"""
import json
import sys
from pathlib import Path

mode, local = sys.argv[1], Path(sys.argv[2])
manifest = json.load(sys.stdin)
conflicts, stale, points = [], [], []


def load(path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        return {"_error": str(e)}


for f in manifest.get("folders", []):
    name, here = f["folder"], local / f["folder"]
    m = f.get("machine") or {}
    if m.get("error"):
        conflicts.append(f"host's {m['error']}")
    theirs = load(here / "machine.json")
    if m.get("fingerprint") is not None and theirs is not None:
        if theirs.get("_error"):
            conflicts.append(f"{here}/machine.json on the controller: {theirs['_error']}")
        elif theirs.get("id") != m.get("id") or theirs.get("fingerprint") != m.get("fingerprint"):
            conflicts.append(f"{here} on the controller is another machine (id "
                             f"{theirs.get('id')!r}, another fingerprint than the host's "
                             f"{m.get('id')!r}): two machines' results are never merged")
    for r in f.get("runs", []):
        rid = r["run_id"]
        other = load(here / f"{rid}.run.json")
        if other is not None:
            mine = (r.get("host"), r.get("created"))
            found = (other.get("host"), other.get("created"))
            if other.get("_error") or found != mine:
                conflicts.append(f"{name}/{rid}.run.json on the controller is another run (host "
                                 f"{found[0]!r}, started {found[1]!r}) than the host's (host "
                                 f"{mine[0]!r}, started {mine[1]!r}): not overwritten")
        forms = r.get("points") or []
        if forms == [".jsonl.gz"] and (here / f"{rid}.jsonl").exists():
            stale.append(str(here / f"{rid}.jsonl"))
        if forms == [".jsonl"] and (here / f"{rid}.jsonl.gz").exists():
            stale.append(str(here / f"{rid}.jsonl.gz"))
        points += [f"{name}/{rid}{ext}" for ext in forms if (here / f"{rid}{ext}").is_file()]

if mode == "before":
    json.dump({"conflicts": conflicts, "stale": stale}, sys.stdout)
else:
    json.dump({"points": sorted(points)}, sys.stdout)

"""results-manifest.py RESULTS - print, as JSON, what a host's results folder
holds, for the collect role: each machine folder (results/<machine-id>/,
not results/schema) with its machine.json's id and fingerprint, and each of
its runs (<run-id>.run.json) with the host and start time it records and
the forms its points are in (<run-id>.jsonl while measuring, .jsonl.gz once
complete).

Read-only.  Python 3 standard library only (it runs on the host).
"""
import json
import sys
from pathlib import Path

root = Path(sys.argv[1])
folders = []
for d in sorted(root.iterdir()) if root.is_dir() else []:
    if not d.is_dir() or d.name == "schema" or d.name.startswith("."):
        continue
    entry = {"folder": d.name, "path": str(d), "machine": None, "runs": []}
    try:
        doc = json.loads((d / "machine.json").read_text())
        entry["machine"] = {"id": doc.get("id"), "fingerprint": doc.get("fingerprint")}
    except FileNotFoundError:
        pass
    except (OSError, ValueError, AttributeError) as e:
        entry["machine"] = {"error": f"{d.name}/machine.json: {e}"}
    for rj in sorted(d.glob("*.run.json")):
        rid = rj.name[:-len(".run.json")]
        try:
            run = json.loads(rj.read_text())
            who = {"host": run.get("host"), "created": run.get("created")}
        except (OSError, ValueError, AttributeError):
            who = {"host": None, "created": None}
        forms = [ext for ext in (".jsonl", ".jsonl.gz") if (d / f"{rid}{ext}").is_file()]
        entry["runs"].append({"run_id": rid, **who, "points": forms})
    folders.append(entry)
json.dump({"folders": folders}, sys.stdout)

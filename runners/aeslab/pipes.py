"""`aeslab pipes`: this machine's AES and carry-less-multiply pipe throughput
(`aesbench pipes`) and the core-cycles-per-byte bound it implies for each
algorithm and direction, stored per machine as results/<machine-id>/pipes-<id>.json
(as `aeslab fpu-cost` stores its figures), where `aeslab scoreboard` finds the
bound of the machine its points were measured on: per algorithm and
direction, the lowest of that machine's records (`lowest`).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from . import paths
from .harness import Harness, HarnessError
from .store import Lock, StoreError, new_run_id, utcnow, write_json_atomic

# /2: XTS bounds count `rounds` AES instructions per block (/1: rounds+1) and
# GCM bounds come from the measured GCM-shaped mix (/1: a shared/separate
# verdict on a 1:1 stream).  /3: the core clock is the fastest of readings
# taken between the batches (/2: the mean of one before and one after, which
# a vCPU's stolen time could pull down and the bounds with it, below what
# the pipes can do).  Only /3 records are read.
KIND = "aeslab-pipes/3"


def records(folder: Path) -> list[dict]:
    """Every pipes record of this method in a machine's results folder, oldest first."""
    docs = []
    for f in sorted(folder.glob("pipes-*.json")):
        try:
            d = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if d.get("kind") == KIND and isinstance(d.get("harness"), dict):
            d["file"] = str(f)
            docs.append(d)
    return sorted(docs, key=lambda d: d.get("created", ""))


def of_machine(docs: list[dict], machine_id: str | None) -> list[dict]:
    """The records measured on machine_id (records without a machine field
    predate it and are taken as the folder's); all of them if None."""
    return [d for d in docs if machine_id is None or d.get("machine") in (None, machine_id)]


def latest(folder: Path) -> dict | None:
    """The newest pipes record in a machine's results folder, or None."""
    docs = records(folder)
    return docs[-1] if docs else None


def lowest(docs: list[dict]) -> dict:
    """{(alg, op): c/B}, the lowest any of the records measured.  A record
    can only come out slower than the pipes (an interrupt, a busy sibling,
    the host's other guests), so across runs, as across batches within one,
    the lowest is the figure the pipes sustain."""
    out: dict = {}
    for d in docs:
        for k, v in bounds_of(d).items():
            out[k] = min(v, out.get(k, v))
    return out


def bounds_of(doc: dict | None) -> dict:
    """{(alg, op): core cycles per byte} from a pipes record (None values dropped)."""
    if not doc:
        return {}
    return {(b["alg"], b["op"]): b["cycles_per_byte"]
            for b in doc["harness"].get("bounds", []) if b.get("cycles_per_byte")}


def gcm_overlap(res: dict) -> list[dict]:
    """How far AES and CLMUL overlap in each measured GCM-shaped stream, from
    the record's own figures: per body (4 blocks in each 128-bit lane: 4 x
    rounds AES instructions and 4 x clmul_per_block multiplies), the mix's
    cycles beside what those instructions cost alone at that width.
    overlap is 1 where the mix costs only the larger of the two (separate
    pipes), 0 where it costs their sum (one shared pipe).  A 1:1 pair cannot
    tell these apart: where AES has two pipes and CLMUL one of them, the
    pair costs only its CLMUL, yet GCM's mix, mostly AES, costs more than
    its AES."""
    by = {(s["kind"], s["width"]): s for s in res.get("streams", []) if s.get("supported")}
    per_lane = 4 * float(res.get("assumptions", {}).get("clmul_per_block", 3.25))
    out = []
    for s in res.get("streams", []):
        if s["kind"] != "gcm" or not s.get("supported"):
            continue
        aes, clmul = by.get(("aes", s["width"])), by.get(("clmul", s["width"]))
        if not aes or not clmul:
            continue
        n_aes = 4 * int(s["rounds"])
        mix = s["cycles_per_insn"] * (n_aes + per_lane)
        ta, tc = n_aes * aes["cycles_per_insn"], per_lane * clmul["cycles_per_insn"]
        hi, total = max(ta, tc), ta + tc
        overlap = (total - mix) / (total - hi) if total > hi else 1.0
        out.append({"name": s["name"], "width": s["width"], "n_aes": n_aes,
                    "n_clmul": per_lane, "mix": mix, "aes": ta, "clmul": tc,
                    "overlap": min(1.0, max(0.0, overlap))})
    return out


def sharing_lines(res: dict) -> list[str]:
    """What the record says about AES and CLMUL sharing pipes: the 1:1 pair's
    verdict with its figures, then GCM's own mix (gcm_overlap) at the widest
    width, which is what the GCM bounds come from."""
    sh = res.get("sharing", {})
    lines = [f"AES+CLMUL 1:1: a pair costs {sh.get('pair_cycles', 0):.3f} cyc, the two alone "
             f"{sh.get('sum_cycles', 0):.3f} summed, {sh.get('max_cycles', 0):.3f} the larger: "
             f"{sh.get('verdict', 'unknown')} pipes for a 1:1 pair"]
    ov = gcm_overlap(res)
    if ov:
        w = max(o["width"] for o in ov)
        for o in (o for o in ov if o["width"] == w):
            lines.append(f"GCM's mix ({o['name']}, {o['n_aes']} AES : {o['n_clmul']:g} CLMUL): "
                         f"{o['mix']:.1f} cyc a body, AES alone {o['aes']:.1f}, CLMUL alone "
                         f"{o['clmul']:.1f}: overlap "
                         f"{o['overlap']:.2f} (1 separate pipes, 0 one shared pipe)")
    return lines


def pipes_command(a) -> int:
    err = lambda m: print(f"aeslab pipes: {m}", file=sys.stderr)  # noqa: E731
    lock = Lock()
    try:
        lock.acquire("pipes", wait=a.wait)
    except StoreError as e:
        err(e)
        return 1
    try:
        with Harness() as h:
            res = h.pipes(a.iters)
    except HarnessError as e:
        err(e)
        return 1
    finally:
        lock.release()
    print(f"{res['cpu']} (family {res['family']} model {res['model']}), core "
          f"{res['core_ghz']:.3f} GHz calibrated, TSC {res['tsc_ghz']:.3f} GHz")
    for s in res["streams"]:
        if s["supported"]:
            print(f"  {s['name']:<10} {s['insn']:<19} {s['cycles_per_insn']:7.3f} cyc/insn  "
                  f"IPC {s['ipc']:5.2f}  {s['cycles_per_block']:7.3f} cyc/16B")
        else:
            print(f"  {s['name']:<10} {s['insn']:<19} unsupported (lacks {s['lacks']})")
    for line in sharing_lines(res):
        print(line)
    for b in res["bounds"]:
        v = b.get("cycles_per_byte")
        print(f"  bound {b['alg']} {b['op']}: " + (f"{v:.4f} core c/B at {b['width']} bits"
                                                    if v else "n/a"))
    from . import machine, provenance
    prov = provenance.machine_only()
    created = utcnow()
    folder, mdoc = machine.ensure(paths.results_dir(a.results), prov, created, "aeslab pipes")
    pid = "pipes-" + new_run_id(folder, "pipes-")
    doc = {"kind": KIND, "id": pid, "machine": mdoc["id"], "host": prov["host"],
           "created": created, "harness": res, "provenance": prov}
    write_json_atomic(folder / f"{pid}.json", doc)
    print(f"saved: {folder / (pid + '.json')}")
    docs = of_machine(records(folder), mdoc["id"])
    if len(docs) > 1:
        print(f"lowest over this machine's {len(docs)} records (what `aeslab scoreboard` uses):")
        for (alg, op), v in sorted(lowest(docs).items()):
            print(f"  bound {alg} {op}: {v:.4f} core c/B")
    return 0

"""`aeslab export --format csv|gbench`: results for spreadsheets, Google
Benchmark's compare.py and Bencher.

CSV: one row per point, nested keys flattened (thread_mb_per_s.min ->
thread_mb_per_s_min, ci95_mb_per_s -> ci95_lo, ci95_hi).

gbench: Google Benchmark's JSON (context + benchmarks).  One benchmark per
point, named alg/op/impl/size[/aad:N][/threads:N]...; real_time and cpu_time
are the median ns per message (the harness measures wall time of busy
threads, so both are the same), bytes_per_second the aggregate throughput,
iterations the messages per sample; failed points carry error_occurred.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from .store import iter_points, resolve_inputs, run_file_of

FIRST = ["machine_id", "run_id", "impl", "library", "version", "alg", "isa", "op", "size", "aad", "threads",
         "offset", "pinned", "smt", "freq", "rep", "status", "mb_per_s", "ns_per_msg",
         "cycles_per_byte", "tsc_cycles_per_byte", "cycle_source", "core_ghz", "tsc_ghz", "cv",
         "noisy", "ci95_lo", "ci95_hi", "samples"]


def flatten(r: dict) -> dict:
    out = {}
    for k, v in r.items():
        if k == "ci95_mb_per_s" and isinstance(v, list) and len(v) == 2:
            out["ci95_lo"], out["ci95_hi"] = v
        elif isinstance(v, dict):
            for kk, vv in v.items():
                out[f"{k}_{kk}"] = vv
        elif isinstance(v, list):
            out[k] = json.dumps(v)
        else:
            out[k] = v
    return out


def to_csv(records: list[dict]) -> str:
    rows = [flatten(r) for r in records]
    cols = [c for c in FIRST if any(c in r for r in rows)]
    for r in rows:
        for c in r:
            if c not in cols:
                cols.append(c)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def bench_name(r: dict) -> str:
    n = f"{r['alg']}/{r['op']}/{r['impl']}/{r['size']}"
    if r["alg"].endswith("gcm"):
        n += f"/aad:{r['aad']}"
    if r.get("offset"):
        n += f"/offset:{r['offset']}"
    if r.get("freq", "as-is") != "as-is":
        n += f"/freq:{r['freq']}"
    if r.get("smt"):
        n += "/smt"
    n += f"/threads:{r['threads']}"
    return n


def to_gbench(records: list[dict], run: dict | None) -> str:
    prov = (run or {}).get("provenance", {})
    cpu = prov.get("cpu", {})
    ghz = [r["core_ghz"] for r in records if isinstance(r.get("core_ghz"), (int, float))]
    caches = []
    for c in cpu.get("caches", []) or []:
        size = str(c.get("size") or "0")
        mult = 1024 if size.endswith("K") else 1024 * 1024 if size.endswith("M") else 1
        try:
            nbytes = int(size.rstrip("KMG")) * mult
        except ValueError:
            nbytes = 0
        shared = c.get("shared_cpu_list") or ""
        caches.append({"type": c.get("type"), "level": c.get("level"), "size": nbytes,
                       "num_sharing": _count_cpus(shared)})
    ctx = {
        "date": (run or {}).get("created", ""),
        "host_name": (run or {}).get("host", ""),
        "executable": "aesbench (via aeslab)",
        "num_cpus": cpu.get("logical_cpus") or 0,
        "mhz_per_cpu": int(round(1000 * (sorted(ghz)[len(ghz) // 2] if ghz else
                                         (prov.get("clock", {}).get("tsc_ghz") or 0)))),
        "cpu_scaling_enabled": bool(prov.get("power", {}).get("cpufreq")),
        "caches": caches,
        "load_avg": prov.get("load_average", []),
        "library_build_type": "release",
        "aeslab_run_id": (run or {}).get("run_id"),
        "aeslab_machine": (run or {}).get("machine"),
        "aeslab_cpu": cpu.get("model_name"),
        "aeslab_git_commit": prov.get("git", {}).get("commit"),
    }
    benches = []
    reps: dict[str, int] = {}
    for r in records:
        name = bench_name(r)
        idx = reps.get(name, 0)
        reps[name] = idx + 1
        b = {"name": name, "family_index": 0, "per_family_instance_index": 0,
             "run_name": name, "run_type": "iteration", "repetitions": 0,
             "repetition_index": idx, "threads": r["threads"], "time_unit": "ns"}
        if r.get("status") == "ok":
            b.update({"iterations": int(r.get("msgs_per_sample") or 0),
                      "real_time": r["ns_per_msg"], "cpu_time": r["ns_per_msg"],
                      "bytes_per_second": r["mb_per_s"] * 1e6,
                      "cycles_per_byte": r.get("cycles_per_byte"),
                      "core_ghz": r.get("core_ghz"), "cv": r.get("cv")})
            if "ipc" in r:
                b["ipc"] = r["ipc"]
        else:
            b.update({"iterations": 0, "real_time": 0, "cpu_time": 0,
                      "error_occurred": True, "error_message": r.get("status", "failed")})
        benches.append(b)
    for b in benches:
        b["repetitions"] = reps[b["name"]]
    return json.dumps({"context": ctx, "benchmarks": benches}, indent=1) + "\n"


def _count_cpus(lst: str) -> int:
    n = 0
    for part in lst.split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            try:
                n += int(b) - int(a) + 1
            except ValueError:
                pass
        elif part.strip():
            n += 1
    return n


def export_command(a) -> int:
    try:
        files = resolve_inputs(a.inputs, a.results)
    except FileNotFoundError as e:
        print(f"aeslab export: {e}", file=sys.stderr)
        return 1
    records, run = [], None
    for f in files:
        rj = run_file_of(Path(f))
        this = None
        if rj.exists():
            try:
                this = json.loads(rj.read_text())
            except ValueError as e:
                print(f"aeslab export: {rj}: not JSON ({e}); its machine is unknown",
                      file=sys.stderr)
        if run is None and this:
            run = this
        for line, r, err in iter_points(f):
            if r is None:
                print(f"aeslab export: {f}:{line}: {err} (skipped)", file=sys.stderr)
                continue
            if this and this.get("machine"):
                r = {"machine_id": this["machine"], **r}
            records.append(r)
    text = to_csv(records) if a.format == "csv" else to_gbench(records, run)
    if a.output:
        Path(a.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0

"""Cold caches: does code size cost anything?  (seed 000's open question,
"code size considerations (e.g. caches) that don't get measured in
microbenchmarks").

From points measured with `aesbench run --cold` (`aeslab run --cold`, or
`cold = true` in a config): per implementation, at the message sizes of
short records and packets (16-1420 B), the warm ns per message (the normal
loop: code, key and predictors warm) beside the cold ns per message (one
message timed alone right after other code and data replaced L1i, L1d, L2
and the branch predictors' contents, harness/src/coldcode.c), and the
implementation's machine-code bytes (`aesbench list --json` code_bytes, as
the run's provenance recorded it).  lab/null's cold figure is the floor of
the cold mode (timestamps, the harness's own cold call path).  Nothing here
is asserted; the section says how the extra cold time goes with code size
on this machine.
"""
from __future__ import annotations

import math

import pandas as pd

from .. import point as _point
from .common import Section, Table, num
from .load import Results

MIN_SIZE, MAX_SIZE = 16, 1420
NONE = "no cold-cache points in these runs (measure with `aeslab run --cold` or " \
       "`aesbench run --cold`)"


def _cold(p: pd.DataFrame, host: str) -> pd.DataFrame:
    """Single-thread, aligned points of this machine (its id: `host` is the
    machine id the report pages go by) with a cold figure, at 16-1420 B; per
    (impl, alg, op, size) those of the latest run that has one, repetitions
    combined by their median (point.aggregate_frame, the one rule)."""
    if "cold_ns_per_msg" not in p:
        return p.iloc[0:0]
    p = p[(p["machine_id"] == host) & p["cold_ns_per_msg"].notna() & (p["threads"] == 1)
          & (p["offset"] == 0) & p["size"].between(MIN_SIZE, MAX_SIZE)]
    if not len(p):
        return p
    key = ["impl", "alg", "op", "size"]
    last = p.groupby(key)["time"].transform("max")
    run = p[p["time"] == last][key + ["run_id"]].drop_duplicates(key)
    p = p.merge(run, on=key + ["run_id"])
    return _point.aggregate_frame(
        p, key, medians=("ns_per_msg", "cold_ns_per_msg", "cold_disturb_ns"),
        first=("cold_code_kb", "cold_data_kb", "cold_samples", "run_id", "isa", "library"))


def code_bytes(res: Results, host: str, runs: set | None = None) -> dict[tuple[str, str], int]:
    """{(impl, alg): code bytes} from the listings in this machine's run.json
    files: a figure from one of `runs` (the runs a table's points come from:
    the code that was timed) wins, then the latest run naming it."""
    out: dict[tuple[str, str], int] = {}
    runs = runs or set()
    docs = sorted(((k, v) for k, v in res.run_docs.items() if k[0] == host),
                  key=lambda kv: (kv[0][1] in runs, kv[1].get("created", "")))
    for _, run in docs:
        for lib in (run.get("provenance") or {}).get("libraries") or []:
            if lib.get("code_bytes") and lib.get("name") and lib.get("alg"):
                out[(lib["name"], lib["alg"])] = int(lib["code_bytes"])
    return out


def _rank_corr(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (no scipy): Pearson's of the ranks."""
    rx, ry = pd.Series(x).rank(), pd.Series(y).rank()
    return float(rx.corr(ry)) if len(x) >= 3 else math.nan


def section(res: Results, host: str) -> Section:
    sec = Section("coldcache", "Cold caches: warm vs cold ns per message, and code size")
    sec.intro = (
        "Seed 000 leaves open whether code size costs anything that microbenchmarks do not "
        "measure.  Warm: the normal loop (the same message over and over: code, key schedule "
        "and branch predictors warm).  Cold: the median of single messages, each timed alone "
        "right after the harness ran other code (generated functions with data-dependent "
        "branches) and walked other data, so that L1i, L1d, L2 and the predictors hold none "
        "of the implementation's (`aesbench run --cold`; the disturbance itself is timed apart "
        "and is in no figure).  Code bytes: the machine code behind the path, as `aesbench "
        "list` reports it.  1 thread, 16-1420 B.")
    pts = _cold(res.ok, host)
    floor = _cold(res.floor, host)
    if not len(pts):
        sec.missing.append(NONE)
        return sec
    code = code_bytes(res, host, set(pts["run_id"]))
    amounts = sorted({(int(a), int(b)) for a, b in zip(pts["cold_code_kb"], pts["cold_data_kb"])
                      if not (math.isnan(a) or math.isnan(b))})
    dist = pts["cold_disturb_ns"].median()
    sec.intro += ("  Disturbance: " + ", ".join(f"{a} KiB of code and {b} KiB of data"
                                                for a, b in amounts) +
                  (f" before each cold message (median {dist / 1e3:,.1f} us, not counted)."
                   if not math.isnan(dist) else "."))
    for (alg, op), g in pts.groupby(["alg", "op"]):
        sizes = sorted(g["size"].unique())
        rows, data = {}, []
        fl = floor[(floor["alg"] == alg) & (floor["op"] == op)].set_index("size")
        if len(fl):
            rows["lab/null (the floor)"] = ["—"] + [
                f"{num(fl.loc[s, 'ns_per_msg'], 0)} / {num(fl.loc[s, 'cold_ns_per_msg'], 0)}"
                if s in fl.index else "—" for s in sizes] + ["—"]
        for impl, h in g.groupby("impl"):
            h = h.set_index("size")
            cb = code.get((impl, alg))
            cells = []
            for s in sizes:
                if s in h.index:
                    w, c = h.loc[s, "ns_per_msg"], h.loc[s, "cold_ns_per_msg"]
                    cells.append(f"{num(w, 0)} / {num(c, 0)}")
                    data.append({"impl": impl, "size": s, "warm_ns": w, "cold_ns": c,
                                 "extra_ns": c - w, "code_bytes": cb})
                else:
                    cells.append("—")
            s0 = sizes[0]
            extra = h.loc[s0, "cold_ns_per_msg"] - h.loc[s0, "ns_per_msg"] if s0 in h.index \
                else math.nan
            rows[impl] = [num(cb, 0) if cb else "—"] + cells + [num(extra, 0)]
        df = pd.DataFrame.from_dict(
            rows, orient="index",
            columns=["code bytes"] + [f"{s} B warm / cold" for s in sizes]
            + [f"cold - warm at {sizes[0]} B"])
        df = df.loc[[i for i in df.index if i.startswith("lab/")] +
                    sorted((i for i in df.index if not i.startswith("lab/")),
                           key=lambda i: (code.get((i, alg)) is None, code.get((i, alg)) or 0, i))]
        d = pd.DataFrame(data)
        sec.tables.append(Table(
            f"cold-{alg}-{op}", f"{alg} {op}: ns per message, warm / cold (1 thread)", df,
            note="ordered by code size; cells: warm ns / cold ns per message (medians); "
                 "lab/null is the harness's own cost in each mode", data=d))
        sec.notes.append(_verdict(alg, op, d, sizes[0]))
    return sec


def _verdict(alg: str, op: str, d: pd.DataFrame, size: int) -> str:
    """How the extra cold time at the smallest size goes with code size."""
    k = d[(d["size"] == size) & d["code_bytes"].notna()]
    if len(k) < 3:
        return (f"{alg} {op}: code size is known for {len(k)} of the implementations measured "
                f"cold at {size} B; too few to relate cold cost to size.")
    x = [float(v) for v in k["code_bytes"]]
    y = [float(v) for v in k["extra_ns"]]
    rho = round(_rank_corr(x, y), 2)
    mx, my = sum(x) / len(x), sum(y) / len(y)
    var = sum((a - mx) ** 2 for a in x)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y)) / var if var else math.nan
    lo, hi = k.loc[k["code_bytes"].idxmin()], k.loc[k["code_bytes"].idxmax()]
    trend = ("more code, more cold time" if rho >= 0.5 else
             "no clear relation between code size and cold time" if rho > -0.5 else
             "more code, less cold time")
    return (f"{alg} {op} at {size} B: a cold message costs {min(y):,.0f}-{max(y):,.0f} ns more "
            f"than a warm one; rank correlation of that extra with code bytes over {len(k)} "
            f"implementations: {rho:+.2f} ({trend}); least-squares slope "
            f"{slope * 1024:,.2f} ns per KiB of code.  Smallest: {lo['impl']} "
            f"({int(lo['code_bytes']):,} B, +{lo['extra_ns']:,.0f} ns); largest: {hi['impl']} "
            f"({int(hi['code_bytes']):,} B, +{hi['extra_ns']:,.0f} ns).  Code bytes count "
            "everything reachable from the path's entry points, not what one message runs, and "
            "implementations differ in more than size (the data they touch per message: key "
            "schedule, GHASH key powers or tables, dispatch), so this is an association on this "
            "machine, not a cause.")

"""One model of a measured point, for every reader and writer.

A point is one measurement of one configuration on one machine:

* ``POINT``  - what was measured: implementation, algorithm, op, size, AAD,
  threads, buffer offset, pinning, SMT placement, frequency level;
* ``RUN_KEY`` - ``POINT`` + ``rep``: unique within a run (a run file holds
  one machine's points, so the machine is the run's, not the line's).  The
  runner's plan, resume and `aeslab validate` use it;
* ``CONFIG`` - ``machine_id`` + ``POINT``: a configuration across runs, the
  cell of a report and the series of the regression dashboard.  Points of
  two machines never share a configuration, even under one host name.

A configuration measured several times (repetitions of a run, passes of
``make bench-goals``) stands for the median of its measurements: ``median``
and ``aggregate`` (records) and ``aggregate_frame`` (pandas) are that rule,
the only one.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any, Callable, Iterable

POINT = ("impl", "alg", "op", "size", "aad", "threads", "offset", "pinned", "smt", "freq")
RUN_KEY = POINT + ("rep",)
CONFIG = ("machine_id",) + POINT

# defaults of the fields a bare harness line (or an older point) may lack
DEFAULTS: dict[str, Any] = {"aad": 0, "offset": 0, "pinned": True, "smt": False,
                            "freq": "as-is", "rep": 0}
_CAST: dict[str, Callable] = {"size": int, "aad": int, "threads": int, "offset": int,
                              "pinned": bool, "smt": bool, "rep": int, "freq": str}

# the numbers a point carries that aggregate by median
METRICS = ("mb_per_s", "ns_per_msg", "cycles_per_byte", "tsc_cycles_per_byte", "core_ghz",
           "cv", "cpu_share")


def key(r: dict, fields: Iterable[str] = RUN_KEY) -> tuple:
    """The key of record r over `fields`; KeyError when a required one is missing."""
    out = []
    for f in fields:
        v = r[f] if f not in DEFAULTS else r.get(f, DEFAULTS[f])
        if f == "aad" and str(r.get("alg", "")).endswith("xts"):
            v = 0  # XTS has no AAD, whatever a line says
        out.append(_CAST[f](v) if f in _CAST else v)
    return tuple(out)


def record_key(r: dict) -> tuple:
    return key(r, RUN_KEY)


def make_key(impl: str, alg: str, op: str, size: int, aad: int, threads: int, offset: int,
             pinned: bool, smt: bool, freq: str, rep: int) -> tuple:
    return record_key({"impl": impl, "alg": alg, "op": op, "size": size, "aad": aad,
                       "threads": threads, "offset": offset, "pinned": pinned, "smt": smt,
                       "freq": freq, "rep": rep})


def is_ok(r: dict) -> bool:
    return r.get("status") == "ok"


def is_floor(r: dict) -> bool:
    """lab/null: the harness floor, stored beside every run, never a result."""
    return r.get("library") == "lab" or r.get("impl") == "lab/null"


def median(values: Iterable) -> float | None:
    xs = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return statistics.median(xs) if xs else None


def latest(records: Iterable[dict], fields: Iterable[str] = RUN_KEY) -> list[dict]:
    """One record per key (the last stored wins: a resume never repeats one,
    but a file assembled by hand might)."""
    fields = tuple(fields)
    d: dict[tuple, dict] = {}
    for r in records:
        try:
            d[key(r, fields)] = r
        except KeyError:
            continue
    return list(d.values())


def group(records: Iterable[dict], fields: Iterable[str]) -> dict[tuple, list[dict]]:
    fields = tuple(fields)
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        try:
            out[key(r, fields)].append(r)
        except KeyError:
            continue
    return out


def aggregate(records: Iterable[dict], fields: Iterable[str],
              metrics: Iterable[str] = METRICS) -> dict[tuple, dict]:
    """{key: {metric: median over the ok records, 'reps': n, 'noisy': any}}."""
    out = {}
    for k, rs in group((r for r in records if is_ok(r)), fields).items():
        d: dict[str, Any] = {m: median(r.get(m) for r in rs) for m in metrics}
        d["reps"] = len(rs)
        d["noisy"] = any(r.get("noisy") for r in rs)
        out[k] = d
    return out


def aggregate_frame(df, fields: Iterable[str], medians: Iterable[str] = (),
                    first: Iterable[str] = (), maxima: Iterable[str] = ()):
    """The same rule on a pandas table: one row per key, the median of the
    repetitions for `medians`, the first value for `first`, the largest for
    `maxima`, and `reps` (how many rows stood behind each)."""
    fields = list(fields)
    agg = {c: "median" for c in medians if c in df}
    agg.update({c: "first" for c in first if c in df})
    agg.update({c: "max" for c in maxima if c in df})
    g = df.groupby(fields, as_index=False, sort=True, dropna=False)
    out = g.agg(agg) if agg else df[fields].drop_duplicates().sort_values(fields)
    out = out.reset_index(drop=True)
    out["reps"] = df.groupby(fields, sort=True, dropna=False).size().values
    return out

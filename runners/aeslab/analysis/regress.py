"""Regression statistics: the history of every series (machine x impl x
alg x op x size x threads ...) run by run, and a test that flags a run as a
regression or an improvement against a baseline window of earlier runs.

The test (robust z-test on log throughput, gated by the noise floor):

  x = log MB/s of each run (the median of its samples; repetitions within a
  run combined by their median).  Baseline: the W runs before the one
  tested (same machine and configuration).  centre = median of the
  baseline's x; spread = max(1.4826 * MAD of the baseline's x, s_floor),
  where s_floor = ln(1 + floor/100) / (1.96 * sqrt 2) is the run-to-run
  standard deviation the machine's A/A noise floor implies (95% of A/A
  pairs differ by less than floor%: for two independent runs that is
  1.96 * sqrt(2) standard deviations).  z = (x_new - centre) / spread.
  A run is flagged when |z| > Z (3: about 3 in 1000 false flags per series
  under normal noise) AND the change exceeds the floor itself.

Why this test: a run stores medians, not raw samples, and the samples of
one run share one process, one moment of machine load and one frequency
state, so their spread understates run-to-run variation; a t-test or
Mann-Whitney on within-run samples would flag noise.  What identical code
does between runs is exactly what the A/A noise floor measures, so it
bounds the spread from below; the MAD takes over when the baseline window
is noisier than the floor (and is not moved by one outlier run, unlike a
standard deviation); logs make +x% and -x% symmetric.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import point as _point
from .common import DEFAULT_FLOOR_PCT
from .load import Results

# a series is one configuration on one machine: point.CONFIG
SERIES = list(_point.CONFIG)
Z = 3.0
WINDOW = 5

TEST_NAME = "robust z-test on log throughput against a baseline window, gated by the A/A noise floor"


def s_floor(floor_pct: float) -> float:
    return math.log1p(floor_pct / 100.0) / (1.96 * math.sqrt(2.0))


def test(new: float, base: list[float], floor_pct: float, z_crit: float = Z) -> dict:
    """The flag decision for one new value against baseline values (MB/s)."""
    xs = np.log(np.asarray([b for b in base if b > 0], dtype=float))
    if not len(xs) or not new or new <= 0:
        return {"z": math.nan, "change_pct": math.nan, "flag": None, "sigma": math.nan}
    c = float(np.median(xs))
    mad = float(np.median(np.abs(xs - c))) * 1.4826 if len(xs) >= 3 else 0.0
    sigma = max(mad, s_floor(floor_pct))
    z = (math.log(new) - c) / sigma
    change = 100.0 * (new / math.exp(c) - 1.0)
    flag = None
    if abs(z) > z_crit and abs(change) > floor_pct:
        flag = "regression" if change < 0 else "improvement"
    return {"z": z, "change_pct": change, "flag": flag, "sigma": sigma,
            "baseline_mb_per_s": math.exp(c), "baseline_n": int(len(xs))}


def per_run(points: pd.DataFrame) -> pd.DataFrame:
    """One value per (series, run): repetitions combined by their median."""
    p = points[points["ok"]]
    return _point.aggregate_frame(p, SERIES + ["run_id"],
                                  medians=("mb_per_s", "ci_lo", "ci_hi", "cv", "loadavg"),
                                  first=("commit", "dirty", "version", "machine", "host", "isa"),
                                  maxima=("time", "noisy"))


def floors(res: Results) -> dict[str, tuple[float, str]]:
    out = {}
    for h in res.machines():
        f, src = res.noise_floor(h)
        out[h] = (f, src) if f is not None else (DEFAULT_FLOOR_PCT, src + f"; {DEFAULT_FLOOR_PCT:.0f}%"
                                                 " assumed")
    return out


def history(res: Results, window: int = WINDOW, z_crit: float = Z) -> pd.DataFrame:
    """Every (series, run) in time order, each tested against the `window`
    runs before it.  Columns: the series keys, run_id, time, commit,
    version, mb_per_s, ci_lo, ci_hi, baseline_mb_per_s, change_pct, z, flag,
    baseline_runs (the run ids of the window)."""
    h = per_run(res.points).sort_values("time")
    fl = floors(res)
    out = []
    for key, g in h.groupby(SERIES, sort=False):
        g = g.sort_values("time")
        vals = g["mb_per_s"].tolist()
        rids = g["run_id"].tolist()
        floor = fl.get(key[0], (DEFAULT_FLOOR_PCT, ""))[0]
        for i, (_, r) in enumerate(g.iterrows()):
            d = r.to_dict()
            base = vals[max(0, i - window):i]
            t = test(vals[i], base, floor, z_crit) if base else {
                "z": math.nan, "change_pct": math.nan, "flag": None, "sigma": math.nan,
                "baseline_mb_per_s": math.nan, "baseline_n": 0}
            d.update(t)
            d["baseline_runs"] = rids[max(0, i - window):i]
            d["floor_pct"] = floor
            out.append(d)
    return pd.DataFrame(out)


def compare(base: Results, new: Results, floor_pct: float, z_crit: float = Z,
            same_host: bool = True) -> pd.DataFrame:
    """Every configuration present in both sets: the new value (median over
    the new runs) tested against the base runs as the baseline window."""
    keys = SERIES if same_host else SERIES[1:]
    b = per_run(base.points)
    n = per_run(new.points)
    nb = n.groupby(keys, as_index=False).agg(mb_per_s=("mb_per_s", "median"),
                                             runs=("run_id", lambda s: sorted(set(s))))
    bb = b.groupby(keys).agg(vals=("mb_per_s", list), base_runs=("run_id", lambda s: sorted(set(s))))
    rows = []
    for _, r in nb.iterrows():
        k = tuple(r[c] for c in keys)
        if k not in bb.index:
            continue
        t = test(r["mb_per_s"], bb.loc[k, "vals"], floor_pct, z_crit)
        d = {c: r[c] for c in keys}
        d.update({"new_mb_per_s": r["mb_per_s"], "new_runs": r["runs"],
                  "base_runs": bb.loc[k, "base_runs"], **t})
        rows.append(d)
    return pd.DataFrame(rows)

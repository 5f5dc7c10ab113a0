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
  1.96 * sqrt(2) standard deviations).  z = (x_new - centre) / (spread *
  sqrt(1 + pi / (2n))): the difference also carries the uncertainty of the
  baseline's median of n values (variance about pi/2 * spread^2 / n).
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

Only real changes (the dashboard's history):

* a series is one configuration on one machine id (point.CONFIG), never a
  host name: a host that now runs on another CPU starts another series, so
  a change of machine never makes a flag;
* a value measured under contamination is shown but never flagged and
  never part of a baseline: a point that lost its core (cpu_share < 0.9),
  stayed above its CV target (cv > cv_target) or was flagged `noisy`, and
  every point of a run that started on a busy machine (load average above
  max(0.5, nproc/4), the runner's own quiet rule).  The baseline is the W
  clean values before the one tested;
* the noise floor comes from quiet measurements only: the wider of the
  last two `aeslab noise` checks made on a quiet machine (a check forced on
  a busy one, `"quiet": false`, or older checks whose recorded load was
  above the limit, do not count); without one, from the clean history
  itself: sigma_run = 1.4826 * median |x_i - x_(i-1)| / sqrt 2 over
  consecutive clean values of every series of the machine (the median
  ignores the few steps a real change makes), floor = exp(1.96 * sqrt 2 *
  sigma_run) - 1; without either, 5%, said so;
* a change is flagged when it is confirmed: the next clean value of the
  series is also beyond |z| > Z and the floor, in the same direction,
  against the same baseline.  The flag sits on the first run of the
  change, and the baseline then restarts from it (one step, one flag;
  nothing is tested until the new level has 3 clean values).  The latest value of a
  series beyond the threshold is shown as unconfirmed, not flagged; a
  value beyond it that the next one does not confirm is an outlier.  At
  fleet scale (thousands of series x runs) a single-run test at 3 sigma
  would flag noise every day; two consecutive runs beyond it are rare
  under noise alone (about 1e-5 per test) and are what a real change does.
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
MIN_BASE = 3          # clean values a baseline needs before anything is tested
SHARE_MIN = 0.9       # cpu_share below this: the point lost its core

TEST_NAME = "robust z-test on log throughput against a baseline window, gated by the A/A noise floor"


def s_floor(floor_pct: float) -> float:
    return math.log1p(floor_pct / 100.0) / (1.96 * math.sqrt(2.0))


def _test_log(x: float, xs: list[float], floor_pct: float, sf: float, z_crit: float) -> dict:
    """test() on logs (the history calls this once per value: plain Python)."""
    n = len(xs)
    srt = sorted(xs)
    c = srt[n // 2] if n % 2 else 0.5 * (srt[n // 2 - 1] + srt[n // 2])
    if n >= 3:
        dev = sorted(abs(v - c) for v in xs)
        mad = 1.4826 * (dev[n // 2] if n % 2 else 0.5 * (dev[n // 2 - 1] + dev[n // 2]))
    else:
        mad = 0.0
    sigma = max(mad, sf)
    z = (x - c) / (sigma * math.sqrt(1.0 + math.pi / (2.0 * n)))
    change = 100.0 * math.expm1(x - c)
    flag = None
    if abs(z) > z_crit and abs(change) > floor_pct:
        flag = "regression" if change < 0 else "improvement"
    return {"z": z, "change_pct": change, "flag": flag, "sigma": sigma,
            "baseline_mb_per_s": math.exp(c), "baseline_n": n}


def test(new: float, base: list[float], floor_pct: float, z_crit: float = Z) -> dict:
    """The flag decision for one new value against baseline values (MB/s)."""
    xs = [math.log(b) for b in base if b and b > 0]
    if not xs or not new or new <= 0 or (isinstance(new, float) and math.isnan(new)):
        return {"z": math.nan, "change_pct": math.nan, "flag": None, "sigma": math.nan}
    return _test_log(math.log(new), xs, floor_pct, s_floor(floor_pct), z_crit)


def per_run(points: pd.DataFrame) -> pd.DataFrame:
    """One value per (series, run): repetitions combined by their median;
    `lost_core`, `above_cv` and `noisy` are true when any repetition was."""
    p = points[points["ok"]].copy()
    share = p["cpu_share"] if "cpu_share" in p else pd.Series(np.nan, index=p.index)
    p["lost_core"] = share.lt(SHARE_MIN).fillna(False)
    if "cv_target" in p:
        p["above_cv"] = (p["cv_target"].gt(0) & p["cv"].gt(p["cv_target"])).fillna(False)
    else:
        p["above_cv"] = False
    return _point.aggregate_frame(p, SERIES + ["run_id"],
                                  medians=("mb_per_s", "ci_lo", "ci_hi", "cv", "loadavg",
                                           "cpu_share"),
                                  first=("commit", "dirty", "version", "machine", "host", "isa"),
                                  maxima=("time", "noisy", "lost_core", "above_cv"))


def quiet_limit(res: Results, machine_id: str) -> float:
    """The runner's quiet rule: load average at most max(0.5, nproc/4)."""
    fp = (res.machine_docs.get(machine_id) or {}).get("fingerprint") or {}
    n = fp.get("logical_cpus")
    if not n:
        r = res.run_docs
        n = next((((d.get("provenance") or {}).get("cpu") or {}).get("logical_cpus")
                  for (h, _), d in r.items() if h == machine_id), None)
    return max(0.5, (n or 1) / 4)


def busy_runs(res: Results) -> dict[tuple[str, str], str]:
    """{(machine_id, run_id): why} for runs that started on a busy machine."""
    out = {}
    for r in res.runs.itertuples():
        lim = quiet_limit(res, r.machine_id)
        if pd.notna(r.loadavg) and r.loadavg > lim:
            out[(r.machine_id, r.run_id)] = f"load {r.loadavg:.1f} at start (quiet: <= {lim:g})"
    return out


def quiet_check(res: Results, doc: dict) -> bool:
    """Whether an `aeslab noise` result was measured on a quiet machine: its
    own verdict where it recorded one, else its recorded load."""
    if "quiet" in doc:
        return bool(doc["quiet"])
    la = ((doc.get("provenance") or {}).get("load_average") or [None])[0]
    return la is not None and la <= quiet_limit(res, doc.get("machine_id") or "")


def floors(res: Results, per: pd.DataFrame | None = None) -> dict[str, tuple[float, str]]:
    """{machine: (floor %, where it comes from)}: quiet A/A checks, else the
    quiet history (per: the clean per-run values), else the default."""
    out = {}
    hist = {}
    if per is not None and len(per):
        c = per[per["clean"] & per["mb_per_s"].gt(0)].sort_values(SERIES + ["time"], kind="stable")
        x = np.log(c["mb_per_s"].astype(float))
        d = x.groupby([c[k] for k in SERIES], sort=False, dropna=False).diff().abs()
        for m, dd in d.groupby(c["machine_id"]):
            dd = dd.dropna()
            if len(dd) >= 20:
                hist[m] = (100.0 * math.expm1(1.96 * 1.4826 * float(dd.median())), int(len(dd)))
    for h in res.machines():
        docs = [d for d in res.noise if d.get("machine_id") == h]
        quiet = sorted((d for d in docs if quiet_check(res, d)), key=lambda d: d.get("created", ""))[-2:]
        if quiet:
            best = max(quiet, key=lambda d: float(d["noise_floor_pct"]))
            out[h] = (float(best["noise_floor_pct"]),
                      f"`aeslab noise` {best.get('id')} on a quiet machine"
                      + (" (the wider of the last two quiet checks)" if len(quiet) > 1 else "")
                      + (f"; {len(docs) - len(quiet)} check(s) on a busy machine not used"
                         if len(docs) > len(quiet) else ""))
        elif h in hist:
            f, n = hist[h]
            out[h] = (f, f"from the clean history ({n} run-to-run differences of quiet values)"
                      + (f"; {len(docs)} `aeslab noise` check(s) on a busy machine not used"
                         if docs else ""))
        else:
            out[h] = (DEFAULT_FLOOR_PCT, f"no quiet A/A check and too little quiet history; "
                      f"{DEFAULT_FLOOR_PCT:.0f}% assumed")
    return out


def _contamination(res: Results, h: pd.DataFrame) -> pd.Series:
    """Why each per-run value is left out of baselines ('' when clean)."""
    busy = busy_runs(res)
    why = []
    for m, rid, lost, share, above, cv, noisy in zip(
            h["machine_id"], h["run_id"], h["lost_core"], h["cpu_share"], h["above_cv"], h["cv"],
            h["noisy"]):
        w = []
        if lost:
            w.append(f"cpu_share {share:.2f}" if pd.notna(share) else "lost its core")
        if above:
            w.append(f"CV {100 * cv:.1f}% above target")
        if noisy and not above:
            w.append("noisy")
        b = busy.get((m, rid))
        if b:
            w.append(b)
        why.append("; ".join(w))
    return pd.Series(why, index=h.index, dtype=object)


NAN_TEST = {"z": math.nan, "change_pct": math.nan, "flag": None, "sigma": math.nan,
            "baseline_mb_per_s": math.nan, "baseline_n": 0}


def _beyond(t: dict) -> int:
    """+1 / -1: beyond the threshold up / down; 0 otherwise."""
    if t.get("flag") == "improvement":
        return 1
    if t.get("flag") == "regression":
        return -1
    return 0


def history(res: Results, window: int = WINDOW, z_crit: float = Z) -> pd.DataFrame:
    """Every (series, run) in time order, with: contaminated (why, '' when
    clean), clean, the test against the baseline (z, change_pct,
    baseline_mb_per_s, baseline_runs, floor_pct) and `flag` (regression /
    improvement: confirmed changes only) and `status` (flag, 'unconfirmed',
    'outlier', 'contaminated' or '')."""
    h = per_run(res.points)
    if not len(h):
        return h.assign(flag=None, status="", contaminated="", clean=True)
    h["contaminated"] = _contamination(res, h)
    h["clean"] = h["contaminated"] == ""
    h = h.sort_values(SERIES + ["time"], kind="stable").reset_index(drop=True)
    fl = floors(res, h)
    n = len(h)
    col = {k: [math.nan] * n for k in ("z", "change_pct", "sigma", "baseline_mb_per_s")}
    base_n = [0] * n
    base_runs: list = [[] for _ in range(n)]
    flag: list = [None] * n
    status = ["" if c else "contaminated" for c in h["clean"]]
    floor_of = [fl.get(m, (DEFAULT_FLOOR_PCT, ""))[0] for m in h["machine_id"]]
    vals = [math.log(v) if v > 0 else math.nan for v in h["mb_per_s"].tolist()]
    clean = [c and not math.isnan(v) for c, v in zip(h["clean"].tolist(), vals)]
    sfs = {f: s_floor(f) for f in set(floor_of)}

    def tst(i, idx):
        return _test_log(vals[i], [vals[j] for j in idx], floor_of[i], sfs[floor_of[i]], z_crit)

    rids = h["run_id"].tolist()
    keys = h[SERIES].itertuples(index=False, name=None)
    starts = [0]
    prev = None
    for i, k in enumerate(keys):
        if i and k != prev:
            starts.append(i)
        prev = k
    starts.append(n)
    for a, b in zip(starts[:-1], starts[1:]):
        base: list[int] = []       # indices of the clean values of the current baseline
        cand = None                # (index, test, baseline) of an unconfirmed change
        for i in range(a, b):
            if not clean[i]:
                continue
            bw = base[-window:]
            if cand is not None:
                ci, ct, cb = cand
                t = tst(i, cb)
                if _beyond(t) == _beyond(ct):
                    flag[ci] = ct["flag"]
                    status[ci] = ct["flag"]
                    base = [ci, i]          # the new level
                else:
                    status[ci] = "outlier"
                    cand = (i, t, cb) if _beyond(t) else None
                    if cand is None:
                        base.append(i)
                if cand is not None and cand[0] == ci:
                    cand = None
                self_t = t
                bw = cb
            elif len(bw) >= MIN_BASE:
                self_t = tst(i, bw)
                if _beyond(self_t):
                    cand = (i, self_t, bw)
                else:
                    base.append(i)
            else:
                self_t = None
                base.append(i)
            if self_t is not None:
                for k2 in col:
                    col[k2][i] = self_t.get(k2, math.nan)
                base_n[i] = self_t.get("baseline_n", 0)
                base_runs[i] = [rids[j] for j in bw]
        if cand is not None:
            status[cand[0]] = "unconfirmed"
        # contaminated values: the change against the clean baseline before them, for display
        last: list[int] = []
        for i in range(a, b):
            if clean[i]:
                last.append(i)
                continue
            bw = [j for j in last[-window:] if status[j] not in ("outlier",)]
            if bw and not math.isnan(vals[i]):
                t = tst(i, bw)
                col["change_pct"][i] = t["change_pct"]
                col["baseline_mb_per_s"][i] = t.get("baseline_mb_per_s", math.nan)
                base_runs[i] = [rids[j] for j in bw]
    for k2, v in col.items():
        h[k2] = v
    h["baseline_n"] = base_n
    h["baseline_runs"] = base_runs
    h["flag"] = flag
    h["status"] = status
    h["floor_pct"] = floor_of
    return h.sort_values("time", kind="stable").reset_index(drop=True)


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

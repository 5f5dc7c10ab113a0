"""What every report is made of (tables, claims, figures, sections) and the
one rule for choosing which measured point stands for a configuration."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .. import point as _point
from .load import Results

# When a machine has no A/A measurement (`aeslab noise`), differences smaller
# than this are called ties.  A parameter of the comparison, not a
# measurement; every page that falls back to it says so.
DEFAULT_FLOOR_PCT = 5.0

# A claim that holds by ties ("wins or ties", "no slower than") says nothing
# when the noise floor is wider than this: a real loss of this size would
# pass unseen, so such verdicts are inconclusive instead.
MAX_DECIDING_FLOOR = 20.0

HOLDS, FAILS, UNCLEAR, MISSING = "holds", "does not hold", "inconclusive", "not measurable here"


@dataclass
class Table:
    key: str
    title: str
    df: pd.DataFrame          # cells already formatted as strings (index = row labels)
    note: str = ""
    data: pd.DataFrame | None = None   # the numbers behind the cells (tests read these)


@dataclass
class Claim:
    seed: str
    claim: str
    verdict: str
    evidence: str


@dataclass
class Figure:
    key: str
    title: str
    fig: object               # a matplotlib Figure
    caption: str = ""


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def noise_floor(res: Results, host: str, pts: pd.DataFrame | None = None) -> tuple[float, str]:
    """(floor %, where it comes from).  The A/A floor of the machine if it was
    measured, else DEFAULT_FLOOR_PCT, said as such.  pts: the picked points a
    section compares; when each is the median of several repetitions, the
    floor for such medians applies (the fewest repetitions among them)."""
    reps = int(pts["reps"].min()) if pts is not None and len(pts) and "reps" in pts else 1
    if pts is not None and len(pts) and "run_id" in pts:
        # (nearly) every point from one run that repeated itself: its own noise
        runs = pts["run_id"].value_counts()
        main = runs.index[0]
        r = int(pts.loc[pts["run_id"] == main, "reps"].min())
        if runs.iloc[0] >= 0.9 * len(pts) and r > 1:
            f, src = res.inrun_floor(host, main, r)
            if f is not None:
                a, asrc = res.noise_floor(host, r)
                return f, (f"noise floor {f:.1f}% {src}" +
                           (f"; the A/A floor around it was {a:.1f}% ({asrc})" if a is not None
                            else ""))
    f, src = res.noise_floor(host, reps)
    if f is not None:
        return f, f"A/A noise floor {f:.1f}% measured by {src}"
    return DEFAULT_FLOOR_PCT, (f"no A/A noise floor measured on {host} (run `aeslab noise`); "
                               f"differences under {DEFAULT_FLOOR_PCT:.0f}% are treated as ties")


# the identity of a configuration: point.CONFIG (machine id + what was measured)
KEY = list(_point.CONFIG)


def pick(res: Results, host: str, aad=None, offset: int = 0, freq: str = "as-is",
         **eq) -> pd.DataFrame:
    """The measured points of one machine that a report shows.

    A table compares its cells, so they should come from one run: the
    run (with provenance, i.e. a run.json) among those that measured at
    least 90% as many of the requested configurations as the most complete
    one - the most careful of them (the longest samples asked for, min_time,
    in powers of two), then the latest - supplies every configuration it has.  Configurations it lacks come, each, from the
    latest run that has them (runs with provenance first; bare aesbench
    output only where nothing else has the configuration), if the main run's
    listing still names their implementation.  Repetitions
    within a run are combined by their median; `run_id` says where each
    value came from.

    `aad` may be a number, a list of preferred numbers (first found wins per
    configuration) or None (any).  Other keyword arguments filter columns by
    equality (a list means any of)."""
    p = res.ok
    p = p[(p["machine_id"] == host) & (p["offset"] == offset) & (p["freq"] == freq) & (~p["smt"])]
    for k, v in eq.items():
        p = p[p[k].isin(v)] if isinstance(v, (list, tuple, set)) else p[p[k] == v]
    if aad is not None:
        prefs = list(aad) if isinstance(aad, (list, tuple)) else [aad]
        p = p[p["aad"].isin(prefs)].copy()
        p["_aadrank"] = p["aad"].map({a: i for i, a in enumerate(prefs)})
        best = p.groupby([k for k in KEY if k != "aad"])["_aadrank"].transform("min")
        p = p[p["_aadrank"] == best].drop(columns="_aadrank")
    if not len(p):
        return p.assign(reps=pd.Series(dtype=int))
    # A run with provenance (run.json) beats bare aesbench output of the same
    # configuration, whatever their times: only the former says what ran.
    prov = p.groupby(KEY)["provenance"].transform("max")
    p = p[p["provenance"] == prov]
    withp = p[p["provenance"]]
    cover = withp.groupby("run_id").agg(t=("time", "max"))
    if len(cover):
        cover["n"] = withp.drop_duplicates(KEY + ["run_id"]).groupby("run_id").size()
        # Of the runs that measured (nearly) as much as the most complete one:
        # the most careful (the longest samples asked for, in powers of two,
        # so that a quick look made later does not displace a publication
        # run), then the latest.
        effort = withp["min_time_s"].groupby(withp["run_id"]).median()
        cover["effort"] = [math.floor(math.log2(e)) if e and e > 0 else -99
                           for e in effort.reindex(cover.index).fillna(0)]
        full = cover[cover["n"] >= 0.9 * cover["n"].max()]
        main = full.sort_values(["effort", "t"]).index[-1]
        in_main = p[p["run_id"] == main]
        have = set(map(tuple, in_main[KEY].drop_duplicates().values.tolist()))
        rest = p[[tuple(x) not in have for x in p[KEY].values.tolist()]]
        # Gaps are filled only with implementations that still existed when the
        # main run was made (its listing): an implementation since renamed or
        # removed is history for the dashboard, not a row of today's table.
        listing = (res.run_docs.get((host, main)) or {}).get("provenance", {}).get("libraries")
        if listing and len(rest):
            known = {(x.get("name"), x.get("alg")) for x in listing}
            rest = rest[[(i, a) in known for i, a in zip(rest["impl"], rest["alg"])]]
    else:
        in_main, rest = p.iloc[0:0], p
    if len(rest):
        last = rest.groupby(KEY)["time"].transform("max")
        run_of_last = rest[rest["time"] == last][KEY + ["run_id"]].drop_duplicates(KEY)
        rest = rest.merge(run_of_last, on=KEY + ["run_id"])
    p = pd.concat([in_main, rest]) if len(rest) else in_main
    # repetitions combined by their median: the one rule, point.aggregate_frame
    return _point.aggregate_frame(
        p, KEY,
        medians=("mb_per_s", "ns_per_msg", "cycles_per_byte", "core_ghz", "cv",
                 "thread_mb_median", "thread_mb_min", "thread_mb_max", "thread_ghz_median",
                 "thread_ghz_min", "thread_ghz_max", "ci_lo", "ci_hi", "loadavg", "cpu_share"),
        first=("isa", "width", "family", "variant", "library", "version", "mode", "key_bits",
               "direction", "run_id", "machine", "host", "commit", "cycle_source"),
        maxima=("noisy", "time"))


def pct(x: float, digits: int = 0, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    s = f"{x:+.{digits}f}%" if sign else f"{x:.{digits}f}%"
    return s


def num(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


def ratio_pct(a: float, b: float) -> float:
    """How much faster a is than b, in % (a/b - 1)."""
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return 100.0 * (a / b - 1.0)


def machine_date(res: Results, host: str, pts: pd.DataFrame | None = None) -> str:
    """'<machine label>, <date>' for figure titles: the date of the latest
    point shown (or of the machine's latest run)."""
    label = res.machine_label(host)
    t = None
    if pts is not None and len(pts):
        t = pts["time"].max()
    else:
        r = res.runs[res.runs["machine_id"] == host]
        if len(r):
            t = r["created"].max()
    return f"{label}, {t:%Y-%m-%d}" if t is not None and not pd.isna(t) else label

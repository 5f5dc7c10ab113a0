"""own/auto's measured picks: which own kernel takes each message length on
each x86-64 CPU model the lab has results for.

`aeslab auto-picks` reads results/ and writes kernels/auto/picks.c, the
table own/auto looks its CPU up in (vendor, family, model from CPUID, as
machine.json records them).  A CPU with no row, or whose row names a kernel
it cannot run, falls back to auto's ISA order (widest path first).

The rule, per machine, mode (gcm/xts) and direction:
  - candidates: the own x86 kernels auto can call (portable, aesni,
    aesni-avx, vaes256, vaes512, fused); own/auto itself is never a
    candidate;
  - a point is the median ns per message of one (kernel, key size, size)
    at one thread, no offset, GCM with 16 bytes of AAD.  Each cell (op,
    key size, size) takes all its points from the newest run that measured
    there every candidate measured on that machine in that mode: kernels
    change, and the newest run measured the code closest to this one, but
    a run that timed only some of them (an A/B, a cold run, a re-check of
    one kernel) compares nothing, and mixing its points with an older
    run's would let one noisy pass decide.  A cell that no run measured
    whole takes each point from the newest run that measured it;
  - a size is decided only where every candidate measured on that machine
    was measured at every key size the size has; a kernel's score there
    is the geometric mean of its key sizes' points;
  - the fastest score wins, except that among kernels within MARGIN of it
    those of the class first in CLASS (wider first; of the two AES-NI
    encodings, VEX) are kept, and of those the fastest: a narrower path
    has to win clearly, not by noise, while kernels of one width (the
    512-bit ones) are told apart by their scores alone;
  - consecutive sizes with the same winner form one step: the winner at
    size s takes every length up to s, the last winner every longer one;
  - own/auto's context holds one narrow (AES-NI or portable) kernel per
    mode, for both directions: where the two directions' steps name more
    than one, each is tried as the mode's only one (the others dropped
    from the candidates) and the one that costs least is kept, the cost
    being the sum over sizes and directions of log(time of the kernel
    picked / time of the kernel picked with every candidate).  Without
    this, auto would find the row unusable and take its ISA order for
    that direction at every length.
A machine with fewer than two candidates measured gets no row (nothing was
compared).  Nothing here is timed; it only reads stored points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import machine as _machine

MARGIN = 0.03

# Preference among kernels within MARGIN of the fastest, by class: wider
# first, then the VEX-encoded AES-NI kernel before the SSE one (auto's ISA
# order).  ORDER lists the kernels class by class.
CLASS = {"own/vaes512": 0, "own/vaes512-sb": 0, "own/fused": 0, "own/vaes256": 1,
         "own/aesni-avx": 2, "own/aesni": 3, "own/portable": 4}
ORDER = sorted(CLASS, key=CLASS.get)
# auto's narrow kernels (paths below AP_VAES256): one per mode fits its context
NARROW = {k for k, c in CLASS.items() if c >= CLASS["own/aesni-avx"]}
PATH = {"own/portable": "AP_PORTABLE", "own/aesni": "AP_AESNI", "own/aesni-avx": "AP_AESNI_AVX",
        "own/vaes256": "AP_VAES256", "own/vaes512": "AP_VAES512", "own/fused": "AP_FUSED",
        "own/vaes512-sb": "AP_VAES512_SB"}
OPS = [("gcm", "seal", "AO_SEAL"), ("gcm", "open", "AO_OPEN"),
       ("xts", "enc", "AO_XTS_ENC"), ("xts", "dec", "AO_XTS_DEC")]
MAX_STEPS = 8  # AUTO_STEPS in kernels/auto/picks.h


class PicksError(Exception):
    """Results that cannot give a table (one line, for the CLI)."""


@dataclass(frozen=True)
class Row:
    machine_id: str
    label: str
    vendor: str
    family: int
    model: int
    runs: tuple[str, ...]
    # (mode, op) -> [(max_len or None for "every longer one", impl)]
    steps: dict


def points(df: pd.DataFrame) -> pd.DataFrame:
    """One median ns/msg per (machine, impl, mode, op, key_bits, size), newest run first."""
    d = df[df.impl.isin(PATH) & (df.threads == 1) & (df.offset == 0) & df.ok]
    d = d[(d["mode"] == "xts") | (d.aad == 16)]
    d = d[d.op.isin([o for _, o, _ in OPS])]
    if d.empty:
        return d.assign(ns=[])
    cell = ["machine_id", "mode", "op", "key_bits", "size"]
    key = cell[:1] + ["impl"] + cell[1:]
    # A run's time is its last point's (run ids are not all timestamps).
    d = d.assign(run_time=d.groupby(["machine_id", "run_id"]).time.transform("max"))
    whole = (d.groupby(cell + ["run_id"]).impl.transform("nunique")
             == d.groupby(["machine_id", "mode"]).impl.transform("nunique"))
    d = d.assign(whole_time=d.run_time.where(whole))
    d = d.assign(whole_time=d.groupby(cell).whole_time.transform("max"))
    newest = d.run_time == d.groupby(key).run_time.transform("max")
    d = d[(d.whole_time.isna() & newest) | (d.run_time == d.whole_time)]
    return d.groupby(key).agg(ns=("ns_per_msg", "median"), run_id=("run_id", "first")).reset_index()


def pick(scores: dict[str, float]) -> str:
    best = min(scores.values())
    near = [k for k in scores if scores[k] <= best * (1 + MARGIN)]
    return min(near, key=lambda k: (CLASS[k], scores[k]))


def scores_of(p: pd.DataFrame) -> list[tuple[int, dict[str, float]]]:
    """[(size, {kernel: score})] at the sizes every candidate was measured
    at, at every key size the size has (p: rows of points())."""
    cands = sorted(p.impl.unique(), key=ORDER.index)
    out = []
    for size, at in p.groupby("size"):
        keys = sorted(at.key_bits.unique())
        grid = at.pivot_table(index="impl", columns="key_bits", values="ns")
        if len(grid) < len(cands) or grid.isna().any().any():
            continue
        out.append((int(size), {k: math.exp(sum(math.log(grid.loc[k, b]) for b in keys) / len(keys))
                                for k in cands}))
    return out


def steps_of(p: pd.DataFrame) -> list[tuple[int | None, str]]:
    """The steps for one machine, mode and op (p: its rows of points())."""
    if p.impl.nunique() < 2:
        return []
    sizes, scores, segs = [], [], []  # segs: [kernel, [indexes into sizes]]
    for size, sc in scores_of(p):
        w = pick(sc)
        if segs and segs[-1][0] == w:
            segs[-1][1].append(len(sizes))
        else:
            segs.append([w, [len(sizes)]])
        sizes.append(size)
        scores.append(sc)
    # More steps than the table holds (noisy medians make winners
    # alternate): give a step to a neighbour's kernel, each time the one
    # whose worst slowdown over its sizes is the smallest, until they fit.
    while len(segs) > MAX_STEPS:
        _, i, k = min((max(scores[j][segs[n][0]] / scores[j][segs[i][0]] for j in segs[i][1]),
                          i, segs[n][0])
                         for i in range(len(segs)) for n in (i - 1, i + 1) if 0 <= n < len(segs))
        segs[i][0] = k
        merged: list[list] = []
        for seg in segs:
            if merged and merged[-1][0] == seg[0]:
                merged[-1][1].extend(seg[1])
            else:
                merged.append(seg)
        segs = merged
    return [(None if n + 1 == len(segs) else sizes[seg[1][-1]], seg[0])
            for n, seg in enumerate(segs)]


def kernel_at(steps: list[tuple[int | None, str]], size: int) -> str:
    return next(k for m, k in steps if m is None or size <= m)


def mode_steps(pm: pd.DataFrame, mode: str) -> dict:
    """{(mode, op): steps} for both directions of a mode, naming one
    narrow kernel at most (see the module's docstring)."""
    ps = {op: pm[(pm["mode"] == mode) & (pm.op == op)] for m, op, _ in OPS if m == mode}
    free = {op: steps_of(p) for op, p in ps.items()}
    kinds = {k for s in free.values() for _, k in s} & NARROW
    if len(kinds) > 1:
        scores = {op: scores_of(p) for op, p in ps.items()}

        def cost(keep: str) -> tuple[float, int, dict]:
            drop = kinds - {keep}
            got = {op: steps_of(p[~p.impl.isin(drop)]) for op, p in ps.items()}
            c = sum(math.log(sc[kernel_at(got[op], size)] / sc[kernel_at(free[op], size)])
                    for op in ps if got[op] and free[op]
                    for size, sc in scores[op])
            return c, CLASS[keep], got
        free = min((cost(k) for k in kinds), key=lambda t: t[:2])[2]
    return {(mode, op): s for op, s in free.items() if s}


def fingerprint(results: Path, machine_id: str) -> dict:
    f = results / machine_id / _machine.MACHINE_FILE
    try:
        doc = _machine.load(f)
        fp = doc["fingerprint"]
        return {"label": doc.get("label", machine_id), "arch": fp["arch"], "vendor": fp["vendor"],
                "family": int(fp["family"]), "model": int(fp["model"])}
    except (_machine.MachineError, KeyError, TypeError, ValueError) as e:
        raise PicksError(f"{f}: no CPU fingerprint ({e})") from None


def rows(df: pd.DataFrame, results: Path) -> list[Row]:
    pts = points(df)
    out = []
    for mid, pm in pts.groupby("machine_id"):
        fp = fingerprint(results, mid)
        if fp["arch"] != "x86_64":
            continue
        steps = {}
        for mode in dict.fromkeys(m for m, _, _ in OPS):
            steps.update(mode_steps(pm, mode))
        if not steps:
            continue
        out.append(Row(mid, fp["label"], fp["vendor"], fp["family"], fp["model"],
                       tuple(sorted(pm.run_id.unique())), steps))
    keys = [(r.vendor, r.family, r.model) for r in out]
    for k in set(keys):
        if keys.count(k) > 1:
            dup = [r.machine_id for r in out if (r.vendor, r.family, r.model) == k]
            raise PicksError(f"two machines with one CPU model {k}: {', '.join(dup)} "
                             "(keep one in the results given)")
    return sorted(out, key=lambda r: (r.vendor, r.family, r.model))


def describe(steps: list[tuple[int | None, str]]) -> str:
    parts = [(f"<={m}: " if m is not None else ("else " if i else "")) + k[4:]
             for i, (m, k) in enumerate(steps)]
    return "; ".join(parts) + ("" if len(steps) > 1 else " at every length")


def render_c(table: list[Row], source: str) -> str:
    lines = [
        "/* Generated by `aeslab auto-picks` from " + source + " - do not edit;",
        " * regenerate after adding results (tests/python/test_auto_picks.py fails",
        " * while this file and the results disagree).  The rule is in",
        " * runners/aeslab/analysis/autopicks.py; the lookup in auto.c. */",
        '#include "picks.h"',
        "",
        "const auto_cpu_picks own_auto_picks[] = {",
    ]
    for r in table:
        lines.append(f'    {{"{r.vendor}", {r.family}, {r.model},')
        lines.append(f'     "{r.label}: results/{r.machine_id}, runs {", ".join(r.runs)}",')
        lines.append("     {")
        for mode, op, enum in OPS:
            st = r.steps.get((mode, op), [])
            cells = ", ".join(f"{{{'AUTO_ANY' if m is None else m}, {PATH[k]}}}" for m, k in st)
            what = describe(st) if st else "not measured"
            lines.append(f"         [{enum}] = {{{cells}}}, /* {what} */")
        lines.append("     }},")
    lines += ["    {0},", "};", ""]
    return "\n".join(lines)


def generate(results: Path, source_name: str = "results/") -> tuple[str, list[Row]]:
    from .load import ResultsError, load_results
    try:
        res = load_results([str(results)], strict=False)
    except ResultsError as e:
        raise PicksError(str(e)) from None
    table = rows(res.ok, results)
    return render_c(table, source_name), table


def command(a) -> int:
    import sys
    from .. import paths
    results = paths.results_dir(a.results)
    out = Path(a.out)
    try:
        text, table = generate(results)
    except PicksError as e:
        print(f"aeslab auto-picks: {e}", file=sys.stderr)
        return 2
    for r in table:
        print(f"{r.label} ({r.vendor} family {r.family} model {r.model}, results/{r.machine_id}):")
        for (mode, op), st in r.steps.items():
            print(f"  {mode} {op:4}  {describe(st)}")
    if a.check:
        if not out.exists() or out.read_text() != text:
            print(f"aeslab auto-picks: {out} is not what results/ gives; run `aeslab auto-picks` "
                  "and commit it", file=sys.stderr)
            return 1
        print(f"aeslab auto-picks: {out} matches results/")
        return 0
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(out)
    print(f"aeslab auto-picks: wrote {out} ({len(table)} CPU models)")
    return 0

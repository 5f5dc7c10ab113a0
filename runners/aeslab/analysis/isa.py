"""ISA selection: which implementation and ISA path is fastest at each
message size, thread count and direction; where the winner changes
(crossovers); what a wrong choice costs; and a dispatch table a library
maintainer can paste into a design doc.

Differences within the machine's noise floor are ties: a crossover is only
called where one side is faster beyond the floor, and the dispatch table
keeps the previous choice while it stays within the floor of the best
(fewer size classes, no flapping on noise).  Dispatcher front ends (ISA
'auto': OpenSSL EVP, BoringSSL/AWS-LC EVP_AEAD, own/auto) are shown among
the fastest implementations but never recommended as a path.
"""
from __future__ import annotations

import math

import pandas as pd

from . import plots
from .common import (MAX_DECIDING_FLOOR, Figure, Section, Table, machine_date, noise_floor, num, pct,
                     pick, ratio_pct)
from .load import Results

OPS = ["seal", "open", "enc", "dec"]


def _points(res: Results, host: str) -> pd.DataFrame:
    p = pick(res, host, aad=[16, 0], op=OPS)
    return p[p["isa"].notna()]


def fastest(p: pd.DataFrame) -> pd.DataFrame:
    """Per (alg, op, threads, size): the winner, runner-up and their margin."""
    rows = []
    for key, g in p.groupby(["alg", "op", "threads", "size"]):
        g = g.sort_values("mb_per_s", ascending=False)
        w = g.iloc[0]
        r = g.iloc[1] if len(g) > 1 else None
        rows.append({"alg": key[0], "op": key[1], "threads": key[2], "size": key[3],
                     "impl": w["impl"], "isa": w["isa"], "mb_per_s": w["mb_per_s"],
                     "runner_up": r["impl"] if r is not None else None,
                     "runner_up_isa": r["isa"] if r is not None else None,
                     "margin_pct": ratio_pct(w["mb_per_s"], r["mb_per_s"]) if r is not None
                     else math.nan})
    return pd.DataFrame(rows)


def best_per_isa(p: pd.DataFrame, family: str | None = None) -> pd.DataFrame:
    """Per (alg, op, threads, size, isa): the fastest implementation of that
    ISA path (of one library family if given); dispatchers left out."""
    q = p[p["isa"] != "auto"]
    if family:
        q = q[q["family"] == family]
    if not len(q):
        return q
    idx = q.groupby(["alg", "op", "threads", "size", "isa"])["mb_per_s"].idxmax()
    return q.loc[idx]


def wrong_choice(p: pd.DataFrame) -> pd.DataFrame:
    """% throughput lost by taking the best implementation of each ISA path
    instead of the overall best, per (alg, op, threads, size)."""
    b = best_per_isa(p)
    if not len(b):
        return pd.DataFrame()
    top = b.groupby(["alg", "op", "threads", "size"])["mb_per_s"].transform("max")
    b = b.assign(loss_pct=100 * (1 - b["mb_per_s"] / top))
    return b.pivot_table(index=["alg", "op", "threads", "size"], columns="isa", values="loss_pct")


# The dispatch table keeps the current path over a faster one while it loses
# less than min(noise floor, this): fewer size classes, no flapping on noise,
# and never a recommendation that gives up more than this on a noisy machine.
DISPATCH_TOL = 10.0


def dispatch(p: pd.DataFrame, alg: str, op: str, threads: int, floor: float,
             family: str | None = None) -> list[dict]:
    """Size ranges -> ISA path.  Walk the sizes upwards; keep the current path
    while it is within min(floor, DISPATCH_TOL) of the best path at that
    size, else switch to the best.  Each range says the most it loses
    against the per-size best."""
    tol = min(floor, DISPATCH_TOL)
    b = best_per_isa(p, family)
    b = b[(b["alg"] == alg) & (b["op"] == op) & (b["threads"] == threads)]
    if not len(b):
        return []
    by = {s: g.set_index("isa") for s, g in b.groupby("size")}
    out: list[dict] = []
    cur = None
    for s in sorted(by):
        g = by[s]
        best = g["mb_per_s"].idxmax()
        top = g["mb_per_s"].max()
        if cur is not None and cur in g.index and ratio_pct(top, g.loc[cur, "mb_per_s"]) <= tol:
            choice = cur
        else:
            choice = best
        loss = 100 * (1 - g.loc[choice, "mb_per_s"] / top)
        if out and out[-1]["isa"] == choice:
            out[-1]["to"] = s
            out[-1]["max_loss_pct"] = max(out[-1]["max_loss_pct"], loss)
            out[-1]["impls"].add(g.loc[choice, "impl"])
        else:
            out.append({"from": s, "to": s, "isa": choice, "impls": {g.loc[choice, "impl"]},
                        "max_loss_pct": loss})
        cur = choice
    return out


def dispatch_text(ranges: list[dict]) -> list[str]:
    """Range i covers sizes from its first measured size up to the next range's
    first measured size (exclusive); the first range starts at 0."""
    out = []
    for i, d in enumerate(ranges):
        nxt = ranges[i + 1] if i + 1 < len(ranges) else None
        if nxt is None:
            span = "every size" if i == 0 else f">= {d['from']} B"
        elif i == 0:
            span = f"< {nxt['from']} B"
        else:
            span = f"{d['from']}-{nxt['from'] - 1} B"
        out.append(f"{span}: {d['isa']} ({', '.join(sorted(d['impls']))}; loses at most "
                   f"{d['max_loss_pct']:.0f}% vs the per-size best)")
    return out


def crossovers(p: pd.DataFrame, floor: float) -> pd.DataFrame:
    """Where the winner between two ISA paths changes, per (alg, op, threads):
    512-bit vs 256-bit vector code, VAES vs AES-NI, and a fused kernel vs the
    best other one (own/fused, when present)."""
    b = best_per_isa(p)
    rows = []
    pairs = [("vaes512", "vaes256", "512-bit beats 256-bit VAES"),
             ("vaes512", "aesni-avx2", "VAES-512 beats AES-NI/AVX2"),
             ("vaes256", "aesni-avx", "VAES-256 beats AES-NI/AVX"),
             ("vaes512", "aesni", "VAES-512 beats plain AES-NI")]
    for (alg, op, th), g in b.groupby(["alg", "op", "threads"]):
        t = g.pivot_table(index="size", columns="isa", values="mb_per_s")
        for a, c, what in pairs:
            if a in t and c in t:
                rows.append(_cross(alg, op, th, what, t[a], t[c], floor))
    fused = p[p["impl"].str.contains("fused")]
    for (alg, op, th), g in fused.groupby(["alg", "op", "threads"]):
        rest = p[(p["alg"] == alg) & (p["op"] == op) & (p["threads"] == th) &
                 (~p["impl"].str.contains("fused")) & (p["isa"] != "auto")]
        if not len(rest):
            continue
        best_rest = rest.groupby("size")["mb_per_s"].max()
        f = g.groupby("size")["mb_per_s"].max()
        r = _cross(alg, op, th, "the fused kernel beats every other path", f, best_rest, floor)
        r["what"] = "the fused kernel stops winning"
        rows.append(r)
    return pd.DataFrame(rows)


def _cross(alg, op, th, what, a: pd.Series, b: pd.Series, floor: float) -> dict:
    sizes = sorted(set(a.dropna().index) & set(b.dropna().index))
    wins = [s for s in sizes if ratio_pct(a[s], b[s]) > floor]
    loses = [s for s in sizes if ratio_pct(a[s], b[s]) < -floor]
    from_ = None
    for s in reversed(sizes):
        if ratio_pct(a[s], b[s]) < -floor:
            break
        from_ = s
    return {"alg": alg, "op": op, "threads": th, "what": what,
            "a_wins_from": from_ if wins else None,
            "a_wins_at": ", ".join(map(str, wins)) or "none",
            "a_loses_at": ", ".join(map(str, loses)) or "none",
            "last_win": max(wins) if wins else None}


def section(res: Results, host: str, max_tables: int = 40) -> Section:
    p = _points(res, host)
    floor, floor_src = noise_floor(res, host, p)
    sec = Section("isa", "Fastest path by message size, threads and direction")
    sec.intro = ("Fastest implementation and ISA path per message size, thread count and "
                 "direction; margins under the noise floor are ties (" + floor_src + ").  "
                 "'Cost of a wrong choice' is the throughput lost by running the best code of "
                 "another ISA path instead.  Dispatchers (ISA auto) compete for fastest but are "
                 "never recommended as a path.")
    if not len(p):
        sec.missing.append("no measured points")
        return sec
    if floor > MAX_DECIDING_FLOOR:
        sec.intro += (f"  This machine's noise floor ({floor:.0f}%) is wide: most winners below are "
                      "within the noise of their runner-up, so treat the winners and the dispatch "
                      "table as provisional until a quieter run.")
    f = fastest(p)
    wc = wrong_choice(p)
    n = 0
    for (alg, op, th), g in f.groupby(["alg", "op", "threads"]):
        if n >= max_tables:
            sec.notes.append("more (alg, op, threads) combinations were measured than shown; "
                             "see the notebook for all")
            break
        n += 1
        g = g.sort_values("size")
        rows = {}
        for _, r in g.iterrows():
            tie = not math.isnan(r["margin_pct"]) and r["margin_pct"] <= floor
            losses = wc.loc[(alg, op, th, r["size"])] if (alg, op, th, r["size"]) in wc.index else None
            worst = ""
            if losses is not None:
                l2 = losses.dropna().sort_values()
                worst = ", ".join(f"{i} {v:.0f}%" for i, v in l2.items() if v > 0)
            rows[str(r["size"])] = [r["impl"], r["isa"], num(r["mb_per_s"]),
                                    f"{r['runner_up']} ({r['runner_up_isa']})" if r["runner_up"]
                                    else "—", pct(r["margin_pct"], 1) + (" (tie)" if tie else ""),
                                    worst or "—"]
        df = pd.DataFrame.from_dict(rows, orient="index",
                                    columns=["fastest", "ISA path", "MB/s", "runner-up",
                                             "margin", "cost of a wrong ISA choice"])
        df.index.name = "size (B)"
        sec.tables.append(Table(f"fastest-{alg}-{op}-{th}", f"{alg} {op}, {th} thread(s): "
                                "fastest per message size", df, data=g.set_index("size")))
    # Crossovers.
    cx = crossovers(p, floor)
    if len(cx):
        d = cx.copy()
        d["from"] = d["a_wins_from"].map(lambda x: f"{int(x)} B" if x and not pd.isna(x) else "never")
        df = d[["alg", "op", "threads", "what", "from", "a_wins_at", "a_loses_at"]].rename(
            columns={"from": "wins from (and above)", "a_wins_at": "faster beyond the floor at",
                     "a_loses_at": "slower beyond the floor at"})
        df.index = [f"{a} {o} {t}t" for a, o, t in zip(df["alg"], df["op"], df["threads"])]
        df = df.drop(columns=["alg", "op", "threads"])
        sec.tables.append(Table("crossovers", "Crossovers between ISA paths (best implementation "
                                "of each path)", df.astype(str), data=cx))
    # Dispatch tables.
    th1 = sorted(p["threads"].unique())
    lines = []
    drows = {}
    for (alg, op), g in p.groupby(["alg", "op"]):
        for th in ([1] if 1 in th1 else []) + ([max(th1)] if max(th1) != 1 else []):
            if th not in set(g["threads"]):
                continue
            rng = dispatch(p, alg, op, th, floor)
            own = dispatch(p, alg, op, th, floor, family="own")
            drows[f"{alg} {op}, {th} thread(s)"] = ["; ".join(dispatch_text(rng)),
                                                     "; ".join(dispatch_text(own)) or "—"]
            lines.append((alg, op, th, rng, own))
    if drows:
        df = pd.DataFrame.from_dict(drows, orient="index",
                                    columns=["any library: size → ISA path (implementation)",
                                             "own kernels only: size → ISA path"])
        sec.tables.append(Table("dispatch", "Recommended dispatch table (paste into a design "
                                "doc); sizes are message lengths in bytes", df,
                                note=f"A path is kept over a faster one while it loses less than "
                                     f"{min(floor, DISPATCH_TOL):.0f}% (the smaller of the noise "
                                     f"floor and {DISPATCH_TOL:.0f}%); 'loses at most' is "
                                     "against the fastest path at each measured size."))
    # Per library: which path it should take where (families with several paths).
    fam_rows = {}
    for fam, g in p[p["isa"] != "auto"].groupby("family"):
        if g["isa"].nunique() < 2:
            continue
        for (alg, op), gg in g.groupby(["alg", "op"]):
            if 1 not in set(gg["threads"]):
                continue
            r = dispatch(p, alg, op, 1, floor, family=fam)
            if r:
                fam_rows[f"{fam}: {alg} {op}"] = ["; ".join(dispatch_text(r))]
    if fam_rows:
        sec.tables.append(Table("dispatch-libs", "Per library, 1 thread: the path each library "
                                "should dispatch to by size",
                                pd.DataFrame.from_dict(fam_rows, orient="index",
                                                       columns=["size → ISA path"])))
    c = p["run_id"].value_counts()
    sec.notes.append("Measured cells from run " + ", ".join(f"`{r}` ({n} points)" for r, n in c.items())
                     + ".")
    sec.figures += _figs(res, host, p)
    return sec


def _figs(res: Results, host: str, p: pd.DataFrame) -> list[Figure]:
    figs = []
    for alg, op in (("aes-256-gcm", "seal"), ("aes-256-xts", "enc"), ("aes-128-gcm", "seal")):
        b = best_per_isa(p)
        b = b[(b["alg"] == alg) & (b["op"] == op) & (b["threads"] == 1)]
        if b["size"].nunique() < 2:
            continue
        sty = plots.style_for(list(b["isa"].unique()))
        fig, ax = plots.new(f"{alg} {op}, 1 thread: best implementation per ISA path",
                            machine_date(res, host, b), "throughput (MB/s, log scale)")
        for isa_, g in b.groupby("isa"):
            g = g.sort_values("size")
            ax.plot(g["size"], g["mb_per_s"], label=isa_, **sty[isa_])
        ax.set_yscale("log")
        plots.size_axis(ax, b["size"])
        plots.legend(ax, "ISA path")
        figs.append(Figure(f"isa-{alg}-{op}", f"ISA paths, {alg} {op}", fig,
                           "Each line: the fastest implementation of that ISA path at each size."))
    return figs


def across_machines(res: Results) -> Section | None:
    """The cross-machine ISA selection (analysis/across.py) as one section."""
    from . import across
    return across.section(res)

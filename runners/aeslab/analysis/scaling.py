"""Scaling and frequency: throughput vs threads (aggregate and per thread)
with the core clock measured at each thread count, cycles per byte vs
message size per ISA path, and the core clock by thread count x register
width (does wide vector code pull the clock down when every core runs it?).

Cycles are core cycles from the clock source each point names (pmu, aperf,
or a calibrated clock where the machine has no counters); the report says
which."""
from __future__ import annotations

import pandas as pd

from . import plots
from .common import Figure, Section, Table, machine_date, num, pick
from .isa import best_per_isa
from .load import Results

WIDTH_ORDER = ["scalar", "128", "256", "512", "auto", "unknown"]


def threads_table(p: pd.DataFrame) -> pd.DataFrame:
    """Per (impl, alg, op, size) and thread count: aggregate MB/s, per-thread
    MB/s (median thread), core GHz (median over threads), and the speedup."""
    rows = []
    for (impl, alg, op, size), g in p.groupby(["impl", "alg", "op", "size"]):
        if g["threads"].nunique() < 2:
            continue
        base = g[g["threads"] == g["threads"].min()]["mb_per_s"].iloc[0]
        for _, r in g.sort_values("threads").iterrows():
            rows.append({"impl": impl, "alg": alg, "op": op, "size": size, "threads": r["threads"],
                         "mb_per_s": r["mb_per_s"], "per_thread_mb_per_s": r["thread_mb_median"],
                         "core_ghz": r["thread_ghz_median"] if pd.notna(r["thread_ghz_median"])
                         else r["core_ghz"], "speedup": r["mb_per_s"] / base,
                         "width": r["width"], "loadavg": r["loadavg"]})
    return pd.DataFrame(rows)


def clock_table(res: Results, host: str) -> pd.DataFrame:
    p = pick(res, host)
    if not len(p):
        return pd.DataFrame()
    t = p.pivot_table(index="width", columns="threads", values="thread_ghz_median",
                      aggfunc="median")
    return t.reindex([w for w in WIDTH_ORDER if w in t.index])


def section(res: Results, host: str) -> Section:
    sec = Section("scaling", "Throughput vs threads, core clock, cycles per byte")
    p = pick(res, host, aad=[0, 16])
    src = sorted(set(p["cycle_source"].dropna())) if len(p) else []
    sec.intro = ("Aggregate throughput is the sum over threads timed over one interval; per "
                 "thread is the median thread.  Clock: the core clock measured during the "
                 f"samples (source: {', '.join(src) or 'none'}; 'calibrated' means a timed "
                 "dependency chain, on machines without cycle counters).  Load average is "
                 "recorded with each point: other work on the machine lowers multi-thread "
                 "figures.")
    tt = threads_table(p)
    if len(tt):
        show = tt[tt["alg"].isin(["aes-128-gcm", "aes-256-gcm", "aes-256-xts"])]
        ths = sorted(show["threads"].unique())
        rows = {}
        for (impl, alg, op, size), g in show.groupby(["impl", "alg", "op", "size"]):
            g = g.set_index("threads")
            cells = []
            for t in ths:
                if t in g.index:
                    r = g.loc[t]
                    cells += [num(r["mb_per_s"]), num(r["per_thread_mb_per_s"]),
                              f"{r['core_ghz']:.2f}"]
                else:
                    cells += ["—"] * 3
            cells.append(f"{g.loc[max(g.index), 'speedup']:.2f}x")
            rows[f"{impl} {alg} {op} {size} B"] = cells
        cols = [c for t in ths for c in (f"{t}t MB/s", f"{t}t MB/s per thread", f"{t}t GHz")]
        sec.tables.append(Table("threads", "Throughput vs threads: aggregate MB/s, MB/s of the "
                                "median thread and its measured core clock, by thread count",
                                pd.DataFrame.from_dict(rows, orient="index",
                                                       columns=cols + ["speedup at most threads"]),
                                data=tt))
    else:
        sec.missing.append("throughput vs threads: no configuration measured at more than one "
                           "thread count")
    ct = clock_table(res, host)
    if len(ct):
        df = ct.map(lambda v: f"{v:.2f}" if pd.notna(v) else "—")
        df.columns = [f"{c} thread(s)" for c in df.columns]
        df.index = [f"{w}-bit" if w.isdigit() else w for w in df.index]
        sec.tables.append(Table("clock", "Core clock (GHz, median of the per-thread medians) by "
                                "register width of the code and thread count", df, data=ct))
    # cycles/byte vs size per ISA path.
    for alg, op in (("aes-256-gcm", "seal"), ("aes-256-xts", "enc")):
        b = best_per_isa(pick(res, host, aad=[16, 0], alg=alg, op=op, threads=1))
        if not len(b) or b["size"].nunique() < 2:
            continue
        t = b.pivot_table(index="isa", columns="size", values="cycles_per_byte")
        df = t.map(lambda v: f"{v:.2f}" if pd.notna(v) else "—")
        sec.tables.append(Table(f"cpb-{alg}", f"{alg} {op}, 1 thread: core cycles per byte by ISA "
                                "path (best implementation of each path) and message size (B)",
                                df, data=t))
    sec.figures += _figs(res, host, tt, ct)
    return sec


def _figs(res: Results, host: str, tt: pd.DataFrame, ct: pd.DataFrame) -> list[Figure]:
    figs = []
    if len(tt):
        pref = ["own/vaes512", "linux-6.12/gcm-vaes-avx10-512", "linux-6.12/gcm-vaes-avx10-256",
                "openssl-4.0/evp", "own/aesni", "linux-6.1/gcm-avx2"]
        a128 = tt[tt["alg"] == "aes-128-gcm"]
        sel = a128[a128["size"] == a128["size"].max()] if len(a128) else a128
        impls = [i for i in pref if i in set(sel["impl"])] or sorted(set(sel["impl"]))[:6]
        if impls:
            sty = plots.style_for(impls)
            import matplotlib.pyplot as plt
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.4), layout="constrained")
            size = int(sel["size"].max())
            fig.suptitle(f"AES-128-GCM seal {size} B: throughput vs threads\n"
                         f"{machine_date(res, host, None)}", fontsize=10)
            for i in impls:
                g = sel[sel["impl"] == i].sort_values("threads")
                a1.plot(g["threads"], g["mb_per_s"], label=i, **sty[i])
                a2.plot(g["threads"], g["per_thread_mb_per_s"], label=i, **sty[i])
                for _, r in g.iterrows():
                    a2.annotate(f"{r['core_ghz']:.2f} GHz", (r["threads"], r["per_thread_mb_per_s"]),
                                fontsize=6, xytext=(3, 3), textcoords="offset points")
            a1.set(xlabel="threads", ylabel="aggregate throughput (MB/s)", title="aggregate")
            a2.set(xlabel="threads", ylabel="throughput per thread (MB/s)",
                   title="per thread (labels: measured core clock)")
            for a in (a1, a2):
                a.set_xticks(sorted(sel["threads"].unique()))
                a.set_ylim(bottom=0)
            plots.legend(a2)
            figs.append(Figure("scaling-threads", "Throughput vs threads", fig,
                               "Left: all threads together; right: the median thread, with the "
                               "core clock measured at that thread count."))
    if len(ct) and ct.shape[1] >= 1:
        fig, ax = plots.new("Core clock by thread count and register width",
                            machine_date(res, host), "core clock (GHz)", "threads")
        sty = plots.style_for(list(ct.index))
        for w in ct.index:
            ax.plot(ct.columns, ct.loc[w], label=f"{w}-bit" if w.isdigit() else w, **sty[w])
        ax.set_xticks(list(ct.columns))
        plots.legend(ax, "register width")
        figs.append(Figure("scaling-clock", "Clock vs threads x width", fig,
                           "Median core clock over all points of that width and thread count."))
    for alg, op in (("aes-256-gcm", "seal"), ("aes-256-xts", "enc")):
        b = best_per_isa(pick(res, host, aad=[16, 0], alg=alg, op=op, threads=1))
        if not len(b) or b["size"].nunique() < 2:
            continue
        fig, ax = plots.new(f"{alg} {op}, 1 thread: cycles per byte by ISA path",
                            machine_date(res, host, b), "core cycles per byte (log scale)")
        sty = plots.style_for(list(b["isa"].unique()))
        for isa_, g in b.groupby("isa"):
            g = g.sort_values("size")
            ax.plot(g["size"], g["cycles_per_byte"], label=isa_, **sty[isa_])
        ax.set_yscale("log")
        plots.size_axis(ax, b["size"])
        plots.legend(ax, "ISA path")
        figs.append(Figure(f"cpb-{alg}", f"cycles/byte {alg}", fig,
                           "Best implementation of each ISA path; lower is better."))
    return figs

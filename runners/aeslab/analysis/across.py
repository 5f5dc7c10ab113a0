"""ISA selection across machines: for each algorithm, direction and message
size (one thread), the fastest path on each CPU, the sizes where a CPU's
best path changes (crossovers), and what taking one CPU's pick costs on
another ("on Zen 3, Zen 4's pick at 4096 B runs at 87% of Zen 3's best"),
only where the other CPU can run that pick ("cannot run" otherwise, from the
other machine's own listing of what its CPU runs).

A path here is an implementation with its ISA path (`own/vaes512`,
`linux-6.12/gcm-vaes-avx10-256`, ...): what a library's dispatcher would
choose between.  Dispatcher front ends (ISA 'auto': EVP, EVP_AEAD,
own/auto) are left out: their choice depends on the CPU, which is the
question here.  Each machine's cells come from `common.pick` (the same
rule and runs as its own ISA selection page); differences within a
machine's noise floor are marked as ties.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from .common import Section, Table, noise_floor, num, pick
from .load import Results

OPS = ["seal", "open", "enc", "dec"]
ALG_ORDER = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"]

# What an ISA path needs of the CPU, for machines whose listing does not say
# (every run since the listing existed says it per implementation).
NEEDS = {"vaes512": {"vaes", "vpclmulqdq", "avx512f", "avx512bw", "avx512vl"},
         "avx512": {"avx512f", "avx512bw", "avx512vl"},
         "vaes256": {"vaes", "vpclmulqdq", "avx2"}, "vaes256-avx2": {"vaes", "vpclmulqdq", "avx2"},
         "aesni-avx2": {"aes", "pclmulqdq", "avx2"}, "aesni-avx": {"aes", "pclmulqdq", "avx"},
         "aesni": {"aes", "pclmulqdq"}, "ssse3": set(), "generic": set()}


def short_names(res: Results, hosts: list[str]) -> dict[str, str]:
    """'Zen 4' for 'AMD EPYC (Zen 4), 2 CPUs, VM': the CPU generation the
    label names, else the machine id; made unique with the id's hash."""
    out = {}
    for h in hosts:
        label = (res.machine_docs.get(h) or {}).get("label") or ""
        m = re.search(r"\(([^)]+)\)", label)
        out[h] = m.group(1) if m else h
    counts = pd.Series(list(out.values())).value_counts()
    return {h: (s if counts[s] == 1 else f"{s} [{h.rsplit('-', 1)[-1]}]") for h, s in out.items()}


def points(res: Results, host: str) -> pd.DataFrame:
    """A machine's 1-thread points (GCM with 16-byte AAD where measured,
    else none), dispatchers left out."""
    p = pick(res, host, aad=[16, 0], op=OPS, threads=1)
    return p[p["isa"].notna() & (p["isa"] != "auto")]


def listing(res: Results, host: str) -> dict[tuple[str, str], bool]:
    """{(impl, alg): whether this machine's CPU runs it}, from the listings
    of its runs (the latest run that names a pair decides)."""
    out: dict = {}
    docs = sorted(((rid, d) for (h, rid), d in res.run_docs.items() if h == host),
                  key=lambda kv: kv[1].get("created", ""))
    for _, d in docs:
        for lib in (d.get("provenance") or {}).get("libraries") or []:
            if "supported" in lib and lib.get("name") and lib.get("alg"):
                out[(lib["name"], lib["alg"])] = bool(lib["supported"])
    return out


def can_run(res: Results, host: str, impl: str, alg: str, isa: str | None,
            _cache: dict | None = None) -> bool | None:
    """True/False where the machine's listing or its CPU flags say; None
    when nothing does."""
    lst = listing(res, host) if _cache is None else _cache.setdefault(host, listing(res, host))
    if (impl, alg) in lst:
        return lst[(impl, alg)]
    fp = (res.machine_docs.get(host) or {}).get("fingerprint") or {}
    flags = set(fp.get("isa") or [])
    if isa in NEEDS and flags:
        return NEEDS[isa] <= flags
    return None


def winners(p: pd.DataFrame) -> pd.DataFrame:
    """Per (alg, op, size): the fastest path, its MB/s, the runner-up and the margin."""
    rows = []
    for (alg, op, size), g in p.groupby(["alg", "op", "size"]):
        g = g.sort_values("mb_per_s", ascending=False)
        w = g.iloc[0]
        r = g.iloc[1] if len(g) > 1 else None
        rows.append({"alg": alg, "op": op, "size": int(size), "impl": w["impl"], "isa": w["isa"],
                     "mb_per_s": float(w["mb_per_s"]),
                     "runner_up": r["impl"] if r is not None else None,
                     "margin_pct": 100 * (w["mb_per_s"] / r["mb_per_s"] - 1) if r is not None
                     else math.nan, "run_id": w["run_id"]})
    return pd.DataFrame(rows)


def crossovers(w: pd.DataFrame, floor: float) -> list[dict]:
    """Walking up the sizes of one (alg, op) on one machine: each size where
    the best ISA path differs from the one below (`tie`: the new winner's
    margin over its runner-up is within the noise floor)."""
    out = []
    prev = None
    for _, r in w.sort_values("size").iterrows():
        if prev is not None and r["isa"] != prev["isa"]:
            out.append({"size": int(r["size"]), "from_isa": prev["isa"], "to_isa": r["isa"],
                        "from_impl": prev["impl"], "to_impl": r["impl"],
                        "tie": not math.isnan(r["margin_pct"]) and r["margin_pct"] <= floor})
        prev = r
    return out


def cost(res: Results, pts: dict[str, pd.DataFrame], win: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For every ordered pair of machines (A, B) and (alg, op, size) that
    both measured: A's fastest path run on B, as % of B's fastest.  status:
    'ok', 'cannot run' (B's CPU cannot run it), 'not measured'."""
    rows = []
    cache: dict = {}
    hosts = list(pts)
    for a in hosts:
        for b in hosts:
            if a == b:
                continue
            wb = win[b].set_index(["alg", "op", "size"])
            pb = pts[b].set_index(["impl", "alg", "op", "size"])["mb_per_s"]
            for _, r in win[a].iterrows():
                k = (r["alg"], r["op"], r["size"])
                if k not in wb.index:
                    continue
                best = float(wb.loc[k, "mb_per_s"])
                d = {"alg": k[0], "op": k[1], "size": k[2], "pick_of": a, "on": b,
                     "impl": r["impl"], "isa": r["isa"], "best_on": best,
                     "best_impl_on": wb.loc[k, "impl"], "mb_per_s_on": math.nan,
                     "pct_of_best": math.nan}
                if (r["impl"],) + k in pb.index:
                    v = float(pb.loc[(r["impl"],) + k])
                    d.update(status="ok", mb_per_s_on=v, pct_of_best=100 * v / best)
                elif can_run(res, b, r["impl"], r["alg"], r["isa"], cache) is False:
                    d["status"] = "cannot run"
                else:
                    d["status"] = "not measured"
                rows.append(d)
    return pd.DataFrame(rows)


def _sizes_text(sizes: list[int]) -> str:
    return ", ".join(f"{s} B" for s in sizes)


def _cost_cell(c: pd.Series, floor: float) -> str:
    if c["status"] != "ok":
        return c["status"]
    s = f"{c['pct_of_best']:.0f}%"
    if c["pct_of_best"] >= 100 - floor and c["pct_of_best"] < 100:
        s += " (tie)"
    return s


def sections(res: Results) -> list[Section] | None:
    hosts = res.machines()
    if len(hosts) < 2:
        return None
    short = short_names(res, hosts)
    pts = {h: points(res, h) for h in hosts}
    pts = {h: p for h, p in pts.items() if len(p)}
    if len(pts) < 2:
        return None
    hosts = list(pts)
    floors = {h: noise_floor(res, h, pts[h]) for h in hosts}
    win = {h: winners(pts[h]) for h in hosts}
    cst = cost(res, pts, win)
    algs_ops = sorted({(a, o) for w in win.values() for a, o in zip(w["alg"], w["op"])},
                      key=lambda x: (ALG_ORDER.index(x[0]) if x[0] in ALG_ORDER else 99,
                                     OPS.index(x[1]) if x[1] in OPS else 9))

    intro = Section("across-intro", "Machines compared")
    intro.intro = ("For each algorithm, direction and message size (1 thread; GCM with 16-byte "
                   "AAD where measured): the fastest path on each CPU, where each CPU's best path "
                   "changes, and what taking one CPU's pick costs on another - only where that CPU "
                   "can run the pick (its own listing says which implementations it runs), "
                   "'cannot run' otherwise.  A path is an implementation and its ISA path; "
                   "dispatchers (ISA auto) are left out, since their choice is what is being "
                   "decided.  Each machine's cells come from the same runs as its own ISA "
                   "selection page.  MB/s = 10^6 payload bytes per second.")
    intro.notes = [f"**{short[h]}**: {res.machine_label(h)}; {floors[h][1]}; cells from run "
                   + ", ".join(f"`{r}`" for r in pts[h]["run_id"].value_counts().index) + "."
                   for h in hosts]

    findings = Section("findings", "Main findings")
    cx_rows: dict = {}
    tables = []
    for alg, op in algs_ops:
        sizes = sorted(set().union(*(set(win[h][(win[h]["alg"] == alg) & (win[h]["op"] == op)]["size"])
                                     for h in hosts)))
        rows = {}
        for s in sizes:
            cells = []
            for h in hosts:
                w = win[h][(win[h]["alg"] == alg) & (win[h]["op"] == op) & (win[h]["size"] == s)]
                if not len(w):
                    cells.append("not measured")
                    continue
                w = w.iloc[0]
                tie = not math.isnan(w["margin_pct"]) and w["margin_pct"] <= floors[h][0]
                cells.append(f"{w['impl']} ({w['isa']}) {num(w['mb_per_s'])}"
                             + (" (tie)" if tie else ""))
            for a in hosts:
                for b in hosts:
                    if a == b:
                        continue
                    c = cst[(cst["alg"] == alg) & (cst["op"] == op) & (cst["size"] == s)
                            & (cst["pick_of"] == a) & (cst["on"] == b)] if len(cst) else cst
                    cells.append(_cost_cell(c.iloc[0], floors[b][0]) if len(c) else "—")
            rows[str(s)] = cells
        cols = [f"{short[h]}: fastest path, MB/s" for h in hosts]
        cols += [f"{short[a]}'s pick on {short[b]} (% of {short[b]}'s best)"
                 for a in hosts for b in hosts if a != b]
        df = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
        df.index.name = "size (B)"
        data = cst[(cst["alg"] == alg) & (cst["op"] == op)] if len(cst) else cst
        tables.append(Table(f"across-{alg}-{op}", f"{alg} {op}, 1 thread: fastest path per CPU "
                            "and the cost of another CPU's pick", df, data=data,
                            note="'(tie)': within the noise floor of the runner-up (fastest) or of "
                                 "the best (cost)."))
        # crossovers and findings
        parts = []
        for h in hosts:
            w = win[h][(win[h]["alg"] == alg) & (win[h]["op"] == op)]
            if not len(w):
                continue
            cx = crossovers(w, floors[h][0])
            cx_rows[f"{alg} {op} on {short[h]}"] = [
                "; ".join(f"at {c['size']} B: {c['from_isa']} → {c['to_isa']} ({c['to_impl']})"
                          + (" (within the noise floor)" if c["tie"] else "") for c in cx)
                or "none: one path wins at every measured size",
                f"{int(w['size'].min())}-{int(w['size'].max())} B ({len(w)} sizes)"]
            isas = w.sort_values("size")["isa"].tolist()
            top = pd.Series(isas).value_counts()
            parts.append(f"{short[h]}: {top.index[0]} wins at {top.iloc[0]} of {len(isas)} sizes"
                         + (f" (crossovers at {_sizes_text([c['size'] for c in cx])})" if cx
                            else ""))
        for a in hosts:
            for b in hosts:
                if a == b or not len(cst):
                    continue
                c = cst[(cst["alg"] == alg) & (cst["op"] == op) & (cst["pick_of"] == a)
                        & (cst["on"] == b)]
                if not len(c):
                    continue
                ok = c[c["status"] == "ok"]
                no = c[c["status"] == "cannot run"]
                bits = []
                if len(no):
                    bits.append(f"cannot run at {len(no)} of {len(c)} sizes")
                if len(ok):
                    lo = ok.loc[ok["pct_of_best"].idxmin()]
                    a_, b_ = ok["pct_of_best"].min(), ok["pct_of_best"].max()
                    rng = f"{a_:.0f}%" if round(a_) == round(b_) else f"{a_:.0f}-{b_:.0f}%"
                    bits.append(f"runs at {rng} of {short[b]}'s best at {len(ok)} size"
                                f"{'s' if len(ok) > 1 else ''} (lowest: {lo['impl']} at "
                                f"{int(lo['size'])} B)")
                if bits:
                    parts.append(f"{short[a]}'s pick on {short[b]}: " + ", ".join(bits))
        findings.notes.append(f"**{alg} {op}**: " + "; ".join(parts) + ".")
    if cx_rows:
        df = pd.DataFrame.from_dict(cx_rows, orient="index",
                                    columns=["where the best ISA path changes (walking up the sizes)",
                                             "sizes measured"])
        tables.insert(0, Table("across-crossovers", "Crossovers: the sizes at which each CPU's "
                               "fastest ISA path changes", df))
    body = Section("across", "Fastest path per CPU and the cost of another CPU's pick")
    body.tables = tables
    return [intro, findings, body]


def section(res: Results) -> Section | None:
    """All of it as one section (notebooks)."""
    secs = sections(res)
    if not secs:
        return None
    out = Section("isa-machines", "ISA selection across machines (1 thread)", intro=secs[0].intro)
    out.notes = secs[0].notes + secs[1].notes
    out.tables = secs[2].tables
    return out

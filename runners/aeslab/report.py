"""Summary tables of a run: one matrix per (algorithm, op, setting),
implementations down, sizes across, the fastest at each size marked; then
aggregate and per-thread figures where several thread counts were run; then
the clock, noisy points and failures."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import point

METRICS = {
    "mbps": ("mb_per_s", "MB/s (10^6 B/s)", True, "{:,.0f}"),
    "cpb": ("cycles_per_byte", "core cycles per byte", False, "{:.2f}"),
    "ns": ("ns_per_msg", "ns per message", False, "{:,.0f}"),
    "ghz": ("core_ghz", "core clock GHz", True, "{:.2f}"),
}


def latest(records: Iterable[dict]) -> list[dict]:
    """One record per point key (the last stored wins)."""
    return point.latest(records)


def _status_word(st: str) -> str:
    if st.startswith("skip"):
        return "-"
    if "crash" in st:
        return "CRASH"
    if "timed out" in st or "hang" in st:
        return "HANG"
    return "FAIL"


def _median_ok(rs: list[dict], key: str) -> float | None:
    """A cell: the median of its repetitions (point.median), ok points only."""
    return point.median(r.get(key) for r in rs if point.is_ok(r))


def summary(records: list[dict], console: Console, metric: str = "mbps",
            max_thread_rows: int = 40) -> None:
    recs = latest(records)
    if not recs:
        console.print("no points stored")
        return
    key, label, higher_better, fmt = METRICS[metric]
    setting_keys = ("threads", "aad", "offset", "freq", "pinned", "smt")
    varying = [k for k in setting_keys if k != "aad" and len({str(r.get(k)) for r in recs}) > 1]
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for r in recs:
        tables[(r["alg"], r["op"]) + tuple(r.get(k) for k in setting_keys)].append(r)
    order = ["seal", "open", "seal-hp", "enc", "dec"]
    for tkey in sorted(tables, key=lambda k: (k[0], order.index(k[1]) if k[1] in order else 9,
                                              tuple(str(x) for x in k[2:]))):
        rs = tables[tkey]
        settings = dict(zip(setting_keys, tkey[2:]))
        extra = ", ".join(f"{k} {settings[k]}" for k in varying)
        title = f"{tkey[0]} {tkey[1]}"
        if tkey[0].endswith("gcm"):
            title += f", AAD {settings['aad']} B"
        title += f", {extra}" if extra else ""
        if settings["threads"] and settings["threads"] > 1 and metric == "mbps":
            label_t = f"aggregate {label} over {settings['threads']} threads"
        else:
            label_t = label
        sizes = sorted({r["size"] for r in rs})
        cells: dict[tuple, list[dict]] = defaultdict(list)
        for r in rs:
            cells[(r["impl"], r["size"])].append(r)  # several reps -> several records
        # lab/null is the harness floor: stated under the table, never ranked
        floor = {s: _median_ok(cells.get(("lab/null", s), []), "ns_per_msg") for s in sizes}
        fastest_ns = {s: min((v for v in (_median_ok(cells.get((i, s), []), "ns_per_msg")
                                          for i in {r["impl"] for r in rs} if i != "lab/null")
                              if v is not None), default=None) for s in sizes}
        impls = sorted({r["impl"] for r in rs if r.get("library") != "lab" and r["impl"] != "lab/null"})
        if not impls:
            continue
        best: dict[int, float] = {}
        for s in sizes:
            vals = [v for v in (_median_ok(cells.get((i, s), []), key) for i in impls) if v is not None]
            if vals:
                best[s] = max(vals) if higher_better else min(vals)
        big = sizes[-1]

        def rank(i: str) -> float:
            v = _median_ok(cells.get((i, big), []), key)
            return -(v if higher_better else -v) if v is not None else float("inf")
        impls.sort(key=lambda i: (rank(i), i))
        # never squeeze a number: split the sizes over several tables instead
        # (as the seeds' tables do) when one table is wider than the console
        name_w = max(len("implementation"), *(len(i) for i in impls))
        cell_w = 9
        per = max(3, (console.width - name_w - 2) // (cell_w + 1))
        console.print()
        console.print(Text(f"{title}: {label_t}", style="bold"))
        for c0 in range(0, len(sizes), per):
            chunk = sizes[c0:c0 + per]
            t = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
            t.add_column("implementation", no_wrap=True, min_width=name_w)
            for s in chunk:
                t.add_column(str(s), justify="right", no_wrap=True, min_width=cell_w)
            for i in impls:
                row: list[Text | str] = [i]
                for s in chunk:
                    rr = cells.get((i, s), [])
                    v = _median_ok(rr, key)
                    if not rr:
                        row.append("")
                    elif v is None:
                        row.append(Text(_status_word(rr[-1].get("status", "fail")), style="red"))
                    else:
                        mark = "*" if best.get(s) == v else ("~" if any(x.get("noisy") for x in rr) else " ")
                        style = "bold green" if mark == "*" else ("yellow" if mark == "~" else "")
                        row.append(Text(fmt.format(v) + mark, style=style))
                t.add_row(*row)
            if any(floor.get(s) for s in chunk):
                t.add_row(Text("floor: lab/null ns/msg", style="dim"),
                          *[Text(f"{floor[s]:.1f} " if floor.get(s) else "", style="dim")
                            for s in chunk])
                t.add_row(Text("floor: % of fastest", style="dim"),
                          *[Text(f"{100 * floor[s] / fastest_ns[s]:.1f} "
                                 if floor.get(s) and fastest_ns.get(s) else "", style="dim")
                            for s in chunk])
            if c0:
                console.print()
            console.print(t)
    console.print(Text("* fastest at that size   ~ noisy (CV above target)   "
                       "FAIL/CRASH/HANG: not measured, see below   floor: the harness's own "
                       "cost per message (lab/null, which does nothing)", style="dim"))
    _threads(recs, console, max_thread_rows)
    _footer(recs, console)


def _threads(recs: list[dict], console: Console, max_rows: int) -> None:
    counts = sorted({r["threads"] for r in recs})
    if len(counts) < 2:
        return
    by: dict[tuple, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in recs:
        if r.get("status") == "ok":
            by[(r["alg"], r["op"], r["impl"], r["size"], r.get("aad"))][r["threads"]].append(r)
    rows = sorted(by)
    if len(rows) > max_rows:  # keep the largest and a middle size per (alg, op, impl)
        sizes = sorted({k[3] for k in rows})
        keep = {sizes[-1], sizes[len(sizes) // 2]}
        rows = [k for k in rows if k[3] in keep]
    t = Table(show_edge=False, box=None, header_style="bold")
    for c in ("alg op", "implementation", "size"):
        t.add_column(c, no_wrap=True)
    for n in counts:
        t.add_column(f"{n}T aggregate", justify="right")
        t.add_column(f"{n}T per thread", justify="right")
        t.add_column(f"{n}T GHz", justify="right")
    t.add_column("scaling", justify="right")
    for k in rows:
        cols: list[str] = [f"{k[0]} {k[1]}", k[2], str(k[3])]
        agg = {}
        for n in counts:
            rs = by[k].get(n, [])
            if not rs:
                cols += ["", "", ""]
                continue
            r = rs[-1]
            agg[n] = point.median(x["mb_per_s"] for x in rs)
            tm = r.get("thread_mb_per_s") or {}
            tg = r.get("thread_core_ghz") or {}
            cols.append(f"{agg[n]:,.0f}")
            cols.append(f"{tm.get('min', 0):,.0f}/{tm.get('median', 0):,.0f}/{tm.get('max', 0):,.0f}")
            cols.append(f"{tg.get('min', 0):.2f}-{tg.get('max', 0):.2f}" if tg else "")
        lo, hi = counts[0], counts[-1]
        if lo in agg and hi in agg and agg[lo]:
            cols.append(f"{agg[hi] / agg[lo]:.2f}x of {hi / lo:g}x")
        else:
            cols.append("")
        t.add_row(*cols)
    console.print()
    console.print(Text("threads: aggregate MB/s over one common interval; per-thread MB/s "
                       "min/median/max; per-thread core clock GHz min-max; scaling = aggregate "
                       "at the most threads / at the fewest", style="bold"))
    console.print(t)


def _footer(recs: list[dict], console: Console) -> None:
    ok = [r for r in recs if r.get("status") == "ok"]
    srcs = sorted({r.get("cycle_source", "?") for r in ok})
    ghz = [r["core_ghz"] for r in ok if isinstance(r.get("core_ghz"), (int, float))]
    tsc = sorted({round(r["tsc_ghz"], 3) for r in ok if r.get("tsc_ghz")})
    console.print()
    if ghz:
        console.print(f"core clock ({', '.join(srcs)}): {min(ghz):.2f}-{max(ghz):.2f} GHz, median "
                      f"{point.median(ghz):.2f} GHz over {len(ghz)} points; TSC "
                      f"{', '.join(f'{x:.3f}' for x in tsc)} GHz")
    if any("ipc" in r for r in ok):
        ipcs = [r["ipc"] for r in ok if "ipc" in r]
        console.print(f"IPC: median {point.median(ipcs):.2f} over {len(ipcs)} points")
    noisy = [r for r in ok if r.get("noisy")]
    if noisy:
        console.print(f"noisy points: {len(noisy)} of {len(ok)} stayed above their CV target "
                      "(a busy machine, or too short samples)")
    bad = [r for r in recs if r.get("status") != "ok"]
    seen: set = set()
    lines = []
    for r in bad:
        st = r.get("status", "")
        k = (r["impl"], r["alg"], st if not st.startswith("fail: crashed (") else st[:40])
        if k in seen:
            continue
        seen.add(k)
        n = sum(1 for x in bad if x["impl"] == r["impl"] and x["alg"] == r["alg"]
                and x.get("status") == st)
        lines.append(f"  {r['impl']} {r['alg']}: {st}" + (f" ({n} points)" if n > 1 else ""))
    if lines:
        console.print(f"not measured ({len(bad)} points):")
        for l in lines[:40]:
            console.print(Text(l, style="red" if "skip" not in l else "dim"))
        if len(lines) > 40:
            console.print(f"  ... and {len(lines) - 40} more")

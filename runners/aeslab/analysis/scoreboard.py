"""`aeslab scoreboard FILE...` (alias `aeslab goals`): the own kernels
against every peer measured, on whatever machine the points come from.

Per algorithm, direction and message size: the fastest own implementation
and the fastest peer, with both names and MB/s, and their ratio; how many of
those cells the own kernel wins or ties (own >= peer); and, at 16 KiB, the
core cycles per byte of the best own and the best peer as a share of this
machine's bound, the one `aeslab pipes` measured and keeps beside the
machine's results (results/<host>/pipes-*.json); "bound not measured on this
machine" where there is none.  Nothing here is a constant of some CPU.

The files are one or more passes of `make bench-goals` (or any `aesbench
run --out` / `aeslab run` points): each cell is the median of an
implementation's passes, so a slow spell of a shared machine that hits one
pass does not decide a cell.  lab/null, the harness floor, is never ranked;
its ns per message is stated under the tables.  These are measurements,
printed; nothing here asserts a speed (the exit status is 0 whatever they
show).
"""
from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path

from ..pipes import bounds_of, latest
from ..store import iter_points

NO_BOUND = "bound not measured on this machine"
BOUND_SIZE = 16384


def is_own(impl: str) -> bool:
    return impl.startswith("own/")


def is_floor(r: dict) -> bool:
    """lab/null and any other of the lab's baselines: never a result."""
    return r.get("library") == "lab" or r.get("impl", "").startswith("lab/")


def load(files: list[Path]) -> tuple[dict, dict]:
    """({(alg, op, size, impl): [points]}, the same for the floor) of the
    files' single-thread, aligned, measured points."""
    cells: dict = defaultdict(list)
    floor: dict = defaultdict(list)
    for f in files:
        for _, r, _ in iter_points(f):
            if (r and r.get("status") == "ok" and r.get("threads", 1) == 1
                    and not r.get("offset") and r.get("mb_per_s")):
                (floor if is_floor(r) else cells)[(r["alg"], r["op"], r["size"], r["impl"])].append(r)
    return cells, floor


def _median(rs: list[dict], key: str) -> float | None:
    xs = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(xs) if xs else None


def machine_bound(files: list[Path]) -> tuple[dict, str, str]:
    """The measured bound of the machine the files' points come from: the
    newest pipes record in their results/<host>/ folder.  Returns (bounds,
    note, machine): ({}, why, folder name) if there is none."""
    folders = sorted({f.resolve().parent for f in files})
    doc = latest(folders[0]) if folders else None
    host = folders[0].name if folders else "?"
    if not doc or not bounds_of(doc):
        return {}, NO_BOUND + (f" (no pipes-*.json in {folders[0]}; run `aeslab pipes` there)"
                               if folders else ""), host
    h = doc["harness"]
    machine = (f"{doc.get('host', host)}: {h.get('cpu', '?')}, family {h.get('family', '?')} "
               f"model {h.get('model', '?')}")
    note = (f"bound: `aesbench pipes` on {machine}, {doc.get('created', '?')}, AES/CLMUL "
            f"{h.get('sharing', {}).get('verdict', '?')} pipes: {doc['file']}")
    if len(folders) > 1:
        note += f"; the files come from {len(folders)} folders, the first one's bound is used"
    return bounds_of(doc), note, machine


def _best(row: dict, own: bool) -> tuple[str, float] | None:
    xs = {i: v for i, v in row.items() if v and is_own(i) == own}
    if not xs:
        return None
    i = max(xs, key=xs.get)
    return i, xs[i]


def tables(cells: dict, bounds: dict | None = None, bound_note: str = NO_BOUND,
           floor: dict | None = None, machine: str = "") -> str:
    bounds = bounds or {}
    floor = floor or {}
    out: list[str] = []
    by: dict = defaultdict(dict)
    for (alg, op, size, impl), rs in cells.items():
        by[(alg, op)].setdefault(size, {})[impl] = rs
    passes = max((len(rs) for rs in cells.values()), default=0)
    out.append(f"# Scoreboard: own kernels vs peers{f' on {machine}' if machine else ''}")
    out += ["", f"Each cell: the median of {passes} pass(es) per implementation "
            "(MB/s = 10^6 payload bytes per second, 1 thread, 16-byte AAD for GCM).  Own: "
            "own/*; peers: every other implementation measured; lab/null (the harness floor) "
            "is never ranked."]
    summary: list[tuple[str, int, int]] = []
    for (alg, op) in sorted(by):
        out += ["", f"### {alg} {op}", "",
                "| size | own best | MB/s | best peer | MB/s | own / peer |",
                "|---:|---|---:|---|---:|---:|"]
        won = total = 0
        for size in sorted(by[(alg, op)]):
            row = {i: _median(rs, "mb_per_s") for i, rs in by[(alg, op)][size].items()}
            own, peer = _best(row, True), _best(row, False)
            if not own or not peer:
                continue
            r = own[1] / peer[1]
            total += 1
            won += r >= 1
            mark = "**" if r >= 1 else ""
            out.append(f"| {size} | {own[0]} | {own[1]:,.0f} | {peer[0]} | {peer[1]:,.0f} | "
                       f"{mark}{r:.3f}{mark} |")
        out += ["", f"Own best >= best peer in {won} of {total} sizes."]
        summary.append((f"{alg} {op}", won, total))

    out += ["", "### Cells won", "", "| alg op | own >= peer | sizes |", "|---|---:|---:|"]
    out += [f"| {k} | {w} | {t} |" for k, w, t in summary]
    w_all, t_all = sum(s[1] for s in summary), sum(s[2] for s in summary)
    out += ["", f"Own best >= best peer in {w_all} of {t_all} cells."]

    out += ["", f"### Core cycles per byte at {BOUND_SIZE // 1024} KiB against this machine's "
            "bound", "",
            "| alg op | bound c/B | own best | core c/B | % of bound | best peer | core c/B | "
            "% of bound |",
            "|---|---:|---|---:|---:|---|---:|---:|"]
    for (alg, op) in sorted(by):
        rs16 = by[(alg, op)].get(BOUND_SIZE, {})
        cpb = {i: _median(rs, "cycles_per_byte") for i, rs in rs16.items()}
        cpb = {i: v for i, v in cpb.items() if v}
        if not cpb:
            continue
        bound = bounds.get((alg, op))
        cols = [f"{bound:.3f}" if bound else "—"]
        for own in (True, False):
            xs = {i: v for i, v in cpb.items() if is_own(i) == own}
            if not xs:
                cols += ["—", "—", "—"]
                continue
            i = min(xs, key=xs.get)
            cols += [i, f"{xs[i]:.3f}", f"{100 * bound / xs[i]:.0f}%" if bound else "—"]
        out.append(f"| {alg} {op} | " + " | ".join(cols) + " |")
    src = {r.get("cycle_source") for rs in cells.values() for r in rs}
    out += ["", f"Core cycles come from the harness's cycle source "
            f"({', '.join(sorted(map(str, src)))}).  % of bound: the bound's cycles per byte over "
            f"the implementation's (100% = at the pipe bound).  {bound_note}."]
    if floor:
        fl = {}
        for (alg, op, size, _), rs in floor.items():
            fl.setdefault(size, []).extend(rs)
        small = min(fl)
        out += ["", f"Harness floor (lab/null, not ranked): "
                f"{_median(fl[small], 'ns_per_msg'):.1f} ns per {small}-byte message "
                "(the harness's own share of every figure)."]
    return "\n".join(out)


def scoreboard_command(a) -> int:
    name = getattr(a, "cmd", "scoreboard")
    files = [Path(f) for f in a.files]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        print(f"aeslab {name}: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    cells, floor = load(files)
    if not cells:
        print(f"aeslab {name}: no single-thread points in these files", file=sys.stderr)
        return 1
    bounds, note, machine = machine_bound(files)
    print(tables(cells, bounds, note, floor, machine))
    return 0

"""`aeslab scoreboard RUN-OR-FILE...` (alias `aeslab goals`): the own
kernels against every peer measured, on whatever machine the points come
from.

Per algorithm, direction and message size: the fastest own implementation
and the fastest peer, with both names and MB/s, and their ratio; how many of
those cells the own kernel wins or ties (own >= peer); and, at 16 KiB, the
core cycles per byte of the best own and the best peer as a share of this
machine's bound, the one `aeslab pipes` measured and keeps beside the
machine's results (results/<machine-id>/pipes-*.json); "bound not measured on
this machine" where there is none.  Nothing here is a constant of some CPU.

The inputs are run ids (`make bench-goals` passes the id of its `goals`
preset run, measured --repeat N times) or points files (`aeslab run`'s
.jsonl / .jsonl.gz, bare `aesbench run --out`): each cell is the median of an
implementation's repetitions or passes (point.median, the one rule), so a
slow spell of a shared machine that hits one pass does not decide a cell;
with --best, the fastest of them, for a host whose slow spells outlast a
pass (another tenant on the same core).
Points of two machines are never one cell: inputs from several machine
folders give one scoreboard per machine, each against its own bound.  lab/null, the harness floor, is never ranked;
its ns per message is stated under the tables.  These are measurements,
printed; nothing here asserts a speed (the exit status is 0 whatever they
show).
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from .. import machine as _machine
from .. import point
from ..pipes import lowest, of_machine, records
from ..store import iter_points

NO_BOUND = "bound not measured on this machine"
BOUND_SIZE = 16384


def is_own(impl: str) -> bool:
    return impl.startswith("own/")


def is_floor(r: dict) -> bool:
    """lab/null and any other of the lab's baselines: never a result."""
    return point.is_floor(r) or r.get("impl", "").startswith("lab/")


def load(files: list[Path]) -> tuple[dict, dict]:
    """({(alg, op, size, impl): [points]}, the same for the floor) of the
    files' single-thread, aligned, measured points."""
    recs = [r for f in files for _, r, _ in iter_points(f)
            if r and point.is_ok(r) and r.get("threads", 1) == 1 and not r.get("offset")
            and r.get("mb_per_s")]
    fields = ("alg", "op", "size", "impl")
    return (point.group((r for r in recs if not is_floor(r)), fields),
            point.group((r for r in recs if is_floor(r)), fields))


def _cell(rs: list[dict], key: str, best: bool = False) -> float | None:
    """A cell: the median of its passes (point.median, the one rule), or
    with best the fastest pass (the most MB/s, the fewest cycles per byte)."""
    if not best:
        return point.median(r.get(key) for r in rs)
    xs = [v for v in (r.get(key) for r in rs) if isinstance(v, (int, float)) and v]
    if not xs:
        return None
    return min(xs) if key == "cycles_per_byte" else max(xs)


def machine_of(folder: Path) -> dict | None:
    """machine.json of a results/<machine-id>/ folder, or None (a folder of
    bare files, or one whose machine.json does not check out)."""
    try:
        return _machine.load(Path(folder) / _machine.MACHINE_FILE)
    except _machine.MachineError:
        return None


def by_machine(files: list[Path]) -> list[tuple[str, list[Path]]]:
    """The files grouped by the machine they were measured on: its id where
    their folder has a machine.json, else the folder (bare files)."""
    groups: dict[str, list[Path]] = {}
    for f in files:
        folder = Path(f).resolve().parent
        doc = machine_of(folder)
        groups.setdefault(doc["id"] if doc else str(folder), []).append(Path(f))
    return sorted(groups.items())


def machine_bound(files: list[Path]) -> tuple[dict, str, str]:
    """The measured bound of the machine the files' points come from: per
    algorithm and direction, the lowest of the pipes records in their
    results/<machine-id>/ folder that were measured on that machine (one
    machine's files: by_machine); another machine's record is never read.
    Returns (bounds, note, machine): ({}, why, the machine's name) if there
    is none."""
    folders = sorted({f.resolve().parent for f in files})
    if not folders:
        return {}, NO_BOUND, ""
    mdoc = machine_of(folders[0])
    name = f"{mdoc.get('label', mdoc['id'])} ({mdoc['id']})" if mdoc else folders[0].name
    docs = [d for folder in folders for d in records(folder)]
    mine = of_machine(docs, mdoc["id"] if mdoc else None)
    bounds = lowest(mine)
    if not bounds:
        if docs and not mine:
            d = docs[-1]
            return {}, NO_BOUND + (f" ({d['file']} was measured on {d['machine']}, not "
                                   f"{mdoc['id']})"), name
        return {}, NO_BOUND + f" (no pipes-*.json in {folders[0]}; run `aeslab pipes` there)", name
    doc = max(mine, key=lambda d: d.get("created", ""))
    h = doc["harness"]
    cpu = (f"{h.get('cpu', '?')}, family {h.get('family', '?')} model {h.get('model', '?')}")
    if not mdoc:
        name = f"{doc.get('host', name)}: {cpu}"
    when = sorted(d.get("created", "?") for d in mine)
    note = (f"bound: `aesbench pipes` on {doc.get('machine') or doc.get('host', '?')} ({cpu}), "
            f"per algorithm and direction the lowest of {len(mine)} record(s) "
            f"({when[0]}{' .. ' + when[-1] if len(when) > 1 else ''}; a slower record measured "
            f"interference, not the pipes), GCM from its measured mix: "
            f"{', '.join(Path(d['file']).name for d in mine)}")
    return bounds, note, name


def _best(row: dict, own: bool) -> tuple[str, float] | None:
    xs = {i: v for i, v in row.items() if v and is_own(i) == own}
    if not xs:
        return None
    i = max(xs, key=xs.get)
    return i, xs[i]


def tables(cells: dict, bounds: dict | None = None, bound_note: str = NO_BOUND,
           floor: dict | None = None, machine: str = "", per_cycle: bool = False,
           best: bool = False) -> str:
    """per_cycle: rank by payload bytes per core cycle (1 / cycles_per_byte)
    instead of MB/s, so that a pass that ran at a higher clock than another
    (a host whose turbo drifts between passes) decides no cell.  best: each
    cell the fastest of its passes instead of their median, for a host where
    another tenant's work on the same core slows some passes down for
    minutes at a time: interference only ever slows a pass, so the fastest
    is the closest to the code's own speed (the rule the bound's records
    follow too)."""
    bounds = bounds or {}
    floor = floor or {}
    out: list[str] = []
    by: dict = defaultdict(dict)
    for (alg, op, size, impl), rs in cells.items():
        by[(alg, op)].setdefault(size, {})[impl] = rs
    passes = max((len(rs) for rs in cells.values()), default=0)
    out.append(f"# Scoreboard: own kernels vs peers{f' on {machine}' if machine else ''}")
    unit, fmt = ("B/cycle", ",.3f") if per_cycle else ("MB/s", ",.0f")
    what = ("B/cycle = payload bytes per core cycle, the inverse of core cycles per byte: "
            "ranked per cycle, so the clock each pass ran at decides nothing"
            if per_cycle else "MB/s = 10^6 payload bytes per second")
    stat = "the fastest" if best else "the median"
    out += ["", f"Each cell: {stat} of {passes} pass(es) per implementation "
            f"({what}; 1 thread, 16-byte AAD for GCM).  Own: "
            "own/*; peers: every other implementation measured; lab/null (the harness floor) "
            "is never ranked."]
    summary: list[tuple[str, int, int]] = []
    for (alg, op) in sorted(by):
        out += ["", f"### {alg} {op}", "",
                f"| size | own best | {unit} | best peer | {unit} | own / peer |",
                "|---:|---|---:|---|---:|---:|"]
        won = total = 0
        for size in sorted(by[(alg, op)]):
            if per_cycle:
                cpb = {i: _cell(rs, "cycles_per_byte", best)
                       for i, rs in by[(alg, op)][size].items()}
                row = {i: 1 / v for i, v in cpb.items() if v}
            else:
                row = {i: _cell(rs, "mb_per_s", best) for i, rs in by[(alg, op)][size].items()}
            own, peer = _best(row, True), _best(row, False)
            if not own or not peer:
                continue
            r = own[1] / peer[1]
            total += 1
            won += r >= 1
            mark = "**" if r >= 1 else ""
            out.append(f"| {size} | {own[0]} | {own[1]:{fmt}} | {peer[0]} | {peer[1]:{fmt}} | "
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
        cpb = {i: _cell(rs, "cycles_per_byte", best) for i, rs in rs16.items()}
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
                f"{_cell(fl[small], 'ns_per_msg'):.1f} ns per {small}-byte message "
                "(the harness's own share of every figure)."]
    return "\n".join(out)


def scoreboard_command(a) -> int:
    from ..store import resolve_inputs
    name = getattr(a, "cmd", "scoreboard")
    try:  # points files, or run ids (make bench-goals passes its run's id)
        files = resolve_inputs(a.files, getattr(a, "results", None))
    except FileNotFoundError as e:
        print(f"aeslab {name}: no such file or run: {e}", file=sys.stderr)
        return 2
    pages = []
    for _, fs in by_machine(files):
        cells, floor = load(fs)
        if cells:
            bounds, note, machine = machine_bound(fs)
            pages.append(tables(cells, bounds, note, floor, machine,
                                getattr(a, "per_cycle", False), getattr(a, "best", False)))
    if not pages:
        print(f"aeslab {name}: no single-thread points in these files", file=sys.stderr)
        return 1
    print("\n\n".join(pages))
    return 0

"""`aeslab goals FILE...`: issue 4's benchmark goals, read from the points of
one or more `make bench-goals` passes.

The goals compare the fastest own kernel with the fastest peer at every size,
for each algorithm and direction, and the own kernels' core cycles per byte
at 16 KiB with the pipe bound.  A pass measures every implementation at one
size before the next size (aesbench interleaves them), and `make bench-goals`
makes three passes minutes apart into the same files; each cell here is the
median of an implementation's passes, so a slow spell of the shared machine
that hits one pass does not decide a cell.  These are measurements, printed;
nothing here asserts a speed (the exit status is 0 whatever they show).
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from .. import point

from ..pipes import bounds_of, latest
from ..store import iter_points

# The pipe bound is the machine's own, measured by `aeslab pipes` and kept
# beside its results (results/<host>/pipes-*.json); a machine without one
# says so rather than borrowing another CPU's figures.  Issue 4's goals (in
# core cycles per byte, set on its Zen 4) stay as they were stated.
NO_BOUND = "bound not measured on this machine"
GOAL_CPB = {"aes-256-gcm": 0.32, "aes-256-xts": 0.26}
SHORT_GOAL = 1.5           # x BoringSSL's best path, AES-256-GCM seal
SHORT_SIZES = (16, 64)
OPS = {"gcm": ("seal", "open"), "xts": ("enc", "dec")}


def _own(impl: str) -> bool:
    return impl.startswith("own/") and impl != "own/portable"


def load(files: list[Path]) -> dict:
    """{(alg, op, size, impl): [points]} of single-thread, aligned, ok points."""
    recs = [r for f in files for _, r, _ in iter_points(f)
            if r and point.is_ok(r) and r.get("threads", 1) == 1 and not r.get("offset")
            and r.get("mb_per_s")]
    return point.group(recs, ("alg", "op", "size", "impl"))


def _median(rs: list[dict], key: str) -> float | None:
    """A cell: the median of its passes (point.median, the one rule)."""
    return point.median(r.get(key) for r in rs)


def machine_bound(files: list[Path]) -> tuple[dict, str]:
    """The measured bound of the machine the files' points come from: the
    newest pipes record in their results/<host>/ folder.  ({}, why) if none."""
    folders = sorted({f.resolve().parent for f in files})
    doc = latest(folders[0]) if folders else None
    if not doc or not bounds_of(doc):
        return {}, NO_BOUND + (f" (no pipes-*.json in {folders[0]}; run `aeslab pipes` there)"
                               if folders else "")
    h = doc["harness"]
    note = (f"bound: `aesbench pipes` on {doc.get('host', '?')} ({h.get('cpu', '?')}, family "
            f"{h.get('family', '?')} model {h.get('model', '?')}), {doc.get('created', '?')}, "
            f"AES/CLMUL {h.get('sharing', {}).get('verdict', '?')} pipes: {doc['file']}")
    if len(folders) > 1:
        note += f"; the files come from {len(folders)} folders, the first one's bound is used"
    return bounds_of(doc), note


def tables(cells: dict, bounds: dict | None = None, bound_note: str = NO_BOUND) -> str:
    bounds = bounds or {}
    out: list[str] = []
    by: dict = defaultdict(dict)
    for (alg, op, size, impl), rs in cells.items():
        by[(alg, op)].setdefault(size, {})[impl] = rs
    passes = max((len(rs) for rs in cells.values()), default=0)
    out.append(f"Each cell: the median of {passes} pass(es) per implementation "
               "(MB/s = 10^6 payload bytes per second, 1 thread, 16-byte AAD for GCM).")
    cells_total = cells_met = 0
    for (alg, op) in sorted(by):
        out += ["", f"### {alg} {op}", "",
                "| size | own best | MB/s | best peer | MB/s | own / peer |",
                "|---:|---|---:|---|---:|---:|"]
        for size in sorted(by[(alg, op)]):
            row = {i: _median(rs, "mb_per_s") for i, rs in by[(alg, op)][size].items()}
            own = {i: v for i, v in row.items() if _own(i)}
            peer = {i: v for i, v in row.items() if not i.startswith("own/")}
            if not own or not peer:
                continue
            oi, pi = max(own, key=own.get), max(peer, key=peer.get)
            r = own[oi] / peer[pi]
            cells_total += 1
            cells_met += r >= 1
            out.append(f"| {size} | {oi} | {own[oi]:,.0f} | {pi} | {peer[pi]:,.0f} | "
                       f"{'**' if r >= 1 else ''}{r:.3f}{'**' if r >= 1 else ''} |")
    out += ["", f"Own best >= best peer in {cells_met} of {cells_total} cells.", ""]

    out += ["### Short messages: AES-256-GCM seal vs BoringSSL's best path", "",
            "| size | own best | MB/s | BoringSSL best | MB/s | ratio | goal |",
            "|---:|---|---:|---|---:|---:|---:|"]
    for size in SHORT_SIZES:
        row = {i: _median(rs, "mb_per_s")
               for i, rs in by.get(("aes-256-gcm", "seal"), {}).get(size, {}).items()}
        own = {i: v for i, v in row.items() if _own(i)}
        bssl = {i: v for i, v in row.items() if i.startswith("boringssl/")}
        if own and bssl:
            oi, bi = max(own, key=own.get), max(bssl, key=bssl.get)
            r = own[oi] / bssl[bi]
            out.append(f"| {size} | {oi} | {own[oi]:,.0f} | {bi} | {bssl[bi]:,.0f} | {r:.2f}x | "
                       f">= {SHORT_GOAL}x: {'met' if r >= SHORT_GOAL else 'missed'} |")

    out += ["", "### Core cycles per byte at 16 KiB (own kernels; TSC cycles per byte beside)", "",
            "| alg op | kernel | core c/B | TSC c/B | core GHz | bound | % of bound | goal |",
            "|---|---|---:|---:|---:|---:|---:|---|"]
    for (alg, op) in sorted(by):
        rs16 = by[(alg, op)].get(16384, {})
        own = {i: (_median(rs, "cycles_per_byte"), _median(rs, "tsc_cycles_per_byte"),
                   _median(rs, "core_ghz")) for i, rs in rs16.items() if _own(i)}
        own = {i: v for i, v in own.items() if v[0]}
        if not own:
            continue
        i = min(own, key=lambda k: own[k][0])
        cpb, tsc, ghz = own[i]
        goal = GOAL_CPB.get(alg)
        verdict = (f"<= {goal}: {'met' if cpb <= goal else f'missed by {100 * (cpb / goal - 1):.1f}%'}"
                   if goal else "—")
        bound = bounds.get((alg, op))
        pct = f"{100 * bound / cpb:.0f}%" if bound else "—"
        out.append(f"| {alg} {op} | {i} | {cpb:.3f} | {tsc:.3f} | {ghz or 0:.2f} | "
                   f"{f'{bound:.3f}' if bound else '—'} | {pct} | {verdict} |")
    src = {r.get("cycle_source") for rs in cells.values() for r in rs}
    out += ["", f"Core cycles come from the harness's cycle source ({', '.join(sorted(map(str, src)))}).",
            "% of bound: the bound's cycles per byte over the kernel's (100% = at the pipe "
            f"bound). {bound_note}."]
    return "\n".join(out)


def goals_command(a) -> int:
    from ..store import resolve_inputs
    try:  # points files, or run ids (make bench-goals passes its run's id)
        files = resolve_inputs(a.files, None)
    except FileNotFoundError as e:
        print(f"aeslab goals: no such file or run: {e}", file=sys.stderr)
        return 2
    cells = load(files)
    if not cells:
        print("aeslab goals: no single-thread points in these files", file=sys.stderr)
        return 1
    print(tables(cells, *machine_bound(files)))
    return 0

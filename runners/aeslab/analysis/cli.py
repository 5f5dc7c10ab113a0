"""`aeslab report`, `aeslab dashboard`, `aeslab compare`: registered on the
runner's command line by aeslab/cli.py (register + main), imported without
pandas so `aeslab --help` stays quick."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

COMMANDS = ("report", "dashboard", "compare", "scoreboard", "goals", "auto-picks")


def register(sub) -> None:
    p = sub.add_parser("report", help="regenerate every report (seed tables, ISA selection, scaling)",
                       description="Seed tables beside the published figures, the ISA selection "
                       "report and the scaling/frequency views, as Markdown + HTML + SVG, from the "
                       "results files alone.")
    p.add_argument("--results", metavar="DIR", action="append",
                   help="results folder or file (repeatable; default results/)")
    p.add_argument("--out", metavar="DIR", default="reports", help="output folder (default reports/)")
    p.add_argument("--machine", help="only this machine: its id, a host name its runs recorded, or a glob")
    p.add_argument("--lenient", action="store_true",
                   help="leave invalid points out (listed in the index) instead of failing")
    p.add_argument("--run", action="append", metavar="RUN_ID",
                   help="only these runs (repeatable; default: every run, the latest wins)")

    p = sub.add_parser("dashboard", help="static regression dashboard (HTML, works from file://)")
    p.add_argument("--results", metavar="DIR", action="append",
                   help="results folder or file (repeatable; default results/)")
    p.add_argument("--out", metavar="DIR", default="reports/dashboard")
    p.add_argument("--machine", help="only this machine: its id, a host name its runs recorded, or a glob")
    p.add_argument("--window", type=int, default=None, help="baseline window in runs (default 5)")
    p.add_argument("--lenient", action="store_true")

    p = sub.add_parser("compare", help="significant changes between two sets of runs (exit 1 on a "
                       "regression beyond the threshold)", formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="BASE and NEW are results files, folders or run ids.  Each "
                       "configuration in both is tested: NEW (median over its runs) against BASE's "
                       "runs as the baseline window, with the robust z-test the dashboard uses, "
                       "gated by the machine's A/A noise floor.  Exit status: 0 no regression "
                       "beyond the threshold, 1 regression, 2 usage or input error.")
    p.add_argument("base")
    p.add_argument("new")
    p.add_argument("--results", metavar="DIR", help="where run ids are looked up (default results/)")
    p.add_argument("--noise", metavar="FILE", help="noise.json to take the floor from (default: the "
                   "latest `aeslab noise` of the machine found beside BASE/NEW or under --results)")
    p.add_argument("--floor", type=float, help="noise floor in %% (overrides --noise)")
    p.add_argument("--threshold", type=float,
                   help="fail only on regressions larger than this %% (default: the noise floor)")
    p.add_argument("--any-host", action="store_true",
                   help="match configurations across machines (default: same host only)")
    p.add_argument("--all", action="store_true", help="print every compared configuration")


    p = sub.add_parser("scoreboard", aliases=["goals"],
                       help="own best vs best peer per alg, direction and size, and c/B at "
                       "16 KiB against this machine's bound (Markdown)",
                       description="Per algorithm, direction and size: the fastest own "
                       "implementation and the fastest peer (names, MB/s, ratio), each cell the "
                       "median of the passes or repetitions in the inputs; the count of cells "
                       "where own >= peer; core cycles per byte at 16 KiB as a share of the bound "
                       "`aeslab pipes` measured on the machine the points come from (its "
                       "results/<machine-id>/ folder).  lab/null is never ranked.  "
                       "Prints measurements; asserts nothing (exit 0).  `goals` is an alias.")
    p.add_argument("files", nargs="+", metavar="RUN-OR-FILE",
                   help="run ids (make bench-goals: the goals preset run) or points files "
                   "(.jsonl, .jsonl.gz) of aeslab run or aesbench run --out")
    p.add_argument("--per-cycle", action="store_true",
                   help="rank by payload bytes per core cycle instead of MB/s: on a host "
                   "whose clock drifts between passes, the pass that ran faster decides "
                   "nothing (points without core cycles are left out)")
    p.add_argument("--best", action="store_true",
                   help="each cell the fastest of its passes instead of their median: on a "
                   "host where another tenant on the same core slows whole passes down, "
                   "interference only ever makes a pass slower")


    p = sub.add_parser("auto-picks", help="own/auto's table of measured picks per CPU model, "
                       "from results/ (writes kernels/auto/picks.c)",
                       description="For every x86-64 machine under the results folder: per GCM/XTS "
                       "direction and message size, the fastest own kernel (the medians of the "
                       "newest run that timed every candidate kernel at that size, "
                       "geometric mean over key sizes; within 3% the wider kernel is kept), as "
                       "steps by length (beyond the table's 8 steps per direction, a step goes "
                       "to a neighbour's kernel, the cheapest first).  Writes the C table own/auto "
                       "looks its CPU model up in; "
                       "a CPU with no row keeps auto's ISA order.  Reads stored points, times "
                       "nothing.  Exit 1 with --check when the file is stale, 2 on bad input.")
    p.add_argument("--results", metavar="DIR", help="results folder (default results/)")
    p.add_argument("--out", metavar="FILE", default="kernels/auto/picks.c",
                   help="the C table to write or check (default kernels/auto/picks.c)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if FILE differs from what the results give")


def _inputs(a) -> list[str]:
    if a.results:
        return a.results
    from .. import paths
    return [str(paths.results_dir())]


def main(a) -> int:
    if a.cmd == "auto-picks":
        from .autopicks import command
        return command(a)
    if a.cmd in ("scoreboard", "goals"):
        from .scoreboard import scoreboard_command
        return scoreboard_command(a)
    from .load import ResultsError, load_results
    try:
        if a.cmd == "report":
            from . import reports
            res = load_results(_inputs(a), machine=a.machine, strict=not a.lenient)
            if a.run:
                res = res.select_runs(a.run)
            files = reports.write_all(res, Path(a.out), command=" ".join(
                ["aeslab"] + [x for x in sys.argv[1:]]) if sys.argv[0].endswith("aeslab") else None)
            for p in res.problems[:10]:
                print(f"aeslab report: left out: {p}", file=sys.stderr)
            for p in res.skipped[:20]:
                print(f"aeslab report: {p}", file=sys.stderr)
            print(f"aeslab report: {len(files)} files in {a.out} for "
                  f"{', '.join(res.machines()) or 'no machine'}")
            return 0
        if a.cmd == "dashboard":
            from ..dashboard import build
            res = load_results(_inputs(a), machine=a.machine, strict=not a.lenient)
            for p in res.skipped[:20]:
                print(f"aeslab dashboard: {p}", file=sys.stderr)
            kw = {"window": a.window} if a.window else {}
            index = build(res, Path(a.out), **kw)
            print(f"aeslab dashboard: {index} (open it from file://, no server needed)")
            return 0
        if a.cmd == "compare":
            return compare_command(a)
    except (ResultsError, FileNotFoundError) as e:
        print(f"aeslab {a.cmd}: {e}", file=sys.stderr)
        return 2
    return 2


def _resolve(x: str, results: str | None) -> list[Path]:
    p = Path(x)
    if p.exists():  # a JSONL file or a folder of results
        return [p]
    from .. import paths
    from ..store import points_file
    root = paths.results_dir(results)
    hits = [f for d in sorted(h.parent for h in root.glob(f"*/{x}.run.json"))
            if (f := points_file(d, x)) is not None]
    if not hits:
        raise FileNotFoundError(f"{x}: no such file, folder or run id under {paths.results_dir(results)}")
    return hits


def compare_command(a) -> int:
    import json

    from . import regress
    from .common import DEFAULT_FLOOR_PCT
    from .load import load_results
    base_files = _resolve(a.base, a.results)
    new_files = _resolve(a.new, a.results)
    base = load_results(base_files)
    new = load_results(new_files)
    if not len(base.points) or not len(new.points):
        print("aeslab compare: BASE or NEW holds no points", file=sys.stderr)
        return 2
    floor, src = a.floor, "--floor"
    if floor is None and a.noise:
        floor, src = float(json.loads(Path(a.noise).read_text())["noise_floor_pct"]), a.noise
    if floor is None:
        hosts = new.machines()
        cands = []
        for r in (new, base):
            for h in hosts:
                f, s = r.noise_floor(h)
                if f is not None:
                    cands.append((f, s))
        if not cands:  # look next to the results of the machine
            from .. import paths
            for h in hosts:
                nj = paths.results_dir(a.results) / h / "noise.json"
                for d in ([f.parent / "noise.json" for f in new_files + base_files] + [nj]):
                    if d.exists():
                        f = float(json.loads(d.read_text())["noise_floor_pct"])
                        cands.append((f, str(d)))
                        break
        if cands:
            floor, src = max(cands)
        else:
            floor, src = DEFAULT_FLOOR_PCT, f"no noise floor found; {DEFAULT_FLOOR_PCT:.0f}% assumed"
    threshold = a.threshold if a.threshold is not None else floor
    df = regress.compare(base, new, floor, same_host=not a.any_host)
    if not len(df):
        print("aeslab compare: no configuration is in both BASE and NEW", file=sys.stderr)
        return 2
    sig = df[df["flag"].notna()].sort_values("change_pct")
    bad = sig[(sig["flag"] == "regression") & (sig["change_pct"] < -threshold)]
    print(f"compared {len(df)} configurations; noise floor {floor:.1f}% ({src}); test: "
          f"{regress.TEST_NAME} (|z| > {regress.Z:g} and |change| > floor); fail threshold "
          f"{threshold:.1f}%")
    show = df.sort_values("change_pct") if a.all else sig
    for _, r in show.iterrows():
        mark = ("REGRESSION" if r["flag"] == "regression" else
                "improvement" if r["flag"] == "improvement" else "same")
        print(f"  {mark:11} {r['change_pct']:+7.1f}%  z {r['z']:+6.1f}  {r['machine_id']} {r['impl']} "
              f"{r['alg']} {r['op']} {int(r['size'])} B {int(r['threads'])} thr  "
              f"{r['baseline_mb_per_s']:,.0f} -> {r['new_mb_per_s']:,.0f} MB/s  "
              f"(base {','.join(r['base_runs'])}; new {','.join(r['new_runs'])})")
    n_imp = int((sig["flag"] == "improvement").sum())
    n_reg = int((sig["flag"] == "regression").sum())
    print(f"{n_reg} significant regression(s), {n_imp} significant improvement(s); "
          f"{len(bad)} regression(s) beyond the {threshold:.1f}% threshold")
    return 1 if len(bad) else 0

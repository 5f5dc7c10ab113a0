"""aeslab: command line of the runner.  `aeslab <command> --help` for each."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__

EPILOG = """commands:
  run        measure a matrix (flags, --preset, or --config FILE), resumable
  noise      A/A check: the same point measured repeatedly -> this machine's noise floor
  fpu-cost   XSAVE*/XRSTOR cost with xmm/ymm/zmm live, beside the seed 004 figures
  pipes      AES / CLMUL pipe throughput here and the c/B bound it implies (kept per machine)
  validate   check results files (or every file under a folder) against results/schema
  migrate    bring results of the older layout (results/<host>/) into results/<machine-id>/
  export     results as CSV or Google Benchmark JSON
  show       the summary tables of stored results
  list       implementations the harness finds, and plugins left out
  presets    the presets and what they measure
  provenance what a run would record about this machine (JSON)
  report     seed tables beside the published figures, ISA selection, scaling (reports/)
  dashboard  static regression dashboard (reports/dashboard, works from file://)
  compare    significant changes between two sets of runs; exit 1 on a regression
  scoreboard own best vs best peer per alg/direction/size, c/B at 16 KiB vs this machine's
             bound (alias: goals), from a run id (make bench-goals) or points files
  auto-picks own/auto's measured picks per CPU model, from results/ (kernels/auto/picks.c)
"""


def _add_run(sub) -> None:
    p = sub.add_parser("run", help="measure a matrix", formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Measure every point of a matrix, each implementation in a child "
                       "process, every point appended and fsynced to "
                       "results/<machine-id>/<run-id>.jsonl (packed to .jsonl.gz once complete) "
                       "beside <run-id>.run.json (provenance).  Lists take commas: --sizes 16,64,4k "
                       "--threads 1,2,4,...,nproc (or pow2) --impl 'own/*,*/vaes512'.")
    g = p.add_argument_group("matrix (flags override the preset/config everywhere)")
    from . import matrix
    g.add_argument("--preset",
                   help=f"{', '.join(matrix.preset_names())} (`aeslab presets` says what each "
                   "measures; quick is what `make run` runs)")
    g.add_argument("--config", metavar="FILE", help="TOML or YAML matrix (see docs/runner.md)")
    g.add_argument("--impl", help="names or globs, comma-separated (own/*, */vaes512, all)")
    g.add_argument("--exclude", help="globs of implementations to leave out")
    g.add_argument("--isa", help="only implementations whose ISA path matches (aesni*, vaes*)")
    g.add_argument("--alg", help="aes-128-gcm,aes-192-gcm,aes-256-gcm,aes-128-xts,aes-256-xts or all")
    g.add_argument("--op", help="seal,open,seal-hp (GCM); enc,dec (XTS); all")
    g.add_argument("--sizes", help="bytes: 16,64,4k, a..b (powers of two), seeds")
    g.add_argument("--aad", help="GCM AAD lengths, e.g. 0,16")
    g.add_argument("--threads", help="1,2,4,...,nproc | pow2 | nproc | numbers")
    g.add_argument("--offset", help="buffer misalignments in bytes (0..63)")
    g.add_argument("--smt", action="store_true", help="use SMT siblings as early as cores")
    g.add_argument("--no-pin", action="store_true", help="do not pin threads")
    g.add_argument("--cold", action="store_true",
                   help="also time cold single messages (aesbench run --cold): cold_ns_per_msg")
    g.add_argument("--freq", help="frequency levels: as-is, max, min, 2.0GHz, ... (where permitted)")
    g.add_argument("--governor", help="cpufreq governor during the run (where permitted)")
    g.add_argument("--boost", choices=["on", "off"], help="turbo/boost during the run (where permitted)")
    g.add_argument("--repeat", type=int, help="repetitions of the whole matrix, spread over the run")
    s = p.add_argument_group("statistics and time")
    s.add_argument("--min-time", help="seconds per sample (e.g. 0.01, 20ms)")
    s.add_argument("--samples", type=int, help="samples after warm-up (>= 5)")
    s.add_argument("--max-samples", type=int, help="cap while chasing the CV target")
    s.add_argument("--cv-target", type=float, help="keep sampling while CV is above this (0: off)")
    s.add_argument("--point-budget", help="time cap per point for extra samples")
    s.add_argument("--budget", help="time budget of the whole run (10m, 2h); stops resumably")
    s.add_argument("--timeout", help="kill a child silent this long (default: from the point time)")
    s.add_argument("--clock", choices=["auto", "pmu", "aperf", "calibrated", "tsc"],
                   help="core-clock source (default auto)")
    o = p.add_argument_group("run")
    o.add_argument("--results", metavar="DIR", help="results folder (default results/)")
    o.add_argument("--resume", metavar="RUN-ID", help="finish a stopped run; measures only what is missing")
    o.add_argument("--run-id", metavar="RUN-ID", help="name the new run (default: its UTC start, "
                   "YYYYMMDDTHHMMSSZ); refused if the results folder has a run of that name.  "
                   "Hosts of one machine id share a machine folder: a fleet gives each host's runs "
                   "their own names")
    o.add_argument("--force", action="store_true", help="resume even if the machine differs")
    o.add_argument("--wait", action="store_true", help="queue behind a run already measuring here")
    o.add_argument("--dry-run", action="store_true", help="show the plan, measure nothing")
    o.add_argument("--no-progress", action="store_true", help="plain progress lines, no bar")
    o.add_argument("--strict", action="store_true", help="exit 3 if any point failed")
    o.add_argument("--retries", type=int, help="re-measure a point that lost its core or stayed "
                   "above its CV target up to N times, samples twice as long each (default 2)")
    o.add_argument("--run-id-file", metavar="FILE", help="write '<machine folder> <run id>' "
                   "there when the run starts (for scripts: make bench-*)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="aeslab", description="aeslab: AES-GCM / AES-XTS benchmarking lab runner",
                                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"aeslab {__version__}")
    sub = ap.add_subparsers(dest="cmd", metavar="command")
    _add_run(sub)

    p = sub.add_parser("noise", help="A/A noise floor")
    p.add_argument("--impl", help="implementation (default: own/aesni, else the first that runs)")
    p.add_argument("--alg", default="aes-128-gcm")
    p.add_argument("--op", default=None, help="default seal (GCM) / enc (XTS)")
    p.add_argument("--sizes", default="64,4096")
    p.add_argument("--repeats", type=int, default=20, help="runs of the same point (default 20)")
    p.add_argument("--min-time", default="0.01")
    p.add_argument("--samples", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--results", metavar="DIR")
    p.add_argument("--wait", action="store_true")
    p.add_argument("--force", action="store_true",
                   help="measure even on a machine that is not quiet (recorded as such)")

    p = sub.add_parser("fpu-cost", help="XSAVE*/XRSTOR cost beside seed 004")
    p.add_argument("--iters", type=int, default=None)
    p.add_argument("--min-time", default="0.02")
    p.add_argument("--results", metavar="DIR")
    p.add_argument("--wait", action="store_true")

    p = sub.add_parser("pipes", help="AES/CLMUL pipe throughput and the c/B bound, per host")
    p.add_argument("--iters", type=int, default=None)
    p.add_argument("--results", metavar="DIR")
    p.add_argument("--wait", action="store_true")

    p = sub.add_parser("validate", help="check results files")
    p.add_argument("files", nargs="+", help="files, or folders (every results file under them)")

    p = sub.add_parser("migrate", help="older results layout -> results/<machine-id>/")
    p.add_argument("sources", nargs="*", help="more folders of results to copy in (never changed)")
    p.add_argument("--results", metavar="DIR", help="results folder (default results/)")
    p.add_argument("--dry-run", action="store_true", help="say what would move, write nothing")

    p = sub.add_parser("export", help="CSV or Google Benchmark JSON")
    p.add_argument("--format", choices=["csv", "gbench"], required=True)
    p.add_argument("-o", "--output", help="file (default stdout)")
    p.add_argument("--results", metavar="DIR")
    p.add_argument("inputs", nargs="+", help="JSONL files or run ids")

    p = sub.add_parser("show", help="summary tables of stored results")
    p.add_argument("inputs", nargs="+", help="JSONL files or run ids")
    p.add_argument("--metric", choices=["mbps", "cpb", "ns", "ghz"], default="mbps")
    p.add_argument("--results", metavar="DIR")

    sub.add_parser("list", help="implementations and plugins")
    p = sub.add_parser("presets", help="presets and what they measure")
    p.add_argument("name", nargs="?")
    sub.add_parser("provenance", help="provenance of this machine as JSON")
    from .analysis import cli as analysis_cli  # report, dashboard, compare (aeslab.analysis)
    analysis_cli.register(sub)

    a = ap.parse_args(argv)
    if not a.cmd:
        ap.print_help()
        return 2
    if a.cmd == "run":
        from .runner import run_command
        return run_command(a)
    if a.cmd == "noise":
        from .noise import noise_command
        return noise_command(a)
    if a.cmd == "fpu-cost":
        from .fpucost import fpu_command
        return fpu_command(a)
    if a.cmd == "pipes":
        from .pipes import pipes_command
        return pipes_command(a)
    if a.cmd == "validate":
        from .validate import validate_command
        return validate_command(a.files)
    if a.cmd == "migrate":
        from .migrate import migrate_command
        return migrate_command(a)
    if a.cmd == "export":
        from .export import export_command
        return export_command(a)
    if a.cmd == "show":
        return _show(a)
    if a.cmd == "list":
        return _list()
    if a.cmd == "presets":
        return _presets(a.name)
    if a.cmd == "provenance":
        return _provenance()
    if a.cmd in analysis_cli.COMMANDS:
        return analysis_cli.main(a)
    return 2


def _show(a) -> int:
    from rich.console import Console
    from . import report
    from .store import iter_points, resolve_inputs
    try:
        files = resolve_inputs(a.inputs, a.results)
    except FileNotFoundError as e:
        print(f"aeslab show: {e}", file=sys.stderr)
        return 1
    recs = [r for f in files for _, r, _ in iter_points(f) if r]
    c = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    report.summary(recs, c, metric=a.metric)
    return 0


def _list() -> int:
    from .harness import Harness, HarnessError
    try:
        with Harness() as h:
            l = h.list_impls()
    except HarnessError as e:
        print(f"aeslab list: {e}", file=sys.stderr)
        return 1
    for r in l.impls:
        print(f"{r['name']:34} {r['alg']:12} {r.get('isa') or '?':14} "
              f"{'yes' if r.get('supported') else 'no ':4} {r.get('plugin')}")
    for p in l.problems:
        print(f"left out: {p['plugin']}: {p['problem']}", file=sys.stderr)
    return 0


def _presets(name: str | None) -> int:
    from . import matrix
    if name:
        try:
            d = matrix.load_preset(name)
            print(json.dumps(matrix.normalise(d), indent=1))
        except matrix.ConfigError as e:
            print(f"aeslab presets: {e}", file=sys.stderr)
            return 2
        return 0
    for n in matrix.preset_names():
        d = matrix.load_preset(n)
        print(f"{n:8} {d.get('description', '')}")
    return 0


def _provenance() -> int:
    from . import provenance
    from .harness import Harness, HarnessError
    try:
        with Harness() as h:
            l = h.list_impls()
            prov = provenance.collect(h.exe, h.plugin_files(), l.impls, l.problems, h.clock(),
                                      sys.argv)
    except HarnessError as e:
        print(f"aeslab provenance: {e}", file=sys.stderr)
        return 1
    json.dump(prov, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

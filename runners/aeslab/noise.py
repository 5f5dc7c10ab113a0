"""`aeslab noise`: an A/A check.  The same point (same implementation, same
code, same machine) is measured `--repeats` times, each time in a fresh
aesbench process, exactly as a run measures it.  Any difference between
those measurements is noise, so their spread is the smallest difference
between two runs that can mean anything on this machine.

Per size: the median MB/s, the CV between runs (of the per-run medians), the
median CV within a run (of the samples), and the 95th percentile of the
relative difference between every pair of runs.  The noise floor is the
largest of those percentiles over the sizes: 95% of A/A pairs differ by
less.  The regression dashboard reads it from results/<host>/noise.json.

A run that repeats its matrix (`aeslab run --repeat K`) reports the median
of the K repetitions, spread over the run.  On a shared machine most A/A
runs agree within a percent or two and a few are far slower (another tenant
held the core, which the guest cannot see), so the median of K is far
steadier than one run.  The floor for such medians is measured the same
way: two disjoint sets of K runs drawn from the A/A runs (resampled 20000
times with a fixed seed, so the figure is repeatable), the 95th percentile
of the difference of their medians: `noise_floor_by_reps`.
"""
from __future__ import annotations

import itertools
import math
import os
import statistics
import sys
import time

from rich.console import Console
from rich.table import Table

from . import machine, paths, provenance
from .harness import Harness, HarnessError, run_args, run_child
from .matrix import ConfigError, parse_seconds, parse_sizes
from .stats import median_diff_floor, percentile
from .store import Lock, StoreError, new_run_id, utcnow, write_json_atomic

PREFERRED = ("own/aesni", "openssl-3.0/evp", "own/portable")
EXIT_NOT_QUIET = 3


def quiet_check() -> tuple[float, float, list[str]]:
    """(1-minute load, the limit, what makes the machine not quiet).  The
    limit is max(0.5, nproc/4), as for a run; AESLAB_QUIET_LOAD overrides it."""
    from .runner import other_benchmarks
    load = os.getloadavg()[0]
    env = os.environ.get("AESLAB_QUIET_LOAD")
    limit = float(env) if env else max(0.5, 0.25 * (os.cpu_count() or 1))
    busy = [f"load average {load:.2f} above {limit:.2f}"] if load > limit else []
    busy += [f"another benchmark: {o}" for o in other_benchmarks()]
    return load, limit, busy


def floor_stats(mbs: list[float], cvs: list[float]) -> dict:
    pairs = [abs(math.log(a / b)) for a, b in itertools.combinations(mbs, 2) if a > 0 and b > 0]
    mean = statistics.fmean(mbs)
    return {
        "median_mb_per_s": statistics.median(mbs),
        "cv_between_runs": statistics.stdev(mbs) / mean if len(mbs) > 1 and mean else 0.0,
        "median_cv_within_run": statistics.median(cvs) if cvs else None,
        "pair_diff_p95_pct": 100 * (math.exp(percentile(pairs, 0.95)) - 1) if pairs else 0.0,
        "pair_diff_max_pct": 100 * (math.exp(max(pairs)) - 1) if pairs else 0.0,
        "max_min_ratio": max(mbs) / min(mbs) if min(mbs) > 0 else None,
    }


def floor_of_medians(mbs: list[float], k: int, draws: int = 20000, seed: int = 1) -> float | None:
    """95th percentile (%) of the difference between the medians of two
    disjoint sets of k runs, resampled from the A/A runs; None when there
    are fewer than 2k runs.  k = 1 is the pair floor."""
    logs = [math.log(x) for x in mbs if x > 0]
    if len(logs) < 2 * k:
        return None
    return median_diff_floor(logs, k, replace=False, draws=draws, seed=seed)


REPS = (1, 3, 5)


def noise_command(a) -> int:
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True, highlight=False)
    try:
        sizes = parse_sizes(a.sizes)
        min_time = parse_seconds(a.min_time, "--min-time")
    except ConfigError as e:
        err.print(f"aeslab noise: {e}", style="red")
        return 2
    if a.repeats < 2:
        err.print("aeslab noise: --repeats must be at least 2", style="red")
        return 2
    lock = Lock()
    try:
        lock.acquire("noise", wait=a.wait)
    except StoreError as e:
        err.print(f"aeslab noise: {e}", style="red")
        return 1
    try:
        with Harness() as h:
            listing = h.list_impls()
            runnable = [r for r in listing.impls if r["alg"] == a.alg and r.get("supported")]
            names = [r["name"] for r in runnable]
            impl = a.impl or next((p for p in PREFERRED if p in names), names[0] if names else None)
            row = next((r for r in runnable if r["name"] == impl), None)
            if row is None:
                err.print(f"aeslab noise: {impl or 'no implementation'} does not run {a.alg} here",
                          style="red")
                return 2
            op = a.op or ("enc" if a.alg.endswith("xts") else "seal")
            args = run_args(impl, a.alg, [op], sizes, 16, a.threads, 0, True, False, min_time,
                            a.samples, a.samples, 0.0, 0.0, "auto")
            env = h.plugin_env(row["plugin"])
            load, limit, busy = quiet_check()
            if busy and not a.force:
                err.print(f"aeslab noise: this machine is not quiet ({'; '.join(busy)}): an A/A "
                          "check now measures the other work, not this machine's floor; not "
                          "measured (wait for a quiet machine, or --force to measure anyway, "
                          "recorded as not quiet)", style="red")
                return EXIT_NOT_QUIET
            if busy:
                err.print(f"aeslab noise: not quiet ({'; '.join(busy)}); measuring anyway "
                          "(--force): the result is recorded with \"quiet\": false",
                          style="yellow")
            per: dict[int, list[dict]] = {s: [] for s in sizes}
            t0 = time.monotonic()
            for i in range(a.repeats):
                res = run_child(h.exe, args, env, 300, 120, lambda r: None)
                for r in res.records:
                    if r.get("status") == "ok":
                        per[r["size"]].append(r)
                if sys.stderr.isatty():
                    el = time.monotonic() - t0
                    eta = el / (i + 1) * (a.repeats - i - 1)
                    err.print(f"\r[{i + 1}/{a.repeats}] {impl} {a.alg} {op}  ETA {eta:4.0f} s",
                              end="")
            if sys.stderr.isatty():
                err.print()
            rows = []
            for s in sizes:
                rs = per[s]
                if len(rs) < 2:
                    err.print(f"aeslab noise: size {s}: fewer than 2 good runs", style="red")
                    return 1
                st = floor_stats([r["mb_per_s"] for r in rs], [r["cv"] for r in rs])
                mbs = [r["mb_per_s"] for r in rs]
                st.update({"size": s, "mb_per_s": mbs,
                           "core_ghz": [r.get("core_ghz") for r in rs],
                           "cpu_share": [r.get("cpu_share") for r in rs],
                           "loadavg_start": load,
                           "floor_by_reps": {str(k): f for k in REPS
                                             if (f := floor_of_medians(mbs, k)) is not None}})
                rows.append(st)
            floor = max(r["pair_diff_p95_pct"] for r in rows)
            common = set.intersection(*(set(r["floor_by_reps"]) for r in rows))
            by_reps = {k: max(r["floor_by_reps"][k] for r in rows)
                       for k in sorted(common, key=int)}
            host = paths.host()
            created = utcnow()
            prov = provenance.collect(h.exe, h.plugin_files(), listing.impls, listing.problems,
                                      h.clock(), sys.argv)
            folder, mdoc = machine.ensure(paths.results_dir(a.results), prov, created,
                                          "aeslab noise")
            nid = "noise-" + new_run_id(folder, "noise-")
            load_end = os.getloadavg()[0]
            doc = {"kind": "aeslab-noise/1", "id": nid, "machine": mdoc["id"], "host": host,
                   "created": created, "quiet": not busy,
                   "quiet_check": {"load_start": load, "load_end": load_end,
                                   "load_limit": limit, "busy": busy},
                   "impl": impl, "alg": a.alg, "op": op, "threads": a.threads,
                   "repeats": a.repeats, "min_time_s": min_time, "samples": a.samples,
                   "noise_floor_pct": floor, "noise_floor_by_reps": by_reps, "sizes": rows,
                   "provenance": prov}
            write_json_atomic(folder / f"{nid}.json", doc)
            write_json_atomic(folder / "noise.json", doc)  # the latest, for the dashboard
    except HarnessError as e:
        err.print(f"aeslab noise: {e}", style="red")
        return 1
    finally:
        lock.release()
    t = Table(box=None, header_style="bold", show_edge=False)
    for c in ("size", "median MB/s", "CV between runs", "median CV within a run",
              "95% of pairs differ by <", "largest pair difference", "max/min"):
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(str(r["size"]), f"{r['median_mb_per_s']:,.0f}", f"{100 * r['cv_between_runs']:.2f}%",
                  f"{100 * (r['median_cv_within_run'] or 0):.2f}%", f"{r['pair_diff_p95_pct']:.2f}%",
                  f"{r['pair_diff_max_pct']:.2f}%", f"{r['max_min_ratio']:.3f}")
    out.print(f"A/A: {impl} {a.alg} {op}, {a.threads} thread(s), {a.repeats} runs x "
              f"{a.samples} samples x {min_time:g} s, each run a fresh aesbench process")
    out.print(t)
    out.print(f"noise floor here: {floor:.1f}% (95% of A/A pairs differ by less; smaller "
              f"differences between two runs are not changes)")
    if len(by_reps) > 1:
        out.print("for medians of K repetitions (aeslab run --repeat K): " +
                  ", ".join(f"K={k}: {v:.1f}%" for k, v in by_reps.items()))
    out.print(f"saved: {folder / (nid + '.json')} (and {folder / 'noise.json'})")
    return 0

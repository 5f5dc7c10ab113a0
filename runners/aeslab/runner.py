"""`aeslab run`: measure a matrix, one child process per implementation
group, every point appended and fsynced as it arrives.

Order of work: refuse a second run on this machine (lock), undo frequency
settings a killed run left behind, list implementations (each plugin in its
own child), expand the matrix, write run.json with full provenance, then
measure group by group.  A group is one implementation x algorithm at one
thread count / AAD / offset / frequency / repetition; its child runs every
op x size of it.  When a child crashes, hangs or refuses, the point it was
on is recorded as such and a new child carries on with the rest.

Resume (`--resume RUN-ID`) reads the stored points, cuts a torn last line,
re-expands the stored matrix (checked against the plan's digest), and
measures only the points that are not in the file.

Noise is handled, not only labelled: a point that lost its core (cpu_share <
0.9) or stayed above its CV target is measured again (`retries`, default 2,
each with samples twice as long as the last); the value kept is the last
attempt's, and the earlier ones stay in the point's `attempts`.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Column
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

from . import __version__, machine, matrix, paths, point, provenance, report
from .freq import FreqControl
from .harness import Harness, run_args, run_child, signal_name
from .matrix import ConfigError, Group, record_key
from .store import (Lock, RunStore, StoreError, check_run_id, find_run, new_run_id,
                    points_file, utcnow)

RUN_SCHEMA = "aeslab-run/2"
# a point is measured again when it lost its core or stayed noisy
MIN_CPU_SHARE = 0.9
ATTEMPT_KEYS = ("mb_per_s", "ns_per_msg", "cv", "cpu_share", "samples", "min_time_s", "noisy",
                "core_ghz", "time", "loadavg")


def needs_retry(rec: dict) -> str | None:
    """Why a measured point should be measured again, or None."""
    if rec.get("status") != "ok":
        return None
    share = rec.get("cpu_share")
    if isinstance(share, (int, float)) and share < MIN_CPU_SHARE:
        return f"cpu_share {share:.2f}"
    if rec.get("noisy"):
        return f"cv {rec.get('cv')}"
    return None

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_FAILED, EXIT_BUDGET, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


class Interrupted(Exception):
    pass


def _on_signal(signum, frame):  # SIGTERM behaves like Ctrl-C: clean stop, resumable
    raise Interrupted(signal_name(signum))


# ---- busy machine ----------------------------------------------------------------

def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").glob("[0-9]*"):
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d.name))
        except (OSError, ValueError, IndexError):
            continue
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def other_benchmarks() -> list[str]:
    """Other aesbench / aeslab processes on this machine (not ours)."""
    mine = {os.getpid(), os.getppid()} | _descendants(os.getpid())
    found = []
    for d in Path("/proc").glob("[0-9]*"):
        pid = int(d.name)
        if pid in mine:
            continue
        try:
            argv = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        names = [Path(a.decode(errors="replace")).name for a in argv[:3] if a]
        if any(n == "aesbench" for n in names[:1]) or \
                ("aeslab" in names and any(x in (b"run", b"noise", b"fpu-cost") for x in argv[1:4])):
            found.append(f"pid {pid}: {' '.join(a.decode(errors='replace') for a in argv if a)[:80]}")
    return found


def busy_warnings() -> list[str]:
    msgs = []
    load1 = os.getloadavg()[0]
    n = matrix.nproc()
    if load1 > max(0.5, 0.25 * n):
        msgs.append(f"machine busy: load average {load1:.2f} on {n} CPUs; other work spoils the "
                    "numbers (they are still recorded, with the load beside each point)")
    for o in other_benchmarks():
        msgs.append(f"another benchmark is running ({o})")
    return msgs


# ---- config from flags ----------------------------------------------------------

FLAG_KEYS = {
    "impl": "impl", "exclude": "exclude", "isa": "isa", "alg": "alg", "op": "op",
    "sizes": "sizes", "aad": "aad", "threads": "threads", "offset": "offset", "freq": "freq",
    "governor": "governor", "boost": "boost", "repeat": "repeat", "retries": "retries",
    "min_time": "min_time",
    "samples": "samples", "max_samples": "max_samples", "cv_target": "cv_target",
    "point_budget": "point_budget", "budget": "budget", "timeout": "timeout", "clock": "clock",
}


def config_from_args(a) -> tuple[dict, str]:
    if a.preset and a.config:
        raise ConfigError("give --preset or --config, not both")
    if a.preset:
        base, source = matrix.load_preset(a.preset), f"preset {a.preset}"
    elif a.config:
        base, source = matrix.load_file(a.config), f"config {a.config}"
    else:
        base, source = {}, "flags"
    over: dict[str, Any] = {}
    for attr, key in FLAG_KEYS.items():
        v = getattr(a, attr, None)
        if v is not None:
            over[key] = v
    if getattr(a, "smt", False):
        over["smt"] = True
    if getattr(a, "no_pin", False):
        over["pin"] = False
    if getattr(a, "cold", False):
        over["cold"] = True
    return matrix.merge(base, over), source


def check_patterns(cfg: dict, impls: list[dict]) -> None:
    names = {r["name"] for r in impls}
    for b in cfg["blocks"]:
        for p in b["impl"]:
            if p not in ("*", "all") and not any(ch in p for ch in "*?[") and p not in names:
                raise ConfigError(f"unknown implementation {p!r} (see `aeslab list`)")


# ---- the run --------------------------------------------------------------------------

class Runner:
    def __init__(self, args, out: Console, err: Console):
        self.a = args
        self.out = out
        self.err = err
        self.notes_seen: set[str] = set()
        self.session_notes: list[str] = []
        self.cycle_source = "unknown"

    def note(self, msg: str, style: str = "yellow") -> None:
        if msg in self.notes_seen:
            return
        self.notes_seen.add(msg)
        self.session_notes.append(msg)
        self.err.print(f"aeslab: {msg}", style=style, highlight=False, soft_wrap=True)

    # -- entry -------------------------------------------------------------------

    def main(self) -> int:
        a = self.a
        results = paths.results_dir(a.results)
        host = paths.host()
        cfg = None
        if getattr(a, "run_id", None):
            if a.resume:
                raise ConfigError("--run-id names a new run; --resume continues a stored one: "
                                  "give one of them")
            check_run_id(a.run_id)
            if find_run(results, a.run_id) is not None:
                raise StoreError(f"a run {a.run_id} exists under {results} already; "
                                 "choose another --run-id (or --resume it)")
        if not a.resume:
            base, self.source = config_from_args(a)
            cfg = matrix.normalise(base)
            cfg["source"] = self.source
        lock = Lock()
        lock.acquire("run", a.resume or getattr(a, "run_id", None) or "", wait=a.wait)
        old_term = signal.signal(signal.SIGTERM, _on_signal)
        try:
            return self._locked(results, host, cfg, lock)
        finally:
            signal.signal(signal.SIGTERM, old_term)
            lock.release()

    def _locked(self, results: Path, host: str, cfg: dict | None, lock: Lock) -> int:
        a = self.a
        fc = FreqControl(sorted(os.sched_getaffinity(0)))
        rec = fc.recover()
        if rec:
            self.note(rec)
        with Harness() as h:
            listing = h.list_impls()
            if cfg is not None:
                check_patterns(cfg, listing.impls)
            for w in busy_warnings():
                self.note(w)
            for p in listing.problems:
                self.note(f"plugin {p['plugin']}: {p['problem']}")
            clock = h.clock()
            self.cycle_source = clock.get("cycle_source", "unknown")
            if clock.get("note"):
                self.note(f"cycle source: {self.cycle_source} ({clock['note']}); "
                          f"{'with' if clock.get('counters') else 'no'} instruction counts")

            if a.resume:
                folder = find_run(results, a.resume)
                if folder is None:
                    raise StoreError(f"no run {a.resume} under {results} "
                                     f"(no */{a.resume}.run.json)")
                store = RunStore(results, folder.name, a.resume)
                run = store.load_run()
                cfg = run["config"]
                groups = self._stored_plan(run, store)
                stored = store.read_points(repair=True)
                if store.repaired:
                    self.note(f"cut a torn last line ({store.repaired} bytes) off "
                              f"{store.points_path.name}: that point is measured again")
                done = {record_key(r) for r in stored}
            else:
                assert cfg is not None
                freqs = self._freq_levels(cfg, fc)
                groups, left_out = matrix.expand(cfg, listing.impls, freqs)
                for n in left_out:
                    self.note(n, style="dim")
                run = None
                done = set()
                store = None

            total = sum(len(g.points) for g in groups)
            remaining = total - sum(1 for g in groups for k in g.points if k in done)
            if a.dry_run:
                self._plan(groups, total, remaining)
                return EXIT_OK

            prov = provenance.collect(h.exe, h.plugin_files(), listing.impls, listing.problems,
                                      clock, sys.argv)
            hard: dict = {}
            soft: dict = {}
            if run is None:
                created = utcnow()
                folder, mdoc = machine.ensure(results, prov, created, "aeslab run")
                run_id = getattr(a, "run_id", None) or new_run_id(folder)
                if points_file(folder, run_id) or (folder / f"{run_id}.run.json").exists():
                    raise StoreError(f"a run {run_id} exists in {folder} already; "
                                     "choose another --run-id")
                store = RunStore(results, mdoc["id"], run_id)
                run = {
                    "schema": RUN_SCHEMA, "run_id": run_id, "machine": mdoc["id"], "host": host,
                    "created": created, "aeslab": __version__,
                    "source": cfg.get("source"), "config": cfg,
                    "plan": {"freqs": list(freqs), "groups": len(groups),
                             "digest": matrix.plan_digest(groups)},
                    "points_total": total,
                    "provenance": prov, "sessions": [], "status": "running",
                    "notes": list(self.session_notes),
                }
            else:
                run_id = run["run_id"]
                hard, soft = provenance.diff(run["provenance"], prov)
                here = machine.id_of(prov)
                if here != store.folder.name:
                    hard["machine"] = [store.folder.name, here]
                if hard and not a.force:
                    raise StoreError("this machine is not the one the run started on ("
                                     + "; ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in hard.items())
                                     + "); resume refused (--force to resume anyway)")
                for k, v in soft.items():
                    self.note(f"changed since the run started: {k}: {v[0]!r} -> {v[1]!r}")
                for s in run["sessions"]:
                    if s.get("status") == "running":
                        s["status"] = "killed"  # it never wrote its end
                        s["ended"] = None
            session = {"index": len(run["sessions"]), "started": utcnow(), "ended": None,
                       "status": "running", "argv": list(sys.argv), "pid": os.getpid(),
                       "points_before": total - remaining, "points_stored": 0,
                       "load_average": list(os.getloadavg())}
            if session["index"] > 0:  # the run's provenance is session 0's; then what changed
                session["changes"] = {**soft, **hard}
            run["sessions"].append(session)
            run["status"] = "running"
            if session["index"] == 0:
                store.create(run)
            else:
                store.save_run(run)
            if getattr(a, "run_id_file", None):
                Path(a.run_id_file).parent.mkdir(parents=True, exist_ok=True)
                Path(a.run_id_file).write_text(f"{store.folder} {run_id}\n")
            self.err.print(f"aeslab: run {run_id}: {remaining} of {total} points to measure "
                           f"({len(groups)} groups), results in {store.points_path}",
                           highlight=False)

            status, code = "complete", EXIT_OK
            store.open_append()
            try:
                self._measure(h, store, run, session, groups, done, total, fc)
            except Interrupted as e:
                status, code = "interrupted", EXIT_INTERRUPTED
                self.note(f"stopped by {e}; resume with: aeslab run --resume {run_id}"
                          + (f" --results {self.a.results}" if self.a.results else ""))
            except KeyboardInterrupt:
                status, code = "interrupted", EXIT_INTERRUPTED
                self.note(f"interrupted; resume with: aeslab run --resume {run_id}"
                          + (f" --results {self.a.results}" if self.a.results else ""))
            except _BudgetSpent as e:
                status, code = "budget", EXIT_BUDGET
                self.note(f"time budget spent with {e} points left; resume with: "
                          f"aeslab run --resume {run_id}")
            finally:
                store.close()
                fc.restore()
                stored = store.read_points()
                session["ended"] = utcnow()
                session["status"] = status
                session["notes"] = self.session_notes
                have = {record_key(r) for r in stored}
                missing = sum(1 for g in groups for k in g.points if k not in have)
                run["status"] = "complete" if missing == 0 else "incomplete"
                run["points_stored"] = len(stored)
                store.save_run(run)
                if run["status"] == "complete":
                    store.pack()  # plain JSONL while measuring, gzip'd once complete
            self.out.print()
            report.summary(stored, self.out)
            failed = sum(1 for r in report.latest(stored)
                         if not str(r.get("status", "")).startswith(("ok", "skip")))
            self.out.print(f"\nresults: {store.stored_path} ({len(stored)} points"
                           f"{', %d failed' % failed if failed else ''}); provenance: "
                           f"{store.run_path}", highlight=False, soft_wrap=True)
            if code == EXIT_OK and failed and self.a.strict:
                code = EXIT_FAILED
            return code

    def _stored_plan(self, run: dict, store: RunStore) -> list[Group]:
        """The groups of a stored run: kept in older run files (aeslab-run/1);
        re-expanded from the stored matrix and listing otherwise, and checked
        against the plan's digest (a different expansion would measure other
        points than the run began with)."""
        if run.get("groups"):
            return [Group.from_json(g) for g in run["groups"]]
        plan = run.get("plan") or {}
        listing = (run.get("provenance") or {}).get("libraries") or []
        try:
            groups, _ = matrix.expand(run["config"], listing, plan.get("freqs") or ["as-is"])
        except (ConfigError, KeyError) as e:
            raise StoreError(f"{store.run_path}: cannot rebuild the run's plan ({e})") from None
        if matrix.plan_digest(groups) != plan.get("digest"):
            raise StoreError(f"{store.run_path}: the stored matrix no longer expands to the plan "
                             "the run began with (edited, or made by another aeslab); resume "
                             "refused")
        return groups

    def _freq_levels(self, cfg: dict, fc: FreqControl) -> list[str]:
        wanted = cfg["freq"]
        if wanted == ["as-is"] and not cfg["governor"] and not cfg["boost"]:
            return ["as-is"]
        ok, why = fc.permitted()
        if not ok:
            self.note(f"frequency sweep {','.join(wanted)} not possible here: {why}; measuring "
                      "at the clock as found and recording the measured clock only")
            cfg["freq_applied"] = False
            cfg["freq_note"] = why
            return ["as-is"]
        cfg["freq_applied"] = True
        cfg["freq_note"] = why
        return wanted

    def _plan(self, groups: list[Group], total: int, remaining: int) -> None:
        est = matrix.estimate_seconds([g for g in groups])
        self.out.print(f"{len(groups)} groups, {total} points ({remaining} to measure), "
                       f"about {est / 60:.1f} min")
        impls = OrderedDict()
        for g in groups:
            impls.setdefault(g.impl, set()).add(g.alg)
        for i, algs in impls.items():
            self.out.print(f"  {i}: {' '.join(sorted(algs))}")

    # -- measuring ---------------------------------------------------------------------

    def _measure(self, h: Harness, store: RunStore, run: dict, session: dict,
                 groups: list[Group], done: set, total: int, fc: FreqControl) -> None:
        cfg = run["config"]
        budget = float(cfg.get("budget") or 0)
        start = time.monotonic()
        progress, task = self._progress(total, len(done & {k for g in groups for k in g.points}))
        self._plain_last = 0.0
        self._start = start
        self._total = total
        self._count = len(done & {k for g in groups for k in g.points})
        cur_freq = None
        try:
            for g in groups:
                todo = [k for k in g.points if k not in done]
                if not todo:
                    continue
                if budget and time.monotonic() - start > budget:
                    left = sum(1 for gg in groups for k in gg.points if k not in done)
                    raise _BudgetSpent(left)
                if g.freq != cur_freq:
                    try:
                        fc.apply(g.freq, cfg.get("governor", ""), cfg.get("boost", ""))
                    except (OSError, ValueError) as e:
                        self.note(f"cannot apply frequency {g.freq}: {e}")
                    cur_freq = g.freq
                if matrix.nproc() < g.threads:
                    self.note(f"{g.threads} threads on {matrix.nproc()} CPUs: threads share CPUs")
                self._group(h, store, run, session, g, todo, done, progress, task)
        finally:
            if progress:
                progress.stop()

    def _progress(self, total: int, completed: int):
        if self.a.no_progress or not self.err.is_terminal:
            return None, None
        # fits 80 columns: what is measured, bar, points done, elapsed, ETA
        p = Progress(TextColumn("{task.description}", style="cyan",
                                table_column=Column(width=36, no_wrap=True, overflow="ellipsis")),
                     BarColumn(bar_width=12), MofNCompleteColumn(), TimeElapsedColumn(),
                     TextColumn("ETA"), TimeRemainingColumn(), console=self.err,
                     transient=False, refresh_per_second=4)
        p.start()
        t = p.add_task("starting", total=total, completed=completed)
        return p, t

    def _advance(self, progress, task, desc: str) -> None:
        self._count += 1
        if progress is not None:
            progress.update(task, advance=1, description=desc)
            return
        now = time.monotonic()
        if now - self._plain_last >= 10 or self._count == self._total:
            self._plain_last = now
            el = now - self._start
            rate = el / max(1, self._count_run())
            eta = rate * (self._total - self._count)
            pct = 100.0 * self._count / max(1, self._total)
            self.err.print(f"[{self._count}/{self._total}] {pct:5.1f}%  elapsed {el:5.0f} s  "
                           f"ETA {eta:5.0f} s  {desc}", highlight=False)

    def _count_run(self) -> int:
        return getattr(self, "_measured_here", 0) or 1

    def _timeouts(self, g: Group, cfg: dict) -> tuple[float, float]:
        if cfg.get("timeout"):
            pt = float(cfg["timeout"])
        else:
            per = g.min_time * (1 + max(g.samples, g.max_samples)) + g.point_budget + 1.0
            pt = max(30.0, 10 * per)
        verify = float(os.environ.get("AESLAB_VERIFY_TIMEOUT", "120"))
        return pt + verify, pt

    def _group(self, h: Harness, store: RunStore, run: dict, session: dict, g: Group,
               todo: list[tuple], done: set, progress, task) -> None:
        cfg = run["config"]
        first_t, point_t = self._timeouts(g, cfg)
        env = h.plugin_env(g.plugin) if g.plugin else dict(os.environ)
        pending = list(todo)
        strikes = 0
        retries = int(cfg.get("retries", 0) or 0)
        again: OrderedDict[tuple, dict] = OrderedDict()  # measured, to be measured again
        try:
            self._group_main(h, store, run, session, g, pending, done, progress, task, env,
                             first_t, point_t, retries, again)
            for attempt in range(1, retries + 1):
                if not again:
                    break
                self._retry(h, store, run, session, g, again, attempt, retries, env, first_t,
                            point_t, done, progress, task)
        finally:
            for k, rec in list(again.items()):  # what is measured is never dropped
                self._store(store, session, rec, k, [k], done, [])
                self._advance(progress, task, f"{g.impl} {g.alg}")
            again.clear()

    def _retry(self, h: Harness, store: RunStore, run: dict, session: dict, g: Group,
               again: OrderedDict, attempt: int, retries: int, env: dict, first_t: float,
               point_t: float, done: set, progress, task) -> None:
        """Measure the points in `again` once more, samples 2**attempt times as
        long; a point still noisy goes round again while attempts are left.
        The new record keeps the earlier ones in `attempts`."""
        cfg = run["config"]
        scale = 2 ** attempt
        by_op: OrderedDict[str, list[int]] = OrderedDict()
        for k in again:
            by_op.setdefault(k[2], []).append(k[3])
        replaced: set = set()
        for op, sizes in by_op.items():
            args = run_args(g.impl, g.alg, [op], sizes, g.aad, g.threads, g.offset, g.pin, g.smt,
                            g.min_time * scale, g.samples, g.max_samples, g.cv_target,
                            g.point_budget * scale, cfg.get("clock", "auto"), cold=g.cold)

            def on_record(rec: dict) -> None:
                rec.update(self._extra(run, session, g))
                try:
                    k = record_key(rec)
                except KeyError:
                    return
                prev = again.get(k)
                if prev is None or k in replaced:
                    return
                replaced.add(k)
                rec["attempts"] = prev.pop("attempts", []) + [
                    {x: prev.get(x) for x in ATTEMPT_KEYS if x in prev}]
                if needs_retry(rec) and attempt < retries:
                    again[k] = rec
                    return
                del again[k]
                self._store(store, session, rec, k, [k], done, [])
                self._advance(progress, task, f"{g.impl} {g.alg} {op} {k[3]} B (again)")

            run_child(h.exe, args, env, first_t * scale, point_t * scale, on_record,
                      lambda line: None)
        for k in [k for k in again if k not in replaced]:
            # the child did not measure it again (crashed, hung): the earlier
            # attempt is the point, as it was
            rec = again.pop(k)
            self._store(store, session, rec, k, [k], done, [])
            self._advance(progress, task, f"{g.impl} {g.alg}")

    def _group_main(self, h: Harness, store: RunStore, run: dict, session: dict, g: Group,
                    pending: list, done: set, progress, task, env: dict, first_t: float,
                    point_t: float, retries: int, again: OrderedDict) -> None:
        cfg = run["config"]
        strikes = 0
        while pending:
            # one child for the rest when it is a full ops x sizes product,
            # else one per op (sizes differ after a resume or a crash)
            by_op: OrderedDict[str, list[int]] = OrderedDict()
            for k in pending:
                by_op.setdefault(k[2], []).append(k[3])
            lists = list(by_op.values())
            if all(l == lists[0] for l in lists):
                calls = [(list(by_op), lists[0])]
            else:
                calls = [([op], sz) for op, sz in by_op.items()]
            ops, sizes = calls[0]
            expected = [matrix.point_key_of(g, op, s) for op in ops for s in sizes]
            expected = [k for k in expected if k in pending]
            args = run_args(g.impl, g.alg, ops, sizes, g.aad, g.threads, g.offset, g.pin, g.smt,
                            g.min_time, g.samples, g.max_samples, g.cv_target, g.point_budget,
                            cfg.get("clock", "auto"), cold=g.cold)
            got: list[tuple] = []
            desc = f"{g.impl} {g.alg} t{g.threads}"
            if progress is not None:
                progress.update(task, description=f"{desc} {expected[0][2]} {expected[0][3]} B")

            def on_record(rec: dict) -> None:
                rec.update(self._extra(run, session, g))
                try:
                    k = record_key(rec)
                except KeyError:
                    self.note(f"{g.impl}: a harness record without its keys was ignored")
                    return
                if k not in pending:
                    self.note(f"{g.impl}: unexpected point {k[2]} {k[3]} B from the harness "
                              "(ignored)")
                    return
                if retries and needs_retry(rec):
                    again[k] = rec  # measured again after the group's first pass
                    pending.remove(k)
                    got.append(k)
                    return
                self._store(store, session, rec, k, pending, done, got)
                nxt = next((e for e in expected if e not in got), None)
                self._advance(progress, task, f"{desc} {nxt[2]} {nxt[3]} B" if nxt else desc)

            def on_stderr(line: str) -> None:
                line = line.removeprefix("aesbench: ")
                if line.startswith("note: cycle source"):
                    return  # said once from `aesbench clock`
                if "(not timed)" in line:
                    return  # the records say it
                self.note(f"{g.impl} {g.alg}: {line}", style="dim")

            res = run_child(h.exe, args, env, first_t, point_t, on_record, on_stderr)
            rest = [k for k in expected if k not in got]
            if not rest:
                strikes = 0
                continue
            err = next((l for l in reversed(res.stderr) if l.strip()), "")
            err = err.removeprefix("aesbench: ")
            strikes += 1
            if res.timed_out:
                status = (f"fail: timed out (no result within {point_t if got else first_t:.0f} s;"
                          " child killed)")
                self._fail(store, run, session, g, rest[:1], status, pending, done, progress, task)
            elif res.returncode is not None and res.returncode < 0:
                sig = signal_name(-res.returncode)
                if got:
                    status = f"fail: crashed ({sig}) while measuring this point"
                    self._fail(store, run, session, g, rest[:1], status, pending, done,
                               progress, task)
                else:
                    status = (f"fail: crashed ({sig}) before its first point (while loading or "
                              "verifying)")
                    self._fail(store, run, session, g, rest, status, pending, done, progress, task)
            elif res.returncode == 2 and "applies to none" in err:
                hp = [k for k in rest if k[2] == "seal-hp"] or rest
                self._fail(store, run, session, g, hp,
                           f"skip: {g.impl} does not offer {hp[0][2]}", pending, done, progress,
                           task)
            elif res.returncode == 2:
                self._fail(store, run, session, g, rest, f"fail: aesbench refused: {err or 'exit 2'}",
                           pending, done, progress, task)
            else:
                self._fail(store, run, session, g, rest[:1],
                           f"fail: harness exited ({res.returncode}) without this point"
                           + (f": {err}" if err else ""), pending, done, progress, task)
            if strikes >= 2 and pending:
                self._fail(store, run, session, g, list(pending),
                           "fail: not measured: the implementation crashed or hung on two points "
                           "in a row", pending, done, progress, task)

    def _extra(self, run: dict, session: dict, g: Group) -> dict:
        return {"run_id": run["run_id"], "session": session["index"], "rep": g.rep,
                "freq": g.freq, "smt": g.smt, "plugin": g.plugin, "time": utcnow(),
                "loadavg": round(os.getloadavg()[0], 2)}

    def _store(self, store: RunStore, session: dict, rec: dict, k: tuple, pending: list,
               done: set, got: list) -> None:
        store.append(rec)
        done.add(k)
        pending.remove(k)
        got.append(k)
        session["points_stored"] += 1
        self._measured_here = getattr(self, "_measured_here", 0) + 1

    def _fail(self, store: RunStore, run: dict, session: dict, g: Group, keys: list[tuple],
              status: str, pending: list, done: set, progress, task) -> None:
        for k in keys:
            if k not in pending:
                continue
            rec = {"impl": g.impl, "library": g.library, "version": g.version, "alg": g.alg,
                   "isa": g.isa, "op": k[2], "size": k[3], "aad": k[4], "threads": k[5],
                   "status": status, "mb_per_s": None, "ns_per_msg": None,
                   "cycles_per_byte": None, "cycle_source": self.cycle_source, "cv": None,
                   "offset": k[6], "pinned": k[7], "harness": f"aeslab {__version__} (runner)"}
            rec.update(self._extra(run, session, g))
            self._store(store, session, rec, k, pending, done, [])
            self._advance(progress, task, f"{g.impl} {g.alg}")


class _BudgetSpent(Exception):
    pass


def run_command(args) -> int:
    out = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)
    try:
        return Runner(args, out, err).main()
    except (KeyboardInterrupt, Interrupted):
        err.print("aeslab run: interrupted (points already stored are kept; --resume continues)",
                  style="yellow")
        return EXIT_INTERRUPTED
    except ConfigError as e:
        err.print(f"aeslab run: {e}", style="red", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except StoreError as e:
        err.print(f"aeslab run: {e}", style="red", highlight=False, soft_wrap=True)
        return EXIT_ERROR
    except Exception as e:  # noqa: BLE001 - a one-line reason beats a traceback for users
        from .harness import HarnessError
        if isinstance(e, HarnessError):
            err.print(f"aeslab run: {e}", style="red", highlight=False, soft_wrap=True)
            return EXIT_ERROR
        raise

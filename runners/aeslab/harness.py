"""Talking to build/aesbench, always in child processes.

Isolation: every plugin is listed, verified and measured in its own child
with AESLAB_PLUGINS pointing at a private folder holding only that plugin
and own.so (own/portable is the reference verification compares against).
A plugin that crashes while loading therefore loses only itself, and a
crash while measuring loses only the point being measured.
"""
from __future__ import annotations

import ctypes
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import paths

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Children die with the runner (SIGKILL of aeslab must not leave an
    aesbench measuring on, spoiling the next run)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:
        pass


def signal_name(n: int) -> str:
    try:
        return signal.Signals(n).name
    except ValueError:
        return f"signal {n}"


class HarnessError(Exception):
    pass


@dataclass
class Listing:
    impls: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # plugins left out, and why


class Harness:
    def __init__(self, exe: Path | None = None, plugins: Path | None = None):
        self.exe = Path(exe or paths.aesbench())
        self.plugin_src = Path(plugins or paths.plugin_dir())
        if not os.access(self.exe, os.X_OK):
            raise HarnessError(f"{self.exe} is missing or not executable (run `make build`)")
        if not self.plugin_src.is_dir():
            raise HarnessError(f"plugin folder {self.plugin_src} does not exist (run `make build`)")
        self._tmp = Path(tempfile.mkdtemp(prefix="aeslab-plugins-"))
        self._dirs: dict[str, Path] = {}

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    # -- plugin isolation ---------------------------------------------------------

    def plugin_files(self) -> list[Path]:
        return sorted(p for p in self.plugin_src.glob("*.so") if p.is_file())

    def plugin_env(self, plugin: str) -> dict:
        """Environment for a child that sees only `plugin` (+ own.so)."""
        d = self._dirs.get(plugin)
        if d is None:
            d = self._tmp / (plugin.replace("/", "_") or "none")
            d.mkdir(exist_ok=True)
            for name in {plugin, "own.so"}:
                src = self.plugin_src / name
                if src.exists() and not (d / name).exists():
                    os.symlink(src.resolve(), d / name)
            self._dirs[plugin] = d
        env = dict(os.environ)
        env["AESLAB_PLUGINS"] = str(d)
        env.setdefault("AESLAB_VERIFY_TIMEOUT", "120")
        return env

    def _run(self, args: list[str], env: dict | None = None, timeout: float = 120):
        return subprocess.run([str(self.exe), *args], capture_output=True, text=True,
                              env=env or dict(os.environ), timeout=timeout,
                              preexec_fn=_die_with_parent)

    def version(self) -> str:
        p = self._run(["--version"], timeout=30)
        return p.stdout.strip()

    def list_impls(self, verify: bool = False) -> Listing:
        """Every implementation, each plugin listed in its own child."""
        out = Listing()
        seen: set[tuple] = set()
        for f in self.plugin_files():
            args = ["list", "--json"] + ([] if verify else ["--no-verify"])
            try:
                p = self._run(args, env=self.plugin_env(f.name), timeout=600 if verify else 60)
            except subprocess.TimeoutExpired:
                out.problems.append({"plugin": f.name, "problem": "listing timed out (hang while "
                                     "loading)"})
                continue
            if p.returncode < 0:
                out.problems.append({"plugin": f.name, "problem": "crashed while loading "
                                     f"({signal_name(-p.returncode)}); left out"})
                continue
            for line in p.stderr.splitlines():
                line = line.strip()
                if line and f.name in line:
                    prob = {"plugin": f.name, "problem": line.removeprefix("aesbench: ")}
                    if prob not in out.problems:
                        out.problems.append(prob)
            try:
                rows = json.loads(p.stdout) if p.stdout.strip() else []
            except json.JSONDecodeError:
                out.problems.append({"plugin": f.name, "problem": "listing was not JSON "
                                     f"(exit {p.returncode}); left out"})
                continue
            for r in rows:
                if r.get("plugin") != f.name:
                    continue  # own.so, listed on its own
                k = (r["name"], r["alg"])
                if k in seen:
                    continue
                seen.add(k)
                out.impls.append(r)
        return out

    def clock(self) -> dict:
        p = self._run(["clock", "--json"], timeout=60)
        if p.returncode != 0:
            return {"error": (p.stderr.strip() or f"exit {p.returncode}")}
        return json.loads(p.stdout)

    def fpu_cost(self, iters: int | None = None) -> dict:
        args = ["fpu-cost", "--json"] + (["--iters", str(iters)] if iters else [])
        p = self._run(args, timeout=300)
        if p.returncode != 0:
            if p.returncode < 0:
                raise HarnessError(f"aesbench fpu-cost crashed ({signal_name(-p.returncode)})")
            raise HarnessError(p.stderr.strip() or f"aesbench fpu-cost exited {p.returncode}")
        return json.loads(p.stdout)

    def pipes(self, iters: int | None = None) -> dict:
        """`aesbench pipes --json`: AES / CLMUL throughput and the bound it implies."""
        args = ["pipes", "--json"] + (["--iters", str(iters)] if iters else [])
        p = self._run(args, timeout=300)
        if p.returncode != 0:
            if p.returncode < 0:
                raise HarnessError(f"aesbench pipes crashed ({signal_name(-p.returncode)})")
            raise HarnessError(p.stderr.strip() or f"aesbench pipes exited {p.returncode}")
        return json.loads(p.stdout)


# ---- one child measuring a list of points ------------------------------------------

@dataclass
class ChildResult:
    records: list[dict]          # what the harness printed, in order
    returncode: int | None       # None: killed by us (timeout/interrupt)
    timed_out: bool = False
    stderr: list[str] = field(default_factory=list)


def run_child(exe: Path, args: list[str], env: dict, first_timeout: float,
              point_timeout: float, on_record: Callable[[dict], None],
              on_stderr: Callable[[str], None] | None = None) -> ChildResult:
    """Runs `aesbench run ... --format jsonl`, handing each point to on_record
    as soon as its line arrives.  A child silent for longer than the timeout
    (first_timeout before its first line: it verifies first) is killed."""
    proc = subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True, preexec_fn=_die_with_parent)
    res = ChildResult(records=[], returncode=None)
    sel = selectors.DefaultSelector()
    assert proc.stdout and proc.stderr
    os.set_blocking(proc.stdout.fileno(), False)
    os.set_blocking(proc.stderr.fileno(), False)
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    bufs = {"out": b"", "err": b""}
    deadline = time.monotonic() + first_timeout
    open_streams = 2
    try:
        while open_streams:
            left = deadline - time.monotonic()
            if left <= 0:
                res.timed_out = True
                break
            for key, _ in sel.select(timeout=min(left, 1.0)):
                chunk = os.read(key.fileobj.fileno(), 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                bufs[key.data] += chunk
                while b"\n" in bufs[key.data]:
                    line, bufs[key.data] = bufs[key.data].split(b"\n", 1)
                    text = line.decode("utf-8", "replace").strip()
                    if not text:
                        continue
                    if key.data == "out":
                        try:
                            rec = json.loads(text)
                        except json.JSONDecodeError:
                            res.stderr.append(f"unparsable output: {text[:200]}")
                            continue
                        res.records.append(rec)
                        deadline = time.monotonic() + point_timeout
                        on_record(rec)
                    else:
                        res.stderr.append(text)
                        if on_stderr:
                            on_stderr(text)
    except BaseException:
        kill_group(proc)
        raise
    finally:
        sel.close()
    if res.timed_out:
        kill_group(proc)
        res.returncode = None
    else:
        res.returncode = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return res


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


def run_args(impl: str, alg: str, ops: Iterable[str], sizes: Iterable[int], aad: int,
             threads: int, offset: int, pin: bool, smt: bool, min_time: float, samples: int,
             max_samples: int, cv_target: float, point_budget: float, clock: str,
             cold: bool = False) -> list[str]:
    a = ["run", "--impl", impl, "--alg", alg, "--op", ",".join(ops),
         "--sizes", ",".join(str(s) for s in sizes), "--aad", str(aad),
         "--threads", str(threads), "--offset", str(offset),
         "--min-time", f"{min_time:g}", "--samples", str(samples), "--format", "jsonl",
         "--clock", clock, "--no-floor"]  # the matrix schedules lab/null as a group
    if cv_target > 0:
        a += ["--cv-target", f"{cv_target:g}", "--max-samples", str(max(max_samples, samples))]
        if point_budget > 0:
            a += ["--budget", f"{max(point_budget, 0.001):g}"]
    if not pin:
        a.append("--no-pin")
    if smt:
        a.append("--smt")
    if cold:  # cold_ns_per_msg beside the warm figures (aesbench run --help)
        a.append("--cold")
    return a

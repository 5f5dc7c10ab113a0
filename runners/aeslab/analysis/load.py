"""Load any set of results files into one tidy table.

Input: folders (searched recursively) and files, as `aeslab run` writes them
(``<results>/<host>/<run-id>.jsonl`` beside ``<run-id>.run.json``), bare
``aesbench run --format jsonl`` output (no run.json: the file name is the run
id and the folder the host), ``noise*.json`` (A/A noise floors) and
``fpu-cost-*.json``.

Every point is checked against results/schema/point.schema.json (the same
validator `aeslab validate` uses) before it enters the table: a bad point is
either an error (strict, the default) or left out and listed in
``Results.problems``.  Nothing is ever repaired or guessed.

One row per point; the columns a report needs are flat (no nested dicts):
host, machine (a readable CPU label), run_id, time, commit, dirty, impl,
library, family (the impl's prefix, e.g. openssl-4.0), variant, version,
alg, mode (gcm/xts), key_bits, op, direction (encrypt/decrypt), size, aad,
threads, offset, pinned, smt, freq, rep, status, ok, mb_per_s, ns_per_msg,
cycles_per_byte, tsc_cycles_per_byte, core_ghz, thread_mb_min/median/max,
thread_ghz_min/median/max, cv, noisy, ci_lo, ci_hi, samples, min_time_s,
loadavg, isa, width (register width of the ISA path: scalar/128/256/512),
cycle_source, file, provenance (whether a run.json stands beside the points),
cpu_share (thread CPU time over wall time while timed, where the harness
records it), cold_ns_per_msg, cold_disturb_ns, cold_samples, cold_code_kb,
cold_data_kb (`aesbench run --cold` points; NaN otherwise).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..stats import median_diff_floor
from ..store import iter_points
from ..validate import check_point, schema_errors


class ResultsError(Exception):
    """Results that cannot be loaded: invalid points (strict), or nothing found."""


# Register width of each ISA path the harness reports: what the code keeps
# live in vector registers, which is what moves the clock (zmm on some CPUs).
_WIDTH = {
    "generic": "scalar", "ssse3": "128", "aesni": "128", "aesni-avx": "128",
    "aesni-avx2": "256", "vaes256": "256", "vaes256-avx2": "256", "avx512": "512",
    "vaes512": "512", "armv8-ce": "128", "neon": "128",
}


def isa_width(isa: str | None) -> str:
    if not isa:
        return "unknown"
    if isa in _WIDTH:
        return _WIDTH[isa]
    for k in ("512", "256"):
        if k in isa:
            return k
    if isa.startswith(("aes", "armv8", "pmull")):
        return "128"
    return "auto" if isa == "auto" else "unknown"


def machine_label(prov: dict | None, host: str) -> str:
    """A readable name of the machine a run measured: CPU model (with the AMD
    Zen generation the family/model numbers imply), CPU count, VM or not."""
    if not prov:
        return host
    cpu = prov.get("cpu") or {}
    name = (cpu.get("model_name") or "").strip() or cpu.get("arch") or "unknown CPU"
    fam, model = cpu.get("family"), cpu.get("model")
    gen = ""
    if cpu.get("vendor") == "AuthenticAMD" and isinstance(fam, int) and isinstance(model, int):
        if fam == 0x19:
            gen = "Zen 4" if (0x10 <= model <= 0x1f or 0x60 <= model <= 0xaf) else "Zen 3"
        elif fam == 0x1a:
            gen = "Zen 5"
        elif fam == 0x17:
            gen = "Zen 2" if model >= 0x30 else "Zen 1"
    if gen and gen not in name:
        name = f"{name} ({gen})"
    n = cpu.get("logical_cpus")
    virt = (prov.get("virtualization") or {}).get("virtualized")
    bits = [name]
    if n:
        bits.append(f"{n} CPUs")
    if virt:
        bits.append("VM")
    return f"{host}: " + ", ".join(bits)


@dataclass
class Results:
    points: pd.DataFrame
    runs: pd.DataFrame
    noise: list[dict] = field(default_factory=list)
    fpu: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    run_docs: dict = field(default_factory=dict)  # (host, run_id) -> run.json
    _floors: dict = field(default_factory=dict, repr=False)  # inrun_floor, per section asked

    @property
    def ok(self) -> pd.DataFrame:
        """The measured points (status ok) of real implementations: the
        harness floor (lab/null) is never a result, so no ranking sees it."""
        return self.points[self.points["ok"] & ~self._baseline()]

    @property
    def floor(self) -> pd.DataFrame:
        """lab/null's points: the harness's own cost per message."""
        return self.points[self.points["ok"] & self._baseline()]

    def _baseline(self) -> pd.Series:
        lib = self.points["library"] if "library" in self.points else None
        if lib is None:
            return pd.Series(False, index=self.points.index)
        return lib == "lab"

    def floor_md(self, host: str) -> str:
        """One sentence: the harness floor of the latest run of this machine
        that measured it, and its share of the fastest 16-byte figure."""
        f = self.floor[self.floor["host"] == host]
        if not len(f):
            return ("Harness floor: not measured in these runs (runs before lab/null "
                    "existed); every 16-byte figure includes an unknown harness cost.")
        run = f.sort_values("time")["run_id"].iloc[-1]
        f = f[(f["run_id"] == run) & (f["threads"] == 1)]
        ok = self.ok
        ok = ok[(ok["host"] == host) & (ok["run_id"] == run) & (ok["threads"] == 1)]
        small = int(f["size"].min()) if len(f) else 16
        fl = f[f["size"] == small]["ns_per_msg"].median()
        fast = ok[ok["size"] == small].groupby(["alg", "op", "impl"])["ns_per_msg"].median()
        share = f"; {100 * fl / fast.min():.1f}% of the fastest {small}-byte figure " \
                f"({fast.idxmin()[2]}, {fast.idxmin()[0]} {fast.idxmin()[1]}, " \
                f"{fast.min():.0f} ns)" if len(fast) else ""
        return (f"Harness floor (lab/null, which does nothing, run `{run}`): "
                f"{fl:.1f} ns per {small}-byte message{share}.")

    def machines(self) -> list[str]:
        return sorted(self.points["host"].unique()) if len(self.points) else []

    def machine_label(self, host: str) -> str:
        """The label of the latest run with provenance (bare aesbench output
        knows only the host name)."""
        r = self.runs[self.runs["host"] == host].sort_values("created")
        pr = r[r["run_json"].notna()]
        r = pr if len(pr) else r
        return r["machine"].iloc[-1] if len(r) else host

    def latest_run(self, host: str) -> str | None:
        r = self.runs[self.runs["host"] == host].sort_values("created")
        return r["run_id"].iloc[-1] if len(r) else None

    def inrun_floor(self, host: str, run_id: str, reps: int,
                    draws: int = 20000) -> tuple[float | None, str]:
        """The noise floor of a run that repeated its matrix, from its own
        repetitions: the noise of the very minutes the data were taken, where
        an A/A check before or after may have met a quieter or a busier host.
        Each configuration measured `reps` times gives its deviations from
        the mean (in logs, scaled by sqrt(K/(K-1)) for the mean they are
        taken from); two medians of `reps` draws from all of them differ by
        less than the floor in 95% of 20000 resamplings (fixed seed).  None
        when fewer than 30 configurations have `reps` >= 2 repetitions."""
        key = (host, run_id, reps, draws)
        if key not in self._floors:  # every section of a report asks again
            self._floors[key] = self._inrun_floor(host, run_id, reps, draws)
        return self._floors[key]

    def _inrun_floor(self, host: str, run_id: str, reps: int, draws: int):
        p = self.ok
        p = p[(p["host"] == host) & (p["run_id"] == run_id) & p["mb_per_s"].gt(0)]
        from .common import KEY
        g = p.groupby(KEY)["mb_per_s"]
        groups = [v.to_numpy() for _, v in g if len(v) == reps]
        if reps < 2 or len(groups) < 30:
            return None, f"run {run_id} has too few repeated configurations"
        scale = math.sqrt(reps / (reps - 1))
        dev = [(math.log(x) - m) * scale for v in groups
               for m in [sum(math.log(y) for y in v) / len(v)] for x in v]
        f = median_diff_floor(dev, reps, replace=True, draws=draws)
        return f, (f"measured from run {run_id}'s own repetitions ({len(groups)} configurations "
                   f"x {reps}): 95% of differences between medians of {reps} are smaller")

    def noise_docs(self, host: str, last: int = 2) -> list[dict]:
        """The last `aeslab noise` results of a machine, oldest first."""
        return sorted((d for d in self.noise if d.get("host") == host),
                      key=lambda d: d.get("created", ""))[-last:]

    def noise_floors_by_reps(self, host: str) -> dict[int, float]:
        """{K: floor for medians of K repetitions}, the wider of the last two
        checks, for the K that both measured."""
        docs = self.noise_docs(host)
        bys = [{int(k): float(v) for k, v in (d.get("noise_floor_by_reps") or {}).items()}
               for d in docs]
        common = set.intersection(*(set(b) for b in bys)) if bys else set()
        return {k: max(b[k] for b in bys) for k in sorted(common)}

    def noise_floor(self, host: str, reps: int = 1) -> tuple[float | None, str]:
        """A machine's A/A noise floor (% that 95% of A/A pairs differ by
        less), with where it came from; (None, why) when there is none.  The
        wider of the last two `aeslab noise` checks: a shared machine's noise
        changes by the hour, so one check before a run and one after bracket
        it, and the run is judged by the worse.  For values that are medians
        of `reps` repetitions, the floor of such medians where a check
        measured one (the largest K <= reps)."""
        docs = self.noise_docs(host)
        if not docs:
            return None, f"no `aeslab noise` result for {host}"
        best = None
        for d in docs:
            src = (f"`aeslab noise` {d.get('id')} ({d.get('impl')} {d.get('alg')} {d.get('op')}, "
                   f"{d.get('repeats')} runs, {d.get('created', '')[:16].replace('T', ' ')})")
            by = {int(k): float(v) for k, v in (d.get("noise_floor_by_reps") or {}).items()}
            ks = [k for k in by if 1 < k <= reps]
            if ks:
                k = max(ks)
                f, src = by[k], f"{src}, for medians of {k} repetitions as here"
            else:
                f = float(d["noise_floor_pct"])
            if best is None or f > best[0]:
                best = (f, src)
        if len(docs) > 1:
            best = (best[0], best[1] + " (the wider of the last two checks)")
        return best

    def fpu_cost(self, host: str) -> dict | None:
        docs = sorted((d for d in self.fpu if d.get("host") == host),
                      key=lambda d: d.get("created", ""))
        return docs[-1] if docs else None

    def select_runs(self, run_ids) -> "Results":
        """Only the points of these runs (noise floors and FPU costs are kept)."""
        ids = set(run_ids)
        missing = ids - set(self.runs["run_id"])
        if missing:
            raise ResultsError(f"no such run(s): {', '.join(sorted(missing))}")
        return Results(self.points[self.points["run_id"].isin(ids)],
                       self.runs[self.runs["run_id"].isin(ids)], self.noise, self.fpu,
                       list(self.problems), list(self.files),
                       {k: v for k, v in self.run_docs.items() if k[1] in ids})

    def select(self, machine: str | None = None) -> "Results":
        """Only the machines whose host name matches (exact, or a glob)."""
        if not machine:
            return self
        import fnmatch
        hosts = [h for h in self.machines() if fnmatch.fnmatchcase(h, machine)]
        p = self.points[self.points["host"].isin(hosts)]
        r = self.runs[self.runs["host"].isin(hosts)]
        return Results(p, r, [d for d in self.noise if d.get("host") in hosts],
                       [d for d in self.fpu if d.get("host") in hosts], list(self.problems),
                       list(self.files), {k: v for k, v in self.run_docs.items() if k[0] in hosts})


def _expand(inputs: Iterable) -> list[Path]:
    out: list[Path] = []
    for x in inputs:
        p = Path(x)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and "schema" not in f.relative_to(p).parts[:-1] and (
                        f.suffix == ".jsonl" or f.name.endswith(".json")):
                    out.append(f)
        elif p.exists():
            out.append(p)
        else:
            raise ResultsError(f"{p}: no such file or folder")
    seen, uniq = set(), []
    for f in out:
        k = f.resolve()
        if k not in seen:
            seen.add(k)
            uniq.append(f)
    return uniq


def _num(x):
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else math.nan


def _flatten(rec: dict, run: dict, host: str, label: str, file: Path,
             file_time: str | None = None) -> dict:
    impl = rec["impl"]
    fam, _, var = impl.partition("/")
    alg = rec["alg"]
    op = rec["op"]
    tm = rec.get("thread_mb_per_s") or {}
    tg = rec.get("thread_core_ghz") or {}
    ci = rec.get("ci95_mb_per_s") or [math.nan, math.nan]
    git = ((run.get("provenance") or {}).get("git") or {}) if run else {}
    return {
        "host": host, "machine": label, "run_id": rec.get("run_id") or file.stem,
        "time": rec.get("time") or (run.get("created") if run else None) or file_time,
        "commit": git.get("commit"), "dirty": bool(git.get("dirty")) if git else None,
        "impl": impl, "library": rec.get("library"), "family": fam, "variant": var,
        "version": rec.get("version"), "alg": alg, "mode": alg.rsplit("-", 1)[-1],
        "key_bits": int(alg.split("-")[1]), "op": op,
        "direction": "decrypt" if op in ("open", "dec") else "encrypt",
        "size": int(rec["size"]), "aad": int(rec.get("aad", 0)), "threads": int(rec["threads"]),
        "offset": int(rec.get("offset", 0)), "pinned": bool(rec.get("pinned", True)),
        "smt": bool(rec.get("smt", False)), "freq": rec.get("freq", "as-is"),
        "rep": int(rec.get("rep", 0)), "session": int(rec.get("session", 0)),
        "status": rec["status"], "ok": rec["status"] == "ok",
        "mb_per_s": _num(rec.get("mb_per_s")), "ns_per_msg": _num(rec.get("ns_per_msg")),
        "cycles_per_byte": _num(rec.get("cycles_per_byte")),
        "tsc_cycles_per_byte": _num(rec.get("tsc_cycles_per_byte")),
        "core_ghz": _num(rec.get("core_ghz")), "tsc_ghz": _num(rec.get("tsc_ghz")),
        "thread_mb_min": _num(tm.get("min")), "thread_mb_median": _num(tm.get("median")),
        "thread_mb_max": _num(tm.get("max")),
        "thread_ghz_min": _num(tg.get("min")), "thread_ghz_median": _num(tg.get("median")),
        "thread_ghz_max": _num(tg.get("max")),
        "cv": _num(rec.get("cv")), "noisy": bool(rec.get("noisy", False)),
        "ci_lo": _num(ci[0]), "ci_hi": _num(ci[1]), "samples": rec.get("samples"),
        "min_time_s": _num(rec.get("min_time_s")), "loadavg": _num(rec.get("loadavg")),
        "cpu_share": _num(rec.get("cpu_share")),
        "cold_ns_per_msg": _num(rec.get("cold_ns_per_msg")),
        "cold_disturb_ns": _num(rec.get("cold_disturb_ns")),
        "cold_samples": _num(rec.get("cold_samples")),
        "cold_code_kb": _num(rec.get("cold_code_kb")),
        "cold_data_kb": _num(rec.get("cold_data_kb")),
        "isa": rec.get("isa"), "width": isa_width(rec.get("isa")),
        "cycle_source": rec.get("cycle_source"), "file": str(file),
        "provenance": bool(run),
    }


_RUN_COLS = ["host", "run_id", "created", "machine", "commit", "dirty", "branch", "aeslab",
             "source", "status", "points", "loadavg", "cycle_source", "file", "run_json"]


def load_results(inputs, machine: str | None = None, strict: bool = True,
                 validate: bool = True) -> Results:
    """Every point under `inputs` (folders or files) in one tidy table.

    strict: an invalid point raises ResultsError (with every problem listed);
    otherwise it is left out and listed in Results.problems.
    machine: keep only hosts matching this name or glob.
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    files = _expand(inputs)
    rows: list[dict] = []
    runs: list[dict] = []
    noise: list[dict] = []
    fpu: list[dict] = []
    problems: list[str] = []
    run_docs: dict = {}
    for f in files:
        if f.suffix == ".json" and not f.name.endswith(".run.json"):
            try:
                doc = json.loads(f.read_text())
            except (OSError, ValueError) as e:
                problems.append(f"{f}: not JSON ({e})")
                continue
            kind = doc.get("kind") if isinstance(doc, dict) else None
            if kind == "aeslab-noise/1":
                errs = schema_errors(doc, "noise.schema.json") if validate else []
                if errs:
                    problems += [f"{f}: {e}" for e in errs]
                elif not any(n.get("id") == doc.get("id") and n.get("host") == doc.get("host")
                             for n in noise):  # noise.json repeats the latest noise-<id>.json
                    noise.append(doc)
            elif kind == "aeslab-fpu-cost/1":
                errs = schema_errors(doc, "fpu-cost.schema.json") if validate else []
                if errs:
                    problems += [f"{f}: {e}" for e in errs]
                else:
                    fpu.append(doc)
            continue
        if f.suffix != ".jsonl":
            continue
        run_json = f.with_name(f.name[:-len(".jsonl")] + ".run.json")
        run = None
        if run_json.exists():
            try:
                run = json.loads(run_json.read_text())
            except ValueError as e:
                problems.append(f"{run_json}: not JSON ({e})")
            if run is not None and validate:
                errs = schema_errors(run, "run.schema.json")
                if errs:
                    problems += [f"{run_json}: {e}" for e in errs]
                    run = None
        host = (run or {}).get("host") or f.parent.name
        # Bare `aesbench run --format jsonl` output carries no timestamps: the
        # file's modification time stands in for its points' time.
        import datetime as _dt
        ftime = _dt.datetime.fromtimestamp(f.stat().st_mtime, _dt.timezone.utc).isoformat()
        prov = (run or {}).get("provenance")
        label = machine_label(prov, host)
        n = 0
        for line, rec, err in iter_points(f):
            if rec is None:
                problems.append(f"{f}:{line}: {err}")
                continue
            if validate:
                errs = (schema_errors(rec, "point.schema.json") if "run_id" in rec
                        else schema_errors(rec, "point.schema.json", "harness_point"))
                errs += check_point(rec)
                if errs:
                    problems += [f"{f}:{line}: {e}" for e in errs]
                    continue
            rows.append(_flatten(rec, run or {}, host, label, f, ftime))
            n += 1
        rid = (run or {}).get("run_id") or f.stem
        git = (prov or {}).get("git") or {}
        la = (prov or {}).get("load_average") or [math.nan]
        runs.append({"host": host, "run_id": rid,
                     "created": (run or {}).get("created") or (rows[-1]["time"] if n else ftime),
                     "machine": label, "commit": git.get("commit"), "dirty": git.get("dirty"),
                     "branch": git.get("branch"), "aeslab": (run or {}).get("aeslab"),
                     "source": (run or {}).get("source"), "status": (run or {}).get("status"),
                     "points": n, "loadavg": la[0],
                     "cycle_source": ((prov or {}).get("clock") or {}).get("cycle_source"),
                     "file": str(f), "run_json": str(run_json) if run else None})
        if run:
            run_docs[(host, rid)] = run
    if strict and problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ResultsError(f"{len(problems)} problem(s) in the results:\n  {shown}{more}")
    cols = list(_flatten({"impl": "a/b", "alg": "aes-128-gcm", "op": "seal", "size": 0,
                          "threads": 1, "status": "ok"}, {}, "", "", Path("x")).keys())
    points = pd.DataFrame(rows, columns=cols)
    points["time"] = pd.to_datetime(points["time"], utc=True, format="ISO8601")
    runs_df = pd.DataFrame(runs, columns=_RUN_COLS)
    runs_df["created"] = pd.to_datetime(runs_df["created"], utc=True, format="ISO8601")
    runs_df = runs_df.sort_values(["host", "created"]).reset_index(drop=True)
    res = Results(points, runs_df, noise, fpu, problems, files, run_docs)
    if not len(points) and not noise and not fpu:
        raise ResultsError("no results found in " + ", ".join(map(str, inputs)))
    return res.select(machine) if machine else res

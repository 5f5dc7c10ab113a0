"""Load any set of results files into one tidy table.

Input: folders (searched recursively) and files, as `aeslab run` writes them
(``<results>/<machine-id>/<run-id>.jsonl[.gz]`` beside ``<run-id>.run.json``
and the machine's ``machine.json``), bare ``aesbench run --format jsonl``
output that `aeslab migrate` attributed to a machine from evidence in its
points (``<name>.attribution.json`` beside it; the file name is the run id),
``noise*.json`` (A/A noise floors) and ``fpu-cost-*.json``.

Every point belongs to a machine (``machine_id``, machine.py), never to a
host name alone: two machines under one host name stay two.  What cannot be
attributed is left out with a one-line note naming the file, in
``Results.skipped``, and the rest still loads: bare output without an
attribution, a run file of the older layout (run `aeslab migrate`), a
truncated or hand-edited run file or machine.json, a run whose provenance
is another machine than its folder's.

Every point is checked against results/schema/point.schema.json (the same
validator `aeslab validate` uses) before it enters the table: a bad point is
either an error (strict, the default) or left out and listed in
``Results.problems``.  Nothing is ever repaired or guessed.

One row per point; the columns a report needs are flat (no nested dicts):
machine_id (the key: machine.py), host (the host name the run recorded),
machine (a readable CPU label), run_id, time, commit, dirty, impl,
library, family (the impl's prefix, e.g. openssl-4.0), variant, version,
alg, mode (gcm/xts), key_bits, op, direction (encrypt/decrypt), size, aad,
threads, offset, pinned, smt, freq, rep, status, ok, mb_per_s, ns_per_msg,
cycles_per_byte, tsc_cycles_per_byte, core_ghz, thread_mb_min/median/max,
thread_ghz_min/median/max, cv, noisy, ci_lo, ci_hi, samples, min_time_s,
loadavg, isa, width (register width of the ISA path: scalar/128/256/512),
cycle_source, file, provenance (whether a run.json stands beside the points),
cv_target (the CV the point was asked to reach, 0: none), cpu_share (thread CPU
time over wall time while timed, where the harness records it),
cold_ns_per_msg, cold_disturb_ns, cold_samples, cold_code_kb, cold_data_kb
(`aesbench run --cold` / `cold = true` points; NaN otherwise).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from .. import machine as _machine
from .. import point as _point
from ..stats import median_diff_floor
from ..store import iter_points, run_file_of, run_id_of
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
    fp = _machine.fingerprint(prov)
    return _machine.label(fp, (prov.get("cpu") or {}).get("model_name"))


@dataclass
class Results:
    points: pd.DataFrame
    runs: pd.DataFrame
    noise: list[dict] = field(default_factory=list)
    fpu: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    run_docs: dict = field(default_factory=dict)  # (machine_id, run_id) -> run.json
    skipped: list[str] = field(default_factory=list)  # files left out, one line each
    machine_docs: dict = field(default_factory=dict)  # machine_id -> machine.json
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
        f = self.floor[self.floor["machine_id"] == host]
        if not len(f):
            return ("Harness floor: not measured in these runs (runs before lab/null "
                    "existed); every 16-byte figure includes an unknown harness cost.")
        run = f.sort_values("time")["run_id"].iloc[-1]
        f = f[(f["run_id"] == run) & (f["threads"] == 1)]
        ok = self.ok
        ok = ok[(ok["machine_id"] == host) & (ok["run_id"] == run) & (ok["threads"] == 1)]
        small = int(f["size"].min()) if len(f) else 16
        fl = f[f["size"] == small]["ns_per_msg"].median()
        fast = ok[ok["size"] == small].groupby(["alg", "op", "impl"])["ns_per_msg"].median()
        share = f"; {100 * fl / fast.min():.1f}% of the fastest {small}-byte figure " \
                f"({fast.idxmin()[2]}, {fast.idxmin()[0]} {fast.idxmin()[1]}, " \
                f"{fast.min():.0f} ns)" if len(fast) else ""
        return (f"Harness floor (lab/null, which does nothing, run `{run}`): "
                f"{fl:.1f} ns per {small}-byte message{share}.")

    def machines(self) -> list[str]:
        """The machine ids of the points (machine.py): never host names."""
        return sorted(self.points["machine_id"].unique()) if len(self.points) else []

    def machine_label(self, host: str) -> str:
        """'AMD EPYC (Zen 4), 2 CPUs, VM (zen4-epyc-2c-vm-…)': machine.json's
        label and the id (`host` here and below is a machine id)."""
        doc = self.machine_docs.get(host)
        if doc:
            return f"{doc.get('label')} ({host})"
        r = self.runs[self.runs["machine_id"] == host].sort_values("created")
        return r["machine"].iloc[-1] if len(r) else host

    def hosts(self, machine_id: str) -> list[str]:
        """The host names a machine's runs recorded."""
        return sorted(set(self.runs.loc[self.runs["machine_id"] == machine_id, "host"].dropna()))

    def latest_run(self, host: str) -> str | None:
        r = self.runs[self.runs["machine_id"] == host].sort_values("created")
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
        p = p[(p["machine_id"] == host) & (p["run_id"] == run_id) & p["mb_per_s"].gt(0)]
        g = p.groupby(list(_point.CONFIG))["mb_per_s"]
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
        return sorted((d for d in self.noise if d.get("machine_id") == host),
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
        docs = sorted((d for d in self.fpu if d.get("machine_id") == host),
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
                       {k: v for k, v in self.run_docs.items() if k[1] in ids},
                       list(self.skipped), dict(self.machine_docs))

    def select(self, machine: str | None = None) -> "Results":
        """Only the machines whose id, or one of whose host names, matches
        (exact, or a glob): `vm` selects every machine that called itself vm."""
        if not machine:
            return self
        import fnmatch
        ids = [m for m in self.machines() if fnmatch.fnmatchcase(m, machine)
               or any(fnmatch.fnmatchcase(h, machine) for h in self.hosts(m))]
        p = self.points[self.points["machine_id"].isin(ids)]
        r = self.runs[self.runs["machine_id"].isin(ids)]
        return Results(p, r, [d for d in self.noise if d.get("machine_id") in ids],
                       [d for d in self.fpu if d.get("machine_id") in ids], list(self.problems),
                       list(self.files), {k: v for k, v in self.run_docs.items() if k[0] in ids},
                       list(self.skipped), {k: v for k, v in self.machine_docs.items()
                                            if k in ids})


def _expand(inputs: Iterable) -> tuple[list[Path], list[str]]:
    """(files, notes): results files under the inputs; results/unattributed/
    is left out with a note (bare output no evidence could place)."""
    out: list[Path] = []
    notes: list[str] = []
    for x in inputs:
        p = Path(x)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                parts = f.relative_to(p).parts[:-1]
                if not f.is_file() or "schema" in parts:
                    continue
                if f.name.endswith((".jsonl", ".jsonl.gz")) and "unattributed" in parts:
                    notes.append(f"{f}: left out: no provenance, and no evidence in its points "
                                 "names its machine (results/unattributed/)")
                    continue
                if f.name.endswith((".jsonl", ".jsonl.gz", ".json")):
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
    return uniq, notes


def _num(x):
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else math.nan


def _flatten(rec: dict, run: dict, host: str, label: str, file: Path,
             file_time: str | None = None, machine_id: str = "") -> dict:
    impl = rec["impl"]
    fam, _, var = impl.partition("/")
    alg = rec["alg"]
    op = rec["op"]
    tm = rec.get("thread_mb_per_s") or {}
    tg = rec.get("thread_core_ghz") or {}
    ci = rec.get("ci95_mb_per_s") or [math.nan, math.nan]
    git = ((run.get("provenance") or {}).get("git") or {}) if run else {}
    return {
        "machine_id": machine_id, "host": host, "machine": label,
        "run_id": rec.get("run_id") or run_id_of(file),
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
        "cv": _num(rec.get("cv")), "cv_target": _num(rec.get("cv_target")),
        "noisy": bool(rec.get("noisy", False)),
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


_RUN_COLS = ["machine_id", "host", "run_id", "created", "machine", "commit", "dirty", "branch",
             "aeslab", "source", "status", "points", "loadavg", "cycle_source", "file", "run_json",
             "attribution"]


class _Machines:
    """machine.json of each folder, loaded once; a bad one is one note and
    leaves out what depends on it."""

    def __init__(self):
        self.docs: dict[Path, dict | None] = {}
        self.errors: dict[Path, str] = {}

    def of(self, folder: Path) -> tuple[dict | None, str]:
        folder = Path(folder)
        if folder not in self.docs:
            try:
                self.docs[folder] = _machine.load(folder / _machine.MACHINE_FILE)
            except _machine.MachineError as e:
                self.docs[folder] = None
                self.errors[folder] = str(e)
        return self.docs[folder], self.errors.get(folder, "")


def _doc_machine(doc: dict, f: Path, machines: _Machines) -> tuple[str | None, str]:
    """The machine of a noise / fpu-cost record: its provenance's."""
    prov = doc.get("provenance")
    if not isinstance(prov, dict) or not prov.get("cpu"):
        return None, f"{f}: left out: no provenance naming its CPU"
    mid = _machine.id_of(prov)
    if doc.get("machine") not in (None, mid):
        return None, (f"{f}: left out: it names machine {doc.get('machine')}, its provenance "
                      f"is {mid}")
    return mid, ""


def load_results(inputs, machine: str | None = None, strict: bool = True,
                 validate: bool = True) -> Results:
    """Every point under `inputs` (folders or files) in one tidy table.

    strict: an invalid point raises ResultsError (with every problem listed);
    otherwise it is left out and listed in Results.problems.  Files that
    cannot be attributed to a machine (see the module's doc) never raise:
    each is one line in Results.skipped, and the rest loads.
    machine: keep only machines whose id or host name matches (or a glob).
    """
    import datetime as _dt
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    files, skipped = _expand(inputs)
    rows: list[dict] = []
    runs: list[dict] = []
    noise: list[dict] = []
    fpu: list[dict] = []
    problems: list[str] = []
    run_docs: dict = {}
    machines = _Machines()
    mdocs: dict = {}
    for f in files:
        if f.name == _machine.MACHINE_FILE:
            doc, err = machines.of(f.parent)
            if err:
                skipped.append(err + " (the runs of its folder are left out)")
            continue
        if f.name.endswith(".json") and not f.name.endswith((".run.json", ".attribution.json")):
            try:
                doc = json.loads(f.read_text())
            except (OSError, ValueError) as e:
                skipped.append(f"{f}: left out: not JSON ({e})")
                continue
            kind = doc.get("kind") if isinstance(doc, dict) else None
            if kind not in ("aeslab-noise/1", "aeslab-fpu-cost/1"):
                continue
            errs = schema_errors(doc, "noise.schema.json" if kind == "aeslab-noise/1"
                                 else "fpu-cost.schema.json") if validate else []
            if errs:
                problems += [f"{f}: {e}" for e in errs]
                continue
            mid, why = _doc_machine(doc, f, machines)
            if mid is None:
                skipped.append(why)
                continue
            doc = {**doc, "machine_id": mid}
            if kind == "aeslab-noise/1":
                if not any(n.get("id") == doc.get("id") and n.get("machine_id") == mid
                           for n in noise):  # noise.json repeats the latest noise-<id>.json
                    noise.append(doc)
            else:
                fpu.append(doc)
            continue
        if not f.name.endswith((".jsonl", ".jsonl.gz")):
            continue
        rid = run_id_of(f)
        run_json = run_file_of(f)
        att_json = f.with_name(rid + ".attribution.json")
        run = None
        attribution = None
        if run_json.exists():
            try:
                run = json.loads(run_json.read_text())
            except (OSError, ValueError) as e:
                skipped.append(f"{run_json}: left out with its points: not valid JSON ({e}); "
                               "a truncated file?")
                continue
            if not isinstance(run, dict) or run.get("schema") == "aeslab-run/1":
                skipped.append(f"{run_json}: left out with its points: a run file of the older "
                               "layout (results/<host>/): run `aeslab migrate`")
                continue
            errs = schema_errors(run, "run.schema.json") if validate else []
            if errs:
                skipped.append(f"{run_json}: left out with its points: {errs[0]}"
                               + (f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""))
                continue
            mid = run.get("machine")
            mine = _machine.id_of(run.get("provenance") or {})
            if mid != mine:
                skipped.append(f"{run_json}: left out with its points: it names machine {mid}, "
                               f"but its provenance is {mine} (edited by hand?)")
                continue
        elif att_json.exists():
            try:
                attribution = json.loads(att_json.read_text())
                mid = attribution["machine"]
            except (OSError, ValueError, KeyError, TypeError) as e:
                skipped.append(f"{att_json}: left out with its points: unreadable ({e})")
                continue
        else:
            skipped.append(f"{f}: left out: no provenance (no {run_json.name}) and no "
                           f"attribution ({att_json.name}); `aeslab migrate` attributes old "
                           "bare aesbench output only where its points prove the machine")
            continue
        mdoc, err = machines.of(f.parent)
        if mdoc is None:
            skipped.append(f"{f}: left out: its machine is unknown ({err})")
            continue
        if mdoc["id"] != mid:
            skipped.append(f"{f}: left out: its run names machine {mid}, but it lies in the "
                           f"folder of {mdoc['id']}")
            continue
        mdocs[mid] = mdoc
        host = (run or {}).get("host") or mdoc.get("first_host") or f.parent.name
        # A run still being written renames its .jsonl to .jsonl.gz when it
        # ends, so a file listed a moment ago may be gone: leave it out.
        try:
            points = list(iter_points(f))
            # bare output carries no times: the stamp in its name, else the file's mtime
            m = re.search(r"(\d{8}T\d{6}Z)", f.name)
            if m:
                when = _dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=_dt.timezone.utc)
            else:
                when = _dt.datetime.fromtimestamp(f.stat().st_mtime, _dt.timezone.utc)
            ftime = when.isoformat()
        except OSError as e:
            skipped.append(f"{f}: left out: unreadable ({e.strerror or e}; a run that was "
                           "still writing it may have just compressed it)")
            continue
        prov = (run or {}).get("provenance")
        label = mdoc.get("label") or machine_label(prov, host)
        n = 0
        for line, rec, err in points:
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
            rows.append(_flatten(rec, run or {}, host, label, f, ftime, mid))
            n += 1
        rid = (run or {}).get("run_id") or rid
        git = (prov or {}).get("git") or {}
        la = (prov or {}).get("load_average") or [math.nan]
        runs.append({"machine_id": mid, "host": host, "run_id": rid,
                     "created": (run or {}).get("created") or (rows[-1]["time"] if n else ftime),
                     "machine": label, "commit": git.get("commit"), "dirty": git.get("dirty"),
                     "branch": git.get("branch"), "aeslab": (run or {}).get("aeslab"),
                     "source": (run or {}).get("source") or ("bare aesbench output, attributed: "
                                                             + str(att_json.name)),
                     "status": (run or {}).get("status"),
                     "points": n, "loadavg": la[0],
                     "cycle_source": ((prov or {}).get("clock") or {}).get("cycle_source"),
                     "file": str(f), "run_json": str(run_json) if run else None,
                     "attribution": str(att_json) if attribution else None})
        if run:
            run_docs[(mid, rid)] = run
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
    runs_df = runs_df.sort_values(["machine_id", "created"]).reset_index(drop=True)
    res = Results(points, runs_df, noise, fpu, problems, files, run_docs, skipped=skipped,
                  machine_docs=mdocs)
    if not len(points) and not noise and not fpu:
        raise ResultsError("no results found in " + ", ".join(map(str, inputs))
                           + (": " + "; ".join(skipped[:3]) if skipped else ""))
    return res.select(machine) if machine else res

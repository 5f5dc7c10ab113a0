"""`aeslab migrate [SOURCE...]`: bring results of the older layout
(``results/<host>/``: run files aeslab-run/1 with the expanded plan inside,
plain JSONL, bare aesbench output) into ``results/<machine-id>/``.

Each run goes to the machine its own provenance names (machine.py), never
to its host name: two CPUs under one host name become two machines.  A run
file becomes aeslab-run/2 (the plan as a digest when the run is complete;
an incomplete run keeps its groups so it can still be resumed); a complete
run's points are packed (.jsonl.gz), byte for byte the lines they were.
Noise and FPU-cost records follow their provenance too.

Bare ``aesbench run --format jsonl`` output has no provenance.  It is
attributed only from evidence in its own points, and only when that
evidence is unambiguous: the ISA paths it measured ok need CPU flags that
exactly one known machine has, its TSC rate is one of that machine's, and
the date in its name falls within that machine's runs (a day either side).
Then it is packed beside an ``<name>.attribution.json`` that states the
evidence; otherwise it goes to ``results/unattributed/`` and reports leave
it out with a note.  Nothing is guessed.

SOURCE folders outside the results folder (another checkout's results, a
colleague's run) are copied, never changed.  Running it again changes
nothing: what is already there identically is skipped, and a different file
under the same name is an error, never overwritten.
"""
from __future__ import annotations

import datetime as _dt
import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import machine, matrix, paths
from .store import iter_points, read_bytes, run_id_of, write_json_atomic

UNATTRIBUTED = "unattributed"
STAMP = re.compile(r"(\d{8}T\d{6}Z)")
DAY = _dt.timedelta(days=1)


class MigrateError(Exception):
    pass


@dataclass
class Known:
    """What the results say about one machine: for attributing bare files."""
    id: str
    fingerprint: dict
    tsc: set = field(default_factory=set)
    first: _dt.datetime | None = None
    last: _dt.datetime | None = None

    def see(self, prov: dict, created: str) -> None:
        t = _when(created)
        if t:
            self.first = min(self.first or t, t)
            self.last = max(self.last or t, t)
        tsc = ((prov or {}).get("clock") or {}).get("tsc_ghz")
        if isinstance(tsc, (int, float)):
            self.tsc.add(round(float(tsc), 3))


@dataclass
class Report:
    moved: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    unattributed: list = field(default_factory=list)
    machines: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"machine {m}: {label}" for m, label in sorted(self.machines.items())]
        out += [f"migrated: {a} -> {b}" for a, b in self.moved]
        out += [f"already there: {a}" for a in self.skipped]
        out += [f"not attributed: {a}: {why}" for a, why in self.unattributed]
        return out or ["nothing to migrate"]


def _when(s) -> _dt.datetime | None:
    if not s:
        return None
    s = str(s)
    try:
        if STAMP.fullmatch(s):
            return _dt.datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
        return _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def _json(path: Path) -> dict:
    try:
        d = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise MigrateError(f"{path}: not valid JSON ({e}); nothing migrated from it") from None
    if not isinstance(d, dict):
        raise MigrateError(f"{path}: not a JSON object")
    return d


def _dump(obj: dict) -> bytes:
    return (json.dumps(obj, indent=1) + "\n").encode()


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


class Migration:
    def __init__(self, results: Path, dry_run: bool = False):
        self.results = Path(results)
        self.dry = dry_run
        self.rep = Report()
        self.known: dict[str, Known] = {}
        self.remove: list[Path] = []
        for mid, folder in machine.machines(self.results).items():
            doc = machine.load(folder / machine.MACHINE_FILE)
            k = self.known.setdefault(mid, Known(mid, doc["fingerprint"]))
            for rj in folder.glob("*.run.json"):
                try:
                    r = json.loads(rj.read_text())
                except (OSError, ValueError):
                    continue
                k.see(r.get("provenance") or {}, r.get("created"))

    # -- writing --------------------------------------------------------------------
    def _put(self, dest: Path, data: bytes, src: str) -> bool:
        """Write dest unless it is already there with these bytes; a
        different file there is an error.  True if written (or would be)."""
        if dest.exists():
            if dest.read_bytes() == data:
                self.rep.skipped.append(str(dest))
                return False
            raise MigrateError(f"{dest}: already exists with other content; {src} not migrated "
                               "(move one of them away first)")
        if not self.dry:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(dest)
        self.rep.moved.append((src, str(dest)))
        return True

    def _machine(self, prov: dict, created: str, src: str) -> str:
        doc = machine.document(prov, created, f"aeslab migrate ({src})")
        mid = doc["id"]
        self.rep.machines[mid] = doc["label"]
        k = self.known.setdefault(mid, Known(mid, doc["fingerprint"]))
        k.see(prov, created)
        if not self.dry:
            machine.ensure(self.results, prov, created, f"aeslab migrate ({src})")
        return mid

    # -- sources ---------------------------------------------------------------------
    def run(self, folders: list[Path], inside: set[Path]) -> Report:
        runs, docs, bare, other = [], [], [], []
        for d in folders:
            for f in sorted(d.iterdir()):
                if not f.is_file():
                    continue
                n = f.name
                if n.endswith(".run.json"):
                    runs.append(f)
                elif n.endswith((".jsonl", ".jsonl.gz")):
                    if not (d / (run_id_of(f) + ".run.json")).exists():
                        bare.append(f)
                elif n == "noise.json":
                    self.remove.append(f) if d in inside else None  # rebuilt per machine
                elif n.endswith(".json"):
                    docs.append(f)
                else:
                    other.append(f)
        # runs first, oldest first: machine.json records the first run that met it
        loaded = [(f, _json(f)) for f in runs]
        loaded.sort(key=lambda x: str(x[1].get("created")))
        for f, r in loaded:
            self._run(f, r, f.parent in inside)
        for f in docs:
            self._doc(f, f.parent in inside)
        placed: dict[tuple[Path, str], str] = {}
        for f in bare:
            mid = self._bare(f, f.parent in inside)
            m = STAMP.search(f.name)
            if mid and m:
                placed[(f.parent, m.group(1))] = mid
        for f in other:
            m = STAMP.search(f.name)
            mid = placed.get((f.parent, m.group(1))) if m else None
            if mid is None and f.name.lower() == "readme.md":
                mids = {self._mid_of_run(r) for rf, r in loaded if rf.parent == f.parent}
                mid = mids.pop() if len(mids) == 1 else None
                if mid:
                    rid = next(run_id_of(rf) for rf, _ in loaded if rf.parent == f.parent)
                    self._put(self.results / mid / f"{rid}.README.md", f.read_bytes(), str(f))
                    if f.parent in inside:
                        self.remove.append(f)
                    continue
            dest = (self.results / mid / f.name) if mid else \
                (self.results / UNATTRIBUTED / f.parent.name / f.name)
            self._put(dest, f.read_bytes(), str(f))
            if f.parent in inside:
                self.remove.append(f)
        self._noise_latest()
        if not self.dry:
            for f in self.remove:
                f.unlink(missing_ok=True)
            for d in folders:
                if d in inside and d.exists() and not any(d.iterdir()):
                    d.rmdir()
        return self.rep

    def _mid_of_run(self, r: dict) -> str | None:
        prov = r.get("provenance")
        return machine.id_of(prov) if isinstance(prov, dict) and prov.get("cpu") else None

    def _run(self, f: Path, r: dict, inside: bool) -> None:
        rid = r.get("run_id") or run_id_of(f)
        prov = r.get("provenance")
        if not isinstance(prov, dict) or not prov.get("cpu"):
            raise MigrateError(f"{f}: no provenance with a CPU; cannot tell its machine")
        mid = self._machine(prov, r.get("created") or "", str(f))
        pts = next((p for p in (f.with_name(rid + ".jsonl"), f.with_name(rid + ".jsonl.gz"))
                    if p.exists()), None)
        new = dict(r)
        if r.get("schema") == "aeslab-run/1":
            groups = new.pop("groups", None) or []
            gs = [matrix.Group.from_json(g) for g in groups]
            freqs = []
            for g in gs:
                if g.freq not in freqs:
                    freqs.append(g.freq)
            new = {"schema": "aeslab-run/2", "run_id": rid, "machine": mid,
                   **{k: v for k, v in new.items() if k not in ("schema", "run_id")}}
            new["plan"] = {"freqs": freqs or ["as-is"], "groups": len(gs),
                           "digest": matrix.plan_digest(gs)}
            if r.get("status") != "complete":
                new["groups"] = groups  # kept: a resume of an incomplete run needs them
            for s in new.get("sessions") or []:
                s.pop("provenance", None)  # session 0's is the run's; later ones keep "changes"
            new["migrated"] = {"from": f"{f.parent.name}/{f.name}", "by": "aeslab migrate"}
        elif r.get("schema") == "aeslab-run/2":
            if new.get("machine") != mid:
                raise MigrateError(f"{f}: names machine {new.get('machine')!r}, its provenance "
                                   f"is {mid}")
        else:
            raise MigrateError(f"{f}: not an aeslab run file (schema {r.get('schema')!r})")
        folder = self.results / mid
        self._put(folder / f"{rid}.run.json", _dump(new), str(f))
        if pts is not None:
            data = read_bytes(pts)
            if new.get("status") == "complete":
                self._put(folder / f"{rid}.jsonl.gz", _gz(data), str(pts))
            else:
                self._put(folder / f"{rid}.jsonl", data, str(pts))
            if inside:
                self.remove.append(pts)
        if inside:
            self.remove.append(f)

    def _doc(self, f: Path, inside: bool) -> None:
        d = _json(f)
        prov = d.get("provenance")
        kind = d.get("kind")
        mid = None
        if isinstance(prov, dict) and prov.get("cpu"):
            mid = self._machine(prov, d.get("created") or "", str(f))
        elif kind == "aeslab-pipes/1":
            h = d.get("harness") or {}
            hits = [k.id for k in self.known.values()
                    if k.fingerprint.get("family") == h.get("family")
                    and k.fingerprint.get("model") == h.get("model")]
            mid = hits[0] if len(hits) == 1 else None
        if mid is None:
            self.rep.unattributed.append((str(f), "no provenance naming its CPU"))
            self._put(self.results / UNATTRIBUTED / f.parent.name / f.name, f.read_bytes(),
                      str(f))
        else:
            if kind in ("aeslab-noise/1", "aeslab-fpu-cost/1", "aeslab-pipes/1"):
                d = {**d, "machine": mid}
            self._put(self.results / mid / f.name, _dump(d), str(f))
        if inside:
            self.remove.append(f)

    def _noise_latest(self) -> None:
        """noise.json in each machine folder: its latest A/A check."""
        for mid in sorted(self.rep.machines):
            folder = self.results / mid
            docs = []
            for f in folder.glob("noise-*.json"):
                try:
                    docs.append(json.loads(f.read_bytes()))
                except (OSError, ValueError):
                    continue
            if not docs or self.dry:
                continue
            latest = max(docs, key=lambda d: d.get("created", ""))
            dest = folder / "noise.json"
            data = _dump(latest)
            if not (dest.exists() and dest.read_bytes() == data):
                dest.write_bytes(data)

    # -- bare aesbench output -----------------------------------------------------------
    def attribute(self, f: Path) -> tuple[str | None, list[str]]:
        """(machine id, evidence) or (None, why not)."""
        isas, tscs, n = set(), set(), 0
        for _, r, err in iter_points(f):
            if r is None:
                return None, [f"unreadable line ({err})"]
            n += 1
            if r.get("status") == "ok":
                isas.add(r.get("isa"))
                if isinstance(r.get("tsc_ghz"), (int, float)):
                    tscs.add(round(float(r["tsc_ghz"]), 3))
        if not n:
            return None, ["no points"]
        needs = machine.needed_flags(i for i in isas if i)
        if not needs:
            return None, ["its points measured no ISA path that needs a particular CPU flag"]
        have = [k for k in self.known.values() if needs <= set(k.fingerprint.get("isa") or [])]
        flags = " ".join(sorted(needs))
        if len(have) != 1:
            return None, [f"{len(have)} known machines have the flags its ok points need "
                          f"({flags}): ambiguous" if have else
                          f"no known machine has the flags its ok points need ({flags})"]
        k = have[0]
        ev = [f"its points measured {', '.join(sorted(i for i in isas if i in machine.ISA_NEEDS))} "
              f"ok, which need {flags}: of the {len(self.known)} known machines only {k.id} has "
              "them"]
        if tscs:
            off = [t for t in tscs if not any(abs(t - x) <= 0.002 for x in k.tsc)]
            if off or not k.tsc:
                return None, [f"its TSC rate {sorted(tscs)} GHz is not {k.id}'s "
                              f"({sorted(k.tsc)} GHz)"]
            ev.append(f"its TSC rate, {', '.join(f'{t:.3f}' for t in sorted(tscs))} GHz, is "
                      f"{k.id}'s")
        m = STAMP.search(f.name)
        if not m:
            return None, ["no date in its name to check against the machine's runs"]
        t = _when(m.group(1))
        if not (k.first and k.last and k.first - DAY <= t <= k.last + DAY):
            return None, [f"its date {m.group(1)} is not within a day of {k.id}'s runs"]
        ev.append(f"its date ({m.group(1)}, in its name) falls within {k.id}'s runs "
                  f"({k.first:%Y-%m-%dT%H:%MZ} .. {k.last:%Y-%m-%dT%H:%MZ})")
        others = [o for o in self.known.values() if o.id != k.id and o.first and o.last
                  and o.first - DAY <= t <= o.last + DAY]
        if others:
            ev.append("(other machines also ran then: " + ", ".join(o.id for o in others)
                      + "; they lack the flags)")
        return k.id, ev

    def _bare(self, f: Path, inside: bool) -> str | None:
        mid, ev = self.attribute(f)
        base = run_id_of(f)
        if mid is None:
            self.rep.unattributed.append((str(f), "; ".join(ev)))
            self._put(self.results / UNATTRIBUTED / f.parent.name / f.name, f.read_bytes(),
                      str(f))
        else:
            folder = self.results / mid
            att = {"schema": "aeslab-attribution/1", "file": f"{base}.jsonl.gz", "machine": mid,
                   "evidence": ev, "from": f"{f.parent.name}/{f.name}", "by": "aeslab migrate"}
            self._put(folder / f"{base}.attribution.json", _dump(att), str(f))
            self._put(folder / f"{base}.jsonl.gz", _gz(read_bytes(f)), str(f))
            self.rep.machines.setdefault(mid, mid)
        if inside:
            self.remove.append(f)
        return mid


def old_folders(results: Path) -> list[Path]:
    """Folders of results/ in the older layout (no machine.json)."""
    out = []
    for d in sorted(Path(results).iterdir()) if Path(results).is_dir() else []:
        if d.is_dir() and d.name not in ("schema", UNATTRIBUTED) and not d.name.startswith(".") \
                and not (d / machine.MACHINE_FILE).exists():
            out.append(d)
    return out


def migrate(results: Path, sources: list[Path] = (), dry_run: bool = False) -> Report:
    results = Path(results)
    inside = set(old_folders(results))
    folders = sorted(inside) + [Path(s) for s in sources]
    for s in sources:
        if not Path(s).is_dir():
            raise MigrateError(f"{s}: no such folder")
    m = Migration(results, dry_run)
    rep = m.run(folders, inside)
    for mid in rep.machines:
        if mid in m.known:
            rep.machines[mid] = label_of(results / mid) or rep.machines[mid]
    return rep


def label_of(folder: Path) -> str | None:
    try:
        return machine.load(folder / machine.MACHINE_FILE)["label"]
    except machine.MachineError:
        return None


def migrate_command(a) -> int:
    try:
        rep = migrate(paths.results_dir(a.results), [Path(s) for s in a.sources], a.dry_run)
    except (MigrateError, machine.MachineError) as e:
        print(f"aeslab migrate: {e}", file=sys.stderr)
        return 1
    for line in rep.lines():
        print(line)
    if a.dry_run:
        print("(dry run: nothing written)")
    return 0


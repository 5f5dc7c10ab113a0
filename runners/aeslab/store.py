"""Results on disk: never lose a finished point, never store one twice.

Layout: ``<results>/<machine-id>/machine.json`` (the machine, written once:
see machine.py), and per run ``<run-id>.run.json`` (the run's provenance,
matrix and sessions, replaced atomically) beside its points: while the run
measures, ``<run-id>.jsonl`` (one point per line, appended and fsynced as
each point arrives); once it is complete, ``<run-id>.jsonl.gz`` (the same
lines, gzip'd: about 80 bytes a point instead of 900).  run.json is written
before the first point, so nothing measured exists without its provenance.
Readers read both forms; a resume of a packed run unpacks it first.

A point line is either whole (ends in a newline and parses) or the torn tail
of a write interrupted by a power cut; the torn tail is cut off when the run
is resumed and that point is measured again.
"""
from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import gzip
import json
import os
import re
from pathlib import Path
from typing import Iterator

from . import paths


def utcnow() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id(folder: Path, prefix: str = "") -> str:
    """A time-stamped id no file in folder has yet: a run's points and run
    file, or with prefix, a record named <prefix><id>.json (pipes-, noise-,
    fpu-cost-): two records in one second get -1, -2, ..."""
    base = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    names = (f"{prefix}{{}}.json",) if prefix else ("{}.jsonl", "{}.jsonl.gz", "{}.run.json")
    rid, n = base, 1
    while any((folder / name.format(rid)).exists() for name in names):
        rid = f"{base}-{n}"
        n += 1
    return rid


RUN_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_run_id(rid: str) -> str:
    """A run id given by hand (`aeslab run --run-id`): it names files, so
    letters, digits, '.', '_' and '-', at most 100, and no file suffix."""
    if not RUN_ID_RE.fullmatch(rid) or rid.endswith((".jsonl", ".gz", ".json")):
        raise StoreError(f"run id {rid!r}: use letters, digits, '.', '_' and '-' "
                         "(at most 100, starting with a letter or digit, no file suffix)")
    return rid


def fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, obj: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


class StoreError(Exception):
    pass


POINTS_EXT = (".jsonl", ".jsonl.gz")


def run_id_of(path: Path) -> str:
    """The run id of a points or run file name."""
    n = Path(path).name
    for ext in (".jsonl.gz", ".jsonl", ".run.json"):
        if n.endswith(ext):
            return n[:-len(ext)]
    return Path(path).stem


def run_file_of(points: Path) -> Path:
    return Path(points).with_name(run_id_of(points) + ".run.json")


def points_file(folder: Path, run_id: str) -> Path | None:
    """The points file of a run: the plain one while it exists (a run being
    measured, or a pack cut short), else the packed one; None if neither."""
    for ext in POINTS_EXT:
        p = Path(folder) / f"{run_id}{ext}"
        if p.exists():
            return p
    return None


def find_run(results: Path, run_id: str) -> Path | None:
    """The machine folder holding this run, or None."""
    hits = sorted(Path(results).glob(f"*/{run_id}.run.json"))
    if len(hits) > 1:
        raise StoreError(f"run {run_id} is stored under several machines: "
                         + ", ".join(str(h.parent) for h in hits))
    return hits[0].parent if hits else None


class RunStore:
    def __init__(self, results: Path, machine: str, run_id: str):
        self.folder = Path(results) / machine
        self.run_id = run_id
        self.points_path = self.folder / f"{run_id}.jsonl"
        self.packed_path = self.folder / f"{run_id}.jsonl.gz"
        self.run_path = self.folder / f"{run_id}.run.json"
        self._f = None
        self.repaired = 0

    @property
    def stored_path(self) -> Path:
        """Where the points are now (plain while measuring, packed when complete)."""
        return self.points_path if self.points_path.exists() or not self.packed_path.exists() \
            else self.packed_path

    def exists(self) -> bool:
        return self.run_path.exists()

    def create(self, run: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.run_path, run)  # provenance first
        fd = os.open(self.points_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.fsync(fd)
        os.close(fd)
        fsync_dir(self.folder)

    def load_run(self) -> dict:
        try:
            return json.loads(self.run_path.read_text())
        except FileNotFoundError:
            raise StoreError(f"no run {self.run_id} in {self.folder} "
                             f"({self.run_path.name} not found)") from None
        except json.JSONDecodeError as e:
            raise StoreError(f"{self.run_path}: not valid JSON ({e})") from None

    def save_run(self, run: dict) -> None:
        write_json_atomic(self.run_path, run)

    def read_points(self, repair: bool = False) -> list[dict]:
        """Stored points.  A torn tail (the last line, cut by a power cut or a
        kill mid-write) is dropped, and cut off the file if repair is set; a
        bad line elsewhere is an error (`aeslab validate` says where)."""
        self.repaired = 0
        if not self.points_path.exists() and self.packed_path.exists():
            if repair:
                self.unpack()
            else:
                return [r for _, r, _ in iter_points(self.packed_path) if r is not None]
        if not self.points_path.exists():
            if repair:  # run.json was written, the kill came before the points file
                self.points_path.touch()
                return []
            raise StoreError(f"{self.points_path} not found")
        data = self.points_path.read_bytes()
        lines = data.split(b"\n")
        tail = lines.pop()  # b"" when the file ends in a newline
        out: list[dict] = []
        good_end = 0
        for i, raw in enumerate(lines):
            try:
                rec = json.loads(raw)
                if not isinstance(rec, dict):
                    raise ValueError("not an object")
            except ValueError:
                if i == len(lines) - 1 and not tail:
                    break  # the last whole line is garbage: a torn write too
                raise StoreError(f"{self.points_path}:{i + 1}: not a JSON point; "
                                 "run `aeslab validate` on it") from None
            out.append(rec)
            good_end += len(raw) + 1
        if good_end != len(data):
            self.repaired = len(data) - good_end
            if repair:
                with open(self.points_path, "r+b") as f:
                    f.truncate(good_end)
                    f.flush()
                    os.fsync(f.fileno())
        return out

    def open_append(self) -> None:
        if not self.points_path.exists() and self.packed_path.exists():
            self.unpack()
        self._f = open(self.points_path, "ab")

    def pack(self) -> None:
        """Compress a finished run's points: the .gz is written, fsynced and
        renamed into place before the plain file goes, so a crash at any
        moment leaves at least one whole copy (readers prefer the plain one)."""
        if not self.points_path.exists():
            return
        tmp = self.packed_path.with_name(f".{self.packed_path.name}.tmp{os.getpid()}")
        data = self.points_path.read_bytes()
        with open(tmp, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0,
                               filename="") as gz:
                gz.write(data)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, self.packed_path)
        fsync_dir(self.folder)
        self.points_path.unlink()
        fsync_dir(self.folder)

    def unpack(self) -> None:
        """Back to plain JSONL (a resume appends to it)."""
        tmp = self.points_path.with_name(f".{self.points_path.name}.tmp{os.getpid()}")
        with gzip.open(self.packed_path, "rb") as gz, open(tmp, "wb") as f:
            f.write(gz.read())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.points_path)
        fsync_dir(self.folder)
        self.packed_path.unlink()
        fsync_dir(self.folder)

    def append(self, rec: dict) -> None:
        line = (json.dumps(rec, separators=(", ", ": ")) + "\n").encode()
        assert self._f is not None
        self._f.write(line)
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if self._f:
            self._f.close()
            self._f = None


def read_bytes(path: Path) -> bytes:
    """A points file's bytes, plain or gzip'd (.gz); a damaged .gz is an
    OSError/EOFError naming nothing: callers name the file."""
    path = Path(path)
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    return path.read_bytes()


def iter_points(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, record or None, error) for every line of a JSONL file
    (plain or .jsonl.gz)."""
    try:
        data = read_bytes(path)
    except (EOFError, gzip.BadGzipFile, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        yield 0, None, f"cannot read: {e} (a truncated or damaged .gz?)"
        return
    lines = data.split(b"\n")
    for i, raw in enumerate(lines):
        if i == len(lines) - 1 and raw == b"":
            break
        try:
            yield i + 1, json.loads(raw), ""
        except ValueError as e:
            torn = i == len(lines) - 1
            yield i + 1, None, ("truncated last line (no newline: a run killed mid-write?)"
                                if torn else f"not JSON: {e}")


def resolve_inputs(inputs: list[str], results: str | None) -> list[Path]:
    """Points files (plain or .gz), or run ids looked up under
    results/<machine-id>/ (any machine)."""
    out = []
    for x in inputs:
        p = Path(x)
        if p.exists():
            out.append(p)
            continue
        root = paths.results_dir(results)
        hits = [f for d in sorted(h.parent for h in root.glob(f"*/{x}.run.json"))
                if (f := points_file(d, x)) is not None]
        if not hits:
            raise FileNotFoundError(f"{x}: no such file or run id under {root}")
        out.extend(hits)
    return out


# ---- one run per machine -------------------------------------------------------

class Lock:
    """flock on a machine-wide file: the kernel drops it when the holder dies,
    even by SIGKILL, so a stale lock cannot block the next run."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path or paths.lock_path())
        self.fd: int | None = None

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return "another aeslab process"
        return (f"aeslab pid {info.get('pid')} ({info.get('what', 'run')} "
                f"{info.get('run_id', '')}, since {info.get('since', '?')})")

    def acquire(self, what: str, run_id: str = "", wait: bool = False) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise StoreError(f"{self.holder()} is measuring on this machine; two runs at once "
                                 "spoil each other's numbers, so this one is refused (wait for it, "
                                 "or pass --wait to queue behind it)") from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "what": what, "run_id": run_id,
                                 "since": utcnow()}).encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            except OSError:
                pass
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

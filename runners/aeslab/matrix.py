"""The run matrix: presets, config files (TOML or YAML), flags, and their
expansion into groups of points.

A config has top-level settings and optional ``[[block]]`` sub-matrices that
override them (a preset such as ``seeds`` is several blocks, one per seed
table).  Flags given on the command line override the top level *and* every
block, so ``aeslab run --preset seeds --threads 1,2`` means what it says.

A *point* is one measurement: (impl, alg, op, size, aad, threads, offset,
pinned, smt, freq, rep).  A *group* is the points of one implementation and
algorithm at one setting of everything else; each group is measured by one
``aesbench run`` child process (ops x sizes), which is what isolates a crash.
"""
from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
from dataclasses import dataclass, field, asdict
from pathlib import Path
from typing import Any

from . import point

from . import paths

ALGS = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"]
GCM_OPS = ["seal", "open", "seal-hp"]
XTS_OPS = ["enc", "dec"]
OPS = GCM_OPS + XTS_OPS

# Message sizes named in the seeds: Tables 1-4 of seed 000, the openssl speed
# buffers of seed 002, the QUIC packet of seed 003, the sectors of seed 004.
SEED_SIZES = [16, 63, 64, 200, 300, 500, 512, 1024, 1420, 1440, 4095, 4096, 8192, 16384]

DEFAULTS: dict[str, Any] = {
    "impl": ["*"],
    "exclude": [],
    "isa": ["*"],
    "alg": ["aes-128-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"],
    "op": ["seal", "open", "enc", "dec"],
    "sizes": ["seeds"],
    "aad": [16],
    "threads": [1],
    "offset": [0],
    "freq": ["as-is"],
    "governor": "",
    "boost": "",
    "retries": 2,
    "repeat": 1,
    "smt": False,
    "pin": True,
    "min_time": 0.01,
    "samples": 5,
    "max_samples": 15,
    "cv_target": 0.05,
    "point_budget": 0.5,
    "budget": 0,
    "timeout": 0,
    "clock": "auto",
    "cold": False,
}

# keys a block may override (the run-wide ones stay at top level)
BLOCK_KEYS = {"impl", "exclude", "isa", "alg", "op", "sizes", "aad", "threads", "offset",
              "smt", "pin", "min_time", "samples", "max_samples", "cv_target",
              "point_budget", "cold", "name", "note"}
RUN_KEYS = {"freq", "governor", "boost", "repeat", "retries", "budget", "timeout", "clock"}


class ConfigError(Exception):
    """A config, preset or flag that cannot be used; the message says why."""


# ---- value parsing -----------------------------------------------------------

def _as_list(v: Any) -> list:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        out: list = []
        for x in v:
            out.extend(_as_list(x) if isinstance(x, str) and "," in x else [x])
        return out
    if isinstance(v, str):
        return [t.strip() for t in v.split(",") if t.strip()]
    return [v]


def _as_bool(v: Any, what: str) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise ConfigError(f"{what} must be true or false, not {v!r}")


def parse_size(tok: Any) -> list[int]:
    if isinstance(tok, bool):
        raise ConfigError(f"size {tok!r} is not a number of bytes")
    if isinstance(tok, int):
        if tok < 0:
            raise ConfigError(f"size {tok} is negative")
        return [tok]
    s = str(tok).strip().lower()
    if s == "seeds":
        return list(SEED_SIZES)
    m = re.fullmatch(r"(\d+)(k|kb|kib)?", s)
    if m:
        return [int(m.group(1)) * (1024 if m.group(2) else 1)]
    m = re.fullmatch(r"(\d+)(k?)\.\.(\d+)(k?)", s)
    if m:  # powers of two from a to b
        a = int(m.group(1)) * (1024 if m.group(2) else 1)
        b = int(m.group(3)) * (1024 if m.group(4) else 1)
        if a <= 0 or b < a:
            raise ConfigError(f"size range {tok!r} must be a..b with 0 < a <= b")
        out, x = [], a
        while x <= b:
            out.append(x)
            x *= 2
        return out
    raise ConfigError(f"size {tok!r} is not a number of bytes (e.g. 64, 4k, 16..16384, seeds)")


def parse_sizes(v: Any) -> list[int]:
    out: list[int] = []
    for tok in _as_list(v):
        for s in parse_size(tok):
            if s not in out:
                out.append(s)
    if not out:
        raise ConfigError("sizes is empty")
    return out


def nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def parse_threads(v: Any, ncpu: int | None = None) -> list[int]:
    """Thread counts: numbers, 'nproc', 'pow2' (1,2,4,...,nproc), or an
    ellipsis continuing the last two values: '1,2,4,...,nproc'."""
    ncpu = ncpu or nproc()
    toks = _as_list(v)
    vals: list[int] = []
    i = 0

    def num(t: Any) -> int:
        if isinstance(t, bool):
            raise ConfigError(f"thread count {t!r} is not a number")
        if isinstance(t, int):
            n = t
        elif str(t).strip().lower() == "nproc":
            n = ncpu
        elif re.fullmatch(r"\d+", str(t).strip()):
            n = int(str(t).strip())
        else:
            raise ConfigError(f"thread count {t!r} is not a number, 'nproc' or 'pow2'")
        if n < 1 or n > 1024:
            raise ConfigError(f"thread count {n} is out of range (1..1024)")
        return n

    while i < len(toks):
        t = toks[i]
        s = str(t).strip().lower()
        if s == "pow2":
            x = 1
            while x < ncpu:
                vals.append(x)
                x *= 2
            vals.append(ncpu)
        elif s in ("...", "\u2026"):
            if len(vals) < 2 or i + 1 >= len(toks):
                raise ConfigError("'...' in threads needs two values before it and one after "
                                  "(e.g. 1,2,4,...,nproc)")
            a, b, end = vals[-2], vals[-1], num(toks[i + 1])
            if len(vals) >= 3 and vals[-3] * b == a * a and b > a:
                ratio, step = b // a, 0          # 1,2,4,... doubles
            elif len(vals) >= 3 and b - a == a - vals[-3] and b > a:
                ratio, step = 1, b - a           # 2,4,6,... steps
            elif b == 2 * a:
                ratio, step = 2, 0
            elif b > a:
                ratio, step = 1, b - a
            else:
                raise ConfigError("'...' in threads needs increasing values before it")
            vals = [x for x in vals if x <= end]  # 1,2,4,...,nproc on 2 CPUs is 1,2
            x = b
            while True:
                x = x * ratio + step
                if x >= end:
                    break
                vals.append(x)
            vals.append(end)
            i += 1
        else:
            vals.append(num(t))
        i += 1
    out: list[int] = []
    for n in vals:
        if n not in out:
            out.append(n)
    if not out:
        raise ConfigError("threads is empty")
    return out


def parse_seconds(v: Any, what: str) -> float:
    if isinstance(v, bool):
        raise ConfigError(f"{what}: {v!r} is not a duration")
    if isinstance(v, (int, float)):
        if v < 0:
            raise ConfigError(f"{what}: {v} is negative")
        return float(v)
    s = str(v).strip().lower()
    m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|min|h)?", s)
    if not m:
        raise ConfigError(f"{what}: {v!r} is not a duration (e.g. 0.01, 20ms, 90s, 10m, 1h)")
    x = float(m.group(1))
    unit = m.group(2) or "s"
    return x * {"ms": 1e-3, "s": 1, "m": 60, "min": 60, "h": 3600}[unit]


def parse_freq(tok: Any) -> str:
    s = str(tok).strip()
    low = s.lower()
    if low in ("as-is", "max", "min"):
        return low
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ghz|mhz)", low)
    if not m:
        raise ConfigError(f"frequency {tok!r} is not as-is, max, min or e.g. 2.0GHz / 2600MHz")
    ghz = float(m.group(1)) / (1000 if m.group(2) == "mhz" else 1)
    if not 0.1 <= ghz <= 10:
        raise ConfigError(f"frequency {tok!r} is out of range")
    return f"{ghz:g}GHz"


# ---- config files ----------------------------------------------------------------

def _load_toml(text: str, name: str) -> dict:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover
        import tomli as tomllib  # type: ignore
    try:
        return tomllib.loads(text)
    except Exception as e:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{name}: not valid TOML: {e}") from None


def _load_yaml(text: str, name: str) -> dict:
    import yaml
    try:
        d = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"{name}: not valid YAML: {e}") from None
    return d if d is not None else {}


def load_file(path: str | Path) -> dict:
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as e:
        raise ConfigError(f"{p}: cannot read: {e.strerror}") from None
    if p.suffix.lower() in (".yaml", ".yml"):
        d = _load_yaml(text, str(p))
    elif p.suffix.lower() == ".json":
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise ConfigError(f"{p}: not valid JSON: {e}") from None
    else:
        d = _load_toml(text, str(p))
    if not isinstance(d, dict):
        raise ConfigError(f"{p}: a config is a table of settings, not {type(d).__name__}")
    check_schema(d, str(p))
    return d


def check_schema(d: dict, name: str) -> None:
    import jsonschema
    schema = json.loads(paths.config_schema().read_text())
    v = jsonschema.Draft202012Validator(schema)
    errs = sorted(v.iter_errors(d), key=lambda e: list(e.absolute_path))
    if errs:
        e = errs[0]
        where = "/".join(str(x) for x in e.absolute_path) or "(top level)"
        more = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
        raise ConfigError(f"{name}: at {where}: {e.message}{more}")


def preset_names() -> list[str]:
    return sorted(p.stem for p in paths.presets_dir().glob("*.toml"))


def load_preset(name: str) -> dict:
    p = paths.presets_dir() / f"{name}.toml"
    if not p.is_file():
        raise ConfigError(f"unknown preset {name!r} (presets: {', '.join(preset_names())})")
    d = load_file(p)
    d.setdefault("name", name)
    return d


# ---- resolution ---------------------------------------------------------------------

def merge(base: dict, overrides: dict) -> dict:
    """Flags override the top level and every block."""
    d = copy.deepcopy(base)
    for k, v in overrides.items():
        if v is None:
            continue
        d[k] = v
        for b in d.get("block", []) or []:
            b.pop(k, None)
    return d


def normalise(d: dict, ncpu: int | None = None) -> dict:
    """Fills defaults and parses every value; raises ConfigError with the key."""
    out = {k: copy.deepcopy(v) for k, v in DEFAULTS.items()}
    for k, v in d.items():
        if k not in DEFAULTS and k not in ("block", "name", "description", "note"):
            raise ConfigError(f"unknown setting {k!r}")
        out[k] = v
    blocks = d.get("block") or [{}]
    res: dict[str, Any] = {"name": d.get("name", ""), "description": d.get("description", "")}
    try:
        res["freq"] = [parse_freq(f) for f in _as_list(out["freq"])] or ["as-is"]
        res["governor"] = str(out["governor"] or "")
        res["boost"] = str(out["boost"] or "").lower()
        if res["boost"] not in ("", "on", "off"):
            raise ConfigError("boost must be on, off or empty")
        res["repeat"] = int(out["repeat"])
        if res["repeat"] < 1:
            raise ConfigError("repeat must be at least 1")
        res["retries"] = int(out["retries"])
        if not 0 <= res["retries"] <= 5:
            raise ConfigError("retries must be 0 to 5")
        res["budget"] = parse_seconds(out["budget"], "budget")
        res["timeout"] = parse_seconds(out["timeout"], "timeout")
        res["clock"] = str(out["clock"])
        if res["clock"] not in ("auto", "pmu", "aperf", "calibrated", "tsc"):
            raise ConfigError("clock must be auto, pmu, aperf, calibrated or tsc")
    except (TypeError, ValueError) as e:
        raise ConfigError(str(e)) from None
    res["blocks"] = []
    for i, b in enumerate(blocks):
        for k in b:
            if k not in BLOCK_KEYS:
                what = "a run-wide setting (top level only)" if k in RUN_KEYS else "unknown"
                raise ConfigError(f"block {i + 1}: {k!r} is {what}")
        m = {k: out[k] for k in BLOCK_KEYS if k in out}
        m.update(b)
        res["blocks"].append(_normalise_block(m, i, ncpu))
    return res


def _normalise_block(m: dict, i: int, ncpu: int | None) -> dict:
    where = f"block {i + 1}" + (f" ({m['name']})" if m.get("name") else "")
    try:
        algs = [str(a).lower() for a in _as_list(m["alg"])]
        if algs == ["all"]:
            algs = list(ALGS)
        for a in algs:
            if a not in ALGS:
                raise ConfigError(f"unknown algorithm {a!r} (known: {' '.join(ALGS)})")
        ops = [str(o).lower() for o in _as_list(m["op"])]
        if ops == ["all"]:
            ops = list(OPS)
        for o in ops:
            if o not in OPS:
                raise ConfigError(f"unknown op {o!r} (known: {' '.join(OPS)})")
        aad = [int(x) for x in _as_list(m["aad"])]
        offs = [int(x) for x in _as_list(m["offset"])]
        if any(a < 0 for a in aad) or any(not 0 <= o <= 63 for o in offs):
            raise ConfigError("aad must be >= 0 and offset 0..63")
        blk = {
            "name": str(m.get("name", "")),
            "impl": [str(x) for x in _as_list(m["impl"])] or ["*"],
            "exclude": [str(x) for x in _as_list(m["exclude"])],
            "isa": [str(x) for x in _as_list(m["isa"])] or ["*"],
            "alg": algs,
            "op": ops,
            "sizes": parse_sizes(m["sizes"]),
            "aad": aad or [16],
            "threads": parse_threads(m["threads"], ncpu),
            "offset": offs or [0],
            "smt": bool(m["smt"]),
            "pin": bool(m["pin"]),
            "min_time": parse_seconds(m["min_time"], "min_time"),
            "samples": int(m["samples"]),
            "max_samples": int(m["max_samples"]),
            "cv_target": float(m["cv_target"]),
            "point_budget": parse_seconds(m["point_budget"], "point_budget"),
            "cold": _as_bool(m["cold"], "cold"),
        }
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from None
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: {e}") from None
    if not 0.001 <= blk["min_time"] <= 60:
        raise ConfigError(f"{where}: min_time must be 0.001..60 s")
    if blk["samples"] < 5:
        raise ConfigError(f"{where}: samples must be at least 5")
    blk["max_samples"] = max(blk["max_samples"], blk["samples"])
    if not 0 <= blk["cv_target"] < 1:
        raise ConfigError(f"{where}: cv_target must be a fraction in [0, 1)")
    return blk


# ---- expansion ---------------------------------------------------------------------------

@dataclass
class Group:
    impl: str
    alg: str
    ops: list[str]
    sizes: list[int]
    aad: int
    threads: int
    offset: int
    pin: bool
    smt: bool
    freq: str
    rep: int
    min_time: float
    samples: int
    max_samples: int
    cv_target: float
    point_budget: float
    cold: bool = False          # also time cold single messages (aesbench run --cold)
    plugin: str = ""
    library: str = ""
    version: str = ""
    isa: str = ""
    block: str = ""
    points: list[tuple] = field(default_factory=list)  # keys, in the harness's order

    def to_json(self) -> dict:
        d = asdict(self)
        if not d["cold"]:  # a warm group's plan (and digest) as before the key existed
            del d["cold"]
        d["points"] = [[k[2], k[3]] for k in self.points]  # (op, size); the rest is the group's
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Group":
        g = cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "points"})
        pairs = d.get("points") or [[op, size] for op in g.ops for size in g.sizes]
        g.points = [point_key_of(g, op, size) for op, size in pairs]
        return g


def point_key(impl: str, alg: str, op: str, size: int, aad: int, threads: int, offset: int,
              pinned: bool, smt: bool, freq: str, rep: int) -> tuple:
    """The key of a point within its run (point.RUN_KEY)."""
    return point.make_key(impl, alg, op, size, aad, threads, offset, pinned, smt, freq, rep)


def point_key_of(g: Group, op: str, size: int) -> tuple:
    return point_key(g.impl, g.alg, op, size, g.aad, g.threads, g.offset, g.pin, g.smt, g.freq,
                     g.rep)


record_key = point.record_key


def plan_digest(groups: list[Group]) -> str:
    """A fingerprint of the expanded plan: a resume re-expands the stored
    matrix and refuses to go on if it does not give the same plan."""
    import hashlib
    text = json.dumps([g.to_json() for g in groups], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _match(name: str, pats: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, "*" if p == "all" else p) for p in pats)


def expand(cfg: dict, impls: list[dict], freqs: list[str]) -> tuple[list[Group], list[str]]:
    """Groups to measure, in order, and notes on what was left out.

    impls: rows from the harness listing (name, alg, isa, supported, plugin,
    library, version).  freqs: the frequency levels that will really be
    applied (["as-is"] where the machine does not allow setting them)."""
    notes: list[str] = []
    groups: list[Group] = []
    seen: set[tuple] = set()
    for rep in range(cfg["repeat"]):
        for freq in freqs:
            for blk in cfg["blocks"]:
                for alg in blk["alg"]:
                    ops = [o for o in blk["op"] if o in (XTS_OPS if alg.endswith("xts") else GCM_OPS)]
                    if not ops:
                        continue
                    sizes = blk["sizes"]
                    if alg.endswith("xts"):
                        small = [s for s in sizes if s < 16]
                        if small and rep == 0 and freq == freqs[0]:
                            notes.append(f"{alg}: sizes {small} left out (an XTS data unit is at "
                                         "least 16 bytes)")
                        sizes = [s for s in sizes if s >= 16]
                    if not sizes:
                        continue
                    # lab/null (the harness floor) goes with every selection, first,
                    # so each setting of the run states what of it is the harness's
                    rows = [r for r in impls if r["alg"] == alg and r.get("library") == "lab"
                            and not _match(r["name"], blk["exclude"])]
                    rows += [r for r in impls if r["alg"] == alg and r.get("library") != "lab"
                             and _match(r["name"], blk["impl"])
                             and not _match(r["name"], blk["exclude"])
                             and _match(r.get("isa") or "", blk["isa"])]
                    if len(rows) == sum(r.get("library") == "lab" for r in rows):
                        rows = []  # the floor alone measures nothing
                    for r in rows:
                        if not r.get("supported", True):
                            note = f"{r['name']} {alg}: this CPU cannot run it (isa {r.get('isa')})"
                            if note not in notes:
                                notes.append(note)
                    rows = [r for r in rows if r.get("supported", True)]
                    lacking = [o for o in ops if any(o not in r.get("ops", ops) for r in rows)]
                    for o in lacking:
                        have = [r["name"] for r in rows if o in r.get("ops", ops)]
                        note = (f"{alg} {o}: offered by {len(have)} of {len(rows)} implementations"
                                f"{' (' + ', '.join(have) + ')' if have else ''}; measured there only")
                        if note not in notes:
                            notes.append(note)
                    # Repetitions alternate the order of the implementations: each
                    # is timed early in one pass and late in the next, so a drift
                    # of the machine over a pass (a VM's host) falls on all of them
                    # alike in the medians instead of on whoever comes last.
                    if rep % 2:
                        rows = ([r for r in rows if r.get("library") == "lab"]
                                + [r for r in rows if r.get("library") != "lab"][::-1])
                    aads = [0] if alg.endswith("xts") else blk["aad"]
                    for aad in aads:
                        for off in blk["offset"]:
                            for t in blk["threads"]:
                                for r in rows:
                                    # seal-hp only where the implementation offers it
                                    # (listings from before "ops" existed: all ops)
                                    r_ops = [o for o in ops if o in r.get("ops", ops)]
                                    if not r_ops:
                                        continue
                                    g = Group(impl=r["name"], alg=alg, ops=r_ops,
                                              sizes=list(sizes), aad=aad, threads=t, offset=off,
                                              pin=blk["pin"], smt=blk["smt"], freq=freq, rep=rep,
                                              min_time=blk["min_time"], samples=blk["samples"],
                                              max_samples=blk["max_samples"],
                                              cv_target=blk["cv_target"],
                                              point_budget=blk["point_budget"],
                                              cold=blk["cold"],
                                              plugin=r.get("plugin", ""),
                                              library=r.get("library", ""),
                                              version=r.get("version", ""),
                                              isa=r.get("isa", ""), block=blk["name"])
                                    # a point already in an earlier block is measured once
                                    keep_ops, pts = [], []
                                    for op in g.ops:
                                        ks = [point_key_of(g, op, s) for s in g.sizes]
                                        new = [k for k in ks if k not in seen]
                                        if new:
                                            keep_ops.append(op)
                                            pts.extend(new)
                                            seen.update(new)
                                    if not pts:
                                        continue
                                    g.ops = keep_ops
                                    g.points = pts
                                    groups.append(g)
    if not groups:
        raise ConfigError("the matrix selects nothing this machine can run "
                          "(check impl/isa/alg patterns against `aeslab list`)")
    return groups, notes


def estimate_seconds(groups: list[Group]) -> float:
    """A rough duration: warm-up + samples per point, plus a child start."""
    t = 0.0
    for g in groups:
        per = g.min_time * (1 + g.samples) + 0.01
        t += len(g.points) * per + 0.15
    return t

"""`aeslab validate FILE...`: check results files against results/schema.

Every problem is one line `FILE[:LINE]: [at KEY: ]what is wrong`, so a
malformed file says where and why.  Beyond the schemas: a point may not
repeat within a file (a resume must not measure anything twice), the
confidence interval must bracket the median, per-thread min <= median <= max,
and an aeslab points file must have its provenance (<run-id>.run.json)
beside it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from . import paths
from .store import iter_points

MAX_ERRORS = 25


@lru_cache(maxsize=None)
def _validator(name: str, sub: str | None = None):
    import jsonschema
    schema = json.loads((paths.schema_dir() / name).read_text())
    if sub:  # validate against one of the schema's $defs (keeps $defs for references)
        schema = {k: v for k, v in schema.items() if k in ("$schema", "$defs")}
        schema["$ref"] = f"#/$defs/{sub}"
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _fmt(e) -> str:
    where = "/".join(str(x) for x in e.absolute_path)
    msg = e.message
    if len(msg) > 160:
        msg = msg[:157] + "..."
    return f"at {where}: {msg}" if where else msg


def schema_errors(obj, name: str, sub: str | None = None) -> list[str]:
    v = _validator(name, sub)
    errs = sorted(v.iter_errors(obj), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    out, missing = [], {}
    for e in errs:
        if e.validator == "required":  # one line per object: "missing keys a, b, c"
            where = "/".join(str(x) for x in e.absolute_path)
            missing.setdefault(where, []).append(e.message.split("'")[1] if "'" in e.message
                                                 else e.message)
        else:
            out.append(_fmt(e))
    for where, keys in missing.items():
        out.insert(0, (f"at {where}: " if where else "") + "missing keys: " + ", ".join(keys))
    return out


def check_point(r: dict) -> list[str]:
    """Checks a schema cannot express."""
    out = []
    if r.get("status") == "ok":
        ci = r.get("ci95_mb_per_s")
        mb = r.get("mb_per_s")
        if isinstance(ci, list) and len(ci) == 2 and all(isinstance(x, (int, float)) for x in ci) \
                and isinstance(mb, (int, float)):
            tol = 1e-3 * max(1.0, abs(mb))
            if not ci[0] - tol <= mb <= ci[1] + tol:
                out.append(f"at ci95_mb_per_s: {ci} does not contain the median {mb}")
        for k in ("thread_mb_per_s", "thread_core_ghz"):
            t = r.get(k)
            if isinstance(t, dict) and all(isinstance(t.get(x), (int, float)) for x in ("min", "median", "max")):
                if not t["min"] <= t["median"] <= t["max"]:
                    out.append(f"at {k}: min <= median <= max does not hold ({t})")
    if r.get("alg", "").endswith("xts") and r.get("op") in ("seal", "open", "seal-hp"):
        out.append(f"at op: {r['op']} is a GCM op, but alg is {r['alg']}")
    if r.get("alg", "").endswith("gcm") and r.get("op") in ("enc", "dec"):
        out.append(f"at op: {r['op']} is an XTS op, but alg is {r['alg']}")
    return out


def validate_points(path: Path) -> tuple[list[str], int]:
    from .matrix import record_key
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    n = 0
    runner_points = None
    for line, rec, err in iter_points(path):
        if rec is None:
            errors.append(f"{path}:{line}: {err}")
            continue
        if not isinstance(rec, dict):
            errors.append(f"{path}:{line}: a point is a JSON object, not {type(rec).__name__}")
            continue
        n += 1
        is_runner = "run_id" in rec
        if runner_points is None:
            runner_points = is_runner
        errs = (schema_errors(rec, "point.schema.json") if is_runner
                else schema_errors(rec, "point.schema.json", "harness_point"))
        errs += check_point(rec)
        for e in errs:
            errors.append(f"{path}:{line}: {e}")
        try:
            k = record_key(rec)
        except KeyError:
            continue
        if k in seen:
            errors.append(f"{path}:{line}: repeats the point of line {seen[k]} "
                          f"({rec.get('impl')} {rec.get('alg')} {rec.get('op')} {rec.get('size')} B)")
        else:
            seen[k] = line
    if n == 0 and not errors:
        errors.append(f"{path}: no points")
    if runner_points:
        run_json = path.with_name(path.name[:-len(".jsonl")] + ".run.json")
        if not run_json.exists():
            errors.append(f"{path}: no provenance: {run_json.name} is missing beside it")
        else:
            errors += validate_json(run_json)
    return errors, n


def validate_json(path: Path) -> list[str]:
    try:
        obj = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        return [f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}"]
    except OSError as e:
        return [f"{path}: cannot read: {e.strerror}"]
    if not isinstance(obj, dict):
        return [f"{path}: expected a JSON object, found {type(obj).__name__}"]
    kind = obj.get("schema") or obj.get("kind")
    name = {"aeslab-run/1": "run.schema.json", "aeslab-noise/1": "noise.schema.json",
            "aeslab-fpu-cost/1": "fpu-cost.schema.json"}.get(str(kind))
    if not name:
        return [f"{path}: not an aeslab results file (no \"schema\": \"aeslab-run/1\" or "
                f"\"kind\": \"aeslab-noise/1\" / \"aeslab-fpu-cost/1\"; found {kind!r})"]
    return [f"{path}: {e}" for e in schema_errors(obj, name)]


def validate_file(path: Path) -> tuple[list[str], str]:
    if not path.exists():
        return [f"{path}: no such file"], ""
    if path.suffix == ".jsonl":
        errs, n = validate_points(path)
        return errs, f"{n} points"
    errs = validate_json(path)
    return errs, "1 document"


def validate_command(files: list[str]) -> int:
    bad = 0
    for f in files:
        p = Path(f)
        errs, what = validate_file(p)
        if errs:
            bad += 1
            for e in errs[:MAX_ERRORS]:
                print(e)
            if len(errs) > MAX_ERRORS:
                print(f"{p}: ... and {len(errs) - MAX_ERRORS} more problems")
            print(f"{p}: INVALID ({len(errs)} problem{'s' if len(errs) != 1 else ''})")
        else:
            print(f"{p}: ok ({what})")
    return 1 if bad else 0

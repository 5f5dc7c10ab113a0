"""`aeslab validate FILE...`: check results files against results/schema.

Every problem is one line `FILE[:LINE]: [at KEY: ]what is wrong`, so a
malformed file says where and why.  Beyond the schemas: a point may not
repeat within a file (a resume must not measure anything twice), the
confidence interval must bracket the median, per-thread min <= median <= max,
an aeslab points file must have its provenance (<run-id>.run.json)
beside it, a run file its machine (machine.json, whose id it names and
whose fingerprint its provenance must give), and bare aesbench output an
attribution (<name>.attribution.json, written by `aeslab migrate` from
evidence in the points) - else it has no provenance.  Points files may be
plain (.jsonl) or packed (.jsonl.gz).  A folder argument checks every
results file under it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from . import machine, paths
from .store import iter_points, run_id_of

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
    from .point import record_key
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
        if not is_runner:
            continue  # bare aesbench output: passes appended to one file repeat by design
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
    base = run_id_of(path)
    if runner_points:
        run_json = path.with_name(base + ".run.json")
        if not run_json.exists():
            errors.append(f"{path}: no provenance: {run_json.name} is missing beside it")
        else:
            errors += validate_json(run_json)
    elif runner_points is False:
        att = path.with_name(base + ".attribution.json")
        if not att.exists():
            errors.append(f"{path}: no provenance: bare aesbench output, and no {att.name} "
                          "beside it (measure with `aeslab run`; `aeslab migrate` attributes "
                          "old files where their points prove the machine)")
        else:
            errors += validate_json(att)
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
    if kind == "aeslab-run/1":
        return [f"{path}: a run file of the older layout (aeslab-run/1, results/<host>/): "
                "run `aeslab migrate` to bring it into results/<machine-id>/"]
    if kind in ("aeslab-pipes/1", "aeslab-pipes/2", "aeslab-pipes/3"):
        return [] if isinstance(obj.get("harness"), dict) else [f"{path}: no harness figures"]
    name = {"aeslab-run/2": "run.schema.json", "aeslab-noise/1": "noise.schema.json",
            "aeslab-fpu-cost/1": "fpu-cost.schema.json", "aeslab-machine/1": "machine.schema.json",
            "aeslab-attribution/1": "attribution.schema.json"}.get(str(kind))
    if not name:
        return [f"{path}: not an aeslab results file (no \"schema\": \"aeslab-run/2\" / "
                f"\"aeslab-machine/1\" or \"kind\": \"aeslab-noise/1\" / \"aeslab-fpu-cost/1\"; "
                f"found {kind!r})"]
    errs = [f"{path}: {e}" for e in schema_errors(obj, name)]
    if errs:
        return errs
    return [f"{path}: {e}" for e in _machine_checks(path, obj, str(kind))]


def _machine_checks(path: Path, obj: dict, kind: str) -> list[str]:
    """The machine a document belongs to: its folder's machine.json, which
    must exist and agree with the document's own provenance."""
    if kind == "aeslab-machine/1":
        try:
            machine.load(path)
        except machine.MachineError as e:
            return [str(e).split(": ", 1)[1] if str(e).startswith(str(path)) else str(e)]
        return []
    named = obj.get("machine")
    if kind in ("aeslab-noise/1", "aeslab-fpu-cost/1") and named is None:
        return []  # written before machine ids: attributed by their provenance on loading
    mj = path.parent / machine.MACHINE_FILE
    try:
        mdoc = machine.load(mj)
    except machine.MachineError as e:
        return [f"its machine: {e}"]
    out = []
    if named != mdoc["id"]:
        out.append(f"at machine: {named!r}, but it is in the folder of {mdoc['id']}")
    prov = obj.get("provenance")
    if isinstance(prov, dict) and prov.get("cpu"):
        here = machine.id_of(prov)
        if here != mdoc["id"]:
            out.append(f"its provenance is machine {here}, not {mdoc['id']} (attributed to "
                       "the wrong machine)")
    return out


def results_files(folder: Path) -> list[Path]:
    """Every results file under a folder (not the schemas, not Markdown)."""
    out = []
    for f in sorted(Path(folder).rglob("*")):
        if not f.is_file() or "schema" in f.relative_to(folder).parts[:-1]:
            continue
        if f.name.endswith((".jsonl", ".jsonl.gz", ".json")):
            out.append(f)
    return out


def validate_file(path: Path) -> tuple[list[str], str]:
    if not path.exists():
        return [f"{path}: no such file"], ""
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        errs, n = validate_points(path)
        return errs, f"{n} points"
    errs = validate_json(path)
    return errs, "1 document"


def validate_command(files: list[str]) -> int:
    bad = 0
    paths_ = []
    for f in files:
        p = Path(f)
        paths_ += results_files(p) if p.is_dir() else [p]
    for p in paths_:
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

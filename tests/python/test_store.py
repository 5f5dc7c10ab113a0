"""The results store: machine identity, the per-machine layout, migration of
the older layout (runs by their provenance, bare aesbench output only by
evidence in its points), the compact format, and bad input."""
from __future__ import annotations

import copy
import gzip
import hashlib
import json
from pathlib import Path

import pytest
from conftest import ROOT

from aeslab import machine, point
from aeslab.migrate import migrate
from aeslab.store import RunStore, iter_points
from aeslab.validate import results_files, validate_file

RESULTS = ROOT / "results"
ZEN4 = "zen4-epyc-2c-vm-c39ba889"
ZEN3 = "zen3-epyc-2c-vm-fceffc06"
SMALL_RUN = RESULTS / ZEN4 / "20261123T211006Z"   # 72 points, flags
GOALS = RESULTS / ZEN4 / "goals-gcm-20261123T221142Z.jsonl.gz"


def _prov() -> dict:
    return json.loads(SMALL_RUN.with_suffix(".run.json").read_text())["provenance"]


def _zen3(prov: dict) -> dict:
    """The same host name, another CPU: a Milan without AVX-512."""
    p = copy.deepcopy(prov)
    p["cpu"]["model"] = 1
    p["cpu"]["flags"] = [f for f in p["cpu"]["flags"] if not f.startswith("avx512")]
    p["clock"]["tsc_ghz"] = 2.4454
    return p


def _lines(path: Path, n: int | None = None) -> list[str]:
    data = gzip.decompress(path.read_bytes()).decode() if path.name.endswith(".gz") \
        else path.read_text()
    return data.splitlines(keepends=True)[:n]


# ---- identity -----------------------------------------------------------------------------

def test_same_host_different_cpu_is_two_machines():
    zen4 = _prov()
    zen3 = _zen3(zen4)
    assert zen4["host"] == zen3["host"] == "vm"
    a, b = machine.id_of(zen4), machine.id_of(zen3)
    assert a != b
    assert a.startswith("zen4-epyc-2c-vm-") and b.startswith("zen3-epyc-2c-vm-")
    assert machine.label(machine.fingerprint(zen3), "AMD EPYC") == "AMD EPYC (Zen 3), 2 CPUs, VM"


def test_identical_host_is_the_same_machine_whatever_its_name_kernel_or_microcode():
    p = _prov()
    q = copy.deepcopy(p)
    q["host"] = "other-name"
    q["cpu"]["microcode"] = "0xdead"
    q["os"]["kernel"] = "9.9.9"
    q["os"]["mem_total_kb"] += 3000        # a few MB less reserved: the same 24 GiB
    q["power"]["governor"] = "performance"
    q["cpu"]["flags"] = q["cpu"]["flags"] + ["some_new_unrelated_flag"]
    assert machine.id_of(q) == machine.id_of(p)
    for change in (lambda c: c.update(stepping=2), lambda c: c.update(logical_cpus=4),
                   lambda c: c["flags"].remove("vaes")):
        r = copy.deepcopy(p)
        change(r["cpu"])
        assert machine.id_of(r) != machine.id_of(p)


def test_committed_results_hold_two_machines_both_called_vm():
    """The Zen 4 and the Zen 3 (at least: later sessions add their CPUs), all
    called vm, each its own machine."""
    ids = sorted(machine.machines(RESULTS))
    assert {ZEN3, ZEN4} <= set(ids) and len(ids) == len(set(ids))
    for mid in ids:
        doc = machine.load(RESULTS / mid / "machine.json")
        assert doc["first_host"] == "vm" and doc["fingerprint"]["logical_cpus"] == 2
    assert "avx512f" in machine.load(RESULTS / ZEN4 / "machine.json")["fingerprint"]["isa"]
    assert "avx512f" not in machine.load(RESULTS / ZEN3 / "machine.json")["fingerprint"]["isa"]


# ---- migration -------------------------------------------------------------------------------

def _old_run(folder: Path, rid: str, prov: dict, created: str, lines: list[str]) -> None:
    run = json.loads(SMALL_RUN.with_suffix(".run.json").read_text())
    for k in ("machine", "plan", "migrated"):
        run.pop(k, None)
    g = point  # noqa: F841
    run.update({"schema": "aeslab-run/1", "run_id": rid, "created": created, "provenance": prov,
                "groups": [{"impl": "own/portable", "alg": "aes-128-gcm", "ops": ["seal"],
                            "sizes": [16], "aad": 16, "threads": 1, "offset": 0, "pin": True,
                            "smt": False, "freq": "as-is", "rep": 0, "min_time": 0.01,
                            "samples": 5, "max_samples": 7, "cv_target": 0.05,
                            "point_budget": 0.1}]})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{rid}.run.json").write_text(json.dumps(run))
    (folder / f"{rid}.jsonl").write_text(
        "".join(json.dumps({**json.loads(l), "run_id": rid}) + "\n" for l in lines))


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def old_layout(tmp_path) -> Path:
    """results/vm/ as the older layout left it: two CPUs under one host name,
    goals-style bare aesbench output (one file that proves its machine, one
    that cannot), a noise record."""
    results = tmp_path / "results"
    vm = results / "vm"
    pts = _lines(SMALL_RUN.with_suffix(".jsonl.gz"), 12)
    _old_run(vm, "20261123T211006Z", _prov(), "2026-11-23T21:10:06Z", pts)
    _old_run(vm, "20261204T084239Z", _zen3(_prov()), "2026-12-04T08:42:39Z", pts[:6])
    (vm / "goals-gcm-20261123T221142Z.jsonl").write_text("".join(_lines(GOALS, 40)))
    aesni = [l for l in _lines(GOALS) if '"isa": "aesni"' in l][:5]
    (vm / "goals-xts-20261123T221142Z.jsonl").write_text("".join(aesni))
    noise = sorted((RESULTS / ZEN4).glob("noise-*.json"))[0]
    doc = json.loads(noise.read_text())
    doc.pop("machine", None)
    (vm / noise.name).write_text(json.dumps(doc))
    (vm / "noise.json").write_text(json.dumps(doc))
    return results


def test_migrate_splits_by_cpu_attributes_by_evidence_and_is_idempotent(old_layout):
    rep = migrate(old_layout)
    z4 = machine.id_of(_prov())
    z3 = machine.id_of(_zen3(_prov()))
    assert sorted(machine.machines(old_layout)) == sorted([z3, z4])
    assert not (old_layout / "vm").exists(), "the old folder is emptied and removed"
    assert (old_layout / z4 / "20261123T211006Z.run.json").exists()
    assert (old_layout / z3 / "20261204T084239Z.run.json").exists()
    run = json.loads((old_layout / z4 / "20261123T211006Z.run.json").read_text())
    assert run["schema"] == "aeslab-run/2" and run["machine"] == z4 and "groups" not in run
    # the points are the same lines, byte for byte, packed
    assert _lines(old_layout / z4 / "20261123T211006Z.jsonl.gz") == \
        [json.dumps({**json.loads(l), "run_id": "20261123T211006Z"}) + "\n"
         for l in _lines(SMALL_RUN.with_suffix(".jsonl.gz"), 12)]
    # vaes512 ok + the TSC + the date: only the Zen 4 can have made it
    att = json.loads((old_layout / z4 / "goals-gcm-20261123T221142Z.attribution.json").read_text())
    assert att["machine"] == z4 and len(att["evidence"]) == 3
    assert "vaes512" in att["evidence"][0]
    # AES-NI rows prove nothing (both machines have AES-NI): not attributed, never guessed
    assert (old_layout / "unattributed" / "vm" / "goals-xts-20261123T221142Z.jsonl").exists()
    assert any("goals-xts" in f and "ambiguous" in why for f, why in rep.unattributed)
    assert json.loads((old_layout / z4 / "noise.json").read_text())["machine"] == z4
    for f in results_files(old_layout):
        if "unattributed" in f.parts:
            continue
        errs, _ = validate_file(f)
        assert not errs, errs
    before = _tree(old_layout)
    again = migrate(old_layout)
    assert not again.moved and _tree(old_layout) == before


def test_migrate_copies_an_outside_folder_and_never_changes_it(old_layout, tmp_path):
    outside = tmp_path / "colleague"
    _old_run(outside, "20261204T084239Z", _zen3(_prov()), "2026-12-04T08:42:39Z",
             _lines(SMALL_RUN.with_suffix(".jsonl.gz"), 3))
    snap = _tree(outside)
    results = tmp_path / "fresh"
    results.mkdir()
    migrate(results, [outside])
    assert _tree(outside) == snap
    assert (results / machine.id_of(_zen3(_prov())) / "20261204T084239Z.jsonl.gz").exists()
    assert not migrate(results, [outside]).moved


def test_loader_keeps_two_machines_apart_and_notes_what_it_leaves_out(old_layout):
    from aeslab.analysis import load_results
    migrate(old_layout)
    res = load_results(old_layout)
    assert len(res.machines()) == 2
    assert set(res.runs["host"]) == {"vm"}
    assert any("unattributed" in s for s in res.skipped)
    # selecting by host name gives both machines; by id, one
    assert len(res.select("vm").machines()) == 2
    assert res.select(res.machines()[0]).machines() == res.machines()[:1]


# ---- bad input ----------------------------------------------------------------------------------

def test_bad_machine_or_run_files_are_named_and_the_rest_loads(old_layout):
    from aeslab.analysis import load_results
    migrate(old_layout)
    z4 = machine.id_of(_prov())
    z3 = machine.id_of(_zen3(_prov()))
    mj = old_layout / z3 / "machine.json"
    mj.write_text(mj.read_text()[:-40])                    # truncated
    res = load_results(old_layout)
    assert res.machines() == [z4]
    assert any(str(mj) in s and "not valid JSON" in s for s in res.skipped)
    # hand-edited: the fingerprint no longer gives the id
    mj4 = old_layout / z4 / "machine.json"
    doc = json.loads(mj4.read_text())
    doc["fingerprint"]["family"] = 23
    mj4.write_text(json.dumps(doc))
    with pytest.raises(machine.MachineError, match="does not match its fingerprint"):
        machine.load(mj4)
    errs, _ = validate_file(mj4)
    assert errs and str(mj4) in errs[0]


def test_truncated_run_file_and_older_layout_are_one_line_each(old_layout):
    from aeslab.analysis import load_results
    migrate(old_layout)
    z4 = machine.id_of(_prov())
    rf = old_layout / z4 / "20261123T211006Z.run.json"
    rf.write_text(rf.read_text()[:500])
    old = old_layout / "old-host"
    _old_run(old, "20261101T000000Z", _prov(), "2026-11-01T00:00:00Z",
             _lines(SMALL_RUN.with_suffix(".jsonl.gz"), 2))
    res = load_results(old_layout)
    assert any(str(rf) in s and "truncated" in s for s in res.skipped)
    assert any("20261101T000000Z.run.json" in s and "aeslab migrate" in s for s in res.skipped)
    assert len(res.points) > 0, "the rest still loads"
    errs, _ = validate_file(old / "20261101T000000Z.run.json")
    assert len(errs) == 1 and "aeslab migrate" in errs[0]


def test_a_points_file_gone_while_loading_is_one_line_and_the_rest_loads(old_layout, monkeypatch):
    """A run that ends while a report reads the folder renames its .jsonl to
    .jsonl.gz between the listing and the read."""
    from aeslab.analysis import load, load_results
    migrate(old_layout)
    z3 = machine.id_of(_zen3(_prov()))
    gone = old_layout / z3 / "20261204T084239Z.jsonl.gz"
    real = load.iter_points

    def racing(path):
        if Path(path) == gone:
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path)

    monkeypatch.setattr(load, "iter_points", racing)
    res = load_results(old_layout, strict=False)
    assert any(str(gone) in s and "unreadable" in s for s in res.skipped)
    assert res.machines() == [machine.id_of(_prov())], "the other machine's run still loads"


# ---- the compact store -----------------------------------------------------------------------------

def test_a_typical_run_takes_under_300_bytes_a_point(tmp_path):
    """A seeds-sized run (1,500 points of real harness output, the provenance
    of a real run): run.json + the packed points, divided by the points."""
    run = json.loads(SMALL_RUN.with_suffix(".run.json").read_text())
    src = [json.loads(l) for l in _lines(RESULTS / ZEN4 / "20261123T215210Z.jsonl.gz")]
    assert len(src) == 1520
    s = RunStore(tmp_path, run["machine"], "r1")
    s.create({**run, "run_id": "r1"})
    s.open_append()
    for rec in src:
        s.append({**rec, "run_id": "r1"})
    s.close()
    plain = s.points_path.stat().st_size
    s.pack()
    assert not s.points_path.exists() and s.packed_path.exists()
    total = s.packed_path.stat().st_size + s.run_path.stat().st_size
    per = total / len(src)
    assert per <= 300, f"{per:.0f} bytes a point"
    assert plain / len(src) > 800  # what it was
    # nothing lost: the same records come back
    assert [r for _, r, _ in iter_points(s.packed_path)] == [{**r, "run_id": "r1"} for r in src]
    # a resume unpacks and appends
    assert len(s.read_points(repair=True)) == len(src) and s.points_path.exists()


def test_every_committed_results_file_validates():
    files = results_files(RESULTS) + results_files(ROOT / "tests" / "reports" / "data" / "results")
    assert len(files) > 40
    bad = {}
    for f in files:
        errs, _ = validate_file(f)
        if errs:
            bad[str(f)] = errs[:3]
    assert not bad, bad
    # the older layout is gone from the repository
    assert not (RESULTS / "vm").exists()


# ---- one model of a point ------------------------------------------------------------------------

def test_one_key_and_one_aggregation():
    from aeslab import matrix
    from aeslab.analysis import common, regress
    assert common.KEY == regress.SERIES == list(point.CONFIG)
    assert point.CONFIG[0] == "machine_id" and "pinned" in point.CONFIG
    r = {"impl": "a/b", "alg": "aes-128-xts", "op": "enc", "size": 64, "aad": 16, "threads": 1}
    assert matrix.record_key(r) == point.record_key(r) and point.record_key(r)[4] == 0
    recs = [{**r, "status": "ok", "mb_per_s": v, "rep": i} for i, v in enumerate((1, 9, 3))]
    agg = point.aggregate(recs, point.POINT)
    assert list(agg.values())[0]["mb_per_s"] == 3 and list(agg.values())[0]["reps"] == 3


def test_export_does_not_import_the_cli():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "import sys, aeslab.export; "
                          "print('aeslab.cli' in sys.modules)"], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr



def test_record_ids_do_not_collide_within_one_second(tmp_path):
    # `aeslab pipes` run twice in one second wrote the same pipes-<id>.json
    from aeslab.store import new_run_id
    first = new_run_id(tmp_path, "pipes-")
    (tmp_path / f"pipes-{first}.json").write_text("{}")
    assert new_run_id(tmp_path, "pipes-") != first

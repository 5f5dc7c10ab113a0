"""validate, export, the schemas, frequency control, the store, and the
harness features the runner relies on (clock, CV target, fpu-cost), plus the
noise and fpu-cost commands on tiny settings."""
from __future__ import annotations

import csv
import io
import re
import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import BUILD, ROOT, TINY, aeslab, read_jsonl, run_files, run_id, text

from aeslab import runner
from aeslab.freq import FreqControl
from aeslab.store import RunStore, StoreError

SCHEMAS = ROOT / "results" / "schema"


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, plugin_dir):
    """One small stored run shared by the read-only tests below."""
    tmp = tmp_path_factory.mktemp("run")
    e = dict(os.environ, AESLAB_ROOT=str(ROOT), AESLAB_PLUGINS=str(plugin_dir),
             AESLAB_RESULTS=str(tmp / "results"), AESLAB_LOCK=str(tmp / "lock"))
    e.pop("AESLAB_VERIFY_INPROC", None)
    aeslab("run", "--impl", "own/portable,test/flip-ct", "--alg", "aes-128-gcm,aes-128-xts",
           "--op", "seal,enc", "--sizes", "64,256", *TINY, env=e, check=True)
    return run_files(tmp / "results"), e


# ---- schemas -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["point", "run", "noise", "fpu-cost", "machine", "attribution"])
def test_schemas_are_valid_json_schemas(name):
    s = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(s)


def test_stored_points_and_run_follow_the_schemas(tiny_run):
    (pts, run), _ = tiny_run
    v = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "point.schema.json").read_text()))
    recs = read_jsonl(pts)
    assert len(recs) == 6  # own/portable: 2 algs x 2 sizes; test/flip-ct: GCM only
    for r in recs:
        assert not list(v.iter_errors(r)), r
    fails = [r for r in recs if r["impl"] == "test/flip-ct"]
    assert fails and all(r["status"].startswith("fail: ") and r["mb_per_s"] is None for r in fails)
    rv = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "run.schema.json").read_text()))
    assert not list(rv.iter_errors(json.loads(run.read_text())))


# ---- validate --------------------------------------------------------------------------

def _bad(tmp_path: Path, pts: Path, name: str, edit) -> Path:
    lines = text(pts).splitlines(keepends=True)
    out = tmp_path / f"{name}.jsonl"
    out.write_text(edit(lines))
    run = pts.with_name(run_id(pts) + ".run.json")
    (tmp_path / f"{name}.run.json").write_text(run.read_text())
    return out


@pytest.mark.parametrize("name,edit,needle", [
    ("torn", lambda l: "".join(l)[:-40], "truncated last line"),
    ("notjson", lambda l: l[0] + "{oops\n" + "".join(l[1:]), "not JSON"),
    ("dup", lambda l: "".join(l) + l[0], "repeats the point of line 1"),
    ("negative", lambda l: re.sub(r'"mb_per_s": (\d)', r'"mb_per_s": -\1', "".join(l), count=1),
     "less than or equal to the minimum"),
    ("nokeys", lambda l: '{"impl": "own/portable"}\n' + "".join(l[1:]), "missing keys"),
    ("badstatus", lambda l: "".join(l).replace('"status": "ok"', '"status": "fine"', 1), "status"),
    ("empty", lambda l: "", "no points"),
])
def test_validate_rejects_malformed_files_with_a_clear_message(tiny_run, tmp_path, name, edit,
                                                                needle):
    (pts, _), env = tiny_run
    bad = _bad(tmp_path, pts, name, edit)
    p = aeslab("validate", bad, env=env)
    assert p.returncode == 1
    assert needle in p.stdout, p.stdout
    assert "INVALID" in p.stdout and "Traceback" not in p.stdout + p.stderr
    first = p.stdout.splitlines()[0]
    assert first.startswith(str(bad)), "each problem names its file (and line)"


def test_validate_requires_provenance_beside_points(tiny_run, tmp_path):
    (pts, _), env = tiny_run
    lone = tmp_path / "lone.jsonl"
    lone.write_text(text(pts))
    p = aeslab("validate", lone, env=env)
    assert p.returncode == 1 and "no provenance" in p.stdout


def test_validate_accepts_good_files_and_rejects_strangers(tiny_run, tmp_path):
    (pts, run), env = tiny_run
    assert aeslab("validate", pts, run, env=env).returncode == 0
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    p = aeslab("validate", other, env=env)
    assert p.returncode == 1 and "not an aeslab results file" in p.stdout
    broken = tmp_path / "broken.run.json"
    broken.write_text(run.read_text()[:-30])
    p = aeslab("validate", broken, env=env)
    assert p.returncode == 1 and "not JSON" in p.stdout


# ---- export -----------------------------------------------------------------------------

def test_export_csv_and_gbench(tiny_run, tmp_path):
    (pts, _), env = tiny_run
    p = aeslab("export", "--format", "csv", pts, env=env, check=True)
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert len(rows) == 6
    assert {"impl", "alg", "op", "size", "mb_per_s", "cycles_per_byte", "core_ghz", "ci95_lo",
            "thread_mb_per_s_min"} <= set(rows[0])
    out = tmp_path / "g.json"
    aeslab("export", "--format", "gbench", "-o", out, pts, env=env, check=True)
    g = json.loads(out.read_text())
    assert {"context", "benchmarks"} <= set(g)
    assert g["context"]["num_cpus"] >= 1
    ok = [b for b in g["benchmarks"] if not b.get("error_occurred")]
    bad = [b for b in g["benchmarks"] if b.get("error_occurred")]
    assert len(ok) == 4 and len(bad) == 2
    for b in ok:
        assert b["time_unit"] == "ns" and b["real_time"] > 0 and b["bytes_per_second"] > 0
        assert b["name"].startswith(("aes-128-gcm/seal/own/portable/", "aes-128-xts/enc/"))
    assert all(b["error_message"].startswith("fail:") for b in bad)


def test_show_prints_the_summary(tiny_run):
    (pts, _), env = tiny_run
    p = aeslab("show", pts, env=env, check=True)
    assert "aes-128-gcm seal" in p.stdout and "FAIL" in p.stdout
    p = aeslab("show", "--metric", "cpb", pts, env=env, check=True)
    assert "core cycles per byte" in p.stdout


# ---- store ---------------------------------------------------------------------------------

def test_store_cuts_only_a_torn_tail(tmp_path):
    s = RunStore(tmp_path, "h", "r1")
    s.create({"run_id": "r1"})
    s.open_append()
    s.append({"impl": "a/b", "n": 1})
    s.append({"impl": "a/b", "n": 2})
    s.close()
    with open(s.points_path, "a") as f:
        f.write('{"impl": "a/b", "n"')
    assert [r["n"] for r in s.read_points(repair=True)] == [1, 2]
    assert s.points_path.read_text().endswith('"n": 2}\n')
    with open(s.points_path, "a") as f:
        f.write("garbage\n")
        f.write('{"impl": "a/b", "n": 3}\n')
    with pytest.raises(StoreError, match=":3: not a JSON point"):
        s.read_points(repair=True)


# ---- busy machine -----------------------------------------------------------------------------

def test_busy_machine_is_named(monkeypatch):
    monkeypatch.setattr(os, "getloadavg", lambda: (64.0, 64.0, 64.0))
    msgs = runner.busy_warnings()
    assert any("machine busy: load average 64.00" in m for m in msgs)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(runner, "other_benchmarks", lambda: [])
    assert runner.busy_warnings() == []


# ---- frequency control on a fake sysfs ---------------------------------------------------------

def _fake_sysfs(root: Path, cpus=(0, 1)) -> None:
    for c in cpus:
        cf = root / f"devices/system/cpu/cpu{c}/cpufreq"
        cf.mkdir(parents=True)
        for k, v in {"scaling_min_freq": "400000", "scaling_max_freq": "3700000",
                     "cpuinfo_min_freq": "400000", "cpuinfo_max_freq": "3700000",
                     "scaling_governor": "schedutil", "scaling_driver": "fake"}.items():
            (cf / k).write_text(v)
    b = root / "devices/system/cpu/cpufreq"
    b.mkdir(parents=True, exist_ok=True)
    (b / "boost").write_text("1")


def _cpu0(root: Path) -> dict:
    cf = root / "devices/system/cpu/cpu0/cpufreq"
    return {k: (cf / k).read_text() for k in ("scaling_min_freq", "scaling_max_freq",
                                              "scaling_governor")}


def test_frequency_is_set_and_restored(tmp_path):
    _fake_sysfs(tmp_path)
    fc = FreqControl([0, 1], sysfs=tmp_path, state_file=tmp_path / "state.json")
    ok, why = fc.permitted()
    assert ok, why
    before = _cpu0(tmp_path)
    fc.apply("2GHz", governor="performance", boost="off")
    assert _cpu0(tmp_path) == {"scaling_min_freq": "2000000", "scaling_max_freq": "2000000",
                               "scaling_governor": "performance"}
    assert (tmp_path / "devices/system/cpu/cpufreq/boost").read_text() == "0"
    assert (tmp_path / "state.json").exists()
    fc.apply("max")
    assert _cpu0(tmp_path)["scaling_min_freq"] == "3700000"
    fc.restore()
    assert _cpu0(tmp_path) == before
    assert (tmp_path / "devices/system/cpu/cpufreq/boost").read_text() == "1"
    assert not (tmp_path / "state.json").exists()
    with pytest.raises(ValueError):
        fc.apply("9GHz")


def test_settings_left_by_a_killed_run_are_restored(tmp_path):
    _fake_sysfs(tmp_path)
    before = _cpu0(tmp_path)
    FreqControl([0, 1], sysfs=tmp_path, state_file=tmp_path / "s.json").apply("1GHz")
    assert _cpu0(tmp_path) != before  # ... and the run dies without restoring
    msg = FreqControl([0, 1], sysfs=tmp_path, state_file=tmp_path / "s.json").recover()
    assert msg and _cpu0(tmp_path) == before


def test_no_cpufreq_means_not_permitted(tmp_path):
    ok, why = FreqControl([0], sysfs=tmp_path).permitted()
    assert not ok and "cpufreq" in why


# ---- harness features the runner relies on -------------------------------------------------

def _aesbench(*args, env=None):
    return subprocess.run([str(BUILD / "aesbench"), *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_clock_names_its_source_and_a_clock(plugin_dir):
    p = _aesbench("clock", "--json")
    assert p.returncode == 0, p.stderr
    c = json.loads(p.stdout)
    assert c["cycle_source"] in ("pmu", "aperf", "calibrated", "tsc", "cntvct", "ns")
    assert c["tsc_ghz"] > 0 and all(x["core_ghz"] > 0 for x in c["cpus"])
    if c["cycle_source"] != "pmu":
        assert c["note"], "a machine without a PMU says why"
    if c["cycles_per_add"] is not None:  # a PMU checks the calibration's premise
        assert 0.9 < c["cycles_per_add"] < 1.1


def test_explicit_clock_sources(plugin_dir):
    env = dict(os.environ, AESLAB_PLUGINS=str(plugin_dir))
    base = ["run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal", "--sizes",
            "256", "--min-time", "0.003", "--samples", "5", "--format", "jsonl"]
    r = json.loads(_aesbench(*base, "--clock", "tsc", env=env).stdout)
    assert r["cycle_source"] == "tsc" and r["cycles_per_byte"] == r["tsc_cycles_per_byte"]
    r = json.loads(_aesbench(*base, "--clock", "calibrated", env=env).stdout)
    assert r["cycle_source"] == "calibrated" and r["core_ghz"] > 0
    p = _aesbench(*base, "--clock", "sundial", env=env)
    assert p.returncode == 2 and "unknown source" in p.stderr


def test_cv_target_adds_samples_and_flags_noisy_points(plugin_dir):
    env = dict(os.environ, AESLAB_PLUGINS=str(plugin_dir))
    base = ["run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal", "--sizes",
            "256", "--min-time", "0.002", "--samples", "5", "--format", "jsonl"]
    # an unreachable target: sampling runs to the cap and the point is flagged
    r = json.loads(_aesbench(*base, "--cv-target", "1e-9", "--max-samples", "9", env=env).stdout)
    assert r["samples"] == 9 and r["noisy"] is True and r["cv_target"] == 1e-9
    # a target every point meets: no extra samples
    r = json.loads(_aesbench(*base, "--cv-target", "0.99", "--max-samples", "9", env=env).stdout)
    # (noisy all the same if the thread lost its core: cpu_share < 0.9 on a busy machine)
    assert r["samples"] == 5 and (r["noisy"] is False or r["cpu_share"] < 0.9), r
    # the point's budget stops extra samples early
    r = json.loads(_aesbench(*base, "--cv-target", "1e-9", "--max-samples", "1000", "--budget",
                             "0.05", env=env).stdout)
    assert 5 <= r["samples"] < 1000 and r["noisy"] is True


def test_fpu_cost_harness_rows():
    p = _aesbench("fpu-cost", "--json", "--iters", "50")
    if p.returncode == 2 and "x86-64" in p.stderr:
        pytest.skip("XSAVE exists only on x86-64")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    rows = {(r["state"], r["insn"]): r for r in d["rows"]}
    assert len(rows) == 9
    for (state, insn), r in rows.items():
        if "unavailable" in r:
            continue
        assert r["save_ns"] > 0 and r["restore_ns"] > 0 and r["pair_ns"] > 0
        assert "sse" in r["in_use"]
        if state in ("ymm", "zmm"):
            assert "avx" in r["in_use"]  # live (non-initial) state is always saved as in use
        if state == "zmm":
            assert {"zmm_hi256", "hi16_zmm", "opmask"} <= set(r["in_use"])


# ---- noise and fpu-cost commands -----------------------------------------------------------

def test_noise_measures_an_a_a_floor(env, tmp_path):
    args = ["noise", "--impl", "own/portable", "--sizes", "64", "--repeats", "3",
            "--min-time", "0.002"]
    # not quiet (a load limit below any load): refused, and it says why
    busy = aeslab(*args, env=dict(env, AESLAB_QUIET_LOAD="-1"))
    assert busy.returncode == 3 and "not quiet" in busy.stderr and "load average" in busy.stderr
    assert not (tmp_path / "results").exists() or not list((tmp_path / "results").rglob("noise*"))
    # quiet (a limit above any load), unless another benchmark runs: measured
    p = aeslab(*args, env=dict(env, AESLAB_QUIET_LOAD="1000"))
    if p.returncode == 3:
        pytest.skip(f"another benchmark runs here: {p.stderr.strip()}")
    assert p.returncode == 0, p.stderr
    assert "noise floor here:" in p.stdout
    f = sorted((tmp_path / "results").glob("*/noise-*.json"))
    assert len(f) == 1 and (f[0].parent / "noise.json").exists()
    doc = json.loads(f[0].read_text())
    assert len(doc["sizes"][0]["mb_per_s"]) == 3 and doc["noise_floor_pct"] >= 0
    assert doc["quiet"] is True and doc["machine"] == f[0].parent.name
    assert aeslab("validate", f[0], env=env).returncode == 0
    # --force measures on a busy machine and records that it was not quiet
    p = aeslab(*args, "--force", env=dict(env, AESLAB_QUIET_LOAD="-1"))
    assert p.returncode == 0, p.stderr
    assert json.loads((f[0].parent / "noise.json").read_text())["quiet"] is False


def test_fpu_cost_command(env, tmp_path):
    p = aeslab("fpu-cost", "--iters", "50", "--min-time", "0.002", env=env)
    if p.returncode != 0 and "x86-64" in p.stderr:
        pytest.skip("XSAVE exists only on x86-64")
    assert p.returncode == 0, p.stderr
    assert "break-even" in p.stdout and "published" in p.stdout
    assert "own/portable stands in" in p.stdout or "xts-generic" in p.stdout
    f = sorted((tmp_path / "results").glob("*/fpu-cost-*.json"))
    assert len(f) == 1
    doc = json.loads(f[0].read_text())
    assert doc["published"]["syscall_fpu_ns"] == {"xmm": 160.0, "ymm": 340.0, "zmm": 360.0}
    assert aeslab("validate", f[0], env=env).returncode == 0


def test_floor_of_medians_shrinks_with_repetitions():
    from aeslab.noise import floor_of_medians
    # 18 agreeing runs and 2 slow ones, as a shared machine gives: single runs
    # differ by ~2x at the 95th percentile, medians of 3 or 5 hardly at all
    runs = [1000.0 + i for i in range(18)] + [500.0, 700.0]
    one, three, five = (floor_of_medians(runs, k) for k in (1, 3, 5))
    assert one > 40 and three < 5 and five < 5
    assert floor_of_medians(runs, 1) == one            # fixed seed: repeatable
    assert floor_of_medians(runs[:9], 5) is None       # fewer than 2k runs


def test_report_floor_follows_the_repetitions(tmp_path):
    from aeslab.analysis.load import Results
    # "h" is a machine id: the loader sets machine_id on every noise record
    doc = {"host": "vm", "machine_id": "h", "id": "noise-x", "created": "2026-01-01",
           "noise_floor_pct": 90.0,
           "noise_floor_by_reps": {"1": 90.0, "3": 9.0, "5": 4.0}}
    r = Results(points=None, runs=None, noise=[doc])
    assert r.noise_floor("h")[0] == 90.0
    assert r.noise_floor("h", 3)[0] == 9.0 and "3 repetitions" in r.noise_floor("h", 4)[1]
    assert r.noise_floor("h", 7)[0] == 4.0
    assert r.noise_floor("other")[0] is None
    # a later, quieter check does not hide a noisy one: the wider of the last two
    quiet = dict(doc, id="noise-y", created="2026-01-02", noise_floor_pct=10.0,
                 noise_floor_by_reps={"1": 10.0, "3": 2.0, "5": 1.0})
    r = Results(points=None, runs=None, noise=[doc, quiet])
    assert r.noise_floor("h", 3)[0] == 9.0 and r.noise_floors_by_reps("h") == {1: 90.0, 3: 9.0, 5: 4.0}
    r = Results(points=None, runs=None, noise=[dict(doc, created="2025-12-31"), quiet, quiet])
    assert r.noise_floor("h", 3)[0] == 2.0   # only the last two count


def test_inrun_floor_reads_the_runs_own_repetitions():
    import pandas as pd
    from aeslab.analysis.load import Results

    def run(spread):
        rows = []
        for c in range(40):
            for rep, f in enumerate((1.0, 1.0 + spread, 1.0 - spread)):
                rows.append({"impl": f"x/{c}", "alg": "aes-128-gcm", "op": "seal", "size": 64,
                             "aad": 16, "threads": 1, "offset": 0, "smt": False, "freq": "as-is",
                             "pinned": True, "machine_id": "h", "host": "vm", "run_id": "r",
                             "ok": True, "mb_per_s": 1000.0 * f})
        return Results(points=pd.DataFrame(rows), runs=None)
    quiet, noisy = run(0.01), run(0.2)
    fq, src = quiet.inrun_floor("h", "r", 3)
    fn, _ = noisy.inrun_floor("h", "r", 3)
    assert 0 < fq < 3 < 10 < fn and "40 configurations x 3" in src
    assert quiet.inrun_floor("h", "r", 2)[0] is None     # no configuration has 2 repetitions

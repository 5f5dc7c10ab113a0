"""`aeslab run` end to end, with tiny matrices: results and provenance land
where promised, every point carries its clock, a crash or a hang loses only
its point, SIGKILL + resume loses and repeats nothing, two runs at once are
refused."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, TINY, aeslab, current, points_files, read_jsonl, run_files, run_id, text

from aeslab.point import record_key
from aeslab.store import Lock

PROVENANCE_KEYS = {
    "cpu": ["arch", "vendor", "model_name", "family", "model", "stepping", "microcode", "flags",
            "logical_cpus", "physical_cores", "threads_per_core", "packages", "smt", "caches",
            "numa_nodes"],
    "virtualization": ["virtualized", "hypervisor", "container"],
    "cloud": ["dmi", "instance_type", "metadata_service"],
    "os": ["kernel", "distro", "kernel_params"],
    "power": ["governor", "boost"],
    "clock": ["tsc_ghz", "cycle_source", "counters", "note"],
    "build": ["cc_version", "aesbench", "plugins"],
    "git": ["commit", "dirty"],
    "command": ["argv"],
}


def test_a_tiny_run_stores_points_with_clock_and_provenance(env, tmp_path):
    p = aeslab("run", "--impl", "own/portable", "--alg", "aes-128-gcm,aes-128-xts",
               "--op", "seal,enc", "--sizes", "16,64", *TINY, env=env, check=True)
    pts, run = run_files(tmp_path / "results")
    recs = read_jsonl(pts)
    assert len(recs) == 4
    for r in recs:
        assert r["status"] == "ok", r
        assert r["cycle_source"] in ("pmu", "aperf", "calibrated", "tsc", "cntvct", "ns")
        assert r["core_ghz"] > 0 and r["tsc_ghz"] > 0
        assert r["cycles_per_byte"] > 0 and r["tsc_cycles_per_byte"] > 0
        # core cycles/byte come from the core clock, TSC cycles/byte from the TSC
        assert abs(r["cycles_per_byte"] / r["tsc_cycles_per_byte"]
                   - r["core_ghz"] / r["tsc_ghz"]) < 0.25 * r["core_ghz"] / r["tsc_ghz"]
        assert r["run_id"] == run_id(pts)
    assert pts.name.endswith(".jsonl.gz"), "a complete run's points are packed"
    assert (pts.parent / "machine.json").exists()
    meta = json.loads(run.read_text())
    prov = meta["provenance"]
    for section, keys in PROVENANCE_KEYS.items():
        for k in keys:
            assert k in prov[section], f"provenance.{section}.{k} missing"
    assert prov["command"]["argv"][-1] == "--no-progress"
    assert prov["cloud"]["metadata_service"] == "never contacted"
    # absent information is recorded as absent, with a reason, never dropped
    for key, why in prov["absent"].items():
        assert why, key
    assert any(lib["name"] == "own/portable" and lib["version"] for lib in prov["libraries"])
    assert meta["status"] == "complete" and meta["sessions"][0]["status"] == "complete"
    # the summary names the fastest per size and the clock
    assert "fastest" in p.stdout and "core clock" in p.stdout
    v = aeslab("validate", pts, run, env=env)
    assert v.returncode == 0, v.stdout


def test_threads_report_aggregate_per_thread_and_clock(env, tmp_path):
    p = aeslab("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
               "--sizes", "1024", "--threads", "1,2", *TINY, env=env, check=True)
    pts, _ = run_files(tmp_path / "results")
    by = {r["threads"]: r for r in read_jsonl(pts)}
    assert set(by) == {1, 2}
    t2 = by[2]
    assert t2["thread_mb_per_s"]["min"] <= t2["thread_mb_per_s"]["median"] <= t2["thread_mb_per_s"]["max"]
    assert t2["thread_core_ghz"]["min"] > 0
    assert "per-thread" in p.stdout and "2T aggregate" in p.stdout


def test_a_crashing_plugin_is_recorded_and_the_run_goes_on(env, tmp_path):
    p = aeslab("run", "--impl", "test/crash,own/portable", "--alg", "aes-128-gcm", "--op", "seal",
               "--sizes", "64,256", *TINY, env=env)
    assert p.returncode == 0, p.stderr
    pts, _ = run_files(tmp_path / "results")
    recs = read_jsonl(pts)
    crash = [r for r in recs if r["impl"] == "test/crash"]
    good = [r for r in recs if r["impl"] == "own/portable"]
    assert len(crash) == 2 and all(r["status"].startswith("fail:") and "crash" in r["status"]
                                   for r in crash), crash
    assert all(r["mb_per_s"] is None for r in crash)
    assert len(good) == 2 and all(r["status"] == "ok" for r in good)
    assert "CRASH" in p.stdout


def test_a_child_that_dies_loses_only_its_point(env, tmp_path):
    """In-process verification lets the crash kill the aesbench child itself:
    the runner records it for that point and carries on."""
    env = dict(env, AESLAB_VERIFY_INPROC="1")
    p = aeslab("run", "--impl", "test/crash,own/portable", "--alg", "aes-128-gcm", "--op", "seal",
               "--sizes", "64,256", *TINY, env=env)
    assert p.returncode == 0, p.stderr
    recs = read_jsonl(run_files(tmp_path / "results")[0])
    crash = [r for r in recs if r["impl"] == "test/crash"]
    assert crash and all("crashed (SIGSEGV)" in r["status"] for r in crash), crash
    assert all(r["harness"].startswith("aeslab") for r in crash)  # the runner wrote them
    assert [r["status"] for r in recs if r["impl"] == "own/portable"] == ["ok", "ok"]
    assert aeslab("validate", run_files(tmp_path / "results")[0], env=env).returncode == 0


def test_a_hanging_point_is_killed_and_recorded(env, tmp_path):
    env = dict(env, AESLAB_VERIFY_TIMEOUT="10")
    cfg = tmp_path / "hang.toml"
    cfg.write_text('alg = "aes-128-gcm"\nop = "seal"\nsizes = 1000\ncv_target = 0\ntimeout = 2\n'
                   '[[block]]\nimpl = "test/slow-ok"\nmin_time = 5\n'
                   '[[block]]\nimpl = "own/portable"\nmin_time = 0.005\n')
    p = aeslab("run", "--config", cfg, "--no-progress", env=env)
    assert p.returncode == 0, p.stderr
    recs = {r["impl"]: r for r in read_jsonl(run_files(tmp_path / "results")[0])}
    assert "timed out" in recs["test/slow-ok"]["status"]
    assert recs["own/portable"]["status"] == "ok"


def _keys(recs):
    return [record_key(r) for r in recs]


def test_sigkill_mid_run_then_resume_loses_and_repeats_nothing(env, tmp_path):
    sizes = ",".join(str(16 * i) for i in range(1, 21))
    args = [sys.executable, "-m", "aeslab.cli", "run", "--impl", "own/portable,own/aesni",
            "--alg", "aes-128-gcm", "--op", "seal,open", "--sizes", sizes, *TINY]
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    results = tmp_path / "results"
    deadline = time.monotonic() + 120
    before: list[str] = []
    while time.monotonic() < deadline:
        files = points_files(results)
        if files:
            before = [l for l in files[0].read_text().splitlines(keepends=True) if l.endswith("\n")]
            if len(before) >= 6:
                break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its aesbench child, like a power cut
    proc.wait()
    pts, run = run_files(results)
    assert pts.name.endswith(".jsonl"), "an unfinished run's points stay plain"
    stored = pts.read_text().splitlines(keepends=True)
    assert 6 <= len(stored) < 80, "the kill must come mid-run"
    # a power cut can leave half a line: the resume must cut it, not choke on it
    with open(pts, "a") as f:
        f.write('{"impl": "own/portable", "alg": "aes-128-gcm", "op": "se')
    rid = run_id(pts)
    p = aeslab("run", "--resume", rid, "--no-progress", env=env)
    assert p.returncode == 0, p.stderr
    after = text(current(pts)).splitlines(keepends=True)
    assert after[:len(stored)] == stored, "points stored before the kill were changed"
    recs = [json.loads(l) for l in after]
    keys = _keys(recs)
    assert len(keys) == len(set(keys)), "a point was measured twice"
    assert len(keys) == 2 * 2 * 20, "a point was lost"
    assert all(r["status"] == "ok" for r in recs)
    meta = json.loads(run.read_text())
    assert [s["status"] for s in meta["sessions"]] == ["killed", "complete"]
    assert meta["status"] == "complete"
    assert {r["session"] for r in recs} == {0, 1}
    assert "torn last line" in p.stderr
    assert "groups" not in meta and meta["plan"]["digest"], "the plan is a digest, not a copy"
    v = aeslab("validate", current(pts), env=env)
    assert v.returncode == 0, v.stdout
    # resuming a finished run measures nothing
    p2 = aeslab("run", "--resume", rid, "--no-progress", env=env)
    assert p2.returncode == 0 and text(current(pts)).splitlines(keepends=True) == after


def test_a_second_run_on_the_machine_is_refused(env, tmp_path):
    lock = Lock(Path(env["AESLAB_LOCK"]))
    lock.acquire("run", "someone-else")
    try:
        p = aeslab("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
                   "--sizes", "16", *TINY, env=env)
    finally:
        lock.release()
    assert p.returncode == 1
    assert "refused" in p.stderr and "someone-else" in p.stderr
    assert not points_files(tmp_path / "results")


def test_unknown_implementation_and_bad_flags_are_one_line_errors(env):
    for args in (["--impl", "no/such"], ["--impl", "own/portable", "--sizes", "12x"],
                 ["--impl", "own/portable", "--threads", "0"],
                 ["--preset", "nope"], ["--resume", "19990101T000000Z"]):
        p = aeslab("run", *args, *TINY, env=env)
        assert p.returncode in (1, 2), (args, p.stderr)
        assert p.stderr.strip().splitlines()[-1].startswith("aeslab run:"), (args, p.stderr)
        assert p.stderr.count("aeslab run:") == 1
        assert "Traceback" not in p.stderr


def test_run_id_names_the_run_and_is_never_reused(env, tmp_path):
    """--run-id (the fleet's: hosts of one machine id share its folder, so each
    names its runs): the files carry the name, a second run of that name is
    refused before anything is measured, and a bad name is a one-line error."""
    p = aeslab("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
               "--sizes", "64", "--run-id", "20261204T101005Z-fleet-a", *TINY, env=env)
    assert p.returncode == 0, p.stderr
    pts, run = run_files(tmp_path / "results")
    assert pts.name == "20261204T101005Z-fleet-a.jsonl.gz"
    assert json.loads(run.read_text())["run_id"] == "20261204T101005Z-fleet-a"
    assert all(r["run_id"] == "20261204T101005Z-fleet-a" for r in read_jsonl(pts))
    before = pts.read_bytes()
    for args in (["--run-id", "20261204T101005Z-fleet-a"], ["--run-id", "../x"],
                 ["--run-id", "a.jsonl"], ["--run-id", "x", "--resume", "20261204T101005Z-fleet-a"]):
        p = aeslab("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
                   "--sizes", "64", *args, *TINY, env=env)
        assert p.returncode in (1, 2), (args, p.stderr)
        assert p.stderr.strip().splitlines()[-1].startswith("aeslab run:"), (args, p.stderr)
        assert "Traceback" not in p.stderr
    assert points_files(tmp_path / "results") == [pts] and pts.read_bytes() == before


def test_frequency_sweep_where_not_permitted_says_so_once(env, tmp_path, monkeypatch):
    # this VM has no cpufreq; on a machine that has one, point the check at nothing
    p = aeslab("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
               "--sizes", "64", "--freq", "2.0GHz,max", *TINY, env=env)
    if "frequency sweep" not in p.stderr:
        import pytest
        pytest.skip("this machine permits setting the frequency")
    assert p.returncode == 0
    assert p.stderr.count("frequency sweep") == 1
    recs = read_jsonl(run_files(tmp_path / "results")[0])
    assert [r["freq"] for r in recs] == ["as-is"] and recs[0]["core_ghz"] > 0


def test_dry_run_of_the_quick_preset_measures_nothing(env, tmp_path):
    p = aeslab("run", "--preset", "quick", "--dry-run", env=env, check=True)
    assert "points" in p.stdout and "own/portable" in p.stdout
    assert not (tmp_path / "results").exists() or not list((tmp_path / "results").rglob("*.jsonl"))


def test_sigterm_stops_cleanly_and_resume_finishes(env, tmp_path):
    # --retries 0: noisy points are not held back for re-measuring (an
    # interrupted run stores those it holds, which could complete this one)
    args = [sys.executable, "-m", "aeslab.cli", "run", "--impl", "own/portable",
            "--alg", "aes-128-gcm", "--op", "seal", "--sizes",
            ",".join(str(16 * i) for i in range(1, 31)), "--retries", "0", *TINY]
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        files = points_files(tmp_path / "results")
        if files and len(text(files[0]).splitlines()) >= 3:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)  # only the runner: it must stop its child itself
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "resume with: aeslab run --resume" in err
    pts, run = run_files(tmp_path / "results")
    meta = json.loads(run.read_text())
    assert meta["sessions"][0]["status"] == "interrupted" and meta["status"] == "incomplete"
    n = len(read_jsonl(pts))
    assert 3 <= n < 30
    rid = run_id(pts)
    assert aeslab("run", "--resume", rid, "--no-progress", env=env).returncode == 0
    recs = read_jsonl(pts)
    assert len(recs) == 30 and len(set(_keys(recs))) == 30


def test_noisy_points_are_measured_again_and_the_first_attempt_is_kept(env, tmp_path):
    """A CV target no measurement meets: every point stays noisy, so each is
    measured again twice (samples 2x, then 4x as long) and keeps its earlier
    attempts; --retries 0 measures once and records no attempts."""
    args = ["run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
            "--sizes", "64,256", "--min-time", "0.002", "--samples", "5", "--max-samples", "5",
            "--cv-target", "0.000001", "--no-progress"]
    aeslab(*args, env=env, check=True)
    pts, run = run_files(tmp_path / "results")
    recs = read_jsonl(pts)
    assert len(recs) == 2 and len({record_key(r) for r in recs}) == 2
    for r in recs:
        assert r["status"] == "ok" and r["noisy"] is True
        assert len(r["attempts"]) == 2, r.get("attempts")
        first, second = r["attempts"]
        assert first["min_time_s"] < second["min_time_s"] < r["min_time_s"]
        assert first["noisy"] and first["mb_per_s"] > 0
    assert aeslab("validate", pts, run, env=env).returncode == 0
    env2 = dict(env, AESLAB_RESULTS=str(tmp_path / "once"))
    aeslab(*args, "--retries", "0", env=env2, check=True)
    assert all("attempts" not in r for r in read_jsonl(run_files(tmp_path / "once")[0]))

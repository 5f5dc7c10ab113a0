"""own/auto's measured picks (`aeslab auto-picks`, kernels/auto/picks.c):
the rule on made-up points (a narrower kernel must win by more than the
margin, steps cover lengths up to the size they were measured at, a size
not measured for every candidate decides nothing), and the committed table
is what the committed results give."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess

import pandas as pd
import pytest

from conftest import ROOT, aeslab

from aeslab.analysis import autopicks as ap


def _pts(rows):
    return pd.DataFrame(rows, columns=["impl", "key_bits", "size", "ns"])


def test_wider_kept_within_margin_narrow_taken_beyond():
    p = _pts([("own/aesni", 128, 16, 30.0), ("own/vaes512", 128, 16, 30.5),
              ("own/aesni", 128, 64, 30.0), ("own/vaes512", 128, 64, 34.0),
              ("own/aesni", 128, 512, 90.0), ("own/vaes512", 128, 512, 60.0)])
    # 16: within 3 % -> the wider kernel; 64: aesni clearly; 512: vaes512
    assert ap.steps_of(p) == [(16, "own/vaes512"), (64, "own/aesni"), (None, "own/vaes512")]


def test_vex_aesni_kept_within_margin_sse_taken_beyond():
    p = _pts([("own/aesni", 128, 16, 30.0), ("own/aesni-avx", 128, 16, 30.6),
              ("own/aesni", 128, 512, 100.0), ("own/aesni-avx", 128, 512, 110.0)])
    # 16: within 3 % -> the VEX kernel; 512: the SSE one wins clearly
    assert ap.steps_of(p) == [(16, "own/aesni-avx"), (None, "own/aesni")]


def test_one_width_told_apart_by_score_alone():
    p = _pts([("own/vaes512", 128, 200, 31.0), ("own/fused", 128, 200, 30.0),
              ("own/aesni-avx", 128, 200, 30.5)])
    # all within 3 %: the 512-bit class is kept, and in it the faster kernel
    assert ap.steps_of(p) == [(None, "own/fused")]


def test_key_sizes_by_geometric_mean_and_incomplete_sizes_skipped():
    p = _pts([("own/aesni", 128, 16, 20.0), ("own/aesni", 256, 16, 50.0),
              ("own/vaes256", 128, 16, 30.0), ("own/vaes256", 256, 16, 30.0),
              ("own/aesni", 128, 63, 1.0),  # vaes256 not measured at 63: no decision
              ("own/aesni", 128, 4096, 900.0), ("own/aesni", 256, 4096, 1000.0),
              ("own/vaes256", 128, 4096, 500.0)])  # 256-bit missing: no decision
    # gm(20, 50) = 31.6 > 30: vaes256, and it is the only decided size
    assert ap.steps_of(p) == [(None, "own/vaes256")]


def test_more_steps_than_the_table_holds_are_merged_cheapest_first():
    rows = []
    for i, size in enumerate([16, 32, 48, 64, 80, 96, 112, 128, 144, 160]):
        a, v = (30.0, 40.0) if i % 2 == 0 else (40.0, 30.0)  # winners alternate: 10 steps
        if size == 80:
            a, v = 30.0, 31.5  # aesni wins here by 5% only: the cheapest to give away
        rows += [("own/aesni", 128, size, a), ("own/vaes512", 128, size, v)]
    steps = ap.steps_of(_pts(rows))
    assert len(steps) <= ap.MAX_STEPS and steps[-1][0] is None
    assert steps[:3] == [(16, "own/aesni"), (32, "own/vaes512"), (48, "own/aesni")]
    assert (96, "own/vaes512") in steps  # 80 went to vaes512, merged with 64 and 96


def test_one_narrow_kernel_per_mode_the_cheaper_kept():
    rows = []
    for op, avx, sse in (("enc", 20.0, 20.5), ("dec", 22.0, 18.0)):
        for size, vaes in ((16, 30.0), (512, 60.0)):
            f = 1 if size == 16 else 8
            rows += [("xts", op, "own/aesni-avx", 128, size, avx * f),
                     ("xts", op, "own/aesni", 128, size, sse * f),
                     ("xts", op, "own/vaes256", 128, size, vaes)]
    pm = pd.DataFrame(rows, columns=["mode", "op", "impl", "key_bits", "size", "ns"])
    # free, enc takes aesni-avx at 16 (the VEX kernel within the margin)
    # and dec aesni (clearly): auto holds one of them per mode.  Keeping
    # aesni costs enc 2.5 % at 16, keeping aesni-avx costs dec 22 %.
    assert ap.steps_of(pm[pm.op == "enc"])[0] == (16, "own/aesni-avx")
    assert ap.mode_steps(pm, "xts") == {("xts", "enc"): [(16, "own/aesni"), (None, "own/vaes256")],
                                        ("xts", "dec"): [(16, "own/aesni"), (None, "own/vaes256")]}


def _raw(rows):
    """Stored points as load_results gives them: (run_id, time, impl, size, ns)."""
    return pd.DataFrame([dict(machine_id="m-1", run_id=r, time=t, impl=i, mode="gcm", op="seal",
                              key_bits=128, size=s, ns_per_msg=ns, threads=1, offset=0, aad=16,
                              ok=True) for r, t, i, s, ns in rows])


def test_a_cell_takes_the_newest_run_that_measured_every_candidate():
    full = [("full", "2026-01-01", "own/aesni", s, 100.0) for s in (64, 512)]
    full += [("full", "2026-01-01", "own/vaes256", s, 90.0) for s in (64, 512)]
    # newer, but vaes256 alone, and at 64 only: it compares nothing
    part = [("part", "2026-02-01", "own/vaes256", 64, 200.0)]
    newer = [("newer", "2026-03-01", "own/aesni", 512, 50.0),
             ("newer", "2026-03-01", "own/vaes256", 512, 60.0)]
    p = ap.points(_raw(full + part + newer)).set_index(["impl", "size"])
    assert p.loc[("own/vaes256", 64), "run_id"] == "full"  # not the partial run's
    assert p.loc[("own/vaes256", 64), "ns"] == 90.0
    assert p.loc[("own/aesni", 512), "run_id"] == "newer"  # a whole newer cell wins
    assert ap.steps_of(p.reset_index()) == [(64, "own/vaes256"), (None, "own/aesni")]


def test_a_cell_no_run_measured_whole_takes_each_points_newest():
    rows = [("a", "2026-01-01", "own/aesni", 64, 100.0), ("a", "2026-01-01", "own/aesni", 512, 70.0),
            ("b", "2026-02-01", "own/vaes256", 64, 90.0), ("c", "2026-03-01", "own/aesni", 64, 80.0)]
    p = ap.points(_raw(rows)).set_index(["impl", "size"])
    assert p.loc[("own/aesni", 64), "run_id"] == "c"
    assert p.loc[("own/vaes256", 64), "run_id"] == "b"


def test_one_candidate_gives_no_row():
    assert ap.steps_of(_pts([("own/aesni", 128, 16, 20.0)])) == []


def test_render_names_every_step():
    row = ap.Row("m-1", "CPU X", "AuthenticAMD", 25, 17, ("r1",),
                 {("xts", "enc"): [(16, "own/aesni"), (None, "own/vaes512")]})
    c = ap.render_c([row], "results/")
    assert '{"AuthenticAMD", 25, 17,' in c
    assert "[AO_XTS_ENC] = {{16, AP_AESNI}, {AUTO_ANY, AP_VAES512}}" in c
    assert "[AO_SEAL] = {}, /* not measured */" in c


def test_committed_table_is_what_the_results_give(tmp_path):
    # the results git tracks: a local `make run` adds runs the table was
    # not made from
    tracked = subprocess.run(["git", "ls-files", "-z", "results"], cwd=ROOT, capture_output=True)
    results = tmp_path / "results"
    if tracked.returncode == 0 and tracked.stdout:
        for name in tracked.stdout.decode().split("\0"):
            if name:
                (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / name, tmp_path / name)
    else:  # not a git checkout: what is there
        results = ROOT / "results"
    env = dict(os.environ, AESLAB_RESULTS=str(results))
    r = aeslab("auto-picks", "--check", env=env, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "matches results/" in r.stdout


def test_check_reports_a_stale_table_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ap, "generate", lambda results: ("/* fresh */\n", []))
    stale = tmp_path / "picks.c"
    stale.write_text("/* stale */\n")
    args = argparse.Namespace(results=str(tmp_path), out=str(stale), check=True)
    assert ap.command(args) == 1
    assert "is not what results/ gives" in capsys.readouterr().err
    assert stale.read_text() == "/* stale */\n"
    args.check = False
    assert ap.command(args) == 0 and stale.read_text() == "/* fresh */\n"

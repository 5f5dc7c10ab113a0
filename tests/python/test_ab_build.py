"""scripts/ab-build.py: the interval it prints beside the per-cycle ratio,
and one whole A/A run on tiny settings (two builds of own.so, five rounds)."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest
from conftest import ROOT, _need

SCRIPT = ROOT / "scripts" / "ab-build.py"


@pytest.fixture(scope="module")
def ab():
    spec = importlib.util.spec_from_file_location("ab_build", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_interval_holds_one_when_the_variants_match(ab):
    a = [0.40, 0.41, 0.39, 0.45, 0.40, 0.42, 0.52, 0.40]
    lo, hi = ab.ratio_interval(a, list(reversed(a)))
    assert lo < 1 < hi
    assert (lo, hi) == ab.ratio_interval(a, list(reversed(a)))  # seeded


def test_interval_leaves_out_one_when_b_is_faster(ab):
    a = [0.50, 0.51, 0.49, 0.55, 0.50, 0.52]
    b = [x * 0.8 for x in a]  # B takes 20 % fewer cycles per byte
    lo, hi = ab.ratio_interval(a, b)
    assert 1 < lo <= 1.25 <= hi


def test_cell_marks_a_clear_difference_and_refuses_few_rounds(ab):
    a = [0.50, 0.51, 0.49, 0.55, 0.50]
    assert ab.interval_cell(a, [x * 0.8 for x in a]).endswith("*")
    assert not ab.interval_cell(a, list(reversed(a))).endswith("*")
    assert ab.interval_cell(a[:4], a[:4]).strip() == "(< 5 rounds)"


def test_a_a_run_prints_the_interval_column():
    if "aes" not in open("/proc/cpuinfo").read().split():
        pytest.skip("this CPU has no AES-NI: own/aesni cannot run")
    _need(ROOT / "build" / "aesbench", "build")  # the script times with this one, whatever BUILD is
    r = subprocess.run([sys.executable, str(SCRIPT), "--impl", "own/aesni", "--alg", "aes-128-gcm",
                        "--op", "seal", "--sizes", "512", "--rounds", "5", "--min-time", "0.005"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "95% interval" in r.stdout
    row = next(l for l in r.stdout.splitlines() if l.startswith("own/aesni"))
    assert re.search(r"\d\.\d{3}-\d\.\d{3}[* ]", row), row


def test_failing_build_is_one_line_error():
    r = subprocess.run([sys.executable, str(SCRIPT), "-B=-fno-such-option-ab", "--impl", "own/aesni",
                        "--alg", "aes-128-gcm", "--rounds", "1"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode != 0
    assert r.stderr.startswith("ab-build: building B"), r.stderr[:300]

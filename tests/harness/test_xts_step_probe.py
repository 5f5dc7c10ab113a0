"""scripts/xts-step-probe.c builds, runs, prints every row and rejects a bad
argument (no speed thresholds: what it measures goes in notes, not tests)."""
from __future__ import annotations

import platform
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "scripts" / "xts-step-probe.c"

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="xts-step-probe: x86-64 only")

ROWS = ["pipes", "loop", "+xor", "+shifts", "+clmul", "+shift-xor"]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    exe = tmp_path_factory.mktemp("probe") / "xts-step-probe"
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-mavx2", "-maes", "-mvaes",
                    "-mvpclmulqdq", str(SRC), "-o", str(exe)], check=True)
    return exe


def test_rows(probe):
    p = subprocess.run([str(probe), "5"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    if "unsupported" in p.stdout:
        pytest.skip(f"xts-step-probe: {p.stdout.strip()}")
    lines = p.stdout.splitlines()[1:]
    assert [ln.split()[0] for ln in lines] == ROWS
    for ln in lines:
        ticks, share = float(ln.split()[1]), float(ln.split()[2].rstrip("%"))
        assert ticks > 0 and 0 < share < 1000, ln
    assert lines[0].split()[2] == "100%"


@pytest.mark.parametrize("arg", ["0", "-3", "many", "5x"])
def test_bad_reps(probe, arg):
    p = subprocess.run([str(probe), arg], capture_output=True, text=True, timeout=60)
    if "unsupported" in p.stdout:
        pytest.skip(f"xts-step-probe: {p.stdout.strip()}")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "reps" in p.stderr

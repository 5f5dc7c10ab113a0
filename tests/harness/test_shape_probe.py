"""scripts/shape-probe.c builds with -Werror, runs, prints every row of both
loops and rejects a bad argument in one line (no speed thresholds: what it
measures goes in notes, not tests)."""
from __future__ import annotations

import platform
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "scripts" / "shape-probe.c"

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="shape-probe: x86-64 only")

ROWS = [("xts", r) for r in ("pipes", "loop", "+xor", "+shifts", "+clmul", "+shift-xor")] + \
       [("gcm", r) for r in ("pipes", "ghash", "+bswap", "+karatsuba", "+reduce", "+counters")]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    exe = tmp_path_factory.mktemp("probe") / "shape-probe"
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-mavx2", "-maes", "-mvaes",
                    "-mvpclmulqdq", str(SRC), "-o", str(exe)], check=True)
    return exe


def run(probe, *args):
    p = subprocess.run([str(probe), *args], capture_output=True, text=True, timeout=120)
    if "unsupported" in p.stdout:
        pytest.skip(f"shape-probe: {p.stdout.strip()}")
    return p


def test_rows(probe):
    p = run(probe, "5")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()[1:]
    assert [tuple(ln.split()[:2]) for ln in lines] == ROWS
    for ln in lines:
        ticks, share = float(ln.split()[2]), float(ln.split()[3].rstrip("%"))
        assert ticks > 0 and 0 < share < 1000, ln
        if ln.split()[1] == "pipes":
            assert share == 100, ln


@pytest.mark.parametrize("args", [["0"], ["-3"], ["many"], ["5x"], ["5", "6"]])
def test_bad_args(probe, args):
    p = run(probe, *args)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "usage" in p.stderr, p.stderr

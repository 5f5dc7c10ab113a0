"""`aesbench pipes`: structure and sanity of the measured pipe throughput and
the bound derived from it (no speed thresholds beyond sanity)."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AESBENCH = ROOT / os.environ.get("AESLAB_BUILD", "build") / "aesbench"

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="pipes: x86-64 only")


def run(*args):
    return subprocess.run([str(AESBENCH), "pipes", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def pipes():
    p = run("--json", "--iters", "1000")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_structure_and_sanity(pipes):
    assert pipes["family"] > 0 and pipes["cpu"]
    assert 0.2 < pipes["core_ghz"] < 10 and 0.2 < pipes["tsc_ghz"] < 10
    names = [s["name"] for s in pipes["streams"]]
    assert names == ["aes-xmm", "aes-ymm", "aes-zmm", "clmul-xmm", "clmul-ymm", "clmul-zmm",
                     "mixed-xmm", "mixed-ymm", "mixed-zmm"]
    for s in pipes["streams"]:
        if not s["supported"]:
            assert s["lacks"], s   # an unsupported width says what it lacks
            continue
        assert 0 < s["ipc"] < 16, s
        assert s["cycles_per_insn"] > 0 and s["cycles_per_block"] > 0
        assert abs(s["cycles_per_block"] * s["width"] / 128 - s["cycles_per_insn"]) < 1e-3
    assert pipes["sharing"]["verdict"] in ("shared", "separate", "unknown")
    algs = {(b["alg"], b["op"]) for b in pipes["bounds"]}
    assert algs == {(a, o) for a in ("aes-128-gcm", "aes-256-gcm") for o in ("seal", "open")} | \
                  {(a, o) for a in ("aes-128-xts", "aes-256-xts") for o in ("enc", "dec")}
    by = {(b["alg"], b["op"]): b for b in pipes["bounds"]}
    if by[("aes-128-xts", "enc")]["cycles_per_byte"] is None:
        return  # no AES-NI here
    for b in pipes["bounds"]:
        assert 0 < b["cycles_per_byte"] < 10, b
    # more rounds, more cycles; GCM adds GHASH to the same AES work
    assert by[("aes-256-xts", "enc")]["cycles_per_byte"] > by[("aes-128-xts", "enc")]["cycles_per_byte"]
    assert by[("aes-128-gcm", "seal")]["cycles_per_byte"] >= by[("aes-128-xts", "enc")]["cycles_per_byte"]


def test_bad_arguments():
    for args in (["--bogus"], ["--iters", "x"], ["--iters", "1"]):
        p = run(*args)
        assert p.returncode == 2, args
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert run("--help").returncode == 0 and "usage: aesbench pipes" in run("--help").stdout

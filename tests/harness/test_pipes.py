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
                     "mixed-xmm", "mixed-ymm", "mixed-zmm", "gcm128-xmm", "gcm128-ymm",
                     "gcm128-zmm", "gcm256-xmm", "gcm256-ymm", "gcm256-zmm"]
    for s in pipes["streams"]:
        if not s["supported"]:
            assert s["lacks"], s   # an unsupported width says what it lacks
            continue
        assert 0 < s["ipc"] < 16, s
        assert s["cycles_per_insn"] > 0 and s["cycles_per_block"] > 0
        if s["kind"] in ("aes", "clmul"):
            assert abs(s["cycles_per_block"] * s["width"] / 128 - s["cycles_per_insn"]) < 1e-3
        if s["kind"] == "gcm":  # 4 blocks per lane: rounds x 4 AES + 13 CLMUL instructions
            n = 4 * s["rounds"] + 13
            assert abs(s["cycles_per_block"] * 4 * s["width"] / 128
                       - s["cycles_per_insn"] * n) < 1e-2 * n, s
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
    for a in ("aes-128", "aes-256"):
        g, x = by[(a + "-gcm", "seal")], by[(a + "-xts", "enc")]
        # the GCM bound is its own measured mix at the XTS bound's width or narrower
        # (both taken as the best batch, so the mix can tie the AES stream but
        # not beat it by more than timing noise)
        assert g["stream"] == f"gcm{a[4:]}-{ {128: 'xmm', 256: 'ymm', 512: 'zmm'}[g['width']] }"
        assert g["aes_ops_per_block"] == {"aes-128": 10, "aes-256": 14}[a] and g["clmul_per_block"] == 3.25
        assert g["cycles_per_byte"] >= 0.9 * x["cycles_per_byte"], (g, x)


def test_bad_arguments():
    for args in (["--bogus"], ["--iters", "x"], ["--iters", "1"]):
        p = run(*args)
        assert p.returncode == 2, args
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert run("--help").returncode == 0 and "usage: aesbench pipes" in run("--help").stdout

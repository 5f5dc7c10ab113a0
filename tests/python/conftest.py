"""Fixtures for the runner's tests (run by `make test-py`).

Every test runs `aeslab` as a child process, as users do, against a private
plugin folder (own.so + the deliberately broken test plugins), a private
results folder and a private run lock, with tiny matrices (--min-time
0.005): the tests check behaviour, never speed."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("AESLAB_BUILD", "build")


def _need(path: Path, target: str) -> None:
    if not path.exists():
        subprocess.run(["make", "--no-print-directory", "-s", target], cwd=ROOT, check=False)
    if not path.exists():
        pytest.fail(f"{path} is missing and `make {target}` did not build it")


@pytest.fixture(scope="session")
def plugin_dir(tmp_path_factory) -> Path:
    _need(BUILD / "aesbench", "build/aesbench")
    _need(BUILD / "plugins" / "own.so", "build/plugins/own.so")
    _need(BUILD / "test-plugins" / "broken.so", "test-plugins")
    d = tmp_path_factory.mktemp("plugins")
    # copies: other work may rebuild build/plugins while the tests run
    shutil.copy(BUILD / "plugins" / "own.so", d)
    shutil.copy(BUILD / "test-plugins" / "broken.so", d)
    return d


@pytest.fixture
def env(tmp_path, plugin_dir) -> dict:
    e = dict(os.environ)
    e.update({
        "AESLAB_ROOT": str(ROOT),
        "AESLAB_BUILD": str(BUILD),
        "AESLAB_PLUGINS": str(plugin_dir),
        "AESLAB_RESULTS": str(tmp_path / "results"),
        "AESLAB_LOCK": str(tmp_path / "run.lock"),
        "AESLAB_VERIFY_TIMEOUT": "60",
        "COLUMNS": "200",
    })
    e.pop("AESLAB_VERIFY_INPROC", None)
    return e


def aeslab(*args, env, timeout=300, check=False, cwd=None) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "aeslab.cli", *map(str, args)], capture_output=True,
                       text=True, env=env, timeout=timeout, cwd=cwd or ROOT)
    if check and p.returncode != 0:
        raise AssertionError(f"aeslab {' '.join(map(str, args))} exited {p.returncode}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def points_files(results: Path) -> list[Path]:
    return sorted(results.glob("*/*.jsonl")) + sorted(results.glob("*/*.jsonl.gz"))


def run_files(results: Path) -> tuple[Path, Path]:
    """The single run's (points file, run.json) under a results folder: the
    points are <run-id>.jsonl while measuring, <run-id>.jsonl.gz once complete."""
    pts = points_files(results)
    assert len(pts) == 1, pts
    return pts[0], pts[0].with_name(run_id(pts[0]) + ".run.json")


def run_id(p: Path) -> str:
    return p.name.split(".jsonl")[0]


def text(p: Path) -> str:
    """A points file's text, plain or gzip'd."""
    import gzip
    return gzip.decompress(p.read_bytes()).decode() if p.name.endswith(".gz") else p.read_text()


def current(p: Path) -> Path:
    """The points file of p's run as it is now (packed once the run completed)."""
    for ext in (".jsonl", ".jsonl.gz"):
        q = p.with_name(run_id(p) + ext)
        if q.exists():
            return q
    return p


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(l) for l in text(current(p)).splitlines() if l.strip()]


TINY = ["--min-time", "0.005", "--samples", "5", "--max-samples", "6", "--cv-target", "0",
        "--no-progress"]

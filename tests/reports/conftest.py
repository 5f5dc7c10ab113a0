"""Fixtures of the report tests: the committed results set (real runs of
this lab, see data/README.md) and the reports generated from it once per
session."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "data" / "results"
ARTIFACTS = ROOT / "tests" / "artifacts"

sys.path.insert(0, str(HERE))  # browser.py


@pytest.fixture(scope="session")
def data_dir() -> Path:
    assert DATA.is_dir(), f"{DATA} is missing"
    return DATA


@pytest.fixture(scope="session")
def results(data_dir):
    from aeslab.analysis import load_results
    return load_results(data_dir)


@pytest.fixture(scope="session")
def host(results) -> str:
    return results.machines()[0]


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory, data_dir) -> Path:
    from aeslab.cli import main
    out = tmp_path_factory.mktemp("reports")
    assert main(["report", "--results", str(data_dir), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def dashboard_dir(tmp_path_factory, data_dir) -> Path:
    from aeslab.cli import main
    out = tmp_path_factory.mktemp("dashboard")
    assert main(["dashboard", "--results", str(data_dir), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


ZEN3 = ROOT / "results" / "zen3-epyc-2c-vm-fceffc06"


@pytest.fixture(scope="session")
def two_machine_results(data_dir):
    """The test set's Zen 4 beside the committed Zen 3 (Milan) seeds run: two
    real machines, both called `vm`."""
    from aeslab.analysis import load_results
    assert ZEN3.is_dir(), f"{ZEN3} is missing"
    return load_results([data_dir, ZEN3])


@pytest.fixture(scope="session")
def two_machine_reports(tmp_path_factory, data_dir):
    from aeslab.cli import main
    out = tmp_path_factory.mktemp("reports2")
    assert main(["report", "--results", str(data_dir), "--results", str(ZEN3), "--out", str(out)]) == 0
    return out, [data_dir, ZEN3]

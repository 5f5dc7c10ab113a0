"""The cold-cache section of the ISA-selection page (analysis/coldcache.py),
against data/cold: one real `aeslab run --cold` of seven AES-256-GCM paths
and lab/null at 16-1420 B on the Zen 2 VM (see data/README.md), in the
per-machine layout (packed points, cold_* fields and all)."""
from __future__ import annotations

import gzip
import json
import statistics
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
COLD = HERE / "data" / "cold"
ZEN2 = "zen2-epyc-2c-vm-e143b57e"


@pytest.fixture(scope="module")
def cold():
    from aeslab.analysis import load_results
    return load_results(COLD)


def _records():
    f = next(COLD.glob("*/*.jsonl.gz"))
    return [json.loads(l) for l in gzip.decompress(f.read_bytes()).decode().splitlines()], \
        json.loads(f.with_name(f.name[:-len(".jsonl.gz")] + ".run.json").read_text())


def test_cold_table_matches_the_points(cold):
    from aeslab.analysis import coldcache
    recs, run = _records()
    host = cold.machines()[0]
    assert cold.machines() == [ZEN2]   # keyed by machine id, not the host name (vm)
    assert cold.points["cold_ns_per_msg"].notna().all()   # the compact store kept them
    sec = coldcache.section(cold, host)
    assert not sec.missing and len(sec.tables) == 1
    t = sec.tables[0]
    code = {(l["name"], l["alg"]): l["code_bytes"] for l in run["provenance"]["libraries"]}
    real = [r for r in recs if r["library"] != "lab" and r["status"] == "ok"]
    assert len(t.data) == len(real)
    by = {(r["impl"], r["size"]): r for r in real}
    for _, d in t.data.iterrows():
        r = by[(d["impl"], d["size"])]
        assert d["warm_ns"] == pytest.approx(r["ns_per_msg"])
        assert d["cold_ns"] == pytest.approx(r["cold_ns_per_msg"])
        assert d["extra_ns"] == pytest.approx(r["cold_ns_per_msg"] - r["ns_per_msg"])
        assert d["code_bytes"] == code[(d["impl"], r["alg"])]
        # the cell shows the same two numbers
        cell = t.df.loc[d["impl"], f"{d['size']} B warm / cold"]
        w, c = (float(x.replace(",", "")) for x in cell.split(" / "))
        assert w == round(r["ns_per_msg"]) and c == round(r["cold_ns_per_msg"])
    # lab/null is the floor row, never a data row; the rest ordered by code size
    assert t.df.index[0] == "lab/null (the floor)" and "lab/null" not in set(t.data["impl"])
    sizes = [code[(i, "aes-256-gcm")] for i in t.df.index[1:]]
    assert sizes == sorted(sizes)
    null16 = next(r for r in recs if r["impl"] == "lab/null" and r["size"] == 16)
    assert t.df.iloc[0]["16 B warm / cold"].endswith(f"/ {round(null16['cold_ns_per_msg'])}")
    # the note relates the cold extra at 16 B to code size over every implementation
    assert sec.notes and "over 7 implementations" in sec.notes[0]
    disturb = statistics.median(r["cold_disturb_ns"] for r in real)
    assert f"{disturb / 1e3:,.1f} us" in sec.intro and "511 KiB of code" in sec.intro


def test_no_cold_points_says_so(results, host):
    from aeslab.analysis import coldcache
    sec = coldcache.section(results, host)   # the Zen 4 set: measured before --cold existed
    assert sec.missing == [coldcache.NONE] and not sec.tables


def test_isa_page_carries_the_section(report_dir, host, tmp_path):
    page = (report_dir / host / "isa-selection.md").read_text()
    assert "## Cold caches" in page and "no cold-cache points in these runs" in page
    from aeslab.cli import main
    assert main(["report", "--results", str(COLD), "--out", str(tmp_path)]) == 0
    page = next(tmp_path.glob("*/isa-selection.md")).read_text()
    assert "**aes-256-gcm seal: ns per message, warm / cold (1 thread)**" in page
    assert "no cold-cache points" not in page


def test_code_bytes_are_those_of_the_timed_run():
    # a table's code bytes come from the run its points come from (the code
    # that was timed), even where a later run lists the path with other bytes
    from types import SimpleNamespace

    from aeslab.analysis import coldcache

    def run(created, n):
        return {"created": created, "provenance": {"libraries": [
            {"name": "own/auto", "alg": "aes-128-gcm", "code_bytes": n}]}}
    res = SimpleNamespace(run_docs={("m", "r1"): run("2026-12-01T00:00:00Z", 100),
                                    ("m", "r2"): run("2026-12-02T00:00:00Z", 200),
                                    ("other", "r3"): run("2026-12-03T00:00:00Z", 300)})
    assert coldcache.code_bytes(res, "m", {"r1"}) == {("own/auto", "aes-128-gcm"): 100}
    assert coldcache.code_bytes(res, "m", {"r2"}) == {("own/auto", "aes-128-gcm"): 200}
    assert coldcache.code_bytes(res, "m") == {("own/auto", "aes-128-gcm"): 200}   # the latest

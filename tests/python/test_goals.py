"""`aeslab goals` against a committed goals run: every printed ratio is the
fastest own kernel over the fastest peer, each the median of its passes."""
from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import defaultdict

from conftest import ROOT, aeslab

RUN = ROOT / "results" / "zen4-epyc-2c-vm-c39ba889" / "goals-xts-20261123T224139Z.jsonl.gz"


def _text() -> str:
    return gzip.decompress(RUN.read_bytes()).decode()


def test_goals_table_matches_the_points(tmp_path, env):
    # two passes: the committed run, and the same run with every own kernel at
    # half speed; the median of the two is what the table must show
    recs = [json.loads(l) for l in _text().splitlines()]
    slow = [dict(r, mb_per_s=r["mb_per_s"] / 2) if r["impl"].startswith("own/") and r["mb_per_s"]
            else r for r in recs]
    f = tmp_path / "goals.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in recs + slow))
    out = aeslab("goals", str(f), env=env, check=True).stdout
    by = defaultdict(lambda: defaultdict(list))
    for r in recs + slow:
        if r["status"] == "ok":
            by[(r["alg"], r["op"], r["size"])][r["impl"]].append(r["mb_per_s"])
    checked = 0
    for (alg, op, size), impls in by.items():
        med = {i: statistics.median(v) for i, v in impls.items()}
        own = max(v for i, v in med.items() if i.startswith("own/") and i != "own/portable")
        peer = max(v for i, v in med.items() if not i.startswith("own/"))
        section = out.split(f"### {alg} {op}\n")[1].split("###")[0]
        row = re.search(rf"^\| {size} \|.*\| \**([0-9.]+)\** \|$", section, re.M)
        assert row, (alg, op, size)
        assert abs(float(row.group(1)) - own / peer) < 6e-4, (alg, op, size)
        checked += 1
    assert checked == 52
    assert "median of 2 pass(es)" in out


def test_goals_rejects_missing_files(tmp_path, env):
    p = aeslab("goals", str(tmp_path / "nope.jsonl"), env=env)
    assert p.returncode == 2 and "no such file" in p.stderr


def _pipes_doc(cpb: dict) -> dict:
    return {"kind": "aeslab-pipes/1", "id": "pipes-x", "host": "fixture",
            "created": "2026-01-01T00:00:00Z",
            "harness": {"cpu": "Fixture CPU", "family": 25, "model": 17,
                        "sharing": {"verdict": "separate"},
                        "bounds": [{"alg": a, "op": o, "width": 512, "cycles_per_byte": v}
                                   for (a, o), v in cpb.items()]}}


def test_goals_reads_the_machines_bound(tmp_path, env):
    # the points and a pipes record in the same results/<host>/ folder
    folder = tmp_path / "fixture"
    folder.mkdir()
    f = folder / "goals.jsonl"
    f.write_text(_text())
    bound = {("aes-256-xts", "enc"): 0.2, ("aes-256-xts", "dec"): 0.2,
             ("aes-128-xts", "enc"): 0.15, ("aes-128-xts", "dec"): 0.15}
    (folder / "pipes-20260101T000000Z.json").write_text(json.dumps(_pipes_doc(bound)))
    out = aeslab("goals", str(f), env=env, check=True).stdout
    rows = {}
    for m in re.finditer(r"^\| (aes-\S+ \w+) \| (own/\S+) \| ([0-9.]+) \| [0-9.]+ \| [0-9.]+ \| "
                         r"([0-9.]+|—) \| ([0-9]+%|—) \|", out, re.M):
        rows[m.group(1)] = m
    assert set(rows) == {"aes-128-xts dec", "aes-128-xts enc", "aes-256-xts dec", "aes-256-xts enc"}
    for k, m in rows.items():
        alg, op = k.split()
        assert float(m.group(4)) == bound[(alg, op)]
        assert m.group(5) == f"{100 * bound[(alg, op)] / float(m.group(3)):.0f}%"
    assert "Fixture CPU" in out and "not measured" not in out


def test_goals_without_a_bound_says_so(tmp_path, env):
    folder = tmp_path / "nobound"
    folder.mkdir()
    f = folder / "goals.jsonl"
    f.write_text(_text())
    out = aeslab("goals", str(f), env=env, check=True).stdout
    assert "bound not measured on this machine" in out
    assert "0.234" not in out and "0.289" not in out   # no borrowed Zen 4 constants

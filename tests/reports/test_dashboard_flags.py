"""The dashboard flags only real changes, on synthetic series generated here
(test inputs for the detector, written in the store's real layout from a
copy of a real run's provenance; not measurements):

* a planted 10% step in one implementation on one machine is flagged, once,
  at the run where it starts;
* the same history with a contaminated baseline run (lost core, 40% slow),
  a run that started on a busy machine, and the host name `vm` moving to
  another, faster CPU raises no other flag;
* the floor comes from quiet measurements: a busy A/A check (80%) that would
  hide the step is not used.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from pathlib import Path

import pytest

from aeslab import machine as _machine
from aeslab.analysis import load_results, regress

IMPLS = {"own/vaes512": "vaes512", "own/aesni": "aesni", "openssl-4.0/evp": "auto"}
SIZES = [64, 1420, 16384]
BASE = {64: 900.0, 1420: 6000.0, 16384: 9000.0}
SPEED = {"own/vaes512": 1.0, "own/aesni": 0.6, "openssl-4.0/evp": 0.8}
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def _template(data_dir: Path) -> tuple[dict, dict]:
    f = sorted(data_dir.rglob("2*.jsonl.gz"))[0]
    point = json.loads(gzip.decompress(f.read_bytes()).decode().splitlines()[0])
    run = json.loads(f.with_name(f.name.split(".jsonl")[0] + ".run.json").read_text())
    return point, run


def write_run(results: Path, tpl: tuple[dict, dict], run_id: str, when: dt.datetime,
              value, model: int = 17, load: float = 0.1, share: float = 1.0,
              noisy: bool = False) -> str:
    """One synthetic run on the machine of CPU model `model` (host name `vm`
    whatever the CPU): value(impl, size) -> MB/s."""
    p0, r0 = tpl
    run = json.loads(json.dumps(r0))
    run["provenance"]["cpu"].update(model=model)
    run["provenance"]["load_average"] = [load, load, load]
    run["provenance"]["host"] = run["host"] = "vm"
    folder, doc = _machine.ensure(results, run["provenance"], when.isoformat(), "test")
    run.update(run_id=run_id, machine=doc["id"], created=when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    (folder / f"{run_id}.run.json").write_text(json.dumps(run))
    lines = []
    for k, (impl, isa) in enumerate(IMPLS.items()):
        for j, size in enumerate(SIZES):
            mb = value(impl, size)
            p = dict(p0, impl=impl, library=impl.split("/")[0], isa=isa, alg="aes-256-gcm",
                     op="seal", size=size, aad=16, mb_per_s=mb, ns_per_msg=1e3 * size / mb,
                     ci95_mb_per_s=[mb * 0.99, mb * 1.01], cv=0.004, cv_target=0.02,
                     noisy=noisy, cpu_share=share, run_id=run_id, loadavg=load,
                     thread_mb_per_s={"min": mb, "median": mb, "max": mb},
                     time=(when + dt.timedelta(seconds=k * 10 + j)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
            lines.append(json.dumps(p))
    (folder / f"{run_id}.jsonl").write_text("\n".join(lines) + "\n")
    return doc["id"]


def history(tmp: Path, data_dir: Path, step: bool = True, trouble: bool = True,
            busy_noise: bool = True):
    """Zen 4 (model 17): 20 runs, own/vaes512 10% slower from run 12 on when
    `step`; with `trouble`: run 8 lost its core (all 40% slow), run 5 began at
    load 5, and then the host `vm` moves to a CPU of model 1 that is 30%
    faster for 10 runs."""
    rnd = random.Random(7)
    tpl = _template(data_dir)
    res_dir = tmp / "results"
    ids = {}
    for i in range(20):
        def v(impl, size, i=i):
            x = BASE[size] * SPEED[impl] * rnd.lognormvariate(0, 0.005)
            if step and impl == "own/vaes512" and i >= 12:
                x *= 0.9
            if trouble and i == 8:
                x *= 0.6
            return x
        kw = {}
        if trouble and i == 8:
            kw = dict(share=0.55, noisy=True)
        if trouble and i == 5:
            kw = dict(load=5.0)
        ids["a"] = write_run(res_dir, tpl, f"r{i:02d}", T0 + dt.timedelta(hours=i), v, **kw)
    if trouble:
        for i in range(20, 30):
            ids["b"] = write_run(res_dir, tpl, f"r{i:02d}", T0 + dt.timedelta(hours=i),
                                 lambda impl, size: BASE[size] * SPEED[impl] * 1.3
                                 * rnd.lognormvariate(0, 0.005), model=1)
    if busy_noise:  # an A/A check forced on a busy machine: 80%, must not be the floor
        d = res_dir / ids["a"]
        doc = json.loads(next(data_dir.rglob("noise-*.json")).read_text())
        doc.update(id="noise-x", machine=ids["a"], noise_floor_pct=80.0, quiet=False,
                   created=(T0 + dt.timedelta(hours=1)).isoformat())
        (d / "noise-x.json").write_text(json.dumps(doc))
    return res_dir, ids


def _flags(h):
    return h[h["flag"].notna()]


def test_planted_step_is_flagged_once(tmp_path, data_dir):
    res_dir, ids = history(tmp_path, data_dir, trouble=False, busy_noise=False)
    res = load_results(res_dir, strict=False)
    h = regress.history(res)
    f = _flags(h)
    assert set(f["impl"]) == {"own/vaes512"} and len(f) == len(SIZES), f
    assert set(f["run_id"]) == {"r12"} and set(f["flag"]) == {"regression"}
    assert ((f["change_pct"] < -8) & (f["change_pct"] > -12)).all()


def test_noisy_run_and_machine_switch_raise_no_other_flag(tmp_path, data_dir):
    res_dir, ids = history(tmp_path, data_dir)
    res = load_results(res_dir, strict=False)
    # two machines under one host name: never merged
    assert len(res.machines()) == 2 and set(res.runs["host"]) == {"vm"}
    h = regress.history(res)
    f = _flags(h)
    assert set(zip(f["machine_id"], f["impl"], f["run_id"])) == {(ids["a"], "own/vaes512", "r12")}
    assert len(f) == len(SIZES)
    # the contaminated runs are marked, shown, and in no baseline
    c = h[h["run_id"].isin(["r05", "r08"])]
    assert (c["status"] == "contaminated").all() and not c["clean"].any()
    assert c[c["run_id"] == "r08"]["contaminated"].str.contains("cpu_share 0.55").all()
    assert c[c["run_id"] == "r05"]["contaminated"].str.contains("load 5.0").all()
    assert not any("r08" in b or "r05" in b for b in h["baseline_runs"])
    # the floor: from the quiet history, not from the busy A/A check
    fl = regress.floors(res, h)
    assert fl[ids["a"]][0] < 5 and "clean history" in fl[ids["a"]][1]
    assert "busy machine not used" in fl[ids["a"]][1]
    # keyed by host name instead, the move to the faster CPU would be a change
    pr = regress.per_run(res.points)
    s = pr[(pr["impl"] == "own/aesni") & (pr["size"] == 1420)].sort_values("time")
    before, after = s[s["run_id"] == "r19"]["mb_per_s"].iloc[0], s[s["run_id"] == "r20"]["mb_per_s"].iloc[0]
    assert after / before > 1.2


def test_dashboard_pages_show_the_flags(tmp_path, data_dir):
    from aeslab.dashboard import build
    res_dir, ids = history(tmp_path, data_dir)
    res = load_results(res_dir, strict=False)
    out = build(res, tmp_path / "dash")
    idx = out.read_text()
    assert 'data-flags="3"' in idx and 'data-machines="2"' in idx
    page = (tmp_path / "dash" / "machines" / f"{ids['a']}.html").read_text()
    import re
    d = json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>', page,
                             re.S).group(1))
    assert d["machine"]["id"] == ids["a"] and "Zen 4" in d["machine"]["label"]
    assert {f["run"] for f in d["flags"]} == {"r12"}
    assert all(f["base_runs"] and not {"r05", "r08"} & set(f["base_runs"]) for f in d["flags"])
    for f in d["flags"]:
        for r in [f["run"], *f["base_runs"]]:
            assert (tmp_path / "dash" / "runs" / ids["a"] / f"{r}.html").exists()

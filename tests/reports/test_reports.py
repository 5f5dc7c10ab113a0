"""Reports regenerated from the committed results set, checked against that
input read independently (plain json, not the analysis package), against
the published CSVs, and for what they claim."""
from __future__ import annotations

import csv
import gzip
import json
import math
import re
import shutil
from pathlib import Path

import pytest

from aeslab.analysis import ResultsError, load_results

ROOT = Path(__file__).resolve().parents[2]


# ---- an independent reader of the raw input ---------------------------------

def _text(f: Path) -> str:
    return gzip.decompress(f.read_bytes()).decode() if f.name.endswith(".gz") else f.read_text()


def _rid(f: Path) -> str:
    return f.name.split(".jsonl")[0]


def points_files(d: Path) -> list[Path]:
    return sorted(d.rglob("*.jsonl")) + sorted(d.rglob("*.jsonl.gz"))


def raw_points(data_dir: Path) -> list[dict]:
    out = []
    for f in points_files(data_dir):
        for line in _text(f).splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def _file_run(src: Path, results: Path, run_id: str, lines: list[str] | None = None,
              cpu_edit=None) -> Path:
    """A copy of a real run filed as run `run_id` under `results` in the
    store's layout: results/<machine-id>/ with machine.json, plain JSONL.
    cpu_edit changes the CPU of its provenance (another machine)."""
    from aeslab import machine
    run = json.loads(src.with_name(_rid(src) + ".run.json").read_text())
    if cpu_edit:
        cpu_edit(run["provenance"]["cpu"])
    folder, doc = machine.ensure(results, run["provenance"], run["created"], "test copy")
    run.update(run_id=run_id, machine=doc["id"])
    (folder / f"{run_id}.run.json").write_text(json.dumps(run))
    lines = lines if lines is not None else _text(src).splitlines()
    f = folder / f"{run_id}.jsonl"
    f.write_text("".join(json.dumps({**json.loads(l), "run_id": run_id}) + "\n"
                         for l in lines if l.strip()))
    return f


def raw_table(pts, **flt):
    """The points a table of the reports must show for the configurations
    matching flt, by the rule documented in analysis/common.py (pick): the
    latest run among those measuring >= 90% as many of these configurations
    as the most complete one supplies what it has; the rest come from the
    latest run that has them.  Returns {(impl, op, size): point}."""
    c = [p for p in pts if p["status"] == "ok" and p.get("offset", 0) == 0
         and all(p[k] in v if isinstance(v, (list, tuple, set)) else p[k] == v
                 for k, v in flt.items())]
    key = lambda p: (p["impl"], p["op"], p["size"])  # noqa: E731
    by_run: dict = {}
    for p in c:
        by_run.setdefault(p["run_id"], {})[key(p)] = p
    if not by_run:
        return {}
    most = max(len(v) for v in by_run.values())
    full = [r for r, v in by_run.items() if len(v) >= 0.9 * most]
    main = max(full, key=lambda r: max(p["time"] for p in by_run[r].values()))
    out = dict(by_run[main])
    for p in sorted(c, key=lambda p: p["time"]):
        if key(p) not in by_run[main]:
            out[key(p)] = p
    return out


def raw_value(pts, impl, alg, op, size, threads=1, aad=16, field="mb_per_s", ops=None,
              sizes=None, impls=None):
    """One cell: the value of (impl, op, size) in the table over ops x sizes
    (x impls, when given) of that alg/threads/aad."""
    flt = {"alg": alg, "threads": threads, "aad": aad, "op": ops or [op]}
    if sizes:
        flt["size"] = sizes
    if impls:
        flt["impl"] = impls
    p = raw_table(pts, **flt).get((impl, op, size))
    return None if p is None else p[field]


def md_table(text: str, title_start: str) -> tuple[list[str], dict[str, list[str]]]:
    """Parse the Markdown table whose bold title starts with title_start."""
    i = text.index(f"**{title_start}")
    lines = text[i:].splitlines()[2:]
    rows = []
    for ln in lines:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", ln.strip())[1:-1]])
    head = rows[0]
    return head[1:], {r[0]: r[1:] for r in rows[2:]}


def cell_num(s: str) -> float:
    return float(s.replace(",", "").replace("%", "").replace("+", ""))


# ---- loading -----------------------------------------------------------------

def test_load_every_point(results, data_dir):
    pts = raw_points(data_dir)
    assert len(results.points) == len(pts) > 100
    assert set(results.points["run_id"]) == {p["run_id"] for p in pts}
    assert results.machines() == sorted({d.parent.name for d in points_files(data_dir)})
    assert all(m.startswith("zen4-epyc-2c-vm-") for m in results.machines())
    assert set(results.runs["host"]) == {"vm"} and not results.skipped
    # Tidy: one row per point, flat columns.
    for c in ("host", "impl", "alg", "op", "size", "threads", "mb_per_s", "isa", "width",
              "direction", "commit", "time"):
        assert c in results.points.columns
    assert results.noise and results.fpu, "the committed set has a noise floor and an fpu-cost"


def test_invalid_points_are_refused(data_dir, tmp_path):
    src = points_files(data_dir)[0]
    lines = _text(src).splitlines()
    bad = json.loads(lines[3])
    del bad["mb_per_s"]
    lines[3] = json.dumps(bad)
    worse = json.loads(lines[5])
    worse["op"] = "enc" if worse["alg"].endswith("gcm") else "seal"
    lines[5] = json.dumps(worse)
    f = _file_run(src, tmp_path, _rid(src), lines)
    with pytest.raises(ResultsError) as e:
        load_results(tmp_path)
    assert f"{f.name}:4" in str(e.value) and "mb_per_s" in str(e.value)
    assert f"{f.name}:6" in str(e.value)
    r = load_results(tmp_path, strict=False)
    assert len(r.points) == len(lines) - 2
    assert len(r.problems) >= 2


# ---- seed 000 ----------------------------------------------------------------

SIZES = [16384, 4096, 4095, 1420, 512, 500, 300, 200, 64, 63, 16]


def test_table3_4_match_input(report_dir, data_dir, host):
    text = (report_dir / host / "vendor-tables.md").read_text()
    pts = raw_points(data_dir)
    for tname, op in (("Table 3:", "seal"), ("Table 4:", "open")):
        head, rows = md_table(text, tname)
        assert head == [str(s) for s in SIZES]
        measured = {k: v for k, v in rows.items() if "(measured here)" in k}
        assert len(measured) == 3, rows.keys()
        for label, cells in measured.items():
            impl = re.search(r"→ (\S+)", label).group(1)
            for s, cell in zip(SIZES, cells):
                want = raw_value(pts, impl, "aes-256-gcm", op, s, ops=["seal", "open"], sizes=SIZES)
                assert want is not None, (impl, s)
                assert cell_num(cell) == round(want), (tname, impl, s, cell, want)
        assert all(c == "—" for c in rows["AVX512_Cloudflare: unavailable"])


def test_published_rows_are_the_reference(report_dir, host):
    text = (report_dir / host / "vendor-tables.md").read_text()
    ref = list(csv.DictReader(open(ROOT / "reference" / "seed000_linux_vaes_gcm_tables.csv")))
    for tname in ("Table 1", "Table 2", "Table 3", "Table 4"):
        _, rows = md_table(text, tname + ":")
        pub = [r for r in ref if r["table"] == tname]
        assert pub
        for r in pub:
            label = next(k for k in rows if k.startswith("published") and k.endswith(r["row"]))
            cell = rows[label][SIZES.index(int(r["message_bytes"]))]
            assert cell_num(cell) == float(r["value"]), (tname, r["row"], r["message_bytes"])


def test_table1_2_improvement_matches_input(report_dir, data_dir, host):
    text = (report_dir / host / "vendor-tables.md").read_text()
    pts = raw_points(data_dir)
    for tname, op in (("Table 1:", "seal"), ("Table 2:", "open")):
        _, rows = md_table(text, tname)
        label = next(k for k in rows if k.startswith("measured here") and "gcm-avx2" in k)
        for s, cell in zip(SIZES, rows[label]):
            new = raw_value(pts, "linux-6.12/gcm-vaes-avx10-512", "aes-256-gcm", op, s,
                            ops=["seal", "open"], sizes=SIZES)
            old = raw_value(pts, "linux-6.1/gcm-avx2", "aes-256-gcm", op, s,
                            ops=["seal", "open"], sizes=SIZES)
            assert cell_num(cell) == round(100 * (new / old - 1)), (tname, s)


def test_claims_are_judged(results, host):
    from aeslab.analysis import vendor
    from aeslab.analysis.common import FAILS, HOLDS, MISSING, UNCLEAR
    secs = vendor.all_sections(results, host)
    claims = [c for s in secs for c in s.claims]
    assert len(claims) >= 12
    assert {c.verdict for c in claims} <= {HOLDS, FAILS, UNCLEAR, MISSING}
    assert all(c.evidence for c in claims)
    # arm64-only rows are said to be missing, not filled in.
    s002 = next(s for s in secs if s.key == "seed002")
    assert any("arm64" in m for m in s002.missing)
    assert all(c.verdict == MISSING for c in s002.claims if "Graviton3" in c.claim)


def test_newer_linux_rows_are_measured_beside_published_and_judged_on_their_cpu(results, host):
    from aeslab.analysis import linux_newer
    from aeslab.analysis.common import MISSING
    sec = linux_newer.section(results, host)
    here = linux_newer.generation(results.machine_label(host))
    assert sec.tables and sec.claims
    for t in sec.tables:
        assert any(str(i).startswith("published") for i in t.df.index), t.title
    judged = [c for c in sec.claims if c.verdict != MISSING]
    for c in judged:  # only the figures published for this machine's CPU generation
        assert here and here in c.claim, c
    for c in sec.claims:
        if c.verdict == MISSING and "figure, and this machine is a" in c.evidence:
            assert f"this machine is a {here}" in c.evidence
    # a measured row is the ratio of the two implementations' MB/s
    t = next((t for t in sec.tables if t.data is not None and
              any(str(i).startswith("measured here") for i in t.data.index)), None)
    if t is not None:
        row = next(i for i in t.data.index if str(i).startswith("measured here"))
        assert t.data.loc[row].notna().any()


def test_sector_ratio_matches_input(results, host, data_dir):
    from aeslab.analysis import vendor
    pts = raw_points(data_dir)
    sec = vendor.seed004(results, host)
    c = next(c for c in sec.claims if "30 times" in c.claim)
    kw = dict(aad=0, field="ns_per_msg", ops=["enc", "dec"], sizes=[512, 4096])
    g = raw_value(pts, "linux-6.12/xts-generic", "aes-256-xts", "enc", 512, **kw)
    v = raw_value(pts, "linux-6.12/xts-vaes-avx10-512", "aes-256-xts", "enc", 512, **kw)
    assert f"= {g / v:.1f}x" in c.evidence


def test_seed003_overhead_matches_input(results, host, data_dir):
    from aeslab.analysis import vendor
    pts = raw_points(data_dir)
    t = next(t for t in vendor.seed003(results, host).tables if t.key == "aead-overhead")
    n = 0
    for impl, row in t.data.iterrows():
        kw = dict(ops=["seal", "seal-hp"], sizes=[1440, 16384])
        a = raw_value(pts, impl, "aes-128-gcm", "seal", 1440, **kw)
        b = raw_value(pts, impl, "aes-128-gcm", "seal", 16384, **kw)
        assert math.isclose(row["overhead_pct"], 100 * (1 - a / b), rel_tol=1e-9)
        n += 1
    assert n >= 5


# ---- ISA selection -------------------------------------------------------------

def test_fastest_matches_input(report_dir, data_dir, host):
    text = (report_dir / host / "isa-selection.md").read_text()
    pts = raw_points(data_dir)
    _, rows = md_table(text, "aes-256-gcm seal, 1 thread(s): fastest per message size")
    assert len(rows) >= 11
    for size, cells in rows.items():
        s = int(size)
        cands = {p["impl"] for p in pts if p["alg"] == "aes-256-gcm" and p["op"] == "seal"
                 and p["size"] == s and p["threads"] == 1 and p["status"] == "ok"}
        vals = {i: raw_value(pts, i, "aes-256-gcm", "seal", s) for i in cands}
        vals = {i: v for i, v in vals.items() if v is not None}
        best = max(vals, key=vals.get)
        assert cells[0] == best, (s, cells[0], best)
        assert cell_num(cells[2]) == round(vals[best])


def test_dispatch_table_covers_each_alg(results, host):
    from aeslab.analysis import isa
    sec = isa.section(results, host)
    d = next(t for t in sec.tables if t.key == "dispatch")
    assert any(i.startswith("aes-256-gcm seal, 1 thread") for i in d.df.index)
    for cell in d.df.iloc[:, 0]:
        assert re.search(r"(every size|< \d+ B): \S+", cell), cell


def test_dispatch_and_crossover_logic():
    import pandas as pd
    from aeslab.analysis import isa
    from aeslab.analysis.vendor import crossover
    # 256-bit code wins small, 512-bit from 1024 B up; a 2% wobble at 4096 is a tie under a 5% floor.
    rows = []
    for s, a, b in ((64, 100, 150), (256, 300, 330), (1024, 900, 700), (4096, 980, 1000),
                    (16384, 1500, 1000)):
        rows += [{"alg": "x", "op": "seal", "threads": 1, "size": s, "isa": "vaes512",
                  "impl": "l/512", "family": "l", "mb_per_s": a},
                 {"alg": "x", "op": "seal", "threads": 1, "size": s, "isa": "vaes256",
                  "impl": "l/256", "family": "l", "mb_per_s": b}]
    p = pd.DataFrame(rows)
    r = isa.dispatch(p, "x", "seal", 1, 5.0)
    assert [(d["from"], d["isa"]) for d in r] == [(64, "vaes256"), (1024, "vaes512")]
    assert isa.dispatch_text(r)[0].startswith("< 1024 B: vaes256")
    a = {64: 100, 256: 300, 1024: 900, 4096: 980, 16384: 1500}
    b = {64: 150, 256: 330, 1024: 700, 4096: 1000, 16384: 1000}
    assert crossover(a, b, 5.0) == 1024
    assert crossover(a, b, 1.0) == 16384


# ---- regression statistics and compare ------------------------------------------

def test_regress_test_uses_floor():
    from aeslab.analysis import regress
    base = [1000, 1010, 990, 1005, 995]
    assert regress.test(1000, base, 3.0)["flag"] is None
    assert regress.test(800, base, 3.0)["flag"] == "regression"
    assert regress.test(1250, base, 3.0)["flag"] == "improvement"
    # The same drop is noise on a machine whose A/A floor is 30%.
    assert regress.test(800, base, 30.0)["flag"] is None
    # One wild run in the window does not widen the spread (MAD, not stdev).
    assert regress.test(800, base + [3000], 3.0)["flag"] == "regression"


def _scaled_copy(src_jsonl: Path, dst_dir: Path, factor: float, run_id: str) -> Path:
    out = []
    for line in _text(src_jsonl).splitlines():
        p = json.loads(line)
        p["run_id"] = run_id
        if p["status"] == "ok":
            for k in ("mb_per_s",):
                p[k] *= factor
            p["ci95_mb_per_s"] = [x * factor for x in p["ci95_mb_per_s"]]
            for k in ("min", "median", "max"):
                p["thread_mb_per_s"][k] *= factor
            p["ns_per_msg"] /= factor
        out.append(json.dumps(p))
    return _file_run(src_jsonl, dst_dir, run_id, out)


def test_compare_exit_status(data_dir, tmp_path, capsys):
    """compare is exercised on a real run and on copies of it scaled by a
    known factor (test inputs for the detector, clearly not measurements)."""
    from aeslab.cli import main
    src = max(data_dir.rglob("2*.jsonl.gz"), key=lambda f: f.stat().st_size)
    assert main(["compare", str(src), str(src), "--floor", "5"]) == 0
    assert "0 significant regression(s)" in capsys.readouterr().out
    slow = _scaled_copy(src, tmp_path / "slow", 0.5, "slower")
    assert main(["compare", str(src), str(slow), "--floor", "5"]) == 1
    out = capsys.readouterr().out
    assert "REGRESSION" in out and "-50.0%" in out
    # Beyond the floor but under an explicit threshold: reported, not failing.
    assert main(["compare", str(src), str(slow), "--floor", "5", "--threshold", "60"]) == 0
    fast = _scaled_copy(src, tmp_path / "fast", 1.5, "faster")
    assert main(["compare", str(src), str(fast), "--floor", "5"]) == 0
    assert "improvement" in capsys.readouterr().out
    # The machine's own A/A floor (noise.json beside the data) is the default.
    assert main(["compare", str(src), str(src)]) == 0
    assert "noise.json)" in capsys.readouterr().out
    assert main(["compare", str(src), str(tmp_path / "nothing-here")]) == 2


# ---- the generated files -------------------------------------------------------------

def test_report_files_and_figures(report_dir, host):
    d = report_dir / host
    for name in ("vendor-tables", "isa-selection", "scaling"):
        md = (d / f"{name}.md").read_text()
        html = (d / f"{name}.html").read_text()
        assert host in md.splitlines()[0]
        for img in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
            assert (d / img).exists(), img
            svg = (d / img).read_text()
            # Every figure says the machine and the date, and labels its axes.
            assert host in svg and re.search(r"20\d\d-\d\d-\d\d", svg), img
            assert "MB/s" in svg or "GHz" in svg or "cycles" in svg or "%" in svg, img
        assert "<table" in html and "http" not in html.split("</style>")[0]
    assert (report_dir / "index.md").exists()
    figs = {f.stem for f in (d / "figures").glob("*.svg")}
    assert {"seed000-encrypt", "seed000-decrypt", "seed002-threads", "seed003-overhead",
            "seed004-xts", "isa-aes-256-gcm-seal", "scaling-threads", "scaling-clock",
            "cpb-aes-256-gcm"} <= figs, figs


def test_committed_reports_are_from_a_real_run():
    """reports/ holds a reproduction of Tables 3-4 made by `aeslab report`
    from a real run, and names the runs it was made from."""
    pages = sorted((ROOT / "reports").glob("*/vendor-tables.md"))
    assert pages, "reports/<machine-id>/vendor-tables.md missing: run `aeslab report`"
    assert {p.parent.name for p in pages} == {d.name for d in (ROOT / "results").iterdir()
                                              if (d / "machine.json").exists()}
    assert (ROOT / "reports" / "isa-across-machines.md").exists()
    for p in pages:
        t = p.read_text()
        assert "Table 3:" in t and "Table 4:" in t and "(measured here)" in t
        assert re.search(r"- `\d{8}T\d{6}Z", t), "the page names its runs"


def test_across_machines(data_dir, tmp_path):
    """Two machines side by side, both called `vm`.  The second is the same
    real run filed as if measured on another stepping of the CPU: a test of
    the code path (two machines under one host name stay two), labelled so."""
    from aeslab.analysis import across
    src = max(data_dir.rglob("2*.jsonl.gz"), key=lambda f: f.stat().st_size)
    _file_run(src, tmp_path, _rid(src))
    _file_run(src, tmp_path, _rid(src), cpu_edit=lambda c: c.update(stepping=9))
    r = load_results(tmp_path)
    assert len(r.machines()) == 2 and set(r.runs["host"]) == {"vm"}
    secs = across.sections(r)
    t = next(t for t in secs[2].tables if t.key == "across-aes-256-gcm-seal")
    assert t.df.shape[1] == 4 and len(t.df) > 5
    strip = lambda c: c.str.replace(" (tie)", "", regex=False)  # noqa: E731
    assert (strip(t.df.iloc[:, 0]) == strip(t.df.iloc[:, 1])).all()  # same data -> same winners
    ok = t.data[t.data["status"] == "ok"]
    assert len(ok) and (ok["pct_of_best"].round(6) == 100).all()  # each one's pick is the other's best
    assert load_results(tmp_path, machine="vm").machines() == r.machines()
    one = r.machines()[0]
    assert load_results(tmp_path, machine=one).machines() == [one]


# ---- the cross-machine page against the input, read independently -----------------

ZEN3 = ROOT / "results" / "zen3-epyc-2c-vm-fceffc06"
GCM_OPS = ("seal", "open", "enc", "dec")


def _medians(files: list[Path]) -> dict:
    """{(impl, alg, op, size): (median MB/s, isa)} over the repetitions, 1
    thread, GCM with 16-byte AAD, XTS any; dispatchers (isa auto) left out."""
    import statistics
    vals: dict = {}
    for f in files:
        for line in _text(f).splitlines():
            p = json.loads(line)
            if (p["status"] != "ok" or p["threads"] != 1 or p.get("offset", 0) != 0
                    or p["isa"] == "auto" or p["impl"] == "lab/null" or p["op"] not in GCM_OPS
                    or (p["alg"].endswith("gcm") and p.get("aad") != 16)):
                continue
            vals.setdefault((p["impl"], p["alg"], p["op"], p["size"]), (p["isa"], []))[1].append(
                p["mb_per_s"])
    return {k: (statistics.median(v), isa) for k, (isa, v) in vals.items()}


def _run(f: Path) -> dict:
    """The run.json beside a points file."""
    return json.loads(f.with_name(_rid(f) + ".run.json").read_text())


def _listing(f: Path) -> dict:
    run = _run(f)
    return {(x["name"], x["alg"]): x["supported"] for x in run["provenance"]["libraries"]}


@pytest.fixture(scope="module")
def cross(data_dir):
    """One run per machine: the Zen 4 seeds run of the test set and the
    committed Zen 3 (Milan) seeds run."""
    z4 = max(data_dir.rglob("2*.jsonl.gz"), key=lambda f: f.stat().st_size)
    # by its preset, not by the order of a directory listing: later runs
    # (goals runs of GCM only) sit beside it
    z3 = next(f for f in sorted(ZEN3.glob("2*.jsonl.gz")) if _run(f)["config"]["name"] == "seeds")
    from aeslab.analysis import across
    r = load_results([z4, z3])
    secs = across.sections(r)
    return r, secs, {"Zen 4": _medians([z4]), "Zen 3": _medians([z3])}, \
        {"Zen 4": _listing(z4), "Zen 3": _listing(z3)}


def _best(m: dict, alg, op, size):
    c = {k[0]: v for k, v in m.items() if k[1:] == (alg, op, size)}
    impl = max(c, key=lambda i: c[i][0])
    return impl, c[impl][0], c[impl][1]


@pytest.mark.parametrize("alg,op,size", [("aes-256-gcm", "seal", 4096), ("aes-256-gcm", "open", 64),
                                         ("aes-256-gcm", "seal", 16), ("aes-256-xts", "enc", 512),
                                         ("aes-128-xts", "dec", 4096)])
def test_cross_machine_cells_match_input(cross, alg, op, size):
    r, secs, raw, lst = cross
    t = next(t for t in secs[2].tables if t.key == f"across-{alg}-{op}")
    row = t.df.loc[str(size)]
    for cpu in ("Zen 3", "Zen 4"):
        impl, mb, isa = _best(raw[cpu], alg, op, size)
        cell = row[f"{cpu}: fastest path, MB/s"]
        assert cell.startswith(f"{impl} ({isa}) {round(mb):,}"), (cpu, cell, impl, mb)
    for a, b in (("Zen 4", "Zen 3"), ("Zen 3", "Zen 4")):
        pick, _, _ = _best(raw[a], alg, op, size)
        _, best_b, _ = _best(raw[b], alg, op, size)
        cell = row[f"{a}'s pick on {b} (% of {b}'s best)"]
        if (pick, alg, op, size) in raw[b]:
            want = 100 * raw[b][(pick, alg, op, size)][0] / best_b
            assert cell.split("%")[0] == f"{want:.0f}", (a, b, cell, want)
        elif lst[b].get((pick, alg)) is False:
            assert cell == "cannot run", (a, b, pick, cell)
        else:
            assert cell == "not measured"


def test_cross_machine_page(two_machine_reports):
    out, _ = two_machine_reports
    md = (out / "isa-across-machines.md").read_text()
    assert md.startswith("# ISA selection across machines")
    assert "## Main findings" in md and "cannot run" in md and "Crossovers" in md
    assert "Zen 4's pick on Zen 3" in md and "Zen 3's pick on Zen 4" in md
    html = (out / "isa-across-machines.html").read_text()
    assert "<table" in html and "cannot run" in html and "<script" not in html
    idx = (out / "index.md").read_text()
    assert "isa-across-machines.md" in idx
    assert 'href="isa-across-machines.html"' in (out / "index.html").read_text()


def test_pages_titled_by_machine(two_machine_reports):
    """One set of pages per machine id, each titled with that machine's
    readable label from its machine.json."""
    out, inputs = two_machine_reports
    for d in inputs:
        for mj in ([d / "machine.json"] if (d / "machine.json").exists() else d.glob("*/machine.json")):
            doc = json.loads(mj.read_text())
            for name in ("vendor-tables", "isa-selection", "scaling"):
                md = (out / doc["id"] / f"{name}.md").read_text()
                assert doc["label"] in md.splitlines()[0] and doc["id"] in md.splitlines()[0]
                html = (out / doc["id"] / f"{name}.html").read_text()
                assert re.search(r"<title>[^<]*" + re.escape(doc["label"]), html)
                assert re.search(r"<h1[^>]*>[^<]*" + re.escape(doc["label"]), html)


def test_markdown_and_html_from_one_source(report_dir, host):
    """The HTML twin is the Markdown converted (markdown-it-py): the same
    tables, the same numbers."""
    md = (report_dir / host / "isa-selection.md").read_text()
    html = (report_dir / host / "isa-selection.html").read_text()
    assert md.count("\n|:---") == html.count("<table>")
    _, rows = md_table(md, "aes-256-gcm seal, 1 thread(s): fastest per message size")
    for size, cells in rows.items():
        assert f"<td style=\"text-align:right\">{cells[2]}</td>" in html or f">{cells[2]}<" in html


def test_select_runs(results):
    rid = results.runs["run_id"].iloc[-1]
    r = results.select_runs([rid])
    assert set(r.points["run_id"]) == {rid} and len(r.points) == (results.points["run_id"] == rid).sum()
    assert r.noise == results.noise
    with pytest.raises(ResultsError):
        results.select_runs(["no-such-run"])


def test_reference_copies_match_shared():
    """reference/ is a verbatim copy of the shared published figures (when
    the shared folder is beside the repository, as in CI)."""
    shared = ROOT.parent / "shared" / "reference"
    mine = sorted((ROOT / "reference").glob("*.csv"))
    assert {f.name for f in mine} == {"seed000_linux_vaes_gcm_tables.csv", "seeds_other_figures.csv",
                                      "published_anchors.csv", "published_linux_newer.csv"}
    if shared.is_dir():
        assert {f.name for f in shared.glob("*.csv")} <= {f.name for f in mine}
        for f in mine:
            assert f.read_bytes() == (shared / f.name).read_bytes(), f.name
    for f in mine:
        rows = list(csv.DictReader(open(f)))
        assert rows and all(r.get("source") for r in rows), f"{f.name}: every row names its source"


def test_bare_aesbench_output(data_dir, tmp_path):
    """`aesbench run --format jsonl` output (no run.json, no timestamps) loads
    only with an attribution to a machine (aeslab migrate writes one from
    evidence in the points); a run with provenance wins over it for the same
    configuration; without an attribution it is left out with a note."""
    from aeslab.analysis.common import pick
    src = max(data_dir.rglob("2*.jsonl.gz"), key=lambda f: f.stat().st_size)
    f = _file_run(src, tmp_path, _rid(src))
    d = f.parent
    runner_keys = ("run_id", "session", "rep", "freq", "smt", "plugin", "time", "loadavg")
    bare = []
    for line in _text(src).splitlines():
        p = json.loads(line)
        for k in runner_keys:
            p.pop(k, None)
        if p["status"] == "ok":
            p["mb_per_s"] *= 2  # so the test can tell which file a value came from
            p["ci95_mb_per_s"] = [x * 2 for x in p["ci95_mb_per_s"]]
        bare.append(json.dumps(p))
    (d / "bare-output.jsonl").write_text("\n".join(bare) + "\n")
    r = load_results(tmp_path)
    assert not (r.points["run_id"] == "bare-output").any()
    assert any("bare-output.jsonl" in s and "no provenance" in s for s in r.skipped)
    (d / "bare-output.attribution.json").write_text(json.dumps(
        {"schema": "aeslab-attribution/1", "file": "bare-output.jsonl", "machine": d.name,
         "evidence": ["a test fixture"]}))
    r = load_results(tmp_path)
    b = r.points[r.points["run_id"] == "bare-output"]
    assert len(b) == len(bare) and not b["provenance"].any() and b["time"].notna().all()
    q = pick(r, d.name, aad=16, alg="aes-256-gcm", op="seal", threads=1)
    assert set(q["run_id"]) == {_rid(src)}

"""The dashboard and the report pages in headless Chromium, loaded from
file:// with no server and no network: charts drawn, no console errors, no
failed loads; screenshots kept in tests/artifacts/."""
from __future__ import annotations

import json
import re

import pytest

from browser import Browser, chromium_binary

@pytest.fixture(scope="module")
def browser():
    assert chromium_binary(), "chromium is not installed (scripts/apt-packages.txt lists it)"
    b = Browser()
    yield b
    b.close()


def _pages(dashboard_dir):
    return sorted((dashboard_dir / "machines").glob("*.html"))


def _data(page):
    html = page.read_text()
    m = re.search(r'<script id="data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_dashboard_is_self_contained(dashboard_dir, results):
    pages = _pages(dashboard_dir)
    assert [p.stem for p in pages] == results.machines()  # one page per machine id
    for p in [dashboard_dir / "index.html", *pages]:
        html = p.read_text()
        assert not re.search(r"<script[^>]+src=", html), "no external scripts"
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
        assert "robust z-test" in html and "noise floor" in html
    for p in pages:
        d = _data(p)
        assert d["machine"]["id"] == p.stem and d["machine"]["label"] in p.read_text()
        for f in d["flags"]:  # every flag links to the runs behind it
            for r in [f["run"], *f["base_runs"]]:
                assert (dashboard_dir / "runs" / p.stem / f"{r}.html").exists()


def test_dashboard_renders_in_chromium(browser, dashboard_dir, artifacts):
    browser.load(dashboard_dir / "index.html")
    n_m = len(_pages(dashboard_dir))
    assert browser.eval("document.querySelectorAll('#machines tbody tr').length") == n_m
    assert browser.eval("document.querySelectorAll('table.grid tbody tr').length") == n_m
    assert browser.problems() == []
    browser.screenshot(artifacts / "dashboard.png")
    page = _pages(dashboard_dir)[0]
    d = _data(page)
    browser.load(page)
    status = browser.eval("document.getElementById('selfcheck').dataset.status")
    assert status == "ok", browser.eval("document.getElementById('selfcheck').textContent")
    n = browser.eval("document.querySelectorAll('#charts svg.chart').length")
    expect = min(48, sum(s["flagged"] for s in d["series"])) if d["flags"] else min(48, len(d["series"]))
    assert n == expect > 0
    assert browser.eval("document.querySelectorAll('#charts svg.chart circle.pt').length") >= n
    assert browser.problems() == []
    browser.screenshot(artifacts / "dashboard-machine.png")
    # Every series, then filtered, then ordered by commit and by version.
    browser.eval("var b=document.getElementById('f-flagged'); b.checked=false;"
                 "b.dispatchEvent(new Event('change')); 0")
    assert browser.eval("document.querySelectorAll('#charts svg.chart').length") == \
        min(48, len(d["series"]))
    alg = d["series"][0]["alg"]
    browser.eval(f"var s=document.getElementById('f-alg'); s.value='{alg}';"
                 "s.dispatchEvent(new Event('change')); 0")
    want = min(48, sum(s["alg"] == alg for s in d["series"]))
    assert browser.eval("document.querySelectorAll('#charts svg.chart').length") == want
    for order in ("commit", "version", "time"):
        browser.eval(f"var s=document.getElementById('f-order'); s.value='{order}';"
                     "s.dispatchEvent(new Event('change')); 0")
        assert browser.eval("document.querySelectorAll('#charts svg.chart').length") == want
    browser.eval("document.getElementById('more').click(); 0")
    assert browser.problems() == []
    browser.screenshot(artifacts / "dashboard-filtered.png")


def test_run_pages_open(browser, dashboard_dir):
    for href in sorted((dashboard_dir / "runs").rglob("*.html"))[:2]:
        browser.load(href)
        assert browser.eval("document.querySelectorAll('table.pts tbody tr').length") > 0
        assert browser.problems() == []


def test_report_pages_render(browser, report_dir, host, artifacts):
    for name in ("vendor-tables", "isa-selection", "scaling"):
        browser.load(report_dir / host / f"{name}.html")
        imgs = browser.eval("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        assert imgs and all(imgs), name
        assert browser.eval("document.querySelectorAll('table').length") > 0
        assert browser.problems() == []
        assert results_label(report_dir, host) in browser.eval("document.title")
        if name == "vendor-tables":
            browser.screenshot(artifacts / "vendor-tables.png")


def results_label(report_dir, host):
    first = (report_dir / host / "isa-selection.md").read_text().splitlines()[0]
    return first.split(": ", 1)[1]


def test_cross_machine_page_renders(browser, two_machine_reports, artifacts):
    out, _ = two_machine_reports
    browser.load(out / "isa-across-machines.html")
    assert browser.eval("document.querySelectorAll('table').length") >= 3
    assert "cannot run" in browser.eval("document.body.textContent")
    assert browser.problems() == []
    browser.screenshot(artifacts / "isa-across-machines.png")

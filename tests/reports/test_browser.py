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


def _data(dashboard_dir):
    html = (dashboard_dir / "index.html").read_text()
    m = re.search(r'<script id="data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_dashboard_is_self_contained(dashboard_dir):
    html = (dashboard_dir / "index.html").read_text()
    assert not re.search(r"<script[^>]+src=", html), "no external scripts"
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    d = _data(dashboard_dir)
    for f in d["flags"]:  # every flag links to the runs behind it
        for r in [f["run"], *f["base_runs"]]:
            assert (dashboard_dir / d["runs"][f"{f['host']}/{r}"]).exists()
    assert "robust z-test" in html and "noise floor" in html


def test_dashboard_renders_in_chromium(browser, dashboard_dir, artifacts):
    d = _data(dashboard_dir)
    browser.load(dashboard_dir / "index.html")
    status = browser.eval("document.getElementById('selfcheck').dataset.status")
    assert status == "ok", browser.eval("document.getElementById('selfcheck').textContent")
    n = browser.eval("document.querySelectorAll('#charts svg.chart').length")
    expect = min(48, sum(s["flagged"] for s in d["series"])) if d["flags"] else min(48, len(d["series"]))
    assert n == expect > 0
    assert browser.eval("document.querySelectorAll('#charts svg.chart circle.pt').length") >= n
    assert browser.problems() == []
    browser.screenshot(artifacts / "dashboard.png")
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
    d = _data(dashboard_dir)
    for href in list(d["runs"].values())[:2]:
        browser.load(dashboard_dir / href)
        assert browser.eval("document.querySelectorAll('table.pts tbody tr').length") > 0
        assert browser.problems() == []


def test_report_pages_render(browser, report_dir, host, artifacts):
    for name in ("vendor-tables", "isa-selection", "scaling"):
        browser.load(report_dir / host / f"{name}.html")
        imgs = browser.eval("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        assert imgs and all(imgs), name
        assert browser.eval("document.querySelectorAll('table').length") > 0
        assert browser.problems() == []
        if name == "vendor-tables":
            browser.screenshot(artifacts / "vendor-tables.png")

"""Build the dashboard from Results: history + flags from
aeslab.analysis.regress, as a static site that opens from file://:

  index.html                      the overview: machines x algorithms, with flags,
                                  noise floors, quiet and contaminated runs, every flag
  machines/<machine-id>.html      one machine's series: filters and one chart per
                                  series (page.html + chart.js, data inlined, compact)
  runs/<machine-id>/<run-id>.html one run: provenance, its flags, its points
  style.css

Series are keyed by machine id (never a host name).  A machine's page holds
only its own series, in a columnar form (one table of runs; per series the
run indices and values as arrays), so a page stays a few MB even for a
quick run's matrix x dozens of runs.  Both templates are ours; no
third-party scripts.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path

import pandas as pd

from ..analysis import regress
from ..analysis.load import Results

HERE = Path(__file__).resolve().parent
ALG_ORDER = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"]
# point status codes in a machine page's data
ST = {"": 0, "regression": 1, "improvement": 2, "contaminated": 3, "unconfirmed": 4, "outlier": 5}


def _f(x, digits=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    x = float(x)
    return round(x) if abs(x) >= 100 else round(x, digits)


def _s(x) -> str:
    """A text cell, '' for missing (pandas gives NaN for None in some columns)."""
    return x if isinstance(x, str) else ""


def run_href(host: str, run_id: str) -> str:
    return f"runs/{host}/{run_id}.html"


def machine_href(host: str) -> str:
    return f"machines/{host}.html"


def _json_script(obj) -> str:
    s = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    return s.replace("</", "<\\/")


def _alg_key(a: str):
    return (ALG_ORDER.index(a) if a in ALG_ORDER else 99, a)


def machine_data(res: Results, host: str, hist: pd.DataFrame, floor: tuple[float, str],
                 window: int) -> dict:
    """One machine's page data: runs table + columnar series."""
    runs = res.runs[res.runs["machine_id"] == host].sort_values("created")
    busy = regress.busy_runs(res)
    rix = {}
    rtab = []
    for r in runs.itertuples():
        rix[r.run_id] = len(rtab)
        rtab.append([r.run_id, "" if pd.isna(r.created) else r.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     _s(r.commit)[:10] + ("+" if r.dirty is True else ""),
                     busy.get((host, r.run_id), "")])
    series = []
    flags = []
    h = hist[hist["machine_id"] == host]
    if len(h):
        h = h.sort_values(regress.SERIES + ["time"], kind="stable")
        L = {c: h[c].tolist() for c in regress.SERIES + [
            "isa", "run_id", "mb_per_s", "ci_lo", "ci_hi", "status", "version", "change_pct", "z",
            "baseline_mb_per_s", "contaminated", "baseline_runs", "time"]}
        keys = list(zip(*(L[c] for c in regress.SERIES)))
        starts = [i for i in range(len(keys)) if i == 0 or keys[i] != keys[i - 1]] + [len(keys)]
        for a, b in zip(starts[:-1], starts[1:]):
            k = dict(zip(regress.SERIES, keys[a]))
            rng = range(a, b)
            vers = sorted(set(_s(L["version"][i]) for i in rng))
            st = [ST.get(L["status"][i], 0) for i in rng]
            s = {"id": len(series), "impl": k["impl"], "alg": k["alg"], "op": k["op"],
                 "size": int(k["size"]), "aad": int(k["aad"]), "threads": int(k["threads"]),
                 "offset": int(k["offset"]), "isa": _s(L["isa"][a]),
                 "r": [rix.get(L["run_id"][i], -1) for i in rng],
                 "mb": [_f(L["mb_per_s"][i]) for i in rng], "lo": [_f(L["ci_lo"][i]) for i in rng],
                 "hi": [_f(L["ci_hi"][i]) for i in rng], "st": st, "ver": vers}
            if len(vers) > 1:
                s["vi"] = [vers.index(_s(L["version"][i])) for i in rng]
            ev = {}
            for n, i in enumerate(rng):
                stt = L["status"][i]
                if not stt:
                    continue
                ev[str(n)] = [_f(L["change_pct"][i]), _f(L["z"][i], 2), _f(L["baseline_mb_per_s"][i]),
                              L["contaminated"][i]]
                if stt in ("regression", "improvement"):
                    flags.append({"sid": s["id"], "impl": s["impl"], "alg": s["alg"], "op": s["op"],
                                  "size": s["size"], "threads": s["threads"], "aad": s["aad"],
                                  "flag": stt, "chg": _f(L["change_pct"][i]), "z": _f(L["z"][i], 2),
                                  "run": L["run_id"][i],
                                  "t": L["time"][i].strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  "base_runs": list(L["baseline_runs"][i]),
                                  "mb": s["mb"][n], "base": _f(L["baseline_mb_per_s"][i])})
            s["ev"] = ev
            s["flagged"] = any(x in (1, 2) for x in st)
            series.append(s)
    return {"machine": {"id": host, "label": res.machine_label(host), "hosts": res.hosts(host),
                        "floor": _f(floor[0], 2), "floor_src": floor[1]},
            "runs": rtab, "series": series, "flags": flags, "window": window, "z": regress.Z}


def _run_page(res: Results, r, pts: pd.DataFrame, flags: list[dict], busy: str) -> str:
    host, run_id = r["machine_id"], r["run_id"]
    doc = res.run_docs.get((host, run_id)) or {}
    prov = doc.get("provenance") or {}
    argv = " ".join((prov.get("command") or {}).get("argv") or [])
    pts = pts.sort_values(["alg", "op", "impl", "threads", "size"])
    esc = html.escape
    info = [("machine", f"{res.machine_label(host)}"), ("host name", _s(r["host"])),
            ("run id", run_id), ("created", str(r["created"])),
            ("project commit", f"{_s(r['commit']) or '?'}{' (dirty)' if r['dirty'] is True else ''}"),
            ("source", _s(r["source"]) or "bare aesbench output (no run.json)"),
            ("status", _s(r["status"])),
            ("points", str(r["points"])), ("load average at start", f"{r['loadavg']:.2f}"
                                           if pd.notna(r["loadavg"]) else "?"),
            ("quiet", f"no: {busy}; its points are left out of baselines" if busy else "yes"),
            ("clock source", _s(r["cycle_source"]) or "?"), ("command", argv),
            ("results file", r["file"])]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in info)
    fl = "".join(f"<li class=\"{f['flag']}\">{esc(f['flag'])}: {esc(f['impl'])} {esc(f['alg'])} "
                 f"{esc(f['op'])} {f['size']} B {f['threads']} thr: {f['chg']:+.1f}% (z {f['z']:+.1f})"
                 f"</li>" for f in flags if f["run"] == run_id)
    cols = [pts[c].tolist() for c in ("impl", "alg", "op", "size", "aad", "threads", "ok", "mb_per_s",
                                      "status", "cv", "core_ghz", "noisy", "cpu_share")]
    body = []
    for impl, alg, op, size, aad, th, ok, mb, st, cv, ghz, noisy, share in zip(*cols):
        mbs = f"{mb:,.0f}" if ok else esc(st)
        cvs = "" if pd.isna(cv) else f"{100 * cv:.1f}%"
        gs = "" if pd.isna(ghz) else f"{ghz:.2f}"
        sh = "" if pd.isna(share) else f"{share:.2f}"
        body.append(f"<tr><td>{esc(impl)}</td><td>{alg}</td><td>{op}</td><td>{size}</td><td>{aad}</td>"
                    f"<td>{th}</td><td>{mbs}</td><td>{cvs}</td><td>{sh}</td><td>{gs}</td>"
                    f"<td>{'noisy' if noisy else ''}</td></tr>")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>run {esc(run_id)}"
            f" on {esc(res.machine_label(host))}</title><link rel=\"stylesheet\" href=\"../../style.css\">"
            f"</head><body><p><a href=\"../../index.html\">&larr; overview</a> &middot; <a href=\""
            f"../../{machine_href(host)}\">{esc(res.machine_label(host))}</a></p><h1>Run {esc(run_id)} on "
            f"{esc(res.machine_label(host))}</h1><table class=\"kv\">{rows}</table>"
            f"<h2>Flags in this run</h2><ul>{fl or '<li>none</li>'}</ul>"
            f"<h2>Points</h2><table class=\"pts\"><thead><tr><th>impl</th><th>alg</th><th>op</th>"
            f"<th>size (B)</th><th>AAD (B)</th><th>threads</th><th>MB/s</th><th>CV</th><th>CPU share</th>"
            f"<th>core GHz</th><th></th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"</body></html>\n")


def _test_html() -> str:
    doc = regress.__doc__.split("The test", 1)[1]
    return "<p><b>The test</b>" + html.escape(doc).replace("\n\n", "</p><p>") + "</p>"


def _overview(res: Results, title: str, data: dict[str, dict], hist: pd.DataFrame,
              max_flags: int = 500) -> str:
    esc = html.escape
    algs = sorted(set(hist["alg"]) if len(hist) else set(), key=_alg_key)
    busy = regress.busy_runs(res)
    mrows = []
    for m, d in data.items():
        runs = d["runs"]
        nb = sum(1 for r in runs if r[3])
        flags = d["flags"]
        nreg = sum(f["flag"] == "regression" for f in flags)
        nimp = len(flags) - nreg
        hosts = ", ".join(d["machine"]["hosts"]) or "?"
        mrows.append(f"<tr data-machine=\"{esc(m)}\"><td><a href=\"{machine_href(m)}\">"
                     f"{esc(d['machine']['label'])}</a></td><td>{esc(hosts)}</td>"
                     f"<td class=\"num\">{len(runs)}</td><td class=\"num\">{nb}</td>"
                     f"<td class=\"num\">{d['machine']['floor']}%</td><td>{esc(d['machine']['floor_src'])}</td>"
                     f"<td class=\"num\">{len(d['series'])}</td><td class=\"num reg\">{nreg}</td>"
                     f"<td class=\"num imp\">{nimp}</td></tr>")
    # machines x algorithms
    cnt: dict = {}
    for m, d in data.items():
        for s in d["series"]:
            c = cnt.setdefault((m, s["alg"]), [0, 0, 0, 0])
            c[0] += 1
        for f in d["flags"]:
            c = cnt.setdefault((m, f["alg"]), [0, 0, 0, 0])
            c[1 if f["flag"] == "regression" else 2] += 1
    if len(hist):
        unc = hist[hist["status"] == "unconfirmed"].groupby(["machine_id", "alg"]).size()
        for (m, a), n in unc.items():
            if (m, a) in cnt:
                cnt[(m, a)][3] = int(n)
    grid = ["<table class=\"grid\"><thead><tr><th>machine</th>" +
            "".join(f"<th>{esc(a)}</th>" for a in algs) + "</tr></thead><tbody>"]
    for m, d in data.items():
        cells = []
        for a in algs:
            c = cnt.get((m, a))
            if not c:
                cells.append("<td class=\"none\">—</td>")
                continue
            cls = "reg" if c[1] else ("imp" if c[2] else "")
            txt = (f"{c[0]} series" + (f", <b>{c[1]} regression{'s' if c[1] > 1 else ''}</b>" if c[1] else "")
                   + (f", {c[2]} improvement{'s' if c[2] > 1 else ''}" if c[2] else "")
                   + (f", {c[3]} unconfirmed" if c[3] else ""))
            cells.append(f"<td class=\"{cls}\"><a href=\"{machine_href(m)}#alg={esc(a)}"
                         f"{'&amp;flagged=1' if c[1] or c[2] else ''}\">{txt}</a></td>")
        grid.append(f"<tr><th><a href=\"{machine_href(m)}\">{esc(d['machine']['label'])}</a></th>"
                    + "".join(cells) + "</tr>")
    grid.append("</tbody></table>")
    allf = [dict(f, machine=m) for m, d in data.items() for f in d["flags"]]
    allf.sort(key=lambda f: f["chg"] if f["chg"] is not None else 0)
    frows = []
    for f in allf[:max_flags]:
        m = f["machine"]
        base = ", ".join(f"<a href=\"{run_href(m, r)}\">{esc(r)}</a>" for r in f["base_runs"])
        frows.append(f"<tr class=\"{f['flag']}\"><td>{f['flag']}</td><td><a href=\"{machine_href(m)}"
                     f"#sid={f['sid']}\">{esc(data[m]['machine']['label'])}</a></td><td>{esc(f['impl'])}</td>"
                     f"<td>{f['alg']}</td><td>{f['op']}</td><td class=\"num\">{f['size']}</td>"
                     f"<td class=\"num\">{f['threads']}</td><td class=\"num\">{f['chg']:+.1f}%</td>"
                     f"<td class=\"num\">{f['z']:.1f}</td><td class=\"num\">{f['mb']:,} ({f['base']:,})</td>"
                     f"<td><a href=\"{run_href(m, f['run'])}\">{esc(f['run'])}</a></td><td>{base}</td></tr>")
    more = (f"<p>{len(allf) - max_flags} more flag(s) on the machine pages.</p>"
            if len(allf) > max_flags else "")
    ftable = ("<p>No confirmed change: no series moved beyond its machine's noise floor for two "
              "clean runs in a row.</p>" if not allf else
              "<table id=\"flag-table\"><thead><tr><th>flag</th><th>machine</th><th>implementation</th>"
              "<th>alg</th><th>op</th><th>size (B)</th><th>threads</th><th>change</th><th>z</th>"
              "<th>MB/s (baseline)</th><th>run</th><th>baseline runs</th></tr></thead><tbody>"
              + "".join(frows) + "</tbody></table>" + more)
    nruns = len(res.runs)
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
            f"content=\"width=device-width, initial-scale=1\"><title>{esc(title)}</title>"
            f"<link rel=\"stylesheet\" href=\"style.css\"></head><body><h1>{esc(title)}</h1>"
            f"<p class=\"lede\">{len(data)} machine(s), {nruns} run(s), "
            f"{sum(len(d['series']) for d in data.values())} series (machine &times; implementation "
            f"&times; algorithm &times; op &times; size &times; threads &times; AAD), each run tested "
            f"against the clean runs before it by a <b>{esc(regress.TEST_NAME)}</b>; a change is "
            f"flagged once it is confirmed by the next clean run.  Machines are told apart by their "
            f"hardware id, never by host name: a host that moves to another CPU starts new series, "
            f"never a flag.  Open a machine for its charts.</p>"
            f"<h2>Machines</h2><table id=\"machines\"><thead><tr><th>machine</th><th>host name(s)</th>"
            f"<th>runs</th><th>busy at start</th><th>noise floor</th><th>where the floor comes from</th>"
            f"<th>series</th><th>regressions</th><th>improvements</th></tr></thead><tbody>"
            f"{''.join(mrows)}</tbody></table>"
            f"<h2>Machines &times; algorithms</h2>{''.join(grid)}"
            f"<h2>Flags</h2><div id=\"flags\">{ftable}</div>"
            f"<details><summary><h2 style=\"display:inline\">How changes are flagged</h2></summary>"
            f"{_test_html()}</details>"
            f"<p id=\"selfcheck\" data-status=\"ok\" data-machines=\"{len(data)}\" "
            f"data-flags=\"{len(allf)}\">static page: {len(data)} machines, {len(allf)} flags</p>"
            f"</body></html>\n")


def build(res: Results, out: Path, title: str = "aeslab regression dashboard",
          window: int = regress.WINDOW) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    hist = regress.history(res, window=window)
    fl = regress.floors(res, hist if len(hist) else None)
    data = {m: machine_data(res, m, hist, fl[m], window) for m in res.machines()}
    page = (HERE / "page.html").read_text()
    chart = (HERE / "chart.js").read_text()
    (out / "machines").mkdir(exist_ok=True)
    for m, d in data.items():
        t = f"{d['machine']['label']}: history"
        (out / machine_href(m)).write_text(
            page.replace("{{TITLE}}", html.escape(t))
            .replace("{{TEST}}", _test_html())
            .replace("{{TEST_NAME}}", html.escape(regress.TEST_NAME))
            .replace("{{DATA}}", _json_script(d))
            .replace("{{CHART_JS}}", chart))
    (out / "index.html").write_text(_overview(res, title, data, hist))
    (out / "style.css").write_text((HERE / "style.css").read_text())
    busy = regress.busy_runs(res)
    by_run = {k: g for k, g in res.points.groupby(["machine_id", "run_id"], sort=False)}
    empty = res.points.iloc[0:0]
    for _, r in res.runs.iterrows():
        m, rid = r["machine_id"], r["run_id"]
        d = out / "runs" / m
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{rid}.html").write_text(_run_page(res, r, by_run.get((m, rid), empty),
                                                 data[m]["flags"] if m in data else [],
                                                 busy.get((m, rid), "")))
    return out / "index.html"

"""Build the dashboard from Results: history + flags from
aeslab.analysis.regress, rendered by the page template in page.html and the
chart code in chart.js (both in this folder, both ours, no third-party
scripts)."""
from __future__ import annotations

import html
import json
import math
from pathlib import Path

import pandas as pd

from ..analysis import regress
from ..analysis.load import Results

HERE = Path(__file__).resolve().parent


def _f(x, digits=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), digits)


def _s(x) -> str:
    """A text cell, '' for missing (pandas gives NaN for None in some columns)."""
    return x if isinstance(x, str) else ""


def run_href(host: str, run_id: str) -> str:
    return f"runs/{host}/{run_id}.html"


def data_for(res: Results, window: int = regress.WINDOW) -> dict:
    hist = regress.history(res, window=window)
    fl = regress.floors(res)
    series = []
    flags = []
    if len(hist):
        for sid, (key, g) in enumerate(hist.groupby(regress.SERIES, sort=True)):
            k = dict(zip(regress.SERIES, key))
            g = g.sort_values("time")
            pts = []
            for _, r in g.iterrows():
                flag = r["flag"] if isinstance(r["flag"], str) else None
                pts.append({"t": r["time"].strftime("%Y-%m-%dT%H:%M:%SZ"), "mb": _f(r["mb_per_s"]),
                            "lo": _f(r["ci_lo"]), "hi": _f(r["ci_hi"]), "run": r["run_id"],
                            "commit": _s(r["commit"])[:10] + ("+" if r["dirty"] is True else ""),
                            "version": _s(r["version"]), "flag": flag,
                            "chg": _f(r["change_pct"]), "z": _f(r["z"], 2),
                            "base": _f(r["baseline_mb_per_s"]), "noisy": bool(r["noisy"])})
                if flag:
                    flags.append({"sid": sid, "host": k["machine_id"], "impl": k["impl"], "alg": k["alg"],
                                  "op": k["op"], "size": int(k["size"]), "threads": int(k["threads"]),
                                  "aad": int(k["aad"]), "flag": flag, "chg": _f(r["change_pct"]),
                                  "z": _f(r["z"], 2), "run": r["run_id"], "t": pts[-1]["t"],
                                  "base_runs": list(r["baseline_runs"]),
                                  "mb": _f(r["mb_per_s"]), "base": _f(r["baseline_mb_per_s"])})
            series.append({"id": sid, "host": k["machine_id"], "impl": k["impl"], "alg": k["alg"],
                           "op": k["op"], "size": int(k["size"]), "aad": int(k["aad"]),
                           "threads": int(k["threads"]), "offset": int(k["offset"]),
                           "isa": g["isa"].iloc[0], "pts": pts,
                           "flagged": any(p["flag"] for p in pts)})
    machines = {h: {"label": res.machine_label(h), "floor": _f(fl[h][0], 2), "floor_src": fl[h][1]}
                for h in res.machines()}
    runs = {f"{r.machine_id}/{r.run_id}": run_href(r.machine_id, r.run_id)
            for r in res.runs.itertuples()}
    return {"machines": machines, "series": series, "flags": flags, "runs": runs,
            "window": window, "z": regress.Z}


def _json_script(obj) -> str:
    s = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    return s.replace("</", "<\\/")


def _run_page(res: Results, host: str, run_id: str, flags: list[dict]) -> str:
    r = res.runs[(res.runs["machine_id"] == host) & (res.runs["run_id"] == run_id)].iloc[0]
    doc = res.run_docs.get((host, run_id)) or {}
    prov = doc.get("provenance") or {}
    argv = " ".join((prov.get("command") or {}).get("argv") or [])
    pts = res.points[(res.points["machine_id"] == host) & (res.points["run_id"] == run_id)]
    pts = pts.sort_values(["alg", "op", "impl", "threads", "size"])
    esc = html.escape
    info = [("machine", r["machine"]), ("run id", run_id), ("created", str(r["created"])),
            ("project commit", f"{_s(r['commit']) or '?'}{' (dirty)' if r['dirty'] is True else ''}"),
            ("source", _s(r["source"]) or "bare aesbench output (no run.json)"),
            ("status", _s(r["status"])),
            ("points", str(r["points"])), ("load average at start", f"{r['loadavg']:.2f}"
                                           if pd.notna(r["loadavg"]) else "?"),
            ("clock source", _s(r["cycle_source"]) or "?"), ("command", argv),
            ("results file", r["file"])]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in info)
    fl = "".join(f"<li class=\"{f['flag']}\">{esc(f['flag'])}: {esc(f['impl'])} {esc(f['alg'])} "
                 f"{esc(f['op'])} {f['size']} B {f['threads']} thr: {f['chg']:+.1f}% (z {f['z']:+.1f})"
                 f"</li>" for f in flags if f["run"] == run_id and f["host"] == host)
    body = []
    for _, p in pts.iterrows():
        mb = f"{p['mb_per_s']:,.0f}" if p["ok"] else esc(p["status"])
        cv = "" if pd.isna(p["cv"]) else f"{100 * p['cv']:.1f}%"
        ghz = "" if pd.isna(p["core_ghz"]) else f"{p['core_ghz']:.2f}"
        body.append(f"<tr><td>{esc(p['impl'])}</td><td>{esc(p['alg'])}</td><td>{esc(p['op'])}</td>"
                    f"<td>{p['size']}</td><td>{p['aad']}</td><td>{p['threads']}</td><td>{mb}</td>"
                    f"<td>{cv}</td><td>{ghz}</td><td>{'noisy' if p['noisy'] else ''}</td></tr>")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>run {esc(run_id)}"
            f" on {esc(host)}</title><link rel=\"stylesheet\" href=\"../../style.css\"></head><body>"
            f"<p><a href=\"../../index.html\">&larr; dashboard</a></p><h1>Run {esc(run_id)} on "
            f"{esc(host)}</h1><table class=\"kv\">{rows}</table>"
            f"<h2>Flags in this run</h2><ul>{fl or '<li>none</li>'}</ul>"
            f"<h2>Points</h2><table class=\"pts\"><thead><tr><th>impl</th><th>alg</th><th>op</th>"
            f"<th>size (B)</th><th>AAD (B)</th><th>threads</th><th>MB/s</th><th>CV</th>"
            f"<th>core GHz</th><th></th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"</body></html>\n")


def build(res: Results, out: Path, title: str = "aeslab regression dashboard",
          window: int = regress.WINDOW) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = data_for(res, window)
    doc = regress.__doc__.split("The test", 1)[1]
    test_html = "<p><b>The test</b>" + html.escape(doc).replace("\n\n", "</p><p>") + "</p>"
    page = (HERE / "page.html").read_text()
    page = (page.replace("{{TITLE}}", html.escape(title))
            .replace("{{TEST}}", test_html)
            .replace("{{TEST_NAME}}", html.escape(regress.TEST_NAME))
            .replace("{{DATA}}", _json_script(data))
            .replace("{{CHART_JS}}", (HERE / "chart.js").read_text()))
    (out / "index.html").write_text(page)
    (out / "style.css").write_text((HERE / "style.css").read_text())
    for r in res.runs.itertuples():
        d = out / "runs" / r.machine_id
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{r.run_id}.html").write_text(_run_page(res, r.machine_id, r.run_id,
                                                      data["flags"]))
    return out / "index.html"

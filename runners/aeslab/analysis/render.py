"""Sections as Markdown and as HTML (tables, claims, figures, what is
missing).  Self-contained HTML: inline CSS, figures as files beside it."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from . import plots
from .common import FAILS, HOLDS, MISSING, UNCLEAR, Section, Table

VERDICT_MARK = {HOLDS: "✅ holds", FAILS: "❌ does not hold", UNCLEAR: "➖ inconclusive",
                MISSING: "⬜ not measurable here"}


def _md_cell(x) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


_NUM = re.compile(r"^([+-]?[\d,]+(\.\d+)?(%|x)?( \(tie\))?|—|)$")


def _numeric(col) -> bool:
    """A column of numbers (right-aligned) rather than words (left)."""
    return all(_NUM.match(str(x).strip()) for x in col)


def table_md(t: Table) -> str:
    df = t.df
    head = [""] + [str(c) for c in df.columns]
    align = ["---:" if _numeric(df[c]) else ":---" for c in df.columns]
    out = [f"**{t.title}**", "", "| " + " | ".join(_md_cell(h) for h in head) + " |",
           "|" + "|".join([":---"] + align) + "|"]
    for idx, row in df.iterrows():
        out.append("| " + " | ".join(_md_cell(x) for x in [idx] + list(row)) + " |")
    if t.note:
        out += ["", f"_{t.note}_"]
    return "\n".join(out) + "\n"


def table_html(t: Table) -> str:
    df = t.df
    h = ['<table class="t">', f"<caption>{html.escape(t.title)}</caption>", "<thead><tr><th></th>"]
    h += [f"<th>{html.escape(str(c))}</th>" for c in df.columns]
    h.append("</tr></thead><tbody>")
    txt = [not _numeric(df[c]) for c in df.columns]
    for idx, row in df.iterrows():
        cls = ' class="pub"' if str(idx).startswith("published") else ""
        h.append(f"<tr{cls}><th>{html.escape(str(idx))}</th>" +
                 "".join(f'<td{" class=txt" if t_ else ""}>{html.escape(str(x))}</td>'
                         for x, t_ in zip(row, txt)) + "</tr>")
    h.append("</tbody></table>")
    if t.note:
        h.append(f'<p class="note">{html.escape(t.note)}</p>')
    return "\n".join(h)


def claims_md(sec: Section) -> str:
    if not sec.claims:
        return ""
    out = ["| claim | here | evidence |", "|:---|:---|:---|"]
    for c in sec.claims:
        out.append(f"| {_md_cell(c.claim)} | {VERDICT_MARK[c.verdict]} | {_md_cell(c.evidence)} |")
    return "**Claims checked**\n\n" + "\n".join(out) + "\n"


def claims_html(sec: Section) -> str:
    if not sec.claims:
        return ""
    rows = "".join(f'<tr class="v-{c.verdict.replace(" ", "-")}"><td>{html.escape(c.claim)}</td>'
                   f"<td>{html.escape(c.verdict)}</td>"
                   f"<td>{html.escape(c.evidence)}</td></tr>" for c in sec.claims)
    return ('<table class="claims"><caption>Claims checked</caption><thead><tr><th>claim</th>'
            f"<th>here</th><th>evidence</th></tr></thead><tbody>{rows}</tbody></table>")


def save_figures(sec: Section, outdir: Path) -> list[tuple[str, str, str]]:
    """Writes each figure as SVG under outdir/figures; returns (file, title, caption)."""
    out = []
    fd = outdir / "figures"
    fd.mkdir(parents=True, exist_ok=True)
    for f in sec.figures:
        name = f"{f.key}.svg"
        plots.save(f.fig, fd / name)
        out.append((f"figures/{name}", f.title, f.caption))
    sec.figures = []  # closed; keep sections cheap to hold
    return out


def section_md(sec: Section, figs: list[tuple[str, str, str]]) -> str:
    out = [f"## {sec.title}", ""]
    if sec.intro:
        out += [sec.intro, ""]
    c = claims_md(sec)
    if c:
        out += [c]
    for t in sec.tables:
        out += [table_md(t)]
    for n in sec.notes:
        out += [f"- {n}"]
    if sec.notes:
        out.append("")
    if sec.missing:
        out += ["**Missing on this machine (left empty, not invented):**", ""]
        out += [f"- {m}" for m in sec.missing] + [""]
    for path, title, cap in figs:
        out += [f"![{title}]({path})", "", f"_{cap}_" if cap else "", ""]
    return "\n".join(out)


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1200px;margin:1.5em auto;
padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:1em 0;font-size:.85em}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #ccc;padding:.25em .5em}td{text-align:right;font-variant-numeric:tabular-nums}
tbody th{text-align:left;font-weight:normal}td.txt{text-align:left}tr.pub{background:#f3f3f8;font-style:italic}
table.claims td{text-align:left}.v-holds td:nth-child(2){color:#1a7f37}
.v-does-not-hold td:nth-child(2){color:#b42318}
table.claims td:nth-child(2){font-weight:600;white-space:nowrap}.v-inconclusive td:nth-child(2){color:#6b6b6b}.note{font-size:.85em;color:#555}
img{max-width:100%;border:1px solid #eee}nav a{margin-right:1em}
"""


def md_inline_html(text: str) -> str:
    """The little Markdown the provenance lines use (**bold**, `code`,
    '- ' items) as HTML."""
    import re
    out, items = [], []
    for line in text.splitlines():
        t = html.escape(line)
        t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
        t = re.sub(r"`(.+?)`", r"<code>\1</code>", t)
        if t.startswith("- "):
            items.append(f"<li>{t[2:]}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if t.strip():
            out.append(f"<p>{t}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def page_html(title: str, body: str, nav: str = "") -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(title)}</title><style>{CSS}</style></head><body>{nav}"
            f"<h1>{html.escape(title)}</h1>{body}</body></html>\n")


def section_html(sec: Section, figs: list[tuple[str, str, str]]) -> str:
    out = [f'<h2 id="{sec.key}">{html.escape(sec.title)}</h2>']
    if sec.intro:
        out.append(md_inline_html(sec.intro))
    out.append(claims_html(sec))
    out += [table_html(t) for t in sec.tables]
    if sec.notes:
        out.append(md_inline_html("\n".join(f"- {n}" for n in sec.notes)))
    if sec.missing:
        out.append("<p><b>Missing on this machine (left empty, not invented):</b></p><ul>" +
                   "".join(f"<li>{html.escape(m)}</li>" for m in sec.missing) + "</ul>")
    for path, title, cap in figs:
        out.append(f'<figure><img src="{html.escape(path)}" alt="{html.escape(title)}">'
                   f"<figcaption>{html.escape(cap)}</figcaption></figure>")
    return "\n".join(out)


def df_md(df: pd.DataFrame, title: str, note: str = "") -> str:
    return table_md(Table("x", title, df.astype(str), note))


def show(sec: Section) -> None:
    """In a notebook: the section as Markdown (the same text `aeslab report`
    writes) with its figures inline."""
    from IPython.display import Markdown, display
    display(Markdown(section_md(sec, [])))
    for f in sec.figures:
        display(f.fig)
        plots.plt.close(f.fig)
    sec.figures = []

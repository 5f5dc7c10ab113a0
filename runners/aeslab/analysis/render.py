"""Sections as Markdown (tables, claims, figures, what is missing), and
the HTML of a page converted from that same Markdown by markdown-it-py:
each page is written once.  Self-contained HTML: inline CSS, figures as
files beside it."""
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


def claims_md(sec: Section) -> str:
    if not sec.claims:
        return ""
    out = ["| claim | here | evidence |", "|:---|:---|:---|"]
    for c in sec.claims:
        out.append(f"| {_md_cell(c.claim)} | {VERDICT_MARK[c.verdict]} | {_md_cell(c.evidence)} |")
    return "**Claims checked**\n\n" + "\n".join(out) + "\n"


def save_figures(sec: Section, outdir: Path) -> list[tuple[str, str, str]]:
    """Writes each figure as SVG under outdir/figures; returns (file, title, caption)."""
    out = []
    fd = outdir / "figures"
    if sec.figures:
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
table{border-collapse:collapse;margin:.3em 0 1em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em}td{font-variant-numeric:tabular-nums}
tr.pub{background:#f3f3f8;font-style:italic}
p>strong:only-child{display:block;margin-top:1.2em}
img{max-width:100%;border:1px solid #eee}nav a{margin-right:1em}
"""


def _md_parser():
    """markdown-it-py (CommonMark + GFM tables; raw HTML off, so every cell
    is escaped) with three small rules for the HTML side: headings get an id
    (anchors), table rows of published figures get class="pub" (shaded), and
    links to a sibling .md page point at its .html twin."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("js-default")

    def rules(state):
        toks = state.tokens
        for i, t in enumerate(toks):
            if t.type == "heading_open" and i + 1 < len(toks):
                slug = re.sub(r"[^a-z0-9]+", "-", toks[i + 1].content.lower()).strip("-")
                t.attrSet("id", slug[:80])
            elif t.type == "tr_open" and i + 2 < len(toks) and toks[i + 2].type == "inline" \
                    and toks[i + 2].content.startswith("published"):
                t.attrSet("class", "pub")
            elif t.type == "inline" and t.children:
                for c in t.children:
                    href = c.attrGet("href") if c.type == "link_open" else None
                    if href and not re.match(r"^[a-z]+:", href):
                        path, sep, frag = href.partition("#")
                        if path.endswith(".md"):
                            c.attrSet("href", path[:-3] + ".html" + sep + frag)

    md.core.ruler.push("aeslab_html", rules)
    return md


_MD = None


def md_to_html(text: str) -> str:
    """The HTML of a page's Markdown: one source for both files."""
    global _MD
    if _MD is None:
        _MD = _md_parser()
    return _MD.render(text)


def page_html(title: str, markdown: str, nav: str = "") -> str:
    """A self-contained HTML page (inline CSS, no scripts) from the page's
    Markdown, which carries its own '# title' heading; `nav` is links only
    the HTML twin needs."""
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(title)}</title><style>{CSS}</style></head><body>{nav}"
            f"{md_to_html(markdown)}</body></html>\n")


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

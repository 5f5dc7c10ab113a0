"""matplotlib figures in one house style: message sizes on a log axis
labelled in bytes/KiB, units on every axis, the legend outside the data,
the machine and date in every title.  Headless (Agg) and reproducible
(no timestamps or random ids in the SVG), so regenerated reports diff
cleanly."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

plt.rcParams.update({
    "svg.hashsalt": "aeslab",
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 8,
    "figure.dpi": 100,
})

# Distinguishable colours (Okabe-Ito plus a few), fixed per series name so a
# library keeps its colour across figures.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442", "#8C564B", "#7F7F7F", "#9467BD", "#17BECF", "#BCBD22", "#1F77B4"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "*", "h", "p", "d", "8"]


def style_for(names: list[str]) -> dict[str, dict]:
    return {n: {"color": PALETTE[i % len(PALETTE)], "marker": MARKERS[i % len(MARKERS)]}
            for i, n in enumerate(sorted(set(names)))}


def size_label(n: float) -> str:
    n = int(n)
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} B"


def size_axis(ax, sizes) -> None:
    """Log-2 message-size axis with the measured sizes as ticks (thinned)."""
    sizes = sorted(set(int(s) for s in sizes if s > 0))
    ax.set_xscale("log", base=2)
    ticks, last = [], None
    for s in sizes:  # keep ticks at least a factor 1.6 apart so labels do not collide
        if last is None or s / last >= 1.6:
            ticks.append(s)
            last = s
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: size_label(v)))
    ax.set_xlabel("message size (bytes, log scale)")
    for lab in ax.get_xticklabels():
        lab.set_rotation(45)


def new(title: str, where: str, ylabel: str, xlabel: str | None = None, wide: bool = False):
    fig, ax = plt.subplots(figsize=(9.5 if wide else 8, 4.6), layout="constrained")
    ax.set_title(f"{title}\n{where}")
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    return fig, ax


def legend(ax, title: str | None = None) -> None:
    h, _ = ax.get_legend_handles_labels()
    if h:
        ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  ncols=1 if len(h) <= 16 else 2)


def save(fig, path) -> None:
    fig.savefig(path, metadata={"Date": None, "Creator": "aeslab"})
    plt.close(fig)

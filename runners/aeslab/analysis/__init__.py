"""aeslab.analysis: results in, the products users read out.

    from aeslab.analysis import load_results
    res = load_results("results")              # every machine, every run
    res.points                                 # one tidy pandas table, a row per point
    from aeslab.analysis import vendor, isa, scaling, regress
    vendor.seed000(res, machine)               # Tables 1-4 beside the published rows

Every function takes a Results (what load_results returns) and a machine
name (the results folder's host) and returns plain pandas tables plus
sentences (common.Section); rendering (Markdown, HTML, figures) is in
render.py and plots.py, so the notebooks and `aeslab report` show exactly
the same thing.

Imports are lazy so that `aeslab --help` and the runner's commands do not
pay for pandas and matplotlib.
"""
from __future__ import annotations

__all__ = ["Results", "ResultsError", "load_results"]


def __getattr__(name):
    if name in __all__:
        from . import load
        return getattr(load, name)
    raise AttributeError(name)

"""Execute the notebooks headless, with parameters, without a notebook UI.

    python -m aeslab.analysis.notebooks --results results --machine vm --out /tmp/nb

Parameters follow papermill's convention (a cell tagged `parameters` holds
the defaults; a cell tagged `injected-parameters` is inserted after it with
the values given), so `papermill notebooks/x.ipynb out.ipynb -p results DIR`
works the same.  The notebooks in the repository stay without outputs; the
executed copies go to --out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths


def notebook_dir() -> Path:
    return paths.root() / "notebooks"


def inject(nb, params: dict) -> None:
    import nbformat
    src = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["tags"] = ["injected-parameters"]
    idx = next((i for i, c in enumerate(nb.cells)
                if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    nb.cells = [c for c in nb.cells
                if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    nb.cells.insert(idx + 1, cell)


def execute(path: Path, params: dict, out: Path | None = None, timeout: int = 600):
    """Run one notebook with parameters; returns the executed notebook (and
    writes it to `out` if given).  Raises nbclient's CellExecutionError on
    the first failing cell."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    inject(nb, params)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    return nb


def outputs_text(nb) -> str:
    """Every text/markdown/plain output of an executed notebook, joined."""
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append(o.get("text", ""))
            d = o.get("data", {})
            for k in ("text/markdown", "text/plain"):
                if k in d:
                    parts.append(d[k] if isinstance(d[k], str) else "".join(d[k]))
    return "\n".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m aeslab.analysis.notebooks")
    ap.add_argument("--results", default=str(paths.results_dir()))
    ap.add_argument("--machine", default=None)
    ap.add_argument("--out", default="build/notebooks", help="where executed copies go")
    ap.add_argument("notebooks", nargs="*", help="default: every notebooks/*.ipynb")
    a = ap.parse_args(argv)
    nbs = [Path(n) for n in a.notebooks] or sorted(notebook_dir().glob("*.ipynb"))
    params = {"results": str(Path(a.results).resolve()), "machine": a.machine}
    for n in nbs:
        out = Path(a.out) / n.name
        execute(n, params, out)
        print(f"{n} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

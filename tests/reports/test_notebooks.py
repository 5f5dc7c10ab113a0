"""Every notebook runs headless with parameters (nbclient, papermill's
parameters convention) on the committed results and shows the same tables
`aeslab report` writes."""
from __future__ import annotations

import re

import nbformat
import pytest

from aeslab.analysis import notebooks

NBS = sorted(notebooks.notebook_dir().glob("*.ipynb"))


def test_notebooks_are_stored_without_outputs():
    assert len(NBS) >= 4
    for n in NBS:
        nb = nbformat.read(n, as_version=4)
        nbformat.validate(nb)
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), n
        for c in nb.cells:
            if c.cell_type == "code":
                assert not c.outputs and c.execution_count is None, f"{n.name} has outputs"


@pytest.mark.parametrize("nb_path", NBS, ids=[n.stem for n in NBS])
def test_notebook_runs(nb_path, data_dir, host, report_dir, artifacts):
    nb = notebooks.execute(nb_path, {"results": str(data_dir), "machine": host},
                           out=artifacts / "notebooks" / nb_path.name)
    text = notebooks.outputs_text(nb)
    assert "Traceback" not in text
    page = {"vendor_tables": "vendor-tables", "isa_selection": "isa-selection",
            "scaling": "scaling"}.get(nb_path.stem)
    if page:
        md = (report_dir / host / f"{page}.md").read_text()
        tables = re.findall(r"(\*\*[^*\n]+\*\*\n\n\|.+?)\n\n", md, flags=re.S)
        assert tables
        for t in tables:
            assert t in text, f"{nb_path.name} does not show: {t.splitlines()[0]}"
    else:
        assert "robust" in text or "spread" in text


def test_injected_parameters_follow_the_parameters_cell():
    nb = nbformat.read(NBS[0], as_version=4)
    notebooks.inject(nb, {"results": "/x", "machine": "m"})
    notebooks.inject(nb, {"results": "/y", "machine": None})  # replaces, not stacks
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    i = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[i + 1]
    assert sum("injected-parameters" in t for t in tags) == 1
    assert "results = '/y'" in nb.cells[i + 1].source

"""Every committed report notebook follows the notebook contract (docs/DEVELOPING.md)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill
import pytest

from workbook.run import COMMON_PARAMETERS

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_with_unique_numbers_and_names():
    assert NOTEBOOKS, "no notebooks found"
    prefixes = [p.name.split("_", 1)[0] for p in NOTEBOOKS]
    assert all(re.fullmatch(r"\d{2}", p) for p in prefixes), prefixes
    assert len(set(prefixes)) == len(prefixes)
    names = [nbformat.read(str(p), as_version=4).metadata["workbook"]["name"] for p in NOTEBOOKS]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_follows_the_contract(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    meta = nb.metadata.get("workbook") or {}
    assert meta.get("name") and meta.get("title") and isinstance(meta.get("tables"), list)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [], f"cell with outputs: {cell.source[:60]!r}"
        assert cell.execution_count is None
        assert not re.search(r"^\s*(async\s+)?def |^\s*class |lambda\b", cell.source, re.M), (
            f"function definition in a notebook cell: {cell.source[:80]!r}"
        )
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_reads_every_common_parameter(path):
    # A double quote in a parameter comment, for example, hides the line from papermill.
    found = papermill.inspect_notebook(str(path))
    missing = [p for p in COMMON_PARAMETERS if p not in found]
    assert not missing, f"papermill cannot read {missing} in {path.name}'s parameters cell"

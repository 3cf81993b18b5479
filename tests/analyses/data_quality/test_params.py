"""data_quality.params: no report-specific parameters, kept in step with the notebook and docs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from workbook.analyses import data_quality
from workbook.core.params import ParamError, markdown_table, parameters_cell

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "reports" / "data_quality.md"
NOTEBOOK = ROOT / "notebooks" / "00_data_quality.ipynb"


def _parameters_cell() -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    return "".join(cell["source"])


def test_params_has_no_fields_of_its_own():
    assert data_quality.Params.report == "data_quality"
    # only the common report parameter (issue 18), declared on ReportParams
    assert list(data_quality.Params.specs()) == ["export_raw_csv"]
    assert [f.name for f in dataclasses.fields(data_quality.Params())] == ["export_raw_csv"]
    with pytest.raises(ParamError, match="data_quality: parameter grain"):
        data_quality.Params.check("grain", "month")


def test_docs_parameter_block_is_the_markdown_table():
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- params:start -->\n", 1)[1].split("\n<!-- params:end -->", 1)[0]
    assert block == markdown_table(data_quality.Params)


def test_notebook_parameters_cell_holds_the_params_lines():
    cell = _parameters_cell()
    assert parameters_cell(data_quality.Params) in cell
    common = ["data", "load_options", "as_of", "out_dir", "interactive"]
    names = [line.split(" = ")[0] for line in cell.splitlines() if " = " in line]
    assert names == common + list(data_quality.Params.specs())

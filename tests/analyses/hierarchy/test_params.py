"""Tests for workbook.analyses.hierarchy.params: Params is the single source of the parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook.analyses import hierarchy as h
from workbook.core.params import ParamError, markdown_table, parameters_cell

REPO = Path(__file__).resolve().parents[3]
NOTEBOOK = REPO / "notebooks" / "03_hierarchy.ipynb"
DOCS = REPO / "docs" / "reports" / "hierarchy.md"


def _parameters_cell() -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    return "".join(cells[0]["source"])


def test_defaults_are_the_notebook_defaults_of_before_and_the_issue_15_rule():
    # The notebook's parameters cell before the refactor: top_n = 10, period_start = "",
    # period_end = "", new_rep_days = 180, mad_threshold = 3.0; then issue 15's defaults:
    # 24 months of lines, 2 lines a member, 3 members a group, a 1-point floor, 500 resamples.
    assert h.Params().to_dict() == {
        "top_n": 10,
        "period_start": "",
        "period_end": "",
        "new_rep_days": 180,
        "mad_threshold": 3.0,
        "discount_lookback_months": 24,
        "min_lines": 2,
        "min_members": 3,
        "min_discount_scale": 1.0,
        "n_boot": 500,
        "seed": 0,
        "export_raw_csv": False,  # the common report parameter (issue 18)
    }
    assert h.Params.report == "hierarchy"


def test_notebook_parameters_cell_holds_parameters_cell_verbatim():
    cell = _parameters_cell()
    assert parameters_cell(h.Params) in cell
    # The five common parameters come first, then exactly the Params lines.
    lines = cell.splitlines()
    assert [line.split(" = ")[0] for line in lines[:5]] == [
        "data",
        "load_options",
        "as_of",
        "out_dir",
        "interactive",
    ]
    assert "\n".join(lines[5:]) == parameters_cell(h.Params)


def test_docs_parameter_block_is_markdown_table():
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- params:start -->\n", 1)[1].split("\n<!-- params:end -->", 1)[0]
    assert block.strip("\n") == markdown_table(h.Params)


@pytest.mark.parametrize(
    "values",
    [
        {"top_n": 0},
        {"top_n": 2.5},
        {"new_rep_days": -1},
        {"mad_threshold": 0.0},
        {"mad_threshold": "3"},
        {"period_start": "2026-13-01"},
        {"min_members": 1},
        {"min_lines": 0},
        {"min_discount_scale": 0.0},
        {"discount_lookback_months": 0},
        {"n_boot": 0},
        {"period_start": "2026-06-30", "period_end": "2026-01-01"},
    ],
)
def test_values_outside_the_rules_raise(values):
    with pytest.raises(ParamError):
        h.Params(**values)


def test_ranges_and_kinds():
    specs = h.Params.specs()
    assert (specs["top_n"].kind, specs["top_n"].low) == ("int", 1)
    assert (specs["period_start"].kind, specs["period_start"].blank) == ("date", True)
    assert (specs["period_end"].kind, specs["period_end"].blank) == ("date", True)
    assert (specs["new_rep_days"].kind, specs["new_rep_days"].low) == ("int", 0)
    assert specs["mad_threshold"].kind == "float"
    assert (specs["mad_threshold"].low, specs["mad_threshold"].low_open) == (0, True)
    # An int is accepted where a float is declared; the same start and end is one day.
    assert h.Params(mad_threshold=4).mad_threshold == 4.0
    assert h.Params(period_start="2026-01-01", period_end="2026-01-01").period_end == "2026-01-01"

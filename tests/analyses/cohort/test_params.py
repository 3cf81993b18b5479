"""Tests for workbook.analyses.cohort.params: Params is the single source of parameters.

The docs table and the notebook's parameters cell must be exactly what
``markdown_table(Params)`` and ``parameters_cell(Params)`` produce.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbook.analyses import cohort as co
from workbook.core.params import ParamError, markdown_table, parameters_cell

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "reports" / "cohort.md"
NOTEBOOK = ROOT / "notebooks" / "01_cohort.ipynb"
COMMON = ["data", "load_options", "as_of", "out_dir", "interactive"]


def _parameters_cell() -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    return "".join(cells[0]["source"])


def test_docs_table_is_markdown_table():
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- params:start -->\n(.*?)\n<!-- params:end -->", text, re.S)
    assert block, "docs/reports/cohort.md lacks the params:start/params:end block"
    assert block.group(1) == markdown_table(co.Params)


def test_notebook_parameters_cell_is_common_then_params():
    cell = _parameters_cell()
    assert parameters_cell(co.Params) in cell
    lines = cell.splitlines()
    assert [line.split(" = ")[0] for line in lines[:5]] == COMMON
    assert "\n".join(lines[5:]) == parameters_cell(co.Params)


def test_defaults_are_the_notebook_defaults():
    # the values of the notebook's parameters cell before the refactor
    assert co.Params().to_dict() == {
        "grain": "month",
        "segment_by": "",
        "milestone": "opportunity",
        "equal_age_periods": 3,
        "sla_days": 2,
        "min_cell_leads": 20,
        "km_by": "source",
        # issue 16: the projection of young cohorts
        "projection_months": 12,
        "projection_draws": 999,
        "export_raw_csv": False,  # the common report parameter (issue 18)
    }
    assert co.Params.report == "cohort"


@pytest.mark.parametrize(
    "name, value",
    [
        ("grain", "fortnight"),
        ("milestone", "signed"),
        ("equal_age_periods", -1),
        ("equal_age_periods", 1.5),
        ("sla_days", -2),
        ("sla_days", "2"),
        ("min_cell_leads", -1),
        ("km_by", ""),
        ("segment_by", ["source"]),
    ],
)
def test_values_not_allowed(name, value):
    with pytest.raises(ParamError) as err:
        co.Params(**{name: value})
    assert err.value.name == name
    assert err.value.report == "cohort"


def test_check_replace_and_from_mapping():
    assert co.Params.check("grain", "quarter") == "quarter"
    with pytest.raises(ParamError, match="did you mean grain"):
        co.Params.check("grian", "month")
    p = co.Params().replace(grain="year", equal_age_periods=1.0)
    assert (p.grain, p.equal_age_periods) == ("year", 1)
    # a notebook's globals(): common parameters and other names are ignored
    p = co.Params.from_mapping({"data": "", "grain": "quarter", "cohort": object()})
    assert p == co.Params(grain="quarter")


def test_specs_carry_choices_and_ranges():
    specs = co.Params.specs()
    assert specs["grain"].choices == ("month", "quarter", "year")
    assert specs["milestone"].choices == co.MILESTONES
    assert (specs["equal_age_periods"].low, specs["sla_days"].low) == (0, 0)

"""Tests for workbook.analyses.scoring.params: Params, its docs table and the notebook cell."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from workbook.analyses import scoring
from workbook.core.params import ParamError, markdown_table, parameters_cell

REPO = Path(__file__).resolve().parents[3]


def test_docs_parameter_table_is_markdown_table_of_params():
    text = (REPO / "docs" / "reports" / "scoring.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- params:start -->\n(.*?)\n<!-- params:end -->", text, re.S)
    assert block, "docs/reports/scoring.md lacks the params:start/params:end block"
    assert block.group(1).strip() == markdown_table(scoring.Params)


def test_notebook_parameters_cell_holds_parameters_cell_verbatim():
    nb = nbformat.read(str(REPO / "notebooks" / "02_scoring.ipynb"), as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert parameters_cell(scoring.Params) in cell.source
    # the report lines come right after the five common parameters
    lines = cell.source.splitlines()
    assert [ln.split(" =")[0] for ln in lines[:5]] == [
        "data",
        "load_options",
        "as_of",
        "out_dir",
        "interactive",
    ]
    assert "\n".join(lines[5:]) == parameters_cell(scoring.Params)


def test_defaults_follow_issue_13():
    # maturity_days, threshold_step and disqualified_statuses are gone (issue 13);
    # min_cell_leads greys small score bands in the chart (issue 20).
    assert scoring.Params().to_dict() == {
        "current_threshold": 60.0,
        "capacity_per_month": 40.0,
        "horizon_days": 180,
        "capacity_months": 6,
        "overflow_risk": 0.10,
        "score_range": [],
        "thresholds": [],
        "backtest_months": [3, 6, 9, 12],
        "decay_after_days": 90,
        "decay_points": "-100",
        "segment_by": "source",
        "min_cell_leads": 20,
        "n_boot": 1000,
        "seed": 0,
        "export_raw_csv": False,  # the common report parameter (issue 18)
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("n_boot", -5),
        ("n_boot", 0),
        ("n_boot", "many"),
        ("seed", -1),
        ("capacity_per_month", -1),
        ("horizon_days", 0),
        ("capacity_months", 1),
        ("overflow_risk", 1.5),
        ("score_range", [5]),
        ("score_range", [100, 0]),
        ("backtest_months", [0]),
        ("segment_by", "fortnight"),
        ("thresholds", "60"),
        ("decay_points", "lots"),
        ("decay_points", "-1.5"),
    ],
)
def test_values_not_allowed_raise_param_error(name, value):
    with pytest.raises(ParamError) as err:
        scoring.Params(**{name: value})
    assert (err.value.report, err.value.name) == ("scoring", name)


def test_values_are_converted_and_checked():
    p = scoring.Params(thresholds=[60, 70], score_range=[0, 2300], backtest_months=[3, 6])
    assert p.thresholds == (60.0, 70.0) and p.score_range == (0.0, 2300.0)
    assert p.backtest_months == (3, 6)
    assert scoring.Params(decay_points="reset").decay_points == "reset"
    assert scoring.Params(decay_points=-50).decay_points == "-50"
    assert scoring.Params(capacity_per_month=50).capacity_per_month == 50.0
    # a notebook's globals hold other names too; only the parameters are taken
    p = scoring.Params.from_mapping({"n_boot": 10, "crm": object(), "data": ""})
    assert p.n_boot == 10
    with pytest.raises(ParamError, match="did you mean n_boot"):
        scoring.Params.check("nboot", 10)

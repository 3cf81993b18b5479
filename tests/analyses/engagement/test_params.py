"""``engagement.Params`` is the single source of the report's parameters.

The docs table, the notebook's parameters cell and the checks all come from
it; these tests fail when one of them drifts.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from workbook.analyses import engagement
from workbook.core.params import ParamError, markdown_table, parameters_cell

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "docs" / "reports" / "engagement.md"
NOTEBOOK = REPO / "notebooks" / "05_engagement.ipynb"

#: The notebook's parameters: name -> default. Issue 14 replaced ``min_closed_for_model``
#: (50) by the events-per-parameter rule and added the snapshot model's, the benchmark's,
#: the track record's, the win rates' and the bootstrap's parameters.
NOTEBOOK_DEFAULTS = {
    "window_days": 0,
    "high_min_records": 0,
    "stale_days": 14,
    "probability_variance_threshold": 30,
    "archive_after_days": 180,
    "snapshot_days": 14,
    "horizon_days": 180,
    "min_benchmark_deals": 20,
    "outcome_months": 6,
    "win_rate_days": 365,
    "bootstrap_draws": 1000,
    "top_n": 20,
    "export_raw_csv": False,  # the common report parameter (issue 18)
}


def _parameters_cell() -> str:
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    return cell.source


def test_docs_parameter_table_is_markdown_table_of_params():
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- params:start -->\n(.*?)\n<!-- params:end -->", text, re.S)
    assert block, "docs/reports/engagement.md lacks the params:start/end block"
    assert block.group(1) == markdown_table(engagement.Params)


def test_notebook_parameters_cell_contains_parameters_cell_verbatim():
    source = _parameters_cell()
    assert parameters_cell(engagement.Params) in source
    # the five common parameters come first, the report's own after them
    names = [line.split(" = ", 1)[0] for line in source.splitlines() if " = " in line]
    assert names[:5] == ["data", "load_options", "as_of", "out_dir", "interactive"]
    assert names[5:] == list(engagement.Params.specs())


def test_params_keep_the_notebook_names_and_defaults():
    specs = engagement.Params.specs()
    assert {name: spec.default for name, spec in specs.items()} == NOTEBOOK_DEFAULTS
    assert engagement.Params.report == "engagement"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("window_days", -1),
        ("high_min_records", -3),
        ("stale_days", 0),
        ("probability_variance_threshold", -0.5),
        ("probability_variance_threshold", 100.5),
        ("archive_after_days", -1),
        ("snapshot_days", 0),
        ("horizon_days", 0),
        ("min_benchmark_deals", 0),
        ("outcome_months", 25),
        ("bootstrap_draws", 99),
        ("top_n", 0),
        ("stale_days", "14"),
        ("stale_days", 14.5),
        ("window_days", True),
    ],
)
def test_values_out_of_range_or_of_the_wrong_type_are_refused(name, value):
    with pytest.raises(ParamError) as info:
        engagement.Params(**{name: value})
    assert (info.value.report, info.value.name) == ("engagement", name)


def test_from_mapping_takes_only_the_reports_parameters():
    params = engagement.Params.from_mapping(
        {"data": "", "as_of": "", "interactive": False, "stale_days": 21, "top_n": 5.0}
    )
    assert (params.stale_days, params.top_n) == (21, 5)
    # an int threshold (as papermill passes "-P probability_variance_threshold=25") is a float
    assert (
        engagement.Params(probability_variance_threshold=25).probability_variance_threshold == 25.0
    )

"""data_quality.results: the declared tables and their CSV stems."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import data_quality

STEMS = [
    "row_counts",
    "date_ranges",
    "warnings",
    "integrity",
    "hierarchy_depths",
    "hierarchy_faults",
]


#: Shown in the report, not exported (the leadership chart's data).
SHOWN_ONLY = ["warnings_by_table"]


def test_every_table_is_exported_under_its_field_name():
    fields = data_quality.Results.table_fields()
    assert list(fields) == STEMS + SHOWN_ONLY
    assert all(fields[s]["export"] and fields[s]["doc"] for s in STEMS)
    assert not any(fields[s]["export"] for s in SHOWN_ONLY)
    res = data_quality.Results(row_counts=pd.DataFrame({"table": ["leads"], "rows": [3]}))
    assert list(res.exports()) == STEMS
    assert res.exports()["row_counts"] is res.row_counts


def test_repr_html_lists_the_tables():
    res = data_quality.Results(as_of=pd.Timestamp("2024-03-31"))
    html = res._repr_html_()
    assert "Data quality — as of 2024-03-31" in html
    for stem in STEMS:
        assert f"<code>.{stem}</code>" in html and f"{stem}.csv" in html

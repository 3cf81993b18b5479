"""Tests for workbook.core.results: the shape every report's Results shares."""

from typing import ClassVar

import pandas as pd

from workbook.core.results import ReportResults, results_class, table
from workbook.core.text import Card


@results_class
class DemoResults(ReportResults):
    report: ClassVar[str] = "demo"
    title: ClassVar[str] = "Demo <report>"
    bands: pd.DataFrame = table("one row per score band")
    sweep: pd.DataFrame = table("one row per threshold", stem="threshold_sweep")
    preview: pd.DataFrame = table("shown only", export=False)


def _res():
    return DemoResults(
        as_of=pd.Timestamp("2026-06-30"),
        figures={"auc": 0.75},
        sentences=["The score predicts wins."],
        cards=[Card("auc", "AUC", 0.75, "{:.2f}")],
        bands=pd.DataFrame({"band": ["0–10", "10–20"]}),
        sweep=pd.DataFrame({"t": [1, 2, 3]}),
    )


def test_exports_use_stems_and_skip_shown_only_tables():
    res = _res()
    assert list(res.exports()) == ["bands", "threshold_sweep"]
    assert len(res.exports()["threshold_sweep"]) == 3
    assert list(res.tables()) == ["bands", "sweep", "preview"]
    assert res.summary() == {"auc": 0.75}


def test_repr_html_shows_figures_and_tables_escaped():
    markup = _res()._repr_html_()
    assert "Demo &lt;report&gt; — as of 2026-06-30" in markup
    assert "<td>AUC</td><td>0.75</td>" in markup
    assert "<code>.sweep</code></td><td>3</td><td>threshold_sweep.csv</td>" in markup
    assert "as_of=2026-06-30: bands=2, sweep=3, preview=0" in repr(_res())

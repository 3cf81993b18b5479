"""Tests for workbook.analyses.scoring.results: the Results dataclass."""

from __future__ import annotations

from workbook.analyses import scoring


def test_every_table_is_declared_and_only_per_lead_tables_stay_unexported():
    fields = scoring.Results.table_fields()
    unexported = {name for name, meta in fields.items() if not meta["export"]}
    assert unexported == {"outcomes", "deals", "amount_trend", "landmark_leads"}
    assert all(meta["doc"] for meta in fields.values())
    # stems are the field names: res.threshold_sweep is threshold_sweep.csv
    assert all(meta["stem"] is None for meta in fields.values())


def test_results_show_figures_and_tables(sample_res):
    assert sample_res.summary() == sample_res.figures
    assert sample_res.summary() is not sample_res.figures
    html = sample_res._repr_html_()
    assert "Score against win — as of 2026-06-30" in html
    assert "<code>.threshold_sweep</code>" in html and "threshold_sweep.csv" in html
    assert "AUC of score against win" in html
    assert "landmark_leads=4,741" in repr(sample_res)  # re-derived on the 36-month sample
    assert isinstance(sample_res.params, scoring.Params)
    assert sample_res.sufficiency["reliable"] is True


def test_empty_results_are_constructible():
    res = scoring.Results()
    assert res.exports()["threshold_sweep"].empty
    assert res.sufficiency == {}

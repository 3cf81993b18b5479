"""``engagement.Results``: declared tables, exports and the JupyterLab view."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import engagement

#: Tables shown in the notebook but not exported (the exported ones are checked in
#: test_pipeline.py against the stems of the notebook before the refactor).
SHOWN_ONLY = {
    "levels",
    "level_counts",
    "actions",
    "recommendation_counts",
    "unmatched_records",
    "won_at_own_age",
    "win_rate_funnel",
}


def test_every_table_is_declared_with_a_doc_and_is_a_frame(sample_results):
    fields = engagement.Results.table_fields()
    assert {name for name, meta in fields.items() if not meta["export"]} == SHOWN_ONLY
    assert all(meta["doc"] for meta in fields.values())
    assert all(isinstance(frame, pd.DataFrame) for frame in sample_results.tables().values())
    # field name = CSV stem for every exported table
    assert list(sample_results.exports()) == [n for n, m in fields.items() if m["export"]]


def test_results_carry_the_window_model_and_notes(sample_results):
    res = sample_results
    assert res.basis["window_days"] == res.figures["window_days"]
    assert res.model.fitted
    assert res.high_min_records == res.levels.attrs["high_min_records"] == 5
    # re-derived on the 36-month sample (see test_pipeline.py): 20-day window, threshold 5
    assert res.window_note.startswith("Window: 20 days = round half-up of a quarter")
    assert res.level_note.startswith("High engagement: at least 5 recent records, derived")
    assert res.level_note.endswith("reports: {engagement: {high_min_records: 5}}")
    assert res.model_note.startswith("The win model is fitted on 14,123 snapshots of 2,418 deals")
    assert res.gate_open and res.backtest.gate_open
    assert res.model_backtest.columns.tolist() == engagement.backtest.BACKTEST_COLUMNS
    assert isinstance(res.params, engagement.Params)


def test_repr_html_shows_headline_figures_and_tables(sample_results):
    html = sample_results._repr_html_()
    assert "Engagement and pipeline hygiene — as of 2026-06-30" in html
    assert "Open pipeline in dormant accounts" in html and "$282k" in html  # short money
    assert "<code>.at_risk</code>" in html and "at_risk.csv" in html
    assert "<code>.actions</code>" in html
    assert "accounts=600" in repr(sample_results)

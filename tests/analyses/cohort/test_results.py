"""Tests for workbook.analyses.cohort.results: the declared tables and their export stems."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import cohort as co


def test_exported_stems_in_declaration_order():
    res = co.Results()
    assert list(res.exports()) == [
        "follow_through",
        "equal_age",
        "cohort_comparison",
        "time_to_event",
        "time_to_event_summary",
        "outcomes",
        "outcome_summary",
        "projection",
        "projection_track_record",
        "handoff_followup",
        "owner_followup_comparison",
        "not_followed_up",
        "period_vs_cohort",  # the period_views field: all three grains stacked
        "period_kpis",
        "exclusions",
    ]


def test_shown_only_tables_are_not_exported():
    fields = co.Results.table_fields()
    shown_only = {name for name, meta in fields.items() if not meta["export"]}
    assert shown_only == {
        "period_view",
        "handoff_status",
        "milestones",
        "cohort_funnel",
        "outcome_curves",
    }
    assert all(meta["doc"] for meta in fields.values())


def test_empty_results_and_keyword_only():
    res = co.Results(follow_through=pd.DataFrame({"a": [1]}))
    assert len(res.follow_through) == 1 and res.equal_age.empty
    assert (res.report, res.title) == ("cohort", "Cohort follow-through")
    assert res.summary() == {} and res.sentences == [] and res.cards == []

"""Engagement without activities or leads (issue 17): the pipeline and win rates, the rest skipped.

The expected values are the full sample run's own (``sample_results``):
the parts that do not count activities must be unchanged when the
activities table is dropped, and the parts that do must be empty (or
blank), never ``False`` or zero. With every table loaded nothing is
claimed skipped.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from workbook.analyses import engagement
from workbook.analyses.engagement import actions as ra
from workbook.analyses.engagement.pipeline import MODEL_SKIPPED, SECTION_NOTES, SKIPPED
from workbook.data.coercion import empty_table


def _without(crm, *tables, empty=False):
    """``crm`` without ``tables`` (or with them loaded but holding no row)."""
    kept = {t: f for t, f in crm.tables.items() if t not in tables}
    if empty:
        kept.update({t: empty_table(t) for t in tables})
    return dataclasses.replace(crm, tables=kept)


@pytest.fixture(scope="module")
def no_activities(sample_crm):
    return engagement.run(_without(sample_crm, "activities"))


@pytest.fixture(scope="module")
def no_leads(sample_crm):
    return engagement.run(_without(sample_crm, "leads"))


def _sorted(frame: pd.DataFrame, by) -> pd.DataFrame:
    return frame.sort_values(by).reset_index(drop=True)


def test_with_every_table_nothing_is_skipped(sample_results):
    assert sample_results.skipped == {}
    assert sample_results.figures["missing_tables"] == []
    assert sample_results.figures["skipped"] == []
    assert not any(s.startswith("Skipped") for s in sample_results.sentences)


def test_without_activities_the_win_rates_are_those_of_the_full_run(sample_results, no_activities):
    # won / closed per owner, industry and source never count activities
    pd.testing.assert_frame_equal(no_activities.win_rates, sample_results.win_rates)
    assert no_activities.overall_win_rate == sample_results.overall_win_rate
    assert no_activities.win_rate_notes == sample_results.win_rate_notes
    # the named rep of the full run is still a finding; the at-risk one is gone
    titles = [f["title"] for f in no_activities.figures["findings"]]
    full = [f["title"] for f in sample_results.figures["findings"]]
    assert "Dormant account with open pipeline" in full
    assert titles == [t for t in full if t.startswith("Win rate")] != []


def test_without_activities_the_open_pipeline_is_shown_with_activity_columns_blank(
    sample_results, no_activities
):
    full, part = sample_results.opportunity_effectiveness, no_activities.opportunity_effectiveness
    assert len(part) == len(full) == 243  # the open deals of the sample
    keep = ["opportunity_id", "amount", "stage", "close_date", "close_date_passed", "days_overdue"]
    pd.testing.assert_frame_equal(
        _sorted(part[keep], "opportunity_id"), _sorted(full[keep], "opportunity_id")
    )
    for column in ("stale", "below_benchmark", "activities", "meetings", "last_activity_at"):
        assert part[column].isna().all(), column  # blank, never False or 0
    by_owner = no_activities.effectiveness_by_owner
    assert by_owner["stale_share"].isna().all() and by_owner["below_benchmark_share"].isna().all()
    pd.testing.assert_series_equal(
        _sorted(by_owner, "owner_id")["close_date_passed"].astype("int64"),
        _sorted(sample_results.effectiveness_by_owner, "owner_id")["close_date_passed"],
    )
    f = no_activities.figures
    assert f["open_opportunities"] == 243
    assert f["overdue_opportunities"] == sample_results.figures["overdue_opportunities"] == 35
    assert f["stale_opportunities"] is None and f["dormant_accounts"] is None


def test_without_activities_only_the_close_date_and_contact_actions_remain(
    sample_results, no_activities
):
    rules = set(no_activities.recommendations["rule"])
    assert rules <= {ra.CLOSE_DATE_PASSED, ra.NO_DECISION_MAKER}
    assert ra.CLOSE_DATE_PASSED in rules
    full = sample_results.recommendations
    for rule in (ra.CLOSE_DATE_PASSED, ra.NO_DECISION_MAKER):
        want = sorted(full.loc[full["rule"] == rule, "opportunity_id"])
        got = sorted(no_activities.recommendations.query("rule == @rule")["opportunity_id"])
        assert got == want, rule
    assert no_activities.figures["recommendations"] == len(no_activities.recommendations)


def test_without_activities_the_activity_parts_are_empty_and_named(no_activities):
    res = no_activities
    for name in ("levels", "at_risk", "window_sensitivity", "level_track_record",
                 "stale_leads", "handoff_not_worked", "activity_benchmark"):  # fmt: skip
        assert len(getattr(res, name)) == 0, name
    assert not res.model.fitted and res.model.reason == MODEL_SKIPPED
    assert not res.gate_open and res.model_backtest["reason"].iloc[0] == MODEL_SKIPPED
    assert res.figures["missing_tables"] == ["activities"]
    assert res.sentences[-1] == f"Skipped: {SKIPPED['activities']}."
    assert not any("dormant" in s for s in res.sentences)
    assert res.sentences[0] == "243 opportunities are open, and 35 are past their close date."
    assert [c.key for c in res.cards] == ["overdue_opportunities"]
    assert res.skipped == SECTION_NOTES["activities"]
    assert res.window_note == "" and res.level_note == ""
    assert res.track_record_note == SECTION_NOTES["activities"]["track_record"]


def test_without_activities_hygiene_keeps_the_lead_funnel_and_unqualified_leads(
    sample_results, no_activities
):
    pd.testing.assert_frame_equal(no_activities.lead_funnel, sample_results.lead_funnel)
    pd.testing.assert_frame_equal(no_activities.unowned_leads, sample_results.unowned_leads)
    full = sample_results.archive_candidates
    want = full.loc[full["reason"] == "unqualified", "lead_id"].tolist()
    assert len(want) > 0
    assert no_activities.archive_candidates["lead_id"].tolist() == want


def test_an_activities_table_with_no_row_is_skipped_the_same_way(sample_crm, no_activities):
    res = engagement.run(_without(sample_crm, "activities", empty=True))
    assert res.figures["missing_tables"] == ["activities"]
    pd.testing.assert_frame_equal(res.win_rates, no_activities.win_rates)


def test_without_leads_the_lead_sections_are_skipped_and_the_levels_stay(sample_results, no_leads):
    res = no_leads
    for name in ("stale_leads", "handoff_not_worked", "lead_funnel", "lead_status",
                 "archive_candidates", "unowned_leads", "lead_effectiveness_by_owner"):  # fmt: skip
        assert len(getattr(res, name)) == 0, name
    assert res.figures["missing_tables"] == ["leads"]
    assert res.figures["open_leads"] is None and res.figures["handed_off_not_worked"] is None
    assert res.skipped == SECTION_NOTES["leads"]
    assert "handed_off_not_worked" not in [c.key for c in res.cards]
    assert res.sentences[-1] == f"Skipped: {SKIPPED['leads']}."
    # the levels still count activities and new deals (only converted leads drop out)
    assert len(res.levels) == len(sample_results.levels) == 600
    assert res.figures["dormant_accounts"] >= sample_results.figures["dormant_accounts"]
    # owner win rates do not depend on leads; sources all become "(none)"
    owners = res.win_rates.query("dimension == 'owner'").reset_index(drop=True)
    want = sample_results.win_rates.query("dimension == 'owner'").reset_index(drop=True)
    pd.testing.assert_frame_equal(owners, want)
    assert set(res.win_rates.query("dimension == 'source'")["label"]) == {"(none)"}

"""Tests for workbook.analyses.cohort.milestones: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import cohort as co

T = pd.Timestamp
AS_OF = "2024-03-15"


def test_lead_milestones_rules(crm):
    m = co.lead_milestones(*crm, as_of=AS_OF).set_index("lead_id")
    assert sorted(m.index) == ["L1", "L2", "L3", "L4", "L6"]  # L5 after as_of
    assert m.loc["L1", "touched_at"] == T("2024-02-01")
    assert m.loc["L1", "meeting_at"] == T("2024-02-10")  # via converted opportunity
    assert m.loc["L1", "opportunity_at"] == T("2024-02-05")
    assert m.loc["L1", "won_at"] == T("2024-03-01")
    # before creation and after as_of are ignored
    assert m.loc["L2", ["touched_at", "meeting_at", "opportunity_at", "won_at"]].isna().all()
    assert m.loc["L3", "touched_at"] == T("2024-02-15")  # same day as creation counts
    assert m.loc["L3", "meeting_at"] == T("2024-03-02")
    assert m.loc["L6", "touched_at"] == T("2024-03-15 10:00")  # the as_of day counts
    assert pd.isna(m.loc["L6", "won_at"])  # open opportunity


def test_milestone_exclusions_counted(crm):
    ex = co.milestone_exclusions(*crm, as_of=AS_OF).set_index("rule")["count"]
    assert ex["leads_created_after_as_of"] == 1
    assert ex["leads_missing_created_at"] == 0
    assert ex["activities_before_lead_created_ignored"] == 1  # A3
    assert ex["activities_after_as_of_ignored"] == 1  # A4 (A7 belongs to excluded L5)
    assert ex["opportunity_before_lead_created_ignored"] == 1  # O2
    assert ex["won_after_as_of_ignored"] == 1  # O2 won Apr 1
    assert ex["converted_opportunity_not_found"] == 0


def test_day_boundaries_creation_day_and_as_of_day(make_leads, make_acts, make_opps, cells):
    # as_of 2024-03-31 (inclusive day).
    # D1 created Mar 10 15:00, activity Mar 10 09:00: same calendar day -> counts (k=0).
    # D2 created on the as_of day at 23:00 -> in scope; touched 23:59 that day counts,
    #    a call at Apr 1 00:00 is after as_of and ignored.
    # D3 created Apr 1 00:00 -> excluded (the day after as_of).
    leads = make_leads(
        [
            ("D1", "2024-03-10 15:00", "web", "U1", None, None),
            ("D2", "2024-03-31 23:00", "web", "U1", None, None),
            ("D3", "2024-04-01 00:00", "web", "U1", None, None),
        ]
    )
    acts = make_acts(
        [
            ("A1", "2024-03-10 09:00", "call", "D1", None),
            ("A2", "2024-03-31 23:59", "call", "D2", None),
            ("A3", "2024-04-01 00:00", "meeting", "D2", None),
        ]
    )
    opps = make_opps([])
    m = co.lead_milestones(leads, acts, opps, as_of="2024-03-31").set_index("lead_id")
    assert sorted(m.index) == ["D1", "D2"]
    assert m.loc["D1", "touched_at"] == T("2024-03-10 09:00")
    assert m.loc["D2", "touched_at"] == T("2024-03-31 23:59")
    assert pd.isna(m.loc["D2", "meeting_at"])
    ex = co.milestone_exclusions(leads, acts, opps, as_of="2024-03-31").set_index("rule")["count"]
    assert ex["leads_created_after_as_of"] == 1  # D3
    assert ex["activities_after_as_of_ignored"] == 1  # A3
    assert ex["activities_before_lead_created_ignored"] == 0  # A1 is the same day
    ft = co.follow_through(leads, acts, opps, as_of="2024-03-31")
    assert ft["cohort"].unique().tolist() == ["2024-03"]
    assert cells(ft, "touched", "2024-03") == [2]  # 2 of 2 leads at k=0


def test_lead_milestones_with_exclusions_is_both_tables(crm):
    milestones, exclusions = co.lead_milestones_with_exclusions(*crm, as_of=AS_OF)
    pd.testing.assert_frame_equal(milestones, co.lead_milestones(*crm, as_of=AS_OF))
    pd.testing.assert_frame_equal(exclusions, co.milestone_exclusions(*crm, as_of=AS_OF))
    assert sorted(milestones["lead_id"]) == ["L1", "L2", "L3", "L4", "L6"]


_WITH_MILESTONES = {
    "follow_through": lambda t, **kw: co.follow_through(*t, as_of=AS_OF, **kw),
    "follow_through_quarter_by_source": lambda t, **kw: co.follow_through(
        *t, as_of=AS_OF, grain="quarter", segment_by="source", min_cell_leads=2, **kw
    ),
    "time_to_event": lambda t, **kw: co.time_to_event(*t, as_of=AS_OF, **kw),
    "time_to_event_by_cohort": lambda t, **kw: co.time_to_event(
        *t, as_of=AS_OF, by="cohort", grain="month", events=("touched", "meeting"), **kw
    ),
    "time_to_event_summary": lambda t, **kw: co.time_to_event_summary(
        *t, as_of=AS_OF, horizon_days=30, **kw
    ),
    "period_vs_cohort": lambda t, **kw: co.period_vs_cohort(*t, as_of=AS_OF, **kw),
    "period_vs_cohort_by_owner": lambda t, **kw: co.period_vs_cohort(
        *t, as_of=AS_OF, grain="quarter", segment_by="owner_id", **kw
    ),
    "period_views": lambda t, **kw: co.period_views(*t, as_of=AS_OF, **kw),
    "period_views_by_source": lambda t, **kw: co.period_views(
        *t, as_of=AS_OF, segment_by="source", **kw
    ),
}


@pytest.mark.parametrize("name", list(_WITH_MILESTONES))
def test_precomputed_milestones_give_the_same_frame(crm, name):
    fn = _WITH_MILESTONES[name]
    milestones = co.lead_milestones(*crm, as_of=AS_OF)
    before = milestones.copy()
    expected = fn(crm)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(fn(crm, milestones=milestones), expected)
    # The tables are not read when milestones are given ...
    pd.testing.assert_frame_equal(fn((None, None, None), milestones=milestones), expected)
    # ... and the given table is not modified.
    pd.testing.assert_frame_equal(milestones, before)


def test_precomputed_milestones_are_used_not_recomputed(crm, cells):
    # Two meetings by hand: L1 (Feb 10, via O1) and L3 (Mar 2). Blank L3's in the
    # given table and only L1's is counted, so the table was used as given.
    milestones = co.lead_milestones(*crm, as_of=AS_OF)
    assert (
        co.period_vs_cohort(*crm, as_of=AS_OF).query("milestone == 'meeting'")["count"].sum() == 2
    )
    edited = milestones.assign(
        meeting_at=milestones["meeting_at"].where(milestones["lead_id"] != "L3")
    )
    pv = co.period_vs_cohort(*crm, as_of=AS_OF, milestones=edited)
    meetings = pv.loc[pv["milestone"] == "meeting"]
    assert meetings[["period", "cohort", "count"]].values.tolist() == [["2024-02", "2024-01", 1]]
    views = co.period_views(*crm, as_of=AS_OF, milestones=edited)
    assert views.loc[views["milestone"] == "meeting"].groupby("grain")["count"].sum().to_dict() == {
        "month": 1,
        "quarter": 1,
        "year": 1,
    }
    ft = co.follow_through(*crm, as_of=AS_OF, milestones=edited)
    assert cells(ft, "meeting", cohort="2024-02") == [0, 0]
    summary = co.time_to_event_summary(
        *crm, as_of=AS_OF, by="source", events=("meeting",), milestones=edited
    )
    assert summary.set_index("group")["events"].to_dict() == {"(blank)": 0, "event": 0, "web": 1}


def test_milestone_tables_are_named(crm):
    got = co.lead_milestones_with_exclusions(*crm, as_of=AS_OF)
    assert isinstance(got, co.MilestoneTables)
    assert got.milestones is got[0] and got.exclusions is got[1]
    assert got.exclusions["rule"].tolist()[:2] == [
        "leads_created_after_as_of",
        "leads_missing_created_at",
    ]


def test_wrong_argument_types_name_the_argument(crm):
    leads, acts, opps = crm
    with pytest.raises(TypeError, match="leads"):
        co.lead_milestones(crm, acts, opps, as_of=AS_OF)  # the tuple, not the leads table
    with pytest.raises(TypeError, match="activities"):
        co.lead_milestones(leads, None, opps, as_of=AS_OF)
    both = co.lead_milestones_with_exclusions(*crm, as_of=AS_OF)
    # passing the whole (milestones, exclusions) result instead of its milestones
    with pytest.raises(TypeError, match="milestones"):
        co.follow_through(None, None, None, as_of=AS_OF, milestones=both)
    with pytest.raises(ValueError, match="created_at"):
        co.lead_milestones(leads.drop(columns="created_at"), acts, opps, as_of=AS_OF)


def test_a_repeated_lead_id_is_its_first_row(make_leads, make_acts, make_opps):
    # An invalid table (validation refuses duplicate ids), still given one meaning: the
    # first row holding an id in scope stands for the lead, with that row's creation day,
    # and the later rows' converted opportunities count for it too.
    # L3's first row is created Jan 27: O0 (created Jan 15) is before it (ignored, counted),
    # O1 (Feb 1, on the second row) is its opportunity. A1 (Jan 20) on L3 is before Jan 27
    # although after the second row's Jan 6. The row without an id gets nothing.
    leads = make_leads(
        [
            (None, "2024-01-20", "web", "U1", None, "O0"),
            ("L3", "2024-01-27", "web", "U1", None, "O0"),
            ("L3", "2024-01-06", "web", "U1", None, "O1"),
        ]
    )
    acts = make_acts([("A1", "2024-01-20", "call", "L3", None)])
    opps = make_opps([("O0", "2024-01-15", None, False), ("O1", "2024-02-01", "2024-02-10", True)])
    m, ex = co.lead_milestones_with_exclusions(leads, acts, opps, as_of="2024-02-15")
    assert m["lead_id"].tolist()[1:] == ["L3", "L3"] and pd.isna(m["lead_id"].iloc[0])
    assert m["opportunity_at"].tolist()[1] == T("2024-02-01")
    assert m["won_at"].tolist()[1] == T("2024-02-10")
    assert m.loc[[0, 2], ["touched_at", "opportunity_at", "won_at"]].isna().all().all()
    assert pd.isna(m.loc[1, "touched_at"])
    counts = ex.set_index("rule")["count"]
    assert counts["opportunity_before_lead_created_ignored"] == 1  # O0 for L3's first row
    assert counts["activities_before_lead_created_ignored"] == 1  # A1


def test_milestone_events_and_long_events_by_hand():
    from workbook.analyses.cohort.milestones import long_events, milestone_events

    t = pd.Timestamp
    m = pd.DataFrame(
        {
            "created_at": [t("2024-01-01"), t("2024-01-02"), t("2024-01-03")],
            "touched_at": [t("2024-01-05"), pd.NaT, t("2024-01-04")],
            "meeting_at": [pd.NaT, t("2024-02-01"), pd.NaT],
            "opportunity_at": [pd.NaT, pd.NaT, pd.NaT],
            "won_at": [t("2024-03-01"), pd.NaT, pd.NaT],
        }
    )
    row, code, date = milestone_events(m)
    # funnel order (touched 0, meeting 1, opportunity 2, won 3), rows in order within each
    assert row.tolist() == [0, 2, 1, 0]
    assert code.tolist() == [0, 0, 1, 3]
    assert list(date) == [t("2024-01-05"), t("2024-01-04"), t("2024-02-01"), t("2024-03-01")]
    long = long_events(m)
    assert long["milestone"].tolist() == ["touched", "touched", "meeting", "won"]
    assert long["row"].tolist() == [0, 2, 1, 0]
    assert long.index.tolist() == [0, 1, 2, 3]

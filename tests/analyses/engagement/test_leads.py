"""Unit tests for workbook.analyses.engagement.leads.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.engagement import leads as ld
from workbook.core.links import lead_activities

AS_OF = pd.Timestamp("2024-03-31")


def test_stale_leads(hygiene_leads_fx, lead_activities_fx):
    got = ld.stale_leads(hygiene_leads_fx(), lead_activities_fx(), as_of=AS_OF, stale_days=14)
    # open: L1, L2, L3, L7, L9 (L5 is converted, L10 created after as_of)
    assert got["lead_id"].tolist() == ["L1", "L2", "L3", "L7", "L9"]
    # L1 last touch on as_of - 14 -> stale; L2 touched 03-18 -> not; L3 is 6 days old -> not yet
    assert got["stale"].tolist() == [True, False, False, True, True]
    assert got["age_days"].tolist() == [30, 30, 6, 212, 212]
    assert got["days_since_touch"].tolist()[:2] == [14.0, 13.0]


def test_handoff_not_worked_uses_links(hygiene_leads_fx, lead_activities_fx):
    got = ld.handoff_not_worked(hygiene_leads_fx(), lead_activities_fx(), as_of=AS_OF)
    # L1 handed off 03-10, touched 03-17 -> worked.
    # L2 handed off 03-20, only touch 03-18 (before) -> not worked, waiting 11 days.
    # L9 handed off 01-20, only touch 01-15 -> not worked, waiting 11 + 29 + 31 = 71 days.
    assert got["lead_id"].tolist() == ["L9", "L2"]
    assert got["days_waiting"].tolist() == [71.0, 11.0]
    assert ld.handed_off_count(hygiene_leads_fx(), as_of=AS_OF) == 3


def test_lead_effectiveness_by_owner(hygiene_leads_fx, lead_activities_fx):
    leads, acts = hygiene_leads_fx(), lead_activities_fx()
    stale = ld.stale_leads(leads, acts, as_of=AS_OF, stale_days=14)
    nw = ld.handoff_not_worked(leads, acts, as_of=AS_OF)
    got = ld.lead_effectiveness_by_owner(stale, nw)
    # u2: L7, L9 stale, L9 not worked (3); u1: L1 stale, L2 not worked (2); (none): L3 (0)
    assert got["owner_id"].tolist() == ["u2", "u1", "(none)"]
    assert got["open_leads"].tolist() == [2, 2, 1]
    assert got["stale_leads"].tolist() == [2, 1, 0]
    assert got["handed_off_not_worked"].tolist() == [1, 1, 0]
    assert got["stale_share"].tolist() == [1.0, 0.5, 0.0]


def test_last_touch_by_hand():
    # L1: T1 (03-17) and T5 (03-20, via its converted deal O1); T6 on 04-02 is after as_of.
    # L2: T2 (03-18) and a blank date (never a touch). L9 has its one touch T4 (01-15).
    leads = pd.DataFrame(
        {
            "lead_id": ["L9", "L1", "L2"],
            "converted_opportunity_id": [None, "O1", None],
        }
    )
    acts = pd.DataFrame(
        {
            "activity_id": ["T1", "T2", "T4", "T5", "T6", "T7"],
            "lead_id": ["L1", "L2", "L9", None, "L1", "L2"],
            "opportunity_id": [None, None, None, "O1", None, None],
            "occurred_at": pd.to_datetime(
                ["2024-03-17", "2024-03-18", "2024-01-15", "2024-03-20 09:00", "2024-04-02", None],
                format="ISO8601",
            ),
            "type": "call",
        }
    )
    opps = pd.DataFrame({"opportunity_id": ["O1"]})
    got = ld.last_touch(leads, acts, opps, as_of=AS_OF).sort_index()
    assert got.index.tolist() == ["L1", "L2", "L9"]
    assert (
        got.tolist()
        == pd.to_datetime(
            ["2024-03-20 09:00", "2024-03-18", "2024-01-15"], format="ISO8601"
        ).tolist()
    )
    # the same as the latest dated link of links.lead_activities on or before as_of
    links = lead_activities(leads, acts, opps)
    links = links.loc[links["occurred_at"] < pd.Timestamp("2024-04-01")]
    want = links.groupby("lead_id")["occurred_at"].max().astype("datetime64[ns]")
    pd.testing.assert_series_equal(got, want)


def test_lead_tables_are_the_same_on_every_engine(hygiene_leads_fx, lead_activities_fx, any_engine):
    """The last and first touches run by each backend give the same lead tables."""
    from workbook.analyses.engagement import hygiene as hy

    leads, acts = hygiene_leads_fx(), lead_activities_fx()
    pd.testing.assert_frame_equal(
        ld.stale_leads(leads, acts, as_of=AS_OF, engine=any_engine),
        ld.stale_leads(leads, acts, as_of=AS_OF),
    )
    pd.testing.assert_frame_equal(
        ld.handoff_not_worked(leads, acts, as_of=AS_OF, engine=any_engine),
        ld.handoff_not_worked(leads, acts, as_of=AS_OF),
    )
    pd.testing.assert_frame_equal(
        hy.archive_candidates(leads, acts, as_of=AS_OF, archive_after_days=30, engine=any_engine),
        hy.archive_candidates(leads, acts, as_of=AS_OF, archive_after_days=30),
    )
    # a repeated id (validation forbids it) is matched by id: both rows get the status
    repeated = pd.concat([leads, leads.iloc[[0]]], ignore_index=True)
    got = ld.handoff_not_worked(repeated, acts, as_of=AS_OF, engine=any_engine)
    once = ld.handoff_not_worked(leads, acts, as_of=AS_OF)
    first = leads["lead_id"].iloc[0]
    extra = int((once["lead_id"] == first).sum())
    assert len(got) == len(once) + extra * (1 + 1)  # each copy of the id matches both rows

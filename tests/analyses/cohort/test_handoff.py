"""Tests for workbook.analyses.cohort.handoff: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def test_handoff_followup_per_owner(crm):
    hf = co.handoff_followup(*crm, as_of=AS_OF, sla_days=2)
    assert list(hf.columns[:5]) == co.HANDOFF_FOLLOWUP_COLUMNS
    hf = hf.set_index("owner_id")
    # U1: L1 (1 day), L3 (exactly 2 days: inclusive) -> 2 of 2
    assert hf.loc["U1", ["handed_off", "followed_up"]].tolist() == [2, 2]
    assert hf.loc["U1", "median_days_to_first_touch"] == 1.5
    # U2: L6 touched after 55 days 10 hours, L4 untouched but SLA still open
    assert hf.loc["U2", ["handed_off", "followed_up", "sla_open"]].tolist() == [2, 0, 1]
    assert hf.loc["U2", "median_days_to_first_touch"] == pytest.approx(55 + 10 / 24)
    # L4's window (handed off 03-14 + 2 days) ends after as_of 03-15: pending,
    # in neither numerator nor denominator -> 2 of 3 due
    assert hf.loc["U2", ["pending", "due"]].tolist() == [1, 1]
    assert hf.loc[co.ALL_OWNERS, ["handed_off", "pending", "due", "followed_up"]].tolist() == [
        4,
        1,
        3,
        2,
    ]
    assert hf.loc[co.ALL_OWNERS, "rate"] == pytest.approx(2 / 3)
    assert hf.loc[co.ALL_OWNERS, "median_days_to_first_touch"] == 2.0
    lo, hi = proportion_confint(2, 3, method="wilson")
    assert hf.loc[co.ALL_OWNERS, "ci_low"] == pytest.approx(lo)
    assert hf.loc[co.ALL_OWNERS, "ci_high"] == pytest.approx(hi)


def test_handoff_sla_boundary_one_day(crm):
    # With a 1-day SLA, L3 (2 days) is no longer followed up.
    hf = co.handoff_followup(*crm, as_of=AS_OF, sla_days=1).set_index("owner_id")
    assert hf.loc["U1", "followed_up"] == 1


def test_handoff_followup_segmented(crm):
    hf = co.handoff_followup(*crm, as_of=AS_OF, segment_by="source")
    web = hf[hf["segment"] == "web"].set_index("owner_id")
    assert web.loc["U1", "handed_off"] == 1  # L1
    assert web.loc["U2", "handed_off"] == 1  # L6
    assert web.loc[co.ALL_OWNERS, "followed_up"] == 1


def test_not_followed_up(crm):
    nf = co.not_followed_up(*crm, as_of=AS_OF)
    assert list(nf.columns[:4]) == co.NOT_FOLLOWED_UP_COLUMNS
    # never-touched leads first (L4, nobody has worked it), then touched late (L6)
    assert nf["lead_id"].tolist() == ["L4", "L6"]
    assert nf["days_waiting"].tolist() == [1.0, 55.0]  # Mar 14 -> Mar 15; Jan 20 -> Mar 15
    assert nf["sla_open"].tolist() == [True, False]
    # L6: handed off Jan 20 00:00, first touch Mar 15 10:00 = 55 days 10 hours
    assert np.isnan(nf.loc[0, "days_to_first_touch"])
    assert nf.loc[1, "days_to_first_touch"] == pytest.approx(55 + 10 / 24)


def test_not_followed_up_never_touched_before_touched_late(make_leads, make_acts, make_opps):
    # as_of Mar 31. H1 handed off Jan 1, touched Feb 1 (late): waiting 90 days.
    # H2 handed off Mar 1, never touched: waiting 30 days, but listed first.
    # H3 handed off Feb 1, never touched: waiting 59 days (Feb 1 -> Mar 31, leap year).
    leads = make_leads(
        [
            ("H1", "2024-01-01", "web", "U1", "2024-01-01", None),
            ("H2", "2024-03-01", "event", "U1", "2024-03-01", None),
            ("H3", "2024-02-01", "web", "U2", "2024-02-01", None),
        ]
    )
    acts = make_acts([("A1", "2024-02-01", "call", "H1", None)])
    nf = co.not_followed_up(leads, acts, make_opps([]), as_of="2024-03-31", segment_by="source")
    assert nf["lead_id"].tolist() == ["H3", "H2", "H1"]
    assert nf["days_waiting"].tolist() == [59.0, 30.0, 90.0]
    assert nf["segment"].tolist() == ["web", "event", "web"]
    assert nf["days_to_first_touch"].iloc[2] == 31.0


def test_handoff_tables_equal_the_separate_functions(crm):
    got = co.handoff_tables(*crm, as_of=AS_OF, sla_days=2, segment_by="source")
    assert isinstance(got, co.HandoffTables)
    want = co.handoff_followup(*crm, as_of=AS_OF, sla_days=2, segment_by="source")
    pd.testing.assert_frame_equal(got.followup, want)
    want = co.not_followed_up(*crm, as_of=AS_OF, sla_days=2, segment_by="source")
    pd.testing.assert_frame_equal(got.not_followed_up, want)
    # status is the shared lead_handoff_status, untouched (owners not relabelled)
    from workbook.core.links import lead_handoff_status

    shared = lead_handoff_status(*crm, as_of=AS_OF, sla_days=2)
    pd.testing.assert_frame_equal(got.status.drop(columns="pending"), shared)
    assert got.status.set_index("lead_id")["pending"].to_dict() == {
        "L1": False,
        "L3": False,
        "L4": True,  # due 2024-03-16, after the as_of day
        "L6": False,
    }
    assert sorted(got.status["lead_id"]) == ["L1", "L3", "L4", "L6"]


def test_handoff_wrong_type(crm):
    with pytest.raises(TypeError, match="leads"):
        co.handoff_followup(crm, None, as_of=AS_OF)

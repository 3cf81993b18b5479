"""Tests for workbook.analyses.cohort.time_to_event: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def test_time_to_event_kaplan_meier(crm):
    km = co.time_to_event(*crm, as_of=AS_OF, by="source", events=("opportunity",))
    web = km[km["group"] == "web"]
    # web: L1 event at 5 days, L6 event at 50 days, L2 censored at 65 days.
    assert web["days"].tolist() == [5.0, 50.0]
    assert web["surv_prob"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert web["n_risk"].tolist() == [3, 2]
    assert (web["leads"] == 3).all()
    assert (web["max_days"] == 65.0).all()
    assert km[km["group"] == "event"].empty  # no opportunity among event leads


def test_time_to_event_summary(crm):
    s = co.time_to_event_summary(
        *crm, as_of=AS_OF, by="source", events=("opportunity",), horizon_days=30
    ).set_index("group")
    assert s.loc["web", ["leads", "events", "not_reached"]].tolist() == [3, 2, 1]
    assert s.loc["web", "median_days"] == 50.0  # first time S < 0.5
    assert s.loc["web", "reached_by_horizon"] == pytest.approx(1 / 3)
    assert s.loc["event", "events"] == 0
    assert np.isnan(s.loc["event", "median_days"])
    # event leads followed up 29 days (L3) and 14 days (L4): horizon 30 not observed
    assert np.isnan(s.loc["event", "reached_by_horizon"])


def test_time_to_event_by_cohort(crm):
    km = co.time_to_event(*crm, as_of=AS_OF, by="cohort", grain="quarter", events=("won",))
    assert km["group"].unique().tolist() == ["2024Q1"]
    # won: L1 at 30 days (Jan 31 -> Mar 1). Censored: L3 at 29 days and L4 at 14
    # days leave the risk set first, so 3 are at risk (L1, L6 at 55, L2 at 65).
    assert km["days"].tolist() == [30.0]
    assert km["n_risk"].tolist() == [3]
    assert km["surv_prob"].tolist() == pytest.approx([2 / 3])


def test_kaplan_meier_is_both_tables(crm):
    kw = dict(as_of=AS_OF, by="source", events=("opportunity",), horizon_days=30)
    got = co.kaplan_meier(*crm, **kw)
    assert isinstance(got, co.KaplanMeier)
    pd.testing.assert_frame_equal(got.summary, co.time_to_event_summary(*crm, **kw))
    kw.pop("horizon_days")  # the curves do not depend on the horizon
    pd.testing.assert_frame_equal(got.curves, co.time_to_event(*crm, **kw))
    with pytest.raises(ValueError, match="signed"):
        co.kaplan_meier(*crm, as_of=AS_OF, events=("signed",))

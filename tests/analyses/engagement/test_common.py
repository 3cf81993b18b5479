"""Unit tests for workbook.analyses.engagement.common (open at as_of).

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import effectiveness as oe
from workbook.analyses.engagement import levels as lvl

AS_OF = pd.Timestamp("2024-03-31")


def test_open_means_open_at_as_of(effectiveness_fx):
    # Run with an as_of before the export: a deal closed after as_of was still open at
    # as_of, so it is listed (and counted in open pipeline). Its recorded probability is
    # the post-close 100, not the rep's forecast at as_of, so it is blanked (never
    # flagged). A deal marked closed with no close date cannot be placed in time; it is
    # taken as closed.
    opps, acts = effectiveness_fx()
    extra = opps.iloc[[3, 3]].assign(
        opportunity_id=["LATE", "NODATE"],
        stage=["Closed Won", "Closed Lost"],
        is_closed=pd.array([True, True], dtype="boolean"),
        is_won=pd.array([True, False], dtype="boolean"),
        close_date=[pd.Timestamp("2024-04-10"), pd.NaT],
        amount=[400.0, 70.0],
        probability=[100.0, 0.0],
    )
    opps = pd.concat([opps, extra], ignore_index=True)
    got = oe.opportunity_effectiveness(opps, acts, as_of=AS_OF, stale_days=14)
    assert got["opportunity_id"].tolist() == ["LATE", "P1", "P2", "P3"]
    late = got.iloc[0]
    # created 03-01 like P1, no activity: 30 days old, stale, close date 04-10 not passed
    assert (late["age_days"], bool(late["stale"]), bool(late["close_date_passed"])) == (
        30,
        True,
        False,
    )
    assert np.isnan(late["probability"])
    assert got["probability"].tolist()[1:] == [90.0, 10.0, 50.0]
    acc = pd.DataFrame({"account_id": ["A1"], "name": ["a"], "owner_id": ["u1"]})
    pipe = lvl.open_pipeline(acc, opps, as_of=AS_OF)
    # P1 1000 + P2 200 + P3 300 + LATE 400; NODATE and the closed W1-W3, LOST are out
    assert (pipe["open_pipeline"].tolist(), pipe["open_opportunities"].tolist()) == (
        [1900.0],
        [4],
    )

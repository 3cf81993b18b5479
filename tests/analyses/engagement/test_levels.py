"""Unit tests for workbook.analyses.engagement.levels.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses.engagement import levels as lvl

AS_OF = pd.Timestamp("2024-03-31")


def test_high_threshold_is_ceil_of_linear_p75_of_positive_counts():
    # positive [1, 1, 1, 4]: position 0.75 * 3 = 2.25 -> 1 + 0.25 * 3 = 1.75 -> 2
    assert lvl.high_threshold([4, 1, 1, 1, 0]) == 2
    # positive [1, 2, 3, 4]: 2.25 -> 3 + 0.25 = 3.25 -> 4
    assert lvl.high_threshold([0, 1, 2, 3, 4]) == 4
    # an exact integer percentile is not bumped: [2, 2, 2, 2] -> 2
    assert lvl.high_threshold([2, 2, 2, 2]) == 2
    assert lvl.high_threshold([0, 0]) is None


def test_engagement_levels_default_threshold(tables_fx):
    acc, act, opp, lead = tables_fx()
    got = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert got.columns.tolist() == lvl.LEVEL_COLUMNS
    assert got.columns[:7].tolist() == lvl.ACCOUNT_EXPORT_COLUMNS
    # counts [4, 1, 1, 1, 0], threshold 2
    assert got.attrs["high_min_records"] == 2
    assert got["level"].astype(str).tolist() == ["high", "medium", "medium", "medium", "dormant"]
    assert got["window_days"].tolist() == [10] * 5
    # open pipeline: O1 100 for A1, O2 500 for A2, O4 300 for A5; O3 is closed
    assert got["open_pipeline"].tolist() == [100.0, 500.0, 0.0, 0.0, 300.0]
    assert got["name"].tolist()[0] == "Dogs <3 Inc"


def test_open_pipeline_ignores_deals_created_after_as_of(opportunities_fx, tables_fx):
    acc, act, opp, lead = tables_fx()
    # O9 is open but created on 2024-04-02, after as_of (2024-03-31): at as_of it did not
    # exist, so A3's open pipeline stays 0 (only its closed O3), as in opportunity
    # effectiveness, which also lists only deals created on or before as_of.
    late = (
        opportunities_fx()
        .iloc[[0]]
        .assign(
            opportunity_id="O9",
            account_id="A3",
            created_at=pd.Timestamp("2024-04-02"),
            amount=700.0,
        )
    )
    opp = pd.concat([opp, late], ignore_index=True)
    got = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert got["open_pipeline"].tolist() == [100.0, 500.0, 0.0, 0.0, 300.0]
    assert got["open_opportunities"].tolist() == [1, 1, 0, 0, 1]
    # created on the as_of day itself: it counts
    opp.loc[opp["opportunity_id"] == "O9", "created_at"] = pd.Timestamp("2024-03-31 16:00")
    got = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert got["open_pipeline"].tolist() == [100.0, 500.0, 700.0, 0.0, 300.0]


def test_engagement_levels_explicit_threshold(tables_fx):
    acc, act, opp, lead = tables_fx()
    got = lvl.engagement_levels(
        acc, act, opp, lead, as_of=AS_OF, window_days=10, high_min_records=1
    )
    assert got["level"].astype(str).tolist() == ["high", "high", "high", "high", "dormant"]
    got = lvl.engagement_levels(
        acc, act, opp, lead, as_of=AS_OF, window_days=10, high_min_records=5
    )
    assert got["level"].astype(str).tolist() == ["medium"] * 4 + ["dormant"]


def test_levels_by_owner_and_industry(tables_fx):
    acc, act, opp, lead = tables_fx()
    levels = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    by_owner = lvl.levels_by(levels, by="owner_id")
    # u2: A3 medium, A4 medium, A5 dormant; u1: A1 high, A2 medium
    assert by_owner["owner_id"].tolist() == ["u2", "u1"]
    assert by_owner[["dormant", "medium", "high", "accounts"]].to_numpy().tolist() == [
        [1, 2, 0, 3],
        [0, 1, 1, 2],
    ]
    assert by_owner["dormant_share"].tolist() == pytest.approx([1 / 3, 0.0])
    assert by_owner["open_pipeline"].tolist() == [300.0, 600.0]
    by_ind = lvl.levels_by(levels, by="industry")
    # Retail: A2 medium, A5 dormant; Tech: A1 high, A3 medium; (none): A4 medium
    assert by_ind["industry"].tolist() == ["Retail", "Tech", "(none)"]
    assert by_ind["accounts"].tolist() == [2, 2, 1]
    counts = lvl.level_counts(levels)
    assert counts["level"].astype(str).tolist() == ["dormant", "medium", "high"]
    assert counts["accounts"].tolist() == [1, 3, 1]


def test_window_sensitivity(tables_fx):
    acc, act, opp, lead = tables_fx()
    got = lvl.window_sensitivity(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    # 0.5x = 5 days (from 03-27): A3 (X4 on 03-22) and A5 dormant -> 2
    # 1x = 10 days: A5 -> 1; 2x = 20 days (from 03-12): X7 on 03-15 wakes A5 -> 0
    assert got["window_days"].tolist() == [5, 10, 20]
    assert got["dormant"].tolist() == [2, 1, 0]
    assert got["dormant_share"].tolist() == pytest.approx([0.4, 0.2, 0.0])
    # 0.5 x 7 = 3.5 -> 4 (half-up)
    assert lvl.window_sensitivity(acc, act, opp, lead, as_of=AS_OF, window_days=7)[
        "window_days"
    ].tolist() == [4, 7, 14]
    # counts already made for a window are used as given, the others counted
    levels = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    known = {10: levels["recent_records"]}
    kept = lvl.window_sensitivity(acc, act, opp, lead, as_of=AS_OF, window_days=10, known=known)
    pd.testing.assert_frame_equal(kept, got)
    # (a made-up count for the 10-day window: every account dormant)
    zeros = {10: levels["recent_records"] * 0}
    made_up = lvl.window_sensitivity(acc, act, opp, lead, as_of=AS_OF, window_days=10, known=zeros)
    assert made_up["dormant"].tolist() == [2, 5, 0]


def test_at_risk_dormant_with_open_pipeline_sorted_by_amount(opportunities_fx, tables_fx):
    acc, act, opp, lead = tables_fx()
    # a second dormant account with a larger open deal
    acc = pd.concat(
        [acc, pd.DataFrame({"account_id": ["A6"], "name": ["Foxtrot"], "owner_id": ["u1"]})],
        ignore_index=True,
    )
    opp = pd.concat(
        [
            opp,
            opportunities_fx().iloc[[3]].assign(opportunity_id="O6", account_id="A6", amount=900.0),
        ],
        ignore_index=True,
    )
    levels = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    got = lvl.at_risk(levels)
    assert got["account_id"].tolist() == ["A6", "A5"]
    assert got["open_pipeline"].tolist() == [900.0, 300.0]
    assert lvl.at_risk(levels, top_n=1)["account_id"].tolist() == ["A6"]

"""Unit tests for workbook.analyses.engagement.effectiveness.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.engagement import benchmark
from workbook.analyses.engagement import effectiveness as oe

AS_OF = pd.Timestamp("2024-03-31")


def test_opportunity_effectiveness_flags(effectiveness_fx):
    opps, acts = effectiveness_fx()
    got = oe.opportunity_effectiveness(
        opps, acts, as_of=AS_OF, stale_days=14, min_benchmark_deals=2
    )
    assert got.columns.tolist() == oe.EFFECTIVENESS_COLUMNS
    assert got["opportunity_id"].tolist() == ["P1", "P2", "P3"]
    # ages: P1 03-01 -> 30; P2 03-21 -> 10; P3 02-01 -> 59
    assert got["age_days"].tolist() == [30, 10, 59]
    assert got["activities"].tolist() == [2, 0, 6]
    assert got["meetings"].tolist() == [0, 0, 1]
    # P1's last touch 03-17 = as_of - 14: outside the stale window -> stale.
    # P2 has no activity but is 10 days old (< 14): not stale yet.
    # P3's meeting on 03-18 is the first day inside.
    assert got["stale"].tolist() == [True, False, False]
    assert got["days_since_activity"].tolist()[0] == 14.0
    assert np.isnan(got["days_since_activity"].tolist()[1])
    # rates: P1 2/30*30 = 2; P2 0; P3 6/59*30 = 3.05
    assert got["activity_rate_30d"].tolist() == pytest.approx([2.0, 0.0, 180 / 59])
    # age-matched benchmark (test_benchmark.py derives it): P1 (30 days, 2 activities) against
    # W1 (3) and W3 (6): percentile 0 of 2; P2 (10 days, 0) against W1 3, W2 1, W3 6: 0 of 3;
    # P3 (59 days): no won deal lived that long
    assert got["benchmark_deals"].tolist() == [2, 3, 0]
    assert got["benchmark_percentile"].tolist()[:2] == [0.0, 0.0]
    assert np.isnan(got["benchmark_percentile"].iloc[2])
    assert got["below_benchmark"].tolist() == [True, True, False]
    # P2 close 03-30 < as_of: passed by 1 day; P3 closes on as_of: not passed
    assert got["close_date_passed"].tolist() == [False, True, False]
    assert got["days_overdue"].tolist() == [0, 1, 0]
    # the pipeline's shared activity offsets give the same table; other tables are refused
    offsets = benchmark._Offsets(opps, acts, as_of=AS_OF)
    shared = oe.opportunity_effectiveness(
        opps, acts, as_of=AS_OF, stale_days=14, min_benchmark_deals=2, offsets=offsets
    )
    pd.testing.assert_frame_equal(shared, got)
    with pytest.raises(ValueError, match="other tables or another as_of"):
        oe.opportunity_effectiveness(opps, acts.copy(), as_of=AS_OF, offsets=offsets)


def test_effectiveness_by_owner_and_stage(effectiveness_fx):
    opps, acts = effectiveness_fx()
    eff = oe.opportunity_effectiveness(
        opps, acts, as_of=AS_OF, stale_days=14, min_benchmark_deals=2
    )
    by_owner = oe.effectiveness_by(eff, by="owner_id")
    # u2: P2 and P3; u1: P1
    assert by_owner["owner_id"].tolist() == ["u2", "u1"]
    assert by_owner["open_opportunities"].tolist() == [2, 1]
    assert by_owner["stale"].tolist() == [0, 1]
    assert by_owner["below_benchmark"].tolist() == [1, 1]
    assert by_owner["close_date_passed"].tolist() == [1, 0]
    assert by_owner["open_amount"].tolist() == [500.0, 1000.0]
    by_stage = oe.effectiveness_by(eff, by="stage")
    assert by_stage["stage"].tolist() == ["Proposal", "Discovery"]
    assert by_stage["stale_share"].tolist() == [0.5, 0.0]


def test_activity_stats_by_hand_by_position_and_by_merge():
    acts = pd.DataFrame(
        {
            "opportunity_id": pd.Series(["D1", "D1", "D2", None, "DX", "D1", "D2"], dtype="string"),
            "occurred_at": pd.to_datetime(
                [
                    "2024-03-01",
                    "2024-03-05",
                    "2024-03-02",
                    "2024-03-01",
                    "2024-03-01",
                    None,
                    "2024-03-20",
                ]
            ),  # fmt: skip
            "type": pd.Series(
                [" Meeting", "call", None, "meeting", "meeting", "meeting", "MEETING"],
                dtype="string",
            ),  # fmt: skip
        }
    )
    opps = pd.DataFrame({"opportunity_id": pd.Series(["D1", "D2", "D3"], dtype="string")})
    end = pd.to_datetime(["2024-04-01", "2024-03-10", "2024-04-01"]).to_numpy()
    got = oe.opp_activity_stats(acts, opps, end)
    # D1: 03-01 (meeting, trimmed) and 03-05; its blank-dated one is no activity
    # D2: 03-02 (blank type) before its end 03-10, not 03-20; D3: none; DX and no deal ignored
    assert got["activities"].tolist() == [2, 1, 0]
    assert got["meetings"].tolist() == [1, 0, 0]
    assert got["last_activity_at"].tolist()[:2] == [
        pd.Timestamp("2024-03-05"),
        pd.Timestamp("2024-03-02"),
    ]
    assert pd.isna(got["last_activity_at"].iloc[2])
    # repeated deal ids take the merge on the id: each D1 row then counts the activities of
    # both D1 rows (2 + 2), as the merge always did; the other deals as above
    twice = pd.concat([opps, opps.iloc[[0]]], ignore_index=True)
    merged = oe.opp_activity_stats(acts, twice, np.append(end, end[0]))
    assert merged["activities"].tolist() == [4, 1, 0, 4]
    pd.testing.assert_frame_equal(merged.iloc[1:3], got.iloc[1:3])

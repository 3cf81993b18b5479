"""Tests for workbook.analyses.scoring.capacity: inflow by complete month, p_over_capacity, the recommendation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring


def test_p_over_capacity_poisson_by_hand():
    counts = [10, 12, 8, 11, 9, 10]
    # mean 10; deviations 0 2 -2 1 -1 0 -> s² = 10 / 5 = 2 <= 10: Poisson(10)
    p, m, s2, dist = scoring.p_over_capacity(counts, 12.7)  # floor(12.7) = 12
    by_hand = 1 - sum(math.exp(-10) * 10**k / math.factorial(k) for k in range(13))
    assert (m, s2, dist) == (10, 2, "poisson")
    assert p == pytest.approx(by_hand, rel=1e-12)  # 0.2084...


def test_p_over_capacity_overdispersed_by_hand():
    counts = [5, 15, 10, 20, 0, 10]
    # mean 10; deviations -5 5 0 10 -10 0 -> s² = 250 / 5 = 50 > 10:
    # negative binomial r = 10² / (50 - 10) = 2.5, success probability r / (r + m) = 0.2
    p, m, s2, dist = scoring.p_over_capacity(counts, 12)
    r, q = 2.5, 0.2

    def pmf(k):
        return math.exp(
            math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1)
            + r * math.log(q) + k * math.log(1 - q)
        )  # fmt: skip

    assert (m, s2, dist) == (10, 50, "negative binomial")
    assert p == pytest.approx(1 - sum(pmf(k) for k in range(13)), rel=1e-10)
    # overdispersion fattens the tail: more risk than a Poisson with the same mean
    assert p > scoring.p_over_capacity([10] * 6, 12)[0]


def test_complete_months_include_the_as_of_month_only_when_it_ends():
    assert [str(m) for m in scoring.complete_months("2024-06-30", 2)] == ["2024-05", "2024-06"]
    assert [str(m) for m in scoring.complete_months("2024-06-29", 2)] == ["2024-04", "2024-05"]


def test_inflow_counts_every_scored_lead_and_empty_months_count_zero(outcomes):
    out, _ = outcomes
    months = scoring.capacity_months_table(out, thresholds=[60, 80], as_of="2024-06-30",
                                           capacity_months=6)  # fmt: skip
    # months 2024-01 .. 2024-06; leads there: L20 (01-02, 70), L21 (01-03, 70, not
    # matured: still counted), L22 (03-01, 85); no lead in 02, 04, 05, 06
    got = months.pivot(index="month", columns="threshold", values="count")
    assert got[60.0].tolist() == [2, 0, 1, 0, 0, 0]
    assert got[80.0].tolist() == [0, 0, 1, 0, 0, 0]
    cap = scoring.capacity_table(months, capacity_per_month=0).set_index("threshold")
    assert cap.loc[60.0, "monthly_volume"] == pytest.approx(0.5)


def test_planted_inflow_above_capacity_moves_the_recommendation_up(planted_crm):
    # 200 uniform 0-100 scores a month: the true inflow at >= 60 is 200 * 41 / 101 = 81 a month,
    # twice the capacity of 40; the recommendation must move above 60, to a threshold
    # whose true inflow is below 40 (t >= 81: 200 * 20 / 101 = 39.6).
    res = scoring.run(planted_crm, n_boot=20, backtest_months=[3])
    cap = res.capacity.set_index("threshold")
    assert cap.loc[60.0, "p_over_capacity"] > 0.99
    assert res.recommended_threshold > 60
    assert 200 * (101 - res.recommended_threshold) / 101 < 40
    assert cap.loc[res.recommended_threshold, "p_over_capacity"] <= 0.10
    # every lower grid threshold has more than 10% risk
    lower = cap.loc[cap.index < res.recommended_threshold, "p_over_capacity"]
    assert (lower > 0.10).all()


def test_ample_capacity_recommends_the_lowest_threshold_and_none_fits_says_so(planted_crm):
    ample = scoring.run(planted_crm, n_boot=20, backtest_months=[3], capacity_per_month=10_000)
    assert ample.recommended_threshold == ample.grid[0]
    none = scoring.run(planted_crm, n_boot=20, backtest_months=[3], capacity_per_month=0,
                       thresholds=[0, 50])  # fmt: skip
    assert np.isnan(none.recommended_threshold)
    assert "No recommendation: no threshold on the grid" in none.figures["tradeoff_sentence"]
    assert none.figures["recommended_threshold"] is None


def test_recommend_threshold_is_inclusive():
    cap = pd.DataFrame({"threshold": [50.0, 60.0, 70.0], "p_over_capacity": [0.5, 0.10, 0.01]})
    assert scoring.recommend_threshold(cap, overflow_risk=0.10) == 60.0
    assert np.isnan(scoring.recommend_threshold(cap, overflow_risk=0.001))


def test_a_threshold_no_lead_reached_is_never_recommended():
    # 60 and 70 overflow; 80 "fits" only because no lead reached it: not a hand-off rule
    cap = pd.DataFrame(
        {
            "threshold": [60.0, 70.0, 80.0],
            "monthly_volume": [90.0, 45.0, 0.0],
            "p_over_capacity": [1.0, 0.6, 0.0],
        }
    )
    assert np.isnan(scoring.recommend_threshold(cap, overflow_risk=0.10))
    assert scoring.capacity.top_reached_threshold(cap) == (70.0, 45.0)
    cap.loc[1, "p_over_capacity"] = 0.05  # 70 now fits, and leads reach it
    assert scoring.recommend_threshold(cap, overflow_risk=0.10) == 70.0


def test_capacity_below_every_threshold_that_sends_leads_says_so(planted_crm):
    # 200 uniform 0-100 scores a month; a grid threshold of 150 is above every score, so it
    # never overflows a capacity of 1 a month, and sends nobody: no recommendation
    res = scoring.run(
        planted_crm, n_boot=20, backtest_months=[3], capacity_per_month=1, thresholds=[0, 50, 100, 150]
    )
    assert np.isnan(res.recommended_threshold)
    reason = res.figures["recommendation_reason"]
    assert "while still sending leads: even at 100" in reason
    assert "No recommendation" in res.figures["tradeoff_sentence"]

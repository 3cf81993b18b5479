"""Tests for workbook.analyses.cohort.compare: noise before names, trend over cohorts.

Planted-signal and no-signal fixtures: binomial cohorts drawn with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from workbook.analyses import cohort as co


def _cohorts(rates, n, seed):
    rng = np.random.default_rng(seed)
    rates = np.asarray(rates, dtype=float)
    labels = pd.period_range("2024-01", periods=len(rates), freq="M").astype(str)
    return pd.DataFrame({"cohort": labels, "leads": n, "reached": rng.binomial(n, rates)})


def test_twenty_equal_rate_cohorts_name_nobody():
    ea = _cohorts(np.full(20, 0.2), 200, seed=1)
    res = co.cohort_comparison(ea, min_cell_leads=20)
    p = chi2_contingency(
        np.column_stack([ea["reached"], ea["leads"] - ea["reached"]]), correction=False
    )[1]
    assert res.extremes.test.p_value == pytest.approx(p)
    assert p >= 0.05
    assert res.extremes.best == [] and res.extremes.worst == []
    assert not res.table["named"].any()
    assert res.sentence.startswith("Differences between cohorts are within noise (p = ")
    # the trend of a flat series is not significant and its CI contains 0
    assert res.trend.ci_low < 0 < res.trend.ci_high
    # the funnel has one row per cohort and limits that widen as cohorts shrink
    assert len(res.table) == 20
    assert res.funnel["upper_998"].is_monotonic_decreasing or (
        res.funnel["upper_998"].iloc[0] >= res.funnel["upper_998"].iloc[-1]
    )


def test_a_planted_outlier_cohort_is_named():
    rates = np.full(20, 0.2)
    rates[7] = 0.45
    ea = _cohorts(rates, 200, seed=2)
    res = co.cohort_comparison(ea, min_cell_leads=20)
    assert res.extremes.test.p_value < 0.05
    assert res.extremes.best == ["2024-08"]
    assert "2024-08" in res.sentence and "above the 99.8% funnel limit" in res.sentence


def test_a_planted_trend_is_detected_with_its_slope_in_the_ci():
    slope = 0.04  # log-odds per cohort
    logit = -1.5 + slope * np.arange(20)
    ea = _cohorts(1 / (1 + np.exp(-logit)), 400, seed=3)
    trend = co.cohort_comparison(ea).trend
    assert trend.p_value < 0.05
    assert trend.ci_low <= slope <= trend.ci_high
    assert trend.slope > 0 and trend.points_per_step > 0


def test_trend_needs_three_groups():
    t = co.trend_test([1, 2], [10, 10])
    assert np.isnan(t.slope) and t.n_groups == 2


def test_owner_named_only_outside_the_funnel_by_name():
    # 10 owners at 85% and one planted at 50%: named, by name, not by id
    rng = np.random.default_rng(4)
    due = np.full(11, 150)
    rate = np.r_[np.full(10, 0.85), 0.5]
    followup = pd.DataFrame(
        {
            "owner_id": [f"U{i:02d}" for i in range(11)],
            "due": due,
            "followed_up": rng.binomial(due, rate),
            "level": "owner",
        }
    )
    names = {f"U{i:02d}": f"Rep {chr(65 + i)}" for i in range(11)}
    ex = co.owner_comparison(followup, names=names, min_trials=20)
    assert ex.worst == ["U10"]
    assert "Rep K" in ex.sentence and "U10" not in ex.sentence
    # the same rates without the planted owner: nobody named
    flat = followup.iloc[:10]
    ex = co.owner_comparison(flat, names=names, min_trials=20)
    assert ex.worst == [] and ex.best == []

"""Tests for workbook.analyses.scoring.thresholds: the threshold sweep, the recommendation and the comparison, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbook.analyses import scoring


def test_sweep_hand_numbers(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, thresholds=[80, 50, 60])
    assert list(sweep.columns[:7]) == [
        "threshold",
        "handed_off",
        "wins",
        "win_rate",
        "share_of_wins",
        "lift",
        "handed_off_per_month",
    ]
    s = sweep.set_index("threshold")
    assert list(s.index) == [50, 60, 80]
    assert s.loc[60, "handed_off"] == 6  # ties at 60 (one won, one lost) are handed off
    assert s.loc[60, "wins"] == 3
    assert s.loc[60, "win_rate"] == pytest.approx(0.5)
    assert s.loc[60, "share_of_wins"] == pytest.approx(0.75)
    assert s.loc[60, "lift"] == pytest.approx(1.5)
    assert s.loc[60, "handed_off_per_month"] == pytest.approx(6 / 8)
    assert (s.loc[50, "handed_off"], s.loc[50, "wins"]) == (8, 4)
    assert s.loc[50, "share_of_wins"] == pytest.approx(1.0)
    assert (s.loc[80, "handed_off"], s.loc[80, "wins"]) == (3, 2)
    assert s.loc[80, "win_rate"] == pytest.approx(2 / 3)
    assert s.loc[80, "lift"] == pytest.approx(2.0)
    assert s.loc[80, "handed_off_per_month"] == pytest.approx(3 / 8)
    assert (s["months"] == 8).all()


def test_default_grid(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, step=5)
    assert sweep["threshold"].tolist() == list(range(20, 95, 5))
    first, last = sweep.iloc[0], sweep.iloc[-1]
    assert (first["handed_off"], first["wins"]) == (12, 4)
    assert first["lift"] == pytest.approx(1.0)
    assert (last["threshold"], last["handed_off"], last["wins"]) == (90, 1, 1)


def test_calendar_months_boundaries():
    assert scoring.calendar_months(pd.Series(pd.to_datetime(["2024-01-31", "2024-02-01"]))) == 2
    assert scoring.calendar_months(pd.Series(pd.to_datetime(["2024-03-01", "2024-03-31"]))) == 1
    assert scoring.calendar_months(pd.Series(pd.to_datetime(["2023-12-15", "2025-01-01"]))) == 14
    assert scoring.calendar_months(pd.Series([], dtype="datetime64[ns]")) == 0


def test_recommend_threshold_is_lowest_fitting_grid_point(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, step=5)
    # per month: t=60 -> 6/8 = 0.75, t=65 -> 4/8 = 0.5 (90, 80, 80, 75), t=80 -> 0.375
    assert scoring.recommend_threshold(sweep, capacity_per_month=0.5) == 65  # <= is inclusive
    assert scoring.recommend_threshold(sweep, capacity_per_month=0.49) == 80
    assert scoring.recommend_threshold(sweep, capacity_per_month=100) == 20
    assert math.isnan(scoring.recommend_threshold(sweep, capacity_per_month=0.1))


def test_threshold_comparison_and_sentence(outcomes):
    out, _ = outcomes
    comp = scoring.threshold_comparison(
        out, thresholds={"current": 60, "recommended": 65}, n_boot=200, seed=0
    )
    c = comp.set_index("label")
    assert (c.loc["current", "handed_off"], c.loc["current", "wins"]) == (6, 3)
    assert c.loc["current", "share_of_wins"] == pytest.approx(0.75)
    assert (c.loc["recommended", "handed_off"], c.loc["recommended", "wins"]) == (4, 2)
    assert c.loc["recommended", "handed_off_per_month"] == pytest.approx(0.5)
    for label in ("current", "recommended"):
        row = c.loc[label]
        assert row["win_rate_ci_low"] <= row["win_rate"] <= row["win_rate_ci_high"]
        assert row["share_of_wins_ci_low"] <= row["share_of_wins"] <= row["share_of_wins_ci_high"]
    sentence = scoring.tradeoff_sentence(comp, capacity_per_month=0.5)
    assert sentence == (
        "At 60 you hand off 0.8 leads a month and win 50%; at 65 you would hand off 0.5 "
        "(fits capacity 0.5) and win 50%, keeping 50% of wins."
    )

"""Tests for workbook.analyses.scoring.thresholds: the grid, the sweep on matured leads, the band given up."""

from __future__ import annotations

import numpy as np
import pytest

from workbook.analyses import scoring


@pytest.mark.parametrize(
    ("lo", "hi", "step", "n"),
    [
        (0, 100, 5, 21),  # 0, 5, ..., 100
        (0, 2300, 100, 24),  # issue 17: a 0-2,300 score got the grid 0, 100
        (0, 1, 0.05, 21),
        (-5, 140, 5, 30),  # the bundled sample's observed range
        (3, 97, 5, 20),  # 0, 5, ..., 95
    ],
)
def test_default_grid_takes_round_steps_giving_15_to_30_thresholds(lo, hi, step, n):
    assert scoring.round_step(lo, hi) == pytest.approx(step)
    grid = scoring.default_thresholds([lo, hi])
    assert len(grid) == n and 15 <= n <= 30
    assert np.allclose(np.diff(grid), step)
    assert grid[0] <= lo < grid[0] + step and grid[-1] <= hi


def test_score_range_overrides_the_observed_scores():
    grid = scoring.default_thresholds([400, 900], score_range=(0, 2300))
    assert (grid[0], grid[-1], len(grid)) == (0, 2300, 24)
    assert scoring.default_bands([400, 900], score_range=(0, 2300)) == (0, 230)


def test_sweep_by_hand_with_ties(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, thresholds=[60, 65]).set_index("threshold")
    # matured with score >= 60: L01 L02 L03 L04 L05 L06 L07 L08 L09 L10 L11 L12 L20 = 13,
    # won L01 L02 L05 L09 L10 = 5; at 65 the three ties at 60 (L10 L11 L12) drop: 10, 4
    assert sweep.loc[60, ["handed_off", "wins"]].tolist() == [13, 5]
    assert sweep.loc[65, ["handed_off", "wins"]].tolist() == [10, 4]
    assert sweep.loc[60, "win_rate"] == pytest.approx(5 / 13)
    assert sweep.loc[60, "share_of_wins"] == pytest.approx(5 / 6)
    assert sweep.loc[60, "lift"] == pytest.approx((5 / 13) / (6 / 21))
    assert "handed_off_per_month" not in sweep.columns


def test_band_between_by_hand(outcomes):
    out, _ = outcomes
    band = scoring.band_between(out, lower=65, upper=60, leads_per_month=2.5).iloc[0]
    # [60, 65): L10 (won), L11, L12 -> 1 of 3; base 6/21
    assert (band["lower"], band["upper"], band["matured"], band["wins"]) == (60, 65, 3, 1)
    assert band["win_rate"] == pytest.approx(1 / 3)
    assert band["ratio_to_base"] == pytest.approx((1 / 3) / (6 / 21))
    assert band["leads_per_year"] == pytest.approx(30)
    # Wilson 95% for 1 of 3, by hand: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z, n, p = 1.959964, 3, 1 / 3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (band["ci_low"], band["ci_high"]) == pytest.approx(
        (centre - half, centre + half), abs=1e-6
    )
    text = scoring.band_sentence(band.to_dict(), current=60, recommended=65)
    assert (
        text
        == "Raising 60 → 65 gives up 30 leads a year that win 33% (6%–79%), 1.2× the base rate."
    )


def test_comparison_intervals_contain_the_sweep(outcomes):
    out, _ = outcomes
    comp = scoring.threshold_comparison(
        out, thresholds={"current": 60, "recommended": float("nan")}, n_boot=100
    ).set_index("label")
    assert comp.loc["current", "win_rate"] == pytest.approx(5 / 13)
    assert (
        comp.loc["current", "win_rate_ci_low"] <= 5 / 13 <= comp.loc["current", "win_rate_ci_high"]
    )
    assert np.isnan(comp.loc["recommended", "win_rate"])

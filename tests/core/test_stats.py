"""Shared statistics: Wilson intervals and the bootstrap."""

import numpy as np
import pandas as pd
import pytest

from workbook.core import stats


def test_wilson_matches_hand_computed_values():
    # 3 of 10 at 95%: centre (p + z²/2n)/(1 + z²/n) = 0.35551, half-width 0.24772.
    low, high = stats.wilson_interval([3, 0, 10], [10, 10, 10])
    assert low[0] == pytest.approx(0.10779, abs=1e-5)
    assert high[0] == pytest.approx(0.60322, abs=1e-5)
    # Boundaries stay inside [0, 1] and are not degenerate.
    assert low[1] == pytest.approx(0.0, abs=1e-12)
    assert high[1] == pytest.approx(0.27753, abs=1e-5)
    assert high[2] == pytest.approx(1.0)
    assert low[2] == pytest.approx(1 - 0.27753, abs=1e-5)


def test_wilson_with_zero_trials_is_nan():
    low, high = stats.wilson_interval([0, 1], [0, 2])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert 0 < low[1] < 0.5 < high[1] < 1


def test_add_wilson_adds_rate_and_bounds():
    frame = pd.DataFrame({"reached": [3, 0], "leads": [10, 0]})
    out = stats.add_wilson(frame, "reached", "leads")
    assert list(out.columns) == ["reached", "leads", "rate", "ci_low", "ci_high"]
    assert out.loc[0, "rate"] == pytest.approx(0.3)
    assert np.isnan(out.loc[1, "rate"])
    assert "rate" not in frame.columns  # input untouched


def test_bootstrap_interval_is_deterministic_and_covers_the_mean():
    values = np.arange(100, dtype=float)

    def mean_of(idx):
        return values[idx].mean()

    first = stats.bootstrap_interval(mean_of, len(values), n_boot=300, seed=7)
    again = stats.bootstrap_interval(mean_of, len(values), n_boot=300, seed=7)
    assert first == again
    low, high = first
    assert low < 49.5 < high
    # The standard error of the mean is about 2.9, so the 95% interval is about ±5.7.
    assert 3 < high - low < 20


def test_wilson_bounds_bracket_the_rate_exactly():
    # statsmodels returns a lower bound a rounding error above 0 for 0 successes
    # at some n; the bounds must never exclude the observed rate.
    k = np.zeros(200)
    n = np.arange(1, 201)
    low, high = stats.wilson_interval(k, n)
    assert (low <= 0).all() and (high >= 0).all()
    low, high = stats.wilson_interval(n, n)
    assert (high >= 1).all() and (low <= 1).all()

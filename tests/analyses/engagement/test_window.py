"""Unit tests for workbook.analyses.engagement.window.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import pytest

from workbook.analyses.engagement import window as win


def test_default_window_mean_over_last_365_days(closed_fx):
    as_of = "2024-12-31"
    # cycles 10 and 20 -> mean 15 -> 15 / 4 = 3.75 -> 4.
    # The 1000-day deal closed on 2024-01-01 = as_of - 365 days: outside.
    opps = closed_fx([(10, "2024-12-31"), (20, "2024-06-01"), (1000, "2024-01-01")])
    assert win.default_window_days(opps, as_of=as_of) == 4


def test_default_window_deal_closed_on_day_after_lookback_start_counts(closed_fx):
    # 2024-01-02 is as_of - 364 days: inside; cycles 10 and 30 -> mean 20 -> 5.
    opps = closed_fx([(10, "2024-12-31"), (30, "2024-01-02")])
    assert win.default_window_days(opps, as_of="2024-12-31") == 5


def test_default_window_rounds_half_up(closed_fx):
    # cycles 20 and 32 -> mean 26 -> 26 / 4 = 6.5 -> 7 (half-up; Python round gives 6).
    opps = closed_fx([(20, "2024-12-01"), (32, "2024-11-01")])
    assert round(6.5) == 6
    assert win.default_window_days(opps, as_of="2024-12-31") == 7
    # 30 / 4 = 7.5 -> 8.
    opps = closed_fx([(30, "2024-12-01")])
    assert win.default_window_days(opps, as_of="2024-12-31") == 8


def test_default_window_raises_and_basis_falls_back_when_no_closed_deals(closed_fx):
    opps = closed_fx([(10, "2022-01-01")])
    with pytest.raises(ValueError, match="365 days"):
        win.default_window_days(opps, as_of="2024-12-31")
    basis = win.window_basis(opps, as_of="2024-12-31")
    assert basis["window_days"] == win.FALLBACK_WINDOW_DAYS == 30
    assert basis["source"] == "fallback"
    assert basis["closed_deals"] == 0


def test_window_basis_parameter_overrides_and_counts_negative_cycles(closed_fx):
    opps = closed_fx([(10, "2024-12-01"), (-5, "2024-12-02"), (30, "2024-11-01")])
    basis = win.window_basis(opps, as_of="2024-12-31")
    # negative cycle left out: mean(10, 30) = 20 -> 5
    assert basis == {
        "window_days": 5,
        "source": "formula",
        "closed_deals": 2,
        "mean_cycle_days": 20.0,
        "negative_cycles_excluded": 1,
    }
    assert win.window_basis(opps, as_of="2024-12-31", window_days=9)["window_days"] == 9
    assert win.window_basis(opps, as_of="2024-12-31", window_days=9)["source"] == "parameter"


def test_default_window_is_at_least_one_day(closed_fx):
    opps = closed_fx([(1, "2024-12-01")])  # 1 / 4 = 0.25 -> 0 -> clamped to 1
    assert win.default_window_days(opps, as_of="2024-12-31") == 1

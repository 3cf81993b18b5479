"""Tests for workbook.core.calendar: the day rules every report uses."""

import pandas as pd
import pytest

from workbook.core.calendar import (
    age_days,
    as_of_end,
    day,
    in_window,
    last_month_end_before,
    month_end_cut,
    month_end_cuts,
    on_or_before,
    window_start,
)

T = pd.Timestamp

def test_as_of_end_is_midnight_after():
    assert as_of_end("2024-03-31") == T("2024-04-01")
    assert as_of_end(T("2024-03-31 17:30")) == T("2024-04-01")


def test_day_drops_the_time_of_day():
    assert day("2024-03-31 23:59:59") == T("2024-03-31")


def test_on_or_before_counts_any_time_on_the_as_of_day():
    ts = pd.Series(pd.to_datetime(["2024-03-31 00:00", "2024-03-31 23:59", "2024-04-01 00:00", None]))
    assert on_or_before(ts, "2024-03-31").tolist() == [True, True, False, False]


def test_window_is_half_open_in_days():
    # 10 days ending 2024-03-31: 2024-03-22 .. 2024-03-31 inclusive.
    assert window_start("2024-03-31", 10) == T("2024-03-22")
    ts = pd.Series(pd.to_datetime(["2024-03-21 23:00", "2024-03-22 00:00", "2024-03-31 12:00", "2024-04-01 00:00"]))
    assert in_window(ts, as_of="2024-03-31", window_days=10).tolist() == [False, True, True, False]


def test_age_days_counts_calendar_days():
    # 2024-03-30 23:59 is one calendar day before 2024-03-31, whatever the hour.
    ts = pd.Series(pd.to_datetime(["2024-03-30 23:59", "2024-03-31 08:00", None]))
    ages = age_days(ts, as_of="2024-03-31 01:00")
    assert ages.iloc[:2].tolist() == [1.0, 0.0]
    assert pd.isna(ages.iloc[2])


@pytest.mark.parametrize(
    ("as_of", "k", "cut"),
    [("2026-06-30", 3, "2026-03-31"), ("2026-06-10", 1, "2026-05-31"), ("2024-03-15", 1, "2024-02-29"),
     ("2026-01-31", 12, "2025-01-31")],
)
def test_month_end_cut(as_of, k, cut):
    assert month_end_cut(as_of, k) == T(cut)


def test_month_end_cut_needs_a_positive_offset():
    with pytest.raises(ValueError, match=">= 1"):
        month_end_cut("2026-06-30", 0)


def test_month_end_cuts():
    assert month_end_cuts("2026-06-30", [3]) == [pd.Timestamp("2026-03-31")]
    assert month_end_cuts("2026-06-10", [1]) == [pd.Timestamp("2026-05-31")]
    # order kept; year boundary; February of a leap year
    assert month_end_cuts(pd.Timestamp("2024-03-15 10:00"), [1, 3, 12]) == [
        pd.Timestamp("2024-02-29"),
        pd.Timestamp("2023-12-31"),
        pd.Timestamp("2023-03-31"),
    ]
    for bad in ([0], [1, -1], [1.5]):
        with pytest.raises(ValueError):
            month_end_cuts("2026-06-30", bad)


def test_last_month_end_before():
    # 2026-06-30 - 90 days = 2026-04-01 -> the month-end before it, 2026-03-31 (91 days back)
    assert last_month_end_before("2026-06-30", 90) == pd.Timestamp("2026-03-31")
    # 2026-06-30 - 91 days = 2026-03-31, itself a month-end
    assert last_month_end_before("2026-06-30", 91) == pd.Timestamp("2026-03-31")
    # 2026-06-28 - 90 days = 2026-03-30 -> 2026-02-28
    assert last_month_end_before("2026-06-28", 90) == pd.Timestamp("2026-02-28")
    assert last_month_end_before("2026-06-30", 0) == pd.Timestamp("2026-06-30")
    assert last_month_end_before("2026-06-29 18:00", 0) == pd.Timestamp("2026-05-31")
    with pytest.raises(ValueError):
        last_month_end_before("2026-06-30", -1)

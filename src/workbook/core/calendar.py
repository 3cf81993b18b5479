"""Day rules, written once: every report compares dates as calendar days.

* An event is **on or before** ``as_of`` when its timestamp is strictly
  before midnight after the ``as_of`` day (:func:`as_of_end`); a time of day
  on the ``as_of`` day itself counts as on it.
* A **window** of ``d`` days ending ``as_of`` is ``(as_of - d, as_of]`` in
  days: from :func:`window_start` (inclusive) to :func:`as_of_end`
  (exclusive).
* An **age in days** is the difference between calendar days
  (:func:`age_days`), never between timestamps.
* A **month-end cut** ``k`` months before ``as_of`` is the last day of the
  month ``k`` months before the month of ``as_of`` (:func:`month_end_cut`).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "age_days",
    "as_of_end",
    "day",
    "days",
    "in_window",
    "month_end_cut",
    "on_or_before",
    "window_start",
]

_DAY = pd.Timedelta(days=1)


def day(value) -> pd.Timestamp:
    """A date-like value as its calendar day (midnight).

    Examples
    --------
    >>> day("2024-03-31 17:45")
    Timestamp('2024-03-31 00:00:00')
    """
    return pd.Timestamp(value).normalize()


def days(values) -> pd.Series:
    """Datetime-like values (a Series or array) normalised to calendar days (midnight)."""
    return pd.to_datetime(values).dt.normalize()


def as_of_end(as_of) -> pd.Timestamp:
    """The exclusive upper bound of the ``as_of`` day: midnight after it.

    An event is "on or before ``as_of``" exactly when its timestamp is
    strictly less than this value.

    Examples
    --------
    >>> as_of_end("2024-03-31")
    Timestamp('2024-04-01 00:00:00')
    """
    return day(as_of) + _DAY


def on_or_before(ts: pd.Series, as_of) -> pd.Series:
    """Boolean mask: ``ts`` falls on or before the ``as_of`` day (missing is False)."""
    return ts < as_of_end(as_of)


def window_start(as_of, window_days: float) -> pd.Timestamp:
    """Inclusive lower bound of the window ``(as_of - window_days, as_of]``.

    Equal to ``as_of_end(as_of) - window_days`` days: with ``as_of``
    2024-03-31 and 10 days it is 2024-03-22 00:00, so 2024-03-21 is outside.
    """
    return as_of_end(as_of) - pd.Timedelta(days=float(window_days))


def in_window(ts: pd.Series, *, as_of, window_days: float) -> pd.Series:
    """Boolean mask: ``ts`` in ``(as_of - window_days, as_of]`` (see module docstring)."""
    return (ts >= window_start(as_of, window_days)) & (ts < as_of_end(as_of))


def age_days(ts: pd.Series, *, as_of) -> pd.Series:
    """Whole calendar days from each ``ts`` day to the ``as_of`` day (float; NaN when missing)."""
    return (day(as_of) - days(ts)).dt.days.astype("float64")


def month_end_cut(as_of, months: int) -> pd.Timestamp:
    """The last day of the month ``months`` months before the month of ``as_of``.

    Examples
    --------
    >>> month_end_cut("2026-06-30", 3)
    Timestamp('2026-03-31 00:00:00')
    >>> month_end_cut("2026-06-10", 1)
    Timestamp('2026-05-31 00:00:00')
    """
    if int(months) < 1:
        raise ValueError(f"months must be at least 1, got {months!r}")
    period = day(as_of).to_period("M") - int(months)
    return period.to_timestamp(how="end").normalize()

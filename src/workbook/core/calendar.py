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

from collections.abc import Sequence

import pandas as pd

__all__ = [
    "age_days",
    "as_of_end",
    "day",
    "days",
    "in_window",
    "last_month_end_before",
    "month_end_cut",
    "month_end_cuts",
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
    return month_end_cuts(as_of, [months])[0]


def month_end_cuts(as_of, months: Sequence[int]) -> list[pd.Timestamp]:
    """Month-end cut dates, ``k`` whole months before the month of ``as_of``.

    Cut ``k`` is the last day of the calendar month ``k`` months before the
    month containing ``as_of``, at midnight. For ``as_of`` 2026-06-30, ``k=3``
    gives 2026-03-31; for ``as_of`` 2026-06-10, ``k=1`` gives 2026-05-31. Every
    cut is therefore strictly before ``as_of``'s month.

    Parameters
    ----------
    as_of : date-like
        The observation end.
    months : sequence of int
        Each ``k >= 1``; order is kept.

    Returns
    -------
    list of Timestamp

    Raises
    ------
    ValueError
        Some ``k < 1`` (the end of ``as_of``'s own month may be after ``as_of``).
    """
    bad = [k for k in months if int(k) != k or k < 1]
    if bad:
        raise ValueError(f"months must be whole numbers >= 1, got {bad}")
    month = pd.Timestamp(as_of).to_period("M")
    return [(month - int(k)).end_time.normalize() for k in months]


def last_month_end_before(as_of, days: int) -> pd.Timestamp:
    """The latest calendar month-end at least ``days`` days before ``as_of``.

    The result ``m`` is the last day of a month with
    ``as_of.normalize() - m >= days`` days, and no later month-end satisfies
    that. Used as "cut = the last month-end at least ``horizon_days`` before
    ``as_of``", so every lead known at the cut has had ``horizon_days`` to
    convert by ``as_of``. With ``days=0`` and ``as_of`` a month-end, it is
    ``as_of`` itself.

    Parameters
    ----------
    as_of : date-like
    days : int
        ``>= 0``.

    Returns
    -------
    Timestamp
        At midnight.

    Examples
    --------
    >>> last_month_end_before("2026-06-30", 90)
    Timestamp('2026-03-31 00:00:00')
    >>> last_month_end_before("2026-06-30", 91)
    Timestamp('2026-03-31 00:00:00')
    >>> last_month_end_before("2026-06-29", 90)
    Timestamp('2026-03-31 00:00:00')
    >>> last_month_end_before("2026-06-28", 90)
    Timestamp('2026-02-28 00:00:00')
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    latest = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=int(days))
    if latest.is_month_end:
        return latest
    return (latest.to_period("M") - 1).end_time.normalize()

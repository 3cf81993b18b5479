"""The report's period: a closed interval of calendar days, and the one before it.

A date ``d`` is inside ``[start, end]`` when ``start <= day(d) <= end``
(:func:`workbook.core.calendar.day`: times of day are ignored, both ends are
inclusive; the test itself is
:func:`workbook.analyses.hierarchy.relational.in_period`, run by the engine).
:func:`default_period` gives the 12 months ending on ``as_of``.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from workbook.core import calendar

__all__ = ["Period", "default_period", "previous_period", "resolve_period"]

_ONE_DAY = pd.Timedelta(days=1)


class Period(NamedTuple):
    """A closed interval of calendar days (both ends at midnight, both inclusive)."""

    start: pd.Timestamp
    end: pd.Timestamp


def default_period(as_of) -> Period:
    """The 12 months ending on ``as_of``, both ends inclusive.

    ``start = as_of - 12 months + 1 day`` using :class:`pandas.DateOffset`,
    ``end = as_of`` (both as calendar days, at midnight).

    * as_of 2026-06-30 gives 2025-07-01 .. 2026-06-30;
    * as_of 2026-03-15 gives 2025-03-16 .. 2026-03-15;
    * month ends: as_of 2024-02-29 (leap day) gives 2023-03-01 .. 2024-02-29
      (2023-02-28 + 1 day); as_of 2025-02-28 gives 2024-02-29 .. 2025-02-28,
      so the leap day is inside the window.

    Parameters
    ----------
    as_of : date-like
        Observation end date.

    Returns
    -------
    Period
        ``(start, end)``; compares equal to the plain tuple.
    """
    end = calendar.day(as_of)
    start = end - pd.DateOffset(months=12) + _ONE_DAY
    return Period(pd.Timestamp(start), end)


def resolve_period(as_of, period_start="", period_end="") -> Period:
    """Turn the report parameters ``period_start`` / ``period_end`` into a period.

    Parameters
    ----------
    as_of : date-like
        Observation end date.
    period_start : str or date-like
        First day; empty means the default 12-month window ending on the
        period's end (see :func:`default_period`).
    period_end : str or date-like
        Last day; empty means ``as_of``.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        The start is after the end.
    """
    end = calendar.day(period_end) if period_end else calendar.day(as_of)
    start = calendar.day(period_start) if period_start else default_period(end).start
    if start > end:
        raise ValueError(f"period_start {start.date()} is after period_end {end.date()}")
    return Period(start, end)


def previous_period(start, end) -> Period:
    """The period of the same length that ends the day before ``start``.

    When ``[start, end]`` is a whole number ``k`` of months
    (``start == end - k months + 1 day``, as :func:`default_period` makes, or
    ``end == start + k months - 1 day``, as a calendar quarter is), the
    previous period is ``[start - k months, start - 1 day]``: 2025-07-01 ..
    2026-06-30 gives 2024-07-01 .. 2025-06-30, and 2026-04-01 .. 2026-06-30
    gives 2026-01-01 .. 2026-03-31. Otherwise it has the same
    number of days: ``[start - L days, start - 1 day]`` with
    ``L = (end - start).days + 1``.

    Parameters
    ----------
    start, end : date-like
        The current period, both inclusive.

    Returns
    -------
    Period
    """
    start, end = calendar.day(start), calendar.day(end)
    prev_end = start - _ONE_DAY
    months = (end.year - start.year) * 12 + (end.month - start.month) + 1
    whole_months = months >= 1 and (
        end - pd.DateOffset(months=months) + _ONE_DAY == start
        or start + pd.DateOffset(months=months) - _ONE_DAY == end
    )
    if whole_months:
        return Period(pd.Timestamp(start - pd.DateOffset(months=months)), prev_end)
    length = (end - start).days + 1
    return Period(start - pd.Timedelta(days=length), prev_end)

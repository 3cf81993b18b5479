"""Small helpers shared by the engagement modules: flags, group labels, "open at as_of".

Calendar-day convention
-----------------------
``as_of`` is a calendar day and is inclusive (:mod:`workbook.core.calendar`):
an event is "on or before ``as_of``" when ``ts < as_of_end(as_of)``, midnight
after the ``as_of`` day. A window of ``d`` days, ``(as_of - d, as_of]``, holds
the ``d`` calendar days ending with ``as_of``:
``window_start(as_of, d) <= ts < as_of_end(as_of)``. So with midnight dates a
record dated exactly ``as_of - d`` is **outside**, a record dated ``as_of`` is
**inside**, and a record at 15:00 on ``as_of - d`` is outside too.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from workbook.core.calendar import as_of_end, days
from workbook.core.checks import require_frame

__all__ = ["NO_GROUP", "end_of_day", "open_at", "round_half_up"]

#: Blank group label in "by owner" / "by industry" tables.
NO_GROUP = "(none)"

_DAY = pd.Timedelta(days=1)


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves away from zero for x >= 0 (7.5 -> 8, 6.5 -> 7)."""
    return int(math.floor(float(x) + 0.5))


def end_of_day(ts: pd.Series) -> pd.Series:
    """Midnight after each timestamp's day (the exclusive end of that day)."""
    return days(ts) + _DAY


def flag(series: pd.Series) -> pd.Series:
    """A nullable boolean column as plain bool, missing = False."""
    return series.astype("boolean").fillna(False).astype(bool)


def label(series: pd.Series) -> pd.Series:
    """Group labels with blanks shown as :data:`NO_GROUP`."""
    s = series.astype("str").where(series.notna(), NO_GROUP)
    return s.where(s.str.strip() != "", NO_GROUP)


def closed_after(opportunities: pd.DataFrame, *, as_of) -> np.ndarray:
    """Closed in the export, but with a close date after the ``as_of`` day."""
    closed = flag(opportunities["is_closed"]).to_numpy(dtype=bool)
    return closed & (opportunities["close_date"] >= as_of_end(as_of)).to_numpy(dtype=bool)


def open_at(opportunities: pd.DataFrame, *, as_of) -> np.ndarray:
    """Boolean mask of the opportunities open at ``as_of``.

    Open at ``as_of``: created on or before the ``as_of`` day, and not closed by
    then, i.e. ``is_closed`` false or blank, or ``is_closed`` true with a
    ``close_date`` after the ``as_of`` day (a run with an ``as_of`` before the
    export sees the deals that were still open then). A closed deal with a
    blank ``close_date`` cannot be placed in time and counts as closed.

    Parameters
    ----------
    opportunities : DataFrame
        Canonical ``opportunities`` (``created_at``, ``is_closed``,
        ``close_date``).
    as_of : date-like
        Observation end day (inclusive).

    Returns
    -------
    numpy.ndarray of bool
        One value per row of ``opportunities``, in order.
    """
    require_frame(opportunities, "opportunities", ["created_at", "is_closed", "close_date"])
    created = (opportunities["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)
    not_closed = ~flag(opportunities["is_closed"]).to_numpy(dtype=bool)
    return created & (not_closed | closed_after(opportunities, as_of=as_of))

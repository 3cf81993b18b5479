"""The engagement window: a quarter of the mean recent sales cycle, or a parameter.

``round_half_up(mean(close_date - created_at, in days) / 4)`` over
opportunities that are closed (won or lost) with ``close_date`` in the 365
days up to ``as_of`` (the window convention of :mod:`workbook.core.calendar`
with ``d = 365``). Cycle lengths are fractional days; opportunities with a
negative cycle (``close_date`` before ``created_at``) are left out and counted
by :func:`window_basis`. Rounding is half-up (``floor(x + 0.5)``), so 7.5
gives 8 and 6.5 gives 7 (Python's ``round`` would give 8 and 6). The result
is at least 1 day.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.engagement import _docs  # noqa: F401  (registers doc fragments)
from workbook.analyses.engagement.common import flag, round_half_up
from workbook.core.calendar import in_window
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

__all__ = [
    "CYCLE_LOOKBACK_DAYS",
    "FALLBACK_WINDOW_DAYS",
    "default_window_days",
    "window_basis",
]

#: Days in the look-back for the default window's closed opportunities.
CYCLE_LOOKBACK_DAYS = 365
#: Window used when no closed opportunity qualifies for the default formula.
FALLBACK_WINDOW_DAYS = 30

_DAY = pd.Timedelta(days=1)


def _closed_cycles(opportunities: pd.DataFrame, *, as_of) -> pd.Series:
    """Cycle lengths in days of closed opportunities closing in the last 365 days."""
    opp = require_frame(opportunities, "opportunities", ["is_closed", "close_date", "created_at"])
    mask = flag(opp["is_closed"]) & in_window(
        opp["close_date"], as_of=as_of, window_days=CYCLE_LOOKBACK_DAYS
    )
    sel = opp.loc[mask, ["close_date", "created_at"]]  # not every column of the closed deals
    return ((sel["close_date"] - sel["created_at"]) / _DAY).dropna()


@shared_docs
def default_window_days(opportunities: pd.DataFrame, *, as_of) -> int:
    """Default engagement window: a quarter of the mean recent sales cycle, in days.

    ``round_half_up(mean(close_date - created_at in days) / 4)``, at least 1,
    over opportunities with ``is_closed`` true (won or lost) and
    ``close_date`` in ``(as_of - 365 days, as_of]`` (calendar days, ``as_of``
    inclusive; a deal closed exactly 365 days before ``as_of`` is out).
    Opportunities with a negative cycle are left out.

    Parameters
    ----------
    {engagement_opportunities}
    {as_of}

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When no closed opportunity qualifies (use :func:`window_basis` for a
        documented fallback instead).
    """
    cycles = _closed_cycles(opportunities, as_of=as_of)
    cycles = cycles[cycles >= 0]
    if cycles.empty:
        raise ValueError(
            "no closed opportunity has a close_date in the 365 days up to as_of; "
            "pass window_days explicitly"
        )
    return max(1, round_half_up(cycles.mean() / 4))


@shared_docs
def window_basis(opportunities: pd.DataFrame, *, as_of, window_days: int = 0) -> dict:
    """The window used by the report and where it came from.

    Parameters
    ----------
    {engagement_opportunities}
    {as_of}
    window_days : int, default 0
        A positive value overrides the formula; 0 means "use
        :func:`default_window_days`". When no closed opportunity qualifies
        the window falls back to :data:`FALLBACK_WINDOW_DAYS` (30) and
        ``source`` says so.

    Returns
    -------
    dict
        ``window_days`` (int), ``source`` (``"parameter"``, ``"formula"`` or
        ``"fallback"``), ``closed_deals`` (deals in the mean),
        ``mean_cycle_days`` (float or None), ``negative_cycles_excluded``
        (int).
    """
    cycles = _closed_cycles(opportunities, as_of=as_of)
    negative = int((cycles < 0).sum())
    cycles = cycles[cycles >= 0]
    mean = float(cycles.mean()) if len(cycles) else None
    if window_days and window_days > 0:
        days, source = int(window_days), "parameter"
    elif mean is None:
        days, source = FALLBACK_WINDOW_DAYS, "fallback"
    else:
        days, source = default_window_days(opportunities, as_of=as_of), "formula"
    return {
        "window_days": days,
        "source": source,
        "closed_deals": int(len(cycles)),
        "mean_cycle_days": mean,
        "negative_cycles_excluded": negative,
    }

"""Inflow and capacity: how many scored leads a month arrive at each threshold, and the risk of overflowing sales.

Volumes come from **all** scored leads (matured or not), by calendar month of
``created_at``, over the last ``capacity_months`` calendar months that are
complete at ``as_of`` (a month is complete when its last day is on or before
``as_of``; an ``as_of`` of 30 June includes June). A month with no leads
counts 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from workbook.analyses.scoring.outcomes import require_outcomes
from workbook.core import calendar

__all__ = [
    "CAPACITY_COLUMNS",
    "capacity_months_table",
    "capacity_table",
    "complete_months",
    "top_reached_threshold",
    "p_over_capacity",
    "recommend_threshold",
]

CAPACITY_COLUMNS = ["threshold", "monthly_volume", "variance", "distribution", "p_over_capacity"]


def complete_months(as_of, n: int) -> pd.PeriodIndex:
    """The last ``n`` calendar months complete at ``as_of``, oldest first.

    ``as_of`` 2026-06-30 with ``n = 6`` gives 2026-01 .. 2026-06; ``as_of``
    2026-06-29 gives 2025-12 .. 2026-05.
    """
    as_of = calendar.day(as_of)
    last = as_of.to_period("M")
    if as_of != last.end_time.normalize():
        last = last - 1
    return pd.period_range(end=last, periods=int(n), freq="M")


def p_over_capacity(counts, capacity: float) -> tuple[float, float, float, str]:
    """P(next month's count > ``capacity``) from past monthly counts.

    With ``m`` the mean and ``s²`` the sample variance (ddof = 1) of the
    counts: when ``s² > m``, a negative binomial with the same mean and
    variance (``r = m² / (s² - m)``, success probability ``r / (r + m)``),
    else a Poisson with mean ``m``; then ``P = 1 - F(floor(capacity))``.
    ``m`` is treated as known and any trend is ignored.

    Parameters
    ----------
    counts : array-like of int
        Monthly counts (at least one).
    capacity : float
        Leads sales can follow up in a month.

    Returns
    -------
    (p, mean, variance, distribution)
        ``distribution`` is ``"negative binomial"`` or ``"poisson"``; a mean
        of 0 gives p = 0. One count has no variance: Poisson.
    """
    c = np.asarray(counts, dtype="float64")
    m = float(c.mean())
    s2 = float(c.var(ddof=1)) if len(c) > 1 else float("nan")
    k = math.floor(capacity)
    if m == 0:
        return 0.0, m, s2, "poisson"
    if len(c) > 1 and s2 > m and not np.isclose(s2, m, rtol=1e-9, atol=0):
        r = m * m / (s2 - m)
        return float(stats.nbinom.sf(k, r, r / (r + m))), m, s2, "negative binomial"
    return float(stats.poisson.sf(k, m)), m, s2, "poisson"


def capacity_months_table(
    outcomes: pd.DataFrame, *, thresholds: Sequence[float], as_of, capacity_months: int = 6
) -> pd.DataFrame:
    """Scored leads with score >= t per complete calendar month, for each threshold.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`~workbook.analyses.scoring.lead_outcomes` ``.outcomes``: every
        scored lead created by ``as_of``, matured or not.
    thresholds : sequence of float
        The grid.
    as_of : date-like
    capacity_months : int
        How many complete months (:func:`complete_months`).

    Returns
    -------
    DataFrame
        ``threshold``, ``month`` (``YYYY-MM``), ``count``: one row per
        threshold and month, months with no lead at 0.
    """
    require_outcomes(outcomes)
    months = complete_months(as_of, capacity_months)
    grid = np.asarray(thresholds, dtype="float64")
    month = outcomes["created_at"].dt.to_period("M")
    inside = month.isin(months).to_numpy()
    pos = months.get_indexer(month[inside])
    score = outcomes["score"].to_numpy(dtype="float64")[inside]
    # counts[i, j]: leads of month j with score >= grid[i], via a sorted cumulative count
    order = np.argsort(score, kind="stable")
    ranked = np.searchsorted(score[order], grid, side="left")
    per = np.zeros((len(score) + 1, len(months)), dtype="int64")
    np.add.at(per, (np.arange(1, len(score) + 1), pos[order]), 1)
    cum = per.cumsum(axis=0)
    counts = cum[-1][None, :] - cum[ranked]
    return pd.DataFrame(
        {
            "threshold": np.repeat(grid, len(months)),
            "month": np.tile(months.astype(str), len(grid)),
            "count": counts.reshape(-1),
        }
    )


def capacity_table(months_table: pd.DataFrame, *, capacity_per_month: float) -> pd.DataFrame:
    """Monthly volume and ``p_over_capacity`` per threshold (:func:`p_over_capacity`).

    Parameters
    ----------
    months_table : DataFrame
        :func:`capacity_months_table` output.
    capacity_per_month : float

    Returns
    -------
    DataFrame
        Columns :data:`CAPACITY_COLUMNS`: ``monthly_volume`` (mean count),
        ``variance`` (ddof 1), ``distribution`` and ``p_over_capacity``, one
        row per threshold, ascending.
    """
    rows = [
        (t, *p_over_capacity(g["count"].to_numpy(), capacity_per_month))
        for t, g in months_table.groupby("threshold", sort=True)  # one row per grid threshold
    ]
    out = pd.DataFrame(
        rows, columns=["threshold", "p_over_capacity", "monthly_volume", "variance", "distribution"]
    )
    return out[CAPACITY_COLUMNS]


def recommend_threshold(capacity: pd.DataFrame, *, overflow_risk: float = 0.10) -> float:
    """The lowest grid threshold with ``p_over_capacity <= overflow_risk`` that sends leads; NaN when none.

    A threshold no lead reached in the capacity months (``monthly_volume``
    0) never overflows, and would send sales nothing: it is not a hand-off
    rule, so it is never recommended (on the large sample, a capacity of 40
    against 13,684 leads a month had recommended 105, above every recent
    score).

    Parameters
    ----------
    capacity : DataFrame
        :func:`capacity_table` output.
    overflow_risk : float
        The accepted chance that a month overflows sales (inclusive).
    """
    fits = capacity["p_over_capacity"] <= overflow_risk
    if "monthly_volume" in capacity.columns:
        fits &= capacity["monthly_volume"] > 0
    chosen = capacity.loc[fits, "threshold"]
    return float(chosen.min()) if len(chosen) else float("nan")


def top_reached_threshold(capacity: pd.DataFrame) -> tuple[float, float]:
    """The highest threshold some lead reached in the capacity months, and its leads a month.

    ``(nan, 0.0)`` when no lead reached any threshold. Says how far the
    capacity is from the inflow when no threshold fits.
    """
    sent = capacity.loc[capacity["monthly_volume"] > 0]
    if sent.empty:
        return float("nan"), 0.0
    top = sent.loc[sent["threshold"].idxmax()]
    return float(top["threshold"]), float(top["monthly_volume"])

"""Threshold sweep: hand-off volume and win rate at every threshold, and the recommendation.

A lead is handed off at threshold ``t`` when its score is ``>= t``. The sweep
counts, per threshold of a grid, the resolved leads and wins handed off
(:func:`threshold_sweep`); the recommendation is the lowest grid threshold
whose monthly volume fits the capacity of sales (:func:`recommend_threshold`);
:func:`threshold_comparison` adds bootstrap intervals at named thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.cells import (
    cell_bootstrap_interval,
    score_cells,
    threshold_rates_from_cells,
)
from workbook.analyses.scoring.outcomes import resolved_leads
from workbook.core.checks import require_frame
from workbook.data.model import SCORE_RANGE

__all__ = [
    "SWEEP_COLUMNS",
    "calendar_months",
    "default_thresholds",
    "recommend_threshold",
    "sweep_from_counts",
    "threshold_comparison",
    "threshold_sweep",
]

SWEEP_COLUMNS = [
    "threshold",
    "handed_off",
    "wins",
    "win_rate",
    "share_of_wins",
    "lift",
    "handed_off_per_month",
    "share_handed_off",
    "months",
]


def calendar_months(created_at: pd.Series) -> int:
    """Calendar months from the first to the last date, inclusive (0 when empty).

    Jan 31 to Feb 1 is 2 months; any dates within one month give 1.

    Parameters
    ----------
    created_at : Series of datetime
        Missing dates are ignored.

    Returns
    -------
    int
    """
    dates = pd.to_datetime(created_at).dropna()
    if dates.empty:
        return 0
    first = dates.min().to_period("M")
    last = dates.max().to_period("M")
    return (last - first).n + 1


def default_thresholds(
    scores, *, step: float = 5, score_range: tuple[float, float] | None = SCORE_RANGE
) -> np.ndarray:
    """Grid every ``step`` points across the observed scores.

    From ``floor(lo / step) * step`` up to ``hi`` inclusive, where ``lo`` and
    ``hi`` are the lowest and highest score, clipped to ``score_range`` (the
    valid range; default :data:`workbook.data.model.SCORE_RANGE`, None = no clip)
    so one stray score of 140 does not stretch the grid.

    Parameters
    ----------
    scores : array-like of float
        Missing scores are ignored.
    step : float
        Grid step in score points.
    score_range : (float, float) or None
        Valid score range the grid is clipped to.

    Returns
    -------
    ndarray of float
        Ascending; empty when there are no scores.
    """
    s = pd.Series(scores, dtype="float64").dropna()
    if s.empty:
        return np.array([], dtype="float64")
    lo, hi = float(s.min()), float(s.max())
    if score_range is not None:
        lo = min(max(lo, score_range[0]), score_range[1])
        hi = max(min(hi, score_range[1]), score_range[0])
    lo = math.floor(lo / step) * step
    n = int(math.floor((hi - lo) / step + 1e-9)) + 1
    return lo + step * np.arange(n, dtype="float64")


@shared_docs
def threshold_sweep(
    outcomes: pd.DataFrame,
    *,
    thresholds: Sequence[float] | None = None,
    step: float = 5,
    score_column: str = "score",
    score_range: tuple[float, float] | None = SCORE_RANGE,
) -> pd.DataFrame:
    """Volume and win rate of handing off resolved leads with score >= t, for each t.

    Parameters
    ----------
    {scoring_outcomes}
    thresholds : sequence of float, optional
        The grid; None or empty gives :func:`default_thresholds` of the
        resolved scores with ``step``.
    step : float
        Grid step for the default grid.
    score_range : (float, float) or None
        Valid score range the default grid is clipped to (scores outside it
        still count as handed off at every threshold they pass).
    score_column : str
        Column holding the score (the decay what-if passes ``decayed_score``).

    Returns
    -------
    DataFrame
        One row per threshold, columns :data:`SWEEP_COLUMNS`:
        ``handed_off`` = resolved leads with score >= t (ties at t are handed
        off); ``wins`` = won leads with score >= t; ``win_rate`` = wins /
        handed_off; ``share_of_wins`` = wins / all wins; ``lift`` = win_rate /
        base win rate (all wins / all resolved); ``months`` = calendar months
        from the first to the last ``created_at`` of the resolved population,
        inclusive; ``handed_off_per_month`` = handed_off / months;
        ``share_handed_off`` = handed_off / resolved. Ratios with a zero
        denominator are NaN.
    """
    res = resolved_leads(outcomes)
    grid = (
        np.asarray(sorted(set(float(t) for t in thresholds)), dtype="float64")
        if thresholds is not None and len(thresholds)
        else default_thresholds(
            outcomes.loc[outcomes["resolved"].astype(bool), "score"],
            step=step,
            score_range=score_range,
        )
    )
    scores = np.sort(res[score_column].to_numpy(dtype="float64"))
    won_scores = np.sort(res.loc[res["won"], score_column].to_numpy(dtype="float64"))
    n, n_wins = len(scores), len(won_scores)
    handed = n - np.searchsorted(scores, grid, side="left")
    wins = n_wins - np.searchsorted(won_scores, grid, side="left")
    months = calendar_months(res["created_at"])
    return sweep_from_counts(grid, handed, wins, n=n, n_wins=n_wins, months=months)


def sweep_from_counts(grid, handed, wins, *, n: int, n_wins: int, months: int) -> pd.DataFrame:
    """The threshold sweep table from its counts; the ratios are defined here once.

    Parameters
    ----------
    grid, handed, wins : array-like
        Thresholds, and per threshold the resolved leads and won leads with
        score >= threshold.
    n, n_wins : int
        Resolved leads and won leads in the whole population.
    months : int
        Calendar months spanned by the resolved population (see
        :func:`calendar_months`).

    Returns
    -------
    DataFrame
        Columns :data:`SWEEP_COLUMNS`, as documented in :func:`threshold_sweep`.
    """
    grid = np.asarray(grid, dtype="float64")
    handed = np.asarray(handed, dtype="int64")
    wins = np.asarray(wins, dtype="int64")
    base = n_wins / n if n else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        win_rate = np.where(handed > 0, wins / np.maximum(handed, 1), np.nan)
        out = pd.DataFrame(
            {
                "threshold": grid,
                "handed_off": handed,
                "wins": wins,
                "win_rate": win_rate,
                "share_of_wins": wins / n_wins if n_wins else np.full(len(grid), np.nan),
                "lift": win_rate / base if base and not np.isnan(base) else np.nan,
                "handed_off_per_month": handed / months if months else np.nan,
                "share_handed_off": handed / n if n else np.nan,
                "months": months,
            }
        )
    return out[SWEEP_COLUMNS]


def recommend_threshold(sweep: pd.DataFrame, *, capacity_per_month: float) -> float:
    """Lowest grid threshold whose ``handed_off_per_month`` is <= ``capacity_per_month``.

    Parameters
    ----------
    sweep : DataFrame
        :func:`threshold_sweep` output.
    capacity_per_month : float
        Handed-off leads sales can follow up per month (inclusive).

    Returns
    -------
    float
        The threshold; NaN when no grid threshold fits (even the highest
        hands off more than the capacity) or the sweep is empty.
    """
    require_frame(sweep, "sweep", ("threshold", "handed_off_per_month"))
    fits = sweep.loc[sweep["handed_off_per_month"] <= capacity_per_month, "threshold"]
    return float(fits.min()) if len(fits) else float("nan")


@shared_docs
def threshold_comparison(
    outcomes: pd.DataFrame,
    *,
    thresholds: dict[str, float],
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Hand-off numbers at named thresholds, with bootstrap CIs.

    Parameters
    ----------
    {scoring_outcomes}
    thresholds : dict of str to float
        e.g. ``{{"current": 60, "recommended": 70}}``; NaN thresholds give NaN rows.
    {scoring_bootstrap}

    Returns
    -------
    DataFrame
        Columns ``label``, ``threshold``, ``handed_off``, ``wins``,
        ``handed_off_per_month``, ``win_rate``, ``win_rate_ci_low``,
        ``win_rate_ci_high``, ``share_of_wins``, ``share_of_wins_ci_low``,
        ``share_of_wins_ci_high``. Definitions as in :func:`threshold_sweep`.
    """
    res = resolved_leads(outcomes)
    labels = list(thresholds)
    ts = np.array([thresholds[k] for k in labels], dtype="float64")
    months = calendar_months(res["created_at"])
    scores = res["score"].to_numpy(dtype="float64")
    won = res["won"].to_numpy(dtype=bool)
    levels, counts = score_cells(scores, won)
    first = np.searchsorted(levels, ts, side="left")  # first level >= t; NaN t -> none
    k = len(ts)

    def rates(c: np.ndarray) -> np.ndarray:
        wr, share, _, _ = threshold_rates_from_cells(c, first)
        return np.concatenate([wr, share], axis=-1)

    _, _, handed, wins = threshold_rates_from_cells(counts, first)
    point = np.concatenate([rates(counts), handed, wins])
    if len(res):
        low, high = cell_bootstrap_interval(rates, counts, n_boot=n_boot, alpha=alpha, seed=seed)
    else:
        low = high = np.full(2 * k, np.nan)
    nan_t = np.isnan(ts)
    out = pd.DataFrame(
        {
            "label": labels,
            "threshold": ts,
            "handed_off": np.where(nan_t, np.nan, point[2 * k : 3 * k]),
            "wins": np.where(nan_t, np.nan, point[3 * k :]),
            "handed_off_per_month": np.where(nan_t, np.nan, point[2 * k : 3 * k] / months)
            if months
            else np.nan,
            "win_rate": np.where(nan_t, np.nan, point[:k]),
            "win_rate_ci_low": np.where(nan_t, np.nan, low[:k]),
            "win_rate_ci_high": np.where(nan_t, np.nan, high[:k]),
            "share_of_wins": np.where(nan_t, np.nan, point[k : 2 * k]),
            "share_of_wins_ci_low": np.where(nan_t, np.nan, low[k : 2 * k]),
            "share_of_wins_ci_high": np.where(nan_t, np.nan, high[k : 2 * k]),
        }
    )
    return out

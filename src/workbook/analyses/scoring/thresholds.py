"""Threshold sweep over matured leads, the default grid and bands, and what a band between two thresholds gives up.

A lead is handed off at threshold ``t`` when its score is ``>= t``. The sweep
counts, per threshold of a grid, the matured leads and the wins within the
horizon handed off (:func:`threshold_sweep`). Volumes per month and the
recommendation come from the inflow of *all* scored leads
(:mod:`~workbook.analyses.scoring.capacity`), never from matured leads.
:func:`threshold_comparison` adds bootstrap intervals at named thresholds;
:func:`band_between` says what raising the threshold gives up.
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
from workbook.analyses.scoring.outcomes import matured_leads
from workbook.analyses.scoring.relational import observed_score_range, score_won_frame
from workbook.core.stats import wilson_interval

__all__ = [
    "GRID_SIZE",
    "ROUND_STEPS",
    "SWEEP_COLUMNS",
    "band_between",
    "default_bands",
    "default_thresholds",
    "grid_range",
    "round_step",
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
    "share_handed_off",
]

#: Mantissas of the "round" grid steps: 1, 2, 2.5 and 5 times a power of ten.
ROUND_STEPS = (1.0, 2.0, 2.5, 5.0)
#: The default grid has between 15 and 30 thresholds (inclusive).
GRID_SIZE = (15, 30)


def grid_range(scores, *, score_range: Sequence[float] | None = None) -> tuple[float, float]:
    """The range the default grid and bands cover: ``score_range`` when given, else the observed scores.

    Parameters
    ----------
    scores : array-like of float
        Missing scores are ignored.
    score_range : (float, float), optional
        The declared range of the score (e.g. ``(0, 2300)``); empty or None
        means the lowest and highest observed score.

    Returns
    -------
    (float, float)
        ``(nan, nan)`` when there is no range (no scores and no ``score_range``).
    """
    if score_range is not None and len(score_range):
        lo, hi = (float(v) for v in score_range)
        return lo, hi
    s = pd.Series(scores, dtype="float64").dropna()
    if s.empty:
        return float("nan"), float("nan")
    return float(s.min()), float(s.max())


def round_step(lo: float, hi: float) -> float:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) giving at most 30 thresholds.

    The thresholds are the multiples of the step from ``floor(lo / step) *
    step`` up to ``hi``; with 15-30 of them a step is never finer than
    needed. For 0-100 the step is 5 (21 thresholds); for 0-2,300 it is 100
    (24 thresholds); for 0-1 it is 0.05 (21 thresholds).

    Parameters
    ----------
    lo, hi : float
        The range, ``lo <= hi``.

    Returns
    -------
    float
        1.0 when the range is empty (``lo == hi``).
    """
    width = hi - lo
    if not width > 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(width / GRID_SIZE[1]))
    for scale in (base / 10, base, base * 10):
        for mantissa in ROUND_STEPS:
            step = mantissa * scale
            start = math.floor(lo / step + 1e-9) * step
            if math.floor((hi - start) / step + 1e-9) + 1 <= GRID_SIZE[1]:
                return step
    return 10 * base * 10  # not reached: 10 x the last scale always fits


def default_thresholds(scores, *, score_range: Sequence[float] | None = None) -> np.ndarray:
    """The default threshold grid: round steps giving 15-30 thresholds over the score range.

    The range is :func:`grid_range` (``score_range`` when given, else the
    observed scores); the step is :func:`round_step`; the grid runs from
    ``floor(lo / step) * step`` to ``hi`` inclusive.

    Parameters
    ----------
    scores : array-like of float
        Missing scores are ignored.
    score_range : (float, float), optional
        The declared score range.

    Returns
    -------
    ndarray of float
        Ascending; empty when there is no range.
    """
    lo, hi = grid_range(scores, score_range=score_range)
    if math.isnan(lo):
        return np.array([], dtype="float64")
    step = round_step(lo, hi)
    start = math.floor(lo / step + 1e-9) * step
    n = int(math.floor((hi - start) / step + 1e-9)) + 1
    return np.round(start + step * np.arange(n, dtype="float64"), 10)


def default_bands(scores, *, score_range: Sequence[float] | None = None) -> tuple[float, float]:
    """The band layout: ``(lo, width)`` with ``width`` a tenth of the :func:`grid_range`.

    Returns
    -------
    (float, float)
        The lower end of the range and the band width (NaN, NaN without a
        range; width 1 for a range of one value).
    """
    lo, hi = grid_range(scores, score_range=score_range)
    if math.isnan(lo):
        return float("nan"), float("nan")
    return lo, (hi - lo) / 10 if hi > lo else 1.0


def _grid(outcomes, thresholds, score_range, *, score_column="score", engine=None) -> np.ndarray:
    if thresholds is not None and len(thresholds):
        return np.asarray(sorted({float(t) for t in thresholds}), dtype="float64")
    if score_range is not None and len(score_range):
        return default_thresholds([], score_range=score_range)
    # only the lowest and highest score matter, so only those two come back from the engine
    observed = observed_score_range(outcomes, score_column=score_column, engine=engine)
    return default_thresholds(observed)


@shared_docs
def threshold_sweep(
    outcomes,
    *,
    thresholds: Sequence[float] | None = None,
    score_range: Sequence[float] | None = None,
    score_column: str = "score",
    engine=None,
) -> pd.DataFrame:
    """Handed-off matured leads and their wins within the horizon, for each threshold t.

    The engine counts matured leads and wins per distinct score
    (:func:`~workbook.analyses.scoring.relational.score_won_counts`); the
    sweep is then a suffix sum over the (few) distinct scores, in numpy.

    Parameters
    ----------
    outcomes : DataFrame or ibis.Table
        Output of :func:`~workbook.analyses.scoring.lead_outcomes` (its
        ``.outcomes``), or the engine's
        :func:`~workbook.analyses.scoring.relational.outcome_table`; only
        the matured rows are counted.
    thresholds : sequence of float, optional
        The grid; None or empty gives :func:`default_thresholds` of all
        scored leads (or of ``score_range``).
    score_range : (float, float), optional
        Declared score range for the default grid.
    score_column : str
        Column holding the score.
    engine : Engine, optional
        Where the counts run (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        One row per threshold, columns :data:`SWEEP_COLUMNS`:
        ``handed_off`` = matured leads with score >= t (ties at t are handed
        off); ``wins`` = of them, won within the horizon; ``win_rate`` = wins
        / handed_off; ``share_of_wins`` = wins / all matured wins; ``lift`` =
        win_rate / base win rate (all matured wins / all matured leads);
        ``share_handed_off`` = handed_off / matured leads. Ratios with a zero
        denominator are NaN.
    """
    grid = _grid(outcomes, thresholds, score_range, score_column=score_column, engine=engine)
    cells = score_won_frame(outcomes, score_column=score_column, engine=engine)
    levels = cells["score"].to_numpy(dtype="float64")
    n_at = cells["n"].to_numpy(dtype="int64")
    wins_at = cells["wins"].to_numpy(dtype="int64")
    # suffix sums: leads (wins) with score >= levels[i]; one extra 0 for "no level >= t"
    handed_tail = np.append(np.cumsum(n_at[::-1])[::-1], 0)
    wins_tail = np.append(np.cumsum(wins_at[::-1])[::-1], 0)
    first = np.searchsorted(levels, grid, side="left")
    n, n_wins = int(n_at.sum()), int(wins_at.sum())
    return sweep_from_counts(grid, handed_tail[first], wins_tail[first], n=n, n_wins=n_wins)


def sweep_from_counts(grid, handed, wins, *, n: int, n_wins: int) -> pd.DataFrame:
    """The threshold sweep table from its counts; the ratios are defined here once.

    Parameters
    ----------
    grid, handed, wins : array-like
        Thresholds, and per threshold the matured leads and wins with score >= threshold.
    n, n_wins : int
        Matured leads and wins in the whole population.

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
                "share_handed_off": handed / n if n else np.nan,
            }
        )
    return out[SWEEP_COLUMNS]


@shared_docs
def threshold_comparison(
    outcomes: pd.DataFrame,
    *,
    thresholds: dict[str, float],
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Hand-off numbers of matured leads at named thresholds, with bootstrap CIs.

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
        ``win_rate``, ``win_rate_ci_low``, ``win_rate_ci_high``,
        ``share_of_wins``, ``share_of_wins_ci_low``,
        ``share_of_wins_ci_high``. Definitions as in :func:`threshold_sweep`;
        monthly volumes are in :func:`~workbook.analyses.scoring.capacity_table`.
    """
    res = matured_leads(outcomes)
    labels = list(thresholds)
    ts = np.array([thresholds[k] for k in labels], dtype="float64")
    levels, counts = score_cells(res["score"].to_numpy(dtype="float64"), res["won"].to_numpy(bool))
    first = np.searchsorted(levels, ts, side="left")  # first level >= t; NaN t -> none
    k = len(ts)

    def rates(c: np.ndarray) -> np.ndarray:
        wr, share, _, _ = threshold_rates_from_cells(c, first)
        return np.concatenate([wr, share], axis=-1)

    _, _, handed, wins = threshold_rates_from_cells(counts, first)
    point = rates(counts)
    if len(res):
        low, high = cell_bootstrap_interval(rates, counts, n_boot=n_boot, alpha=alpha, seed=seed)
    else:
        low = high = np.full(2 * k, np.nan)
    nan_t = np.isnan(ts)

    def col(v):
        return np.where(nan_t, np.nan, v)

    return pd.DataFrame(
        {
            "label": labels,
            "threshold": ts,
            "handed_off": col(handed),
            "wins": col(wins),
            "win_rate": col(point[:k]),
            "win_rate_ci_low": col(low[:k]),
            "win_rate_ci_high": col(high[:k]),
            "share_of_wins": col(point[k:]),
            "share_of_wins_ci_low": col(low[k:]),
            "share_of_wins_ci_high": col(high[k:]),
        }
    )


BAND_COLUMNS = [
    "lower",
    "upper",
    "matured",
    "wins",
    "win_rate",
    "ci_low",
    "ci_high",
    "base_win_rate",
    "ratio_to_base",
    "leads_per_year",
]


def band_between(
    outcomes: pd.DataFrame,
    *,
    lower: float,
    upper: float,
    leads_per_month: float = float("nan"),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """What moving the threshold between ``lower`` and ``upper`` gives up (or adds).

    The band is the matured leads with ``lower <= score < upper``.

    Parameters
    ----------
    {scoring_outcomes}
    lower, upper : float
        The two thresholds (swapped when given the other way round).
    leads_per_month : float
        Scored leads a month in the band, from the inflow
        (:func:`~workbook.analyses.scoring.capacity_table`: the difference of
        ``monthly_volume`` at the two thresholds); ``leads_per_year`` is 12
        times it.
    alpha : float
        The Wilson interval covers ``1 - alpha``.

    Returns
    -------
    DataFrame
        One row, columns ``lower``, ``upper``, ``matured`` (leads in the
        band), ``wins`` (won within the horizon), ``win_rate`` with Wilson
        ``ci_low``/``ci_high``, ``base_win_rate`` (all matured leads),
        ``ratio_to_base`` (win_rate / base_win_rate) and ``leads_per_year``.
        Rates are NaN when the band or the population is empty.
    """
    lower, upper = sorted((float(lower), float(upper)))
    res = matured_leads(outcomes)
    s = res["score"].to_numpy(dtype="float64")
    w = res["won"].to_numpy(dtype=bool)
    inside = (s >= lower) & (s < upper)
    n, k = int(inside.sum()), int(w[inside].sum())
    lo, hi = wilson_interval(k, n, alpha=alpha)
    base = w.mean() if len(w) else np.nan
    rate = k / n if n else np.nan
    return pd.DataFrame(
        {
            "lower": [lower],
            "upper": [upper],
            "matured": [n],
            "wins": [k],
            "win_rate": [rate],
            "ci_low": [float(lo)],
            "ci_high": [float(hi)],
            "base_win_rate": [base],
            "ratio_to_base": [rate / base if base else np.nan],
            "leads_per_year": [12 * leads_per_month],
        }
    )[BAND_COLUMNS]

"""(score level, won) cell counts: the AUC, threshold rates and their bootstrap, from counts.

Resampling matured leads with replacement only matters through how many
resampled leads fall in each (score level, won) cell; those counts are
multinomial. So :func:`score_cells` groups the leads once, and the AUC
(:func:`auc_from_cells`) and the hand-off numbers at thresholds
(:func:`threshold_rates_from_cells`) are computed from counts, for the
sample and for a batch of resamples (:func:`cell_bootstrap_interval`) alike.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

__all__ = [
    "BOOT_CHUNK_CELLS",
    "ScoreCells",
    "Interval",
    "ThresholdRates",
    "auc_from_cells",
    "cell_bootstrap_interval",
    "score_cells",
    "threshold_rates_from_cells",
]


class ScoreCells(NamedTuple):
    """What :func:`score_cells` returns (unpacks as ``levels, counts``)."""

    levels: np.ndarray
    counts: np.ndarray


class ThresholdRates(NamedTuple):
    """What :func:`threshold_rates_from_cells` returns (unpacks in this order)."""

    win_rate: np.ndarray
    share_of_wins: np.ndarray
    handed_off: np.ndarray
    wins: np.ndarray


class Interval(NamedTuple):
    """What :func:`cell_bootstrap_interval` returns (unpacks as ``low, high``)."""

    low: np.ndarray | float
    high: np.ndarray | float


def score_cells(scores, won) -> ScoreCells:
    """Distinct score levels and the (score level, won) cell counts of matured leads.

    Parameters
    ----------
    scores : array-like of float
        One score per resolved lead (no NaN).
    won : array-like of bool
        Whether each lead was won.

    Returns
    -------
    ScoreCells
        ``levels`` : ndarray, shape (L,), the distinct scores, ascending.
        ``counts`` : ndarray of int64, shape (L, 2):
        ``counts[i, 0]`` lost leads and ``counts[i, 1]`` won leads with score
        ``levels[i]``.
    """
    scores = np.asarray(scores, dtype="float64")
    won = np.asarray(won, dtype=bool)
    levels, codes = np.unique(scores, return_inverse=True)
    cells = codes.astype(np.int64).ravel() * 2 + won
    counts = np.bincount(cells, minlength=2 * len(levels)).reshape(-1, 2)
    return ScoreCells(levels, counts.astype(np.int64))


def auc_from_cells(counts: np.ndarray) -> np.ndarray:
    """AUC from (score level, won) cell counts, ties counted half.

    ``counts`` has shape ``(..., L, 2)`` (levels ascending, column 0 lost,
    column 1 won; leading axes are resamples). With ``pos``/``neg`` the won/lost
    counts per level, ``2U = sum_k pos_k * (2 * (lost leads below level k) +
    neg_k)`` in exact integer arithmetic, and AUC = ``U / (n_won * n_lost)``:
    the Mann-Whitney U of won against lost scores over the leads the counts
    describe. NaN where there are no wins or no losses.

    Parameters
    ----------
    counts : ndarray of int, shape (..., L, 2)
        Cell counts (:func:`score_cells`).

    Returns
    -------
    ndarray of float, shape (...)
    """
    counts = np.asarray(counts, dtype=np.int64)
    neg, pos = counts[..., 0], counts[..., 1]
    below = np.cumsum(neg, axis=-1) - neg
    two_u = (pos * (2 * below + neg)).sum(axis=-1)
    denom = pos.sum(axis=-1) * neg.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom > 0, (two_u / 2) / np.maximum(denom, 1), np.nan)


def threshold_rates_from_cells(counts: np.ndarray, first: np.ndarray) -> ThresholdRates:
    """Win rate, share of wins, handed-off and wins at thresholds, from cell counts.

    Parameters
    ----------
    counts : ndarray, shape (..., L, 2)
        Cell counts as from :func:`score_cells` (leading axes are resamples).
    first : ndarray of int, shape (k,)
        Per threshold t, the index of the first level ``>= t``
        (``np.searchsorted(levels, t, side="left")``; ``L`` hands off nobody).

    Returns
    -------
    ThresholdRates
        ``win_rate``, ``share_of_wins``, ``handed_off``, ``wins``: ndarrays, shape (..., k).
        ``handed_off`` = leads with score >= t and ``wins`` = won leads with
        score >= t (suffix sums over levels); ``win_rate`` = wins / handed_off
        (NaN when nobody is handed off); ``share_of_wins`` = wins / all wins
        (NaN when there are no wins).
    """
    counts = np.asarray(counts, dtype=np.int64)
    shape = counts.shape[:-2]
    tail = np.zeros((*shape, counts.shape[-2] + 1, 2), dtype=np.int64)
    tail[..., :-1, :] = np.flip(np.cumsum(np.flip(counts, axis=-2), axis=-2), axis=-2)
    at = tail[..., first, :]
    wins = at[..., 1]
    handed = at[..., 0] + wins
    total = counts[..., 1].sum(axis=-1)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        win_rate = np.where(handed > 0, wins / np.maximum(handed, 1), np.nan)
        share = np.where(total > 0, wins / np.maximum(total, 1), np.nan)
    return ThresholdRates(win_rate, share, handed, wins)


#: Largest (resamples x cells) count matrix drawn at once by the cell bootstrap.
BOOT_CHUNK_CELLS = 4_000_000


def cell_bootstrap_interval(
    statistic,
    counts: np.ndarray,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap of a statistic of (score level, won) cell counts.

    Resampling the ``n`` leads with replacement gives cell counts that are
    multinomial(``n``, cell count / ``n``), so each resample is drawn directly
    as such counts over the non-empty cells (``rng.multinomial``, at most
    :data:`BOOT_CHUNK_CELLS` resamples x cells at a time): O(cells) per
    resample instead of O(n). Deterministic for a seed; the interval is the
    ``alpha / 2`` and ``1 - alpha / 2`` quantiles of the resampled statistic,
    NaN resamples skipped.

    Parameters
    ----------
    statistic : callable
        Takes counts of shape ``(B, L, 2)`` and returns shape ``(B,)`` or
        ``(B, k)``.
    counts : ndarray, shape (L, 2)
        Cell counts of the sample (:func:`score_cells`); must total > 0.

    Returns
    -------
    Interval
        ``low``, ``high``: float or ndarray shaped like one resample's statistic.
    """
    counts = np.asarray(counts, dtype=np.int64)
    flat = counts.ravel()
    nz = np.flatnonzero(flat)
    n = int(flat.sum())
    p = flat[nz] / n
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, BOOT_CHUNK_CELLS // max(len(flat), 1)))
    draws = []
    for start in range(0, n_boot, chunk):  # loop over chunks of resamples, not rows
        b = min(chunk, n_boot - start)
        full = np.zeros((b, len(flat)), dtype=np.int64)
        full[:, nz] = rng.multinomial(n, p, size=b)
        draws.append(np.asarray(statistic(full.reshape(b, *counts.shape)), dtype="float64"))
    stat = np.concatenate(draws, axis=0)
    with warnings.catch_warnings():
        # a statistic NaN in every resample (e.g. a threshold no lead reaches, or none
        # recommended) has a NaN interval, not a warning in the report
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)
        low = np.nanquantile(stat, alpha / 2, axis=0)
        high = np.nanquantile(stat, 1 - alpha / 2, axis=0)
    return Interval(low, high)

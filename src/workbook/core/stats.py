"""Shared statistics, written once: proportion intervals and the bootstrap."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint


def wilson_interval(successes, trials, *, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions, vectorised.

    Uses :func:`statsmodels.stats.proportion.proportion_confint` with
    ``method="wilson"``, clipped so that ``low <= k/n <= high`` holds exactly.
    Where ``trials`` is 0 both bounds are NaN.

    Parameters
    ----------
    successes, trials : array-like of int
        Counts, broadcast against each other.
    alpha : float
        1 - confidence level; 0.05 gives a 95% interval.

    Returns
    -------
    (low, high) : tuple of float arrays
    """
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    safe_n = np.where(n > 0, n, 1.0)
    low, high = proportion_confint(k, safe_n, alpha=alpha, method="wilson")
    # Floating-point rounding can put a bound a hair on the wrong side of the
    # estimate (2.8e-17 above a 0% rate); charts drawing error bars need
    # low <= rate <= high exactly.
    rate = k / safe_n
    low = np.where(n > 0, np.minimum(low, rate), np.nan)
    high = np.where(n > 0, np.maximum(high, rate), np.nan)
    return np.asarray(low, dtype="float64"), np.asarray(high, dtype="float64")


def add_wilson(
    frame: pd.DataFrame,
    successes: str,
    trials: str,
    *,
    rate: str = "rate",
    low: str = "ci_low",
    high: str = "ci_high",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Return ``frame`` with rate and Wilson bounds columns added."""
    lo, hi = wilson_interval(frame[successes], frame[trials], alpha=alpha)
    n = frame[trials].to_numpy(dtype="float64")
    out = frame.copy()
    out[rate] = np.where(
        n > 0, frame[successes].to_numpy(dtype="float64") / np.where(n > 0, n, 1), np.nan
    )
    out[low] = lo
    out[high] = hi
    return out


def bootstrap_interval(
    statistic: Callable[[np.ndarray], float | np.ndarray],
    n_rows: int,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of a statistic over resampled row indices.

    Parameters
    ----------
    statistic : callable
        Takes an integer index array (a resample of ``range(n_rows)``) and
        returns a float or a 1-d array of floats.
    n_rows : int
        Number of rows to resample.
    n_boot, alpha, seed
        Number of resamples, 1 - confidence level, and the RNG seed (results
        are deterministic for a given seed).

    Returns
    -------
    (low, high) : arrays shaped like the statistic
    """
    rng = np.random.default_rng(seed)
    draws = np.array(
        [statistic(rng.integers(0, n_rows, n_rows)) for _ in range(n_boot)], dtype="float64"
    )
    low = np.nanquantile(draws, alpha / 2, axis=0)
    high = np.nanquantile(draws, 1 - alpha / 2, axis=0)
    return low, high

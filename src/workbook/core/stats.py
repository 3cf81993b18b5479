"""Shared statistics, written once: proportion intervals, the bootstrap, Fisher's exact test,
the one-sided Mann-Whitney test, the Mantel-Haenszel pooled odds ratio."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import chi2, hypergeom, mannwhitneyu
from scipy.stats import norm as stats_norm
from statsmodels.stats.proportion import proportion_confint


class WaldEstimates:
    """Normal-theory summaries of a fit's ``params`` and ``cov`` (a mixin for fit results).

    The classes that use it (:class:`workbook.core.glm.BinomialFit`,
    :class:`workbook.core.logit.ClusteredLogit`) hold ``params`` (k,) and
    ``cov`` (k, k); these are statsmodels' ``bse``, ``tvalues``, ``pvalues``
    and ``conf_int`` for a model with a normal reference distribution.
    """

    @property
    def bse(self) -> np.ndarray:
        """Standard errors of ``params``."""
        return np.sqrt(np.diag(self.cov))

    @property
    def tvalues(self) -> np.ndarray:
        """Wald ``z`` statistics, ``params / bse``."""
        return self.params / self.bse

    @property
    def pvalues(self) -> np.ndarray:
        """Two-sided normal p-values of :attr:`tvalues`."""
        return stats_norm.sf(np.abs(self.tvalues)) * 2

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """Wald intervals, shape ``(k, 2)`` (low, high), as statsmodels' ``conf_int``."""
        q = stats_norm.ppf(1 - alpha / 2)
        bse = self.bse
        return np.column_stack([self.params - q * bse, self.params + q * bse])


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


#: scipy's relative tolerance for "as likely as the observed table" in the two-sided Fisher test.
_FISHER_GAMMA = 1 + 1e-14
#: Below this the pmf of a table's tail is near the subnormal range: searched on the exact pmf.
_FISHER_TINY = 1e-250


def fisher_exact_pvalues(tables) -> np.ndarray:
    """Two-sided Fisher exact p-values of many 2 x 2 tables at once.

    The same computation as :func:`scipy.stats.fisher_exact` (scipy 1.17,
    ``alternative="two-sided"``), run on arrays instead of one table per
    call: for a table ``[[a, b], [c, d]]`` under the hypergeometric law of
    ``a`` given the margins, the p-value is the probability of the tables no
    more likely than the observed one (``pmf <= pmf(a) * (1 + 1e-14)``),
    found as scipy finds it: the tail on the observed side of the mode
    (``hypergeom.cdf`` or ``sf``) plus the tail beyond the point on the
    other side located by binary search on the pmf. A table with an empty
    row or column has p = 1, as has a table as likely as the mode.

    Parameters
    ----------
    tables : array-like of non-negative int, shape (..., 2, 2)
        ``tables[..., 0, 0]`` is ``a``, ``[..., 0, 1]`` is ``b``,
        ``[..., 1, 0]`` is ``c``, ``[..., 1, 1]`` is ``d``.

    Returns
    -------
    ndarray of float, shape (...)
        The p-values, at most 1.

    Raises
    ------
    ValueError
        The last two axes are not 2 x 2, or a count is negative.
    """
    c = np.asarray(tables, dtype=np.int64)
    if c.shape[-2:] != (2, 2):
        raise ValueError("The tables must be 2 x 2 (shape (..., 2, 2)).")
    if np.any(c < 0):
        raise ValueError("All values in the tables must be nonnegative.")
    shape = c.shape[:-2]
    c = c.reshape(-1, 2, 2)
    a, b, cc, d = c[:, 0, 0], c[:, 0, 1], c[:, 1, 0], c[:, 1, 1]
    n1, n2, n = a + b, cc + d, a + cc
    total = n1 + n2
    pvalue = np.ones(len(a))
    live = (n1 > 0) & (n2 > 0) & (n > 0) & (b + d > 0)  # else an empty row or column: p = 1
    idx = np.flatnonzero(live)
    a, total, n1, n = a[idx], total[idx], n1[idx], n[idx]

    def pmf(x, rows, log=False):
        law = hypergeom.logpmf if log else hypergeom.pmf
        return law(x, total[rows], n1[rows], n[rows])

    everyone = np.arange(len(idx))
    mode = ((n + 1) * (n1 + 1) / (total + 2)).astype(np.int64)
    pexact, pmode = pmf(a, everyone), pmf(mode, everyone)
    with np.errstate(invalid="ignore", divide="ignore"):
        as_mode = np.abs(pexact - pmode) / np.maximum(pexact, pmode) <= 1e-14
    out = np.ones(len(idx))
    bound = pexact * _FISHER_GAMMA
    lower = ~as_mode & (a < mode)
    upper = ~as_mode & ~lower
    # Observed below the mode: its lower tail, plus the upper tail past the
    # last point (searched in [mode, n]) no more likely than it.
    rows = np.flatnonzero(lower)
    tail = hypergeom.cdf(a[rows], total[rows], n1[rows], n[rows])
    far = pmf(n[rows], rows) > bound[rows]
    guess = _search_pmf(pmf, rows, -bound[rows], mode[rows], n[rows], sign=-1.0)
    other = hypergeom.sf(guess, total[rows], n1[rows], n[rows])
    out[rows] = np.where(far, tail, tail + other)
    # Observed at or above the mode: its upper tail, plus the lower tail up to
    # the last point (searched in [0, mode]) no more likely than it.
    rows = np.flatnonzero(upper)
    tail = hypergeom.sf(a[rows] - 1, total[rows], n1[rows], n[rows])
    far = pmf(np.zeros(len(rows), dtype=np.int64), rows) > bound[rows]
    guess = _search_pmf(pmf, rows, bound[rows], np.zeros(len(rows), dtype=np.int64), mode[rows])
    other = hypergeom.cdf(guess, total[rows], n1[rows], n[rows])
    out[rows] = np.where(far, tail, tail + other)
    pvalue[idx] = np.minimum(out, 1.0)
    return pvalue.reshape(shape)


def _search_pmf(pmf, rows, target, lo, hi, *, sign: float = 1.0) -> np.ndarray:
    """scipy's ``_binary_search`` run on many tables at once.

    For each of ``rows``, the ``i`` in ``[lo - 1, hi]`` with ``f(i) <= target
    < f(i + 1)``, where ``f = sign * pmf`` is ascending on ``[lo, hi]``.
    scipy's pmf (boost's) costs time in proportion to the table's total, so
    the search first runs on the fast log-gamma ``hypergeom.logpmf`` and the
    answer is checked with two exact pmf values; the rows where the check
    fails (a value within rounding of the target), or whose target is so
    small that the pmf's values are subnormal or zero (not strictly monotone,
    so scipy's answer depends on its search path), take scipy's search on the
    exact pmf, with its early stop on an exact hit.
    """
    guess = _bisect(lambda x, at: sign * np.exp(pmf(x, rows[at], log=True)), target, lo, hi)
    inside = (guess >= lo) & (guess <= hi)
    ok = np.ones(len(rows), dtype=bool)
    at = np.flatnonzero(inside)
    ok[at] = sign * pmf(guess[at], rows[at]) <= target[at]
    at = np.flatnonzero(guess < hi)
    ok[at] &= target[at] < sign * pmf(guess[at] + 1, rows[at])
    at = np.flatnonzero(guess < lo)  # every value above the target: f(lo) > target
    ok[at] &= target[at] < sign * pmf(lo[at], rows[at])
    redo = np.flatnonzero(~ok | (np.abs(target) < _FISHER_TINY))
    if len(redo):
        guess[redo] = _bisect(
            lambda x, at: sign * pmf(x, rows[redo[at]]), target[redo], lo[redo], hi[redo]
        )
    return guess


def _bisect(value, target, lo, hi) -> np.ndarray:
    """scipy's ``_binary_search`` on arrays; ``value(x, at)`` is ascending for the rows ``at``."""
    lo, hi = lo.copy(), hi.copy()
    found = np.full(len(target), -1, dtype=np.int64)
    active = lo < hi
    while active.any():  # halvings of the search range (about 40 at most), not rows
        at = np.flatnonzero(active)
        mid = lo[at] + (hi[at] - lo[at]) // 2
        v = value(mid, at)
        below, above = v < target[at], v > target[at]
        lo[at[below]] = mid[below] + 1
        hi[at[above]] = mid[above] - 1
        hit = ~below & ~above
        found[at[hit]] = mid[hit]
        active[at[hit]] = False
        active &= lo < hi
    rest = np.flatnonzero(found < 0)
    last = value(lo[rest], rest) <= target[rest]
    found[rest] = np.where(last, lo[rest], lo[rest] - 1)
    return found


def mann_whitney_greater(x, y) -> tuple[float, float]:
    """``scipy.stats.mannwhitneyu(x, y, alternative="greater")``, sorting the values once.

    scipy ranks the pooled sample with an argsort and builds every rank; on
    millions of scores only the ranks of ``x`` are needed. Here the pooled
    values are sorted once and each ``x`` value's average rank is read off
    by binary search (``(left + right + 1) / 2`` of its tie group), with
    scipy's asymptotic p-value: the normal approximation with the tie
    correction ``sum(t**3 - t)`` and the continuity correction of 0.5. Where
    scipy would take another path (an empty sample, a NaN, or its exact test
    for two samples of at most 8 values without ties) scipy is called.

    Parameters
    ----------
    x, y : array-like of float, 1-d
        The two samples; the alternative is that ``x`` tends to be larger.

    Returns
    -------
    (u1, p) : tuple of float
        scipy's ``statistic`` (the U of ``x``) and ``pvalue``.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    n1, n2 = len(x), len(y)

    def by_scipy():
        res = mannwhitneyu(x, y, alternative="greater")
        return float(res.statistic), float(res.pvalue)

    if n1 == 0 or n2 == 0 or np.isnan(x).any() or np.isnan(y).any():
        return by_scipy()
    values = np.sort(np.concatenate([x, y]))
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    ties = np.diff(np.append(starts, len(values))).astype("float64")
    if not (n1 > 8 and n2 > 8) and not (ties > 1).any():
        return by_scipy()
    # Sorted keys make each binary search start where the last ended. Every
    # average rank is a multiple of 1/2 and every partial sum of them is below
    # n1 * (n1 + n2) < 2**52, so the sum is exact in any order: the same u1.
    keys = np.sort(x) if n1 * (n1 + n2) < 2**52 else x
    left = np.searchsorted(values, keys, side="left")
    right = np.searchsorted(values, keys, side="right")
    u1 = float(np.sum((left + right + 1) / 2.0)) - n1 * (n1 + 1) / 2
    n = n1 + n2
    tie_term = float(np.sum(ties**3 - ties))
    s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (u1 - n1 * n2 / 2 - 0.5) / s
    return u1, float(np.clip(special.ndtr(-z), 0.0, 1.0))


class MantelHaenszel(NamedTuple):
    """What :func:`mantel_haenszel` returns, one value per set of stratified tables."""

    #: The Mantel-Haenszel pooled odds ratio.
    odds_ratio: np.ndarray
    #: Its Wald interval on the log scale (Robins-Breslow-Greenland variance).
    low: np.ndarray
    high: np.ndarray
    #: The Cochran-Mantel-Haenszel test of a common odds ratio of 1 (no continuity correction).
    pvalue: np.ndarray


def mantel_haenszel(tables, use, *, alpha: float = 0.05) -> MantelHaenszel:
    """statsmodels' ``StratifiedTable`` pooled odds ratio, interval and test, for many sets at once.

    For each set ``i`` the strata ``s`` with ``use[i, s]`` are the tables of
    one ``StratifiedTable(tables[i][:, :, use[i]])``; its
    ``oddsratio_pooled``, ``oddsratio_pooled_confint(alpha)`` and
    ``test_null_odds(correction=False).pvalue`` are computed with
    statsmodels' formulas on arrays, strata left out adding 0 to every sum. A
    set with no stratum used is NaN throughout, as is a p-value that is not
    finite.

    Parameters
    ----------
    tables : array-like, shape (m, 2, 2, K)
        ``tables[i, :, :, s]`` is the 2 x 2 table of stratum ``s`` of set ``i``.
    use : array-like of bool, shape (m, K)
        The strata taken into each set.
    alpha : float, default 0.05
        1 - the interval's confidence level.

    Returns
    -------
    MantelHaenszel
    """
    t = np.asarray(tables, dtype="float64")
    use = np.asarray(use, dtype=bool)
    a, b, c, d = t[:, 0, 0, :], t[:, 0, 1, :], t[:, 1, 0, :], t[:, 1, 1, :]
    apb, apc, bpd, cpd = a + b, a + c, b + d, c + d
    ad, bc, apd = a * d, b * c, a + d
    n = (a + c) + (b + d)

    def total(values):
        return np.where(use, values, 0.0).sum(axis=1)

    with np.errstate(divide="ignore", invalid="ignore"):
        adns, bcns = total(ad / n), total(bc / n)
        odds = adns / bcns
        var = total(apd * ad / n**2) / adns**2
        mid = apd * bc / n**2
        mid += (1 - apd / n) * ad / n
        var += total(mid) / (adns * bcns)
        var += total((1 - apd / n) * bc / n) / bcns**2
        se = np.sqrt(var / 2)
        f = -stats_norm.ppf(alpha / 2)
        lor = np.log(odds)
        low, high = np.exp(lor - f * se), np.exp(lor + f * se)
        statistic = np.abs(total(a - apb * apc / n)) ** 2
        denom = apb * apc * bpd * cpd
        denom /= n**2 * (n - 1)
        statistic /= total(denom)
        pvalue = 1 - chi2.cdf(statistic, 1)
    pvalue = np.where(np.isfinite(pvalue), pvalue, np.nan)
    none = ~use.any(axis=1)
    out = [np.where(none, np.nan, v) for v in (odds, low, high, pvalue)]
    return MantelHaenszel(*out)

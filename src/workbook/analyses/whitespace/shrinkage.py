"""Empirical-Bayes shrinkage: the beta-binomial concentration ``kappa`` by maximum marginal likelihood.

A cell is a group of ``n`` accounts (a family, or an industry) and a product
with book adoption ``p0``; ``k`` of the ``n`` own it. Under the model the
cell's rate is drawn from Beta(kappa * p0, kappa * (1 - p0)) and ``k`` is
binomial given the rate, so ``k`` is beta-binomial. A small ``kappa`` means
rates vary a lot between groups (members of a group are alike); a large one
means every group looks like the book (members are hardly more alike than
random accounts). The shrunk rate of ``k`` owners among ``n`` is then
``(k + kappa * p0) / (n + kappa)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import optimize, special, stats

__all__ = ["BetaBinomialCells", "KappaFit", "fit_kappa", "kappa_sentence"]

#: Search range of ``kappa`` (pseudo-members), on the log scale.
KAPPA_BOUNDS = (1e-2, 1e5)


class KappaFit(NamedTuple):
    """What :func:`fit_kappa` returns."""

    #: The maximum-marginal-likelihood concentration (NaN: no usable cell).
    kappa: float
    #: Cells used (``n >= min_trials`` and ``0 < p0 < 1``).
    cells: int
    #: The maximised log marginal likelihood.
    loglik: float
    #: True when the optimum is at an end of :data:`KAPPA_BOUNDS`.
    at_bound: bool


def fit_kappa(successes, trials, *, prior_mean, min_trials: int = 2) -> KappaFit:
    """Concentration ``kappa`` of a beta-binomial with known per-cell means, by maximum likelihood.

    Maximises ``sum log BetaBinom(k | n, kappa * p0, kappa * (1 - p0))`` over
    ``kappa`` (``scipy.stats.betabinom`` and a bounded scalar search on
    ``log kappa``, ``scipy.optimize.minimize_scalar``) over the cells with
    ``n >= min_trials`` and ``0 < p0 < 1`` (a product nobody or everybody
    owns says nothing about ``kappa``).

    Parameters
    ----------
    successes, trials : array-like
        ``k`` and ``n`` per cell.
    prior_mean : array-like
        ``p0`` per cell.
    min_trials : int, default 2
        Least ``n`` of a cell used (one member says nothing about likeness).

    Returns
    -------
    KappaFit
    """
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    p0 = np.broadcast_to(np.asarray(prior_mean, dtype="float64"), k.shape)
    use = (n >= min_trials) & (p0 > 0) & (p0 < 1) & np.isfinite(k)
    k, n, p0 = k[use], n[use], p0[use]
    if len(k) == 0:
        return KappaFit(float("nan"), 0, float("nan"), False)
    logpmf = BetaBinomialCells(k, n, p0)

    def nll(log_kappa: float) -> float:
        return -float(logpmf(np.exp(log_kappa)).sum())

    lo, hi = np.log(KAPPA_BOUNDS[0]), np.log(KAPPA_BOUNDS[1])
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    at_bound = bool(min(res.x - lo, hi - res.x) < 1e-3)
    return KappaFit(float(np.exp(res.x)), int(len(k)), float(-res.fun), at_bound)


class BetaBinomialCells:
    """``kappa -> stats.betabinom.logpmf(k, n, kappa * p0, kappa * (1 - p0))`` of fixed cells, bitwise.

    scipy's beta-binomial log pmf is ``combiln + betaln(k + a, n - k + b) -
    betaln(a, b)`` with ``combiln = -log(n + 1) - betaln(n - k + 1, k + 1)``
    (``a = kappa p0``, ``b = kappa (1 - p0)``), placed in an array of the
    cells' shape where scipy's argument checks pass. The cells of a book
    repeat few values: ``combiln`` does not depend on ``kappa`` and is
    computed once, per distinct ``(k, n, p0)``; ``betaln(a, b)`` once per
    distinct ``p0`` and ``betaln(k + a, n - k + b)`` once per distinct
    ``(k, n, p0)``, then taken back to the cells by code. The same floating-point operations on
    the same values: the same array, so the same sum. Where scipy's checks
    would fail (``n`` not a non-negative integer, ``k`` outside ``0..n`` or
    not an integer, ``a`` or ``b`` not positive) scipy is called.

    Parameters
    ----------
    k, n, p0 : ndarray of float, 1-d
        Successes, trials and prior mean of each cell.
    """

    def __init__(self, k: np.ndarray, n: np.ndarray, p0: np.ndarray):
        self.k, self.n, self.p0 = k, n, p0
        self.simple = bool(
            np.all((n >= 0) & (np.floor(n) == n) & (k >= 0) & (k <= n) & (np.floor(k) == k))
        )
        if not self.simple:
            return
        self.p_values, p_code = np.unique(p0, return_inverse=True)
        self.p_code = p_code.reshape(-1)
        triple = np.stack([k, n, self.p_code.astype("float64")], axis=1)
        uniq, t_code = np.unique(triple, axis=0, return_inverse=True)
        self.t_code = t_code.reshape(-1)
        self.t_k, self.t_n, self.t_p = uniq[:, 0], uniq[:, 1], uniq[:, 2].astype(np.int64)
        # scipy's k = floor(x) is k itself (an integer), and its combiln, per (k, n, p0):
        combiln = -np.log(self.t_n + 1) - special.betaln(self.t_n - self.t_k + 1, self.t_k + 1)
        self.combiln = combiln[self.t_code]

    def __call__(self, kappa: float) -> np.ndarray:
        if self.simple:
            a_p = kappa * self.p_values
            b_p = kappa * (1 - self.p_values)
        if not self.simple or not bool(np.all((a_p > 0) & (b_p > 0))):
            return stats.betabinom.logpmf(self.k, self.n, kappa * self.p0, kappa * (1 - self.p0))
        term = special.betaln(self.t_k + a_p[self.t_p], self.t_n - self.t_k + b_p[self.t_p])
        out = self.combiln + term[self.t_code]
        out -= special.betaln(a_p, b_p)[self.p_code]
        return out


def kappa_sentence(kappa: float, *, what: str = "siblings") -> str:
    """One sentence saying what ``kappa`` means for the shrunk rates.

    ``kappa`` is in pseudo-members: a family's own owners count as much as
    the book's adoption only once the family has ``kappa`` other members.
    """
    if not np.isfinite(kappa):
        return f"There is too little data to estimate how alike {what} are (no κ)."
    if kappa >= 30:
        tone = "are only slightly more alike than random accounts"
    elif kappa >= 5:
        tone = "are moderately alike"
    else:
        tone = "are strongly alike"
    return (
        f"κ = {kappa:,.1f}: {what} {tone}; a group's own adoption weighs as much as the "
        f"book's only once it has {kappa:,.0f} members, so small groups are pulled "
        "towards the book rate."
    )

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
from scipy import optimize, stats

__all__ = ["KappaFit", "fit_kappa", "kappa_sentence"]

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

    def nll(log_kappa: float) -> float:
        kappa = np.exp(log_kappa)
        return -float(stats.betabinom.logpmf(k, n, kappa * p0, kappa * (1 - p0)).sum())

    lo, hi = np.log(KAPPA_BOUNDS[0]), np.log(KAPPA_BOUNDS[1])
    res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    at_bound = bool(min(res.x - lo, hi - res.x) < 1e-3)
    return KappaFit(float(np.exp(res.x)), int(len(k)), float(-res.fun), at_bound)


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

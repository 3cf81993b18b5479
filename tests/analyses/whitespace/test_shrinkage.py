"""Empirical-Bayes ``kappa`` (``whitespace.shrinkage``): planted concentrations are recovered."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from workbook.analyses.whitespace.shrinkage import BetaBinomialCells, fit_kappa, kappa_sentence


def _cells(kappa: float, *, cells: int, seed: int):
    rng = np.random.default_rng(seed)
    p0 = rng.uniform(0.1, 0.5, cells)
    n = rng.integers(2, 30, cells)
    rate = rng.beta(kappa * p0, kappa * (1 - p0))
    return rng.binomial(n, rate), n, p0


@pytest.mark.parametrize(("kappa", "cells", "tolerance"), [(5.0, 2000, 0.2), (100.0, 6000, 0.5)])
def test_planted_kappa_is_recovered(kappa, cells, tolerance):
    k, n, p0 = _cells(kappa, cells=cells, seed=int(kappa))
    fit = fit_kappa(k, n, prior_mean=p0)
    assert fit.cells == cells and not fit.at_bound
    assert abs(np.log(fit.kappa / kappa)) < tolerance


def test_fit_maximises_the_beta_binomial_likelihood():
    k, n, p0 = _cells(8.0, cells=300, seed=3)
    fit = fit_kappa(k, n, prior_mean=p0)

    def loglik(kappa):
        return stats.betabinom.logpmf(k, n, kappa * p0, kappa * (1 - p0)).sum()

    assert fit.loglik == pytest.approx(loglik(fit.kappa), rel=1e-9)
    assert loglik(fit.kappa) >= max(loglik(fit.kappa * 1.05), loglik(fit.kappa / 1.05))


def test_cells_without_information_are_left_out():
    # n = 1 (one member), p0 = 0 (nobody owns) and p0 = 1 say nothing about kappa.
    fit = fit_kappa([1, 0, 3], [1, 4, 3], prior_mean=[0.3, 0.0, 1.0])
    assert fit.cells == 0 and np.isnan(fit.kappa)
    assert "too little data" in kappa_sentence(fit.kappa)


def test_sentence_says_what_kappa_means():
    assert "only slightly more alike than random accounts" in kappa_sentence(100.0)
    assert "strongly alike" in kappa_sentence(2.0)


def test_cells_log_pmf_is_scipys_bitwise():
    rng = np.random.default_rng(6)
    m = 5_000
    n = rng.integers(0, 40, m).astype("float64")
    k = np.floor(rng.random(m) * (n + 1))
    p0 = rng.choice(rng.uniform(0.01, 0.9, 30), m)  # few distinct book adoptions, as in a book
    cells = BetaBinomialCells(k, n, p0)
    assert cells.simple and len(cells.p_values) == len(np.unique(p0))
    for kappa in (0.01, 0.37, 5.0, 71.3, 1e5):
        ours = cells(kappa)
        ref = stats.betabinom.logpmf(k, n, kappa * p0, kappa * (1 - p0))
        np.testing.assert_array_equal(ours, ref)
        assert ours.sum() == ref.sum()
    # Hand value: k = 1 of n = 2 with a = b = 1 (kappa 2, p0 0.5) is uniform on 0..2: log(1/3).
    one = BetaBinomialCells(np.array([1.0]), np.array([2.0]), np.array([0.5]))
    assert one(2.0)[0] == pytest.approx(np.log(1 / 3), rel=1e-12)


def test_cells_outside_scipys_support_take_scipys_answer():
    # k above n and a fractional n: scipy's -inf and NaN, not the formula's numbers.
    k, n, p0 = np.array([3.0, 1.0, 1.0]), np.array([2.0, 2.5, 2.0]), np.array([0.3, 0.3, 0.3])
    cells = BetaBinomialCells(k, n, p0)
    assert not cells.simple
    np.testing.assert_array_equal(cells(4.0), stats.betabinom.logpmf(k, n, 4.0 * p0, 4.0 * (1 - p0)))

"""clustered_logit: statsmodels' Newton Logit with clustered SEs, read in blocks of rows."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from workbook.core import logit
from workbook.core.logit import clustered_logit

#: The planted model: logit P = -1 + 0.5 a - 0.8 b + 0.3 c, plus a shared effect per group.
TRUTH = np.array([-1.0, 0.5, -0.8, 0.3])


def planted(n: int = 6_000, groups: int = 700, seed: int = 5, coef=TRUTH):
    """Rows in clusters of uneven size, with a random effect per cluster (so clustering matters)."""
    rng = np.random.default_rng(seed)
    g = np.sort(rng.integers(0, groups, n))
    x = sm.add_constant(np.column_stack([rng.normal(size=n), rng.random(n), rng.integers(0, 4, n)]))
    effect = rng.normal(scale=0.8, size=groups)[g]
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ coef + effect)))).astype("float64")
    return x, y, g


def statsmodels_fit(y, x, g, **kw):
    return sm.Logit(y, x).fit(disp=0, cov_type="cluster", cov_kwds={"groups": g}, **kw)


@pytest.fixture(params=[1 << 12, 97], ids=["one block", "many blocks"])
def block_rows(request, monkeypatch):
    monkeypatch.setattr(logit, "BLOCK_ROWS", request.param)
    return request.param


def test_equals_statsmodels_clustered_logit(block_rows):
    x, y, g = planted()
    ref = statsmodels_fit(y, x, g, maxiter=200)
    fit = clustered_logit(y, x, g, maxiter=200)
    assert fit.iterations == ref.mle_retvals["iterations"]
    assert fit.converged and ref.mle_retvals["converged"]
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-10, atol=0)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-8, atol=0)
    np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-8, atol=0)
    np.testing.assert_allclose(fit.tvalues, ref.tvalues, rtol=1e-8, atol=0)
    np.testing.assert_allclose(fit.pvalues, ref.pvalues, rtol=1e-7, atol=1e-300)
    np.testing.assert_allclose(fit.conf_int(), ref.conf_int(), rtol=1e-8, atol=0)
    np.testing.assert_allclose(fit.predict(x), ref.predict(x), rtol=1e-12, atol=0)
    assert fit.n_groups == len(np.unique(g)) and fit.n_obs == len(y)
    assert fit.endog_mean == pytest.approx(y.mean(), rel=1e-15)


def test_clustering_widens_the_errors_of_a_shared_effect():
    # A cluster effect makes rows of one cluster alike: the clustered SEs exceed the plain ones.
    x, y, g = planted()
    fit = clustered_logit(y, x, g)
    plain = sm.Logit(y, x).fit(disp=0)
    assert fit.bse[0] > plain.bse[0]
    # Each row its own cluster: the covariance is the HC sandwich with the same correction.
    alone = clustered_logit(y, x, np.arange(len(y)))
    ref = statsmodels_fit(y, x, np.arange(len(y)))
    np.testing.assert_allclose(alone.bse, ref.bse, rtol=1e-8)


def test_group_labels_need_not_be_dense_or_sorted():
    x, y, g = planted(n=2_000, groups=150)
    sparse = g * 7 + 3  # gaps between labels
    shuffled = np.random.default_rng(1).permutation(len(y))
    ref = statsmodels_fit(y[shuffled], x[shuffled], sparse[shuffled])
    fit = clustered_logit(y[shuffled], x[shuffled], sparse[shuffled])
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-8)
    assert fit.n_groups == len(np.unique(g))
    # Only the partition counts: labels below zero (statsmodels' bincount refuses them) give
    # the same fit as the same groups labelled from zero.
    negative = clustered_logit(y, x, g - 40)
    np.testing.assert_allclose(negative.bse, clustered_logit(y, x, g).bse, rtol=1e-12)


def test_one_binary_covariate_by_hand():
    # Rates 1/4 (x = 0) and 3/4 (x = 1): intercept logit(1/4) = log(1/3), slope log(9).
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0], dtype=float)
    x = sm.add_constant(np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=float))
    fit = clustered_logit(y, x, np.arange(8))
    np.testing.assert_allclose(fit.params, [np.log(1 / 3), np.log(9)], rtol=1e-9)
    np.testing.assert_allclose(fit.predict(x), [0.25] * 4 + [0.75] * 4, rtol=1e-9)


def test_not_converged_warns_like_statsmodels():
    x, y, g = planted(n=1_000, groups=100)
    with pytest.warns(ConvergenceWarning):
        fit = clustered_logit(y, x, g, maxiter=2)
    with pytest.warns(ConvergenceWarning):
        ref = statsmodels_fit(y, x, g, maxiter=2)
    assert not fit.converged and fit.iterations == 2
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-10)


def test_perfect_separation_warns_like_statsmodels():
    x = sm.add_constant(np.array([-3.0, -2, -1, 1, 2, 3]))
    y = np.array([0.0, 0, 0, 1, 1, 1])
    g = np.arange(6)
    with warnings.catch_warnings(record=True) as mine:
        warnings.simplefilter("always")
        clustered_logit(y, x, g, maxiter=200)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        try:
            statsmodels_fit(y, x, g, maxiter=200)
        except np.linalg.LinAlgError:
            pass
    assert any(issubclass(w.category, PerfectSeparationWarning) for w in theirs)
    assert any(issubclass(w.category, PerfectSeparationWarning) for w in mine)


def test_singular_design_raises():
    x = np.column_stack([np.ones(50), np.arange(50.0), 2 * np.arange(50.0)])
    y = (np.arange(50) % 3 == 0).astype(float)
    with pytest.raises(np.linalg.LinAlgError):
        statsmodels_fit(y, x, np.arange(50))
    with pytest.raises(np.linalg.LinAlgError):
        clustered_logit(y, x, np.arange(50))


def test_groups_of_the_wrong_length_are_refused():
    x, y, g = planted(n=100, groups=10)
    with pytest.raises(ValueError, match="groups has 99 values for 100 rows"):
        clustered_logit(y, x, g[:-1])

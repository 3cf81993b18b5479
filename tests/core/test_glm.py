"""binomial_glm: statsmodels' IRLS without its copies; the grouped fit equals the row fit."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from workbook.core import glm
from workbook.core.glm import binomial_glm, distinct_rows

#: The planted model: logit P = -2 + 0.4 a - 0.5 b + 0.3 c.
TRUTH = np.array([-2.0, 0.4, -0.5, 0.3])


def planted(n: int = 40_000, seed: int = 3, coef=TRUTH):
    """Few distinct covariate rows (a in 0..4, b in {0, 0.7, 1.4}, c rounded to 0.5)."""
    rng = np.random.default_rng(seed)
    x = sm.add_constant(
        np.column_stack(
            [
                rng.integers(0, 5, n),
                rng.integers(0, 3, n) * 0.7,
                (rng.normal(size=n) * 2).round() / 2,
            ]
        )
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ coef)))).astype("float64")
    return x, y


def test_planted_coefficients_are_recovered():
    x, y = planted()
    fit = binomial_glm(y, x)
    assert fit.converged
    # Each coefficient within 4 standard errors of the planted value; the SEs are small.
    assert np.all(np.abs(fit.params - TRUTH) < 4 * fit.bse)
    assert np.all(fit.bse < 0.05)
    low, high = fit.conf_int().T
    assert np.all((low < TRUTH) & (TRUTH < high))


def test_no_signal_interval_covers_zero():
    x, y = planted(coef=np.array([-2.0, 0.0, 0.0, 0.0]))
    low, high = binomial_glm(y, x).conf_int()[1:].T
    assert np.all((low < 0) & (0 < high))


def test_row_fit_is_statsmodels_glm():
    x, y = planted(n=5_000)
    ref = sm.GLM(y, x, family=sm.families.Binomial()).fit()
    fit = binomial_glm(y, x)
    assert fit.iterations == ref.fit_history["iteration"]
    # The same Newton steps (solved by Cholesky, not lstsq) and the same pseudo-inverse
    # (from a QR, not an SVD of the n x k design): equal up to rounding.
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-12, atol=0)
    np.testing.assert_allclose(fit.conf_int(), ref.conf_int(), rtol=1e-12, atol=0)
    np.testing.assert_allclose(fit.predict(x), ref.predict(x), rtol=1e-12, atol=0)
    assert fit.deviance == pytest.approx(ref.deviance, rel=1e-12)


def test_offset_fit_is_statsmodels_glm():
    x, y = planted(n=5_000)
    off = x[:, 1:] @ TRUTH[1:] - 2.2
    ones = np.ones((len(y), 1))
    ref = sm.GLM(y, ones, family=sm.families.Binomial(), offset=off).fit()
    fit = binomial_glm(y, ones, offset=off)
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-12, atol=0)
    # The planted intercept is -2, the offset's -2.2: the fit finds about +0.2.
    assert abs(fit.params[0] - 0.2) < 3 * fit.bse[0]


def test_grouped_fit_equals_the_row_fit():
    x, y = planted()
    rows = binomial_glm(y, x)
    d = distinct_rows(x, y)
    # 5 x 3 values of a, b, about 17 of c, two outcomes: far fewer patterns than rows.
    assert len(d.y) < 500 and d.counts.sum() == len(y)
    grouped = binomial_glm(d.y, d.x, freq_weights=d.counts)
    assert grouped.iterations == rows.iterations
    np.testing.assert_allclose(grouped.params, rows.params, rtol=1e-8, atol=0)
    np.testing.assert_allclose(grouped.bse, rows.bse, rtol=1e-8, atol=0)
    assert grouped.deviance == pytest.approx(rows.deviance, rel=1e-8)


def test_grouped_offset_fit_equals_the_row_fit():
    x, y = planted()
    lp = np.round(x[:, 1:] @ TRUTH[1:], 6) - 2.1
    d = distinct_rows(lp[:, None], y)
    rows = binomial_glm(y, np.ones((len(y), 1)), offset=lp)
    grouped = binomial_glm(d.y, np.ones((len(d.y), 1)), offset=d.x[:, 0], freq_weights=d.counts)
    np.testing.assert_allclose(grouped.params, rows.params, rtol=1e-8, atol=0)
    np.testing.assert_allclose(grouped.bse, rows.bse, rtol=1e-8, atol=0)


def test_distinct_rows_by_hand():
    x = np.array([[1.0, 0.0], [1.0, -0.0], [1.0, 2.0], [np.nan, 2.0], [np.nan, 2.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1, 1, 1])
    d = distinct_rows(x, y)
    # Patterns in order of first appearance: (1, 0 | 0) x2 (0.0 and -0.0 are one value),
    # (1, 2 | 1), (NaN, 2 | 1) x2, (1, 0 | 1).
    np.testing.assert_array_equal(d.counts, [2, 1, 2, 1])
    np.testing.assert_array_equal(d.y, [0, 1, 1, 1])
    np.testing.assert_array_equal(d.x, [[1, 0], [1, 2], [np.nan, 2], [1, 0]])


def test_perfect_separation_warns_like_statsmodels():
    x = sm.add_constant(np.arange(20, dtype="float64"))
    y = (x[:, 1] >= 10).astype("float64")
    with pytest.warns(PerfectSeparationWarning):
        binomial_glm(y, x)


def test_non_finite_data_is_refused():
    x, y = planted(n=100)
    y[3] = np.nan
    with pytest.raises(ValueError, match="deviance function returned a nan"):
        binomial_glm(y, x)
    y[3] = 0.0
    x[3, 1] = np.nan
    # What the reports catch as "could not be fitted".
    with pytest.raises(np.linalg.LinAlgError):
        binomial_glm(y, x)


def test_cholesky_steps_take_statsmodels_path_on_a_wide_grouped_fit():
    # Many distinct rows with frequency weights, a continuous column of a large scale
    # (the purchase model's log revenue): the Cholesky steps stay on statsmodels' path.
    rng = np.random.default_rng(11)
    n = 20_000
    x = sm.add_constant(
        np.column_stack([rng.normal(size=n), rng.lognormal(8, 1, n), rng.random(n)])
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1 + 0.5 * x[:, 1] + 1e-5 * x[:, 2])))).astype("float64")
    w = rng.integers(1, 6, n).astype("float64")
    ref = sm.GLM(y, x, family=sm.families.Binomial(), freq_weights=w).fit()
    fit = binomial_glm(y, x, freq_weights=w)
    assert fit.iterations == ref.fit_history["iteration"]
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-10, atol=0)
    np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-10, atol=0)
    assert fit.deviance == pytest.approx(ref.deviance, rel=1e-12)


def test_normal_equations_are_solved_by_cholesky_when_well_conditioned():
    # One IRLS step by hand: the WLS solution of z on x with weights w, from numpy's lstsq.
    rng = np.random.default_rng(5)
    x = sm.add_constant(rng.normal(size=(500, 3)))
    z, w = rng.normal(size=500), rng.random(500) + 0.1
    expected = np.linalg.lstsq(np.sqrt(w)[:, None] * x, np.sqrt(w) * z, rcond=None)[0]
    np.testing.assert_allclose(glm._irls_step(z, x, w), expected, rtol=1e-12, atol=1e-14)
    assert not glm._needs_lstsq(x.T @ (w[:, None] * x))


def test_rank_deficient_design_falls_back_to_lstsq_like_statsmodels():
    # A repeated column: XᵀWX is singular, so every step falls back to lstsq (its
    # minimum-norm answer splits the coefficient between the two copies, as statsmodels does).
    x, y = planted(n=5_000)
    xd = np.column_stack([x, x[:, 1]])
    assert glm._needs_lstsq(xd.T @ xd)
    ref = sm.GLM(y, xd, family=sm.families.Binomial()).fit()
    fit = binomial_glm(y, xd)
    assert fit.iterations == ref.fit_history["iteration"]
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fit.params[1], fit.params[4], rtol=1e-10)
    np.testing.assert_allclose(fit.params[1] + fit.params[4], TRUTH[1], atol=4 * 0.05)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-8)


def test_ill_conditioned_design_falls_back_to_lstsq_like_statsmodels():
    # Two nearly equal columns (difference 1e-6 of noise): full rank, but the scaled
    # normal matrix's condition number (~1e12) is past the Cholesky limit.
    x, y = planted(n=5_000)
    rng = np.random.default_rng(2)
    xi = np.column_stack([x, x[:, 1] + 1e-6 * rng.normal(size=len(y))])
    assert np.linalg.cond(xi) < 1e8 < glm.MAX_NORMAL_CONDITION**2
    assert glm._needs_lstsq(xi.T @ xi)
    ref = sm.GLM(y, xi, family=sm.families.Binomial()).fit()
    fit = binomial_glm(y, xi)
    assert fit.iterations == ref.fit_history["iteration"]
    np.testing.assert_allclose(fit.params, ref.params, rtol=1e-7, atol=0)
    np.testing.assert_allclose(fit.deviance, ref.deviance, rtol=1e-12)


def test_distinct_rows_equal_numpy_unique_on_many_columns():
    # The patterns np.unique finds on the rows, numbered in order of first appearance.
    rng = np.random.default_rng(8)
    n = 30_000
    x = np.column_stack(
        [np.ones(n), rng.integers(0, 4, n) / 3, rng.integers(0, 3, n) * 1.0, rng.random(n).round(1)]
    )
    y = (rng.random(n) < 0.2).astype("float64")
    d = distinct_rows(x, y)
    rows = np.column_stack([y, x])
    uniq, first, counts = np.unique(rows, axis=0, return_index=True, return_counts=True)
    order = np.argsort(first)
    np.testing.assert_array_equal(d.x, x[first[order]])
    np.testing.assert_array_equal(d.y, y[first[order]])
    np.testing.assert_array_equal(d.counts, counts[order])
    assert d.counts.sum() == n


def _with_edges(mu: np.ndarray, edges: list[float]) -> np.ndarray:
    """``mu`` with its first values replaced by ``edges`` (as many as fit)."""
    k = min(len(mu), len(edges))
    mu[:k] = edges[:k]
    return mu


def test_deviance_of_0_1_outcomes_is_statsmodels_bitwise():
    from statsmodels.genmod.families import Binomial

    fam = Binomial()
    rng = np.random.default_rng(11)
    for n in (1, 7, 1_001, 100_003):  # odd lengths: SIMD tails
        y = (rng.random(n) < 0.3).astype("float64")
        # Edges: mu exactly 0 and 1 (logit overflow), tiny, and one step from 1.
        mu = _with_edges(rng.random(n), [0.0, 1.0, 1e-300, 1 - 2**-53])
        for freq in (1.0, rng.integers(1, 50, n).astype("float64")):
            ours = glm._deviance_function(fam, y, freq)(mu)
            assert ours == fam.deviance(y, mu, 1.0, freq, 1.0)
    # Hand value: y = (1, 0), mu = (0.8, 0.25): 2 (log(1/0.8) + log(1/0.75)) = 1.0217...
    hand = 2 * (np.log(1 / 0.8) + np.log(1 / 0.75))
    ours = glm._deviance_function(fam, np.array([1.0, 0.0]), 1.0)(np.array([0.8, 0.25]))
    assert ours == pytest.approx(hand, rel=1e-12)
    # A NaN mu is NaN, as in statsmodels.
    assert np.isnan(glm._deviance_function(fam, np.array([1.0, 0.0]), 1.0)(np.array([np.nan, 0.5])))


def test_deviance_of_other_outcomes_is_statsmodels_function():
    from statsmodels.genmod.families import Binomial

    fam = Binomial()
    y, mu = np.array([0.25, 1.0, 0.0]), np.array([0.3, 0.6, 0.2])
    assert glm._deviance_function(fam, y, 1.0)(mu) == fam.deviance(y, mu, 1.0, 1.0, 1.0)


def test_working_weights_and_response_are_statsmodels_bitwise():
    from statsmodels.genmod.families import Binomial

    fam = Binomial()
    rng = np.random.default_rng(12)
    for n in (1, 7, 1_001, 100_003):  # odd lengths: SIMD tails
        y = (rng.random(n) < 0.3).astype("float64")
        # Edges: mu exactly 0 and 1 (clipped), tiny, one step from 1, and a NaN.
        mu = _with_edges(rng.random(n), [0.0, 1.0, 1e-300, 1 - 2**-53, np.nan])
        lin = rng.normal(size=n) * 3
        for freq in (1.0, rng.integers(1, 50, n).astype("float64")):
            for offset in (None, rng.normal(size=n)):
                off = 0.0 if offset is None else offset
                weights, z = glm._working(mu, lin, y, freq, offset=offset)
                np.testing.assert_array_equal(weights, freq * fam.weights(mu))
                np.testing.assert_array_equal(z, lin + fam.link.deriv(mu) * (y - mu) - off)
                assert np.array_equal(np.signbit(z), np.signbit(lin + fam.link.deriv(mu) * (y - mu) - off))
        np.testing.assert_array_equal(glm._fitted(lin), fam.fitted(lin))
    # Hand values: mu = 0.2 gives p (1 - p) = 0.16, weight 1 / (0.16 ** -2 * 0.16) = 0.16,
    # and z = lin + (y - mu) / 0.16 = 0.5 + 0.8 / 0.16 = 5.5 for y = 1, lin = 0.5.
    weights, z = glm._working(np.array([0.2]), np.array([0.5]), np.array([1.0]), 1.0, offset=None)
    assert weights[0] == pytest.approx(0.16, rel=1e-15) and z[0] == pytest.approx(5.5, rel=1e-15)
    assert glm._fitted(np.array([0.0]))[0] == 0.5


def test_all_zero_is_numpy_allclose_to_zero():
    for diff in ([0.0, 1e-8, -1e-8], [0.0, 2e-8], [np.nan], [np.inf], [-np.inf, 0.0], []):
        a = np.array(diff, dtype="float64")
        assert glm._all_zero(a.copy()) == np.allclose(a, 0)


def test_distinct_rows_codes_first_and_input_counts_by_hand():
    x = np.array([[1.0, 0.0], [1.0, 2.0], [1.0, -0.0], [1.0, 2.0], [1.0, 0.0]])
    y = np.array([0, 1, 0, 1, 1])
    d = distinct_rows(x, y, codes=True)
    # Patterns: (0 | 0) rows 0, 2; (2 | 1) rows 1, 3; (0 | 1) row 4. The constant column is skipped.
    np.testing.assert_array_equal(d.codes, [0, 1, 0, 1, 2])
    np.testing.assert_array_equal(d.first, [0, 1, 4])
    np.testing.assert_array_equal(d.counts, [2, 2, 1])
    assert distinct_rows(x, y).codes is None
    # Input counts add up: rows standing for 3, 1, 2, 5, 4 rows.
    w = distinct_rows(x, y, counts=[3, 1, 2, 5, 4])
    np.testing.assert_array_equal(w.counts, [5, 6, 4])
    assert w.counts.dtype == np.int64


def test_distinct_rows_columns_keeps_patterns_only_when_the_dropped_column_is_constant():
    x = np.array([[1.0, 5.0, 0.0], [1.0, 5.0, 1.0], [1.0, 5.0, 0.0]])
    y = np.array([0, 0, 1])
    d = distinct_rows(x, y, codes=True)
    kept = d.columns([0, 2])
    ref = distinct_rows(x[:, [0, 2]], y)
    np.testing.assert_array_equal(kept.x, ref.x)
    np.testing.assert_array_equal(kept.counts, ref.counts)
    assert d.columns([0, 1]) is None  # column 2 tells rows apart
    x[0, 1] = np.nan
    assert distinct_rows(x, y, codes=True).columns([0, 2]) is None  # a NaN: not shown constant


def test_regroup_equals_distinct_rows_of_the_new_values():
    rng = np.random.default_rng(5)
    n = 20_000
    old = rng.integers(0, 300, n).astype("float64")
    y = (rng.random(n) < 0.2).astype("float64")
    d = distinct_rows(old[:, None], y, codes=True)
    for new in (np.sqrt(old), np.floor(old / 7), np.where(old > 100, np.nan, old)):
        # sqrt keeps patterns distinct (no merge); floor(/7) merges them; NaNs are one value.
        got = d.regroup(new[:, None], y)
        ref = distinct_rows(new[:, None], y)
        np.testing.assert_array_equal(got.x, ref.x)
        np.testing.assert_array_equal(got.y, ref.y)
        np.testing.assert_array_equal(got.counts, ref.counts)
    # A new value that differs inside a pattern cannot be grouped by the patterns.
    assert d.regroup((old + rng.random(n))[:, None], y) is None


def test_distinct_by_sorting_by_hand():
    y = np.array([0.0, 1.0, 0.0, 1.0])
    assert glm._distinct_by_sorting(np.array([[0.5], [0.5], [0.25], [0.75]]), y)
    assert not glm._distinct_by_sorting(np.array([[0.5], [0.5], [0.5], [0.75]]), y)  # (0.5 | 0) twice
    assert not glm._distinct_by_sorting(np.array([[0.0], [1.0], [-0.0], [2.0]]), y)  # 0.0 is -0.0
    assert not glm._distinct_by_sorting(np.array([[np.nan], [1.0], [2.0], [3.0]]), y)
    assert not glm._distinct_by_sorting(np.array([[1.0], [2.0], [3.0], [4.0]]), y + 0.5)  # not 0/1
    assert not glm._distinct_by_sorting(np.ones((4, 2)), y)


def test_distinct_rows_of_a_design_given_by_its_columns():
    x, y = planted(n=3_000)
    a = distinct_rows(x, y, codes=True)
    b = distinct_rows(list(x.T), y, codes=True)
    for field in ("x", "y", "counts", "codes", "first"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert b.x.flags["C_CONTIGUOUS"]

"""The purchase model's fits on grouped candidates equal statsmodels' row-level fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from workbook.analyses.whitespace.propensity import (
    FEATURES,
    _calibration,
    _deciles_by_rank,
    decile_purchases,
    deciles,
    fit_model,
    model_rows,
    predict,
    top_k_positions,
)

#: Planted logit: -4 + 3 sibling_rate + 2 peer_rate + 0.1 products_owned + 0.2 log_revenue
#: + 0.5 co_ownership.
TRUTH = np.array([-4.0, 3.0, 2.0, 0.1, 0.2, 0.5])


def _candidates(n: int = 60_000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Candidates whose features repeat, as in the report (rates of small counts, few revenues)."""
    rng = np.random.default_rng(seed)
    cand = pd.DataFrame(
        {
            "sibling_rate": rng.integers(0, 6, n) / 5,
            "peer_rate": rng.integers(0, 11, n) / 10,
            "products_owned": rng.integers(0, 8, n).astype("float64"),
            "log_revenue": np.log1p(rng.choice([0.0, 5e3, 2e4, 1e5], n)),
            "co_ownership": rng.choice([0.0, 0.0, np.log(2.5)], n),
        }
    )
    x = sm.add_constant(cand[FEATURES].to_numpy())
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ TRUTH)))).astype(np.int64)
    return cand, y


def test_grouped_fit_recovers_the_plant_and_equals_the_row_fit():
    cand, y = _candidates()
    fit = fit_model(cand, y)
    assert fit.reason == "" and fit.columns == tuple(FEATURES)
    rows = sm.GLM(y, sm.add_constant(cand[FEATURES].to_numpy()), family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(fit.result.params, rows.params, rtol=1e-8, atol=0)
    np.testing.assert_allclose(fit.result.bse, rows.bse, rtol=1e-8, atol=0)
    # Within 4 standard errors of the planted coefficients.
    assert np.all(np.abs(fit.result.params - TRUTH) < 4 * fit.result.bse)
    coef = fit.coefficients()
    assert list(coef) == ["intercept", *FEATURES]
    np.testing.assert_allclose(predict(fit, cand), rows.predict(), rtol=1e-8, atol=0)


def test_constant_feature_is_left_out_and_reported_as_zero():
    cand, y = _candidates(n=20_000, seed=1)
    cand["co_ownership"] = 0.0
    fit = fit_model(cand, y)
    assert "co_ownership" not in fit.columns and fit.coefficients()["co_ownership"] == 0.0
    assert len(fit.result.params) == len(FEATURES)


def test_calibration_equals_the_row_level_glms():
    cand, y = _candidates(n=30_000, seed=2)
    prob = predict(fit_model(cand, y), cand)
    got = _calibration(prob, y)
    lp = np.log(prob / (1 - prob))
    fam = sm.families.Binomial()
    inter = sm.GLM(y, np.ones((len(y), 1)), family=fam, offset=lp).fit()
    slope = sm.GLM(y, sm.add_constant(lp), family=fam).fit()
    np.testing.assert_allclose(
        [got["calibration_intercept"], got["intercept_low"], got["intercept_high"]],
        [inter.params[0], *inter.conf_int()[0]],
        rtol=1e-8,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        [got["calibration_slope"], got["slope_low"], got["slope_high"]],
        [slope.params[1], *slope.conf_int()[1]],
        rtol=1e-8,
        atol=0,
    )
    # In-sample, a logistic fit is calibrated: intercept about 0, slope about 1.
    assert abs(got["calibration_intercept"]) < 1e-6
    assert abs(got["calibration_slope"] - 1) < 1e-6


def test_top_k_positions_is_the_stable_descending_order_head():
    # Scores 0.3, NaN, 0.9, 0.3, 0.9, 0.1: highest first, ties by position, NaN last.
    score = np.array([0.3, np.nan, 0.9, 0.3, 0.9, 0.1])
    np.testing.assert_array_equal(top_k_positions(score, 3), [2, 4, 0])
    np.testing.assert_array_equal(top_k_positions(score, 6), [2, 4, 0, 3, 5, 1])
    # Many ties around the k-th value, -0.0 beside 0.0, NaNs and fewer non-NaN than k.
    rng = np.random.default_rng(4)
    for _ in range(20):
        s = rng.integers(0, 6, 3_000) / 5 - 0.4
        s[rng.random(3_000) < 0.1] = np.nan
        s[s == 0] = np.where(rng.random((s == 0).sum()) < 0.5, 0.0, -0.0)
        for k in (1, 25, 100, 2_999, 3_000, 4_000):
            np.testing.assert_array_equal(
                top_k_positions(s, k), np.argsort(-s, kind="stable")[:k]
            )
    few = np.full(200, np.nan)
    few[[7, 3]] = [1.0, 2.0]
    np.testing.assert_array_equal(top_k_positions(few, 100), np.argsort(-few, kind="stable")[:100])


def test_fit_on_the_model_rows_equals_the_fit_on_the_candidates():
    cand, y = _candidates(n=20_000, seed=3)
    rows = model_rows(cand, y)
    assert rows.counts.sum() == len(y) and len(rows.codes) == len(y)
    # all features; one left out (constant); one left out that is blank everywhere, whose
    # patterns are grouped again by their counts (DistinctRows.columns cannot drop a NaN)
    for frame in (cand, cand.assign(co_ownership=0.0), cand.assign(co_ownership=np.nan)):
        fit_rows = model_rows(frame, y)
        a, b = fit_model(frame, y), fit_model(frame, y, rows=fit_rows)
        # with the patterns, the candidates are not read: the caller may free them first
        c = fit_model(None, y, rows=fit_rows)
        assert a.columns == b.columns == c.columns
        for other in (b, c):
            np.testing.assert_array_equal(a.result.params, other.result.params)
            np.testing.assert_array_equal(a.result.cov, other.result.cov)


def test_calibration_on_the_patterns_equals_the_calibration_on_the_candidates():
    cand, y = _candidates(n=30_000, seed=2)
    prob = predict(fit_model(cand, y), cand)
    assert _calibration(prob, y, model_rows(cand, y)) == _calibration(prob, y)


def test_deciles_by_hand():
    # P sorted: 0.1 0.2 0.2 0.2 0.3 | 0.3 0.3 0.5 0.6 0.7 (5 + 5 with 10 candidates... by 2s).
    prob = np.array([0.3, 0.2, 0.7, 0.2, 0.3, 0.1, 0.6, 0.2, 0.5, 0.3])
    y = np.array([1, 0, 1, 1, 0, 0, 0, 1, 1, 0])
    got = deciles(prob, y)
    # Ten candidates: one per decile, in the order (P, candidate): 5 (0.1), 1, 3, 7 (0.2),
    # 0, 4, 9 (0.3), 8 (0.5), 6 (0.6), 2 (0.7).
    np.testing.assert_array_equal(got["decile"], np.arange(1, 11))
    np.testing.assert_array_equal(got["candidates"], np.ones(10))
    np.testing.assert_allclose(
        got["mean_probability"], [0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.5, 0.6, 0.7]
    )
    np.testing.assert_array_equal(got["observed"], [0, 0, 1, 1, 1, 0, 0, 1, 0, 1])
    # Purchases before each edge: the first 3 of the order (5, 1, 3) bought 1; the first 5 bought 3.
    ordered = np.sort(prob)
    np.testing.assert_array_equal(decile_purchases(prob, y, ordered, np.array([0, 3, 5, 10])), [0, 1, 3, 5])


def test_deciles_equal_pandas_rank_and_group_by():
    rng = np.random.default_rng(9)
    for n in (1, 3, 9, 10, 11, 25, 1_000, 20_003):  # fewer than 10 candidates: empty deciles
        for ties in (2, 7, 1_000, None):
            prob = rng.integers(1, ties + 1, n) / (ties + 1) if ties else rng.random(n)
            y = (rng.random(n) < 0.3).astype(np.int64)
            pd.testing.assert_frame_equal(
                deciles(prob, y), _deciles_by_rank(prob, y), check_exact=False, rtol=1e-12
            )
    assert list(deciles(np.zeros(0), np.zeros(0)).columns) == list(_deciles_by_rank(
        np.array([0.5]), np.array([1])).columns)


def test_shrunk_rate_by_hand():
    from workbook.analyses.whitespace.propensity import _shrunk_rate

    # Two accounts with n = 3 and 0 others, two products with p0 = 0.5 and 0.2, kappa = 2:
    # (1 + 2*0.5)/(3 + 2) = 0.4; (0 + 2*0.2)/(0 + 2) = 0.2; with kappa = 0 and n = 0: p0.
    k, n, p0 = np.array([1, 0, 2]), np.array([3, 0]), np.array([0.5, 0.2])
    a, p = np.array([0, 1, 0]), np.array([0, 1, 1])
    np.testing.assert_allclose(_shrunk_rate(k, n, a, p, p0, 2.0), [0.4, 0.2, (2 + 0.4) / 5])
    np.testing.assert_allclose(_shrunk_rate(k, n, a, p, p0, 0.0), [1 / 3, 0.2, 2 / 3])
    # The same floats as the per-candidate formula.
    ref = np.where(n[a] + 2.0 > 0, (k + 2.0 * p0[p]) / (n[a] + 2.0), p0[p])
    np.testing.assert_array_equal(_shrunk_rate(k, n, a, p, p0, 2.0), ref)

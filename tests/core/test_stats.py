"""Shared statistics: Wilson intervals, the bootstrap, Fisher's exact test."""

import numpy as np
import pandas as pd
import pytest

from workbook.core import stats


def test_wilson_matches_hand_computed_values():
    # 3 of 10 at 95%: centre (p + z²/2n)/(1 + z²/n) = 0.35551, half-width 0.24772.
    low, high = stats.wilson_interval([3, 0, 10], [10, 10, 10])
    assert low[0] == pytest.approx(0.10779, abs=1e-5)
    assert high[0] == pytest.approx(0.60322, abs=1e-5)
    # Boundaries stay inside [0, 1] and are not degenerate.
    assert low[1] == pytest.approx(0.0, abs=1e-12)
    assert high[1] == pytest.approx(0.27753, abs=1e-5)
    assert high[2] == pytest.approx(1.0)
    assert low[2] == pytest.approx(1 - 0.27753, abs=1e-5)


def test_wilson_with_zero_trials_is_nan():
    low, high = stats.wilson_interval([0, 1], [0, 2])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert 0 < low[1] < 0.5 < high[1] < 1


def test_add_wilson_adds_rate_and_bounds():
    frame = pd.DataFrame({"reached": [3, 0], "leads": [10, 0]})
    out = stats.add_wilson(frame, "reached", "leads")
    assert list(out.columns) == ["reached", "leads", "rate", "ci_low", "ci_high"]
    assert out.loc[0, "rate"] == pytest.approx(0.3)
    assert np.isnan(out.loc[1, "rate"])
    assert "rate" not in frame.columns  # input untouched


def test_bootstrap_interval_is_deterministic_and_covers_the_mean():
    values = np.arange(100, dtype=float)

    def mean_of(idx):
        return values[idx].mean()

    first = stats.bootstrap_interval(mean_of, len(values), n_boot=300, seed=7)
    again = stats.bootstrap_interval(mean_of, len(values), n_boot=300, seed=7)
    assert first == again
    low, high = first
    assert low < 49.5 < high
    # The standard error of the mean is about 2.9, so the 95% interval is about ±5.7.
    assert 3 < high - low < 20


def test_wilson_bounds_bracket_the_rate_exactly():
    # statsmodels returns a lower bound a rounding error above 0 for 0 successes
    # at some n; the bounds must never exclude the observed rate.
    k = np.zeros(200)
    n = np.arange(1, 201)
    low, high = stats.wilson_interval(k, n)
    assert (low <= 0).all() and (high >= 0).all()
    low, high = stats.wilson_interval(n, n)
    assert (high >= 1).all() and (low <= 1).all()


def _scipy_fisher(tables):
    from scipy.stats import fisher_exact

    return np.array([fisher_exact(t)[1] for t in np.asarray(tables).reshape(-1, 2, 2)])


def test_fisher_pvalues_by_hand():
    # [[8, 2], [1, 5]]: margins 10, 6 / 9, 7; hypergeometric pmf of a = 3..9 over C(16, 9) = 11440:
    # C(10,a)C(6,9-a) = 120, 1260, 3780, 4200, 1800, 270, 10 (sum 11440 checks the support).
    # pmf(8) = 270 is the observed; tables no more likely: a = 3 (120), 8 (270), 9 (10).
    p = stats.fisher_exact_pvalues([[[8, 2], [1, 5]], [[0, 0], [3, 4]], [[3, 3], [3, 3]]])
    assert p[0] == pytest.approx((120 + 270 + 10) / 11440, rel=1e-12)
    assert p[1] == 1.0  # an empty row
    assert p[2] == pytest.approx(1.0)  # the mode itself


def test_fisher_pvalues_equal_scipy_on_many_tables():
    rng = np.random.default_rng(7)
    parts = [rng.integers(0, hi, size=(300, 2, 2)) for hi in (2, 4, 12, 60, 1_000, 200_000)]
    tables = np.concatenate(parts)
    # Edge cases: empty rows and columns, single zero cells, very unbalanced large tables.
    tables[:20, 0, :] = 0
    tables[20:40, :, 1] = 0
    tables[40:60, 0, 0] = 0
    tables[60:80, 1, 1] = 0
    tables[80:90] = [[0, 0], [0, 0]]
    tables[90:100] = [[1, 500_000], [700_000, 3]]
    tables[100:110] = [[40_000, 60_000], [9_000, 400_000]]
    # Symmetric tables (n1 = n2 = column total): the pmf ties exactly at mirror points.
    m = rng.integers(1, 200, 200)
    sym = np.stack([np.stack([m // 3, m - m // 3], -1), np.stack([m - m // 3, m // 3], -1)], 1)
    # Customers-sized tables with a tail far below 1e-300 (the exact pmf search).
    a, b = rng.integers(0, 3_000, 200), rng.integers(0, 3_000, 200)
    big = np.stack([np.stack([a, 90_000 - a - b], -1), np.stack([b, np.full(200, 90_000)], -1)], 1)
    tables = np.concatenate([tables, sym, big])
    p = stats.fisher_exact_pvalues(tables)
    ref = _scipy_fisher(tables)
    assert p.shape == (len(tables),)
    np.testing.assert_allclose(p, ref, rtol=1e-12, atol=0)
    # Both tails and tiny p-values are exercised, not only p = 1.
    assert (ref < 1e-100).any() and ((ref > 0.01) & (ref < 0.99)).sum() > 100
    assert ((ref > 0) & (ref < 1e-250)).any()


def test_fisher_pvalues_keep_the_leading_shape_and_refuse_bad_tables():
    tables = np.array([[8, 2], [1, 5]]).reshape(1, 1, 2, 2).repeat(3, axis=1)
    assert stats.fisher_exact_pvalues(tables).shape == (1, 3)
    with pytest.raises(ValueError, match="nonnegative"):
        stats.fisher_exact_pvalues([[[1, -1], [2, 3]]])
    with pytest.raises(ValueError, match="2 x 2"):
        stats.fisher_exact_pvalues(np.ones((3, 2, 3)))


def test_mann_whitney_by_hand():
    # x = [3, 5], y = [1, 3, 4]: pooled ranks 1 (1), 2.5 (3, 3), 4 (4), 5 (5); R1 = 2.5 + 5 = 7.5,
    # U1 = 7.5 - 2*3/2 = 4.5 (x beats y in 4 pairs, ties 1 pair as a half).
    u1, p = stats.mann_whitney_greater([3.0, 5.0], [1.0, 3.0, 4.0])
    assert u1 == 4.5
    # Asymptotic (a tie): mu = 3, tie term 2**3 - 2 = 6, s = sqrt(6/12 * (6 - 6/20)) = sqrt(2.85);
    # z = (4.5 - 3 - 0.5) / s.
    from scipy.stats import norm

    assert p == pytest.approx(norm.sf(1 / np.sqrt(2.85)), rel=1e-12)


def test_mann_whitney_equals_scipy():
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(12)
    cases = [(2_000, 60_000, None), (300, 500, 4), (9, 9, None), (3, 5, None), (3, 5, 2),
             (20, 3_000, 3), (1, 40, None), (40, 1, 2)]
    for n1, n2, levels in cases:
        if levels is None:
            x, y = rng.random(n1), rng.random(n2) * 0.97
        else:
            x, y = rng.integers(0, levels, n1) / levels, rng.integers(0, levels, n2) / levels
        ref = mannwhitneyu(x, y, alternative="greater")
        u1, p = stats.mann_whitney_greater(x, y)
        assert u1 == pytest.approx(float(ref.statistic), rel=1e-12)
        assert p == pytest.approx(float(ref.pvalue), rel=1e-12, abs=1e-300)
    # -0.0 and 0.0 are one value (a tie), as in scipy's ranks.
    x, y = np.array([0.0, -0.0, 1.0] * 5), np.array([-0.0, 0.5] * 6)
    ref = mannwhitneyu(x, y, alternative="greater")
    assert stats.mann_whitney_greater(x, y) == pytest.approx((ref.statistic, ref.pvalue), rel=1e-12)


def test_mantel_haenszel_by_hand():
    # Two strata [[2, 1], [1, 2]] (n = 6) and [[3, 1], [1, 1]] (n = 6): sum(ad/n) = 4/6 + 3/6,
    # sum(bc/n) = 1/6 + 1/6, so the pooled odds ratio is 7/2. CMH: a - E[a] = (2 - 3*3/6)
    # + (3 - 4*4/6) = 5/6; var = 3*3*3*3/(36*5) + 4*4*2*2/(36*5) = 145/180;
    # chi2 = (25/36) / (145/180) = 25/29.
    from scipy.stats import chi2

    tables = np.array([[[2, 3], [1, 1]], [[1, 1], [2, 1]]], dtype=float)[None]
    mh = stats.mantel_haenszel(tables, np.array([[True, True]]))
    assert mh.odds_ratio[0] == pytest.approx(3.5, rel=1e-12)
    assert mh.pvalue[0] == pytest.approx(chi2.sf(25 / 29, 1), rel=1e-9)
    assert mh.low[0] < 3.5 < mh.high[0]
    # No stratum used: NaN throughout.
    none = stats.mantel_haenszel(tables, np.array([[False, False]]))
    assert all(np.isnan(v[0]) for v in none)


def test_mantel_haenszel_equals_statsmodels_stratified_table():
    from statsmodels.stats.contingency_tables import StratifiedTable

    rng = np.random.default_rng(13)
    m, k = 400, 11
    tables = rng.integers(0, 40, size=(m, 2, 2, k)).astype(float)
    tables[rng.random(tables.shape) < 0.25] = 0  # zero cells: infinite odds ratios, NaN tests
    tables[:20] = 0
    tables[:20, 0, 0, 0] = 1  # one customer: no stratum with two
    tables[20:40, :, :, :6] = 0
    use = tables.sum(axis=(1, 2)) >= 2
    got = np.column_stack(stats.mantel_haenszel(tables, use))
    ref = np.full((m, 4), np.nan)
    for i in np.flatnonzero(use.any(axis=1)):  # the reference, one statsmodels table at a time
        st = StratifiedTable(tables[i][:, :, use[i]])
        with np.errstate(divide="ignore", invalid="ignore"):
            low, high = st.oddsratio_pooled_confint()
            p = st.test_null_odds(correction=False).pvalue
        ref[i] = (st.oddsratio_pooled, low, high, p if np.isfinite(p) else np.nan)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)
    assert np.isnan(got[:20]).all() and np.isfinite(got[40:, 0]).sum() > 100


def test_mann_whitney_u_does_not_depend_on_the_order_of_x():
    # The ranks are read for x in sorted order; the U of any order of x is the same float.
    rng = np.random.default_rng(13)
    x, y = rng.integers(0, 50, 5_000) / 50, rng.integers(0, 50, 70_000) / 50
    u1, p = stats.mann_whitney_greater(x, y)
    for _ in range(3):
        assert stats.mann_whitney_greater(rng.permutation(x), y) == (u1, p)

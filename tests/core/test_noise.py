"""Tests for workbook.core.noise: funnel limits, heterogeneity test, naming extremes."""

from __future__ import annotations

from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbook.core.noise import (
    MONTE_CARLO_DRAWS,
    funnel_limits,
    heterogeneity_test,
    name_extremes,
)


def test_funnel_limits_hand_computed():
    # Binomial(20, 0.3) CDF, from sum_{j<=k} C(20,j) 0.3^j 0.7^(20-j):
    #   k:   0       1       2       9       10      12      13
    #   F: 0.00080 0.00764 0.03548 0.95204 0.98286 0.99872 0.99974
    # 95%   : lower = min k with F >= 0.025 -> 2  (2/20 = 0.10)
    #         upper = min k with F >= 0.975 -> 10 (10/20 = 0.50)
    # 99.8% : lower = min k with F >= 0.001 -> 1  (0.05)
    #         upper = min k with F >= 0.999 -> 13 (0.65)
    cdf = np.cumsum([comb(20, j) * 0.3**j * 0.7 ** (20 - j) for j in range(21)])
    assert cdf[1] < 0.025 <= cdf[2] and cdf[9] < 0.975 <= cdf[10]
    assert cdf[0] < 0.001 <= cdf[1] and cdf[12] < 0.999 <= cdf[13]
    out = funnel_limits([20, 0], 0.3)
    assert list(out.columns) == ["n", "lower_95", "upper_95", "lower_998", "upper_998"]
    assert out.iloc[0].tolist() == pytest.approx([20, 0.10, 0.50, 0.05, 0.65])
    assert out.iloc[1, 1:].isna().all()  # n = 0: no limits


def test_funnel_limits_vectorised_matches_binom_interval():
    n = np.array([1, 5, 37, 400])
    out = funnel_limits(n, 0.12, levels=(0.9,))
    lo, hi = stats.binom.interval(0.9, n, 0.12)
    np.testing.assert_allclose(out["lower_90"], lo / n)
    np.testing.assert_allclose(out["upper_90"], hi / n)


def test_heterogeneity_pearson_matches_scipy():
    s, t = [30, 45, 60], [100, 100, 100]
    res = heterogeneity_test(s, t)
    table = np.column_stack([s, np.subtract(t, s)])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert res.method == "pearson chi2"
    assert (res.statistic, res.p_value, res.dof) == pytest.approx((chi2, p, dof))
    # by hand: pooled rate 0.45, expected 45 and 55 per group;
    # chi2 = 2 * (15^2/45 + 15^2/55) = 18.18...
    assert res.statistic == pytest.approx(2 * (225 / 45 + 225 / 55))


def test_small_cells_two_groups_use_fisher():
    res = heterogeneity_test([1, 6], [8, 8])  # expected successes 3.5 < 5
    assert res.method == "fisher exact"
    assert res.p_value == pytest.approx(stats.fisher_exact([[1, 7], [6, 2]]).pvalue)


def test_small_cells_k_groups_monte_carlo_matches_exact_enumeration():
    s, t = [0, 1, 3], [3, 3, 3]
    res = heterogeneity_test(s, t)
    assert res.method == "monte carlo exact-conditional"
    # Exact conditional p by hand: 4 successes among 3 groups of 3. With the total
    # fixed, chi2 grows with sum(x^2); observed 0 + 1 + 9 = 10. Tables with 4 in groups
    # of <= 3: perms of (3,1,0) [sum x^2 = 10, 6 of them], (2,2,0) [8, 3], (2,1,1) [6, 3].
    # P(3,1,0) = C(3,3) C(3,1) C(3,0) / C(9,4) = 3 / 126, so p = 6 * 3 / 126 = 1/7.
    enumerated = sum(
        comb(3, a) * comb(3, b) * comb(3, 4 - a - b) / comb(9, 4)
        for a in range(4)
        for b in range(4)
        if 0 <= 4 - a - b <= 3 and a * a + b * b + (4 - a - b) ** 2 >= 10
    )
    assert enumerated == pytest.approx(1 / 7)
    # Monte Carlo standard error sqrt(p (1 - p) / draws) = 0.0035; allow 4 of them
    assert res.p_value == pytest.approx(1 / 7, abs=4 * np.sqrt(1 / 7 * 6 / 7 / MONTE_CARLO_DRAWS))
    assert heterogeneity_test(s, t).p_value == res.p_value  # fixed seed


def test_zero_trials_and_degenerate_inputs():
    res = heterogeneity_test([30, 0, 45], [100, 0, 100])
    assert (res.n_groups, res.n_dropped) == (2, 1)
    assert res.p_value == pytest.approx(heterogeneity_test([30, 45], [100, 100]).p_value)
    one = heterogeneity_test([3, 0], [10, 0])
    assert one.method == "fewer than 2 groups" and np.isnan(one.p_value)
    flat = heterogeneity_test([0, 0], [10, 20])
    assert (flat.method, flat.p_value) == ("no variation", 1.0)
    with pytest.raises(ValueError):
        heterogeneity_test([5], [4])


def _groups(rates, n, seed):
    rng = np.random.default_rng(seed)
    trials = np.asarray(n)
    return pd.DataFrame(
        {
            "rep": [f"U{i:02d}" for i in range(1, len(rates) + 1)],
            "won": rng.binomial(trials, rates),
            "deals": trials,
        }
    )


def test_planted_signal_names_the_worst_only():
    rates = [0.3] * 20
    rates[3] = 0.1  # U04: much lower true rate
    n = [200] * 20
    n[3] = 500
    groups = _groups(rates, n, seed=1)
    names = {f"U{i:02d}": f"Rep {chr(64 + i)}" for i in range(1, 21)}
    res = name_extremes(
        groups, group_col="rep", successes_col="won", trials_col="deals", what="reps", labels=names
    )
    assert res.test.p_value < 1e-6
    assert res.worst == ["U04"] and res.best == []
    row = res.table.set_index("group").loc["U04"]
    assert row["position"] == "below 99.8%" and row["label"] == "Rep D"
    assert res.sentence.startswith(
        f"Rep D ({row['rate']:.1%}, {row['successes']} of 500) is below the 99.8% funnel limit "
        f"of the overall {res.overall_rate:.1%}"
    )
    assert "U04" not in res.sentence  # names, not ids


def test_no_signal_names_nobody():
    groups = _groups([0.3] * 20, [150] * 20, seed=7)
    res = name_extremes(
        groups, group_col="rep", successes_col="won", trials_col="deals", what="reps"
    )
    assert res.test.method == "pearson chi2" and res.test.p_value >= 0.05
    assert res.best == [] and res.worst == []
    assert res.sentence == (
        f"Differences between reps are within noise (χ² p = {res.test.p_value:.2g})."
    )


def test_name_extremes_table_exact_and_zero_trials():
    # overall 30 / 100 = 0.3; group a: 0 of 20 (< lower_998 = 0.05, hand-derived above)
    groups = pd.DataFrame({"g": ["a", "b", "c", "z"], "s": [0, 15, 15, 0], "t": [20, 40, 40, 0]})
    res = name_extremes(groups, group_col="g", successes_col="s", trials_col="t", labels=str.upper)
    assert res.overall_rate == pytest.approx(0.3)
    tab = res.table.set_index("group")
    assert tab.loc["a", ["lower_95", "upper_95", "lower_998", "upper_998"]].tolist() == (
        pytest.approx([0.10, 0.50, 0.05, 0.65])
    )
    assert tab.loc["a", "position"] == "below 99.8%"
    assert tab.loc["z", "position"] == "no trials" and np.isnan(tab.loc["z", "rate"])
    assert res.test.n_dropped == 1 and res.test.n_groups == 3
    assert res.worst == ["a"] and res.sentence.startswith("A (0.0%, 0 of 20) is below")


def test_small_groups_are_not_named():
    # overall rate 1200 / 2009 = 0.597; lower_998 for n = 9 is 1/9 because
    # P(X = 0) = 0.403^9 = 0.00028 < 0.001, so 0 of 9 is below the 99.8% limit
    groups = pd.DataFrame({"g": ["a", "b", "c"], "s": [0, 600, 600], "t": [9, 1000, 1000]})
    res = name_extremes(groups, group_col="g", successes_col="s", trials_col="t")
    tab = res.table.set_index("group")
    assert tab.loc["a", "lower_998"] == pytest.approx(1 / 9)
    assert tab.loc["a", "position"] == "below 99.8%" and not tab.loc["a", "eligible"]
    assert res.test.method == "monte carlo exact-conditional" and res.test.p_value < 0.01
    assert res.worst == [] and res.best == []
    assert res.sentence.startswith("Rates differ between groups")
    named = name_extremes(groups, group_col="g", successes_col="s", trials_col="t", min_trials=5)
    assert named.worst == ["a"]


def test_no_signal_false_naming_rate_is_small():
    # 200 seeds of 20 equal-rate groups: naming needs p < 0.05 AND a group outside
    # the 99.8% limits, so false names must be rarer than the 5% test level.
    named = sum(
        bool(res.best or res.worst)
        for res in (
            name_extremes(_groups([0.3] * 20, [150] * 20, seed=seed), **COLS) for seed in range(200)
        )
    )
    assert named / 200 < 0.05


COLS = {"group_col": "rep", "successes_col": "won", "trials_col": "deals"}

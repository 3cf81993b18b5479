"""Tests for workbook.analyses.scoring.discrimination: AUC, logistic fit, calibration, correlations and the amount trend."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring


def test_auc_with_ties_equals_hand_value(outcomes):
    out, _ = outcomes
    # 6 wins (95 90 80 65 60 50) against 15 not won
    # (10 20 30 35 40 45 55 60 60 70 70 75 80 85 90), ties counting half:
    # 95: 15; 90: 14 + 0.5; 80: 12 + 0.5; 65: 9; 60: 7 + 2 * 0.5; 50: 6 -> 65 / 90
    auc = scoring.auc_with_ci(out, n_boot=200, seed=1).iloc[0]
    assert auc["auc"] == pytest.approx(65 / 90)
    assert (auc["n_won"], auc["n_lost"]) == (6, 15)
    assert auc["ci_low"] <= auc["auc"] <= auc["ci_high"]
    assert "bootstrap" in auc["method"]


def test_correlations(outcomes):
    out, _ = outcomes
    corr = scoring.correlations(out)
    assert corr["p_value"].between(0, 1).all()
    pb = corr.iloc[0]
    assert pb["measure"] == "point-biserial" and pb["n"] == 21
    # point-biserial equals Pearson of score with 0/1 won
    res = out.loc[out["matured"]]
    pearson = np.corrcoef(res["score"], res["won"].astype(float))[0, 1]
    assert pb["coefficient"] == pytest.approx(pearson)
    amt = corr.iloc[2]
    # won deals (score, amount): (95, 1000) (90, 5000) (80, 900) (65, 2000) (60, 3000)
    # (50, 1500); ranks score 6 5 4 3 2 1, amount 2 6 1 4 5 3 -> d^2 = 16+1+9+1+9+4 = 40
    # -> 1 - 6 * 40 / (6 * 35) = -1/7
    assert amt["n"] == 6
    assert amt["coefficient"] == pytest.approx(-1 / 7)


def test_logit_recovers_planted_slope(synthetic):
    synth = synthetic()
    fit = scoring.logit_fit(synth).iloc[0]
    assert fit["converged"]
    se = (fit["slope_ci_high"] - fit["slope_ci_low"]) / (2 * 1.959964)
    # n = 5000 gives se ~ 0.0015; 4 standard errors is a generous, still informative bound
    assert se < 0.003
    assert abs(fit["slope"] - 0.05) < 4 * se
    assert abs(fit["intercept"] + 3.0) < 0.5
    assert fit["odds_ratio_per_10_points"] == pytest.approx(math.exp(10 * fit["slope"]))
    assert scoring.data_sufficiency(synth)["reliable"] is True
    cal = scoring.calibration_table(synth, scoring.logit_fit(synth), bins=10)
    assert len(cal) == 10 and cal["n"].sum() == 5000
    # a correct model is calibrated: predicted within the Wilson interval in most bins
    inside = (cal["mean_predicted"] >= cal["ci_low"]) & (cal["mean_predicted"] <= cal["ci_high"])
    assert inside.sum() >= 8
    assert cal["expected_wins"].sum() == pytest.approx(synth["won"].sum(), rel=1e-6)


def test_logit_degenerate_is_nan(outcomes):
    out, _ = outcomes
    only_lost = out.loc[out["outcome"] != "won"]
    fit = scoring.logit_fit(only_lost).iloc[0]
    assert math.isnan(fit["slope"]) and not fit["converged"]


def test_score_amount_trend_log_scale():
    deals = pd.DataFrame(
        {
            "score": [10, 20, 30, 40, 50, 60],
            "amount": [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000],
        }
    )
    trend = scoring.score_amount_trend(deals, points=6)
    assert trend["log_scale"].all()
    # log10(amount) = 1 + score/10 exactly -> trend reproduces the points
    assert trend["trend_amount"].to_numpy() == pytest.approx(deals["amount"].to_numpy(), rel=1e-9)
    assert trend["slope"].iloc[0] == pytest.approx(0.1)


def test_patterns_by_hand():
    from workbook.analyses.scoring.discrimination import patterns

    # (1, lost) (1, won) (2, won) (2, won) (2, lost) (3, lost): 5 non-empty cells
    cells = patterns([2, 1, 2, 1, 2, 3], [True, False, True, True, False, False])
    assert cells.x.tolist() == [1, 1, 2, 2, 3]
    assert cells.won.tolist() == [0, 1, 0, 1, 0]
    assert cells.n.tolist() == [1, 1, 1, 2, 1]


@pytest.mark.parametrize("seed", [0, 7])
def test_pattern_fit_equals_the_row_logit(synthetic, seed):
    """The frequency-weighted fit on (score, won) patterns is the row-level Logit, SEs included."""
    import statsmodels.api as sm

    from workbook.analyses.scoring.discrimination import patterns, weighted_logit

    synth = synthetic(n=3000, seed=seed)
    x, y = synth["score"].to_numpy(float), synth["won"].to_numpy(float)
    rows = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    cells = patterns(x, y.astype(bool))
    assert len(cells.n) < 250 < len(y)  # about 101 scores x 2 outcomes instead of 3000 rows
    fit = weighted_logit(cells.x, cells.won, cells.n)
    np.testing.assert_allclose(fit.params, rows.params, rtol=1e-10)
    np.testing.assert_allclose(fit.bse, rows.bse, rtol=1e-8)
    assert fit.llf == pytest.approx(rows.llf, rel=1e-12)
    row = scoring.logit_fit(synth).iloc[0]
    assert row["slope"] == pytest.approx(rows.params[1], rel=1e-10)
    assert row["pseudo_r2"] == pytest.approx(rows.prsquared, rel=1e-8)
    p = rows.predict()
    assert row["brier_score"] == pytest.approx(np.mean((p - y) ** 2), rel=1e-10)


def test_pattern_irls_with_offset_equals_the_row_glm(synthetic):
    import statsmodels.api as sm

    from workbook.analyses.scoring.discrimination import patterns, weighted_logit

    synth = synthetic(n=2000, seed=3)
    x, y = synth["score"].to_numpy(float), synth["won"].to_numpy(float)
    lp = -2.5 + 0.04 * x  # a fixed linear predictor, as in the out-of-time calibration
    fam = sm.families.Binomial()
    rows = sm.GLM(y, np.ones((len(y), 1)), family=fam, offset=lp).fit()
    cells = patterns(x, y.astype(bool))
    fit = weighted_logit(None, cells.won, cells.n, offset=-2.5 + 0.04 * cells.x, method="irls")
    np.testing.assert_allclose(fit.params, rows.params, rtol=1e-10)
    np.testing.assert_allclose(fit.bse, rows.bse, rtol=1e-8)


def test_logit_on_separated_scores_is_nan(synthetic):
    synth = synthetic(n=200, seed=1)
    synth["won"] = synth["score"] > 50  # every win scores above every loss
    fit = scoring.logit_fit(synth).iloc[0]
    assert math.isnan(fit["slope"]) and not fit["converged"]


def test_patterns_from_engine_counts_equal_the_row_patterns():
    from workbook.analyses.scoring.discrimination import Patterns, patterns

    rows = patterns([2, 1, 2, 1, 2, 3], [True, False, True, True, False, False])
    # per score: 1 -> 2 leads (1 won), 2 -> 3 leads (2 won), 3 -> 1 lead (0 won)
    counts = Patterns.from_counts([1.0, 2.0, 3.0], [2, 3, 1], [1, 2, 0])
    for a, b in zip(rows, counts, strict=True):
        assert a.tolist() == b.tolist()

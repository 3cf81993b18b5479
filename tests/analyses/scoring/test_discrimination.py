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

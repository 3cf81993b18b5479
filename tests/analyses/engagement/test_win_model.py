"""The snapshot win model, its skill gate and the rep-vs-model variance.

Planted signal and no signal come from ``synthetic_crm`` (conftest): with the
signal, worked deals (activity until close) win 85% and quiet ones 5%;
without it every deal wins with probability 0.4 whatever its activity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from workbook.analyses.engagement import actions as ra
from workbook.analyses.engagement import backtest as bt
from workbook.analyses.engagement import win_model as wm
from workbook.analyses.engagement.common import open_at
from workbook.analyses.engagement.snapshots import snapshot_rows


def test_probability_variance_threshold_is_strict_and_flags_rank_by_impact(open_deals_fx):
    eff = open_deals_fx()  # P1 amount 1000, P2 200, P3 300
    eff["probability"] = [70.0, 90.0, np.nan]
    scores = pd.DataFrame({"opportunity_id": ["P1", "P2", "P3"], "score": [0.40, 0.10, 0.10]})
    got = wm.probability_variance(eff, scores, gate_open=True, threshold=30)
    # P1: 70 - 40 = 30 -> not flagged (more than 30 is); P2: 90 - 10 = 80 -> flagged,
    # impact 200 * 80 / 100 = 160; P3 has no rep probability -> never flagged
    by_id = got.set_index("opportunity_id").loc[["P1", "P2", "P3"]]
    assert by_id["model_probability"].tolist() == pytest.approx([40.0, 10.0, 10.0])
    assert by_id.loc["P1", "variance"] == pytest.approx(30.0)
    assert by_id["flagged"].tolist() == [False, True, False]
    assert by_id.loc["P2", "impact"] == pytest.approx(160.0)
    assert by_id.loc["P1", "impact"] == pytest.approx(300.0)
    # flagged first, then by impact
    assert got["opportunity_id"].tolist() == ["P2", "P1", "P3"]


def test_closed_gate_shows_no_model_columns_and_no_variance_rule(open_deals_fx):
    eff = open_deals_fx()
    scores = pd.DataFrame({"opportunity_id": ["P1", "P2", "P3"], "score": [0.0, 0.0, 0.0]})
    got = wm.probability_variance(eff, scores, gate_open=False, threshold=30)
    assert got.columns.tolist() == ["opportunity_id", "owner_id", "stage", "amount", "probability"]
    recs = ra.recommendations(eff, got)
    assert ra.PROBABILITY_VARIANCE not in set(recs["rule"])


def test_events_per_parameter_refusal_counts_deals(synthetic_crm):
    crm = synthetic_crm(signal=True, n=120, seed=0)
    model = wm.fit_win_model(crm.opportunities, crm.activities, as_of=crm.as_of)
    assert model.status == wm.REFUSED
    # 9 parameters (constant + 8 features) need 90 deals in the smaller class
    assert model.epp.n_parameters == 9 and model.epp.needed == 90
    assert model.epp.smaller < 90
    assert model.epp.events == model.won_deals
    assert model.epp.events + model.epp.non_events == model.n_deals
    assert model.n_rows > model.n_deals  # several snapshots per deal, counted once
    assert f"{model.epp.smaller:,}" in model.reason and "90 deals" in model.reason
    assert model.coefficients.empty
    scores = wm.score_deals(model, crm.opportunities, crm.activities, as_of=crm.as_of)
    assert scores["score"].isna().all()


def test_planted_signal_opens_the_gate_and_flags_are_sensible(synthetic_crm):
    crm = synthetic_crm(signal=True, seed=1)
    check = bt.backtest_win_model(crm, n_boot=200)
    row = check.row
    assert check.gate_open, check.sentence
    assert row["brier_skill_ci_low"] > 0
    assert row["cut"] == "2025-12-31"
    # every deal open at the cut is scored, closed or not by as_of
    past = crm.as_known_at("2025-12-31")
    assert row["scored_deals"] == int(open_at(past.opportunities, as_of="2025-12-31").sum())
    assert 0.6 < row["calibration_slope"] < 1.6
    assert len(check.reliability) == bt.RELIABILITY_BINS
    assert check.reliability["deals"].sum() == row["scored_deals"]
    # the live model: recent activity raises the win probability
    model = wm.fit_win_model(crm.opportunities, crm.activities, as_of=crm.as_of)
    coefs = model.coefficients.set_index("term")
    assert coefs.loc["log_days_since_activity", "coef"] < 0
    scores = wm.score_deals(model, crm.opportunities, crm.activities, as_of=crm.as_of)
    acts = crm.activities
    recent = set(
        acts.loc[acts["occurred_at"] > crm.as_of - pd.Timedelta(days=14), "opportunity_id"]
    )
    is_recent = scores["opportunity_id"].isin(recent)
    assert scores.loc[is_recent, "score"].mean() > scores.loc[~is_recent, "score"].mean() + 0.2
    # flags: a rep far above the model on a quiet deal is flagged, ranked by impact
    eff = crm.opportunities.loc[open_at(crm.opportunities, as_of=crm.as_of)].copy()
    eff = eff[["opportunity_id", "owner_id", "stage", "amount", "probability"]]
    var = wm.probability_variance(eff, scores, gate_open=True, threshold=30)
    flagged = var.loc[var["flagged"]]
    assert len(flagged) > 0
    assert (flagged["variance"].abs() > 30).all()
    assert flagged["impact"].is_monotonic_decreasing


def test_fit_equals_statsmodels_clustered_logit_on_the_snapshot_rows(synthetic_crm):
    # The lean fit (workbook.core.logit) against statsmodels on the very rows it learns from.
    crm = synthetic_crm(signal=True, seed=1)
    opps, acts = crm.opportunities, crm.activities
    model = wm.fit_win_model(opps, acts, as_of=crm.as_of)
    assert model.fitted
    rows = snapshot_rows(opps, acts, as_of=crm.as_of)
    x = sm.add_constant(rows[model.features], has_constant="add")
    ref = sm.Logit(rows["won"].astype(float), x).fit(
        disp=0,
        maxiter=200,
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(rows["opportunity_id"])[0]},
    )
    coefs = model.coefficients
    assert list(coefs["term"]) == list(ref.params.index)
    for column, expected in [
        ("coef", ref.params),
        ("std_err", ref.bse),
        ("z", ref.tvalues),
        ("p_value", ref.pvalues),
        ("ci_low", ref.conf_int()[0]),
        ("ci_high", ref.conf_int()[1]),
    ]:
        np.testing.assert_allclose(coefs[column], expected, rtol=1e-8, err_msg=column)
    assert model.base_rate == pytest.approx(ref.model.endog.mean(), rel=1e-15)
    assert model.n_rows == len(rows)
    assert model.won_deals == int(rows.groupby("opportunity_id")["won"].max().sum())
    scores = wm.score_deals(model, opps, acts, as_of=crm.as_of)
    assert scores["score"].between(0, 1).all()


def test_no_signal_keeps_the_gate_closed_and_flags_nothing(synthetic_crm):
    for seed in (0, 1):
        crm = synthetic_crm(signal=False, seed=seed)
        check = bt.backtest_win_model(crm, n_boot=200)
        assert not check.gate_open
        assert check.row["brier_skill_ci_low"] <= 0
        assert check.sentence.startswith("The win model showed no skill on held-out deals")
        assert bool(check.table["gate_open"].iloc[0]) is False


def test_backtest_table_is_written_when_refused(synthetic_crm):
    crm = synthetic_crm(signal=True, n=120)
    check = bt.backtest_win_model(crm, n_boot=200)
    assert not check.gate_open
    assert check.table.columns.tolist() == bt.BACKTEST_COLUMNS
    row = check.row
    assert row["status"] == "refused" and "90 deals" in row["reason"]
    assert row["train_deals"] > 0 and row["parameters"] == 9
    assert row["scored_deals"] > 0  # deals open at the cut, counted though not scored
    assert "not checked out of time" in check.sentence


def test_brier_skill_by_hand():
    # scores 0.8, 0.2 for outcomes 1, 0: Brier (0.04 + 0.04) / 2 = 0.04;
    # base rate 0.5: reference 0.25 -> skill 1 - 0.04 / 0.25 = 0.84
    assert bt.brier_skill([0.8, 0.2], [1, 0], 0.5) == pytest.approx(0.84)

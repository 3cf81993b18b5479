"""Tests for workbook.analyses.scoring.backtest: the track record and the out-of-time calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses import scoring


def test_track_record_on_planted_inflow(planted_crm):
    res = scoring.run(planted_crm, n_boot=20, backtest_months=[3, 6])
    track = res.track_record
    assert track["cut"].drop_duplicates().tolist() == [pd.Timestamp("2026-03-31"),
                                                       pd.Timestamp("2025-12-31")]  # fmt: skip
    # 3 complete months after each cut, the counts from the full data at that threshold
    assert track.groupby("cut").size().tolist() == [3, 3]
    assert track.loc[track["cut"] == "2026-03-31", "month"].tolist() == [
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    row = track.iloc[0]
    leads = planted_crm.leads
    in_april = leads["created_at"].dt.to_period("M").astype(str).eq("2026-04")
    assert row["count"] == int((in_april & (leads["score"] >= row["recommended_threshold"])).sum())
    assert (track["over_capacity"] == (track["count"] > 40)).all()
    f = res.figures
    assert f["track_record_months"] == 6
    assert f["track_record_months_within"] == int((~track["over_capacity"].astype(bool)).sum())
    assert "of 6 months" in f["track_record_sentence"]


def test_a_cut_sees_only_what_was_known_then(planted_crm):
    cut = pd.Timestamp("2025-12-31")
    rec, p = scoring.recommendation_at(
        planted_crm.as_known_at(cut), thresholds=None, score_range=None, capacity_per_month=40,
        capacity_months=6, overflow_risk=0.1, horizon_days=180,
    )  # fmt: skip
    # the same rule on the leads created by the cut, by hand
    known = planted_crm.leads.loc[planted_crm.leads["created_at"] <= cut]
    out = scoring.lead_outcomes(known, planted_crm.opportunities.iloc[:0], as_of=cut).outcomes
    months = scoring.capacity_months_table(out, thresholds=scoring.default_thresholds(out["score"]),
                                           as_of=cut, capacity_months=6)  # fmt: skip
    cap = scoring.capacity_table(months, capacity_per_month=40)
    assert rec == scoring.recommend_threshold(cap, overflow_risk=0.1)
    assert p == cap.set_index("threshold").loc[rec, "p_over_capacity"]


def test_out_of_time_calibration_of_a_correct_model(planted_crm):
    out = scoring.lead_outcomes(planted_crm.leads, planted_crm.opportunities,
                                as_of=planted_crm.as_of).outcomes  # fmt: skip
    cal = scoring.out_of_time_calibration(planted_crm, out, cut="2025-06-30").iloc[0]
    # test leads: matured after the cut, created 2025-01-02 .. 2026-01-01
    test = out.loc[out["matured"] & (out["created_at"] > pd.Timestamp("2025-01-01"))]
    assert cal["n_test"] == len(test)
    assert cal["brier_skill"] > 0.2  # a strong planted effect beats the base rate
    assert cal["calibration_slope_ci_low"] < 1.3 and cal["calibration_slope_ci_high"] > 0.8
    assert abs(cal["calibration_intercept"]) < 0.2
    # Brier and its base-rate reference, by hand from the fitted line
    fit = scoring.logit_fit(scoring.lead_outcomes(
        planted_crm.as_known_at("2025-06-30").leads, planted_crm.as_known_at("2025-06-30").opportunities,
        as_of="2025-06-30").outcomes)  # fmt: skip
    p = scoring.predicted_win_probability(test["score"], fit)
    y = test["won"].astype(bool).to_numpy(float)
    assert (
        cal["brier"] == np.mean((p - y) ** 2) or abs(cal["brier"] - np.mean((p - y) ** 2)) < 1e-12
    )
    ref = np.mean((cal["base_rate_train"] - y) ** 2)
    assert abs(cal["brier_skill"] - (1 - cal["brier"] / ref)) < 1e-12


def test_no_signal_has_no_skill_and_recommends_nothing(crm_factory):
    flat = crm_factory(slope=0.0, intercept=-2.0, seed=5)
    res = scoring.run(flat, n_boot=20, backtest_months=[3, 12])
    assert not res.figures["oot_brier_skill"] > 0
    assert np.isnan(res.recommended_threshold)
    assert "no out-of-time skill" in res.figures["tradeoff_sentence"]
    assert "reported as a score" in res.figures["calibration_sentence"]


def test_the_inflow_of_todays_outcomes_is_the_inflow_of_the_past_view(planted_crm):
    """track_record's shortcut: the scored leads created by the cut, from today's outcomes."""
    out = scoring.lead_outcomes(planted_crm.leads, planted_crm.opportunities,
                                as_of=planted_crm.as_of).outcomes  # fmt: skip
    settings = dict(thresholds=None, score_range=None, capacity_per_month=40, capacity_months=6,
                    overflow_risk=0.1, horizon_days=180)  # fmt: skip
    for cut in [pd.Timestamp("2025-12-31"), pd.Timestamp("2026-03-31")]:
        past = planted_crm.as_known_at(cut)
        inflow = out.loc[out["created_at"] <= cut, ["created_at", "score"]]
        known = scoring.lead_outcomes(past.leads, past.opportunities, as_of=cut).outcomes
        assert len(inflow) == len(known)
        assert sorted(inflow["score"]) == sorted(known["score"])
        assert scoring.recommendation_at(past, inflow=inflow, **settings) == (
            scoring.recommendation_at(past, **settings)
        )

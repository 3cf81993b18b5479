"""Unit tests for workbook.analyses.engagement.win_model.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.engagement import win_model as wm

AS_OF = pd.Timestamp("2024-03-31")


def test_probability_variance_threshold_is_inclusive(open_deals_fx, stub_model):
    eff = open_deals_fx()
    eff["probability"] = [70.0, 69.0, np.nan]
    got = wm.probability_variance(eff, stub_model([0.40, 0.40, 0.10]), threshold=30)
    # 70 - 40 = 30 -> flagged (inclusive); 69 - 40 = 29 -> not; blank rep probability -> not
    assert got["model_probability"].tolist() == pytest.approx([40.0, 40.0, 10.0])
    assert got["variance"].tolist()[:2] == pytest.approx([30.0, 29.0])
    assert got["flagged"].tolist() == [True, False, False]


def test_win_model_refuses_below_min_closed(open_deals_fx, closed_deals_fx):
    opps, acts = closed_deals_fx(49)
    model = wm.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == wm.REFUSED
    assert model.n_closed == 49
    assert "49" in model.reason and "50" in model.reason
    assert model.coefficients.empty
    eff = open_deals_fx()
    eff["probability"] = [100.0, 0.0, 100.0]
    assert not wm.probability_variance(eff, model, threshold=30)["flagged"].any()


def test_win_model_refuses_perfect_separation(closed_deals_fx):
    opps, acts = closed_deals_fx(120, separable=True)
    model = wm.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == wm.REFUSED
    assert "separat" in model.reason


def test_win_model_fits_with_enough_closed_deals(open_deals_fx, closed_deals_fx):
    opps, acts = closed_deals_fx(400, seed=1)
    model = wm.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == wm.FITTED, model.reason
    assert model.n_closed == 400
    assert model.n_won == int(opps["is_won"].sum())
    # no deal has a meeting: that feature has no variance and is dropped
    assert model.dropped_features == ["log_meetings"]
    coefs = model.coefficients.set_index("term")
    assert coefs.index.tolist() == ["const", "log_age_days", "log_amount", "log_activities"]
    # wins were generated from activities: the coefficient is positive and significant
    assert coefs.loc["log_activities", "coef"] > 0
    assert coefs.loc["log_activities", "p_value"] < 0.01
    assert coefs.loc["log_activities", "odds_ratio"] == pytest.approx(
        np.exp(coefs.loc["log_activities", "coef"])
    )
    eff = open_deals_fx()
    eff["activities"] = [0, 30, 3]
    eff["probability"] = [100.0, 100.0, 50.0]
    var = wm.probability_variance(eff, model, threshold=30)
    # more activity -> higher model probability; a 100% rep call on an untouched deal is flagged
    assert var["model_probability"].iloc[1] > var["model_probability"].iloc[0]
    assert bool(var["flagged"].iloc[0])
    assert (var["variance"] == var["probability"] - var["model_probability"]).all()
    assert (var["flagged"] == (var["variance"].abs() >= 30)).all()


def test_win_model_refuses_single_outcome_and_counts_missing_amount(closed_deals_fx):
    opps, acts = closed_deals_fx(60)
    opps["is_won"] = pd.array([False] * 60, dtype="boolean")
    opps.loc[0, "amount"] = np.nan
    model = wm.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == wm.REFUSED
    assert model.excluded_missing == 1
    assert model.n_closed == 59
    assert "same outcome" in model.reason

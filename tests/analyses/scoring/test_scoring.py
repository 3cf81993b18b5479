"""Tests for workbook.analyses.scoring: hand-computed numbers on tiny fixtures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring

AS_OF = pd.Timestamp("2024-06-30")
NaT = pd.NaT


def _leads(rows):
    cols = [
        "lead_id",
        "created_at",
        "score",
        "status",
        "source",
        "converted_opportunity_id",
        "converted_at",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["created_at"] = pd.to_datetime(df["created_at"])
    df["converted_at"] = pd.to_datetime(df["converted_at"])
    df["score"] = df["score"].astype("float64")
    df["converted_opportunity_id"] = df["converted_opportunity_id"].astype("string")
    df["owner_id"] = pd.Series(["u1"] * len(df), dtype="string")
    df["handed_off_at"] = pd.NaT
    return df


def _opps(rows):
    cols = ["opportunity_id", "created_at", "close_date", "is_closed", "is_won", "amount"]
    df = pd.DataFrame(rows, columns=cols)
    df["created_at"] = pd.to_datetime(df["created_at"])
    df["close_date"] = pd.to_datetime(df["close_date"])
    df["is_closed"] = df["is_closed"].astype("boolean")
    df["is_won"] = df["is_won"].astype("boolean")
    df["amount"] = df["amount"].astype("float64")
    df["account_id"] = "a1"
    return df


def _acts(rows):
    df = pd.DataFrame(rows, columns=["activity_id", "occurred_at", "lead_id", "opportunity_id"])
    df["occurred_at"] = pd.to_datetime(df["occurred_at"])
    df["type"] = "call"
    df["account_id"] = pd.NA
    df["owner_id"] = "u1"
    return df


# as_of 2024-06-30 minus 180 days is 2024-01-02: a lead created that day is
# exactly maturity_days old (matured); one created 2024-01-03 is 179 days old.
OPPS = _opps(
    [
        ("O1", "2024-01-20", "2024-03-01", True, True, 1000),
        ("O2", "2024-01-25", "2024-04-01", True, True, 5000),
        ("O3", "2024-02-01", "2024-05-01", True, False, 800),
        ("O4", "2024-02-10", "2024-09-01", False, False, 700),  # open
        ("O5", "2024-03-10", "2024-07-15", True, True, 900),  # closes after as_of
        ("O6", "2024-01-10", "2024-02-10", True, True, 2000),
        ("O7", "2024-05-10", "2024-06-30", True, True, 3000),  # closes on as_of
        ("O8", "2023-10-20", "2024-03-15", True, False, 400),
    ]
)
LEADS = _leads(
    [
        ("L01", "2024-01-10", 90, "Converted", "web", "O1", "2024-01-20"),
        ("L02", "2024-01-15", 80, "Converted", "web", "O2", "2024-01-25"),
        ("L03", "2024-01-20", 80, "Converted", "event", "O3", "2024-02-01"),
        ("L04", "2024-02-01", 70, "Converted", "event", "O4", "2024-02-10"),
        ("L05", "2024-03-01", 60, "Converted", "web", "O5", "2024-03-10"),
        ("L06", "2024-01-05", 60, "Converted", "web", "O6", "2024-01-10"),
        ("L07", "2024-02-15", 60, "Open", "web", None, NaT),
        ("L08", "2023-12-01", 60, "Open", "event", None, NaT),
        ("L09", "2024-01-02", 50, "Working", "web", None, NaT),  # exactly 180 days
        ("L10", "2024-01-03", 50, "Working", "web", None, NaT),  # 179 days
        ("L11", "2024-04-01", 40, "Unqualified", "event", None, NaT),
        ("L12", "2024-05-01", 55, "Converted", "web", "O7", "2024-05-10"),
        ("L13", "2024-02-01", None, "Open", "web", None, NaT),  # blank score
        ("L14", "2024-07-05", 90, "Open", "web", None, NaT),  # after as_of
        ("L15", "2023-11-15", 30, "Nurture", "event", None, NaT),
        ("L16", "2023-10-01", 20, "Unqualified", None, "O8", "2023-10-20"),
        ("L17", "2024-03-10", 45, "Unqualified", "web", None, NaT),
        ("L18", "2024-02-20", 65, "Converted", "web", "O99", "2024-03-01"),  # dangling opp
        ("L19", "2023-12-20", 75, "Working", "event", None, NaT),
        ("L20", "2024-06-30", 85, "Open", "web", None, NaT),  # created on as_of
        ("L21", "2024-01-25", 35, "Working", "web", None, NaT),
    ]
)


@pytest.fixture(scope="module")
def outcomes():
    out, exclusions = scoring.lead_outcomes(LEADS, OPPS, as_of=AS_OF)
    return out, exclusions


def _by_id(out):
    return out.set_index("lead_id")


def test_outcome_of_every_lead(outcomes):
    out, _ = outcomes
    o = _by_id(out)
    expected = {
        "L01": ("won", "won"),
        "L02": ("won", "won"),
        "L03": ("lost", "opportunity lost"),
        "L04": ("unresolved", "opportunity open"),
        "L05": ("unresolved", "opportunity open"),
        "L06": ("won", "won"),
        "L07": ("unresolved", "too young"),
        "L08": ("lost", "matured"),
        "L09": ("lost", "matured"),
        "L10": ("unresolved", "too young"),
        "L11": ("lost", "disqualified"),
        "L12": ("won", "won"),
        "L15": ("lost", "matured"),
        "L16": ("lost", "opportunity lost"),
        "L17": ("lost", "disqualified"),
        "L18": ("unresolved", "too young"),
        "L19": ("lost", "matured"),
        "L20": ("unresolved", "too young"),
        "L21": ("unresolved", "too young"),
    }
    assert set(o.index) == set(expected)
    got = {k: (o.loc[k, "outcome"], o.loc[k, "outcome_reason"]) for k in expected}
    assert got == expected
    assert o.loc["L09", "age_days"] == 180
    assert o.loc["L10", "age_days"] == 179
    assert o.loc["L20", "age_days"] == 0
    assert pd.isna(o.loc["L04", "won"])
    assert bool(o.loc["L01", "won"]) is True and bool(o.loc["L03", "won"]) is False
    assert int(o["resolved"].sum()) == 12
    assert o.loc["L02", "amount"] == 5000
    # the dangling opportunity id is dropped, not kept as if it existed
    assert pd.isna(o.loc["L18", "converted_opportunity_id"])


def test_exclusions_and_fixups_are_counted(outcomes):
    _, exclusions = outcomes
    counts = dict(zip(exclusions["reason"], exclusions["n"], strict=True))
    assert counts["created after as_of (or no created_at)"] == 1
    assert counts["blank score"] == 1
    assert counts["converted opportunity id not found; treated as none"] == 1
    assert counts["converted opportunity created after as_of; treated as none"] == 0
    assert counts["converted opportunity still open at as_of"] == 2
    assert counts["no converted opportunity, younger than 180 days"] == 5


def test_maturity_boundary_moves_with_parameter():
    # With maturity 179 days the 179-day-old L10 becomes lost too.
    out, _ = scoring.lead_outcomes(LEADS, OPPS, as_of=AS_OF, maturity_days=179)
    assert _by_id(out).loc["L10", "outcome"] == "lost"
    out, _ = scoring.lead_outcomes(LEADS, OPPS, as_of=AS_OF, maturity_days=181)
    assert _by_id(out).loc["L09", "outcome"] == "unresolved"


def test_disqualified_statuses_parameter():
    out, _ = scoring.lead_outcomes(LEADS, OPPS, as_of=AS_OF, disqualified_statuses=())
    o = _by_id(out)
    # L11 is 90 days old: without the status rule it is unresolved; L16 keeps its lost opp.
    assert o.loc["L11", "outcome"] == "unresolved"
    assert o.loc["L16", "outcome_reason"] == "opportunity lost"


def test_opportunity_created_after_as_of_is_not_known():
    opps = OPPS.copy()
    opps.loc[opps["opportunity_id"] == "O7", "created_at"] = pd.Timestamp("2024-07-02")
    out, exclusions = scoring.lead_outcomes(LEADS, opps, as_of=AS_OF)
    assert _by_id(out).loc["L12", "outcome"] == "unresolved"  # 60 days old, no known opp
    counts = dict(zip(exclusions["reason"], exclusions["n"], strict=True))
    assert counts["converted opportunity created after as_of; treated as none"] == 1


# resolved: won 90, 80, 60, 55; lost 80, 75, 60, 50, 45, 40, 30, 20 -> 12 resolved, 4 wins
# resolved created_at from 2023-10-01 (L16) to 2024-05-01 (L12): 8 calendar months.
def test_sweep_hand_numbers(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, thresholds=[80, 50, 60])
    assert list(sweep.columns[:7]) == [
        "threshold",
        "handed_off",
        "wins",
        "win_rate",
        "share_of_wins",
        "lift",
        "handed_off_per_month",
    ]
    s = sweep.set_index("threshold")
    assert list(s.index) == [50, 60, 80]
    assert s.loc[60, "handed_off"] == 6  # ties at 60 (one won, one lost) are handed off
    assert s.loc[60, "wins"] == 3
    assert s.loc[60, "win_rate"] == pytest.approx(0.5)
    assert s.loc[60, "share_of_wins"] == pytest.approx(0.75)
    assert s.loc[60, "lift"] == pytest.approx(1.5)
    assert s.loc[60, "handed_off_per_month"] == pytest.approx(6 / 8)
    assert (s.loc[50, "handed_off"], s.loc[50, "wins"]) == (8, 4)
    assert s.loc[50, "share_of_wins"] == pytest.approx(1.0)
    assert (s.loc[80, "handed_off"], s.loc[80, "wins"]) == (3, 2)
    assert s.loc[80, "win_rate"] == pytest.approx(2 / 3)
    assert s.loc[80, "lift"] == pytest.approx(2.0)
    assert s.loc[80, "handed_off_per_month"] == pytest.approx(3 / 8)
    assert (s["months"] == 8).all()


def test_default_grid(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, step=5)
    assert sweep["threshold"].tolist() == list(range(20, 95, 5))
    first, last = sweep.iloc[0], sweep.iloc[-1]
    assert (first["handed_off"], first["wins"]) == (12, 4)
    assert first["lift"] == pytest.approx(1.0)
    assert (last["threshold"], last["handed_off"], last["wins"]) == (90, 1, 1)


def test_calendar_months_boundaries():
    assert scoring.calendar_months(pd.Series(pd.to_datetime(["2024-01-31", "2024-02-01"]))) == 2
    assert scoring.calendar_months(pd.Series(pd.to_datetime(["2024-03-01", "2024-03-31"]))) == 1
    assert scoring.calendar_months(pd.Series(pd.to_datetime(["2023-12-15", "2025-01-01"]))) == 14
    assert scoring.calendar_months(pd.Series([], dtype="datetime64[ns]")) == 0


def test_recommend_threshold_is_lowest_fitting_grid_point(outcomes):
    out, _ = outcomes
    sweep = scoring.threshold_sweep(out, step=5)
    # per month: t=60 -> 6/8 = 0.75, t=65 -> 4/8 = 0.5 (90, 80, 80, 75), t=80 -> 0.375
    assert scoring.recommend_threshold(sweep, capacity_per_month=0.5) == 65  # <= is inclusive
    assert scoring.recommend_threshold(sweep, capacity_per_month=0.49) == 80
    assert scoring.recommend_threshold(sweep, capacity_per_month=100) == 20
    assert math.isnan(scoring.recommend_threshold(sweep, capacity_per_month=0.1))


def test_auc_with_ties_equals_hand_value(outcomes):
    out, _ = outcomes
    # wins vs the 8 losses: 90 beats 8; 80 beats 7 + tie 0.5; 60 beats 5 + tie 0.5; 55 beats 5
    # -> 26 / (4 * 8) = 0.8125
    auc = scoring.auc_with_ci(out, n_boot=200, seed=1).iloc[0]
    assert auc["auc"] == pytest.approx(26 / 32)
    assert (auc["n_won"], auc["n_lost"]) == (4, 8)
    assert auc["ci_low"] <= auc["auc"] <= auc["ci_high"]
    assert "bootstrap" in auc["method"]


def test_threshold_comparison_and_sentence(outcomes):
    out, _ = outcomes
    comp = scoring.threshold_comparison(
        out, thresholds={"current": 60, "recommended": 65}, n_boot=200, seed=0
    )
    c = comp.set_index("label")
    assert (c.loc["current", "handed_off"], c.loc["current", "wins"]) == (6, 3)
    assert c.loc["current", "share_of_wins"] == pytest.approx(0.75)
    assert (c.loc["recommended", "handed_off"], c.loc["recommended", "wins"]) == (4, 2)
    assert c.loc["recommended", "handed_off_per_month"] == pytest.approx(0.5)
    for label in ("current", "recommended"):
        row = c.loc[label]
        assert row["win_rate_ci_low"] <= row["win_rate"] <= row["win_rate_ci_high"]
        assert row["share_of_wins_ci_low"] <= row["share_of_wins"] <= row["share_of_wins_ci_high"]
    sentence = scoring.tradeoff_sentence(comp, capacity_per_month=0.5)
    assert sentence == (
        "At 60 you hand off 0.8 leads a month and win 50%; at 65 you would hand off 0.5 "
        "(fits capacity 0.5) and win 50%, keeping 50% of wins."
    )


def test_band_table_wilson(outcomes):
    out, _ = outcomes
    bands = scoring.band_table(out, width=10).set_index("score_low")
    assert bands["n"].to_dict() == {20: 1, 30: 1, 40: 2, 50: 2, 60: 2, 70: 1, 80: 2, 90: 1}
    assert bands["wins"].to_dict() == {20: 0, 30: 0, 40: 0, 50: 1, 60: 1, 70: 0, 80: 1, 90: 1}
    # Wilson 95% for 1 of 2: 0.5 -/+ 1.96*sqrt(0.125 + 0.2401)/2.9208 = 0.5 -/+ 0.40547
    assert bands.loc[50, "ci_low"] == pytest.approx(0.0945, abs=1e-4)
    assert bands.loc[50, "ci_high"] == pytest.approx(0.9055, abs=1e-4)
    assert bands.loc[60, "band"] == "60–<70"
    seg = scoring.band_table(out, width=50, segment_by="source")
    # blank source (L16) is its own segment
    assert set(seg["segment"]) == {"web", "event", "(blank)"}
    web = seg.loc[seg["segment"] == "web"].set_index("score_low")
    # web resolved: 90W 80W 60W 55W 50L 45L -> [0,50): 45L; [50,100): 90W 80W 60W 55W 50L
    assert web["n"].to_dict() == {0: 1, 50: 5}
    assert web["wins"].to_dict() == {0: 0, 50: 4}


def test_segment_auc_flags(outcomes):
    out, _ = outcomes
    seg = scoring.segment_auc(out, segment_by="source", n_boot=200, seed=0).set_index("segment")
    # event: no wins among L03 80, L08 60, L11 40, L15 30, L19 75 -> AUC undefined
    assert pd.isna(seg.loc["event", "auc"])
    assert "undefined" in seg.loc["event", "flag"]
    # web: wins 90, 80, 60, 55 all above losses 50, 45 -> AUC 1.0
    assert seg.loc["web", "auc"] == pytest.approx(1.0)
    assert (seg.loc["web", "n"], seg.loc["web", "wins"]) == (6, 4)


def test_correlations(outcomes):
    out, _ = outcomes
    corr = scoring.correlations(out)
    assert corr["p_value"].between(0, 1).all()
    pb = corr.iloc[0]
    assert pb["measure"] == "point-biserial" and pb["n"] == 12
    # point-biserial equals Pearson of score with 0/1 won
    res = out.loc[out["resolved"]]
    pearson = np.corrcoef(res["score"], res["won"].astype(float))[0, 1]
    assert pb["coefficient"] == pytest.approx(pearson)
    amt = corr.iloc[2]
    # won deals (score, amount): (90, 1000) (80, 5000) (60, 2000) (55, 3000)
    # ranks score 4 3 2 1, amount 1 4 2 3 -> d^2 = 9+1+0+4 = 14 -> 1 - 6*14/60 = -0.4
    assert amt["n"] == 4
    assert amt["coefficient"] == pytest.approx(-0.4)


def test_thin_data_flag(outcomes):
    out, _ = outcomes
    suff = scoring.data_sufficiency(out)
    assert suff["reliable"] is False
    assert (suff["n_resolved"], suff["n_wins"], suff["n_unresolved"]) == (12, 4, 7)
    assert "Thin data" in suff["message"]
    assert scoring.data_sufficiency(out, min_resolved=12, min_wins=4)["reliable"] is True
    assert scoring.data_sufficiency(out, min_resolved=12, min_wins=5)["reliable"] is False


def _synthetic(n=5000, slope=0.05, intercept=-3.0, seed=42):
    rng = np.random.default_rng(seed)
    score = rng.uniform(0, 100, n).round()
    won = rng.random(n) < 1 / (1 + np.exp(-(intercept + slope * score)))
    return pd.DataFrame(
        {
            "lead_id": [f"S{i}" for i in range(n)],
            "created_at": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "score": score,
            "source": np.where(rng.random(n) < 0.5, "web", "event"),
            "amount": np.where(won, rng.lognormal(9, 1, n), np.nan),
            "resolved": True,
            "won": pd.array(won, dtype="boolean"),
        }
    )


def test_logit_recovers_planted_slope():
    synth = _synthetic()
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


# ---------------------------------------------------------------- decay
DECAY_LEADS = _leads(
    [
        ("D1", "2024-01-01", 80, "Working", "web", None, NaT),
        ("D2", "2024-01-01", 70, "Working", "web", None, NaT),
        ("D3", "2024-01-01", 90, "Converted", "web", "P3", "2024-03-31"),
        ("D4", "2024-01-01", 60, "Converted", "web", "P4", NaT),
        ("D5", "2024-03-01", 50, "Open", "web", None, NaT),
        ("D6", "2024-04-01", 40, "Open", "web", None, NaT),
        ("D7", "2024-04-01", 45, "Open", "web", None, NaT),
    ]
)
DECAY_OPPS = _opps(
    [
        ("P3", "2024-03-31", "2024-05-01", True, True, 100),
        ("P4", "2024-01-05", "2024-04-01", True, True, 100),
    ]
)
DECAY_ACTS = _acts(
    [
        ("A1", "2024-02-01", "D1", None),
        ("A2", "2024-04-01", "D1", None),
        ("A3", "2024-06-01", "D1", None),
        ("A4", "2024-01-01", "D3", None),
        ("A5", "2024-03-30", None, "P3"),  # on D3's converted opportunity
        ("A6", "2024-05-15", "D6", None),
        ("A7", "2024-07-10", "D6", None),  # after as_of: ignored
    ]
)


def test_decay_gaps_and_scores():
    decayed = scoring.apply_decay(
        DECAY_LEADS, DECAY_ACTS, DECAY_OPPS, as_of=AS_OF, decay_after_days=90, decay_points="-100"
    ).set_index("lead_id")
    # D1: Jan1-Feb1 31, Feb1-Apr1 60, Apr1-Jun1 61, Jun1-Jun29 (matures) 28 -> 61
    # D2: no activity and no opportunity: window ends when it matures, Jan1 + 180 days -> 180
    # D3: Jan1, Mar30 (opportunity activity), ends at conversion Mar31 -> 89
    # D4: no conversion date: ends at close Apr1 -> 91
    # D5: Mar1-Jun30 (as_of, before it matures) -> 121; D6: Apr1-May15 44, May15-Jun30 46 -> 46; D7: Apr1-Jun30 -> 90
    assert decayed["longest_gap_days"].to_dict() == {
        "D1": 61,
        "D2": 180,
        "D3": 89,
        "D4": 91,
        "D5": 121,
        "D6": 46,
        "D7": 90,
    }
    assert decayed["n_activities"].to_dict() == {
        "D1": 3,
        "D2": 0,
        "D3": 2,
        "D4": 0,
        "D5": 0,
        "D6": 1,
        "D7": 0,
    }
    assert decayed["decayed"].to_dict() == {
        "D1": False,
        "D2": True,
        "D3": False,
        "D4": True,
        "D5": True,
        "D6": False,
        "D7": True,
    }
    assert decayed["decayed_score"].to_dict() == {
        "D1": 80,
        "D2": -30,
        "D3": 90,
        "D4": -40,
        "D5": -50,
        "D6": 40,
        "D7": -55,
    }
    reset = scoring.apply_decay(
        DECAY_LEADS, DECAY_ACTS, DECAY_OPPS, as_of=AS_OF, decay_points="reset"
    ).set_index("lead_id")
    assert reset.loc["D2", "decayed_score"] == 0 and reset.loc["D1", "decayed_score"] == 80


def test_decay_summary_before_after():
    decayed = scoring.apply_decay(DECAY_LEADS, DECAY_ACTS, DECAY_OPPS, as_of=AS_OF)
    # resolved: D1 lost 80 (matured), D2 lost 70 (matured), D3 won 90, D4 won 60; one month
    summ = scoring.decay_summary(decayed, threshold=60).set_index("scenario")
    assert (summ.loc["current scores", "handed_off"], summ.loc["current scores", "wins"]) == (4, 2)
    assert (summ.loc["after decay", "handed_off"], summ.loc["after decay", "wins"]) == (2, 1)
    assert summ.loc["after decay", "win_rate"] == pytest.approx(0.5)
    assert summ.loc["after decay", "share_of_wins"] == pytest.approx(0.5)
    assert (summ["decayed_leads"] == 2).all() and (summ["decayed_wins"] == 1).all()
    dsweep = scoring.decay_sweep(decayed, thresholds=[50, 60])
    assert len(dsweep) == 4
    after = dsweep.loc[dsweep["scenario"] == "after decay"].set_index("threshold")
    assert after.loc[50, "handed_off"] == 2


def test_parse_decay_points():
    assert scoring.parse_decay_points("-100") == -100
    assert scoring.parse_decay_points(" Reset ") == "reset"
    assert scoring.parse_decay_points(-50) == -50
    with pytest.raises(ValueError):
        scoring.parse_decay_points("lots")


def _figures(out, *, current=60, capacity=0.5, n_boot=100):
    sweep = scoring.threshold_sweep(out, step=5)
    rec = scoring.recommend_threshold(sweep, capacity_per_month=capacity)
    return scoring.summary_figures(
        outcomes=out,
        auc=scoring.auc_with_ci(out, n_boot=n_boot),
        logit=scoring.logit_fit(out),
        correlations=scoring.correlations(out),
        comparison=scoring.threshold_comparison(
            out, thresholds={"current": current, "recommended": rec}, n_boot=n_boot
        ),
        capacity_per_month=capacity,
        segments=scoring.segment_auc(out, n_boot=n_boot),
    )


REQUIRED_KEYS = {
    "n_resolved",
    "n_unresolved",
    "base_win_rate",
    "auc",
    "auc_ci",
    "logit_slope",
    "logit_slope_ci",
    "odds_ratio_per_10_points",
    "spearman_score_amount",
    "current_threshold",
    "recommended_threshold",
}


def test_summary_figures_keys_and_values(outcomes):
    out, _ = outcomes
    figs = _figures(out)
    assert REQUIRED_KEYS <= set(figs)
    assert (figs["n_resolved"], figs["n_unresolved"]) == (12, 7)
    assert figs["base_win_rate"] == pytest.approx(4 / 12)
    assert figs["auc"] == pytest.approx(0.8125)
    assert figs["spearman_score_amount"] == pytest.approx(-0.4)
    assert (figs["current_threshold"], figs["recommended_threshold"]) == (60, 65)
    assert figs["recommendation_reliable"] is False
    assert len(figs["auc_ci"]) == 2 and len(figs["logit_slope_ci"]) == 2


def test_summary_sentences_follow_the_data(outcomes):
    out, _ = outcomes
    thin = scoring.summary_sentences(_figures(out))
    assert 3 <= len(thin) <= 5
    assert thin[0].startswith(
        "Thin data: only 12 resolved leads (at least 100 needed) and 4 wins (at least 20 needed),"
    )
    assert (
        "12 scored leads are resolved (4 won, base win rate 33%); 7 are still unresolved" in thin[1]
    )
    assert any(s.startswith("Indicative only: At 60 you hand off 0.8 leads a month") for s in thin)
    synth = _synthetic(n=2000)
    rich = scoring.summary_sentences(_figures(synth, capacity=40))
    assert 3 <= len(rich) <= 5
    assert not rich[0].startswith("Thin data")
    assert rich[0].startswith("2,000 scored leads are resolved")
    assert "The score separates wins from losses with AUC" in rich[1]
    assert rich != thin


def test_band_table_top_band_closed_and_out_of_range_bands():
    frame = pd.DataFrame(
        {
            "score": [-5.0, 0.0, 95.0, 100.0, 140.0],
            "resolved": True,
            "won": pd.array([False, True, True, False, True], dtype="boolean"),
        }
    )
    bands = scoring.band_table(frame, width=10)
    assert bands["band"].tolist() == ["below 0", "0–<10", "90–100", "above 100"]
    assert bands["n"].tolist() == [1, 1, 2, 1]
    assert bands["wins"].tolist() == [0, 1, 1, 1]


def test_headline_cards(outcomes):
    out, _ = outcomes
    cards = scoring.headline_cards(_figures(out))
    shown = {c.key: c.display for c in cards}
    assert shown["n_resolved"] == "12"
    assert shown["base_win_rate"] == "33.3%"
    assert shown["auc"] == "0.81"
    assert shown["recommended_threshold"] == "65"
    assert cards[-1].label == "Recommended threshold (indicative, thin data)"


def test_cell_auc_equals_mann_whitney_exactly():
    # (1) the cell-count AUC of the full sample is the rank-based U / (n_won * n_lost)
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(3)
    s = rng.integers(0, 20, 300).astype(float)  # many ties
    w = rng.random(300) < 0.3
    levels, counts = scoring.score_cells(s, w)
    assert counts.sum() == 300 and counts[:, 1].sum() == w.sum()
    u = mannwhitneyu(s[w], s[~w]).statistic / (w.sum() * (~w).sum())
    assert scoring.auc_from_cells(counts) == u
    # hand fixture: won 3, 2, 2; lost 2, 1 -> pairs (3,2) 1, (3,1) 1, (2,2) 0.5 x2, (2,1) 1 x2
    # -> U = 5 of 6 pairs
    levels, counts = scoring.score_cells(
        [3.0, 2.0, 2.0, 2.0, 1.0], [True, True, True, False, False]
    )
    assert levels.tolist() == [1.0, 2.0, 3.0]
    assert counts.tolist() == [[1, 0], [1, 2], [0, 1]]
    assert scoring.auc_from_cells(counts) == 5 / 6
    # resamples along a leading axis; no wins -> NaN
    batch = scoring.auc_from_cells(np.stack([counts, [[1, 0], [1, 0], [0, 0]]]))
    assert batch[0] == 5 / 6 and np.isnan(batch[1])


def test_cell_threshold_rates_equal_row_computation():
    # (2) win rate / share of wins at thresholds from a count vector == the direct row computation
    levels = np.array([10.0, 20.0, 30.0, 40.0])
    counts = np.array([[4, 1], [3, 0], [2, 2], [0, 3]])  # (lost, won) per level
    # rows the counts stand for
    s = np.repeat(np.repeat(levels, 2), counts.ravel())
    w = np.repeat(np.tile([False, True], 4), counts.ravel())
    ts = np.array([5.0, 20.0, 25.0, 40.0, 50.0])
    first = np.searchsorted(levels, ts, side="left")
    wr, share, handed, wins = scoring.threshold_rates_from_cells(counts, first)
    row_handed = np.array([(s >= t).sum() for t in ts])
    row_wins = np.array([(w & (s >= t)).sum() for t in ts])
    # by hand: t=20 -> 3+0+2+2+0+3 = 10 handed, 5 wins; t=40 -> 3 and 3; t=50 -> nobody
    assert handed.tolist() == row_handed.tolist() == [15, 10, 7, 3, 0]
    assert wins.tolist() == row_wins.tolist() == [6, 5, 5, 3, 0]
    np.testing.assert_array_equal(wr[:4], row_wins[:4] / row_handed[:4])
    assert np.isnan(wr[4])
    np.testing.assert_array_equal(share, row_wins / w.sum())
    # the same over a batch of resamples
    wr2, share2, _, _ = scoring.threshold_rates_from_cells(np.stack([counts, counts]), first)
    np.testing.assert_array_equal(wr2[1], wr)
    np.testing.assert_array_equal(share2[0], share)


def test_cell_bootstrap_width_matches_row_resampling():
    # (3) multinomial-over-cells bootstrap vs the old row resampling (rng.integers(0, n, n)):
    # same distribution, so interval widths agree within Monte-Carlo noise.
    from workbook.core.stats import bootstrap_interval

    rng = np.random.default_rng(11)
    n = 3000
    s = rng.integers(0, 101, n).astype(float)
    w = rng.random(n) < 1 / (1 + np.exp(-(0.04 * s - 3)))
    levels, counts = scoring.score_cells(s, w)
    codes = np.searchsorted(levels, s)
    cells = codes * 2 + w
    first = np.searchsorted(levels, [60.0], side="left")

    def row_counts(idx):
        return np.bincount(cells[idx], minlength=2 * len(levels)).reshape(-1, 2)

    def stats(c):
        wr, share, _, _ = scoring.threshold_rates_from_cells(c, first)
        return np.concatenate([scoring.auc_from_cells(c)[..., None], wr, share], axis=-1)

    point = stats(counts)
    lo, hi = scoring.cell_bootstrap_interval(stats, counts, n_boot=2000, seed=5)
    lo_again, hi_again = scoring.cell_bootstrap_interval(stats, counts, n_boot=2000, seed=5)
    np.testing.assert_array_equal(lo, lo_again)  # deterministic for a seed
    np.testing.assert_array_equal(hi, hi_again)
    assert np.all((lo <= point) & (point <= hi))
    old_lo, old_hi = bootstrap_interval(lambda i: stats(row_counts(i)), n, n_boot=2000, seed=5)
    rel = np.abs((hi - lo) - (old_hi - old_lo)) / (old_hi - old_lo)
    assert np.all(rel < 0.15), rel
    # and through the public functions
    out = pd.DataFrame({"score": s, "won": w, "resolved": True})
    auc = scoring.auc_with_ci(out, n_boot=2000, seed=5).iloc[0]
    assert auc["auc"] == point[0]
    assert (auc["ci_low"], auc["ci_high"]) == (lo[0], hi[0])


# ---------------------------------------------------------------- end to end
SWEEP_CONTRACT = [
    "threshold",
    "handed_off",
    "wins",
    "win_rate",
    "share_of_wins",
    "lift",
    "handed_off_per_month",
]


@pytest.mark.e2e
def test_sample_run_exports_match_the_analysis(sample_run):
    import json

    import workbook

    folder = sample_run / "scoring"
    sweep_csv = pd.read_csv(folder / "threshold_sweep.csv")
    assert list(sweep_csv.columns[: len(SWEEP_CONTRACT)]) == SWEEP_CONTRACT
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert REQUIRED_KEYS <= set(summary)
    assert summary["report"] == "scoring"

    crm = workbook.load(tables=["leads", "opportunities", "activities"])
    out, _ = scoring.lead_outcomes(crm.leads, crm.opportunities, as_of=crm.as_of)
    sweep = scoring.threshold_sweep(out)
    pd.testing.assert_frame_equal(
        sweep_csv[SWEEP_CONTRACT], sweep[SWEEP_CONTRACT], check_dtype=False
    )
    suff = scoring.data_sufficiency(out)
    assert summary["n_resolved"] == suff["n_resolved"]
    assert summary["n_unresolved"] == suff["n_unresolved"]
    assert summary["base_win_rate"] == pytest.approx(suff["n_wins"] / suff["n_resolved"])
    assert summary["auc"] == pytest.approx(scoring.auc_with_ci(out, n_boot=10).iloc[0]["auc"])
    fit = scoring.logit_fit(out).iloc[0]
    assert summary["logit_slope"] == pytest.approx(fit["slope"])
    assert summary["odds_ratio_per_10_points"] == pytest.approx(fit["odds_ratio_per_10_points"])
    assert summary["spearman_score_amount"] == pytest.approx(
        scoring.correlations(out).iloc[2]["coefficient"]
    )
    assert summary["current_threshold"] == 60
    assert summary["recommended_threshold"] == scoring.recommend_threshold(
        sweep, capacity_per_month=summary["capacity_per_month"]
    )
    # story checks on the sample: enough data, the score predicts, and the
    # recommendation fits the capacity
    assert summary["recommendation_reliable"] is True
    assert summary["auc_ci"][0] > 0.5
    assert summary["logit_slope_ci"][0] > 0
    rec = sweep.set_index("threshold").loc[summary["recommended_threshold"]]
    assert rec["handed_off_per_month"] <= summary["capacity_per_month"]
    for stem in ("score_bands", "calibration", "segments", "decay_summary", "exclusions"):
        assert (folder / f"{stem}.csv").is_file(), stem
    # the decay sweep is exported, and no cell leaks an export's return value
    # (a Path repr) into the report
    assert (folder / "decay_sweep.csv").is_file()
    html = (sample_run / "scoring.html").read_text(encoding="utf-8")
    assert "PosixPath(" not in html and "WindowsPath(" not in html
    bands = pd.read_csv(folder / "score_bands.csv")
    assert not bands["band"].str.startswith("-0").any()


def test_band_table_negative_zero_score_is_the_zero_band():
    # -0.0 == 0.0, so a "-0" score belongs to [0, 10) and must be labelled "0–<10",
    # never "-0–<10"; it shares the band with 0.0 and 5.0 (3 leads, 1 win).
    frame = pd.DataFrame(
        {
            "score": [-0.0, 0.0, 5.0],
            "resolved": True,
            "won": pd.array([True, False, False], dtype="boolean"),
        }
    )
    bands = scoring.band_table(frame, width=10)
    assert bands["band"].tolist() == ["0–<10"]
    assert (bands["n"].tolist(), bands["wins"].tolist()) == ([3], [1])
    assert str(bands["score_low"].iloc[0]) == "0.0"
    # the same holds without a valid range and in threshold labels
    assert scoring.band_table(frame, width=10, score_range=None)["band"].tolist() == ["0–<10"]
    assert scoring._fmt_t(-0.0) == "0"


def test_segment_whose_auc_ci_contains_half_is_flagged():
    # "flat": won scores 50, 60 and lost scores 50, 60. Pairs (won, lost): 50-50 tie 0.5,
    # 50-60 loses 0, 60-50 wins 1, 60-60 tie 0.5 -> AUC = 2 / 4 = 0.5 exactly, so every
    # bootstrap interval around it contains 0.5: the score does not predict there.
    # "sharp": won 80, 90 above lost 10, 20 -> AUC 1; every resample with both outcomes
    # also gives 1, so the interval is [1, 1] and the score predicts.
    frame = pd.DataFrame(
        {
            "score": [50.0, 60.0, 50.0, 60.0, 80.0, 90.0, 10.0, 20.0],
            "source": ["flat"] * 4 + ["sharp"] * 4,
            "resolved": True,
            "won": pd.array([True, True, False, False, True, True, False, False], dtype="boolean"),
        }
    )
    seg = scoring.segment_auc(frame, segment_by="source", n_boot=200, seed=0).set_index("segment")
    assert seg.loc["flat", "auc"] == pytest.approx(0.5)
    assert seg.loc["flat", "auc_ci_low"] <= 0.5 <= seg.loc["flat", "auc_ci_high"]
    assert bool(seg.loc["flat", "score_predicts"]) is False
    assert seg.loc["flat", "flag"] == "score does not predict (AUC CI contains 0.5)"
    assert (seg.loc["sharp", "auc"], seg.loc["sharp", "auc_ci_low"]) == (1.0, 1.0)
    assert bool(seg.loc["sharp", "score_predicts"]) is True
    assert seg.loc["sharp", "flag"] == ""
    assert (seg.loc["flat", "win_rate"], seg.loc["sharp", "win_rate"]) == (0.5, 0.5)


def test_thin_data_names_only_the_limit_that_fails(outcomes):
    out, _ = outcomes
    # 12 resolved leads, 4 wins: with min_resolved 10 only the wins (4 < 20) are short;
    # with min_wins 4 only the resolved leads (12 < 100) are.
    suff = scoring.data_sufficiency(out, min_resolved=10)
    assert suff["shortfall"] == "4 wins (at least 20 needed)"
    assert suff["message"].startswith(
        "Thin data: only 4 wins (at least 20 needed), out of 12 resolved leads."
    )
    suff = scoring.data_sufficiency(out, min_wins=4)
    assert suff["shortfall"] == "12 resolved leads (at least 100 needed)"
    assert scoring.data_sufficiency(out, min_resolved=12, min_wins=4)["shortfall"] == ""
    figs = scoring.summary_figures(
        outcomes=out,
        auc=scoring.auc_with_ci(out, n_boot=50),
        logit=scoring.logit_fit(out),
        correlations=scoring.correlations(out),
        comparison=scoring.threshold_comparison(
            out, thresholds={"current": 60, "recommended": 65}, n_boot=50
        ),
        capacity_per_month=0.5,
        min_resolved=10,
    )
    assert figs["thin_data_shortfall"] == "4 wins (at least 20 needed)"
    assert scoring.summary_sentences(figs)[0] == (
        "Thin data: only 4 wins (at least 20 needed), too few for a reliable threshold "
        "recommendation; treat every number here as indicative."
    )

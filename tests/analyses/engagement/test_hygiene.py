"""Unit tests for workbook.analyses.engagement.hygiene on tiny hand-built fixtures.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.engagement import hygiene as hy

AS_OF = pd.Timestamp("2024-03-31")


def _d(values):
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")


def leads_fx():
    rows = [
        # lead, status, created, owner, handed_off, converted_at
        ("L1", "Open", "2024-03-01", "u1", "2024-03-10", None),
        ("L2", "Working", "2024-03-01", "u1", "2024-03-20", None),
        ("L3", "Open", "2024-03-25", None, None, None),
        ("L4", "Converted", "2024-01-01", "u1", None, "2024-02-01"),
        ("L5", "Open", "2024-01-01", "u1", None, "2024-03-01"),  # converted_at wins
        ("L6", "Unqualified", "2023-06-01", "u2", None, None),
        ("L7", "Working", "2023-09-01", "u2", None, None),
        ("L8", "Nurture", "2023-01-01", "u2", None, None),
        ("L9", " open ", "2023-09-01", "u2", "2024-01-20", None),
        ("L10", "Open", "2024-04-05", "u1", "2024-04-06", None),  # after as_of
        ("L11", "Unqualified", "2023-10-03", "u2", None, None),  # exactly 180 days old
    ]
    frame = pd.DataFrame(
        rows,
        columns=["lead_id", "status", "created_at", "owner_id", "handed_off_at", "converted_at"],
    )
    for col in ("created_at", "handed_off_at", "converted_at"):
        frame[col] = _d(frame[col])
    frame["company"] = [f"Co <{i}>" for i in range(len(frame))]
    frame["source"] = "web"
    frame["converted_opportunity_id"] = None
    frame["converted_account_id"] = None
    return frame


def lead_activities_fx():
    rows = [
        ("T1", "L1", "2024-03-17"),  # as_of - 14: outside the stale window
        ("T2", "L2", "2024-03-18"),  # first day inside; before L2's handoff
        ("T3", "L7", "2023-10-01"),
        ("T4", "L9", "2024-01-15"),  # inside the 180-day window; before handoff
    ]
    frame = pd.DataFrame(rows, columns=["activity_id", "lead_id", "occurred_at"])
    frame["occurred_at"] = _d(frame["occurred_at"])
    frame["type"] = "call"
    frame["account_id"] = None
    frame["opportunity_id"] = None
    frame["owner_id"] = "u1"
    return frame


# ---------------------------------------------------------------- leads
def test_stale_leads():
    got = hy.stale_leads(leads_fx(), lead_activities_fx(), as_of=AS_OF, stale_days=14)
    # open: L1, L2, L3, L7, L9 (L5 is converted, L10 created after as_of)
    assert got["lead_id"].tolist() == ["L1", "L2", "L3", "L7", "L9"]
    # L1 last touch on as_of - 14 -> stale; L2 touched 03-18 -> not; L3 is 6 days old -> not yet
    assert got["stale"].tolist() == [True, False, False, True, True]
    assert got["age_days"].tolist() == [30, 30, 6, 212, 212]
    assert got["days_since_touch"].tolist()[:2] == [14.0, 13.0]


def test_handoff_not_worked_uses_links():
    got = hy.handoff_not_worked(leads_fx(), lead_activities_fx(), as_of=AS_OF)
    # L1 handed off 03-10, touched 03-17 -> worked.
    # L2 handed off 03-20, only touch 03-18 (before) -> not worked, waiting 11 days.
    # L9 handed off 01-20, only touch 01-15 -> not worked, waiting 11 + 29 + 31 = 71 days.
    assert got["lead_id"].tolist() == ["L9", "L2"]
    assert got["days_waiting"].tolist() == [71.0, 11.0]
    assert hy.handed_off_count(leads_fx(), as_of=AS_OF) == 3


def test_lead_effectiveness_by_owner():
    leads, acts = leads_fx(), lead_activities_fx()
    stale = hy.stale_leads(leads, acts, as_of=AS_OF, stale_days=14)
    nw = hy.handoff_not_worked(leads, acts, as_of=AS_OF)
    got = hy.lead_effectiveness_by_owner(stale, nw)
    # u2: L7, L9 stale, L9 not worked (3); u1: L1 stale, L2 not worked (2); (none): L3 (0)
    assert got["owner_id"].tolist() == ["u2", "u1", "(none)"]
    assert got["open_leads"].tolist() == [2, 2, 1]
    assert got["stale_leads"].tolist() == [2, 1, 0]
    assert got["handed_off_not_worked"].tolist() == [1, 1, 0]
    assert got["stale_share"].tolist() == [1.0, 0.5, 0.0]


def test_lead_status_counts_and_funnel():
    counts = hy.lead_status_counts(leads_fx(), as_of=AS_OF)
    # 10 leads created on or before as_of (L10 is later); " open " counts as Open.
    assert counts["status"].tolist() == ["Open", "Working", "Nurture", "Unqualified", "Converted"]
    assert counts["leads"].tolist() == [4, 2, 1, 2, 1]
    assert counts["share"].sum() == pytest.approx(1.0)
    funnel = hy.lead_funnel(leads_fx(), as_of=AS_OF)
    # worked: L2, L4, L5 (converted), L6, L7, L8, L11 = 7; converted: L4, L5 = 2
    assert funnel["step"].tolist() == ["created", "worked", "converted"]
    assert funnel["leads"].tolist() == [10, 7, 2]
    assert np.isnan(funnel["conversion"].iloc[0])
    assert funnel["conversion"].tolist()[1:] == pytest.approx([0.7, 2 / 7])
    assert funnel["share_of_created"].tolist() == pytest.approx([1.0, 0.7, 0.2])


def test_status_counts_other_and_blank():
    leads = leads_fx().iloc[:3].copy()
    leads["status"] = ["Recycled", None, "Open"]
    counts = hy.lead_status_counts(leads, as_of=AS_OF)
    assert counts["status"].tolist()[-2:] == ["Recycled", "(blank)"]
    assert counts["leads"].tolist() == [1, 0, 0, 0, 0, 1, 1]


def test_archive_candidates():
    got = hy.archive_candidates(
        leads_fx(), lead_activities_fx(), as_of=AS_OF, archive_after_days=180
    )
    # L6 unqualified, 304 days -> archive; L7 working, last touch 2023-10-01 before the
    # 180-day window (from 2023-10-04) -> nurture; L9 touched 2024-01-15 -> not stalled;
    # L11 is exactly 180 days old (not older); L8 is already in nurture.
    assert got["lead_id"].tolist() == ["L6", "L7"]
    assert got["age_days"].tolist() == [304, 212]
    assert got["reason"].tolist() == ["unqualified", "stalled"]
    assert got["action"].tolist() == ["archive", "nurture"]
    # one day shorter threshold: L11 (180 days) now qualifies
    got = hy.archive_candidates(
        leads_fx(), lead_activities_fx(), as_of=AS_OF, archive_after_days=179
    )
    assert "L11" in got["lead_id"].tolist()


def test_unowned_open_leads():
    got = hy.unowned_open_leads(leads_fx(), as_of=AS_OF)
    assert got["lead_id"].tolist() == ["L3"]
    assert got["company"].tolist() == ["Co <2>"]


# ---------------------------------------------------------------- recommendations
def effectiveness_fx():
    return pd.DataFrame(
        {
            "opportunity_id": ["P1", "P2", "P3"],
            "account_id": ["A1", "A2", "A3"],
            "owner_id": ["u1", "u2", "u2"],
            "stage": ["Proposal", "Discovery", "Proposal"],
            "amount": [1000.0, 200.0, 300.0],
            "probability": [50.0, 20.0, 90.0],
            "created_at": _d(["2024-01-01", "2024-03-01", "2024-02-01"]),
            "close_date": _d(["2024-05-01", "2024-03-30", "2024-04-30"]),
            "age_days": [90, 30, 59],
            "activities": [3, 2, 6],
            "meetings": [0, 1, 2],
            "last_activity_at": _d(["2024-03-10", "2024-03-29", "2024-03-30"]),
            "days_since_activity": [21.0, 2.0, 1.0],
            "activity_rate_30d": [1.0, 2.0, 3.0],
            "benchmark_rate_30d": [3.0, 3.0, 3.0],
            "stale": [True, False, False],
            "below_benchmark": [True, True, False],
            "close_date_passed": [False, True, False],
            "days_overdue": [0, 1, 0],
        }
    )


class _StubResult:
    """Stands in for a statsmodels result: predicts fixed probabilities."""

    def __init__(self, probs):
        self.probs = np.asarray(probs, dtype="float64")

    def predict(self, x):
        assert len(x) == len(self.probs)
        return self.probs


def _stub_model(probs):
    return hy.WinModel(
        hy.FITTED,
        "",
        n_closed=60,
        n_won=20,
        min_closed=50,
        features=list(hy.MODEL_FEATURES),
        result=_StubResult(probs),
    )


def test_probability_variance_threshold_is_inclusive():
    eff = effectiveness_fx()
    eff["probability"] = [70.0, 69.0, np.nan]
    got = hy.probability_variance(eff, _stub_model([0.40, 0.40, 0.10]), threshold=30)
    # 70 - 40 = 30 -> flagged (inclusive); 69 - 40 = 29 -> not; blank rep probability -> not
    assert got["model_probability"].tolist() == pytest.approx([40.0, 40.0, 10.0])
    assert got["variance"].tolist()[:2] == pytest.approx([30.0, 29.0])
    assert got["flagged"].tolist() == [True, False, False]


def test_recommendations_every_rule_with_contacts():
    eff = effectiveness_fx()
    var = hy.probability_variance(eff, _stub_model([0.45, 0.25, 0.40]), threshold=30)
    # P1: 50 - 45 = 5; P2: 20 - 25 = -5; P3: 90 - 40 = +50 -> flagged
    contacts = pd.DataFrame(
        {
            "contact_id": ["C1", "C2"],
            "account_id": ["A1", "A2"],
            "is_decision_maker": pd.array([True, False], dtype="boolean"),
        }
    )
    got = hy.recommendations(eff, var, contacts=contacts)
    assert got.columns.tolist() == [*hy.RECOMMENDATION_COLUMNS, "amount"]
    pairs = list(zip(got["opportunity_id"], got["rule"], got["priority"].astype(str), strict=True))
    assert pairs == [
        ("P3", "win_probability_variance", "high"),
        ("P2", "close_date_passed", "high"),
        ("P1", "no_recent_activity", "medium"),
        ("P3", "no_decision_maker_contact", "medium"),
        ("P2", "no_decision_maker_contact", "medium"),
        ("P1", "no_meeting_yet", "low"),
    ]
    details = dict(
        zip(zip(got["opportunity_id"], got["rule"], strict=True), got["detail"], strict=True)
    )
    assert details[("P3", "win_probability_variance")] == (
        "Rep probability 90% vs model 40% (+50 points); review the forecast."
    )
    assert details[("P2", "close_date_passed")].startswith("Close date 2024-03-30 passed 1 day")
    assert details[("P1", "no_recent_activity")] == "Last activity on 2024-03-10 (21 days ago)."
    counts = hy.recommendation_counts(got, by="rule")
    assert counts.set_index("rule")["opportunities"].to_dict() == {
        "no_decision_maker_contact": 2,
        "close_date_passed": 1,
        "no_meeting_yet": 1,
        "no_recent_activity": 1,
        "win_probability_variance": 1,
    }


def test_recommendations_without_contacts_skip_decision_maker_rule():
    eff = effectiveness_fx()
    eff.loc[0, "last_activity_at"] = pd.NaT
    refused = hy.WinModel(hy.REFUSED, "too few", n_closed=3, n_won=1, min_closed=50)
    var = hy.probability_variance(eff, refused, threshold=30)
    assert not var["flagged"].any()
    assert var["model_probability"].isna().all()
    got = hy.recommendations(eff, var)
    assert set(got["rule"]) == {"close_date_passed", "no_recent_activity", "no_meeting_yet"}
    stale = got.loc[got["rule"] == "no_recent_activity", "detail"].tolist()
    assert stale == ["No activity logged since the deal was created."]
    # contacts without is_decision_maker: rule still skipped
    got = hy.recommendations(eff, var, contacts=pd.DataFrame({"account_id": ["A1"]}))
    assert "no_decision_maker_contact" not in set(got["rule"])


# ---------------------------------------------------------------- win model
def _closed_deals(n, *, seed=0, separable=False):
    rng = np.random.default_rng(seed)
    acts = rng.poisson(4, n)
    if separable:
        won = acts > 4
    else:
        p = 1 / (1 + np.exp(-(-2.5 + 1.5 * np.log1p(acts))))
        won = rng.random(n) < p
    created = pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="D")
    cycle = pd.to_timedelta(rng.integers(10, 120, n), unit="D")
    opps = pd.DataFrame(
        {
            "opportunity_id": [f"D{i:03d}" for i in range(n)],
            "account_id": "A1",
            "created_at": created,
            "close_date": created + cycle,
            "stage": np.where(won, "Closed Won", "Closed Lost"),
            "is_closed": pd.array([True] * n, dtype="boolean"),
            "is_won": pd.array(won, dtype="boolean"),
            "amount": rng.integers(1, 100, n) * 1000.0,
            "probability": 50.0,
            "owner_id": "u1",
        }
    )
    act_opp = np.repeat(opps["opportunity_id"].to_numpy(), acts)
    act_day = np.repeat(opps["created_at"].to_numpy(), acts)
    activities = pd.DataFrame(
        {
            "activity_id": [f"Y{i}" for i in range(len(act_opp))],
            "occurred_at": act_day,
            "type": "call",
            "lead_id": None,
            "account_id": None,
            "opportunity_id": act_opp,
        }
    )
    return opps, activities


def test_win_model_refuses_below_min_closed():
    opps, acts = _closed_deals(49)
    model = hy.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == hy.REFUSED
    assert model.n_closed == 49
    assert "49" in model.reason and "50" in model.reason
    assert model.coefficients.empty
    eff = effectiveness_fx()
    eff["probability"] = [100.0, 0.0, 100.0]
    assert not hy.probability_variance(eff, model, threshold=30)["flagged"].any()


def test_win_model_refuses_perfect_separation():
    opps, acts = _closed_deals(120, separable=True)
    model = hy.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == hy.REFUSED
    assert "separat" in model.reason


def test_win_model_fits_with_enough_closed_deals():
    opps, acts = _closed_deals(400, seed=1)
    model = hy.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == hy.FITTED, model.reason
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
    eff = effectiveness_fx()
    eff["activities"] = [0, 30, 3]
    eff["probability"] = [100.0, 100.0, 50.0]
    var = hy.probability_variance(eff, model, threshold=30)
    # more activity -> higher model probability; a 100% rep call on an untouched deal is flagged
    assert var["model_probability"].iloc[1] > var["model_probability"].iloc[0]
    assert bool(var["flagged"].iloc[0])
    assert (var["variance"] == var["probability"] - var["model_probability"]).all()
    assert (var["flagged"] == (var["variance"].abs() >= 30)).all()


def test_win_model_refuses_single_outcome_and_counts_missing_amount():
    opps, acts = _closed_deals(60)
    opps["is_won"] = pd.array([False] * 60, dtype="boolean")
    opps.loc[0, "amount"] = np.nan
    model = hy.fit_win_model(opps, acts, as_of=AS_OF, min_closed=50)
    assert model.status == hy.REFUSED
    assert model.excluded_missing == 1
    assert model.n_closed == 59
    assert "same outcome" in model.reason


def test_model_note():
    refused = hy.WinModel(hy.REFUSED, "only 3 closed deals", n_closed=3, n_won=1, min_closed=50)
    assert hy.model_note(refused, threshold=30) == (
        "The win model was not fitted (only 3 closed deals); no opportunity is flagged for "
        "win-probability variance."
    )
    fitted = _stub_model([0.5])
    fitted.dropped_features = ["log_meetings"]
    note = hy.model_note(fitted, threshold=30)
    assert note.startswith("The win model is fitted on 60 closed deals (20 won)")
    assert note.endswith("Left out for having no variance: log_meetings.")

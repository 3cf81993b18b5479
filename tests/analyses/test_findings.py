"""Each report's narrative.findings: only findings that passed the report's own rule.

Hand-built Results stand-ins (only the fields ``findings`` reads).
"""

from types import SimpleNamespace

import pandas as pd

from workbook.analyses.cohort.narrative import findings as cohort_findings
from workbook.analyses.engagement.narrative import findings as engagement_findings
from workbook.analyses.hierarchy.narrative import findings as hierarchy_findings
from workbook.analyses.scoring.narrative import findings as scoring_findings
from workbook.analyses.whitespace.narrative import findings as whitespace_findings


def _scoring(**over):
    f = {
        "recommended_threshold": 75.0,
        "current_threshold": 60.0,
        "recommendation_reliable": True,
        "band_leads_per_year": 474.0,
        "monthly_volume_recommended": 25.0,
        "monthly_volume_current": 64.5,
        "capacity_per_month": 40.0,
        "track_record_months": 12,
        "track_record_months_within": 9,
    }
    f.update(over)
    return SimpleNamespace(figures=f)


def test_scoring_recommendation_is_a_finding():
    (f,) = scoring_findings(_scoring())
    assert f.passed and f.count == 474 and f.subject == "threshold 75"
    assert "Raise the lead-score threshold from 60 to 75" in f.action
    assert "9 of 12 months" in f.action


def test_scoring_no_recommendation_no_finding():
    assert scoring_findings(_scoring(recommended_threshold=None)) == []
    assert scoring_findings(_scoring(recommended_threshold=float("nan"))) == []
    assert scoring_findings(_scoring(recommended_threshold=60.0)) == []


def test_scoring_thin_data_does_not_pass():
    (f,) = scoring_findings(_scoring(recommendation_reliable=False))
    assert not f.passed


def _hierarchy(p_first, tied):
    return SimpleNamespace(
        figures={
            "top_family_name": "Acme Group",
            "top_family_revenue": 2_015_000.0,
            "top_family_members": 5,
            "period_start": "2025-07-01",
            "period_end": "2026-06-30",
            "top_family_p_rank_1": p_first,
            "tied_for_first": tied,
            "n_boot": 200,
        }
    )


def test_hierarchy_names_the_leader_only_above_90_percent():
    (f,) = hierarchy_findings(_hierarchy(0.95, ["Acme Group"]))
    assert f.subject == "Acme Group" and f.money == 2_015_000.0 and "5 accounts" in f.action
    (t,) = hierarchy_findings(_hierarchy(0.90, ["Acme Group", "Globex"]))  # 0.90 is not > 0.90
    assert t.subject == "Acme Group and Globex" and "tied" in t.title
    assert "90%" in t.action


def test_hierarchy_nothing_ranked():
    res = _hierarchy(None, [])
    res.figures["top_family_name"] = None
    assert hierarchy_findings(res) == []


def _whitespace(calibrated):
    top = {
        "account_name": "Acme",
        "product_name": "Widget",
        "score": 0.25,
        "expected_value": 40_000.0,
        "score_value": 10_000.0,
    }
    return SimpleNamespace(figures={"top_call": top, "calibrated": calibrated})


def test_whitespace_money_is_expected_only_when_calibrated():
    (cal,) = whitespace_findings(_whitespace(True))
    assert cal.money == 10_000.0 and "expected $10k" in cal.action
    (raw,) = whitespace_findings(_whitespace(False))
    assert raw.money == 40_000.0 and "not a probability" in raw.action
    assert "expected" not in raw.action
    assert whitespace_findings(SimpleNamespace(figures={"top_call": None})) == []


def _engagement(named):
    at_risk = pd.DataFrame({"name": ["Acme", "Globex"], "open_pipeline": [48_000.0, 2_000.0]})
    rates = pd.DataFrame(
        {
            "dimension": ["owner", "owner"],
            "label": ["Ann Lee", "Bo Chen"],
            "won": [5, 30],
            "closed": [40, 50],
            "rate": [0.125, 0.6],
            "position": ["below 99.8%", "within"],
            "named": [named, False],
        }
    )
    return SimpleNamespace(
        figures={"at_risk_accounts": 2, "at_risk_pipeline": 50_000.0, "window_days": 20},
        at_risk=at_risk,
        win_rates=rates,
        win_rate_notes={},
    )


def test_engagement_at_risk_account_and_named_reps_only():
    found = engagement_findings(_engagement(True))
    assert [f.subject for f in found] == ["Acme", "Ann Lee"]
    assert found[0].money == 48_000.0 and "$2k more" in found[0].action
    assert "won 5 of 40" in found[1].action and found[1].count == 40
    assert [f.subject for f in engagement_findings(_engagement(False))] == ["Acme"]


def test_engagement_rep_finding_names_the_rep_once():
    # The dimension's sentence is the evidence when it names this rep alone; the
    # action must not repeat the name ("Review the deals of Ann: Ann (...)").
    res = _engagement(True)
    res.win_rate_notes = {"owner": "Ann Lee (12.5%, 5 of 40) is below the funnel limit."}
    rep = engagement_findings(res)[1]
    assert rep.action == "Ann Lee (12.5%, 5 of 40) is below the funnel limit. Review their deals."
    assert rep.action.count("Ann Lee") == 1
    # Two reps named in one dimension: each finding gives its own numbers.
    res.win_rates.loc[1, ["named", "position"]] = [True, "above 99.8%"]
    found = engagement_findings(res)
    assert "Bo Chen won 30 of 50 closed deals (60%), above" in found[2].action
    assert found[2].action.endswith("Learn from their deals.")
    assert all(f.action.count(f.subject) == 1 for f in found[1:])


def _cohort(never, *, min_cell_leads=20, named_low=(), skipped=()):
    # not_followed_up as the report orders it: never-touched first, longest waiting first;
    # a pending lead (its window still open) and a lead touched late are not "never touched".
    nfu = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "company": ["Pending Co", "Oldest Ltd", "Newer Inc", "Late LLC"],
            "first_touch_after_handoff": pd.to_datetime([None, None, None, "2026-06-01"]),
            "pending": [True, False, False, False],
            "days_waiting": [1.0, 400.0, 30.0, 60.0],
        }
    )
    owners = pd.DataFrame(
        {"owner_name": ["Ann Lee", "Bo Park"], "successes": [10, 90], "trials": [40, 100],
         "rate": [0.25, 0.9]}
    )  # fmt: skip
    return SimpleNamespace(
        figures={
            "not_followed_up_never_touched": never,
            "not_followed_up": 3,
            "handoff_due": 140,
            "sla_days": 2,
            "owners_named_low": list(named_low),
            "skipped": list(skipped),
        },
        params=SimpleNamespace(min_cell_leads=min_cell_leads),
        not_followed_up=nfu,
        owner_followup_comparison=owners,
    )


def test_cohort_untouched_handoffs_pass_only_from_min_cell_leads():
    (f,) = cohort_findings(_cohort(2, min_cell_leads=20))
    # the oldest never-touched lead that is not pending: Oldest Ltd, 400 days
    assert f.subject == "Oldest Ltd" and f.count == 2 and f.money is None
    assert "Oldest Ltd has waited 400 days" in f.action and "the 2 leads" in f.action
    assert "3 of 140 handoffs missed the 2-day follow-up window" in f.action
    assert f.report == "cohort" and f.anchor == "Handoff-follow-up"
    assert not f.passed  # 2 leads < min_cell_leads 20: a handful stays off the brief
    assert cohort_findings(_cohort(2, min_cell_leads=2))[0].passed  # 2 >= 2
    assert cohort_findings(_cohort(0)) == []


def test_cohort_names_only_reps_outside_noise():
    assert [f.subject for f in cohort_findings(_cohort(0))] == []  # owners within noise
    (f,) = cohort_findings(_cohort(0, named_low=["Ann Lee"]))
    assert f.subject == "Ann Lee" and f.count == 30 and f.passed  # 40 - 10 missed
    assert "10 of 40 within the 2-day window (25%)" in f.action


def test_cohort_without_activities_has_no_handoff_finding():
    skipped = ["first touch, meetings and the handoff SLA (no activities loaded)"]
    assert cohort_findings(_cohort(25, skipped=skipped)) == []

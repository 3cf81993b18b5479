"""Unit tests for workbook.analyses.engagement.actions (recommended actions).

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.engagement import actions as ra
from workbook.analyses.engagement import win_model as wm


def _scores(probs):
    return pd.DataFrame({"opportunity_id": ["P1", "P2", "P3"], "score": probs})


def test_recommendations_every_rule_with_contacts(open_deals_fx):
    eff = open_deals_fx()
    var = wm.probability_variance(eff, _scores([0.45, 0.25, 0.40]), gate_open=True, threshold=30)
    # P1: 50 - 45 = 5; P2: 20 - 25 = -5; P3: 90 - 40 = +50 -> flagged
    contacts = pd.DataFrame(
        {
            "contact_id": ["C1", "C2"],
            "account_id": ["A1", "A2"],
            "is_decision_maker": pd.array([True, False], dtype="boolean"),
        }
    )
    got = ra.recommendations(eff, var, contacts=contacts)
    assert got.columns.tolist() == [*ra.RECOMMENDATION_COLUMNS, "amount"]
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
    assert details[("P2", "close_date_passed")] == (
        "Close date 2024-03-30 passed 1 day ago; update it or close the deal."  # not "day(s)"
    )
    assert details[("P1", "no_recent_activity")] == "Last activity on 2024-03-10 (21 days ago)."
    counts = ra.recommendation_counts(got, by="rule")
    assert counts.set_index("rule")["opportunities"].to_dict() == {
        "no_decision_maker_contact": 2,
        "close_date_passed": 1,
        "no_meeting_yet": 1,
        "no_recent_activity": 1,
        "win_probability_variance": 1,
    }


def test_recommendations_without_contacts_skip_decision_maker_rule(open_deals_fx):
    eff = open_deals_fx()
    eff.loc[0, "last_activity_at"] = pd.NaT
    # the skill gate is closed: no model columns, no variance rule
    var = wm.probability_variance(eff, _scores([0.0, 0.0, 0.0]), gate_open=False, threshold=30)
    assert "flagged" not in var.columns and "model_probability" not in var.columns
    got = ra.recommendations(eff, var)
    assert set(got["rule"]) == {"close_date_passed", "no_recent_activity", "no_meeting_yet"}
    stale = got.loc[got["rule"] == "no_recent_activity", "detail"].tolist()
    assert stale == ["No activity logged since the deal was created."]
    # contacts without is_decision_maker: rule still skipped
    got = ra.recommendations(eff, var, contacts=pd.DataFrame({"account_id": ["A1"]}))
    assert "no_decision_maker_contact" not in set(got["rule"])

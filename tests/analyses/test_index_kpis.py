"""Each report's KPIs for the index: 3-4 plain-language cards, each with its declared direction.

The figures are hand-built (only the keys each ``headline_cards`` reads), with
the sample's values.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from workbook.analyses import cohort, data_quality, engagement, hierarchy, scoring, whitespace
from workbook.analyses.cohort.narrative import headline_cards as cohort_cards
from workbook.analyses.data_quality.narrative import headline_cards as data_quality_cards
from workbook.analyses.engagement.narrative import headline_cards as engagement_cards
from workbook.analyses.hierarchy.narrative import headline_cards as hierarchy_cards
from workbook.analyses.scoring.narrative import headline_cards as scoring_cards
from workbook.analyses.whitespace.narrative import headline_cards as whitespace_cards
from workbook.core.text import DIRECTIONS, HIGHER_IS_BETTER, LOWER_IS_BETTER, NEUTRAL

COHORT = {
    "leads": 7500,
    "equal_age_rate": 0.178,
    "meetings_from_earlier_share": 0.652,
    "followup_rate": 0.861,
    "not_followed_up": 283,
}
ENGAGEMENT = {
    "dormant_accounts": 144,
    "at_risk_pipeline": 282_200.0,
    "stale_opportunities": 121,
    "overdue_opportunities": 35,
    "handed_off_not_worked": 84,
    "window_days": 20,
}
SCORING = {
    "n_matured": 5763,
    "base_win_rate": 0.109,
    "auc": 0.73,
    "recommended_threshold": 75.0,
    "current_threshold": 60.0,
    "recommendation_reliable": True,
    "horizon_days": 180,
    "track_record_months": 12,
    "track_record_months_within": 9,
}
HIERARCHY = {
    "top_family_name": "Harbor Holdings",
    "top_family_revenue": 2_015_000.0,
    "families_ranked": 296,
    "top_n": 10,
    "top_n_share": 0.30,
    "effective_families": 42.0,
    "revenue_at_stake": 112_291.0,
    "outlier_revenue_at_stake": 0.0,
    "split_families": 23,
    "hierarchy_issues": 5,
}
WHITESPACE = {
    "gaps": 617,
    "families_with_gaps": 26,
    "whitespace_value": 4_501_161.0,
    "calibrated": False,
    "value_label": "Whitespace score",
    "call_list_total": 1_613_148.0,
    "peer_whitespace": 656,
}

CARDS = {
    "cohort": lambda: cohort_cards(COHORT, milestone="opportunity", grain="month", periods=3,
                                   sla_days=2),  # fmt: skip
    "engagement": lambda: engagement_cards(ENGAGEMENT),
    "scoring": lambda: scoring_cards(SCORING),
    "hierarchy": lambda: hierarchy_cards(HIERARCHY),
    "whitespace": lambda: whitespace_cards(WHITESPACE),
}

#: Settings and model statistics a VP cannot act on: never an index KPI.
NOT_FOR_LEADERS = re.compile(r"\(days\)|AUC|odds|HHI|p-value|score \(not money\)|logit", re.I)


@pytest.mark.parametrize("report", sorted(CARDS))
def test_three_or_four_plain_kpis_each_with_a_direction(report):
    cards = CARDS[report]()
    kpis = [c for c in cards if c.on_index]
    assert 3 <= len(kpis) <= 4, [c.key for c in kpis]
    assert all(c.direction in DIRECTIONS for c in cards)
    assert not [c.label for c in kpis if NOT_FOR_LEADERS.search(c.label)]
    assert len({c.key for c in cards}) == len(cards)  # keys match KPIs across runs


def test_directions_say_what_is_good_for_the_business():
    direction = {c.key: c.direction for r in CARDS for c in CARDS[r]()}
    assert direction["at_risk_pipeline"] == LOWER_IS_BETTER
    assert direction["stale_opportunities"] == LOWER_IS_BETTER  # the --compare "▲ +52" case
    assert direction["dormant_accounts"] == LOWER_IS_BETTER  # the --compare "▼ −27" case
    assert direction["followup_rate"] == HIGHER_IS_BETTER
    assert direction["not_followed_up"] == LOWER_IS_BETTER
    assert direction["base_win_rate"] == HIGHER_IS_BETTER
    assert direction["top_family_revenue"] == HIGHER_IS_BETTER
    assert direction["split_families"] == LOWER_IS_BETTER
    assert direction["recommended_threshold"] == NEUTRAL


def test_settings_and_model_statistics_stay_off_the_index():
    on_index = {c.key for r in CARDS for c in CARDS[r]() if c.on_index}
    assert not on_index & {"window_days", "auc", "effective_families", "call_list_total"}


#: Each report's parameters: the settings a run was made with.
PARAMS = {
    "cohort": cohort.Params,
    "data_quality": data_quality.Params,
    "engagement": engagement.Params,
    "hierarchy": hierarchy.Params,
    "scoring": scoring.Params,
    "whitespace": whitespace.Params,
}


def _data_quality_cards():
    counts = pd.DataFrame({"table": ["leads", "users"], "rows": [7503, 14]})
    warnings = pd.DataFrame({"check": ["bad_date"], "count": [3], "severity": ["warning"]})
    return data_quality_cards(counts, warnings, pd.DataFrame({"account_id": ["A1"]}))


#: Words that give a setting away in a card label ("Engagement window (days)").
SETTING_WORDS = re.compile(r"\((days|months|weeks)\)|\bparameter\b|\bsetting\b", re.I)


@pytest.mark.parametrize("report", sorted(PARAMS))
def test_no_card_of_any_report_is_a_setting(report):
    """A KPI is a result of the run, never one of the report's parameters."""
    cards = CARDS[report]() if report in CARDS else _data_quality_cards()
    assert cards
    settings = {f.name for f in dataclasses.fields(PARAMS[report])}
    assert not {c.key for c in cards} & settings
    assert not [c.label for c in cards if SETTING_WORDS.search(c.label)]


def test_largest_customer_names_who():
    (top,) = [c for c in hierarchy_cards(HIERARCHY) if c.key == "top_family_revenue"]
    assert top.display == "Harbor Holdings: $2.0M"


def test_calibrated_whitespace_money_is_a_kpi_but_a_score_is_not():
    money = whitespace_cards({**WHITESPACE, "calibrated": True, "value_label": "Expected sales"})
    (total,) = [c for c in money if c.key == "call_list_total"]
    assert total.on_index and total.display == "$1.6M"  # short money, as every money KPI
    assert 3 <= sum(c.on_index for c in money) <= 4


def test_scoring_threshold_says_where_it_is_now():
    (rec,) = [c for c in scoring_cards(SCORING) if c.key == "recommended_threshold"]
    assert rec.label == "Recommended lead-score threshold (now 60)" and rec.display == "75"

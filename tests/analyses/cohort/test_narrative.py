"""Tests for workbook.analyses.cohort.narrative: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def test_summary_sentences_follow_the_data(crm, make_acts, figures_of):
    leads, acts, opps = crm
    before = co.summary_sentences(figures_of(leads, acts, opps))
    assert 3 <= len(before) <= 5
    # L4 is pending (window ends after as_of): 2 of 3 due leads followed up
    assert any("66.7% of 3 handed-off leads within 2 days (1 more is pending" in s for s in before)
    # L6 now gets a call the day after handoff: 3 of the 3 due followed up
    extra = make_acts([("A9", "2024-01-21", "call", "L6", None)])
    after = co.summary_sentences(figures_of(leads, pd.concat([acts, extra]), opps))
    # (L4 is pending at as_of: 3 due leads, all 3 followed up)
    assert any("100.0% of 3 handed-off leads" in s for s in after)
    assert before != after
    assert all(isinstance(s, str) and "<" not in s for s in after)


def test_age_phrase_counts_calendar_periods():
    assert co.age_phrase(3, "month") == "within 3 calendar months after the acquisition month"
    assert co.age_phrase(1, "quarter") == (
        "within 1 calendar quarter after the acquisition quarter"
    )
    assert co.age_phrase(0, "year") == "in the acquisition year"


def test_summary_sentences_wording(crm, figures_of):
    s = co.summary_sentences(figures_of(*crm))
    # equal age k=1: only 2024-01 is complete at the mid-month as_of, 1/3 = 33.3%;
    # both opportunities 1+ calendar months on
    assert "33.3%" in s[0]
    assert "within 1 calendar month after the acquisition month" in s[0]
    assert any(
        "100.0% of 2 opportunities were created 1 or more calendar months after the "
        "lead's acquisition month." == x
        for x in s
    )


def test_summary_sentences_singular(crm):
    leads, acts, opps = crm
    ft = co.follow_through(leads, acts, opps, as_of=AS_OF)
    # equal age k=1: only 2024-01 is complete (Jan + 1 = Feb; 2024-02 + 1 = March
    # has not ended at 2024-03-15); opportunities by Feb: L1 of 3 leads -> 33.3%
    f = co.summary_figures(
        follow_through=ft,
        equal_age=co.equal_age(ft, periods=1),
        period_vs_cohort=co.period_vs_cohort(leads, acts, opps, as_of=AS_OF),
        handoff=co.handoff_followup(leads, acts, opps, as_of=AS_OF),
        not_followed_up=co.not_followed_up(leads, acts, opps, as_of=AS_OF),
        exclusions=co.milestone_exclusions(leads, acts, opps, as_of=AS_OF),
        periods=1,
    )
    s = co.summary_sentences(f)
    assert "33.3% (95% CI" in s[0]
    assert "of the leads in the 1 cohort old enough reached an opportunity" in s[0]
    # one lead (L5) after as_of; A3, A4 and O2 twice are the 4 ignored events
    assert s[-1].startswith("1 lead created after the as-of date (or undated) was excluded and 4 ")


def test_headline_cards(crm, figures_of):
    f = figures_of(*crm)
    cards = co.headline_cards(f, milestone="opportunity", grain="month", periods=1, sla_days=2)
    assert [c.key for c in cards] == [
        "leads",
        "equal_age_rate",
        "meetings_from_earlier_share",
        "followup_rate",
        "not_followed_up",
    ]
    by_key = {c.key: c for c in cards}
    assert by_key["equal_age_rate"].label == "Reached opportunity by month 1"
    assert by_key["equal_age_rate"].display == "33.3%"  # complete cells: 1/3, see test_figures
    assert by_key["followup_rate"].label == "Handoffs followed up within 2 days"
    assert by_key["followup_rate"].display == "66.7%"  # 2 of 3 due (L4 pending)
    assert by_key["meetings_from_earlier_share"].label == "First meetings from earlier cohorts"
    assert by_key["leads"].display == "5"


def test_narrative_imports_no_presentation():
    import ast
    from pathlib import Path

    folder = Path(co.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(
                    ("workbook.present", "workbook.plots", "workbook.widgets")
                ), f"{path.name} imports {name}"

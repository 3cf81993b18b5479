"""The executive brief: ranking, escaping, passed findings only, at most 7, the health line."""

import re
from urllib.parse import quote

import pytest

import workbook
from workbook.analyses import cohort, engagement, hierarchy, scoring, whitespace
from workbook.core.findings import Finding
from workbook.present.brief import brief_html, brief_section, health_line, rank_findings
from workbook.present.html import IndexEntry, index_html


def _f(subject, *, money=None, count=None, severity="medium", passed=True, report="r", **kw):
    return Finding(
        report=report,
        anchor=kw.pop("anchor", "Sec"),
        title=kw.pop("title", "T"),
        subject=subject,
        action=kw.pop("action", f"Act on {subject}."),
        severity=severity,
        money=money,
        count=count,
        passed=passed,
    ).to_dict()


def test_money_by_amount_then_the_rest_by_severity():
    a = {"findings": [_f("low", count=3, severity="low"), _f("$5k", money=5_000)]}
    b = {
        "findings": [
            _f("high", count=1, severity="high"),
            _f("$90k", money=90_000),
            _f("med", severity="medium"),
        ]
    }
    got = [f.subject for f in rank_findings([a, b])]
    assert got == ["$90k", "$5k", "high", "med", "low"]


def test_only_passed_findings_appear():
    s = {"findings": [_f("Kept", money=10), _f("Inconclusive", money=1e9, passed=False)]}
    assert [f.subject for f in rank_findings([s])] == ["Kept"]
    page = brief_html([s])
    assert "Kept" in page and "Inconclusive" not in page


def test_at_most_seven():
    s = {"findings": [_f(f"S{i}", money=float(i)) for i in range(12)]}
    ranked = rank_findings([s])
    assert len(ranked) == 7 and ranked[0].subject == "S11" and ranked[-1].subject == "S5"
    assert brief_html([s]).count("<li") == 7


def test_names_are_escaped_and_links_point_at_the_section():
    s = {
        "findings": [
            _f(
                "<script>x</script> & Co",
                money=48_000,
                report="engagement",
                anchor="At-risk:-dormant",
                action='Call "Acme" <b>now</b>.',
            )
        ]
    }
    page = brief_html([s])
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page
    assert 'href="engagement.html#At-risk:-dormant"' in page
    assert "$48k" in page
    counted = Finding(
        report="r", anchor="a", title="T", subject="S", action="x", count=474, unit="leads a year"
    ).to_dict()
    assert "474 leads a year" in brief_html([{"findings": [counted]}])


def test_health_line_counts_tables_kinds_of_warning_and_failed_reports():
    s1 = {
        "data_quality": {
            "row_counts": {"leads": 5, "accounts": 2},
            "checks": {"duplicate_id": 3, "bad_date": 1},
        }
    }
    s2 = {
        "data_quality": {
            "row_counts": {"accounts": 2, "users": 1},
            "checks": {"bad_date": 2, "none": 0},
        }
    }
    # tables: leads, accounts, users; warnings: duplicate_id, bad_date (each kind once)
    assert health_line([s1, s2], failed_reports=1) == "3 tables, 2 warnings, 1 error"
    assert health_line([]) == "0 tables, 0 warnings, 0 errors"


def test_health_line_counts_reports_not_applicable_apart_from_errors():
    s = {"data_quality": {"row_counts": {"leads": 5}, "checks": {"bad_date": 1}}}
    # one table, one kind of warning, no failure; one report lacked its tables
    assert health_line([s], not_applicable=1) == (
        "1 table, 1 warning, 0 errors; 1 report not applicable"
    )
    assert health_line([s], failed_reports=2, not_applicable=3) == (
        "1 table, 1 warning, 2 errors; 3 reports not applicable"
    )
    assert "not applicable" not in health_line([s], not_applicable=0)


def test_no_finding_says_so():
    assert "No finding cleared" in brief_html([{"findings": []}, {}])


def test_index_page_carries_the_brief_above_the_cards():
    ok = IndexEntry(
        name="engagement",
        title="Engagement",
        status="ok",
        summary={"findings": [_f("Acme", money=48_000)]},
    )
    bad = IndexEntry(
        name="scoring",
        title="Scoring",
        status="failed",
        summary={"findings": [_f("Hidden", money=1e6)]},
    )
    page = index_html([ok, bad], as_of="2026-06-30", fingerprint="", started="", version="")
    assert page.index('class="brief"') < page.index('class="cards"')
    assert "Acme" in page and "Hidden" not in page and "1 error" in page
    assert brief_section([ok, bad]) in page


@pytest.fixture(scope="module")
def sample_summaries():
    crm = workbook.load(None)
    return [R.run(crm).summary() for R in (cohort, scoring, hierarchy, whitespace, engagement)]


def test_sample_brief_names_the_planted_stories(sample_summaries):
    ranked = rank_findings(sample_summaries)
    # one finding or more from every report but data quality, 5-7 on the brief
    assert 5 <= len(ranked) <= 7
    assert {f.report for f in ranked} == {"cohort", "scoring", "hierarchy", "whitespace",
                                          "engagement"}  # fmt: skip
    # docs/sample_data.md: the largest family is statistically tied with GalacticSpace
    # (first in 85% of resamples) and Sleepy Hollow Outfitters (A00023) is the dormant
    # account with an open $85k deal.
    assert ranked[0].subject == "Dogs Extraordinaire and GalacticSpace"
    assert ranked[1].subject == "Sleepy Hollow Outfitters" and ranked[1].money == 85_000
    # scoring: raising 60 -> 75 gives up the 474 matured leads a year of band_given_up
    assert any(f.subject == "threshold 75" and f.count == 474 for f in ranked)
    # cohort: 84 handed-off leads never touched (84 >= min_cell_leads 20), the oldest
    # L000063 Cedar Energy Ltd, waiting 2023-07-15 -> 2026-06-30 = 1,081 days
    (untouched,) = [f for f in ranked if f.report == "cohort"]
    assert untouched.subject == "Cedar Energy Ltd" and untouched.count == 84
    page = brief_html(sample_summaries)
    assert "Sleepy Hollow Outfitters" in page and "GalacticSpace" in page
    assert not re.search(r"\b[UALO]\d{2,}\b", page)  # names, never ids
    assert page.count("<li") == len(ranked)
    for f in ranked:
        # each names something, gives its stake and the action, and links to its section
        assert f.passed and f.subject.strip() and f.action.strip()
        assert f.money is not None or f.count
        assert f'href="{f.report}.html#{quote(f.anchor, safe=":?-_.~")}"' in page


def test_sample_brief_keeps_findings_that_did_not_pass_off(sample_summaries):
    failed = {**sample_summaries[1], "findings": [
        {**d, "passed": False, "subject": "Inconclusive threshold"}
        for d in sample_summaries[1]["findings"]
    ]}  # fmt: skip
    ranked = rank_findings([sample_summaries[0], failed, *sample_summaries[2:]])
    assert all(f.report != "scoring" for f in ranked)
    assert "Inconclusive threshold" not in brief_html([failed])

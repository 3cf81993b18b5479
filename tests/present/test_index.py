"""The index page: KPI cards with good/bad changes, the health line last, no hashes or paths."""

from __future__ import annotations

import re

import pytest

from workbook.core.text import HIGHER_IS_BETTER, LOWER_IS_BETTER, MONEY, NEUTRAL, Card
from workbook.present.html import IndexEntry, headline_delta, index_html, index_kpis, without_paths

MINUS = "\u2212"


def _kpi(key, label, value, fmt="{:,}", direction=NEUTRAL, **kw):
    return Card(key, label, value, fmt, direction, on_index=True, **kw).to_dict()


def _page(entries, **kw):
    kw.setdefault("as_of", "2026-06-30")
    kw.setdefault("started", "2026-07-01T06:00:00+00:00")
    kw.setdefault("version", "0.1.0")
    return index_html(entries, **kw)


def _card(page: str, name: str) -> str:
    start = page.index(f'id="{name}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
def engagement():
    """Now against a planted previous run: a good-direction KPI fell, bad ones moved both ways."""
    now = [
        _kpi("win_rate", "Win rate", 0.20, "{:.1%}", HIGHER_IS_BETTER),  # was 0.25: fell, bad
        _kpi("at_risk", "Open pipeline in dormant accounts", 282_200.0, "${:,.0f}", LOWER_IS_BETTER),
        _kpi("dormant", "Dormant accounts", 144, "{:,}", LOWER_IS_BETTER),  # was 171: fell, good
        _kpi("families", "Families with gaps", 26, "{:,}", NEUTRAL),  # was 20: neutral
    ]
    before = [
        _kpi("win_rate", "Win rate", 0.25, "{:.1%}", HIGHER_IS_BETTER),
        _kpi("at_risk", "Open pipeline", 278_577.05, "${:,.0f}", LOWER_IS_BETTER),
        _kpi("dormant", "Dormant accounts", 171, "{:,}", LOWER_IS_BETTER),
        _kpi("families", "Families with gaps", 20, "{:,}", NEUTRAL),
    ]
    setting = Card("window_days", "Engagement window (days)", 22).to_dict()  # not on_index
    return IndexEntry(
        name="engagement",
        title="Engagement",
        status="ok",
        html="engagement.html",
        headline=[*now, setting],
        previous={h["key"]: h for h in before},
        fingerprint="8f893aaa54a9",
        seconds=20.7,
    )


def test_change_is_coloured_by_direction_not_by_movement(engagement):
    page = _page([engagement], baseline="the run of 2026-05-31 data")
    card = _card(page, "engagement")
    # higher is better and it fell 25.0% -> 20.0%: a bad change, in points
    assert re.search(rf'class="delta bad"[^>]*>▼ {MINUS}5.0 pts<', card)
    # lower is better and it rose by 282,200 - 278,577.05 = $3,623: bad, as money
    assert re.search(r'class="delta bad"[^>]*>▲ \+\$3,623<', card)
    # lower is better and it fell 171 -> 144 = 27: good, an integer
    assert re.search(rf'class="delta good"[^>]*>▼ {MINUS}27<', card)
    # no direction: neither colour
    assert re.search(r'class="delta neutral"[^>]*>▲ \+6<', card)
    assert 'title="worse for the business"' in card and 'title="better for the business"' in card
    assert "Changes since <b>the run of 2026-05-31 data</b>" in page


def test_only_the_index_kpis_show_not_settings(engagement):
    card = _card(_page([engagement]), "engagement")
    assert card.count("<li>") == 4
    assert "Engagement window" not in card
    assert index_kpis([{"key": "a"}, {"key": "b"}]) == [{"key": "a"}, {"key": "b"}]  # older summary


def test_no_change_and_first_run():
    now = [_kpi("n", "Open deals past close date", 35, "{:,}", LOWER_IS_BETTER)]
    entry = IndexEntry("e", "E", "ok", headline=now, previous={"n": dict(now[0])})
    card = _card(_page([entry]), "e")
    assert '<span class="delta same">no change</span>' in card
    assert "▲" not in card and "▼" not in card
    first = IndexEntry("e", "E", "ok", headline=now, previous=None)
    page = _page([first])
    assert 'class="delta' not in _card(page, "e")
    assert "Changes since <b>none yet: first run here</b>" in page


def test_largest_customer_names_who_and_a_new_leader_is_said_not_coloured():
    now = _kpi("top", "Largest customer", 2_015_000.0, MONEY, HIGHER_IS_BETTER, subject="Harbor")
    same = _kpi("top", "Largest customer", 2_000_000.0, MONEY, HIGHER_IS_BETTER, subject="Harbor")
    other = _kpi("top", "Largest customer", 1_900_000.0, MONEY, HIGHER_IS_BETTER, subject="Acme")
    assert now["display"] == "Harbor: $2.0M"
    assert headline_delta(now, same).text == "▲ +$15k" and headline_delta(now, same).tone == "good"
    changed = headline_delta(now, other)
    assert changed.text == "was Acme: $1.9M" and changed.tone == "neutral"


def test_older_summaries_without_fmt_still_compare():
    # summary.json from before cards carried fmt/direction: format guessed from the display
    assert headline_delta({"value": 0.25, "display": "25.0%"}, {"value": 0.2}).text == "▲ +5.0 pts"
    delta = headline_delta({"value": 900, "display": "900"}, {"value": 1000})
    assert (delta.text, delta.tone) == (f"▼ {MINUS}100", "neutral")
    assert headline_delta({"value": "n/a"}, {"value": 1}).text == "was 1"
    assert headline_delta({"value": 1}, None) is None
    assert headline_delta({"value": None}, {"value": 1}) is None


def test_index_shows_no_hash_and_no_local_path(engagement):
    failed = IndexEntry(
        name="scoring",
        title="Scoring",
        status="failed",
        failed_html="scoring.failed.html",
        error="FileNotFoundError: /srv/crm/export/leads.csv (in /tmp/wb-tmp-123/work/scoring)",
        fingerprint="0123456789abcdef",
    )
    page = _page(
        [engagement, failed],
        fingerprint="8f893aaa54a9, 0123456789abcdef",
        baseline="the run of 2026-05-31 data",
        banner=r"Data error in C:\exports\crm\accounts.csv line 4",
    )
    text = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    assert not re.search(r"\b[0-9a-f]{12,}\b", text)  # no data fingerprint
    assert "/srv/" not in text and "/tmp/" not in text and "C:\\" not in text
    assert "FileNotFoundError: leads.csv (in scoring)" in text  # the file name is kept
    assert "accounts.csv line 4" in text
    assert 'href="run.json"' in text  # the run record holds them
    assert without_paths("see /a/b/c.txt and x/y, 1/2") == "see c.txt and x/y, 1/2"


def _dq(status="ok", **kw):
    summary = {
        "data_quality": {
            "row_counts": {"leads": 5, "accounts": 2, "users": 1},
            "checks": {"duplicate_id": 3, "bad_date": 1, "none": 0},
        }
    }
    return IndexEntry(
        name="data_quality",
        title="Data quality",
        status=status,
        html="data_quality.html" if status == "ok" else None,
        headline=[Card("tables", "Tables loaded", 3).to_dict()],
        csvs=["data_quality/row_counts.csv"],
        summary=summary if status == "ok" else {},
        **kw,
    )


def test_data_quality_is_the_last_line_not_a_card(engagement):
    failed = IndexEntry("scoring", "Scoring", "failed", error="ValueError: x")
    na = IndexEntry("whitespace", "Whitespace", "n/a", error="needs products and purchases")
    page = _page([_dq(), engagement, failed, na])
    # tables: leads, accounts, users; warnings: duplicate_id, bad_date; errors: scoring failed;
    # whitespace lacks its tables: not applicable, counted apart from the error
    line = (
        '<a href="data_quality.html">Data quality</a>: 3 tables, 2 warnings, 1 error; '
        "1 report not applicable"
    )
    assert line in page
    assert page.index(line) > page.rindex('class="card"')  # after every card
    assert page.index(line) < page.index("<footer>")
    assert 'class="card" id="data_quality"' not in page
    assert 'href="data_quality/row_counts.csv"' in page
    # failed and n/a reports keep a clear card
    assert "failed" in _card(page, "scoring") and "ValueError: x" in _card(page, "scoring")
    na_card = _card(page, "whitespace")
    assert '<span class="status na">not applicable</span>' in na_card
    assert "needs products" in na_card and ">n/a<" not in page
    assert "Reports <b>2 ok, 1 failed, 1 not applicable</b>" in page


def test_a_failed_data_quality_report_says_so_on_its_line(engagement):
    page = _page([_dq("failed", failed_html="data_quality.failed.html", error="boom"), engagement])
    health = page[page.index('class="health"') : page.index("<footer>")]
    assert "Data quality: 0 tables, 0 warnings, 1 error" in health
    assert 'class="status failed"' in health and 'href="data_quality.failed.html"' in health
    assert "boom" in health

"""The index page of a real sample run: KPI cards, the health line last, no hashes or paths."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

REPORT_CARDS = ("cohort", "scoring", "hierarchy", "whitespace", "engagement")


def _visible(page: str) -> str:
    return re.sub(r"<style>.*?</style>", "", page, flags=re.S)


def test_index_has_a_card_of_three_or_four_kpis_per_report(sample_run):
    page = (sample_run / "index.html").read_text(encoding="utf-8")
    for name in REPORT_CARDS:
        start = page.index(f'<section class="card" id="{name}"')
        card = page[start : page.index("</section>", start)]
        assert 3 <= card.count("<li>") <= 4, name
    assert "Engagement window (days)" not in page and "AUC" not in page
    # the largest customer says who (docs/sample_data.md: Dogs Extraordinaire, $2.0M)
    assert "Dogs Extraordinaire: $2.0M" in page
    # the first run into this OUT: nothing to compare with yet
    assert "none yet: first run here" in page and 'class="delta' not in page
    assert json.loads((sample_run / "run.json").read_text(encoding="utf-8"))["compared_with"] is None


def test_index_ends_with_the_data_quality_line_and_shows_no_hash_or_path(sample_run):
    page = (sample_run / "index.html").read_text(encoding="utf-8")
    text = _visible(page)
    line = re.search(r'<a href="data_quality.html">Data quality</a>: (\d+) tables?, (\d+) warnings?, '
                     r"0 errors", text)  # fmt: skip
    assert line and int(line.group(1)) == 8  # the sample's eight tables
    assert text.index(line.group(0)) > text.rindex('class="card"')
    assert 'class="card" id="data_quality"' not in text
    fingerprint = json.loads((sample_run / "run.json").read_text(encoding="utf-8"))["fingerprint"]
    assert fingerprint and fingerprint not in text
    assert not re.search(r"\b[0-9a-f]{12,}\b", text)
    assert str(sample_run) not in text and str(sample_run.parent) not in text


def test_brief_has_five_to_seven_findings_each_linking_to_its_report_section(sample_run):
    page = (sample_run / "index.html").read_text(encoding="utf-8")
    brief = page[page.index('<section class="brief"') : page.index("</section>", page.index(
        '<section class="brief"'))]  # fmt: skip
    items = re.findall(r"<li\b.*?</li>", brief, re.S)
    assert 5 <= len(items) <= 7
    for item in items:
        (href,) = re.findall(r'href="([^"]+)"', item)
        report, _, anchor = href.partition(".html#")
        assert anchor, href
        target = (sample_run / f"{report}.html").read_text(encoding="utf-8")
        # nbconvert's heading ids; the anchor is URL-quoted in the link
        assert f'id="{unquote(anchor)}"' in target, href
        assert re.search(r'class="stake">[^<]+<', item), item  # the money or count at stake
        assert not re.search(r"\b[UALO]\d{2,}\b", item)  # names, never ids

"""Every report page of the sample run: a leadership part, then one collapsed method
appendix; no widget talk; and a PDF whose charts and header words stay whole (issue 20)."""

from __future__ import annotations

import re

import pytest
from pdf_layout import layout_problems, page_text, words

from workbook.present import html as wbhtml

pytestmark = pytest.mark.e2e

REPORTS = ["data_quality", "cohort", "scoring", "hierarchy", "whitespace", "engagement"]
APPENDIX = '<details class="wb-appendix"'


def _page(sample_run, name) -> str:
    return (sample_run / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", REPORTS)
def test_leadership_part_then_one_collapsed_appendix_with_the_run_record(sample_run, name):
    page = _page(sample_run, name)
    assert page.count(APPENDIX) == 1, f"{name}: one method appendix expected"
    start = page.index(APPENDIX)
    end = page.rindex("</details>")
    assert start < page.index("Run record") < end, "the run record sits in the appendix"
    assert start < page.index("Data quality:") < end, "the data-quality notes sit in the appendix"
    lead = page[:start]
    assert 'class="wb-cards"' in lead and 'class="wb-summary"' in lead
    charts = lead.count("<img ")
    assert 1 <= charts <= 3, f"{name}: {charts} charts before the appendix"
    for table in re.findall(r"<tbody>(.*?)</tbody>", lead, re.S):
        assert table.count("<tr>") <= 10, f"{name}: a leadership table has more than 10 rows"
    shown = words(page_text(lead))
    for code in ("true", "false", "inf", "nan"):
        assert code not in shown, f"{name}: {code!r} visible in the leadership part"


@pytest.mark.parametrize("name", REPORTS)
def test_static_page_never_mentions_widgets_or_jupyterlab(sample_run, name):
    page = _page(sample_run, name)
    text = page_text(page)
    for word in ("JupyterLab", "widget", "slider", "Explore"):
        assert word.lower() not in text.lower(), f"{name}.html says {word!r}"
    assert "JupyterLab" not in page  # not even in an attribute


@pytest.mark.parametrize("name", REPORTS)
def test_pdf_keeps_every_chart_on_one_page_and_header_words_whole(sample_run, name, tmp_path):
    chromium = wbhtml.find_chromium()
    assert chromium, "Debian's chromium is required: apt-get install chromium"
    html_path = tmp_path / f"{name}.html"
    html_path.write_text(_page(sample_run, name), encoding="utf-8")
    pdf = wbhtml.html_to_pdf(html_path, tmp_path / f"{name}.pdf", chromium=chromium)
    problems = layout_problems(wbhtml.print_copy(_page(sample_run, name)), pdf)
    assert problems == [], f"{name}.pdf:\n" + "\n".join(problems[:20])

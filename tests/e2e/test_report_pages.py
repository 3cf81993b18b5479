"""Every report page of the sample run: a leadership part (2-3 charts), then one collapsed
method appendix; no widget talk; and a PDF whose charts, table rows and header words stay
whole (issue 20)."""

from __future__ import annotations

import re

import pytest
from pdf_layout import layout_problems, page_text, words
from visible_text import MODEL_COLUMNS, code_names

from workbook.present import html as wbhtml

pytestmark = pytest.mark.e2e

REPORTS = ["data_quality", "cohort", "scoring", "hierarchy", "whitespace", "engagement"]
APPENDIX = '<details class="wb-appendix"'
_COLLAPSED = re.compile(r"<details\b(?![^>]*\bopen\b)[^>]*>.*?</details>", re.S)


def _shown_text(markup: str) -> str:
    """What a reader sees without opening anything: collapsed ``<details>`` left out."""
    return page_text(_COLLAPSED.sub(" ", markup))


def _code_names(markup: str, *, allowed=frozenset()) -> list[str]:
    return code_names(_shown_text(markup), allowed=allowed)


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
    assert 2 <= charts <= 3, f"{name}: {charts} charts before the appendix"
    for table in re.findall(r"<tbody>(.*?)</tbody>", lead, re.S):
        assert table.count("<tr>") <= 10, f"{name}: a leadership table has more than 10 rows"
    shown = words(page_text(lead))
    for code in ("true", "false", "inf", "nan"):
        assert code not in shown, f"{name}: {code!r} visible in the leadership part"


def test_code_names_are_caught_and_collapsed_text_is_not_read():
    page = (
        "<p>won within horizon_days, see follow_through.csv</p>"
        '<details class="files"><summary>2 CSV exports</summary>at_risk.csv call_list</details>'
    )
    assert _code_names(page) == ["horizon_days"]


@pytest.mark.parametrize("name", ["index", *REPORTS])
def test_no_code_name_true_false_inf_or_nan_in_the_index_or_a_leadership_part(sample_run, name):
    page = _page(sample_run, name)
    lead = page if name == "index" else page[: page.index(APPENDIX)]
    allowed = MODEL_COLUMNS if name == "data_quality" else frozenset()
    assert _code_names(lead, allowed=allowed) == [], f"{name}: code names a reader sees"
    shown = words(_shown_text(lead))
    for code in ("true", "false", "inf", "nan"):
        assert code not in shown, f"{name}: {code!r} visible"


def test_cohort_page_shows_no_interval_column_code(sample_run):
    text = page_text(_page(sample_run, "cohort"))  # the whole page, appendix included
    assert "95% interval, low" in text and "95% interval, high" in text
    for code in ("ci_low", "ci_high", "ci low", "ci high"):
        assert code not in text, code


@pytest.mark.parametrize("name", REPORTS)
def test_static_page_never_mentions_widgets_or_jupyterlab(sample_run, name):
    page = _page(sample_run, name)
    text = page_text(page)
    for word in ("JupyterLab", "widget", "slider", "Explore"):
        assert word.lower() not in text.lower(), f"{name}.html says {word!r}"
    assert "JupyterLab" not in page  # not even in an attribute


@pytest.mark.parametrize("name", REPORTS)
def test_pdf_keeps_every_chart_and_table_row_on_one_page_and_header_words_whole(sample_run, name, tmp_path):
    chromium = wbhtml.find_chromium()
    assert chromium, "Debian's chromium is required: apt-get install chromium"
    html_path = tmp_path / f"{name}.html"
    html_path.write_text(_page(sample_run, name), encoding="utf-8")
    pdf = wbhtml.html_to_pdf(html_path, tmp_path / f"{name}.pdf", chromium=chromium)
    problems = layout_problems(wbhtml.print_copy(_page(sample_run, name)), pdf)
    assert problems == [], f"{name}.pdf:\n" + "\n".join(problems[:20])

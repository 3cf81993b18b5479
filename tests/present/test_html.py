"""present/html.py: the leadership part and the collapsed method appendix, live-only
cells, page sizes, and PDFs that keep charts and header words whole."""

from __future__ import annotations

import base64
import io
import re
from collections import Counter

import matplotlib
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbook.present import html as wbhtml
from workbook.present.report import APPENDIX_METADATA, table_html

matplotlib.use("Agg")


def _html_output(markup: str, **kw):
    return new_output("display_data", data={"text/html": markup}, **kw)


def _report_notebook(page: str | None = None):
    """Title, leadership text, a live-only explorer, then the appendix marker and a table."""
    lead = new_code_cell("rep.executive_summary(...)")
    lead.outputs = [_html_output("<p>Leadership sentence.</p>")]
    explore_md = new_markdown_cell("## Explore\n\nIn JupyterLab, move the slider.")
    explore_md.metadata["tags"] = ["live-only"]
    explore = new_code_cell("display(explorer(res))")
    explore.metadata["tags"] = ["live-only"]
    marker = new_code_cell("rep.appendix()")
    marker.outputs = [_html_output("<h2>Method appendix</h2>", metadata=dict(APPENDIX_METADATA))]
    method_md = new_markdown_cell("## Model checks\n\nSlope p-value and friends.")
    full = new_code_cell("rep.table(res.full)")
    full.outputs = [_html_output("<table><tr><th>slope p value</th></tr></table>")]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# T\n\nIntro."),
            lead,
            explore_md,
            explore,
            marker,
            method_md,
            full,
        ]
    )
    if page:
        nb.metadata["workbook"] = {"page": page}
    return nb


def test_prepare_for_html_drops_live_only_cells_and_tags_the_appendix_start():
    clean, counts = wbhtml.prepare_for_html(_report_notebook(), title="T", keep_errors=False)
    assert counts.live_only_cells == 2
    assert counts.appendix is True
    sources = [c.source for c in clean.cells]
    assert "display(explorer(res))" not in sources
    assert not any("JupyterLab" in s for s in sources)
    start = [c for c in clean.cells if wbhtml.APPENDIX_START_TAG in c.metadata.get("tags", [])]
    assert [c.source for c in start] == ["rep.appendix()"]
    assert start[0].outputs == []  # the live heading is replaced by the <summary>


def test_markdown_naming_a_parameter_shows_the_value_the_report_ran_with():
    params = new_code_cell(
        'horizon_days = 180  # days\nrisk = 0.1\nsegment_by = ""\nmonths = [3, 6, 12]\n'
        "flag = True\nopts = {}\nn_boot = 1000"
    )
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell('horizon_days = 90\ndata = "/home/me/crm"')
    injected.metadata["tags"] = ["injected-parameters"]
    text = new_markdown_cell(
        "Won within `horizon_days` days, at most `risk`, per `segment_by`, cuts `months`, "
        "`flag`, `opts`, `n_boot` times, `unknown_name`, `docs/x.md` and `max(months)`; `data`."
    )
    nb = new_notebook(cells=[params, injected, text])
    assert wbhtml.notebook_parameters(nb) == {
        "horizon_days": 90,  # the injected value wins
        "risk": 0.1,
        "segment_by": "",
        "months": [3, 6, 12],
        "flag": True,
        "opts": {},
        "n_boot": 1000,
        "data": "/home/me/crm",
    }
    clean, counts = wbhtml.prepare_for_html(nb, title="T", keep_errors=False)
    assert counts.parameter_cells == 2
    # an empty text or a mapping has no value to show: the name stays; so do non-parameters
    assert [c.source for c in clean.cells] == [
        "Won within 90 days, at most 0.1, per `segment_by`, cuts 3, 6 and 12, "
        "yes, `opts`, 1,000 times, `unknown_name`, `docs/x.md` and `max(months)`; `data`."
    ]  # the data path is never shown
    assert nb.cells[2].source.startswith("Won within `horizon_days`")  # the input is unchanged


def test_page_without_the_marker_has_no_appendix():
    nb = _report_notebook()
    nb.cells = [c for c in nb.cells if c.source != "rep.appendix()"]
    clean, counts = wbhtml.prepare_for_html(nb, title="T", keep_errors=False)
    assert counts.appendix is False
    page = wbhtml.notebook_html(nb, title="T", as_of="2026-06-30", record=[("Status", "ok")])
    assert "<details" not in page and "Run record" in page


def test_appendix_holds_every_later_cell_and_the_run_record_collapsed():
    page = wbhtml.notebook_html(
        _report_notebook(), title="T", as_of="2026-06-30", record=[("Data fingerprint", "abc123")]
    )
    assert page.count('<details class="wb-appendix"') == 1
    opened = page.index('<details class="wb-appendix"')
    closed = page.index("</details>", opened)
    assert page.index("Leadership sentence.") < opened  # leadership part first, visible
    assert opened < page.index("Slope p-value") < closed
    assert opened < page.index("slope p value") < closed
    assert opened < page.index("Run record") < page.index("abc123") < closed
    assert "<details open" not in page  # collapsed on screen
    assert "JupyterLab" not in page and "slider" not in page and "explorer" not in page


def test_page_size_comes_from_the_notebook_and_a_bad_one_is_named():
    portrait = wbhtml.notebook_html(
        _report_notebook("A4 portrait"), title="T", as_of="x", record=[]
    )
    assert "size: A4 portrait" in portrait and "max-height: 265mm" in portrait
    default = wbhtml.notebook_html(_report_notebook(), title="T", as_of="x", record=[])
    assert f"size: {wbhtml.DEFAULT_PAGE}" in default
    with pytest.raises(ValueError, match=r"workbook.page is 'A5 sideways'"):
        wbhtml.notebook_html(_report_notebook("A5 sideways"), title="T", as_of="x", record=[])


def test_headers_wrap_at_word_boundaries_only():
    page = wbhtml.notebook_html(_report_notebook(), title="T", as_of="x", record=[])
    th_rules = re.findall(r"th \{[^}]*\}", page)
    assert any("word-break: normal" in r and "overflow-wrap: normal" in r for r in th_rules)
    assert "overflow-wrap: anywhere" not in page and "break-all" not in page.split("</style>")[0]


def test_print_copy_opens_every_details_and_leaves_open_ones():
    markup = '<details class="wb-appendix"><summary>a</summary></details><details open>x</details>'
    assert wbhtml.print_copy(markup) == (
        '<details open class="wb-appendix"><summary>a</summary></details><details open>x</details>'
    )


# -- PDF layout (headless Chromium + PyMuPDF) ------------------------------------


def _png(height_in: float) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, height_in), dpi=100)
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _wide_table() -> str:
    import pandas as pd

    columns = {f"outlier_robust_z_{i}": [1.5, 2.5] for i in range(10)} | {
        "calibration_intercept_ci_low": [0.1, 0.2]
    }
    return table_html(pd.DataFrame(columns))


@pytest.fixture(scope="module")
def chromium():
    found = wbhtml.find_chromium()
    assert found, "Debian's chromium is required: apt-get install chromium"
    return found


def _print(tmp_path, markup: str, chromium: str):
    page = tmp_path / "page.html"
    page.write_text(markup, encoding="utf-8")
    pdf = wbhtml.html_to_pdf(page, tmp_path / "page.pdf", chromium=chromium)
    return wbhtml.print_copy(markup), pdf


def _tall_rows_table() -> str:
    """60 rows whose note wraps to several lines, every word unique (w<row>x<k>)."""
    import pandas as pd

    notes = [" ".join(f"w{r}x{k}" for k in range(45)) for r in range(60)]
    return table_html(pd.DataFrame({"row": range(60), "note": notes}), max_rows=60)


def test_a_report_page_keeps_a_tall_chart_table_rows_and_header_words_whole(tmp_path, chromium):
    from pdf_layout import layout_problems

    nb = _report_notebook("A4 portrait")
    chart = new_code_cell("display(fig)")
    chart.outputs = [new_output("display_data", data={"image/png": _png(16)})]
    table = new_code_cell("rep.table(wide)")
    table.outputs = [_html_output(_wide_table())]
    rows = new_code_cell("rep.table(tall)")
    rows.outputs = [_html_output(_tall_rows_table())]
    nb.cells[1:1] = [chart, table, rows]
    nb.cells.append(new_code_cell("display(fig)"))
    nb.cells[-1].outputs = [new_output("display_data", data={"image/png": _png(5)})]
    markup = wbhtml.notebook_html(nb, title="T", as_of="x", record=[("Status", "ok")])
    printed, pdf = _print(tmp_path, markup, chromium)
    assert layout_problems(printed, pdf) == []
    assert "slope p value" in printed  # the appendix is printed, open


def test_layout_check_finds_a_split_chart_and_a_header_broken_inside_words(tmp_path, chromium):
    """Planted faults: no print CSS, a 1,600 px image and letter-by-letter headers."""
    from pdf_layout import layout_problems

    markup = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        "th{width:8px;max-width:8px;overflow-wrap:anywhere;word-break:break-all}"
        "</style></head><body>"
        f'<img src="data:image/png;base64,{_png(16)}" style="width:600px;height:1600px">'
        "<table><tr><th>outlier</th><th>calibration</th></tr><tr><td>1</td><td>2</td></tr>"
        "</table></body></html>"
    )
    printed, pdf = _print(tmp_path, markup, chromium)
    problems = layout_problems(printed, pdf)
    assert any("split across pages" in p for p in problems), problems
    assert any("runs off" in p for p in problems), problems
    assert any("'outlier'" in p for p in problems), problems
    assert any("'calibration'" in p for p in problems), problems


def test_layout_check_finds_a_table_row_split_across_pages(tmp_path, chromium):
    """Planted fault: one row taller than a page (150 lines of unique words) must split."""
    from pdf_layout import layout_problems, split_rows

    tall = "<br>".join(f"line{k}" for k in range(150))
    markup = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f"<table><tr><th>name</th></tr><tr><td>first</td></tr><tr><td>{tall}</td></tr>"
        "</table></body></html>"
    )
    printed, pdf = _print(tmp_path, markup, chromium)
    problems = layout_problems(printed, pdf)
    assert [p for p in problems if "table row" in p] == [
        "table row 'line0 line1 line2 line3 line4 line5 line6 line7 line8 line9 ' split across pages"
    ], problems
    # the rule itself: a row is whole when one page holds all its words, as often as it has them
    pages = [Counter({"a": 1, "b": 1}), Counter({"b": 1, "c": 1})]
    assert split_rows(["a b", "b c"], pages) == []
    assert split_rows(["a c"], pages) == ["table row 'a c' split across pages"]
    assert split_rows(["b b"], pages) == ["table row 'b b' split across pages"]

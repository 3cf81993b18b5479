"""run/execute.py: papermill executions of tiny notebooks, page rendering, PDF printing."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbook import run as runner
from workbook.present import html as wbhtml


def _fixed_as_of(source, **options):
    return "2025-03-31"


def _plan(reports, **kw):
    kw.setdefault("resolve_as_of", _fixed_as_of)
    return runner.build_plan(reports, available=kw.pop("available", reports), **kw)


# -- HTML pages ------------------------------------------------------------------------


def _executed_notebook():
    params = new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell("x = 2")
    injected.metadata["tags"] = ["injected-parameters"]
    shown = new_code_cell("show()")
    shown.outputs = [
        new_output("stream", name="stdout", text="visible text"),
        new_output("stream", name="stderr", text="FutureWarning: noise"),
        new_output("display_data", data={"text/html": "<p>table &lt;script&gt;</p>"}),
        new_output("error", ename="ValueError", evalue="bad", traceback=["Traceback boom"]),
    ]
    nb = new_notebook(cells=[new_markdown_cell("# Title\n\nIntro text."), params, injected, shown])
    return nb


def test_prepare_for_html_drops_parameters_errors_stderr_and_title_line():
    nb = _executed_notebook()
    clean, counts = wbhtml.prepare_for_html(nb, title="T", keep_errors=False)
    assert (counts.parameter_cells, counts.error_outputs, counts.stderr_outputs) == (2, 1, 1)
    assert [c.cell_type for c in clean.cells] == ["markdown", "code"]
    assert clean.cells[0].source == "Intro text."
    assert [o.output_type for o in clean.cells[1].outputs] == ["stream", "display_data"]
    assert len(nb.cells) == 4  # the input is untouched
    kept, counts = wbhtml.prepare_for_html(nb, title="T", keep_errors=True)
    assert counts.error_outputs == 0 and len(kept.cells[1].outputs) == 4


def test_notebook_html_has_title_record_and_no_code_or_external_resources():
    page = wbhtml.notebook_html(
        _executed_notebook(),
        title="Sales <b>",
        as_of="2025-03-31",
        record=[("Parameters", {"n": 3, "name": "<script>x</script>"})],
    )
    assert "<title>Sales &lt;b&gt;</title>" in page
    assert "<h1>Sales &lt;b&gt;</h1>" in page
    assert "show()" not in page and "x = 2" not in page
    assert "Traceback boom" not in page and "FutureWarning" not in page
    assert "visible text" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page  # run record value escaped
    assert "<script>x</script>" not in page
    assert "1 stderr message, 1 error output" in page
    assert wbhtml.external_references(page) == []
    assert "<script" not in page  # no require.js, MathJax or widget manager


def test_failed_page_shows_escaped_error_and_keeps_traceback():
    page = wbhtml.notebook_html(
        _executed_notebook(), title="T", as_of="2025-03-31", record=[], error="ValueError: <bad>"
    )
    assert "This report failed." in page
    assert "ValueError: &lt;bad&gt;" in page
    assert "Traceback boom" in page


def test_external_references_finds_scripts_styles_and_images_not_links():
    markup = (
        '<script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/s.css">'
        '<img src="http://x.example/a.png"><a href="https://docs.example">docs</a>'
    )
    assert wbhtml.external_references(markup) == [
        "https://cdn.example/x.js",
        "//cdn.example/s.css",
        "http://x.example/a.png",
    ]


# -- real papermill executions of tiny notebooks ---------------------------------------


def test_run_plan_executes_notebooks_in_parallel_and_isolates_a_failure(tiny_notebooks, tmp_path):
    reports = runner.discover(tiny_notebooks)
    plan = _plan(reports, out=str(tmp_path / "out"), assignments=["beta.fail=true", "n=4"], jobs=2)
    result = runner.run_plan(plan)
    out = plan.out
    assert result.exit_code == 1
    assert [r.status for r in result.results] == ["ok", "failed"]
    assert "planned failure <b>0.5" in result.results[1].error
    alpha = (out / "alpha.html").read_text(encoding="utf-8")
    assert "done 4" in alpha  # the notebook's output, without its code
    assert "Count &lt;i&gt;" in (out / "index.html").read_text(encoding="utf-8")
    assert json.loads((out / "alpha" / "summary.json").read_text())["headline"][0]["value"] == 4
    failed = (out / "beta.failed.html").read_text(encoding="utf-8")
    assert "planned failure &lt;b&gt;0.5" in failed
    assert not (out / "beta.html").exists()
    executed = nbformat.read(str(out / "alpha.ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "interactive = False" in injected[0].source
    assert f'as_of = "{plan.as_of}"' in injected[0].source


# -- PDF export ------------------------------------------------------------------------


def _pdf_pages(path: Path) -> int:
    """Page objects in a PDF (``/Type /Page``, not ``/Pages``)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


def test_html_to_pdf_prints_a_page_offline_with_the_system_chromium(tmp_path):
    chromium = wbhtml.find_chromium()
    assert chromium, "Debian's chromium is required: apt-get install chromium"
    page = tmp_path / "two pages.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<h1>First</h1><div style="break-after: page"></div><h1>Second &lt;3</h1>'
        "</body></html>",
        encoding="utf-8",
    )
    pdf = wbhtml.html_to_pdf(page, tmp_path / "out.pdf", chromium=chromium)
    assert pdf == tmp_path / "out.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert _pdf_pages(pdf) == 2  # the forced page break: one heading per page


def test_html_to_pdf_reports_a_browser_failure(tmp_path):
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'no display here' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"exit code 3\): no display here"):
        wbhtml.html_to_pdf(page, tmp_path / "p.pdf", chromium=str(fake))


def test_checked_params_values_reach_the_notebook_converted(gamma_notebooks, tmp_path):
    """A Params report runs with the values as checked: int 1 -> 1.0, a list (not a tuple)."""
    gamma = [r for r in runner.discover(gamma_notebooks) if r.name == "gamma"]
    plan = _plan(
        gamma,
        out=str(tmp_path / "out"),
        assignments=["share=1", "gamma.thresholds=[40, 55]", "gamma.grain=year"],
    )
    parameters = runner.notebook_parameters(plan, gamma[0], tmp_path / "work")
    assert parameters["thresholds"] == [40.0, 55.0] and parameters["share"] == 1.0
    assert parameters["out_dir"] == str(tmp_path / "work" / "gamma")
    assert parameters["interactive"] is False and parameters["as_of"] == "2025-03-31"
    result = runner.run_plan(plan)
    assert result.exit_code == 0, result.results[0].error
    summary = json.loads((plan.out / "gamma" / "summary.json").read_text(encoding="utf-8"))
    assert summary["given"] == {
        "grain": "year",
        "n_boot": 1000,  # the Params default, kept by the notebook's cell
        "share": 1.0,
        "thresholds": [40.0, 55.0],
        "capacity_per_month": 40.0,
    }
    record = json.loads((plan.out / "run.json").read_text(encoding="utf-8"))
    assert record["reports"]["gamma"]["parameters"]["thresholds"] == [40.0, 55.0]


def _fake_jobs(names):
    from workbook.run.discover import ReportSpec
    from workbook.run.execute import _Job

    return [
        _Job(
            spec=ReportSpec(name=n, title=n, path=Path(f"{n}.ipynb"), order=i, tables=(), notebook={}),
            parameters={},
            workdir=Path("."),
            cwd=Path("."),
            timeout=None,
            record=(),
            as_of="2026-06-30",
        )
        for i, n in enumerate(names)
    ]


def test_longest_first_uses_typical_seconds_then_the_last_run(tmp_path):
    from workbook.run.execute import longest_first

    jobs = _fake_jobs(["data_quality", "cohort", "scoring", "custom", "whitespace"])
    # no earlier run: typical seconds; an unknown report first
    order = [j.spec.name for j in longest_first(jobs, tmp_path)]
    assert order == ["custom", "whitespace", "cohort", "scoring", "data_quality"]
    # an earlier published run's own seconds win (a failed report's do not count)
    run = tmp_path / ".workbook" / "runs" / "r1"
    run.mkdir(parents=True)
    reports = {
        "data_quality": {"status": "ok", "seconds": 90.0},
        "custom": {"status": "ok", "seconds": 1.0},
        "scoring": {"status": "failed", "seconds": 500.0},
    }
    (run / "run.json").write_text(json.dumps({"reports": reports}))
    (tmp_path / ".workbook" / "current").symlink_to(Path("runs") / "r1")
    order = [j.spec.name for j in longest_first(jobs, tmp_path)]
    assert order == ["data_quality", "whitespace", "cohort", "scoring", "custom"]

"""Runner: discovery, strict parameters, HTML clean-up, index page, atomic publishing."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import write_report_notebook
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbook import run as runner
from workbook.present import html as wbhtml
from workbook.run import ParamSpec, UsageError

# -- parameters ----------------------------------------------------------------


def test_parse_assignment_reads_yaml_scalars_lists_and_report_prefix():
    assert runner.parse_assignment("n=3") == (None, "n", 3)
    assert runner.parse_assignment("beta.threshold=0.25") == ("beta", "threshold", 0.25)
    # An unquoted YAML date becomes its ISO text, not a datetime.date.
    assert runner.parse_assignment("start_date=2024-01-31") == (None, "start_date", "2024-01-31")
    assert runner.parse_assignment("tags=[a, b]") == (None, "tags", ["a", "b"])
    assert runner.parse_assignment("name=") == (None, "name", "")
    with pytest.raises(UsageError):
        runner.parse_assignment("no_equals_sign")
    with pytest.raises(UsageError):
        runner.parse_assignment(".x=1")


def _spec(name, source):
    return runner._infer(name, source, "")


def test_parameter_types_are_inferred_from_defaults():
    assert _spec("n", "3").type_name == "int"
    assert _spec("x", "0.5").type_name == "float"
    assert _spec("flag", "True").type_name == "bool"
    assert _spec("label", '"all"').type_name == "str"
    assert _spec("items", '["a"]').type_name == "list"
    assert _spec("opts", "{}").type_name == "dict"
    assert _spec("anything", "None").type_name == "any"
    # Dates: by name (as_of, *_date, *_start, *_end) or by a YYYY-MM-DD default.
    assert _spec("as_of", '""').is_date
    assert _spec("window_start", '""').is_date
    assert _spec("cutoff", '"2024-01-01"').is_date
    assert not _spec("label", '"all"').is_date


def test_check_value_accepts_compatible_types_and_rejects_others():
    assert runner.check_value("r", _spec("x", "0.5"), 2) == 2.0  # int is fine for a float
    assert isinstance(runner.check_value("r", _spec("x", "0.5"), 2), float)
    assert runner.check_value("r", _spec("label", '"all"'), 2024) == "2024"
    assert runner.check_value("r", _spec("n", "3"), 7) == 7
    with pytest.raises(UsageError, match="must be int"):
        runner.check_value("r", _spec("n", "3"), "seven")
    with pytest.raises(UsageError, match="must be int"):
        runner.check_value("r", _spec("n", "3"), True)  # bool is not a number here
    with pytest.raises(UsageError, match="must be bool"):
        runner.check_value("r", _spec("flag", "True"), 1)
    with pytest.raises(UsageError, match="must be list"):
        runner.check_value("r", _spec("items", "[]"), "a")


def test_date_parameters_must_be_real_iso_dates():
    start = _spec("window_start", '""')
    assert runner.check_value("r", start, "2024-02-29") == "2024-02-29"
    assert runner.check_value("r", start, "") == ""  # blank default means "unset"
    for bad in ("2024-02-30", "31/01/2024", "2024-1-5", 20240105):
        with pytest.raises(UsageError, match="YYYY-MM-DD"):
            runner.check_value("r", start, bad)
    fixed = _spec("cutoff", '"2024-01-01"')
    with pytest.raises(UsageError):
        runner.check_value("r", fixed, "")  # a dated default does not allow blank


# -- discovery -------------------------------------------------------------------


def test_discover_orders_by_prefix_reads_parameters_and_skips_other_notebooks(tiny_notebooks):
    stray = new_notebook(cells=[new_code_cell("1")])
    nbformat.write(stray, str(tiny_notebooks / "05_scratch.ipynb"))  # no workbook metadata
    nbformat.write(stray, str(tiny_notebooks / "notes.ipynb"))  # no NN_ prefix
    reports = runner.discover(tiny_notebooks)
    assert [r.name for r in reports] == ["alpha", "beta"]
    beta = reports[1]
    assert beta.title == "Beta <report>"
    assert beta.params["n"] == ParamSpec("n", 3, "3", "int", "how many", False)
    assert beta.params["start_date"].is_date
    assert runner.missing_common(beta) == []


def test_discover_rejects_two_notebooks_with_one_name(tiny_notebooks):
    write_report_notebook(tiny_notebooks, "30_again.ipynb", name="alpha", title="Again")
    with pytest.raises(UsageError, match="defined twice"):
        runner.discover(tiny_notebooks)


def test_select_and_unknown_report(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    assert [r.name for r in runner.select(reports, ["beta", "alpha"])] == ["alpha", "beta"]
    assert len(runner.select(reports, ["all"])) == 2
    with pytest.raises(UsageError, match="available: alpha, beta"):
        runner.select(reports, ["gamma"])


# -- plans -----------------------------------------------------------------------


def _fixed_as_of(source, **options):
    return "2025-03-31"


def _plan(reports, **kw):
    kw.setdefault("resolve_as_of", _fixed_as_of)
    return runner.build_plan(reports, available=kw.pop("available", reports), **kw)


def test_build_plan_merges_yaml_assignments_and_flags(tiny_notebooks, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reports = runner.discover(tiny_notebooks)
    yaml_params = {
        "n": 5,
        "reports": {"beta": {"threshold": 0.1}},
        "load_options": {"encoding": "cp932"},
    }
    plan = _plan(reports, params_file=yaml_params, assignments=["alpha.n=9", "threshold=0.75"])
    # -P threshold (common) applies to both, but the YAML per-report value for beta
    # and the -P alpha.n value for alpha win over common values.
    assert plan.params["alpha"] == {"n": 9, "threshold": 0.75}
    assert plan.params["beta"] == {"n": 5, "threshold": 0.1}
    assert plan.as_of == "2025-03-31"  # from the resolver
    assert plan.out == tmp_path / "reports" / "2025-03-31"
    assert plan.load_options == {"encoding": "cp932"}
    flagged = _plan(reports, params_file={"as_of": "2024-12-31"}, as_of="2025-01-31")
    assert flagged.as_of == "2025-01-31"  # the flag beats the YAML


def test_build_plan_rejects_unknown_parameters_listing_valid_ones(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    with pytest.raises(UsageError) as err:
        _plan(reports, assignments=["nosuch=1"])
    assert "nosuch" in str(err.value)
    assert "valid: fail, n, start_date, threshold" in str(err.value)
    with pytest.raises(UsageError, match="for report 'beta'"):
        _plan(reports, params_file={"reports": {"beta": {"nosuch": 1}}})
    with pytest.raises(UsageError, match="unknown report 'gamma'"):
        _plan(reports, params_file={"reports": {"gamma": {"n": 1}}})
    with pytest.raises(UsageError, match="set by the runner"):
        _plan(reports, assignments=["out_dir=/tmp/x"])


def test_build_plan_ignores_settings_for_reports_not_selected(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    plan = _plan(reports[:1], available=reports, params_file={"reports": {"beta": {"nosuch": 1}}})
    assert plan.params == {"alpha": {}}


def test_build_plan_checks_types_and_dates(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    with pytest.raises(UsageError, match="'n' must be int"):
        _plan(reports, assignments=["n=many"])
    with pytest.raises(UsageError, match="start_date"):
        _plan(reports, assignments=["start_date=2024-13-01"])
    with pytest.raises(UsageError, match="as_of"):
        _plan(reports, as_of="2024-02-30")
    with pytest.raises(UsageError, match="does not exist"):
        _plan(reports, data="/no/such/export")


# -- HTML --------------------------------------------------------------------------


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
    assert "1 stderr message(s), 1 error output(s)" in page
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


def test_headline_delta_in_points_for_shares_and_differences_for_counts():
    assert wbhtml.headline_delta({"value": 0.25, "display": "25.0%"}, {"value": 0.2}) == (
        "▲ +5.0 pp"
    )
    assert wbhtml.headline_delta({"value": 900, "display": "900"}, {"value": 1000}) == (
        "▼ -100 (-10.0%)"
    )
    assert wbhtml.headline_delta({"value": 5, "display": "5"}, {"value": 5}) == "→ unchanged"
    assert wbhtml.headline_delta({"value": 0.2, "display": "20%"}, {"value": 0.2}) == "→ unchanged"
    assert wbhtml.headline_delta({"value": "n/a"}, {"value": 1}) is None
    assert wbhtml.headline_delta({"value": 1}, None) is None


def test_index_html_escapes_everything_and_links_files():
    entry = wbhtml.IndexEntry(
        name="beta",
        title="<script>alert(1)</script>",
        status="ok",
        html="beta.html",
        notebook="beta.ipynb",
        csvs=["beta/numbers.csv"],
        headline=[{"key": "n", "label": "We <3 Dogs", "value": 4, "display": "4"}],
        previous={"n": {"key": "n", "value": 3}},
    )
    page = wbhtml.index_html(
        [entry], as_of="2025-03-31", fingerprint="abc", started="t", version="0.1"
    )
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "We &lt;3 Dogs" in page
    assert 'href="beta.html"' in page and 'href="beta/numbers.csv"' in page
    assert "▲ +1 (+33.3%)" in page
    assert wbhtml.external_references(page) == []


# -- publishing (fake executions) ----------------------------------------------------


def _fake_execute(fail: set[str], interrupt_on: str | None = None):
    """An execute_report stand-in writing what papermill + nbconvert would."""

    def fake(job):
        name = job.spec.name
        if name == interrupt_on:
            raise KeyboardInterrupt
        folder = job.workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        (job.workdir / f"{name}.ipynb").write_text("{}", encoding="utf-8")
        if name in fail:
            (job.workdir / f"{name}.failed.html").write_text("failed page", encoding="utf-8")
            return runner.ReportResult(name, job.spec.title, "failed", 0.1, error="ValueError: x")
        (folder / "summary.json").write_text(
            json.dumps({"headline": [{"key": "n", "label": "N", "value": 2, "display": "2"}]}),
            encoding="utf-8",
        )
        (folder / "numbers.csv").write_text("n\n2\n", encoding="utf-8")
        (job.workdir / f"{name}.html").write_text(f"new {name}", encoding="utf-8")
        return runner.ReportResult(name, job.spec.title, "ok", 0.1)

    return fake


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_failed_report_keeps_last_good_and_success_removes_stale_failure(
    tiny_notebooks, tmp_path, monkeypatch
):
    reports = runner.discover(tiny_notebooks)
    out = tmp_path / "runs" / "out"
    plan = _plan(reports, out=str(out))
    monkeypatch.setattr(runner, "execute_report", _fake_execute(fail=set()))
    lines = []
    assert runner.run_plan(plan, progress=lines.append).exit_code == 0
    assert lines[:2] == ["[ok] alpha  0.1s", "[ok] beta  0.1s"]
    (out / "beta.html").write_text("last good beta", encoding="utf-8")

    monkeypatch.setattr(runner, "execute_report", _fake_execute(fail={"beta"}))
    result = runner.run_plan(plan, progress=lines.append)
    assert result.exit_code == 1
    assert "[FAILED] beta  0.1s: ValueError: x" in lines
    assert (out / "beta.html").read_text(encoding="utf-8") == "last good beta"
    assert (out / "beta" / "numbers.csv").is_file()
    assert (out / "beta.failed.html").read_text(encoding="utf-8") == "failed page"
    assert (out / "beta.failed.ipynb").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "failed (last good kept)" in index and 'href="beta.failed.html"' in index
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["reports"]["beta"]["status"] == "failed"
    assert record["as_of"] == "2025-03-31"
    assert _siblings(out) == []  # temporary directory removed

    monkeypatch.setattr(runner, "execute_report", _fake_execute(fail=set()))
    assert runner.run_plan(plan).exit_code == 0
    assert (out / "beta.html").read_text(encoding="utf-8") == "new beta"
    assert not (out / "beta.failed.html").exists() and not (out / "beta.failed.ipynb").exists()


def test_interrupted_run_leaves_out_as_it_was(tiny_notebooks, tmp_path, monkeypatch):
    reports = runner.discover(tiny_notebooks)
    out = tmp_path / "runs" / "out"
    plan = _plan(reports, out=str(out))
    monkeypatch.setattr(runner, "execute_report", _fake_execute(fail=set()))
    runner.run_plan(plan)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(runner, "execute_report", _fake_execute(set(), interrupt_on="beta"))
    with pytest.raises(KeyboardInterrupt):
        runner.run_plan(plan)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert _siblings(out) == []


def test_index_compares_headlines_with_a_previous_run(tiny_notebooks, tmp_path, monkeypatch):
    reports = runner.discover(tiny_notebooks)
    prev = tmp_path / "prev"
    (prev / "alpha").mkdir(parents=True)
    (prev / "alpha" / "summary.json").write_text(
        json.dumps({"headline": [{"key": "n", "value": 5, "display": "5"}]}), encoding="utf-8"
    )
    plan = _plan(reports, out=str(tmp_path / "out"), compare=str(prev))
    monkeypatch.setattr(runner, "execute_report", _fake_execute(fail=set()))
    runner.run_plan(plan)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "▼ -3 (-60.0%)" in index  # alpha: 2 now against 5 before
    assert "Compared with" in index


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


PARAMS_DIR = Path(__file__).resolve().parents[2] / "params"


@pytest.mark.parametrize("path", sorted(PARAMS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_committed_params_files_validate_against_the_notebooks(path):
    available = runner.discover()
    config = runner.read_params_file(path)
    config.pop("data", None)  # example export paths need not exist here
    plan = _plan(available, params_file=config)
    assert set(plan.params) == {r.name for r in available}
    assert isinstance(plan.load_options, dict)


# -- PDF export ------------------------------------------------------------------------


def _pdf_pages(path: Path) -> int:
    """Page objects in a PDF (``/Type /Page``, not ``/Pages``)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


def test_build_plan_with_pdf_needs_a_chromium_on_path(tiny_notebooks, tmp_path, monkeypatch):
    reports = runner.discover(tiny_notebooks)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no browser anywhere
    with pytest.raises(UsageError, match="apt-get install chromium"):
        _plan(reports, pdf=True)
    assert _plan(reports).pdf is False  # without --pdf no browser is needed


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


def _fake_execute_pdf(job):
    """Like _fake_execute(set()), plus the PDF execute_report prints when asked."""
    result = _fake_execute(fail=set())(job)
    if job.chromium:
        (job.workdir / f"{job.spec.name}.pdf").write_bytes(b"%PDF-1.4 " + job.chromium.encode())
    return result


def test_pdf_is_published_with_its_report_linked_and_removed_when_not_made(
    tiny_notebooks, tmp_path, monkeypatch
):
    reports = runner.discover(tiny_notebooks)
    out = tmp_path / "out"
    monkeypatch.setattr(wbhtml, "find_chromium", lambda: "/opt/fake/chromium")
    monkeypatch.setattr(runner, "execute_report", _fake_execute_pdf)
    plan = _plan(reports, out=str(out), pdf=True)
    assert plan.chromium == "/opt/fake/chromium"
    assert runner.run_plan(plan).exit_code == 0
    assert (out / "alpha.pdf").read_bytes() == b"%PDF-1.4 /opt/fake/chromium"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="alpha.pdf"' in index and 'href="beta.pdf"' in index
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["pdf"] is True
    assert _siblings(out) == ["notebooks"]  # no temporary directory left beside OUT

    # A later run without --pdf must not leave a PDF older than the new HTML.
    assert runner.run_plan(_plan(reports[:1], out=str(out), available=reports)).exit_code == 0
    assert not (out / "alpha.pdf").exists() and (out / "beta.pdf").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="alpha.pdf"' not in index and 'href="beta.pdf"' in index

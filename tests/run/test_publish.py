"""run/publish.py: atomic publishing, the index page and run.json (fake executions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook import run as runner
from workbook.present import html as wbhtml
from workbook.run import execute as run_execute


def _fixed_as_of(source, **options):
    return "2025-03-31"


def _plan(reports, **kw):
    kw.setdefault("resolve_as_of", _fixed_as_of)
    return runner.build_plan(reports, available=kw.pop("available", reports), **kw)


# -- index page ------------------------------------------------------------------------


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
    page = wbhtml.index_html([entry], as_of="2025-03-31", started="t", version="0.1")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "We &lt;3 Dogs" in page
    assert 'href="beta.html"' in page and 'href="beta/numbers.csv"' in page
    assert "▲ +1<" in page
    assert wbhtml.external_references(page) == []


# -- publishing (fake executions) ----------------------------------------------------


def _fake_execute(fail: set[str], interrupt_on: str | None = None, value: int = 2):
    """An execute_report stand-in writing what papermill + nbconvert would (KPI ``n`` = value)."""

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
            json.dumps(
                {"headline": [{"key": "n", "label": "N", "value": value, "display": str(value)}]}
            ),
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
    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail=set()))
    lines = []
    assert runner.run_plan(plan, progress=lines.append).exit_code == 0
    assert lines[:2] == ["[ok] alpha  0.1s", "[ok] beta  0.1s"]
    (out / "beta.html").write_text("last good beta", encoding="utf-8")

    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail={"beta"}))
    result = runner.run_plan(plan, progress=lines.append)
    assert result.exit_code == 1
    # The failure line names the error, then where its page and notebook are (issue 19).
    assert (
        f"[FAILED] beta  0.1s: ValueError: x (page {out / 'beta.failed.html'}; "
        f"notebook {out / 'beta.failed.ipynb'})"
    ) in lines
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

    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail=set()))
    assert runner.run_plan(plan).exit_code == 0
    assert (out / "beta.html").read_text(encoding="utf-8") == "new beta"
    assert not (out / "beta.failed.html").exists() and not (out / "beta.failed.ipynb").exists()


def test_interrupted_run_leaves_out_as_it_was(tiny_notebooks, tmp_path, monkeypatch):
    reports = runner.discover(tiny_notebooks)
    out = tmp_path / "runs" / "out"
    plan = _plan(reports, out=str(out))
    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail=set()))
    runner.run_plan(plan)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(set(), interrupt_on="beta"))
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
    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail=set()))
    runner.run_plan(plan)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "▼ \u22123<" in index  # alpha: 2 now against 5 before
    assert str(prev) not in index  # the path is in run.json only
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert record["compared_with"]["out"] == str(prev)
    assert record["compared_with"]["how"] == "--compare"


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
    monkeypatch.setattr(run_execute, "execute_report", _fake_execute_pdf)
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


def test_compare_marks_reports_whose_cut_points_differ(tiny_notebooks, tmp_path, monkeypatch):
    """engagement writes ``cut_points`` in summary.json; a change is flagged on the card."""
    reports = runner.discover(tiny_notebooks)
    prev = tmp_path / "prev"
    for name, cuts in (("alpha", {"high_min_records": 5}), ("beta", {"high_min_records": 4})):
        (prev / name).mkdir(parents=True)
        (prev / name / "summary.json").write_text(
            json.dumps({"headline": [], "cut_points": cuts}), encoding="utf-8"
        )

    def with_cuts(job):
        result = _fake_execute(fail=set())(job)
        summary = job.workdir / job.spec.name / "summary.json"
        data = json.loads(summary.read_text(encoding="utf-8"))
        data["cut_points"] = {"high_min_records": 4}  # alpha changed 5 -> 4, beta did not
        summary.write_text(json.dumps(data), encoding="utf-8")
        return result

    monkeypatch.setattr(run_execute, "execute_report", with_cuts)
    plan = _plan(reports, out=str(tmp_path / "out"), compare=str(prev))
    runner.run_plan(plan)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    alpha = index[index.index('id="alpha"') : index.index('id="beta"')]
    beta = index[index.index('id="beta"') :]
    assert "Cut points differ from the compared run" in alpha
    assert "now {&quot;high_min_records&quot;: 4}, then {&quot;high_min_records&quot;: 5}" in alpha
    assert "Cut points differ" not in beta


# -- the previous run the index compares against -------------------------------------


def _published(out: Path, as_of: str | None, started: str = "2025-01-01T06:00:00+00:00") -> Path:
    """A minimal published run in ``out`` (its run.json, the current pointer)."""
    run = out / ".workbook" / "runs" / "r1"
    run.mkdir(parents=True)
    record = {"as_of": as_of, "started": started} if as_of else {}
    (run / "run.json").write_text(json.dumps(record), encoding="utf-8")
    (out / ".workbook" / "current").symlink_to("runs/r1")
    return run.resolve()


def test_baseline_is_none_before_any_run(tmp_path):
    assert runner.find_baseline(tmp_path / "reports" / "2025-03-31", as_of="2025-03-31") is None


def test_baseline_is_the_run_this_one_replaces(tmp_path):
    out = tmp_path / "latest"
    run = _published(out, "2025-02-28")
    found = runner.find_baseline(out, as_of="2025-03-31")
    assert (found.folder, found.how, found.as_of) == (run, "previous run", "2025-02-28")
    assert found.replaced
    assert found.label() == "the run of 2025-02-28 data (2025-01-01 06:00 UTC)"
    # a re-run on the same data compares with the run it replaces too
    assert runner.find_baseline(out, as_of="2025-02-28").folder == run


def test_baseline_of_a_dated_folder_is_the_latest_earlier_dated_folder(tmp_path):
    reports = tmp_path / "reports"
    _published(reports / "2025-01-31", "2025-01-31")
    feb = _published(reports / "2025-02-28", "2025-02-28")
    _published(reports / "2025-02-28+abc123", "2025-02-28", started="2025-09-09T00:00:00")  # ad hoc
    _published(reports / "2025-04-30", "2025-04-30")  # later data: never a baseline
    out = reports / "2025-03-31"
    found = runner.find_baseline(out, as_of="2025-03-31")
    assert (found.folder, found.how) == (feb, "previous dated folder")
    assert found.to_record() == {
        "out": str(reports / "2025-02-28"),
        "run_id": "r1",
        "how": "previous dated folder",
        "as_of": "2025-02-28",
        "started": "2025-01-01T06:00:00+00:00",
    }
    # a re-run into March's folder still compares with February, not with its first attempt
    _published(out, "2025-03-31")
    assert runner.find_baseline(out, as_of="2025-03-31").folder == feb
    # an explicit --compare wins
    given = runner.find_baseline(out, as_of="2025-03-31", compare=reports / "2025-01-31")
    assert (given.how, given.as_of) == ("--compare", "2025-01-31")


def test_a_non_dated_out_never_looks_at_its_neighbours(tmp_path):
    _published(tmp_path / "2025-02-28", "2025-02-28")
    assert runner.find_baseline(tmp_path / "latest", as_of="2025-03-31") is None


def test_second_run_shows_changes_since_the_first_automatically(
    tiny_notebooks, tmp_path, monkeypatch
):
    reports = runner.discover(tiny_notebooks)
    out = tmp_path / "out"
    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail=set(), value=5))
    runner.run_plan(_plan(reports, out=str(out)))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="delta' not in index and "none yet: first run here" in index
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["compared_with"] is None

    monkeypatch.setattr(run_execute, "execute_report", _fake_execute(fail=set(), value=2))
    runner.run_plan(_plan(reports[:1], out=str(out), available=reports))  # alpha only
    index = (out / "index.html").read_text(encoding="utf-8")
    alpha = index[index.index('id="alpha"') : index.index('id="beta"')]
    beta = index[index.index('id="beta"') :]
    assert "▼ \u22123<" in alpha  # 2 now against 5 in the first run
    assert 'class="delta' not in beta  # not re-run: nothing to compare but itself
    assert "Changes since <b>the run of 2025-03-31 data (" in index
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["compared_with"]["how"] == "previous run"
    assert record["compared_with"]["as_of"] == "2025-03-31"


def test_recorded_parameters_hide_database_passwords():
    from workbook.run.publish import public_load_options, public_params

    shown = public_params(
        {
            "data": "postgres://ana:s3cret@wh/crm",
            "out_dir": "/tmp/x",
            "load_options": {"sql_url": "postgresql://bo:pw2@db/crm", "encoding": "cp932"},
            "top_n": 5,
        }
    )
    assert shown == {
        "data": "postgres://ana:***@wh/crm",
        "load_options": {"sql_url": "postgresql://bo:***@db/crm", "encoding": "cp932"},
        "top_n": 5,
    }
    assert public_load_options({"paths": {"leads": "a.csv"}}) == {"paths": {"leads": "a.csv"}}
    assert public_params({"data": "/srv/export"})["data"] == "/srv/export"

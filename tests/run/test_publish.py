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
    assert "▼ -3 (-60.0%)" in index  # alpha: 2 now against 5 before
    assert "Compared with" in index


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
    assert "Cut points differ from prev" in alpha
    assert "now {&quot;high_min_records&quot;: 4}, then {&quot;high_min_records&quot;: 5}" in alpha
    assert "Cut points differ" not in beta

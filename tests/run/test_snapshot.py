"""Validate once, load once: the snapshot, its loader, applicability, bad data (issue 19)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import workbook
from workbook import run as runner
from workbook.data import snapshot
from workbook.data.validate import DataValidationError
from workbook.run import execute as run_execute
from workbook.run.snapshot import load_and_write, prepare

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_crm():
    return workbook.load()


@pytest.fixture
def snap(sample_crm, tmp_path):
    return snapshot.write(sample_crm, tmp_path / "snapshot")


@pytest.fixture
def no_csv(monkeypatch):
    """Any CSV or Parquet parse, or a file reader call, fails the test."""
    from workbook.data.readers import export, files

    def refuse(*args, **kwargs):
        pytest.fail("a file was parsed although a snapshot was given")

    monkeypatch.setattr(pd, "read_csv", refuse)
    monkeypatch.setattr(pd, "read_parquet", refuse)
    monkeypatch.setattr(export, "read_files", refuse)
    monkeypatch.setattr(files, "read_file", refuse)
    monkeypatch.setattr(workbook.data.io, "read_files", refuse)


def test_snapshot_round_trip_keeps_tables_dtypes_quality_and_provenance(sample_crm, snap, no_csv):
    back = workbook.load(snapshot=snap)
    assert list(back.tables) == list(sample_crm.tables)
    for name, frame in sample_crm.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame)  # dtypes included
    assert back.as_of == sample_crm.as_of == pd.Timestamp("2026-06-30")
    assert back.fingerprint == sample_crm.fingerprint and back.source == sample_crm.source
    assert back.quality.issues == sample_crm.quality.issues
    assert back.quality.row_counts == sample_crm.quality.row_counts
    assert back.quality.date_ranges == sample_crm.quality.date_ranges
    assert back.metadata["snapshot"] == str(snap)


def test_the_loads_score_range_survives_the_snapshot(tmp_path):
    # issue 17: the notebooks load the runner's snapshot, so the scoring report's
    # default grid reads the declared range from there
    folder = snapshot.write(workbook.load(score_range=[0, 2000]), tmp_path / "snapshot")
    assert workbook.load(snapshot=folder, tables=["leads"]).score_range == (0.0, 2000.0)
    assert workbook.load(snapshot=snapshot.write(workbook.load(), tmp_path / "plain")).score_range is None


def test_a_snapshot_folder_as_data_is_recognised_and_tables_subset(snap, no_csv):
    crm = workbook.load(str(snap), tables=["leads", "opportunities"], as_of="2026-06-30")
    assert list(crm.tables) == ["leads", "opportunities"]
    assert workbook.data.io.resolve_as_of(str(snap)) == pd.Timestamp("2026-06-30")
    with pytest.raises(ValueError, match="validated as of 2026-06-30"):
        workbook.load(str(snap), as_of="2026-05-31")


def test_a_half_written_snapshot_is_not_one(sample_crm, tmp_path):
    folder = snapshot.write(sample_crm, tmp_path / "s")
    (folder / snapshot.MARKER).unlink()  # the marker is written last
    assert not snapshot.is_snapshot(folder)


def _load_statement(nb) -> str:
    """The ``crm = workbook.load(...)`` statement of a notebook, as source."""
    for cell in nb.cells:
        if cell.cell_type != "code" or "workbook.load(" not in cell.source:
            continue
        lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        tree = ast.parse("\n".join(lines))
        for node in tree.body:
            if isinstance(node, ast.Assign) and "workbook.load(" in ast.unparse(node.value):
                return ast.unparse(node)
    raise AssertionError("no workbook.load call")


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")))
def test_no_notebook_parses_csv_when_the_runner_gives_a_snapshot(path, snap, no_csv):
    """Each notebook's own load statement, with the parameters the runner injects."""
    nb = nbformat.read(str(path), as_version=4)
    namespace = {"workbook": workbook, "data": str(snap), "load_options": {}, "as_of": "2026-06-30"}
    exec(_load_statement(nb), namespace)  # noqa: S102 - the notebook's own line
    crm = namespace["crm"]
    assert crm.metadata["snapshot"] == str(snap)
    wanted = nb.metadata["workbook"]["tables"]
    assert set(crm.tables) == set(wanted)


# -- applicability -------------------------------------------------------------------


def test_reports_whose_required_tables_are_absent_are_not_applicable():
    specs = runner.discover(REPO / "notebooks")
    reasons = runner.applicability(specs, ["accounts", "opportunities", "products", "purchases"])
    assert reasons == {
        "cohort": "needs leads; the export has none",
        "scoring": "needs leads and opportunities; the export has no leads",
    }
    assert runner.applicability(specs, []) == {
        "cohort": "needs leads; the export has none",
        "scoring": "needs leads and opportunities; the export has none",
        "hierarchy": "needs accounts and opportunities; the export has none",
        "whitespace": "needs accounts, products and purchases; the export has none",
        "engagement": "needs opportunities and accounts; the export has none",
    }
    # every required table is one the report's notebook lists
    for spec in specs:
        assert set(runner.required_tables(spec)) <= set(spec.tables)


def _export(tmp_path, tables, *, drop_column=None) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in tables:
        frame = workbook.load().tables[name]
        if drop_column and drop_column[0] == name:
            frame = frame.drop(columns=drop_column[1])
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _tiny(folder: Path, name: str, tables, requires=None):
    path = next(folder.glob(f"*_{name}.ipynb"))
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata["workbook"]["tables"] = list(tables)
    if requires is not None:
        nb.metadata["workbook"]["requires"] = list(requires)
    nbformat.write(nb, str(path))


def test_prepare_loads_the_union_the_export_has_and_validates_once(tmp_path, monkeypatch):
    data = _export(tmp_path, ["accounts", "leads"])
    calls = []
    real = workbook.load
    monkeypatch.setattr(
        workbook, "load", lambda *a, **k: calls.append(k["tables"]) or real(*a, **k)
    )
    specs = runner.discover(REPO / "notebooks")
    cohort_hier = [s for s in specs if s.name in ("cohort", "hierarchy")]
    prepared = prepare(
        cohort_hier, data=str(data), as_of="2026-06-30", load_options={}, folder=tmp_path / "s"
    )
    assert prepared.tables == ["accounts", "leads"]
    assert snapshot.is_snapshot(tmp_path / "s")
    # the runner keeps the row counts of what it wrote, not the loaded frames
    written = snapshot.read(tmp_path / "s")
    assert prepared.rows == {t: len(f) for t, f in written.tables.items()}
    assert all(n > 0 for n in prepared.rows.values())
    assert not hasattr(prepared, "crm")
    # the load ran in a child process: this process's workbook.load was not called
    assert calls == []
    # in it, one load of the union, then one without the required tables the export
    # lacks (users is optional in the model: asked for, and absent without a problem)
    rows = load_and_write(
        ["accounts", "leads", "opportunities", "users"],
        data=str(data), as_of="2026-06-30", options={}, folder=tmp_path / "s2",
    )  # fmt: skip
    assert len(calls) == 2 and calls[-1] == ["accounts", "leads", "users"]
    assert rows == prepared.rows
    assert runner.applicability(cohort_hier, prepared.tables) == {
        "hierarchy": "needs accounts and opportunities; the export has no opportunities"
    }


def _fake_ok(job):
    folder = job.workdir / job.spec.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps({"headline": [], "data": job.snapshot}))
    (job.workdir / f"{job.spec.name}.ipynb").write_text("{}")
    (job.workdir / f"{job.spec.name}.html").write_text(f"page {job.spec.name}")
    return runner.ReportResult(job.spec.name, job.spec.title, "ok", 0.1)


def _plan(notebooks, out, data, **kw):
    reports = runner.discover(notebooks)
    return runner.build_plan(reports, data=str(data), out=str(out), as_of="2026-06-30", **kw)


def test_na_reports_are_listed_with_their_reason_and_the_run_exits_0(
    tiny_notebooks, tmp_path, monkeypatch
):
    data = _export(tmp_path, ["accounts", "leads"])
    _tiny(tiny_notebooks, "alpha", ["leads", "activities"], requires=["leads"])
    _tiny(tiny_notebooks, "beta", ["purchases"], requires=["purchases"])
    monkeypatch.setattr(run_execute, "execute_report", _fake_ok)
    out = tmp_path / "out"
    lines = []
    result = runner.run_plan(_plan(tiny_notebooks, out, data), progress=lines.append)
    assert result.exit_code == 0
    assert [r.status for r in result.results] == ["ok", "n/a"]
    assert "[n/a] beta: needs purchases; the export has none" in lines
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "needs purchases; the export has none" in index and ">not applicable<" in index
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["reports"]["beta"]["status"] == "n/a"
    # alpha was handed the snapshot, not the export
    given = json.loads((out / "alpha" / "summary.json").read_text())["data"]
    assert given.endswith("/snapshot") and "/.workbook/tmp-" in given


def test_bad_data_one_message_exit_2_and_only_the_data_quality_page_published(
    tiny_notebooks, tmp_path, monkeypatch, capsys
):
    from workbook import cli

    _tiny(tiny_notebooks, "alpha", ["leads"])
    _tiny(tiny_notebooks, "beta", ["accounts"])
    good = _export(tmp_path, ["accounts", "leads"])
    out = tmp_path / "out"
    monkeypatch.setattr(run_execute, "execute_report", _fake_ok)
    args = ["--notebooks", str(tiny_notebooks), "run", "all", "--out", str(out)]
    assert cli.main([*args, "--data", str(good), "--as-of", "2026-06-30"]) == 0
    before = _visible(out)
    capsys.readouterr()

    bad = tmp_path / "bad"
    bad.mkdir()
    leads = pd.read_csv(good / "leads.csv").drop(columns="created_at")
    leads.to_csv(bad / "leads.csv", index=False)
    (bad / "accounts.csv").write_bytes((good / "accounts.csv").read_bytes())

    def refuse(job):
        pytest.fail("a report ran on data that failed validation")

    monkeypatch.setattr(run_execute, "execute_report", refuse)
    code = cli.main([*args, "--data", str(bad), "--as-of", "2026-06-30"])
    captured = capsys.readouterr()
    assert code == 2
    both = captured.out + captured.err
    assert both.count("stops the load") == 1 and both.count("missing") == 1  # the message, once
    assert captured.err.startswith("workbook: data error: 1 data error stops the load:")
    after = _visible(out)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"data_quality.failed.html", "index.html", "run.json"}
    failed = after["data_quality.failed.html"].decode()
    assert "created_at" in failed and "leads.csv" in failed
    index = after["index.html"].decode()
    assert 'href="data_quality.failed.html"' in index and "stopped on a data error" in index
    record = json.loads(after["run.json"])
    assert record["reports"]["alpha"]["status"] == "not run"
    assert record["data_error"].startswith("1 data error stops")


def _visible(out: Path) -> dict[str, bytes]:
    """What a user sees under OUT (through the links), workbook's own folder excluded."""
    seen = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".workbook") or not path.is_file():
            continue
        seen[rel] = path.read_bytes()
    return seen


def test_data_validation_error_is_raised_once_with_all_non_missing_problems(tmp_path):
    data = _export(tmp_path, ["leads"], drop_column=("leads", "created_at"))
    specs = runner.discover(REPO / "notebooks")
    with pytest.raises(DataValidationError) as info:
        prepare(specs, data=str(data), as_of="2026-06-30", load_options={}, folder=tmp_path / "s")
    assert [p.check for p in info.value.problems] == ["missing_column"]
    assert not (tmp_path / "s").exists()

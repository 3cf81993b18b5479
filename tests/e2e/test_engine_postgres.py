"""``workbook run all --engine postgres://...`` end to end (issue 21, "Warehouse").

The bundled sample runs with every report's relational core in a real
PostgreSQL (tests/engines.py starts it on loopback) and its exports must equal
the embedded DuckDB run's (``sample_run``), cell by cell, floats to a relative
1e-9 (``scripts/freeze_check.py``, the comparison script). The URL carries a
password (the throwaway server trusts loopback and ignores it): it must never
reach a published file or the log.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from conftest import REPO, run_cli

from workbook.run.publish import STATE_DIR


def _freeze_check():
    spec = importlib.util.spec_from_file_location("freeze_check", REPO / "scripts" / "freeze_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pg_activity(server, database: str) -> tuple[int, int]:
    row = server._admin(
        f"SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = '{database}'"
    )
    return int(row[0]), int(row[1])


def test_every_report_on_postgres_equals_the_embedded_run(
    postgres_server, sample_run, tmp_path
):
    database = postgres_server.create_database()
    secret = "pw-not-for-pages"
    url = postgres_server.url(database).replace("postgres@", f"postgres:{secret}@")
    out = tmp_path / "out"
    proc = run_cli("run", "all", "--out", out, "--jobs", "2", "--engine", url, cwd=tmp_path)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log

    # The reports computed there: the kernels filled temporary tables in that database.
    _, inserted = _pg_activity(postgres_server, database)
    assert inserted > 10_000, inserted

    check = _freeze_check()
    embedded = check.collect(sample_run, tmp_path / "embedded")
    warehouse = check.collect(out, tmp_path / "warehouse")
    assert sorted(p.name for p in embedded.iterdir()) == sorted(
        ["cohort", "data_quality", "engagement", "hierarchy", "scoring", "whitespace"]
    )
    assert check.compare(embedded, warehouse) == []

    # Where it ran is said, the password never.
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["engine"] == url.replace(secret, "***")
    assert "engine" not in record["load_options"]
    assert f"engine {url.replace(secret, '***')}" in log
    leaked = [
        str(p.relative_to(out))
        for p in Path(out).rglob("*")
        if p.is_file() and secret in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert leaked == [] and secret not in log
    page = (out / "scoring.html").read_text(encoding="utf-8")
    assert url.replace(secret, "***") in page  # the record of the run names the engine


def test_an_engine_that_cannot_be_reached_stops_the_run_before_any_report(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    url = "postgres://ana:pw-hidden@127.0.0.1:1/crm"  # port 1: nothing listens
    proc = run_cli("run", "all", "--out", out, "--engine", url, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "cannot connect" in proc.stderr and "postgres://ana:***@127.0.0.1:1/crm" in proc.stderr
    assert "pw-hidden" not in proc.stdout + proc.stderr
    assert "loaded and validated" not in proc.stdout  # reached before the load
    # Nothing published: only the user's file and the runner's own state folder (its lock).
    assert sorted(p.name for p in out.iterdir()) == sorted([STATE_DIR, "keep.txt"])
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"


def _put_sample_in(server, database: str) -> None:
    """The bundled sample as real tables of ``database``: ``leads.score`` under a CRM's own
    name (``Lead_Score__c``) and the opportunities in schema ``crm`` as ``crm.deals``."""
    import pyarrow as pa

    import workbook
    from workbook import engine as E
    from workbook.engine.core import _copy_to_postgres

    engine = E.connect(server.url(database))
    try:
        engine.backend.raw_sql("CREATE SCHEMA crm").close()
        for name, frame in workbook.load(None).tables.items():
            data = pa.Table.from_pandas(frame, preserve_index=False)
            if name == "leads":
                data = data.rename_columns(
                    ["Lead_Score__c" if c == "score" else c for c in data.column_names]
                )
            target = "crm.deals" if name == "opportunities" else name
            _copy_to_postgres(engine.backend, target, data, temporary=False)
    finally:
        engine.backend.disconnect()


def test_the_export_read_from_postgres_and_computed_there_equals_the_bundled_run(
    postgres_server, sample_run, tmp_path
):
    database = postgres_server.create_database()
    _put_sample_in(postgres_server, database)
    secret = "pw-not-for-pages"
    url = postgres_server.url(database).replace("postgres@", f"postgres:{secret}@")
    params = tmp_path / "warehouse.yaml"
    params.write_text(
        f"data: {url}\n"
        f"engine: {url}\n"
        "as_of: 2026-06-30\n"  # the bundled sample's own date (a database declares none)
        "load_options:\n"
        "  columns: {leads: {score: Lead_Score__c}}   # a projection in the database\n"
        "  paths: {opportunities: crm.deals}          # the table of each canonical one\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli("run", "all", "-p", params, "--out", out, "--jobs", "2", cwd=tmp_path)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    check = _freeze_check()
    problems = check.compare(
        check.collect(sample_run, tmp_path / "embedded"),
        check.collect(out, tmp_path / "warehouse"),
    )
    # Only where the data came from differs: data_quality names its source.
    assert problems == [
        f"data_quality/summary.json: source: 'bundled sample (scale=small, seed=0)' != "
        f"'{url.replace(secret, '***')}'"
    ], problems
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["data"] == record["engine"] == url.replace(secret, "***")
    leaked = [p.name for p in out.rglob("*") if p.is_file() and secret in p.read_text(errors="replace")]
    assert leaked == [] and secret not in log

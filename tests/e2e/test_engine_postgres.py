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

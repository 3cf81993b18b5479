"""The ibis-framework / duckdb pins of pyproject.toml, and the paths workbook.engine uses.

The pins are there because ibis 12.0 breaks with duckdb 2.0 (see
docs/performance.md, "Relational engine"). Each test here names the used path
and the installed versions in its failure message, so that an upgrade that
breaks one says what broke instead of failing somewhere inside a report.
"""

from __future__ import annotations

import contextlib
import tomllib
from importlib.metadata import version
from pathlib import Path

import duckdb
import engines
import ibis
import pandas as pd
import pyarrow as pa
import pytest
from packaging.requirements import Requirement

from workbook import engine as E

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: The pinned packages (distribution names as pip knows them).
PINNED = ("ibis-framework", "duckdb", "sqlglot")


def _versions() -> str:
    return f"ibis-framework {version('ibis-framework')}, duckdb {version('duckdb')}, sqlglot {version('sqlglot')}"


@contextlib.contextmanager
def used_path(what: str):
    """Fail with ``what`` and the installed versions when the block raises."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - turned into a failure that says what broke
        pytest.fail(f"{what} broke with {_versions()}: {type(exc).__name__}: {exc}", pytrace=True)


def _requirements(group: str | None = None) -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {(r := Requirement(line)).name: r for line in lines}


@pytest.mark.parametrize("package", PINNED)
def test_installed_version_lies_within_the_pin(package):
    req = _requirements()[package]
    # A pin is a closed range: a floor and a ceiling below the next minor line.
    ops = {spec.operator for spec in req.specifier}
    assert ops == {">=", "<"}, f"{package} should be pinned to a range in pyproject.toml: {req}"
    installed = version(package)
    assert req.specifier.contains(installed), (
        f"{package} {installed} is installed but pyproject.toml pins {req.specifier}: "
        "reinstall (pip install -e .) or, for a deliberate upgrade, move the pin and "
        "rerun tests/engine"
    )


def test_the_warehouse_extra_stays_within_the_core_ibis_pin():
    core = _requirements()["ibis-framework"]
    warehouse = _requirements("warehouse")
    assert warehouse["ibis-framework"].specifier == core.specifier
    assert "postgres" in warehouse["ibis-framework"].extras
    assert "psycopg" in warehouse


def test_the_pins_keep_the_ibis_12_duckdb_1_5_lines():
    # The pair tested in docs/performance.md; moving either is a reviewed decision.
    assert ibis.__version__.startswith("12.0."), _versions()
    assert duckdb.__version__.startswith("1.5."), _versions()


def test_cache_and_release_work_on_every_engine(any_engine):
    # sqlglot >= 30.18 makes ibis 12.0 emit a nameless DROP here (the reason for the sqlglot pin).
    frame = pd.DataFrame({"k": ["a", "b", "a"], "v": [1.0, 2.0, 4.0]})
    t = any_engine.table(frame, "pin")  # registered while ``frame`` lives
    expr = t.group_by("k").aggregate(total=t.v.sum()).order_by("k")
    with used_path(f"expr.cache() on {any_engine.name}"):
        cached = expr.cache()
        assert cached.to_pyarrow().to_pydict() == {"k": ["a", "b"], "total": [5.0, 2.0]}
    with used_path(f"cached.release() on {any_engine.name}"):
        cached.release()


def test_results_come_back_through_to_pyarrow(tmp_path):
    eng = E.connect(memory_limit="256MB", temp_directory=str(tmp_path))
    frame = pd.DataFrame({"k": ["a", "b", "a"], "v": [1.0, 2.0, 4.0]})
    with used_path("DuckDB results through Arrow (backend.to_pyarrow)"):
        t = eng.table(frame)
        out = eng.arrow(t.group_by("k").agg(total=t.v.sum()).order_by("k"))
    assert isinstance(out, pa.Table), f"to_pyarrow gave {type(out)} with {_versions()}"
    assert out.to_pydict() == {"k": ["a", "b"], "total": [5.0, 2.0]}


def test_sql_text_comes_back_through_arrow():
    # Breaks with duckdb 2.0 (ibis 12.0 calls the removed fetch_arrow_table).
    eng = E.connect()
    with used_path("DuckDB SQL text as a table (backend.sql(...) then to_pyarrow)"):
        out = eng.arrow(eng.backend.sql("select 2 as n union all select 3 as n").order_by("n"))
    assert out.column("n").to_pylist() == [2, 3]


def test_results_stream_in_arrow_batches():
    # Breaks with duckdb 2.0 (ibis 12.0 calls the removed fetch_record_batch).
    eng = E.connect()
    frame = pd.DataFrame({"n": range(10)})
    t = eng.table(frame)
    with used_path("DuckDB results in Arrow batches (backend.to_pyarrow_batches)"):
        total = sum(b.num_rows for b in eng.backend.to_pyarrow_batches(t, chunk_size=4))
    assert total == 10


def test_an_arrow_table_registers_without_a_copy_through_con_register():
    eng = E.connect()
    data = pa.table({"id": pa.array(["x", "y"]), "n": pa.array([1, 2], pa.int64())})
    with used_path("registering an Arrow table (duckdb con.register) and reading it back"):
        eng.backend.con.register("wb_pin_check", data)
        t = eng.backend.table("wb_pin_check")
        back = eng.arrow(t.order_by("id"))
    assert back.column("n").to_pylist() == [1, 2]
    assert dict(t.schema().items()) == {"id": ibis.dtype("string"), "n": ibis.dtype("int64")}


@pytest.mark.parametrize("dialect", engines.WAREHOUSE_DIALECTS)
def test_ibis_to_sql_compiles_for_each_warehouse_dialect(dialect):
    leads = E.canonical_tables()["leads"]
    expr = leads.group_by("source").agg(
        leads=leads.count(), converted=ibis.ifelse(leads.converted_at.notnull(), 1, 0).sum()
    )
    with used_path(f"ibis.to_sql(..., dialect={dialect!r})"):
        sql = str(ibis.to_sql(expr, dialect=dialect))
    assert "leads" in sql and "GROUP BY" in sql, sql


def test_memory_limit_and_temp_directory_read_back(tmp_path):
    eng = E.connect(memory_limit="512MB", temp_directory=str(tmp_path / "spill"))
    with used_path("reading DuckDB settings back (current_setting)"):
        got = [
            eng.backend.raw_sql(f"select current_setting('{k}')").fetchone()[0]
            for k in ("memory_limit", "temp_directory")
        ]
    # DuckDB shows the limit in binary units: 512 MB = 512e6 B = 488.28 MiB.
    assert got == ["488.2 MiB", str(tmp_path / "spill")]


def test_the_memory_limit_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBOOK_DUCKDB_MEMORY", "256MB")
    eng = E.connect(temp_directory=str(tmp_path))
    limit = eng.backend.raw_sql("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "244.1 MiB"  # 256e6 B / 2**20


def test_extensions_are_never_installed_or_autoloaded():
    eng = E.connect()
    with used_path("switching off DuckDB extension autoinstall/autoload"):
        flags = [
            eng.backend.raw_sql(f"select current_setting('{k}')").fetchone()[0]
            for k in ("autoinstall_known_extensions", "autoload_known_extensions")
        ]
    assert flags == [False, False]
    # A remote file needs httpfs: it must fail at once instead of fetching the extension.
    with pytest.raises(duckdb.Error, match="httpfs"):
        eng.backend.raw_sql("select * from 'https://example.invalid/x.parquet'").fetchall()

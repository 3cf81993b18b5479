"""core/engine_url.py: naming the engine, and hiding its password."""

from __future__ import annotations

import pytest

from workbook.core.engine_url import (
    EMBEDDED_LABEL,
    ENGINE_ENV,
    engine_label,
    engine_url,
    redact_url,
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgres://ana:s3cret@db.example:5432/crm", "postgres://ana:***@db.example:5432/crm"),
        ("postgres://:s3cret@db/crm", "postgres://:***@db/crm"),
        ("postgres://ana@db/crm?password=s3cret&sslmode=require",
         "postgres://ana@db/crm?password=***&sslmode=require"),
        ("snowflake://ana@acct/db?PWD=s3cret", "snowflake://ana@acct/db?PWD=***"),
        ("postgres://ana@db/crm", "postgres://ana@db/crm"),
        ("duckdb", "duckdb"),
        ("postgres://ana:s3cret@[::1/crm", "postgres://***"),  # unparseable: scheme only
    ],
)  # fmt: skip
def test_redact_url_hides_the_password_and_nothing_else(url, shown):
    assert redact_url(url) == shown
    assert "s3cret" not in redact_url(url)


def test_engine_url_reads_the_environment_only_when_given_nothing():
    env = {ENGINE_ENV: "postgres://wh/crm"}
    assert engine_url(None, environ=env) == "postgres://wh/crm"
    assert engine_url(None, environ={}) is None
    for embedded in ("", " duckdb ", "duckdb://", "duckdb://:memory:"):
        assert engine_url(embedded, environ=env) is None  # named: the environment is not read
    assert engine_url("postgres://a@b/c", environ=env) == "postgres://a@b/c"


def test_engine_url_refuses_what_is_not_a_connection_string():
    with pytest.raises(ValueError, match="engine 'crm.db' is not a connection string"):
        engine_url("crm.db", environ={})
    with pytest.raises(ValueError, match="must be a connection string"):
        engine_url(["postgres://a@b/c"], environ={})
    with pytest.raises(ValueError, match=f"^{ENGINE_ENV} 'oops'"):
        engine_url(None, environ={ENGINE_ENV: "oops"})


def test_engine_label_names_the_embedded_engine_in_words():
    assert engine_label(None) == EMBEDDED_LABEL == "DuckDB, in process"
    assert engine_label("postgres://a:pw@h/db") == "postgres://a:***@h/db"

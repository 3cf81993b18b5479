"""Naming the relational engine: the rules the runner and the loader share.

Kept apart from :mod:`workbook.engine` (which imports Ibis and DuckDB), so the
runner's main process, which stays small while kernels run, can read and
record a run's engine without importing either.

* :data:`ENGINE_ENV`: ``WORKBOOK_ENGINE``, the engine :func:`workbook.load`
  binds when it is given none (the runner sets it in each kernel).
* :data:`EMBEDDED`: the names meaning in-process DuckDB.
* :func:`engine_url`: a setting's value checked and normalised.
* :func:`redact_url`, :func:`engine_label`: the URL with its password
  hidden, for logs, ``run.json`` and the report pages.
"""

from __future__ import annotations

import os
import re

__all__ = [
    "EMBEDDED",
    "EMBEDDED_LABEL",
    "ENGINE_ENV",
    "engine_label",
    "engine_url",
    "is_url",
    "data_label",
    "redact_url",
]

#: Environment variable naming the engine of :func:`workbook.load` when it is given none.
ENGINE_ENV = "WORKBOOK_ENGINE"

#: The names that mean the embedded engine (in-process DuckDB).
EMBEDDED = ("", "duckdb", "duckdb://", "duckdb://:memory:")

#: How logs, run.json and the report pages name the embedded engine.
EMBEDDED_LABEL = "DuckDB, in process"


def is_url(value: object) -> bool:
    """True for a ``scheme://...`` string: a database to read from, not a folder or file.

    Examples
    --------
    >>> is_url("postgres://ana@db/crm"), is_url("exports/2026-06"), is_url(None)
    (True, False, False)
    """
    return isinstance(value, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def data_label(data: str | None) -> str:
    """A run's ``data`` as people read it: ``bundled sample``, a folder, or a URL without its password."""
    return redact_url(data) if data else "bundled sample"


def engine_label(url: str | None) -> str:
    """The engine as people read it: :data:`EMBEDDED_LABEL`, or the URL with its password hidden."""
    return EMBEDDED_LABEL if url is None else redact_url(url)


def engine_url(value: object, *, where: str = "engine", environ=None) -> str | None:
    """``value`` as an engine URL, ``None`` for the embedded engine.

    ``None`` reads :data:`ENGINE_ENV` (from ``environ``, default
    ``os.environ``); a name in :data:`EMBEDDED` is ``None``.

    Raises
    ------
    ValueError
        Not a string, or a string without ``scheme://`` (``where`` names the
        setting in the message).

    Examples
    --------
    >>> engine_url("duckdb", environ={}) is None
    True
    >>> engine_url(" postgres://ana@db/crm ", environ={})
    'postgres://ana@db/crm'
    """
    if value is None:
        value = (os.environ if environ is None else environ).get(ENGINE_ENV)
        where = ENGINE_ENV
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a connection string such as postgres://user@host/db")
    text = value.strip()
    if text in EMBEDDED:
        return None
    if not is_url(text):
        raise ValueError(
            f"{where} {redact_url(text)!r} is not a connection string: give one such as "
            "postgres://user@host:5432/db, or duckdb for the embedded engine"
        )
    return text


def redact_url(url: object) -> str:
    """``url`` with its password replaced by ``***``, for logs, run.json and pages.

    Examples
    --------
    >>> redact_url("postgres://ana:s3cret@db.example:5432/crm")
    'postgres://ana:***@db.example:5432/crm'
    >>> redact_url("postgres://ana@db/crm?password=s3cret&sslmode=require")
    'postgres://ana@db/crm?password=***&sslmode=require'
    >>> redact_url("duckdb")
    'duckdb'
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    text = str(url)
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:  # not a URL a reader could parse: show its scheme only
        return text.split("://", 1)[0] + "://***" if "://" in text else text
    if password:
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        netloc = f"{parts.username}:***@{host}" if parts.username else f":***@{host}"
        parts = parts._replace(netloc=netloc)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k.lower() in ("password", "pwd") for k, _ in query):
        hidden = [(k, "***" if k.lower() in ("password", "pwd") else v) for k, v in query]
        parts = parts._replace(query=urlencode(hidden, safe="*"))
    return urlunsplit(parts) if parts.geturl() != text else text

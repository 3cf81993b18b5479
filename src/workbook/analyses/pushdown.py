"""SQL pushdown: the reports' activity aggregations, run where the tables are.

Bigger than memory: :func:`lead_activity_aggregates` and
:func:`account_activity_aggregates` run the reports' own relational
definitions inside a database and return one row per lead or per account,
so the raw activities never come into pandas:

* per lead, :func:`workbook.analyses.cohort.relational.lead_milestone_facts`
  (the touched and meeting milestones and the activity exclusion counts);
  :func:`workbook.analyses.cohort.milestones_from_aggregates` turns them,
  with the leads and opportunities in memory, into the exact
  :func:`workbook.analyses.cohort.lead_milestones` table;
* per account, :func:`workbook.analyses.engagement.relational.record_counts`
  (the recent records), which
  :func:`workbook.analyses.engagement.engagement_levels` accepts through its
  ``counts`` argument.

Nothing here defines a count: the expressions are the ones the reports run
(on embedded DuckDB by default), so the numbers are the same by
construction. The database is DuckDB over a directory of canonical Parquet
files (:func:`parquet_connection`), any engine :func:`workbook.engine.for_url`
accepts (a connection string such as ``postgres://...``), a
:class:`workbook.engine.Engine`, or a SQLAlchemy engine for SQLite.
``docs/performance.md`` says when to use it.

The tables must hold the canonical columns (names and columns of
:mod:`workbook.data.model`) with ids already trimmed, as
:func:`workbook.data.io.load` produces them and as the sample Parquet files
are; ``tables`` maps a canonical table to another name, ``schema.name``, or a
parenthesised ``SELECT``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pandas as pd

from workbook.core.engine_url import is_url
from workbook.data import model
from workbook.data.readers.files import parquet_parts

__all__ = [
    "ACCOUNT_AGGREGATE_COLUMNS",
    "LEAD_AGGREGATE_COLUMNS",
    "SqlSource",
    "account_activity_aggregates",
    "lead_activity_aggregates",
    "parquet_connection",
    "sql_source",
]

#: Columns of :func:`lead_activity_aggregates`.
LEAD_AGGREGATE_COLUMNS = [
    "lead_id",
    "touched_at",
    "meeting_at",
    "activities_before_created",
    "activities_after_as_of",
]
#: Columns of :func:`account_activity_aggregates`.
ACCOUNT_AGGREGATE_COLUMNS = [
    "account_id",
    "recent_activities",
    "recent_opportunities",
    "recent_leads",
    "recent_records",
]


# --------------------------------------------------------------------------- sources
@dataclass
class SqlSource:
    """A database holding the canonical tables, as a :class:`workbook.engine.Engine`.

    Build one with :func:`sql_source`; every function in this module also
    accepts what :func:`sql_source` accepts.

    Attributes
    ----------
    engine : workbook.engine.Engine
        Where the expressions run.
    tables : dict of str to str
        The database's name (``name`` or ``schema.name``) or a parenthesised
        ``SELECT`` of each canonical table whose name differs.
    """

    engine: object
    tables: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> ibis.Table:
        """Canonical table ``name`` in the database.

        Raises
        ------
        LookupError
            The database has no such table; the message says how to map it.
        """
        ref = self.tables.get(name, name).strip()
        backend = self.engine.backend
        try:
            if ref.startswith("("):
                return backend.sql(ref[1:-1].strip())
            if "." in ref:
                schema, table = ref.rsplit(".", 1)
                return backend.table(table, database=schema)
            return backend.table(ref)
        except Exception as err:  # noqa: BLE001 - each backend raises its own kind
            raise LookupError(
                f"{self.engine.name}: no table {ref!r} for the canonical table {name!r} "
                f"({type(err).__name__}: {err}); map it with tables={{{name!r}: 'its name'}}"
            ) from err


def parquet_connection(directory, *, tables: Sequence[str] | None = None):
    """An in-memory DuckDB connection with one view per canonical Parquet file.

    ``<directory>/<table>.parquet`` becomes the view ``<table>`` (read with
    ``read_parquet``; nothing is loaded until a query runs); so does a folder
    of Parquet parts, ``<table>/*.parquet`` (read with the glob, as the loader
    reads such a folder as one table). Tables without a file are skipped.

    Parameters
    ----------
    directory : str or Path
        Directory of canonical Parquet files (``workbook sample`` writes them).
    tables : sequence of str, optional
        Restrict to these tables (default every canonical table present).
    """
    import duckdb

    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such directory")
    con = duckdb.connect()
    for table in tables or model.TABLES:
        path = root / f"{table}.parquet"
        if not path.exists() and (root / table).is_dir():
            path = root / table
        if path.is_dir():
            if not parquet_parts(path):
                continue
            path = path / "*.parquet"
        elif not path.exists():
            continue
        quoted = str(path).replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{quoted}')")
    return con


def _sqlalchemy_engine(source):
    """The :class:`workbook.engine.Engine` of a SQLAlchemy engine or connection (SQLite)."""
    from workbook.engine.core import Engine

    url = getattr(source, "url", None) or getattr(getattr(source, "engine", None), "url", None)
    if url is None or url.get_backend_name() != "sqlite":
        raise TypeError(
            "a SQLAlchemy source must be SQLite; give any other database as a connection "
            "string (postgres://user@host/db), which workbook.engine.for_url opens"
        )
    return Engine(ibis.sqlite.connect(url.database or ":memory:"), name="sqlite")


def sql_source(source, *, tables: Mapping[str, str] | None = None) -> SqlSource:
    """Normalise a source into a :class:`SqlSource`.

    Parameters
    ----------
    source : SqlSource, Engine, str, Path, duckdb connection or SQLAlchemy engine
        A directory of canonical Parquet files (opened with
        :func:`parquet_connection`), a connection string
        (:func:`workbook.engine.for_url`), a :class:`workbook.engine.Engine`, a
        DuckDB connection that already has the tables or views, or a
        SQLAlchemy engine or connection of a SQLite database.
    tables : dict, optional
        The database's name per canonical table when they differ, e.g.
        ``{"activities": "crm.activity_v"}``.
    """
    from workbook.engine.core import Engine, for_url

    names = dict(tables or {})
    if isinstance(source, SqlSource):
        return SqlSource(source.engine, {**source.tables, **names})
    if isinstance(source, Engine):
        return SqlSource(source, names)
    if isinstance(source, str) and is_url(source):
        return SqlSource(for_url(source), names)
    if isinstance(source, (str, Path)):
        return SqlSource(Engine(ibis.duckdb.from_connection(parquet_connection(source))), names)
    module = type(source).__module__
    if module.startswith("duckdb") or module.startswith("_duckdb"):
        return SqlSource(Engine(ibis.duckdb.from_connection(source)), names)
    if module.startswith("sqlalchemy"):
        return SqlSource(_sqlalchemy_engine(source), names)
    raise TypeError(
        "source must be a Parquet directory, a connection string, a workbook Engine, a DuckDB "
        f"connection or a SQLAlchemy engine, got {type(source).__name__}"
    )


# --------------------------------------------------------------------------- aggregates
def lead_activity_aggregates(source, *, as_of, tables: Mapping[str, str] | None = None):
    """Per-lead activity milestones and exclusion counts, computed in the database.

    The cohort report's own expression
    (:func:`workbook.analyses.cohort.relational.lead_milestone_facts`) over
    the database's ``leads``, ``activities`` and ``opportunities``.

    Columns (:data:`LEAD_AGGREGATE_COLUMNS`)
    -----------------------------------------
    ``touched_at``, ``meeting_at``
        The cohort milestones ``touched`` and ``meeting``.
    ``activities_before_created``, ``activities_after_as_of``
        The lead's terms of the cohort report's ``activities_*_ignored``
        exclusion counts.

    Parameters
    ----------
    source : see :func:`sql_source`
    as_of : date-like
        Observation end day, inclusive.
    tables : dict, optional
        Database names of the canonical tables (see :func:`sql_source`).

    Returns
    -------
    DataFrame
        One row per lead in scope (``created_at`` on or before ``as_of``)
        with a linked activity or a converted opportunity id: dates as
        ``datetime64[ns]`` (NaT when not reached), counts int64, sorted by
        ``lead_id``. A lead without a row has neither milestone and counts 0;
        :func:`~workbook.analyses.cohort.milestones_from_aggregates` reads it so.
    """
    from workbook.analyses.cohort import relational

    src = sql_source(source, tables=tables)
    facts = relational.lead_milestone_facts(
        src.table(model.LEADS),
        src.table(model.ACTIVITIES),
        src.table(model.OPPORTUNITIES),
        as_of=as_of,
    )
    expr = facts.select(
        "lead_id",
        "touched_at",
        "meeting_at",
        activities_before_created=facts.activities_before,
        activities_after_as_of=facts.activities_after,
    ).order_by("lead_id")
    dates = dict.fromkeys(LEAD_AGGREGATE_COLUMNS[1:3], "datetime64[ns]")
    return src.engine.frame(expr, types={"lead_id": "string", **dates})


def account_activity_aggregates(
    source, *, as_of, window_days: float, tables: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Per-account recent records (:func:`workbook.analyses.engagement.recent_records`) in the database.

    The engagement report's own expression
    (:func:`workbook.analyses.engagement.relational.record_counts`) over the
    database's tables, for every account of its ``accounts`` table. The
    window is ``(as_of - window_days, as_of]``.

    Returns
    -------
    DataFrame
        :data:`ACCOUNT_AGGREGATE_COLUMNS` (counts int64, 0 for an account
        without a record), one row per account id, sorted by ``account_id``.
        Pass it to ``engagement.engagement_levels(..., counts=...)``.
    """
    from workbook.analyses.engagement import relational
    from workbook.engine.core import canonical_columns

    if not window_days > 0:
        raise ValueError(f"window_days must be positive, got {window_days!r}")
    src = sql_source(source, tables=tables)
    counts = relational.record_counts(
        src.table(model.ACTIVITIES),
        src.table(model.OPPORTUNITIES),
        src.table(model.LEADS),
        as_of=as_of,
        windows=[window_days],
    )
    accounts = canonical_columns(src.table(model.ACCOUNTS), model.ACCOUNTS, ["account_id"])
    accounts = accounts.filter(accounts.account_id.notnull()).distinct()
    joined = accounts.left_join(counts, accounts.account_id == counts.account_id)
    zero = ibis.literal(0, type="int64")
    kinds = dict(zip(ACCOUNT_AGGREGATE_COLUMNS[1:4], relational.COUNT_KINDS, strict=True))
    per_kind = {
        column: ibis.coalesce(joined[relational.count_column(kind, window_days)], zero)
        for column, kind in kinds.items()
    }
    expr = joined.select(
        account_id=accounts.account_id,
        **per_kind,
        recent_records=sum(per_kind.values(), zero),
    ).order_by("account_id")
    return src.engine.frame(expr, types={"account_id": "string"})

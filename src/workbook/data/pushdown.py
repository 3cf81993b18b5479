"""SQL pushdown: the heaviest step of the reports, the activity aggregation, in the database.

Bigger than memory: :func:`lead_activity_aggregates` and
:func:`account_activity_aggregates` run the activity aggregation inside a
SQL engine and return only one row per lead or per account. The engine is
DuckDB over a directory of canonical Parquet files (:func:`parquet_connection`)
or any SQLAlchemy engine (a warehouse; tested with SQLite).
:func:`lead_milestones` turns the per-lead frame into the exact
:func:`workbook.analyses.cohort.lead_milestones` table, and
:func:`workbook.analyses.engagement.engagement_levels` accepts the per-account
frame through its ``counts`` argument, so the raw activities never come into
pandas. ``docs/performance.md`` says when to use it.

DuckDB twins of each report's core aggregation, used only to compare and time
pandas against SQL, are not part of the package: they live in
``benchmarks/duckdb_twins.py`` and reuse the SQL written here.

Definitions are those of the pandas modules; each function names the one it
mirrors. ``as_of`` is always passed in, and the ``as_of`` day is inclusive:
an event counts when ``ts < as_of_end(as_of)`` (midnight after ``as_of``,
:func:`workbook.core.calendar.as_of_end`). "Day" comparisons compare calendar days
(``CAST(ts AS DATE)``, ``date(ts)`` in SQLite).

The queries expect canonical tables (names and columns of
:mod:`workbook.data.model`) with ids already trimmed, as
:func:`workbook.data.io.load` produces them and as the sample Parquet files are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbook.core.calendar import as_of_end
from workbook.data import model
from workbook.data.readers.files import parquet_parts

#: Columns of :func:`lead_activity_aggregates`.
LEAD_AGGREGATE_COLUMNS = [
    "lead_id",
    "touched_at",
    "meeting_at",
    "first_touch_after_handoff",
    "last_activity_at",
    "activities",
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
    "last_activity_at",
]
_MILESTONES = ("touched", "meeting", "opportunity", "won")


# --------------------------------------------------------------------------- engines
@dataclass
class SqlSource:
    """A SQL engine holding the canonical tables, and how to talk to it.

    Build one with :func:`sql_source`; every function in this module also
    accepts what :func:`sql_source` accepts.

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection or sqlalchemy Engine/Connection
    dialect : str
        ``"duckdb"``, ``"sqlite"`` or another SQLAlchemy dialect name.
    tables : dict of str to str
        SQL name (or parenthesised subquery) of each canonical table.
    """

    con: object
    dialect: str
    tables: dict[str, str] = field(default_factory=dict)

    def name(self, table: str) -> str:
        return self.tables.get(table, table)

    def day(self, expr: str) -> str:
        """SQL for the calendar day of a timestamp expression."""
        return f"date({expr})" if self.dialect == "sqlite" else f"CAST({expr} AS DATE)"

    def ts(self, value) -> object:
        """A timestamp bind parameter in the form the engine compares correctly."""
        ts = pd.Timestamp(value)
        if self.dialect == "sqlite":
            # pandas.to_sql stores 'YYYY-MM-DD HH:MM:SS.ffffff'; text order is time order.
            return ts.strftime("%Y-%m-%d %H:%M:%S")
        return ts.to_pydatetime()

    def query(self, sql: str, params: Mapping | None = None) -> pd.DataFrame:
        """Run ``sql`` (``:name`` bind parameters) and return a DataFrame."""
        params = dict(params or {})
        if self.dialect == "duckdb":
            used = set(re.findall(r"(?<![:\w]):(\w+)", sql))
            sql = re.sub(r"(?<![:\w]):(\w+)", r"$\1", sql)
            return self.con.execute(sql, {k: v for k, v in params.items() if k in used}).df()
        from sqlalchemy import text

        if hasattr(self.con, "connect"):
            with self.con.connect() as conn:
                return pd.read_sql_query(text(sql), conn, params=params)
        return pd.read_sql_query(text(sql), self.con, params=params)


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


def sql_source(source, *, tables: Mapping[str, str] | None = None) -> SqlSource:
    """Normalise a source into a :class:`SqlSource`.

    Parameters
    ----------
    source : SqlSource, str, Path, duckdb connection or SQLAlchemy Engine/Connection
        A directory of canonical Parquet files (opened with
        :func:`parquet_connection`), a DuckDB connection that already has the
        tables or views, or a SQLAlchemy engine (a warehouse).
    tables : dict, optional
        SQL name per canonical table when they differ, e.g.
        ``{"activities": "crm.activity_v"}``.
    """
    if isinstance(source, SqlSource):
        return source
    names = dict(tables or {})
    if isinstance(source, (str, Path)):
        return SqlSource(parquet_connection(source), "duckdb", names)
    module = type(source).__module__
    if module.startswith("duckdb") or module.startswith("_duckdb"):
        return SqlSource(source, "duckdb", names)
    dialect = getattr(getattr(source, "dialect", None), "name", None)
    if dialect is None:
        raise TypeError(
            "source must be a Parquet directory, a DuckDB connection or a SQLAlchemy engine, "
            f"got {type(source).__name__}"
        )
    return SqlSource(source, dialect, names)


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for c in columns:
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def _ints(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for c in columns:
        frame[c] = pd.to_numeric(frame[c]).fillna(0).astype("int64")
    return frame


def _ids(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for c in columns:
        frame[c] = frame[c].astype("string")
    return frame


# --------------------------------------------------------------------------- lead links
def _links_sql(src: SqlSource, lead_scope: str) -> str:
    """CTEs ``scope``, ``links``: distinct (lead, activity) pairs of links.lead_activities.

    ``lead_scope`` is a SELECT over the leads table returning ``lead_id``,
    ``created_at``, ``handed_off_at`` and ``converted_opportunity_id``.
    ``via_lead`` is 1 when the activity's ``lead_id`` is the lead.
    """
    acts, opps = src.name(model.ACTIVITIES), src.name(model.OPPORTUNITIES)
    return f"""
    scope AS ({lead_scope}),
    conv AS (
        SELECT s.lead_id, s.converted_opportunity_id AS opportunity_id
        FROM scope s
        JOIN (SELECT DISTINCT opportunity_id FROM {opps}) o
          ON o.opportunity_id = s.converted_opportunity_id
    ),
    raw_links AS (
        SELECT a.lead_id AS lead_id, a.activity_id, a.occurred_at, a.type, 1 AS via_lead
        FROM {acts} a
        JOIN (SELECT DISTINCT lead_id FROM scope) l ON a.lead_id = l.lead_id
        UNION ALL
        SELECT c.lead_id AS lead_id, a.activity_id, a.occurred_at, a.type, 0 AS via_lead
        FROM {acts} a
        JOIN conv c ON a.opportunity_id = c.opportunity_id
    ),
    links AS (
        SELECT lead_id, activity_id, MIN(occurred_at) AS occurred_at, MIN(type) AS type,
               MAX(via_lead) AS via_lead
        FROM raw_links
        GROUP BY lead_id, activity_id
    )"""


def _lead_aggregate_sql(src: SqlSource, lead_scope: str) -> str:
    day = src.day
    ok = f"(k.occurred_at < :end AND {day('k.occurred_at')} >= {day('s.created_at')})"
    return f"""
    WITH {_links_sql(src, lead_scope)}
    SELECT s.lead_id AS lead_id,
        MIN(CASE WHEN k.via_lead = 1 AND {ok} THEN k.occurred_at END) AS touched_at,
        MIN(CASE WHEN k.type = 'meeting' AND {ok} THEN k.occurred_at END) AS meeting_at,
        MIN(CASE WHEN k.occurred_at >= s.handed_off_at AND k.occurred_at < :end
                 THEN k.occurred_at END) AS first_touch_after_handoff,
        MAX(CASE WHEN k.occurred_at < :end THEN k.occurred_at END) AS last_activity_at,
        COUNT(CASE WHEN k.occurred_at < :end THEN 1 END) AS activities,
        SUM(CASE WHEN {day("k.occurred_at")} < {day("s.created_at")} THEN 1 ELSE 0 END)
            AS activities_before_created,
        SUM(CASE WHEN k.occurred_at >= :end
                  AND NOT ({day("k.occurred_at")} < {day("s.created_at")})
                 THEN 1 ELSE 0 END) AS activities_after_as_of
    FROM scope s
    LEFT JOIN links k ON k.lead_id = s.lead_id
    GROUP BY s.lead_id"""


def lead_activity_aggregates(source, *, as_of, tables: Mapping[str, str] | None = None):
    """Per-lead activity aggregates computed in the SQL engine.

    One row per lead of the ``leads`` table with a ``lead_id``. The lead's
    activities are those of :func:`workbook.core.links.lead_activities` with the
    ``opportunities`` table given: ``activities.lead_id`` is the lead, or
    ``activities.opportunity_id`` is the lead's ``converted_opportunity_id``
    and that opportunity exists; an activity linked both ways counts once.

    Columns (:data:`LEAD_AGGREGATE_COLUMNS`)
    -----------------------------------------
    ``touched_at``
        Earliest activity whose ``lead_id`` is the lead, on or after the
        lead's ``created_at`` day and on or before the ``as_of`` day
        (:func:`workbook.analyses.cohort.lead_milestones` ``touched``).
    ``meeting_at``
        Earliest linked activity of type ``meeting`` in the same window
        (cohort ``meeting``: via the lead or its converted opportunity).
    ``first_touch_after_handoff``
        Earliest linked activity with ``handed_off_at <= occurred_at`` and on
        or before the ``as_of`` day
        (:func:`workbook.core.links.lead_handoff_status`).
    ``last_activity_at``
        Latest linked activity on or before the ``as_of`` day (hygiene's
        last touch; no lower bound).
    ``activities``
        Number of linked activities on or before the ``as_of`` day.
    ``activities_before_created``, ``activities_after_as_of``
        Linked activities dated before the lead's ``created_at`` day, and the
        others dated after the ``as_of`` day: the per-lead terms of the
        cohort report's ``activities_*_ignored`` exclusion counts.

    Parameters
    ----------
    source : see :func:`sql_source`
    as_of : date-like
        Observation end day, inclusive.
    tables : dict, optional
        SQL names of the canonical tables (see :func:`sql_source`).

    Returns
    -------
    DataFrame
        Dates as ``datetime64[ns]`` (NaT when none), counts int64, sorted by
        ``lead_id``.
    """
    src = sql_source(source, tables=tables)
    scope = (
        "SELECT lead_id, created_at, handed_off_at, converted_opportunity_id "
        f"FROM {src.name(model.LEADS)} WHERE lead_id IS NOT NULL"
    )
    sql = _lead_aggregate_sql(src, scope) + " ORDER BY lead_id"
    out = src.query(sql, {"end": src.ts(as_of_end(as_of))})
    out = _dates(out, LEAD_AGGREGATE_COLUMNS[1:5])
    out = _ints(out, LEAD_AGGREGATE_COLUMNS[5:])
    out = _ids(out, ["lead_id"])
    return out[LEAD_AGGREGATE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- accounts
def _account_sql(src: SqlSource) -> str:
    accs, acts = src.name(model.ACCOUNTS), src.name(model.ACTIVITIES)
    opps, leads = src.name(model.OPPORTUNITIES), src.name(model.LEADS)
    win = "{col} >= :start AND {col} < :end"
    return f"""
    WITH act_acc AS (
        SELECT activity_id, occurred_at, account_id FROM {acts} WHERE account_id IS NOT NULL
        UNION
        SELECT a.activity_id, a.occurred_at, o.account_id
        FROM {acts} a JOIN {opps} o ON a.opportunity_id = o.opportunity_id
        WHERE o.account_id IS NOT NULL
    ),
    act AS (
        SELECT account_id,
            SUM(CASE WHEN {win.format(col="occurred_at")} THEN 1 ELSE 0 END) AS recent_activities,
            MAX(CASE WHEN occurred_at < :end THEN occurred_at END) AS last_activity_at
        FROM act_acc GROUP BY account_id
    ),
    opp AS (
        SELECT account_id, COUNT(*) AS recent_opportunities FROM {opps}
        WHERE {win.format(col="created_at")} GROUP BY account_id
    ),
    conv AS (
        SELECT converted_account_id AS account_id, COUNT(*) AS recent_leads FROM {leads}
        WHERE converted_account_id IS NOT NULL AND {win.format(col="created_at")}
        GROUP BY converted_account_id
    )
    SELECT a.account_id AS account_id,
        COALESCE(act.recent_activities, 0) AS recent_activities,
        COALESCE(opp.recent_opportunities, 0) AS recent_opportunities,
        COALESCE(conv.recent_leads, 0) AS recent_leads,
        act.last_activity_at AS last_activity_at
    FROM {accs} a
    LEFT JOIN act ON act.account_id = a.account_id
    LEFT JOIN opp ON opp.account_id = a.account_id
    LEFT JOIN conv ON conv.account_id = a.account_id
    WHERE a.account_id IS NOT NULL"""


def account_activity_aggregates(
    source, *, as_of, window_days: float, tables: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Per-account recent records (:func:`workbook.analyses.engagement.recent_records`) in the engine.

    One row per account of the ``accounts`` table. The window is
    ``(as_of - window_days, as_of]``: ``window_start <= ts < as_of_end``
    (:func:`workbook.core.calendar.window_start`).

    Columns (:data:`ACCOUNT_AGGREGATE_COLUMNS`)
    --------------------------------------------
    ``recent_activities``
        Distinct activities in the window linked to the account directly
        (``activities.account_id``) or through one of its opportunities; an
        activity counts once per distinct account.
    ``recent_opportunities``
        Opportunities of the account with ``created_at`` in the window.
    ``recent_leads``
        Leads with ``converted_account_id`` = the account and ``created_at``
        in the window.
    ``recent_records``
        Their sum.
    ``last_activity_at``
        Latest linked activity on or before the ``as_of`` day (NaT if none).

    Returns
    -------
    DataFrame
        Counts int64, sorted by ``account_id``. Pass it to
        ``engagement.engagement_levels(..., counts=...)``.
    """
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, got {window_days!r}")
    from workbook.core.calendar import window_start

    src = sql_source(source, tables=tables)
    params = {
        "start": src.ts(window_start(as_of, window_days)),
        "end": src.ts(as_of_end(as_of)),
    }
    out = src.query(_account_sql(src) + " ORDER BY account_id", params)
    out = _ints(out, ["recent_activities", "recent_opportunities", "recent_leads"])
    out["recent_records"] = (
        out["recent_activities"] + out["recent_opportunities"] + out["recent_leads"]
    )
    out = _dates(out, ["last_activity_at"])
    out = _ids(out, ["account_id"])
    return out[ACCOUNT_AGGREGATE_COLUMNS].reset_index(drop=True)

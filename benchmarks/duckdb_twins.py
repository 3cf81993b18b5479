"""DuckDB twins of each report's core aggregation, for comparison and timing only.

Each ``duck_*`` function computes one report's core aggregation in DuckDB SQL
over a directory of canonical Parquet files, shaped like the pandas result,
so that ``tests/benchmarks/test_duckdb_twins.py`` can compare them exactly
and ``benchmarks/run.py`` can time pandas against DuckDB. They are not part
of the installed package: the reports never call them. They are the
issue 21 yardstick: hand-written SQL an analyst would write, which the
reports' own Ibis definitions (``workbook.analyses.<report>.relational``)
are timed and compared against. The package holds no copy of this SQL.

Definitions are those of the pandas modules; each function names the one it
mirrors. ``as_of`` is always passed in, and the ``as_of`` day is inclusive:
an event counts when ``ts < as_of_end(as_of)``.

Import it with ``benchmarks/`` on ``sys.path`` (``benchmarks/run.py`` runs as
a script, so it is)::

    import duckdb_twins
    duckdb_twins.duck_follow_through("/tmp/parquet", as_of="2024-03-31")
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.analyses.pushdown import parquet_connection
from workbook.core.calendar import as_of_end
from workbook.data import model

__all__ = [
    "SqlSource",
    "duck_engagement_levels",
    "duck_family_revenue",
    "duck_follow_through",
    "duck_lead_aggregates",
    "duck_lead_outcomes",
    "duck_reference_counts",
    "duck_sibling_gaps",
    "duck_threshold_sweep",
    "duck_ultimate_parents",
]


# --------------------------------------------------------------------------- SQL source
@dataclass
class SqlSource:
    """A SQL engine holding the canonical tables, and how to talk to it.

    Build one with :func:`sql_source`; every ``duck_*`` function also accepts
    what :func:`sql_source` accepts.

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



# --------------------------------------------------------------------------- shared SQL
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



def _duckdb_source(source) -> SqlSource:
    """A :class:`SqlSource` that must be DuckDB (the ``duck_*`` report equivalents)."""
    src = sql_source(source)
    if src.dialect != "duckdb":
        raise TypeError(
            f"the duck_* functions run on DuckDB (a Parquet directory or a DuckDB connection), "
            f"got a {src.dialect} engine; use workbook.analyses.pushdown "
            "for other databases"
        )
    return src


# --------------------------------------------------------------------------- cohorts
def duck_lead_aggregates(source, *, as_of) -> pd.DataFrame:
    """Per-lead activity aggregates (the cohort milestones' activity part) in DuckDB SQL.

    One row per lead with a ``lead_id``: ``touched_at``, ``meeting_at``,
    ``first_touch_after_handoff``, ``last_activity_at``, ``activities``,
    ``activities_before_created``, ``activities_after_as_of`` (see
    :func:`_lead_aggregate_sql`); sorted by ``lead_id``.
    """
    src = _duckdb_source(source)
    scope = (
        "SELECT lead_id, created_at, handed_off_at, converted_opportunity_id "
        f"FROM {src.name(model.LEADS)} WHERE lead_id IS NOT NULL"
    )
    out = src.query(
        _lead_aggregate_sql(src, scope) + " ORDER BY lead_id", {"end": src.ts(as_of_end(as_of))}
    )
    out = _dates(out, ["touched_at", "meeting_at", "first_touch_after_handoff", "last_activity_at"])
    out = _ints(out, ["activities", "activities_before_created", "activities_after_as_of"])
    return _ids(out, ["lead_id"]).reset_index(drop=True)


def duck_follow_through(source, *, as_of) -> pd.DataFrame:
    """Cohort follow-through cells at month grain (:func:`workbook.analyses.cohort.follow_through`).

    Leads in scope: ``created_at`` on or before the ``as_of`` day. Milestones
    as :func:`workbook.analyses.cohort.lead_milestones` (touched, meeting from the
    lead links; opportunity = converted opportunity's ``created_at``; won =
    its ``close_date`` when ``is_won``; each on or after the lead's creation
    day and on or before ``as_of``). Cohort ``c`` = month of ``created_at``;
    a cell (c, milestone, k) for every k from 0 to (as_of month - c), i.e.
    observed cells only; ``reached`` = leads of the cohort whose milestone
    month is at most c + k.

    Returns
    -------
    DataFrame
        ``cohort`` (``YYYY-MM``), ``milestone``, ``months_since``, ``leads``,
        ``reached``, ``rate``; sorted by cohort, milestone (funnel order),
        months_since.
    """
    src = _duckdb_source(source)
    day = src.day
    leads, opps = src.name(model.LEADS), src.name(model.OPPORTUNITIES)
    scope = (
        "SELECT lead_id, created_at, handed_off_at, converted_opportunity_id "
        f"FROM {leads} WHERE created_at IS NOT NULL AND created_at < :end"
    )
    agg = _lead_aggregate_sql(src, scope)
    month = "((year({x}) - 1970) * 12 + month({x}) - 1)"
    asof_ord = (pd.Timestamp(as_of).year - 1970) * 12 + pd.Timestamp(as_of).month - 1
    sql = f"""
    WITH acts AS ({agg}),
    base AS (
        SELECT lead_id, created_at, converted_opportunity_id FROM {leads}
        WHERE created_at IS NOT NULL AND created_at < :end
    ),
    conv AS (
        SELECT b.lead_id, {day("b.created_at")} AS cday, o.created_at AS oc, o.close_date,
               o.is_won
        FROM base b JOIN {opps} o ON o.opportunity_id = b.converted_opportunity_id
    ),
    opp_m AS (
        SELECT lead_id,
            MIN(CASE WHEN {day("oc")} >= cday AND oc < :end THEN oc END) AS opportunity_at,
            MIN(CASE WHEN COALESCE(is_won, false) AND {day("close_date")} >= cday
                      AND close_date < :end THEN close_date END) AS won_at
        FROM conv GROUP BY lead_id
    ),
    m AS (
        SELECT {month.format(x="b.created_at")} AS c, a.touched_at, a.meeting_at,
               om.opportunity_at, om.won_at
        FROM base b
        LEFT JOIN acts a ON a.lead_id = b.lead_id
        LEFT JOIN opp_m om ON om.lead_id = b.lead_id
    ),
    cohorts AS (SELECT c, COUNT(*) AS leads FROM m GROUP BY c),
    ev AS (
        SELECT c, 'touched' AS milestone, {month.format(x="touched_at")} - c AS k
        FROM m WHERE touched_at IS NOT NULL
        UNION ALL SELECT c, 'meeting', {month.format(x="meeting_at")} - c
        FROM m WHERE meeting_at IS NOT NULL
        UNION ALL SELECT c, 'opportunity', {month.format(x="opportunity_at")} - c
        FROM m WHERE opportunity_at IS NOT NULL
        UNION ALL SELECT c, 'won', {month.format(x="won_at")} - c
        FROM m WHERE won_at IS NOT NULL
    ),
    hits AS (SELECT c, milestone, k, COUNT(*) AS n FROM ev GROUP BY c, milestone, k),
    grid AS (
        SELECT c, leads, milestone, m_order, unnest(range(0, :asof_ord - c + 1)) AS k
        FROM cohorts CROSS JOIN (VALUES ('touched', 0), ('meeting', 1), ('opportunity', 2),
                                        ('won', 3)) ms(milestone, m_order)
    )
    SELECT strftime(make_date(CAST(1970 + g.c // 12 AS BIGINT), CAST(g.c % 12 + 1 AS BIGINT), 1),
                    '%Y-%m') AS cohort,
        g.milestone, g.k AS months_since, g.leads,
        CAST(SUM(COALESCE(h.n, 0)) OVER (PARTITION BY g.c, g.milestone ORDER BY g.k
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS reached
    FROM grid g LEFT JOIN hits h ON h.c = g.c AND h.milestone = g.milestone AND h.k = g.k
    ORDER BY g.c, g.m_order, g.k"""
    out = src.query(sql, {"end": src.ts(as_of_end(as_of)), "asof_ord": asof_ord})
    out = _ints(out, ["months_since", "leads", "reached"])
    out["rate"] = out["reached"] / out["leads"]
    out = _ids(out, ["cohort", "milestone"])
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- scoring
def _outcome_sql(src: SqlSource, horizon_days: int) -> str:
    day = src.day
    leads, opps = src.name(model.LEADS), src.name(model.OPPORTUNITIES)
    h = int(horizon_days)
    return f"""
    WITH l AS (
        SELECT lead_id, {day("created_at")} AS created, score, converted_opportunity_id
        FROM {leads}
        WHERE created_at IS NOT NULL AND {day("created_at")} <= :asof AND score IS NOT NULL
    ),
    o AS (
        SELECT opportunity_id, created_at, close_date, is_closed, is_won,
               ROW_NUMBER() OVER (PARTITION BY opportunity_id) AS rn
        FROM {opps}
    ),
    j AS (
        SELECT l.*, o.opportunity_id IS NOT NULL AS found,
            COALESCE({day("o.created_at")} > :asof, false) AS opp_future,
            {day("o.close_date")} AS close, COALESCE(o.is_closed, false) AS closed,
            COALESCE(o.is_won, false) AS is_won
        FROM l LEFT JOIN o ON o.opportunity_id = l.converted_opportunity_id AND o.rn = 1
    ),
    f AS (
        SELECT *, found AND NOT opp_future AS has_opp,
            found AND NOT opp_future AND closed AND close IS NOT NULL AND close <= :asof
                AS closed_by,
            created <= :asof - INTERVAL {h} DAY AS matured
        FROM j
    ),
    r AS (
        SELECT lead_id, created, score, matured,
            CASE WHEN NOT matured THEN 'too young'
                 WHEN closed_by AND is_won AND close <= created + INTERVAL {h} DAY THEN 'won'
                 WHEN closed_by AND is_won THEN 'won after the horizon'
                 WHEN closed_by THEN 'opportunity lost'
                 WHEN has_opp THEN 'opportunity open'
                 ELSE 'no opportunity' END AS outcome_reason
        FROM f
    )
    SELECT lead_id, created, score, matured, outcome_reason,
        CASE WHEN NOT matured THEN 'not matured'
             WHEN outcome_reason = 'won' THEN 'won'
             ELSE 'not won' END AS outcome
    FROM r"""


def duck_lead_outcomes(source, *, as_of, horizon_days: int = 180) -> pd.DataFrame:
    """Lead outcomes (:func:`workbook.analyses.scoring.lead_outcomes`) in SQL.

    Population: leads with a score and ``created_at`` on or before the
    ``as_of`` day. Matured: created on or before ``as_of - horizon_days``.
    Won: the converted opportunity (existing, created on or before ``as_of``)
    closed won with ``close_date`` on or before ``as_of`` and the created day +
    ``horizon_days``. Reasons in order: ``too young``, ``won``, ``won after the
    horizon``, ``opportunity lost``, ``opportunity open``, ``no opportunity``.

    Returns
    -------
    DataFrame
        ``lead_id``, ``outcome``, ``outcome_reason``, sorted by lead_id.
    """
    src = _duckdb_source(source)
    asof = pd.Timestamp(as_of).normalize().date()
    sql = _outcome_sql(src, horizon_days)
    out = src.query(
        f"SELECT lead_id, outcome, outcome_reason FROM ({sql}) q ORDER BY lead_id",
        {"asof": asof},
    )
    return _ids(out, ["lead_id", "outcome", "outcome_reason"]).reset_index(drop=True)


def duck_threshold_sweep(
    source,
    *,
    as_of,
    thresholds: Sequence[float] | None = None,
    horizon_days: int = 180,
) -> pd.DataFrame:
    """Threshold sweep (:func:`workbook.analyses.scoring.threshold_sweep`) in SQL.

    For each threshold t over the matured leads: ``handed_off`` = score >= t,
    ``wins`` = won within the horizon with score >= t, and the same ratios as
    the pandas function. The default grid is
    :func:`workbook.analyses.scoring.default_thresholds` of all scored leads
    (only their minimum and maximum matter, so those two numbers come from SQL).

    Returns
    -------
    DataFrame
        Columns :data:`workbook.analyses.scoring.SWEEP_COLUMNS`.
    """
    from workbook.analyses.scoring import default_thresholds, sweep_from_counts

    src = _duckdb_source(source)
    asof = pd.Timestamp(as_of).normalize().date()
    src.con.execute(
        re.sub(r"(?<![:\w]):(\w+)", r"$\1",
               f"CREATE OR REPLACE TEMP TABLE _all AS {_outcome_sql(src, horizon_days)}"),
        {"asof": asof},
    )  # fmt: skip
    src.con.execute(
        "CREATE OR REPLACE TEMP TABLE _res AS "
        "SELECT created, score, outcome = 'won' AS won FROM _all WHERE matured"
    )
    lo, hi = src.con.execute("SELECT MIN(score), MAX(score) FROM _all").fetchone()
    n, n_wins = src.con.execute(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN won THEN 1 ELSE 0 END), 0) FROM _res"
    ).fetchone()
    n, n_wins = int(n), int(n_wins)
    grid = (
        np.asarray(sorted({float(t) for t in thresholds}), dtype="float64")
        if thresholds is not None and len(thresholds)
        else default_thresholds([] if lo is None else [lo, hi])
    )
    counts = src.con.execute(
        """
        WITH s AS (SELECT score, COUNT(*) AS n, SUM(CASE WHEN won THEN 1 ELSE 0 END) AS w
                   FROM _res GROUP BY score),
        g AS (SELECT unnest($grid) AS threshold)
        SELECT g.threshold,
            CAST(COALESCE(SUM(CASE WHEN s.score >= g.threshold THEN s.n END), 0) AS BIGINT) AS h,
            CAST(COALESCE(SUM(CASE WHEN s.score >= g.threshold THEN s.w END), 0) AS BIGINT) AS w
        FROM g CROSS JOIN s GROUP BY g.threshold ORDER BY g.threshold""",
        {"grid": [float(t) for t in grid]},
    ).df()
    src.con.execute("DROP TABLE IF EXISTS _res")
    src.con.execute("DROP TABLE IF EXISTS _all")
    counts = counts.set_index("threshold").reindex(grid, fill_value=0)
    handed = counts["h"].to_numpy(dtype="int64")
    wins = counts["w"].to_numpy(dtype="int64")
    return sweep_from_counts(grid, handed, wins, n=n, n_wins=n_wins)


# --------------------------------------------------------------------------- hierarchy
def duck_ultimate_parents(source) -> pd.DataFrame:
    """:func:`workbook.core.families.ultimate_parents` by pointer jumping in SQL.

    Accounts get integer codes; each round is one SQL self-join that doubles
    the jump (``jump = jump[jump]``, ``dist += dist[jump]``, ``min_rank =
    min(min_rank, min_rank[jump])``), ``ceil(log2 n) + 1`` rounds issued
    from Python, exactly the algorithm and rules of :mod:`workbook.core.families`
    (missing parent = own root with issue ``missing_parent``; cycle members
    get issue ``cycle`` and the smallest ``account_id`` of the cycle as root,
    ids compared as numbers when all are integers, else as text; depth NULL
    on or into a cycle).

    Returns
    -------
    DataFrame
        :data:`workbook.core.families.TREE_COLUMNS`, sorted by account_id.
    """
    src = _duckdb_source(source)
    con = src.con
    accs = src.name(model.ACCOUNTS)
    numeric = con.execute(
        f"SELECT COUNT(*) > 0 AND bool_and(TRY_CAST(account_id AS DOUBLE) IS NOT NULL AND "
        f"TRY_CAST(account_id AS DOUBLE) = floor(TRY_CAST(account_id AS DOUBLE))) FROM {accs}"
    ).fetchone()[0]
    key = "TRY_CAST(account_id AS DOUBLE)" if numeric else "account_id"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _nodes AS
        WITH a AS (SELECT account_id, parent_id, ROW_NUMBER() OVER () - 1 AS i FROM {accs}),
        r AS (SELECT i, ROW_NUMBER() OVER (ORDER BY {key}, i) - 1 AS rank FROM a)
        SELECT a.i, a.account_id, a.parent_id, p.i AS pcode, r.rank,
            a.parent_id IS NULL OR p.i IS NULL AS is_root,
            a.parent_id IS NOT NULL AND p.i IS NULL AS missing_parent
        FROM a JOIN r USING (i) LEFT JOIN a p ON p.account_id = a.parent_id"""
    )
    n = con.execute("SELECT COUNT(*) FROM _nodes").fetchone()[0]
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _s AS
        SELECT i, CASE WHEN is_root THEN i ELSE pcode END AS jump,
               CASE WHEN is_root THEN 0 ELSE 1 END AS dist, rank AS min_rank FROM _nodes"""
    )
    for _ in range(int(math.ceil(math.log2(max(n, 2)))) + 1):
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _s AS
            SELECT s.i, j.jump, s.dist + j.dist AS dist, least(s.min_rank, j.min_rank) AS min_rank
            FROM _s s JOIN _s j ON j.i = s.jump"""
        )
    out = con.execute(
        """WITH t AS (
            SELECT s.i, s.jump AS terminal, s.dist, nt.is_root AS reaches_root,
                   term.min_rank AS cyc_rank
            FROM _s s JOIN _nodes nt ON nt.i = s.jump JOIN _s term ON term.i = s.jump
        ),
        cyc AS (SELECT DISTINCT terminal AS i FROM t WHERE NOT reaches_root),
        rooted AS (
            SELECT t.i, CASE WHEN t.reaches_root THEN t.terminal ELSE byrank.i END AS root,
                   CASE WHEN t.reaches_root THEN t.dist END AS depth
            FROM t LEFT JOIN _nodes byrank ON byrank.rank = t.cyc_rank
        )
        SELECT nd.account_id, nd.parent_id, rn.account_id AS root_id, r.depth,
            CASE WHEN cyc.i IS NOT NULL THEN 'cycle'
                 WHEN nd.missing_parent THEN 'missing_parent' END AS issue,
            COUNT(*) OVER (PARTITION BY r.root) AS family_size
        FROM rooted r JOIN _nodes nd ON nd.i = r.i JOIN _nodes rn ON rn.i = r.root
        LEFT JOIN cyc ON cyc.i = r.i
        ORDER BY nd.account_id"""
    ).df()
    con.execute("DROP TABLE IF EXISTS _s; DROP TABLE IF EXISTS _nodes")
    out = _ids(out, ["account_id", "parent_id", "root_id", "issue"])
    out["depth"] = out["depth"].astype("Int64")
    out["family_size"] = out["family_size"].astype("int64")
    return out.reset_index(drop=True)


def _register_tree(src: SqlSource, tree: pd.DataFrame | None) -> None:
    tree = duck_ultimate_parents(src) if tree is None else tree
    frame = tree[["account_id", "root_id", "family_size"]].astype(
        {"account_id": "str", "root_id": "str", "family_size": "int64"}
    )
    src.con.register("_tree_df", frame)
    src.con.execute("CREATE OR REPLACE TEMP TABLE _tree AS SELECT * FROM _tree_df")
    src.con.unregister("_tree_df")


def duck_family_revenue(source, *, start, end, tree: pd.DataFrame | None = None) -> pd.DataFrame:
    """Family revenue (:func:`workbook.analyses.hierarchy.family_revenue`) in SQL.

    Account revenue = sum of ``amount`` (missing adds 0) over opportunities
    with ``is_won`` and ``close_date`` day in ``[start, end]``; added to the
    account's root; every root is a row. ``tree`` defaults to
    :func:`duck_ultimate_parents`.

    Returns
    -------
    DataFrame
        ``root_id``, ``revenue``, ``member_accounts``, ``buying_accounts``,
        sorted by root_id.
    """
    src = _duckdb_source(source)
    _register_tree(src, tree)
    opps = src.name(model.OPPORTUNITIES)
    out = src.query(
        f"""WITH acc AS (
            SELECT account_id, COALESCE(SUM(amount), 0) AS revenue FROM {opps}
            WHERE COALESCE(is_won, false) AND {src.day("close_date")} >= :start
              AND {src.day("close_date")} <= :end AND account_id IS NOT NULL
            GROUP BY account_id
        )
        SELECT t.root_id, CAST(COALESCE(SUM(a.revenue), 0) AS DOUBLE) AS revenue,
            COUNT(*) AS member_accounts, COUNT(a.revenue) AS buying_accounts
        FROM _tree t LEFT JOIN acc a ON a.account_id = t.account_id
        GROUP BY t.root_id ORDER BY t.root_id""",
        {"start": pd.Timestamp(start).date(), "end": pd.Timestamp(end).date()},
    )
    src.con.execute("DROP TABLE IF EXISTS _tree")
    out = _ints(out, ["member_accounts", "buying_accounts"])
    return _ids(out, ["root_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- whitespace
def duck_sibling_gaps(source, *, as_of, tree: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sibling gaps (:func:`workbook.analyses.whitespace.sibling_gaps`, core columns) in SQL.

    Owned pair: a purchase with both ids and ``purchased_at`` on or before
    the ``as_of`` day, naming a known account and product (ids trimmed,
    blank = missing). Gap: a member of a family with more than one account
    that does not own a product some member of its family owns;
    ``siblings_owning`` = family owners of the product; ``peer_adoption`` =
    owners among accounts of the same non-blank industry / accounts of that
    industry (NULL without an industry).

    Returns
    -------
    DataFrame
        ``family_id``, ``account_id``, ``product_id``, ``siblings_owning``,
        ``family_members``, ``peer_adoption``; sorted by family_id,
        account_id, product_id.
    """
    src = _duckdb_source(source)
    _register_tree(src, tree)
    accs, purch, prods = (
        src.name(model.ACCOUNTS),
        src.name(model.PURCHASES),
        src.name(model.PRODUCTS),
    )
    out = src.query(
        f"""WITH acc AS (
            SELECT NULLIF(trim(account_id), '') AS account_id,
                   NULLIF(trim(industry), '') AS industry FROM {accs}
        ),
        prod AS (SELECT DISTINCT NULLIF(trim(product_id), '') AS product_id FROM {prods}),
        owned AS (
            SELECT DISTINCT p.account_id, p.product_id
            FROM (SELECT NULLIF(trim(account_id), '') AS account_id,
                         NULLIF(trim(product_id), '') AS product_id, purchased_at
                  FROM {purch}) p
            SEMI JOIN acc ON acc.account_id = p.account_id
            SEMI JOIN prod ON prod.product_id = p.product_id
            WHERE p.purchased_at IS NOT NULL AND p.purchased_at < :end
        ),
        fam AS (
            SELECT t.root_id, o.product_id, COUNT(*) AS owners
            FROM owned o JOIN _tree t ON t.account_id = o.account_id
            WHERE t.family_size > 1 GROUP BY t.root_id, o.product_id
        ),
        gaps AS (
            SELECT t.root_id AS family_id, t.account_id, f.product_id,
                   f.owners AS siblings_owning, t.family_size AS family_members
            FROM _tree t JOIN fam f ON f.root_id = t.root_id
            WHERE t.family_size > 1
              AND NOT EXISTS (SELECT 1 FROM owned o
                              WHERE o.account_id = t.account_id AND o.product_id = f.product_id)
        ),
        ind_size AS (
            SELECT industry, COUNT(*) AS n FROM acc WHERE industry IS NOT NULL GROUP BY industry
        ),
        ind_own AS (
            SELECT acc.industry, o.product_id, COUNT(*) AS owners
            FROM owned o JOIN acc ON acc.account_id = o.account_id
            WHERE acc.industry IS NOT NULL GROUP BY acc.industry, o.product_id
        )
        SELECT g.*, CASE WHEN acc.industry IS NULL THEN NULL
                         ELSE COALESCE(io.owners, 0) / s.n END AS peer_adoption
        FROM gaps g JOIN acc ON acc.account_id = g.account_id
        LEFT JOIN ind_size s ON s.industry = acc.industry
        LEFT JOIN ind_own io ON io.industry = acc.industry AND io.product_id = g.product_id
        ORDER BY g.family_id, g.account_id, g.product_id""",
        {"end": src.ts(as_of_end(as_of))},
    )
    src.con.execute("DROP TABLE IF EXISTS _tree")
    out = _ints(out, ["siblings_owning", "family_members"])
    out["peer_adoption"] = out["peer_adoption"].astype("float64")
    return _ids(out, ["family_id", "account_id", "product_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- engagement
def duck_engagement_levels(source, *, as_of, window_days: int) -> pd.DataFrame:
    """Recent records and levels (:func:`workbook.analyses.engagement.engagement_levels`) in SQL.

    Counts as :func:`account_activity_aggregates`; ``high_min_records`` =
    ceil of the linear 75th percentile of the positive counts
    (``quantile_cont``, NumPy's default method); ``dormant`` at 0, ``high``
    at or above the threshold, else ``medium``.

    Returns
    -------
    DataFrame
        ``account_id``, ``recent_activities``, ``recent_opportunities``,
        ``recent_leads``, ``recent_records``, ``level``; sorted by account_id.
        ``attrs["high_min_records"]`` holds the threshold.
    """
    from workbook.core.calendar import window_start

    src = _duckdb_source(source)
    params = {
        "start": src.ts(window_start(as_of, window_days)),
        "end": src.ts(as_of_end(as_of)),
    }
    out = src.query(
        f"""WITH c AS ({_account_sql(src)}),
        r AS (SELECT *, recent_activities + recent_opportunities + recent_leads AS recent_records
              FROM c),
        q AS (SELECT CAST(ceil(quantile_cont(recent_records, 0.75)) AS BIGINT) AS hi
              FROM r WHERE recent_records > 0)
        SELECT r.account_id, r.recent_activities, r.recent_opportunities, r.recent_leads,
            r.recent_records,
            CASE WHEN r.recent_records = 0 THEN 'dormant'
                 WHEN q.hi IS NOT NULL AND r.recent_records >= q.hi THEN 'high'
                 ELSE 'medium' END AS level,
            q.hi AS high_min_records
        FROM r CROSS JOIN q ORDER BY r.account_id""",
        params,
    )
    threshold = out["high_min_records"].iloc[0] if len(out) else None
    out = out.drop(columns="high_min_records")
    out = _ints(
        out, ["recent_activities", "recent_opportunities", "recent_leads", "recent_records"]
    )
    out = _ids(out, ["account_id", "level"]).reset_index(drop=True)
    out.attrs["high_min_records"] = None if pd.isna(threshold) else int(threshold)
    return out


# --------------------------------------------------------------------------- validation
def duck_reference_counts(source) -> pd.DataFrame:
    """Unknown-reference counts (validation's ``unknown_reference`` check) in SQL.

    For every ``(table, column, ref_table, ref_column)`` of
    :data:`workbook.data.model.REFERENCES` whose two tables exist: rows with a
    non-missing ``column`` value that is not among ``ref_table.ref_column``.

    Returns
    -------
    DataFrame
        ``table``, ``column``, ``count`` (zeros included), in
        :data:`~workbook.data.model.REFERENCES` order.
    """
    src = _duckdb_source(source)
    present = set(
        src.con.execute("SELECT table_name FROM information_schema.tables").df().iloc[:, 0]
    )
    parts = []
    for i, (table, column, ref_table, ref_column) in enumerate(model.REFERENCES):
        t, rt = src.name(table), src.name(ref_table)
        if t not in present or rt not in present:
            continue
        parts.append(
            f"SELECT {i} AS i, '{table}' AS \"table\", '{column}' AS \"column\", COUNT(*) AS count "
            f"FROM {t} x WHERE x.{column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {rt} r WHERE r.{ref_column} = x.{column})"
        )
    if not parts:
        return pd.DataFrame({"table": [], "column": [], "count": []})
    out = src.query(" UNION ALL ".join(parts) + " ORDER BY i")
    out = _ints(out, ["count"])
    return _ids(out, ["table", "column"])[["table", "column", "count"]].reset_index(drop=True)

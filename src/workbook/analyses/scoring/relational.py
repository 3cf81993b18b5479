"""The scoring report's heavy aggregations, defined once as Ibis expressions (issue 21).

Every computation of the report whose cost grows with the rows of ``leads``
or ``opportunities`` is an expression over the canonical tables here, run by
an :class:`workbook.engine.Engine` (embedded DuckDB by default, or a
warehouse). pandas receives only the results:

* :func:`outcome_table`: one row per scored lead created by ``as_of``, the
  matured flag and won within the horizon (the rules are in
  :mod:`.outcomes`' docstring and in :func:`lead_outcomes`);
* :func:`exclusion_table`: the counts behind ``exclusions`` (one row);
* :func:`outcome_count_table`: leads by outcome and reason;
* :func:`score_won_counts`: matured leads and wins per distinct score, from
  which :func:`~workbook.analyses.scoring.threshold_sweep` and the logistic
  fits work;
* :func:`sql_examples`: those expressions over the unbound canonical tables,
  for compiling SQL in warehouse dialects.

Day rules are those of :mod:`workbook.core.calendar`, written as timestamp
comparisons: "on or before the ``as_of`` day" is ``ts < as_of_end``
(midnight after ``as_of``), so a time of day on the ``as_of`` day counts.

Booleans are counted with ``ibis.ifelse(cond, 1, 0)`` (PostgreSQL cannot
cast a boolean to an integer).
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook import engine as E
from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.decay import landmark_activity_expr
from workbook.analyses.scoring.outcomes import (
    LEAD_COLUMNS,
    NOT_MATURED,
    NOT_WON,
    OPPORTUNITY_COLUMNS,
    OUTCOME_COLUMNS,
    REASONS,
    WON,
    LeadOutcomes,
    require_outcomes,
)
from workbook.core import calendar
from workbook.core.checks import require_frame
from workbook.core.links import LEAD_ROW
from workbook.engine.core import timestamp_literal

__all__ = [
    "EXAMPLE_AS_OF",
    "OUTCOME_LABELS",
    "OUTCOME_TYPES",
    "crm_outcome_table",
    "crm_outcomes",
    "exclusion_table",
    "lead_outcomes",
    "observed_score_range",
    "outcome_count_table",
    "outcome_counts",
    "outcome_table",
    "score_won_counts",
    "score_range_table",
    "score_won_frame",
    "sql_examples",
]

#: pandas dtypes of :func:`lead_outcomes` ``.outcomes`` (what the pandas version returned).
OUTCOME_TYPES = {
    "lead_id": "string",
    "created_at": "datetime64[ns]",
    "score": "float64",
    "status": "string",
    "source": "string",
    "owner_id": "string",
    "converted_at": "datetime64[ns]",
    "converted_opportunity_id": "string",
    "opportunity_created_at": "datetime64[ns]",
    "close_date": "datetime64[ns]",
    "amount": "float64",
    "age_days": "int64",
    "outcome": "string",
    "outcome_reason": "string",
    "matured": "bool",
    "won": "boolean",
    "won_by_as_of": "boolean",
}

#: The ``as_of``, horizon and decay landmark of :func:`sql_examples`.
EXAMPLE_AS_OF = "2026-06-30"
EXAMPLE_HORIZON_DAYS = 180
EXAMPLE_LANDMARK_DAYS = 30

_OPTIONAL_LEAD_COLUMNS = ("status", "source", "owner_id")


def _count(cond) -> ibis.Value:
    """How many rows satisfy ``cond`` (0 on no rows)."""
    return ibis.ifelse(cond, 1, 0).sum().fill_null(0)


def _marked(leads: ibis.Table, opportunities: ibis.Table, *, as_of, horizon_days: int):
    """Every lead joined to its converted opportunity, with one boolean column per rule.

    The converted opportunity is the row of ``opportunities`` whose
    ``opportunity_id`` equals the lead's ``converted_opportunity_id``
    (opportunity ids are validated unique by :mod:`workbook.data.validate`,
    so that row is the first and only one holding the id). Columns: the lead
    columns, ``opp_*`` of the opportunity, and the flags ``after``,
    ``blank``, ``keep``, ``found``, ``opp_future``, ``has_opp``,
    ``won_ever``, ``lost``, ``matured``, ``won``.
    """
    as_of = calendar.day(as_of)
    end = timestamp_literal(calendar.as_of_end(as_of))
    mature_end = timestamp_literal(calendar.as_of_end(as_of) - pd.Timedelta(days=int(horizon_days)))
    cols = set(leads.columns)
    lead = leads.select(
        lead_id=leads.lead_id.cast("string"),
        created_at=leads.created_at.cast("timestamp"),
        score=leads.score.cast("float64"),
        **{
            c: (leads[c].cast("string") if c in cols else ibis.null("string"))
            for c in _OPTIONAL_LEAD_COLUMNS
        },
        converted_at=leads.converted_at.cast("timestamp"),
        converted_opportunity_id=leads.converted_opportunity_id.cast("string"),
    )
    opp = opportunities.select(
        opp_id=opportunities.opportunity_id.cast("string"),
        opp_created_at=opportunities.created_at.cast("timestamp"),
        opp_close=opportunities.close_date.cast("timestamp"),
        opp_closed=opportunities.is_closed.cast("boolean").fill_null(False),
        opp_won=opportunities.is_won.cast("boolean").fill_null(False),
        opp_amount=opportunities.amount.cast("float64"),
    )
    j = lead.left_join(opp, lead.converted_opportunity_id == opp.opp_id)
    # on or before as_of: ts < midnight after as_of; a missing created_at is "after"
    after = ~(j.created_at < end).fill_null(False)
    blank = ~after & j.score.isnull()
    found = j.opp_id.notnull()
    opp_future = found & (j.opp_created_at >= end).fill_null(False)
    has_opp = found & ~opp_future
    close_day = j.opp_close.truncate("D")
    closed = has_opp & j.opp_closed & j.opp_close.notnull()
    by_as_of = (j.opp_close < end).fill_null(False)
    won_ever = closed & j.opp_won & by_as_of
    lost = closed & ~j.opp_won & by_as_of
    # matured: created day <= as_of - horizon, i.e. created_at < as_of_end - horizon
    matured = (j.created_at < mature_end).fill_null(False)
    horizon_end = j.created_at.truncate("D") + ibis.interval(days=int(horizon_days))
    won = won_ever & (close_day <= horizon_end).fill_null(False)
    return j.mutate(
        after=after,
        blank=blank,
        keep=~after & ~blank,
        found=found,
        opp_future=opp_future,
        has_opp=has_opp,
        won_ever=won_ever,
        lost=lost,
        matured=matured,
        won=won,
        close_day=close_day,
    )


#: ``outcome`` labels by code (the order of :func:`outcome_table`'s conditions).
OUTCOME_LABELS = (NOT_MATURED, WON, NOT_WON)


@shared_docs
def outcome_table(
    leads: ibis.Table,
    opportunities: ibis.Table,
    *,
    as_of,
    horizon_days: int = 180,
    labels: bool = True,
) -> ibis.Table:
    """One row per scored lead created by ``as_of``: matured, won within the horizon, and why.

    Parameters
    ----------
    leads, opportunities : ibis.Table
        The canonical tables (at least :data:`~.outcomes.LEAD_COLUMNS` and
        :data:`~.outcomes.OPPORTUNITY_COLUMNS`; ``status``, ``source`` and
        ``owner_id`` are NULL when absent).
    {as_of}
    {scoring_horizon}
    labels : bool
        True: ``outcome`` and ``outcome_reason`` are text. False: they are
        int8 codes into :data:`OUTCOME_LABELS` and
        :data:`~.outcomes.REASONS` (less to transfer; :func:`lead_outcomes`
        labels them after the transfer).

    Returns
    -------
    ibis.Table
        Columns :data:`~.outcomes.OUTCOME_COLUMNS`, unordered; definitions
        in :func:`lead_outcomes`.
    """
    m = _marked(leads, opportunities, as_of=as_of, horizon_days=horizon_days)
    as_of_day = ibis.literal(calendar.day(as_of).date(), type="date")
    kept = m.filter(m.keep)
    # the first condition that holds gives the code (REASONS, OUTCOME_LABELS order)
    reason = ibis.cases(
        (~kept.matured, 0), (kept.won, 1), (kept.won_ever, 2), (kept.lost, 3), (kept.has_opp, 4),
        else_=5,
    ).cast("int8")  # fmt: skip
    outcome = ibis.cases((~kept.matured, 0), (kept.won, 1), else_=2).cast("int8")
    if labels:
        reason = reason.cases(*enumerate(REASONS))
        outcome = outcome.cases(*enumerate(OUTCOME_LABELS))
    return kept.select(
        lead_id=kept.lead_id,
        created_at=kept.created_at.truncate("D"),
        score=kept.score,
        status=kept.status,
        source=kept.source,
        owner_id=kept.owner_id,
        converted_at=kept.converted_at.truncate("D"),
        converted_opportunity_id=ibis.ifelse(
            kept.has_opp, kept.converted_opportunity_id, ibis.null("string")
        ),
        opportunity_created_at=ibis.ifelse(
            kept.has_opp, kept.opp_created_at.truncate("D"), ibis.null("timestamp")
        ),
        close_date=ibis.ifelse(kept.has_opp, kept.close_day, ibis.null("timestamp")),
        amount=ibis.ifelse(kept.has_opp, kept.opp_amount, ibis.null("float64")),
        age_days=as_of_day.delta(kept.created_at.date(), unit="day").cast("int64"),
        outcome=outcome,
        outcome_reason=reason,
        matured=kept.matured,
        won=ibis.ifelse(kept.matured, kept.won, ibis.null("boolean")),
        won_by_as_of=ibis.ifelse(kept.matured, kept.won_ever, ibis.null("boolean")),
    )


#: ``(kind, reason)`` of each count of :func:`exclusion_table`, in its column order.
def _exclusion_labels(horizon_days: int) -> dict[str, tuple[str, str]]:
    return {
        "after": ("excluded", "created after the as-of date (or no creation date)"),
        "blank": ("excluded", "blank score"),
        "not_found": ("fix-up", "converted opportunity id not found; treated as none"),
        "opp_future": (
            "fix-up",
            "converted opportunity created after the as-of date; treated as none",
        ),
        "not_matured": (
            "not matured",
            f"created less than {int(horizon_days)} days before the as-of date (counted in the inflow only)",
        ),
    }


def exclusion_table(
    leads: ibis.Table,
    opportunities: ibis.Table,
    *,
    as_of,
    horizon_days: int = 180,
    score_range: tuple[float, float] | None = None,
) -> ibis.Table:
    """One row of counts: leads excluded, fixed up, not matured, and scores outside the range.

    Columns ``after`` (created after ``as_of`` or no ``created_at``),
    ``blank`` (blank score, of the others), and over the kept leads
    ``not_found`` (a ``converted_opportunity_id`` not in ``opportunities``),
    ``opp_future`` (its opportunity created after ``as_of``),
    ``not_matured``, and with ``score_range`` ``outside`` (score below or
    above it; both ends valid).
    """
    m = _marked(leads, opportunities, as_of=as_of, horizon_days=horizon_days)
    counts = {
        "after": _count(m.after),
        "blank": _count(m.blank),
        "not_found": _count(m.keep & m.converted_opportunity_id.notnull() & ~m.found),
        "opp_future": _count(m.keep & m.opp_future),
        "not_matured": _count(m.keep & ~m.matured),
    }
    if score_range is not None:
        lo, hi = (float(v) for v in score_range)
        counts["outside"] = _count(m.keep & ((m.score < lo) | (m.score > hi)))
    return m.aggregate(**counts)


def outcome_count_table(outcomes: ibis.Table) -> ibis.Table:
    """Leads by ``outcome`` and ``outcome_reason``: ``n`` and ``share`` of all rows.

    Ordered won, not won, not matured; within each by descending ``n``, then
    by reason.
    """
    g = outcomes.group_by(["outcome", "outcome_reason"]).aggregate(n=outcomes.count())
    rank = ibis.cases((g.outcome == WON, 0), (g.outcome == NOT_WON, 1), else_=2)
    g = g.mutate(share=g.n.cast("float64") / g.n.sum().over().cast("float64"), _rank=rank)
    return g.order_by([g._rank, g.n.desc(), g.outcome_reason]).drop("_rank")


def score_won_counts(outcomes: ibis.Table, *, score_column: str = "score") -> ibis.Table:
    """Matured leads and their wins within the horizon per distinct score, ascending.

    Columns ``score`` (float64), ``n`` (matured leads with that score) and
    ``wins`` (of them, ``won``). Leads with a missing score are not counted.
    """
    mat = outcomes.filter(outcomes.matured.cast("boolean").fill_null(False))
    s = mat[score_column].cast("float64")
    mat = mat.filter(s.notnull()).mutate(score_=s)
    won = mat.won.cast("boolean").fill_null(False)
    g = mat.group_by(score=mat.score_).aggregate(n=mat.count(), wins=_count(won))
    return g.order_by(g.score)


def score_range_table(outcomes: ibis.Table, *, score_column: str = "score") -> ibis.Table:
    """The lowest and highest non-missing score of all rows (``lo``, ``hi``; one row)."""
    s = outcomes[score_column].cast("float64")
    return outcomes.aggregate(lo=s.min(), hi=s.max())


# -- pandas entry points -----------------------------------------------------------------------


def _bind(table, engine: E.Engine | None, label: str) -> tuple[ibis.Table, E.Engine]:
    """``table`` as an Ibis table (a DataFrame is registered in ``engine``) and the engine."""
    eng = engine or E.default()
    if isinstance(table, pd.DataFrame):
        return eng.table(table, label), eng
    if isinstance(table, ibis.Table):
        return table, eng
    raise TypeError(
        f"{label} must be a pandas DataFrame or an ibis Table, got {type(table).__name__}"
    )


def _by_lead_id(table: pa.Table) -> pa.Table:
    """``table`` ordered by ``lead_id`` (sorted only when it is not already: engines
    that keep the scan order return a sorted export as it is)."""
    ids = table.column("lead_id")
    if len(ids) < 2 or pc.all(pc.less_equal(ids[:-1], ids[1:])).as_py() is not False:
        return table
    return table.take(pc.sort_indices(table, [("lead_id", "ascending")]))


def _outcome_frame(table: pa.Table) -> pd.DataFrame:
    """The transferred :func:`outcome_table` (codes) as the ``outcomes`` DataFrame.

    Ordered by ``lead_id``; codes become labels in Arrow; dtypes
    :data:`OUTCOME_TYPES` (text as ``string``, ``won`` as ``boolean``).
    A ``ValueError`` when a lead id occurs twice (repeated lead ids, or a
    converted opportunity id that repeats in ``opportunities``, which the
    join would count twice).
    """
    table = _by_lead_id(table)
    ids = table.column("lead_id")
    if len(ids) > 1 and pc.any(pc.equal(ids[1:], ids[:-1])).as_py():
        raise ValueError(
            "a lead has two outcome rows: lead_id or opportunity_id repeats "
            "(workbook.load validates both as unique)"
        )
    for name, labels in (("outcome", OUTCOME_LABELS), ("outcome_reason", REASONS)):
        text = pa.array(labels, type=pa.string()).take(table.column(name).cast(pa.int32()))
        table = table.set_column(table.schema.get_field_index(name), name, text)
    mapper = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
              pa.bool_(): pd.BooleanDtype()}.get  # fmt: skip
    out = table.to_pandas(types_mapper=mapper)
    for column, dtype in OUTCOME_TYPES.items():
        if out[column].dtype != dtype:
            out[column] = out[column].astype(dtype)
    return out


@shared_docs
def lead_outcomes(
    leads,
    opportunities,
    *,
    as_of,
    horizon_days: int = 180,
    score_range: tuple[float, float] | None = None,
    engine: E.Engine | None = None,
) -> LeadOutcomes:
    """Mark every scored lead as matured or not, and matured leads as won within the horizon or not.

    Computed by the engine (:func:`outcome_table`, :func:`exclusion_table`);
    only the result comes back to pandas.

    Parameters
    ----------
    leads : DataFrame or ibis.Table
        Canonical ``leads`` table.
    opportunities : DataFrame or ibis.Table
        Canonical ``opportunities`` table (``opportunity_id`` unique).
    {as_of}
    {scoring_horizon}
    score_range : (float, float), optional
        Declared score range (both ends valid). Scores outside it are kept and
        counted (``kind="note"`` in ``exclusions``); None: no such note.
    engine : Engine, optional
        Where to run (default :func:`workbook.engine.default`); DataFrames are
        registered in it, Ibis tables must belong to it.

    Returns
    -------
    LeadOutcomes
        A named pair (it still unpacks as ``outcomes, exclusions``):

        ``outcomes`` : DataFrame
            One row per lead with a non-blank score created on or before
            ``as_of``, ordered by ``lead_id``, columns
            :data:`~.outcomes.OUTCOME_COLUMNS`. ``created_at`` is the
            created day. ``matured`` is ``created_at <= as_of -
            horizon_days`` (calendar days). ``won`` (boolean, ``<NA>`` when
            not matured) is "won within the horizon": the converted
            opportunity is closed and won with a ``close_date`` on or before
            ``as_of`` and on or before ``created_at + horizon_days``.
            ``won_by_as_of`` (boolean, ``<NA>`` when not matured) is the same
            with no horizon (closed won on or before ``as_of``): it shows
            which wins the horizon leaves out. ``outcome`` is ``won``,
            ``not won`` or ``not matured``; ``outcome_reason`` is the first
            that holds of ``too young`` (not matured), ``won``, ``won after
            the horizon``, ``opportunity lost`` (closed, not won, close date
            on or before ``as_of``), ``opportunity open`` (any other
            converted opportunity: not closed, closed without a close date,
            or closed after ``as_of``) and ``no opportunity``. ``amount``,
            ``close_date`` and ``opportunity_created_at`` (days) are those of
            the converted opportunity, when there is one. ``age_days`` is
            ``as_of - created_at`` in calendar days.
        ``exclusions`` : DataFrame
            Columns ``kind`` (``excluded``, ``fix-up``, ``not matured``,
            ``note``), ``reason`` and ``n``. Excluded, in order: created after
            ``as_of`` (or no ``created_at``), then blank score. Fix-ups: a
            ``converted_opportunity_id`` that is not in ``opportunities``, or
            whose opportunity was created after ``as_of``, is treated as none.

    Raises
    ------
    ValueError
        A lead would have two rows: its ``lead_id`` repeats, or its converted
        ``opportunity_id`` repeats in ``opportunities`` (``workbook.load``
        refuses both).

    Notes
    -----
    A converted opportunity counts only if it exists in ``opportunities`` and
    was created on or before ``as_of``: what was not known at ``as_of`` does
    not decide an outcome. The lead's ``status`` is never used: it is a
    snapshot taken later than the horizon.
    """
    if isinstance(leads, pd.DataFrame):
        require_frame(leads, "leads", LEAD_COLUMNS)
    if isinstance(opportunities, pd.DataFrame):
        require_frame(opportunities, "opportunities", OPPORTUNITY_COLUMNS)
    lt, eng = _bind(leads, engine, "leads")
    ot, _ = _bind(opportunities, eng, "opportunities")
    kw = dict(as_of=as_of, horizon_days=horizon_days)
    out = _outcome_frame(eng.arrow(outcome_table(lt, ot, labels=False, **kw)))
    counts = eng.frame(exclusion_table(lt, ot, score_range=score_range, **kw)).iloc[0]
    labels = _exclusion_labels(horizon_days)
    ex = [(*labels[k], int(counts[k])) for k in labels]
    if score_range is not None:
        lo, hi = score_range
        ex.append(("note", f"score outside {lo:g}-{hi:g}; kept as is", int(counts["outside"])))
    exclusions = pd.DataFrame(ex, columns=["kind", "reason", "n"])
    return LeadOutcomes(out[OUTCOME_COLUMNS], exclusions)


def crm_outcome_table(crm, *, horizon_days: int = 180, as_of=None) -> tuple[ibis.Table, E.Engine]:
    """:func:`outcome_table` over a ``CrmData``'s tables in its engine, and that engine.

    ``as_of`` defaults to ``crm.as_of``. Nothing runs until the expression is
    executed (e.g. by :func:`score_won_frame` or ``engine.frame``).
    """
    eng = E.for_crm(crm)
    t = eng.tables(crm, ["leads", "opportunities"])
    rows = outcome_table(
        t["leads"], t["opportunities"], as_of=crm.as_of if as_of is None else as_of,
        horizon_days=horizon_days,
    )  # fmt: skip
    return rows, eng


def crm_outcomes(
    crm, *, horizon_days: int = 180, score_range=None, as_of=None
) -> tuple[LeadOutcomes, ibis.Table, E.Engine]:
    """:func:`lead_outcomes` of a ``CrmData`` on its engine (:func:`workbook.engine.for_crm`).

    Returns
    -------
    (LeadOutcomes, ibis.Table, Engine)
        The outcomes, their :func:`outcome_table` expression (for further
        aggregates in the engine) and the engine. ``as_of`` defaults to
        ``crm.as_of``.
    """
    eng = E.for_crm(crm)
    t = eng.tables(crm, ["leads", "opportunities"])
    kw = dict(as_of=crm.as_of if as_of is None else as_of, horizon_days=horizon_days)
    found = lead_outcomes(t["leads"], t["opportunities"], score_range=score_range, engine=eng, **kw)
    return found, outcome_table(t["leads"], t["opportunities"], **kw), eng


def outcome_counts(outcomes, *, engine: E.Engine | None = None) -> pd.DataFrame:
    """Counts by outcome and reason (:func:`outcome_count_table`, run by the engine).

    Parameters
    ----------
    outcomes : DataFrame or ibis.Table
        :func:`lead_outcomes` ``.outcomes``, or :func:`outcome_table`.
    engine : Engine, optional
        Where to run (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        Columns ``outcome``, ``outcome_reason``, ``n``, ``share``: won, not
        won, then not matured, each by descending ``n`` (then reason);
        ``share`` is the share of all scored leads (matured or not).
    """
    if isinstance(outcomes, pd.DataFrame):
        require_outcomes(outcomes)
    t, eng = _bind(outcomes, engine, "outcomes")
    out = eng.frame(
        outcome_count_table(t),
        types={"outcome": "string", "outcome_reason": "string", "n": "int64", "share": "float64"},
    )
    return out.reset_index(drop=True)


def score_won_frame(
    outcomes, *, score_column: str = "score", engine: E.Engine | None = None
) -> pd.DataFrame:
    """:func:`score_won_counts` of ``outcomes`` (a DataFrame or Ibis table), as a DataFrame.

    Returns
    -------
    DataFrame
        ``score`` (float64, ascending), ``n`` and ``wins`` (int64).
    """
    if isinstance(outcomes, pd.DataFrame):
        require_outcomes(outcomes)
    t, eng = _bind(outcomes, engine, "outcomes")
    out = eng.frame(
        score_won_counts(t, score_column=score_column),
        types={"score": "float64", "n": "int64", "wins": "int64"},
    )
    return out.sort_values("score", kind="stable").reset_index(drop=True)


def observed_score_range(
    outcomes, *, score_column: str = "score", engine: E.Engine | None = None
) -> np.ndarray:
    """The lowest and highest score of all rows of ``outcomes`` (empty when none)."""
    t, eng = _bind(outcomes, engine, "outcomes")
    row = eng.frame(score_range_table(t, score_column=score_column)).iloc[0]
    if pd.isna(row["lo"]):
        return np.array([], dtype="float64")
    return np.array([row["lo"], row["hi"]], dtype="float64")


def sql_examples(tables: dict[str, ibis.Table] | None = None) -> dict[str, ibis.Expr]:
    """The module's expressions over the canonical tables, with fixed example parameters.

    Parameters
    ----------
    tables : dict of str to ibis.Table, optional
        Canonical tables (default :func:`workbook.engine.canonical_tables`,
        unbound, for compiling with ``ibis.to_sql(expr, dialect=...)``).

    Returns
    -------
    dict of str to ibis.Expr
        ``lead_outcomes``, ``exclusions``, ``outcome_counts``,
        ``score_won_counts``, ``score_range`` and ``landmark_activities``
        (the decay what-if's activities by day L), with ``as_of``
        :data:`EXAMPLE_AS_OF`, a 180-day horizon, a 0-100 score range and a
        30-day landmark.
    """
    t = tables if tables is not None else E.canonical_tables()
    kw = dict(as_of=EXAMPLE_AS_OF, horizon_days=EXAMPLE_HORIZON_DAYS)
    rows = outcome_table(t["leads"], t["opportunities"], **kw)
    leads = t["leads"]
    landmarks = leads.mutate(
        **{LEAD_ROW: ibis.row_number()},
        landmark=leads.created_at + ibis.interval(days=EXAMPLE_LANDMARK_DAYS),
    )
    return {
        "lead_outcomes": rows,
        "exclusions": exclusion_table(
            t["leads"], t["opportunities"], score_range=(0.0, 100.0), **kw
        ),
        "outcome_counts": outcome_count_table(rows),
        "score_won_counts": score_won_counts(rows),
        "score_range": score_range_table(rows),
        "landmark_activities": landmark_activity_expr(
            landmarks, t["activities"], t["opportunities"]
        ),
    }

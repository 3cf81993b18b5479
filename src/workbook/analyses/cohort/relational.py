"""The cohort report's heavy aggregations, each defined once as an Ibis expression (issue 21).

Everything here is an expression over Ibis tables with the canonical columns
(:mod:`workbook.data.model`); it runs wherever those tables live
(:mod:`workbook.engine`: embedded DuckDB by default, or a warehouse). pandas
gets back only what the report needs: one row per lead that reached a
milestone (:func:`lead_milestone_facts`) and the cohort cells
(:func:`cohort_sizes`, :func:`milestone_hits`).

Rules (those of :mod:`workbook.analyses.cohort`)
------------------------------------------------
Calendar days
    As :mod:`workbook.core.calendar`: an event is on or before ``as_of`` when
    ``ts < as_of_end(as_of)`` (midnight after the ``as_of`` day); an event is
    before the lead's creation when its calendar day (``CAST(ts AS DATE)``)
    is before the calendar day of ``created_at``.
Leads in scope
    :func:`in_scope`: ``created_at`` set and on or before the ``as_of`` day.
    Only leads with a ``lead_id`` have milestones.
Links (:mod:`workbook.core.links`)
    An activity belongs to a lead via the lead (``activities.lead_id``) or
    via the lead's converted opportunity (``activities.opportunity_id``),
    the latter only when that opportunity id exists in ``opportunities``.
    A (lead, activity) pair linked both ways counts once, as "via the lead".
    Ids are unique (validation refuses a duplicated primary id,
    ``duplicate_id``); for a frame that breaks this, the report passes each
    lead's row position (:data:`ROW`) and the first row holding a lead id
    stands for it. Activity ids are assumed unique: with a repeated
    activity id, each of its rows is a separate pair.
Milestones (each the earliest qualifying timestamp)
    ``touched``: a pair via the lead; ``meeting``: a pair of type
    ``meeting``; both on or after the creation day and on or before
    ``as_of``. ``opportunity``: the converted opportunity's ``created_at``;
    ``won``: its ``close_date`` when ``is_won``; same window. A lead with two
    rows for its converted opportunity id (an invalid table) takes the
    earliest of each, and each row is counted.
Ignored events (the per-lead terms of the exclusion counts)
    ``activities_before``: pairs dated before the creation day;
    ``activities_after``: the other pairs dated after ``as_of``;
    ``opportunity_not_found``: converted ids with no opportunity row;
    ``opportunity_before``/``opportunity_after``, ``won_before``/``won_after``
    likewise for the opportunity's ``created_at`` and a won deal's
    ``close_date``.
Cohort cells
    A lead's cohort is the calendar period of ``created_at`` at the grain
    (:func:`period_ordinal`: pandas ``Period`` ordinals, 1970-01 = 0); a
    milestone reached in period ``p`` is a hit at ``k = p - cohort``.

Booleans are counted with ``ibis.ifelse(cond, 1, 0)`` (Postgres cannot cast
a boolean to an integer).
"""

from __future__ import annotations

import ibis
import pandas as pd

from workbook.analyses.cohort.common import MILESTONES, milestone_col
from workbook.core.calendar import as_of_end
from workbook.core.links import LEAD_ROW, first_touch_expr, id_links
from workbook.engine.core import canonical_columns as _canonical

__all__ = [
    "FACT_COLUMNS",
    "FACT_COUNTS",
    "FACT_INPUTS",
    "ROW",
    "cohort_sizes",
    "exclusion_counts",
    "in_scope",
    "lead_milestone_facts",
    "milestone_hits",
    "milestone_table",
    "period_ordinal",
    "sql_examples",
]

#: Per-lead count columns of :func:`lead_milestone_facts`, and the exclusion rule each feeds.
FACT_COUNTS: dict[str, str] = {
    "activities_before": "activities_before_lead_created_ignored",
    "activities_after": "activities_after_as_of_ignored",
    "opportunity_not_found": "converted_opportunity_not_found",
    "opportunity_before": "opportunity_before_lead_created_ignored",
    "opportunity_after": "opportunity_after_as_of_ignored",
    "won_before": "won_before_lead_created_ignored",
    "won_after": "won_after_as_of_ignored",
}

#: The columns of each table that :func:`lead_milestone_facts` reads.
FACT_INPUTS: dict[str, tuple[str, ...]] = {
    "leads": ("lead_id", "created_at", "converted_opportunity_id"),
    "activities": ("activity_id", "lead_id", "opportunity_id", "occurred_at", "type"),
    "opportunities": ("opportunity_id", "created_at", "close_date", "is_won"),
}

#: Row-position column a caller may add to ``leads`` (see :func:`lead_milestone_facts`).
ROW = "lead_row"

#: Columns of :func:`lead_milestone_facts` (the first is :data:`ROW` when ``leads`` has it).
FACT_COLUMNS = ["lead_id", *(milestone_col(m) for m in MILESTONES), *FACT_COUNTS]


def in_scope(created_at, *, as_of):
    """Leads in scope: ``created_at`` set and on or before the ``as_of`` day.

    Written with the operators pandas and Ibis share, so the same rule
    selects the rows of the milestone table (a pandas Series gives a boolean
    mask) and the leads of :func:`lead_milestone_facts` (an Ibis column).
    """
    return created_at.notnull() & (created_at < as_of_end(as_of))


def _day(ts):
    """The calendar day of a timestamp column (``CAST(ts AS DATE)``)."""
    return ts.date()


def _count(cond):
    """``SUM(CASE WHEN cond THEN 1 ELSE 0 END)``: a missing ``cond`` counts 0."""
    return ibis.ifelse(cond, 1, 0).sum()


def lead_milestone_facts(
    leads, activities, opportunities, *, as_of, unique_ids: bool = False
) -> ibis.Table:
    """One row per lead in scope that has a link or a converted opportunity: milestones and ignored events.

    Parameters
    ----------
    leads, activities, opportunities : ibis.Table
        With the canonical columns (``lead_id, created_at,
        converted_opportunity_id``; ``activity_id, lead_id, opportunity_id,
        occurred_at, type``; ``opportunity_id, created_at, close_date,
        is_won``). The activities of a lead are its links
        (:func:`workbook.core.links.id_links`).
        ``leads`` may carry :data:`ROW`, the row position of each lead (a
        frame has an order; a warehouse table does not): the first row
        (lowest position) holding a lead id in scope then stands for that
        lead, with its own creation day, and the later rows' converted
        opportunities count for it (as :func:`workbook.core.links.id_links` links by id).
        Without it the lead id is the key (ids are unique in a validated table).
    as_of : date-like
        Observation end day, inclusive.
    unique_ids : bool, default False
        The caller knows that no lead id repeats, so each row stands for
        itself (saves, when :data:`ROW` is given, the group-by finding each
        id's first row, the joins of the converted leads back to their
        heads and a distinct over them).

    Returns
    -------
    ibis.Table
        Columns :data:`FACT_COLUMNS`: ``lead_id`` (:data:`ROW` instead, the
        row standing for the lead, when ``leads`` has it), ``touched_at``, ``meeting_at``,
        ``opportunity_at``, ``won_at`` (NULL when not reached), and the
        per-lead counts of :data:`FACT_COUNTS` (see the module docstring).
        Leads in scope without a linked activity or a converted opportunity
        id are not rows (all their milestones are missing, their counts 0).
    """
    end = as_of_end(as_of)
    lead = _canonical(leads, "leads", FACT_INPUTS["leads"], keep=[ROW])
    scope = lead.filter(in_scope(lead.created_at, as_of=as_of), lead.lead_id.notnull())
    own_row = ROW in lead.columns and unique_ids
    # every row in scope with the anchor and creation day of the row standing for its lead
    if own_row:  # each row stands for itself
        rows = scope.select(
            "lead_id",
            "converted_opportunity_id",
            anchor=scope[ROW],
            created_day=_day(scope.created_at),
        )
    elif ROW in lead.columns:  # the first row holding a lead id stands for it
        first = scope.group_by(first_id="lead_id").aggregate(anchor=scope[ROW].min())
        heads = scope.join(first, [scope.lead_id == first.first_id, scope[ROW] == first.anchor])
        heads = heads.select("lead_id", "anchor", created_day=_day(scope.created_at))
        rows = scope.select("lead_id", "converted_opportunity_id").join(heads, "lead_id")
    else:  # a table in an engine: ids are unique, the id is the key
        rows = scope.select(
            "lead_id",
            "converted_opportunity_id",
            anchor="lead_id",
            created_day=_day(scope.created_at),
        )
    conv = rows.filter(rows.converted_opportunity_id.notnull()).select(
        "lead_id", "anchor", "created_day", conv_id="converted_opportunity_id"
    )

    act = _canonical(activities, "activities", FACT_INPUTS["activities"])
    opp = _canonical(opportunities, "opportunities", FACT_INPUTS["opportunities"])
    # the links of workbook.core.links, each carrying the anchor and creation day of its lead
    _, links = id_links(
        rows,
        act,
        opp,
        extra=["type"],
        carry=["anchor", "created_day"],
        unique_rows=ROW not in lead.columns or own_row,  # ids unique (see ``unique_ids``)
    )
    before = _day(links.occurred_at) < links.created_day
    late = links.occurred_at >= end
    ok = ~before & ~late
    new = ~links.dup
    act_facts = links.group_by("anchor").aggregate(
        touched_at=links.occurred_at.min(where=ok & (links.via == 0)),
        meeting_at=links.occurred_at.min(where=ok & (links.type == "meeting")),
        activities_before=_count(before & new),
        activities_after=_count(late & ~before & new),
    )

    deals = conv.left_join(opp, conv.conv_id == opp.opportunity_id)
    found = deals.opportunity_id.notnull()
    o_before = _day(deals.created_at) < deals.created_day
    o_late = deals.created_at >= end
    won = deals.is_won.fill_null(False)
    w_before = won & (_day(deals.close_date) < deals.created_day)
    w_late = won & (deals.close_date >= end)
    opp_facts = deals.group_by("anchor").aggregate(
        opportunity_at=deals.created_at.min(where=~o_before & ~o_late),
        won_at=deals.close_date.min(where=won & ~w_before & ~w_late),
        opportunity_not_found=_count(~found),
        opportunity_before=_count(o_before),
        opportunity_after=_count(o_late & ~o_before),
        won_before=_count(w_before),
        won_after=_count(w_late & ~w_before),
    )

    both = act_facts.outer_join(opp_facts, act_facts.anchor == opp_facts.anchor)
    zero = ibis.literal(0, type="int64")
    both = both.select(
        anchor=ibis.coalesce(act_facts.anchor, opp_facts.anchor),
        touched_at=act_facts.touched_at,
        meeting_at=act_facts.meeting_at,
        opportunity_at=opp_facts.opportunity_at,
        won_at=opp_facts.won_at,
        **{c: ibis.coalesce(both[c], zero).cast("int64") for c in FACT_COUNTS},
    )
    return both.rename(**{ROW if ROW in lead.columns else "lead_id": "anchor"})


def milestone_table(leads, facts: ibis.Table, *, as_of) -> ibis.Table:
    """The leads in scope with their milestones, as :func:`cohort_sizes` and :func:`milestone_hits` take it.

    For a run wholly in the engine (a warehouse; the SQL snapshots): one
    segment ``""``, ``created_at`` and the four ``<milestone>_at`` columns of
    ``facts`` (:func:`lead_milestone_facts`), missing for leads without a row
    there. The report builds the same table from its pandas milestone table,
    with the segment labels of :func:`~workbook.analyses.cohort.common.segment_values`.
    """
    scope = leads.filter(in_scope(leads.created_at, as_of=as_of))
    joined = scope.left_join(facts, scope.lead_id == facts.lead_id)
    return joined.select(
        segment=ibis.literal(""),
        created_at=scope.created_at,
        **{milestone_col(m): facts[milestone_col(m)] for m in MILESTONES},
    )


def exclusion_counts(facts: ibis.Table) -> ibis.Table:
    """The event exclusion counts (one row, columns = rules of :data:`FACT_COUNTS`) from the facts.

    For a warehouse run without pandas; the report sums the same columns of
    the facts it fetched (:func:`~workbook.analyses.cohort.milestones.lead_milestones_with_exclusions`).
    """
    zero = ibis.literal(0, type="int64")
    return facts.aggregate(
        **{rule: ibis.coalesce(facts[c].sum(), zero) for c, rule in FACT_COUNTS.items()}
    )


def period_ordinal(ts, grain: str):
    """The pandas ``Period`` ordinal of each timestamp at ``grain`` (1970-01, 1970Q1, 1970 = 0)."""
    years = ts.year().cast("int64") - 1970
    if grain == "month":
        return years * 12 + ts.month().cast("int64") - 1
    if grain == "quarter":
        return years * 4 + ts.quarter().cast("int64") - 1
    if grain == "year":
        return years
    raise ValueError(f"grain must be one of ['month', 'quarter', 'year'], got {grain!r}")


def cohort_sizes(milestones: ibis.Table, *, grain: str) -> ibis.Table:
    """Leads per (segment, cohort ``c``) of a milestone table.

    ``milestones`` has ``segment`` (text) and ``created_at``; ``c`` is
    :func:`period_ordinal` of ``created_at``. Columns ``segment, c, leads``.
    """
    c = period_ordinal(milestones.created_at, grain)
    return milestones.group_by(segment=milestones.segment, c=c).aggregate(
        leads=milestones.count().cast("int64")
    )


def milestone_hits(milestones: ibis.Table, *, grain: str) -> ibis.Table:
    """Leads reaching each milestone ``k`` periods after their cohort period.

    ``milestones`` has ``segment``, ``created_at`` and the four
    ``<milestone>_at`` columns. Columns ``segment, c, milestone, k, size``:
    one row per (segment, cohort, milestone, k) with at least one lead, whose
    milestone falls in period ``c + k`` (missing dates are not hits).
    """
    parts = []
    for name in MILESTONES:
        when = milestones[milestone_col(name)]
        hit = milestones.filter(when.notnull())
        c_hit = period_ordinal(hit.created_at, grain)
        parts.append(
            hit.group_by(
                segment=hit.segment,
                c=c_hit,
                milestone=ibis.literal(name),
                k=period_ordinal(hit[milestone_col(name)], grain) - c_hit,
            ).aggregate(size=hit.count().cast("int64"))
        )
    return ibis.union(*parts)


def sql_examples(tables) -> dict[str, ibis.Expr]:
    """The module's expressions over ``tables`` with fixed example parameters, by name.

    ``tables``: :func:`workbook.engine.canonical_tables` (or any tables with
    the canonical columns). Used to compile warehouse SQL snapshots.
    """
    as_of = pd.Timestamp("2026-06-30")
    facts = lead_milestone_facts(
        tables["leads"], tables["activities"], tables["opportunities"], as_of=as_of
    )
    cells = milestone_table(tables["leads"], facts, as_of=as_of)
    leads = tables["leads"]
    handed = leads.filter(leads.handed_off_at.notnull()).mutate(**{LEAD_ROW: ibis.row_number()})
    return {
        # handoff follow-up (workbook.core.links.lead_handoff_status)
        "cohort_first_touch_after_handoff": first_touch_expr(
            handed, tables["activities"], tables["opportunities"], end=as_of_end(as_of)
        ),
        "cohort_lead_milestone_facts": facts,
        "cohort_exclusion_counts": exclusion_counts(facts),
        "cohort_sizes_month": cohort_sizes(cells, grain="month"),
        "cohort_milestone_hits_month": milestone_hits(cells, grain="month"),
    }

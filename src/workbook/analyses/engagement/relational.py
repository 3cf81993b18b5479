"""The engagement report's relational core: each account's recent records, as Ibis expressions.

Everything here is an Ibis expression over the canonical tables (names and
columns of :mod:`workbook.data.model`), run by :mod:`workbook.engine`
(in-process DuckDB by default, or a warehouse). pandas receives one row per
account with a record in the window, never the activities.

Window
    ``(as_of - window_days, as_of]``: ``window_start <= ts < as_of_end``
    (:func:`workbook.core.calendar.window_start`, :func:`~workbook.core.calendar.as_of_end`).
    Several windows ending at one ``as_of`` are counted in one query.
Activity-account pair
    An activity is linked to its own ``account_id`` and to the ``account_id``
    of its ``opportunity_id``'s opportunity. The pairs are the distinct
    ``(activity_id, account_id, occurred_at)`` of both links (:func:`activity_accounts`),
    so an activity counts once per distinct account (the loader guarantees
    that activity ids are unique and not blank).
Recent records of an account
    ``recent_activities``: its pairs in the window; ``recent_opportunities``:
    opportunities with that ``account_id`` and ``created_at`` in the window;
    ``recent_leads``: leads with that ``converted_account_id`` and
    ``created_at`` in the window; ``recent_records``: their sum.
Unmatched records
    Records in the window whose account link is not an account id of
    ``accounts``: activities none of whose pairs is a known account (an
    activity without any account link is not one), opportunities whose
    ``account_id`` is blank or unknown, converted leads whose
    ``converted_account_id`` is unknown.

:func:`sql_examples` builds the expressions over
:func:`workbook.engine.canonical_tables` so that they can be compiled for
warehouse dialects without data.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis

from workbook.core.calendar import as_of_end, window_start
from workbook.core.links import LEAD_ROW, last_touch_expr, lead_activity_expr
from workbook.engine.core import canonical_columns, timestamp_literal

__all__ = [
    "COUNT_KINDS",
    "INPUTS",
    "activity_accounts",
    "count_column",
    "record_counts",
    "sql_examples",
    "unmatched_counts",
]

#: The columns of each table the expressions read.
INPUTS: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "activities": ("activity_id", "occurred_at", "account_id", "opportunity_id"),
    "opportunities": ("opportunity_id", "account_id", "created_at"),
    "leads": ("created_at", "converted_account_id"),
}

#: Record kinds counted per account, in the order of the report's columns.
COUNT_KINDS = ("activities", "opportunities", "leads")

#: The ``as_of`` and windows of :func:`sql_examples`.
EXAMPLE_AS_OF = "2026-06-30"
EXAMPLE_WINDOWS = (45, 90, 180)


def count_column(kind: str, window_days) -> str:
    """Name of the count of ``kind`` records in the window of ``window_days`` days."""
    return f"{kind}_{window_days}"


def _check_windows(windows: Sequence) -> list:
    windows = list(dict.fromkeys(windows))
    if not windows:
        raise ValueError("at least one window is needed")
    for w in windows:
        if not w > 0:
            raise ValueError(f"window_days must be positive, got {w!r}")
    return windows


def activity_accounts(activities: ibis.Table, opportunities: ibis.Table) -> ibis.Table:
    """The distinct (activity_id, account_id, occurred_at) pairs, direct or through the opportunity.

    Parameters
    ----------
    activities, opportunities : ibis.Table
        With the columns of :data:`INPUTS`.

    Returns
    -------
    ibis.Table
        ``activity_id``, ``account_id`` (never NULL), ``occurred_at``.
    """
    act = canonical_columns(activities, "activities", INPUTS["activities"])
    opp = canonical_columns(opportunities, "opportunities", INPUTS["opportunities"])
    direct = act.filter(act.account_id.notnull()).select("activity_id", "account_id", "occurred_at")
    deals = opp.filter(opp.opportunity_id.notnull(), opp.account_id.notnull()).select(
        deal_id="opportunity_id", deal_account="account_id"
    )
    linked = act.filter(act.opportunity_id.notnull())
    via = linked.join(deals, linked.opportunity_id == deals.deal_id).select(
        "activity_id", account_id="deal_account", occurred_at="occurred_at"
    )
    return direct.union(via, distinct=True)


def _records(activities, opportunities, leads, *, low, high) -> ibis.Table:
    """Every record dated in ``[low, high)``: ``account_id``, ``kind``, ``rid``, ``ts``.

    ``rid`` is the activity id of a pair (NULL for opportunities and leads,
    which are counted by row).
    """
    pairs = activity_accounts(activities, opportunities)
    pairs = pairs.filter(pairs.occurred_at >= low, pairs.occurred_at < high)
    opp = canonical_columns(opportunities, "opportunities", INPUTS["opportunities"])
    opp = opp.filter(opp.created_at >= low, opp.created_at < high)
    lead = canonical_columns(leads, "leads", INPUTS["leads"])
    lead = lead.filter(
        lead.converted_account_id.notnull(), lead.created_at >= low, lead.created_at < high
    )
    text = ibis.literal(None, type="string")
    return ibis.union(
        pairs.select(
            "account_id", kind=ibis.literal("activities"), rid="activity_id", ts="occurred_at"
        ),
        opp.select("account_id", kind=ibis.literal("opportunities"), rid=text, ts="created_at"),
        lead.select(
            account_id="converted_account_id",
            kind=ibis.literal("leads"),
            rid=text,
            ts="created_at",
        ),
        distinct=False,
    )


def record_counts(
    activities: ibis.Table,
    opportunities: ibis.Table,
    leads: ibis.Table,
    *,
    as_of,
    windows: Sequence,
) -> ibis.Table:
    """Each account's records in each window ending at ``as_of``, counted in one pass.

    Parameters
    ----------
    activities, opportunities, leads : ibis.Table
        With the columns of :data:`INPUTS`.
    as_of : date-like
        Observation end day, inclusive.
    windows : sequence of float
        Window lengths in days (each positive).

    Returns
    -------
    ibis.Table
        ``account_id`` (each account id with a record in the longest window,
        known to ``accounts`` or not) and, per window ``w`` and kind ``k`` of
        :data:`COUNT_KINDS`, the int64 column ``count_column(k, w)``.
    """
    windows = _check_windows(windows)
    high = timestamp_literal(as_of_end(as_of))
    starts = {w: timestamp_literal(window_start(as_of, w)) for w in windows}
    rec = _records(activities, opportunities, leads, low=starts[max(windows)], high=high)
    counts = {
        count_column(kind, w): (
            ibis.ifelse((rec.kind == kind) & (rec.ts >= starts[w]), 1, 0).sum().cast("int64")
        )
        for w in windows
        for kind in COUNT_KINDS
    }
    return rec.group_by("account_id").aggregate(**counts)


def unmatched_counts(
    accounts: ibis.Table,
    activities: ibis.Table,
    opportunities: ibis.Table,
    leads: ibis.Table,
    *,
    as_of,
    window_days,
) -> ibis.Table:
    """Records in the window whose account link is unknown (see the module docstring).

    Returns
    -------
    ibis.Table
        One row: ``activities``, ``opportunities``, ``leads`` (int64).
    """
    (window_days,) = _check_windows([window_days])
    low, high = (
        timestamp_literal(window_start(as_of, window_days)),
        timestamp_literal(as_of_end(as_of)),
    )
    acc = canonical_columns(accounts, "accounts", INPUTS["accounts"])
    known = acc.filter(acc.account_id.notnull()).select(known_id="account_id").distinct()
    rec = _records(activities, opportunities, leads, low=low, high=high)
    marked = rec.left_join(known, rec.account_id == known.known_id).select(
        "kind", "rid", found=known.known_id.notnull()
    )
    acts = marked.filter(marked.kind == "activities")
    per_activity = acts.group_by("rid").aggregate(found=acts.found.any())
    n_acts = per_activity.aggregate(
        activities=ibis.ifelse(per_activity.found, 0, 1).sum().fill_null(0).cast("int64")
    )
    others = marked.filter(marked.kind != "activities")
    n_others = others.aggregate(
        **{
            kind: ibis.ifelse((others.kind == kind) & ~others.found, 1, 0)
            .sum()
            .fill_null(0)
            .cast("int64")
            for kind in COUNT_KINDS[1:]
        }
    )
    return n_acts.cross_join(n_others)


def sql_examples(tables) -> dict[str, ibis.Expr]:
    """The module's expressions over ``tables`` with fixed example parameters, by name.

    Parameters
    ----------
    tables : mapping of str to ibis.Table
        The canonical tables (:func:`workbook.engine.canonical_tables`).
    """
    args = (tables["activities"], tables["opportunities"], tables["leads"])
    leads = tables["leads"]
    links = (tables["activities"], tables["opportunities"])
    return {
        "record_counts": record_counts(*args, as_of=EXAMPLE_AS_OF, windows=EXAMPLE_WINDOWS),
        "unmatched_counts": unmatched_counts(
            tables["accounts"], *args, as_of=EXAMPLE_AS_OF, window_days=EXAMPLE_WINDOWS[1]
        ),
        # the lead tables' last touch (workbook.core.links.last_touches)
        "last_touch": last_touch_expr(
            leads.mutate(**{LEAD_ROW: ibis.row_number()}), *links, end=as_of_end(EXAMPLE_AS_OF)
        ),
        # the analysts' lead_activities (workbook.core.links), the links every report shares
        "lead_activities": lead_activity_expr(leads, *links),
    }

"""Which activities belong to a lead, and whether handed-off leads were worked.

One definition, shared by the cohort, scoring and engagement reports.

Rules
-----
* An activity belongs to a lead **via "lead"** when ``activities.lead_id`` is
  the lead's ``lead_id``.
* An activity belongs to a lead **via "opportunity"** when
  ``activities.opportunity_id`` is the lead's ``converted_opportunity_id``
  (leads without a converted opportunity have no such activities). When an
  ``opportunities`` table is given, only converted opportunity ids that exist
  in it link; dangling ids are reported by validation (``REFERENCES``).
* An activity linked to the same lead both ways appears once, with
  ``via="lead"``. An activity may belong to two different leads (its
  ``lead_id`` is one lead and its ``opportunity_id`` is another lead's
  converted opportunity); it then appears once per lead.

Day boundaries
--------------
Dates are timezone-naive ``datetime64``. ``as_of`` is a calendar day and is
inclusive: an event counts as "on or before ``as_of``" when
``occurred_at < as_of.normalize() + 1 day`` (see :func:`as_of_end`), so an
activity stamped 15:00 on the ``as_of`` day counts. Every other comparison
(handoff, SLA) is on the exact timestamps; with midnight dates that is the
same as comparing calendar days.

Where they run
--------------
Every rule is written once, as Ibis expressions run by the crm's engine
(embedded DuckDB by default): :func:`id_links` (a lead id's links, which the
reports aggregate: :func:`first_touch_expr`, :func:`last_touch_expr`, the
scoring decay's landmark counts, the cohort milestones) and
:func:`lead_activity_expr` (the links themselves, which
:func:`lead_activities` returns for an analyst to read). Only aggregates, one
row per lead, come back to pandas in the reports.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.core.calendar import as_of_end
from workbook.engine.core import timestamp_literal

#: Columns of :func:`lead_activities`.
LEAD_ACTIVITY_COLUMNS = ["lead_id", "activity_id", "occurred_at", "type", "via"]

#: Columns of :func:`lead_handoff_status`.
HANDOFF_COLUMNS = [
    "lead_id",
    "owner_id",
    "handed_off_at",
    "first_touch_after_handoff",
    "days_to_first_touch",
    "followed_up",
    "sla_due",
    "sla_open",
    "days_waiting",
]

_DAY = pd.Timedelta(days=1)


def lead_activity_expr(
    leads, activities, opportunities=None, *, include_converted_opportunity: bool = True
) -> ibis.Table:
    """Every (lead, activity) link of the module's rules, as an Ibis expression.

    Parameters
    ----------
    leads : ibis.Table
        ``lead_id``, ``converted_opportunity_id``.
    activities : ibis.Table
        ``activity_id``, ``lead_id``, ``opportunity_id``, ``occurred_at``, ``type``.
    opportunities : ibis.Table, optional
        ``opportunity_id``: when given, only converted opportunity ids found there link.
    include_converted_opportunity : bool, default True
        Also link the activities of each lead's converted opportunity.

    Returns
    -------
    ibis.Table
        :data:`LEAD_ACTIVITY_COLUMNS`: one row per distinct (lead_id,
        activity_id), ``via`` ``"lead"`` when the activity's ``lead_id`` is the
        lead (it wins when both links apply), else ``"opportunity"``; sorted
        by lead_id, occurred_at (missing last), activity_id.
    """
    _, links = id_links(
        leads,
        activities.mutate(type=activities.type.cast("string")),
        opportunities,
        extra=["type"],
        include_converted_opportunity=include_converted_opportunity,
    )
    # activity ids are unique in a loaded export: the date and type are the activity's
    one = links.group_by(["lead_id", "activity_id"]).aggregate(
        occurred_at=links.occurred_at.min(), type=links.type.min(), via=links.via.min()
    )
    return one.select(
        "lead_id",
        "activity_id",
        "occurred_at",
        "type",
        via=ibis.ifelse(one.via == 0, "lead", "opportunity"),
    ).order_by(["lead_id", ibis.asc("occurred_at", nulls_first=False), "activity_id"])


def lead_activities(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    include_converted_opportunity: bool = True,
    engine=None,
) -> pd.DataFrame:
    """Every (lead, activity) pair where the activity belongs to the lead.

    :func:`lead_activity_expr`, run by ``engine`` (default
    :func:`workbook.engine.default`, embedded DuckDB). The reports do not
    call it (they aggregate the links in the engine: :func:`id_links`); it
    shows an analyst the links themselves.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` (needs ``lead_id``; ``converted_opportunity_id``
        when ``include_converted_opportunity``).
    activities : DataFrame
        Canonical ``activities`` (``activity_id``, ``occurred_at``, ``type``,
        ``lead_id``, ``opportunity_id``).
    opportunities : DataFrame, optional
        Canonical ``opportunities``. When given, an opportunity link counts
        only if the converted opportunity id exists in this table.
    include_converted_opportunity : bool, default True
        Also link activities on the lead's converted opportunity
        (``via="opportunity"``). When False only ``via="lead"`` rows are
        returned.
    engine : workbook.engine.Engine, optional
        Where the links are found.

    Returns
    -------
    DataFrame
        Columns ``lead_id, activity_id, occurred_at, type, via``; one row per
        distinct (lead_id, activity_id), ``via`` is ``"lead"`` or
        ``"opportunity"`` (``"lead"`` wins when both apply). No date filter is
        applied: callers restrict to their window. Sorted by lead_id,
        occurred_at, activity_id.
    """
    eng, _frames, tables = _bound_inputs(
        leads, activities, opportunities, engine=engine, row_key=False, extra=["type"]
    )
    expr = lead_activity_expr(*tables, include_converted_opportunity=include_converted_opportunity)
    out = eng.frame(expr, types={"lead_id": "string", "activity_id": "string"})
    types = {
        "lead_id": leads["lead_id"].dtype,
        "activity_id": activities["activity_id"].dtype,
        "type": activities["type"].dtype,
        "via": "str",
    }  # the input's dtypes, as the rows came from them
    return out.astype(types)[LEAD_ACTIVITY_COLUMNS]


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    arr = values.array
    if not isinstance(arr, pd.arrays.ArrowStringArray):
        arr = values.astype("string").array
    return pa.chunked_array(pa.array(arr))


def strictly_increasing(values: pd.Series) -> bool:
    """No missing value and each id sorts strictly after the previous one (so all unique)."""
    arrow = _arrow(values)
    if arrow.null_count:
        return False
    if len(arrow) < 2:
        return True
    return bool(pc.all(pc.less(arrow[:-1], arrow[1:])).as_py())


def lead_handoff_status(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    sla_days: float = 2,
    engine=None,
) -> pd.DataFrame:
    """Follow-up status of every lead handed off to sales on or before ``as_of``.

    Definitions
    -----------
    * Leads in scope: ``handed_off_at`` is set and on or before the ``as_of``
      day (``handed_off_at < as_of_end(as_of)``). Leads never handed off, or
      handed off later, are not rows.
    * ``first_touch_after_handoff``: the earliest ``occurred_at`` among the
      lead's activities (:func:`lead_activities`, via the lead or its
      converted opportunity) with ``handed_off_at <= occurred_at`` (inclusive)
      and on or before the ``as_of`` day. NaT when there is none.
    * ``days_to_first_touch``: ``(first_touch - handed_off_at)`` in days, as
      a float (NaN when never touched).
    * ``sla_due``: ``handed_off_at + sla_days`` days.
    * ``followed_up``: the first touch exists and ``first_touch <= sla_due``
      (inclusive). With midnight dates and ``sla_days=2``, a lead handed off
      on Jan 1 is followed up by a touch on Jan 1, 2 or 3, not by one on Jan 4.
    * ``sla_open``: not followed up and the SLA window has not yet passed at
      the end of the ``as_of`` day (``sla_due >= as_of_end(as_of)``), i.e. it
      may still be followed up in time.
    * ``days_waiting``: for leads not followed up, ``as_of - handed_off_at``
      in days (``as_of`` taken at midnight of its day, floored at 0 for a
      handoff later on the ``as_of`` day itself); NaN for leads followed up.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables; ``opportunities`` is optional (see
        :func:`lead_activities`).
    as_of : date-like
        Observation end day (inclusive). Required; never read from a clock.
    sla_days : float, default 2
        Follow-up window after handoff, in days.
    engine : workbook.engine.Engine, optional
        Where the first touches are found (:func:`first_touch_expr`; default
        :func:`workbook.engine.default`, embedded DuckDB).

    Returns
    -------
    DataFrame
        One row per lead in scope, columns :data:`HANDOFF_COLUMNS`, sorted by
        ``handed_off_at`` then ``lead_id``.
    """
    as_of_day = pd.Timestamp(as_of).normalize()
    end = as_of_end(as_of)
    cols = ["lead_id", "owner_id", "handed_off_at"]
    in_scope = (leads["handed_off_at"].notna() & (leads["handed_off_at"] < end)).to_numpy(bool)
    handed = leads.loc[in_scope, cols]
    out = handed.reset_index(drop=True)
    read = [*cols, *(["converted_opportunity_id"] if "converted_opportunity_id" in leads else [])]
    out["first_touch_after_handoff"] = _first_touch(
        leads.loc[in_scope, read],
        activities,
        opportunities,
        end=end,
        engine=engine,
    )
    out["days_to_first_touch"] = (out["first_touch_after_handoff"] - out["handed_off_at"]) / _DAY
    out["sla_due"] = out["handed_off_at"] + pd.Timedelta(days=float(sla_days))
    followed = out["first_touch_after_handoff"].notna() & (
        out["first_touch_after_handoff"] <= out["sla_due"]
    )
    out["followed_up"] = followed.to_numpy(dtype=bool)
    out["sla_open"] = (~out["followed_up"]) & (out["sla_due"] >= end)
    waiting = ((as_of_day - out["handed_off_at"]) / _DAY).clip(lower=0.0)
    out["days_waiting"] = np.where(out["followed_up"], np.nan, waiting)
    out = out.sort_values(["handed_off_at", "lead_id"], kind="stable").reset_index(drop=True)
    return out[HANDOFF_COLUMNS]


#: The activity columns :func:`id_links` reads.
LINK_ACTIVITY_COLUMNS = ["activity_id", "lead_id", "opportunity_id", "occurred_at"]

#: Row-key column of the lead rows given to :func:`first_touch_expr` and :func:`last_touch_expr`.
LEAD_ROW = "lead_row"


def id_links(
    rows: ibis.Table,
    activities,
    opportunities=None,
    *,
    end=None,
    extra=(),
    carry=(),
    include_converted_opportunity: bool = True,
    unique_rows: bool = False,
) -> tuple[ibis.Table, ibis.Table]:
    """``rows`` typed, and the links of their lead ids, in Ibis: the module's rules, once.

    The links of a lead id are the activities whose ``lead_id`` is the id
    (``via`` 0), and those whose ``opportunity_id`` is a converted
    opportunity of a row with that id (``via`` 1; found in ``opportunities``
    when it is given): with unique ids, the row's own links. An activity
    linked both ways appears twice: a minimum or maximum does not mind, a
    count counts distinct ``activity_id``. With ``end``, only activities
    dated before it.

    Parameters
    ----------
    rows : ibis.Table
        ``lead_id``, ``converted_opportunity_id`` and any other columns
        (kept, with those two cast to text).
    activities : ibis.Table
        ``activity_id``, ``lead_id``, ``opportunity_id``, ``occurred_at``
        and the columns of ``extra``.
    opportunities : ibis.Table, optional
        ``opportunity_id``.
    end : Timestamp, optional
        Exclusive upper bound on ``occurred_at``.
    extra : sequence of str
        Activity columns carried into the links (``type``).
    carry : sequence of str
        Columns of ``rows`` carried into the links, with the same value on
        every row of a lead id (cohort's row standing for the lead, and its
        creation day): the links then need no join back to the rows.
    include_converted_opportunity : bool, default True
        False: the links through the converted opportunity are left out.
    unique_rows : bool, default False
        The caller knows that no lead id repeats in ``rows``, so the distinct
        passes over the ids and the conversions are skipped (on the large
        sample, cohort's follow_through took 1.99 s with them, 1.69 s without).

    Returns
    -------
    (ibis.Table, ibis.Table)
        ``rows`` with the ids as text (``conv_id`` added), and the links:
        ``lead_id``, the ``carry`` columns, ``activity_id``, ``occurred_at``,
        the ``extra`` columns, ``via``, and ``dup``: true on a ``via`` 1 link
        whose activity is the lead's own, so also a ``via`` 0 link (a count
        of links that skips ``dup`` counts each activity once).
    """

    def act(key: str, column: str, **more: str) -> ibis.Table:
        # Each branch projects its own key: one projection shared by both would be a
        # CTE read twice, which DuckDB materialises (all the activities, ~600 MB on
        # the large sample's 6M; docs/performance.md, "Embedded DuckDB by default").
        picked = activities.select(
            activity_id=activities.activity_id.cast("string"),
            **{key: activities[column].cast("string")},
            **{name: activities[c].cast("string") for name, c in more.items()},
            occurred_at=activities.occurred_at,
            **{c: activities[c] for c in extra},
        )
        return picked if end is None else picked.filter(picked.occurred_at < timestamp_literal(end))

    typed = rows.mutate(
        lead_id=rows.lead_id.cast("string"),
        conv_id=rows.converted_opportunity_id.cast("string"),
    )
    cols = ("lead_id", *carry, "activity_id", "occurred_at", *extra)
    ids = typed.filter(typed.lead_id.notnull()).select("lead_id", *carry)
    ids = ids if unique_rows else ids.distinct()
    direct = act("a_lead", "lead_id")
    links = ids.join(direct, ids.lead_id == direct.a_lead).select(
        *cols, via=ibis.literal(0), dup=ibis.literal(False)
    )
    if include_converted_opportunity:
        conv = typed.filter(typed.lead_id.notnull(), typed.conv_id.notnull())
        conv = conv.select("lead_id", "conv_id", *carry)
        conv = conv if unique_rows else conv.distinct()
        if opportunities is not None:
            known = opportunities.select(known_id=opportunities.opportunity_id.cast("string"))
            conv = conv.join(known, conv.conv_id == known.known_id, how="semi")
        by_opp = act("a_opp", "opportunity_id", a_lead="lead_id")
        via = conv.join(by_opp, conv.conv_id == by_opp.a_opp)
        via = via.select(
            *cols, via=ibis.literal(1), dup=(via.a_lead == via.lead_id).fill_null(False)
        )
        links = links.union(via, distinct=False)
    return typed, links


def first_touch_expr(handed, activities, opportunities=None, *, end) -> ibis.Table:
    """Earliest linked activity in ``[handed_off_at, end)`` of each handed-off lead row, in Ibis.

    Parameters
    ----------
    handed : ibis.Table
        ``lead_row`` (a row key), ``lead_id``, ``handed_off_at``,
        ``converted_opportunity_id``: the leads in scope.
    activities : ibis.Table
        ``lead_id``, ``opportunity_id``, ``occurred_at``.
    opportunities : ibis.Table, optional
        ``opportunity_id``; when given, only converted opportunity ids found
        there link (the module's rules).
    end : Timestamp
        Exclusive upper bound (:func:`~workbook.core.calendar.as_of_end`).

    Returns
    -------
    ibis.Table
        ``lead_row``, ``first_touch_after_handoff``: one row per handed-off
        row with such an activity. A lead's links are those of its id (with
        unique ids, the row's own; see :func:`id_links`).
    """
    rows, links = id_links(handed, activities, opportunities, end=end)
    hits = rows.join(links, rows.lead_id == links.lead_id).select(
        LEAD_ROW, "handed_off_at", occurred_at=links.occurred_at
    )
    hits = hits.filter(hits.occurred_at >= hits.handed_off_at)
    return hits.group_by(LEAD_ROW).aggregate(first_touch_after_handoff=hits.occurred_at.min())


def last_touch_expr(leads, activities, opportunities=None, *, end) -> ibis.Table:
    """Latest linked activity before ``end`` of each lead row, in Ibis.

    Parameters
    ----------
    leads : ibis.Table
        ``lead_row`` (a row key), ``lead_id``, ``converted_opportunity_id``.
    activities, opportunities, end
        As for :func:`first_touch_expr`.

    Returns
    -------
    ibis.Table
        ``lead_row``, ``last_touch_at``: one row per lead row with a linked
        activity dated before ``end`` (the links of its id).
    """
    rows, links = id_links(leads, activities, opportunities, end=end)
    # the latest per id first: the join then matches one row per id, not every link
    last = links.group_by("lead_id").aggregate(last_touch_at=links.occurred_at.max())
    return rows.join(last, rows.lead_id == last.lead_id).select(LEAD_ROW, "last_touch_at")


def per_lead_row(
    expr_of, column, rows_frame, activities, opportunities=None, *, engine=None, dates=(), **kw
) -> np.ndarray:
    """Run a per-lead-row expression of :func:`id_links` and return ``column`` for every row.

    Parameters
    ----------
    expr_of : callable
        ``expr_of(rows, activities, opportunities, **kw) -> ibis.Table`` with
        :data:`LEAD_ROW` and ``column`` (:func:`first_touch_expr`,
        :func:`last_touch_expr`, or a report's own).
    column : str
        The value read back.
    rows_frame : DataFrame
        The lead rows: ``lead_id``, ``converted_opportunity_id`` (blank when
        absent) and the date columns named in ``dates``.
    activities, opportunities : DataFrame
        Canonical tables (``opportunities`` optional).
    engine : workbook.engine.Engine, optional
        Default :func:`workbook.engine.default`.

    Returns
    -------
    ndarray
        One value per row of ``rows_frame``: datetime64[ns] (NaT where the
        expression has no row) when the column is a timestamp, else int64 (0
        where it has none).
    """
    eng, _frames, tables = _bound_inputs(
        rows_frame, activities, opportunities, engine=engine, dates=dates
    )
    got = eng.frame(expr_of(*tables, **kw))
    values = got[column]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = np.full(len(rows_frame), np.datetime64("NaT"), dtype="datetime64[ns]")
        out[got[LEAD_ROW].to_numpy(dtype=np.int64)] = values.to_numpy(dtype="datetime64[ns]")
    else:
        out = np.zeros(len(rows_frame), dtype=np.int64)
        out[got[LEAD_ROW].to_numpy(dtype=np.int64)] = values.to_numpy(dtype=np.int64)
    return out


def _bound_inputs(
    rows_frame, activities, opportunities, *, engine=None, row_key=True, dates=(), extra=()
):
    """The engine, the frames registered, and the (rows, activities, opportunities) tables.

    The rows are ``lead_id`` and ``converted_opportunity_id`` as text (blank
    when ``rows_frame`` has no such column), :data:`LEAD_ROW` (the position)
    when ``row_key``, and the ``dates`` columns as ``datetime64[ns]``. The
    caller keeps the returned frames until its query has run: a registration
    lives as long as its frame (:class:`workbook.engine.Engine`), and a
    warehouse engine is sent projected copies of the activities and
    opportunities (:func:`workbook.engine.core.frame_for`).
    """
    from workbook import engine as engines
    from workbook.engine.core import frame_for

    eng = engine if engine is not None else engines.default()
    conv = (
        rows_frame["converted_opportunity_id"]
        if "converted_opportunity_id" in rows_frame.columns
        else pd.Series(pd.NA, index=rows_frame.index, dtype="string")
    )
    frame = pd.DataFrame(
        {
            **({LEAD_ROW: np.arange(len(rows_frame), dtype=np.int64)} if row_key else {}),
            "lead_id": rows_frame["lead_id"].astype("string").array,
            "converted_opportunity_id": conv.astype("string").array,
            **{c: rows_frame[c].to_numpy(dtype="datetime64[ns]") for c in dates},
        }
    )
    acts = frame_for(eng, activities, "activities", [*LINK_ACTIVITY_COLUMNS, *extra])
    opps = (
        None
        if opportunities is None
        else frame_for(eng, opportunities, "opportunities", ["opportunity_id"])
    )
    tables = (
        eng.table(frame, "lead_rows"),
        eng.table(acts, "activities"),
        None if opps is None else eng.table(opps, "opportunities"),
    )
    return eng, (frame, acts, opps), tables


def last_touches(leads, activities, opportunities=None, *, as_of, engine=None) -> np.ndarray:
    """Latest linked activity on or before the ``as_of`` day of each row of ``leads``.

    :func:`last_touch_expr`, run by ``engine`` (default
    :func:`workbook.engine.default`): datetime64[ns] per row, NaT when the
    lead has no linked activity by then.
    """
    return per_lead_row(
        last_touch_expr, "last_touch_at", leads, activities, opportunities,
        engine=engine, end=as_of_end(as_of),
    )  # fmt: skip


def _first_touch(handed, activities, opportunities, *, end, engine=None) -> np.ndarray:
    """Per row of ``handed``: the earliest linked activity in ``[handed_off_at, end)``, or NaT."""
    return per_lead_row(
        first_touch_expr, "first_touch_after_handoff", handed, activities, opportunities,
        engine=engine, dates=["handed_off_at"], end=end,
    )  # fmt: skip

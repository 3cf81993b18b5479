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
:func:`lead_activities` and :func:`lead_activity_pairs` return the links to
pandas (the scoring decay reads them row by row). The first touch after
handoff and the last touch are aggregates per lead, so they are Ibis
expressions (:func:`first_touch_expr`, :func:`last_touch_expr`) run by the
crm's engine, and only one row per touched lead comes back.
"""

from __future__ import annotations

from typing import NamedTuple

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.core.calendar import as_of_end
from workbook.data.validate import cached_positions, positions

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


def lead_activities(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    include_converted_opportunity: bool = True,
) -> pd.DataFrame:
    """Every (lead, activity) pair where the activity belongs to the lead.

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

    Returns
    -------
    DataFrame
        Columns ``lead_id, activity_id, occurred_at, type, via``; one row per
        distinct (lead_id, activity_id), ``via`` is ``"lead"`` or
        ``"opportunity"`` (``"lead"`` wins when both apply). No date filter is
        applied: callers restrict to their window. Sorted by lead_id,
        occurred_at, activity_id.
    """
    pairs = lead_activity_pairs(
        leads,
        activities,
        opportunities,
        include_converted_opportunity=include_converted_opportunity,
    )
    if len(pairs.activity) == 0:
        return _empty_links(leads, activities)
    lead_ids = leads["lead_id"]
    act = activities[["activity_id", "occurred_at", "type"]]
    row, lead, v = pairs.activity, pairs.lead, pairs.via
    # Sorted by lead_id, occurred_at (NaT last), activity_id, ids in text order.
    present = lead_ids.dropna()
    lead_rank = np.full(len(lead_ids), -1, dtype=np.int64)
    rows_of_present = np.flatnonzero(lead_ids.notna().to_numpy(dtype=bool))
    lead_rank[rows_of_present] = (
        np.arange(len(present)) if strictly_increasing(present) else _text_rank(present)
    )
    picked = act.iloc[row].reset_index(drop=True)
    act_rank = row if pairs.ordered_ids else _text_rank(picked["activity_id"])
    when = picked["occurred_at"].to_numpy(dtype="datetime64[ns]")
    when_key = np.where(np.isnat(when), np.iinfo(np.int64).max, when.view(np.int64))
    order = np.lexsort((act_rank, when_key, lead_rank[lead]))
    out = pd.DataFrame(
        {
            "lead_id": lead_ids.iloc[lead[order]].reset_index(drop=True),
            "activity_id": picked["activity_id"].iloc[order].reset_index(drop=True),
            "occurred_at": picked["occurred_at"].iloc[order].reset_index(drop=True),
            "type": picked["type"].iloc[order].reset_index(drop=True),
            "via": _via_labels(v[order]),
        }
    )
    return out[LEAD_ACTIVITY_COLUMNS]


class LeadActivityPairs(NamedTuple):
    """The (lead, activity) pairs of :func:`lead_activities` as row positions.

    ``lead``: row of ``leads`` (the first row holding that ``lead_id``);
    ``activity``: row of ``activities``; ``via``: 0 for ``"lead"``, 1 for
    ``"opportunity"``; ``ordered_ids``: the activity ids are strictly
    increasing (so the row order is their text order). One entry per distinct
    (lead_id, activity_id), in no particular order.
    """

    lead: np.ndarray
    activity: np.ndarray
    via: np.ndarray
    ordered_ids: bool



def lead_activity_pairs(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    include_converted_opportunity: bool = True,
) -> LeadActivityPairs:
    """The pairs of :func:`lead_activities` (same rules and arguments) as integer positions.

    For callers that aggregate per lead: no text column is copied, so it
    costs a few hash lookups on the id columns instead of building a frame of
    every link.
    """
    act = activities[["activity_id", "lead_id", "opportunity_id"]]
    lead_ids = leads["lead_id"].dropna().reset_index(drop=True)
    lead_rows = np.flatnonzero(leads["lead_id"].notna().to_numpy(dtype=bool))
    # Everything below works on integer codes: Arrow hash lookups (positions) instead of
    # merges, sorts and drop_duplicates on Arrow strings (15 s -> 3 s CPU on 5M activities).
    conv = None
    if include_converted_opportunity and "converted_opportunity_id" in leads.columns:
        has_conv = leads["lead_id"].notna() & leads["converted_opportunity_id"].notna()
        conv = leads.loc[has_conv, ["lead_id", "converted_opportunity_id"]]
    if len(lead_ids) == len(leads):  # no blank id: the loaded column's shared lookup
        lead_pos = cached_positions(activities["lead_id"], leads["lead_id"]).astype(np.int64)
        conv_lead = None if conv is None else positions(conv["lead_id"], lead_ids)
    elif conv is not None and conv["lead_id"].dtype == act["lead_id"].dtype:
        # The activities' and the converted leads' lead ids in one lookup (one hash of the
        # leads) when they share a dtype; first matching lead, -1 when none.
        found = positions(pd.concat([act["lead_id"], conv["lead_id"]], ignore_index=True), lead_ids)
        lead_pos, conv_lead = found[: len(act)], found[len(act) :]
    else:
        lead_pos = positions(act["lead_id"], lead_ids)
        conv_lead = None if conv is None else positions(conv["lead_id"], lead_ids)
    rows = [np.flatnonzero(lead_pos >= 0)]
    who = [lead_pos[rows[0]]]
    via = [np.zeros(len(rows[0]), dtype=np.int8)]

    if conv is not None:
        if opportunities is not None:
            known = positions(conv["converted_opportunity_id"], opportunities["opportunity_id"])
            conv, conv_lead = conv.loc[known >= 0], conv_lead[known >= 0]
        opp_ids = conv["converted_opportunity_id"]
        pairs = pd.DataFrame({"code": positions(opp_ids, opp_ids), "lead": conv_lead})
        act_code = positions(act["opportunity_id"], opp_ids)
        linked = np.flatnonzero(act_code >= 0)
        pairs = pd.DataFrame({"row": linked, "code": act_code[linked]}).merge(pairs, on="code")
        del act_code, linked
        rows.append(pairs["row"].to_numpy(dtype=np.int64))
        who.append(pairs["lead"].to_numpy(dtype=np.int64))
        via.append(np.ones(len(pairs), dtype=np.int8))
        del pairs

    del lead_pos  # the lists hold the links: each array is freed once concatenated
    row, lead, v = np.concatenate(rows), np.concatenate(who), np.concatenate(via)
    del rows, who, via
    # One row per (lead, activity_id), the direct link first. Strictly increasing activity
    # ids (unique and already in text order, as exports usually are) let the row number
    # serve as the id's code and its rank.
    ordered_ids = len(row) > 0 and strictly_increasing(act["activity_id"])
    if ordered_ids or len(row) == 0:
        act_code = row
    else:
        ids = act["activity_id"].iloc[row].reset_index(drop=True)
        act_code = positions(ids, ids)
    order = np.lexsort((row, v, act_code, lead))
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (np.diff(lead[order]) != 0) | (np.diff(act_code[order]) != 0)
    picked = order[keep]
    del order, keep, act_code
    return LeadActivityPairs(
        lead=lead_rows[lead[picked]].astype(np.int64),
        activity=row[picked].astype(np.int64),
        via=v[picked],
        ordered_ids=bool(ordered_ids),
    )


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


def _text_rank(values: pd.Series) -> np.ndarray:
    """Position of each value in text (code point) order, missing last; ties by position."""
    order = pc.sort_indices(_arrow(values)).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _via_labels(codes: np.ndarray) -> pd.Series:
    """``"lead"``/``"opportunity"`` for codes 0/1, in the default ``str`` dtype, built in Arrow."""
    labels = pa.array(["lead", "opportunity"], type=pa.large_string())
    arrow = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int8()), labels)
    return pd.Series(pd.array(arrow.cast(pa.large_string()), dtype="str"))


def _empty_links(leads: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": pd.Series([], dtype=leads["lead_id"].dtype),
            "activity_id": pd.Series([], dtype=activities["activity_id"].dtype),
            "occurred_at": pd.Series([], dtype="datetime64[ns]"),
            "type": pd.Series([], dtype=activities["type"].dtype),
            "via": pd.Series([], dtype="str"),
        }
    )


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
    rows: ibis.Table, activities, opportunities=None, *, end=None
) -> tuple[ibis.Table, ibis.Table]:
    """``rows`` typed, and the (lead_id, activity_id, occurred_at) links of their ids, in Ibis.

    The links of a lead id are the activities whose ``lead_id`` is the id,
    and those whose ``opportunity_id`` is a converted opportunity of a row
    with that id (found in ``opportunities`` when it is given): with unique
    ids, the row's own links (the module's rules). An activity linked both
    ways appears twice: a minimum or maximum does not mind, a count counts
    distinct ``activity_id``. With ``end``, only activities dated before it.

    Parameters
    ----------
    rows : ibis.Table
        ``lead_id``, ``converted_opportunity_id`` and any other columns
        (kept, with those two cast to text).
    activities : ibis.Table
        ``activity_id``, ``lead_id``, ``opportunity_id``, ``occurred_at``.
    opportunities : ibis.Table, optional
        ``opportunity_id``.
    end : Timestamp, optional
        Exclusive upper bound on ``occurred_at``.
    """
    act = activities.select(
        activity_id=activities.activity_id.cast("string"),
        a_lead=activities.lead_id.cast("string"),
        a_opp=activities.opportunity_id.cast("string"),
        occurred_at=activities.occurred_at,
    )
    if end is not None:
        act = act.filter(act.occurred_at < _ts(end))
    typed = rows.mutate(
        lead_id=rows.lead_id.cast("string"),
        conv_id=rows.converted_opportunity_id.cast("string"),
    )
    ids = typed.select("lead_id").distinct()
    direct = ids.join(act, ids.lead_id == act.a_lead).select(
        "lead_id", "activity_id", "occurred_at"
    )
    conv = typed.filter(typed.conv_id.notnull()).select("lead_id", "conv_id").distinct()
    if opportunities is not None:
        known = opportunities.select(known_id=opportunities.opportunity_id.cast("string"))
        conv = conv.join(known, conv.conv_id == known.known_id, how="semi")
    via = conv.join(act, conv.conv_id == act.a_opp).select(
        "lead_id", "activity_id", "occurred_at"
    )
    return typed, direct.union(via, distinct=False)


def _ts(value) -> ibis.Value:
    return ibis.literal(pd.Timestamp(value).to_pydatetime(), type="timestamp")


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
    hits = rows.join(links, rows.lead_id == links.lead_id).select(
        LEAD_ROW, occurred_at=links.occurred_at
    )
    return hits.group_by(LEAD_ROW).aggregate(last_touch_at=hits.occurred_at.max())


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
            LEAD_ROW: np.arange(len(rows_frame), dtype=np.int64),
            "lead_id": rows_frame["lead_id"].astype("string").array,
            "converted_opportunity_id": conv.astype("string").array,
            **{c: rows_frame[c].to_numpy(dtype="datetime64[ns]") for c in dates},
        }
    )
    acts = frame_for(eng, activities, "activities", LINK_ACTIVITY_COLUMNS)
    opps = None if opportunities is None else frame_for(
        eng, opportunities, "opportunities", ["opportunity_id"]
    )
    expr = expr_of(
        eng.table(frame, "lead_rows"),
        eng.table(acts, "activities"),
        None if opps is None else eng.table(opps, "opportunities"),
        **kw,
    )
    got = eng.frame(expr)
    values = got[column]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = np.full(len(rows_frame), np.datetime64("NaT"), dtype="datetime64[ns]")
        out[got[LEAD_ROW].to_numpy(dtype=np.int64)] = values.to_numpy(dtype="datetime64[ns]")
    else:
        out = np.zeros(len(rows_frame), dtype=np.int64)
        out[got[LEAD_ROW].to_numpy(dtype=np.int64)] = values.to_numpy(dtype=np.int64)
    return out


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

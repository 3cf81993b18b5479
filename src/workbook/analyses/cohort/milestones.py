"""Per-lead milestone dates (touched, meeting, opportunity, won) and what was left out.

The milestone table is the expensive step of the report: compute it once
(:func:`lead_milestones_with_exclusions`) and pass it as ``milestones=`` to
every other cohort function.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.analyses.cohort.common import MILESTONES, milestone_col
from workbook.core.calendar import as_of_end, days
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.core.links import lead_activity_pairs
from workbook.data.coercion import empty_table
from workbook.data.model import ACTIVITIES
from workbook.data.validate import positions

__all__ = [
    "milestones_from_aggregates",
    "MilestoneTables",
    "lead_milestones",
    "lead_milestones_with_exclusions",
    "milestone_exclusions",
]

_NAT = np.datetime64("NaT")


class MilestoneTables(NamedTuple):
    """The milestone table and its exclusion counts, computed in one pass.

    Attributes
    ----------
    milestones : DataFrame
        As :func:`lead_milestones`.
    exclusions : DataFrame
        As :func:`milestone_exclusions`.
    """

    milestones: pd.DataFrame
    exclusions: pd.DataFrame


class _Scope(NamedTuple):
    """Leads in scope, addressed by integer position."""

    leads: pd.DataFrame
    ids: pd.Series
    created_day: np.ndarray  # datetime64[ns], the created_at day of each lead in scope
    end: pd.Timestamp  # exclusive end of the as_of day


def _first_by(codes: np.ndarray, dates: np.ndarray, n: int) -> np.ndarray:
    """Earliest date per integer code ``0 .. n-1`` (NaT where a code has none)."""
    out = np.full(n, _NAT, dtype="datetime64[ns]")
    if len(codes):
        first = pd.Series(dates).groupby(codes, sort=False).min()
        out[first.index.to_numpy(dtype=np.int64)] = first.to_numpy(dtype="datetime64[ns]")
    return out


def _scope(leads: pd.DataFrame, *, as_of, counts: dict[str, int]) -> _Scope:
    """Leads created on or before the ``as_of`` day; counts the others into ``counts``."""
    end = as_of_end(as_of)
    created_missing = leads["created_at"].isna()
    after = leads["created_at"] >= end
    counts["leads_created_after_as_of"] = int(after.sum())
    counts["leads_missing_created_at"] = int(created_missing.sum())
    scope = leads.loc[~created_missing & ~after].copy()
    created_day = days(scope["created_at"]).to_numpy(dtype="datetime64[ns]")
    return _Scope(scope, scope["lead_id"].reset_index(drop=True), created_day, end)


def _activity_milestones(s: _Scope, activities, opportunities, counts):
    """``touched`` and ``meeting`` dates per lead position (NaT when none)."""
    pairs = lead_activity_pairs(s.leads, activities, opportunities)
    li = pairs.lead  # position in scope (the pairs only hold leads in scope)
    occurred = activities["occurred_at"].to_numpy(dtype="datetime64[ns]")[pairs.activity]
    cday = s.created_day[li]
    before = occurred.astype("datetime64[D]").astype("datetime64[ns]") < cday
    late = occurred >= np.datetime64(s.end)
    ok = ~before & ~late
    counts["activities_before_lead_created_ignored"] = int(before.sum())
    counts["activities_after_as_of_ignored"] = int((late & ~before).sum())

    by_lead = ok & (pairs.via == 0)
    is_meeting = (activities["type"] == "meeting").fillna(False).to_numpy(dtype=bool)
    meetings = ok & is_meeting[pairs.activity]
    n = len(s.ids)
    return _first_by(li[by_lead], occurred[by_lead], n), _first_by(
        li[meetings], occurred[meetings], n
    )


def _converted(s: _Scope, opportunities: pd.DataFrame, counts) -> tuple[pd.DataFrame, np.ndarray]:
    """Converted opportunities of the leads in scope, with each lead's position."""
    conv = s.leads[["lead_id", "converted_opportunity_id"]].dropna()
    opps = opportunities[["opportunity_id", "created_at", "close_date", "is_won"]].rename(
        columns={"created_at": "opp_created_at"}
    )
    conv = conv.merge(
        opps, left_on="converted_opportunity_id", right_on="opportunity_id", how="left"
    )
    counts["converted_opportunity_not_found"] = int(conv["opportunity_id"].isna().sum())
    conv = conv.dropna(subset=["opportunity_id"])
    ci = positions(conv["lead_id"], s.ids)
    return conv.assign(created_day=s.created_day[ci]), ci


def _opportunity_milestones(s: _Scope, opportunities, counts):
    """``opportunity`` and ``won`` dates per lead position (NaT when none)."""
    conv, ci = _converted(s, opportunities, counts)
    n = len(s.ids)
    opp_before = days(conv["opp_created_at"]) < conv["created_day"]
    opp_late = conv["opp_created_at"] >= s.end
    counts["opportunity_before_lead_created_ignored"] = int(opp_before.sum())
    counts["opportunity_after_as_of_ignored"] = int((opp_late & ~opp_before).sum())
    opp_ok = (~opp_before & ~opp_late & conv["opp_created_at"].notna()).to_numpy(dtype=bool)
    opp_at = conv["opp_created_at"].to_numpy(dtype="datetime64[ns]")
    opportunity = _first_by(ci[opp_ok], opp_at[opp_ok], n)

    is_won = conv["is_won"].fillna(False).astype(bool).to_numpy(dtype=bool)
    close = conv["close_date"]
    won_before = is_won & (days(close) < conv["created_day"]).to_numpy(dtype=bool)
    won_late = is_won & (close >= s.end).to_numpy(dtype=bool)
    counts["won_before_lead_created_ignored"] = int(won_before.sum())
    counts["won_after_as_of_ignored"] = int((won_late & ~won_before).sum())
    won_ok = is_won & ~won_before & ~won_late & close.notna().to_numpy(dtype=bool)
    won = _first_by(ci[won_ok], close.to_numpy(dtype="datetime64[ns]")[won_ok], n)
    return opportunity, won


def _build_milestones(leads, activities, opportunities, *, as_of) -> MilestoneTables:
    """Milestone table and the exclusion counts, computed together.

    Leads are addressed by their integer position in scope (Arrow hash lookups,
    :func:`workbook.data.validate.positions`) rather than by merging on the text ids;
    ``lead_id`` is unique (validation guarantees it). Also used by
    :func:`workbook.analyses.cohort.milestones_from_aggregates`.
    """
    counts: dict[str, int] = {}
    s = _scope(leads, as_of=as_of, counts=counts)
    touched, meeting = _activity_milestones(s, activities, opportunities, counts)
    opportunity, won = _opportunity_milestones(s, opportunities, counts)

    out = s.leads.reset_index(drop=True)
    for name, values in zip(MILESTONES, (touched, meeting, opportunity, won), strict=True):
        out[milestone_col(name)] = values

    exclusions = pd.DataFrame(
        {
            "rule": list(counts),
            "count": list(counts.values()),
            "effect": [
                "lead excluded" if k.startswith("leads_") else "event ignored" for k in counts
            ],
        }
    )
    return MilestoneTables(out, exclusions)


def _check_tables(leads, activities, opportunities) -> None:
    require_frame(leads, "leads", ["lead_id", "created_at", "converted_opportunity_id"])
    require_frame(activities, "activities", ["occurred_at", "type"])
    require_frame(opportunities, "opportunities", ["opportunity_id", "created_at"])


@shared_docs
def lead_milestones_with_exclusions(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
) -> MilestoneTables:
    """:func:`lead_milestones` and :func:`milestone_exclusions` from one pass.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}

    Returns
    -------
    MilestoneTables
        ``(milestones, exclusions)``, equal to ``lead_milestones(...)`` and
        ``milestone_exclusions(...)`` with the same arguments, computed once.
        Pass ``milestones`` as ``milestones=`` to the other cohort functions.
    """
    _check_tables(leads, activities, opportunities)
    return _build_milestones(leads, activities, opportunities, as_of=as_of)


@shared_docs
def lead_milestones(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
) -> pd.DataFrame:
    """One row per lead in scope with its four milestone dates.

    See :mod:`workbook.analyses.cohort` for the exact rules: only events on
    or after the lead's ``created_at`` day and on or before the ``as_of`` day
    count; leads created after ``as_of`` (or without ``created_at``) are not
    rows, and are counted by :func:`milestone_exclusions`.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}

    Returns
    -------
    DataFrame
        Every column of ``leads`` plus ``touched_at``, ``meeting_at``,
        ``opportunity_at`` and ``won_at`` (datetime64, NaT when not reached).
    """
    return lead_milestones_with_exclusions(leads, activities, opportunities, as_of=as_of)[0]


@shared_docs
def milestone_exclusions(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
) -> pd.DataFrame:
    """Counts of leads excluded and events ignored by :func:`lead_milestones`.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}

    Returns
    -------
    DataFrame
        Columns ``rule, count, effect``; one row per rule, zeros included:

        * ``leads_created_after_as_of``, ``leads_missing_created_at``
          (lead excluded);
        * ``activities_before_lead_created_ignored``,
          ``activities_after_as_of_ignored``: linked (lead, activity) pairs
          dated before the lead's creation day or after the ``as_of`` day;
        * ``converted_opportunity_not_found``: converted opportunity id with
          no opportunity row (no opportunity or won milestone);
        * ``opportunity_before_lead_created_ignored``,
          ``opportunity_after_as_of_ignored``, ``won_before_lead_created_ignored``,
          ``won_after_as_of_ignored``: opportunity/won dates outside the window.
    """
    return lead_milestones_with_exclusions(leads, activities, opportunities, as_of=as_of)[1]


def milestones_from_aggregates(
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    aggregates: pd.DataFrame,
    *,
    as_of,
) -> MilestoneTables:
    """:func:`lead_milestones` from activity aggregates pushed down to a database.

    The opportunity and won milestones, the lead scope and the exclusion
    rules are computed by :mod:`workbook.analyses.cohort` itself (on ``leads`` and
    ``opportunities``, which fit in memory); only ``touched_at`` and
    ``meeting_at`` and the two activity exclusion counts come from
    ``aggregates`` (:func:`workbook.data.pushdown.lead_activity_aggregates` with the same
    ``as_of``). The result equals ``cohorts.lead_milestones(leads,
    activities, opportunities, as_of=as_of)`` without reading activities.

    Returns
    -------
    MilestoneTables
        ``(milestones, exclusions)`` as :func:`lead_milestones` and
        :func:`milestone_exclusions`.
    """
    no_activities = empty_table(ACTIVITIES)
    m, excl = _build_milestones(leads, no_activities, opportunities, as_of=as_of)
    agg = aggregates.set_index("lead_id")
    ids = m["lead_id"].to_numpy()
    for name in ("touched", "meeting"):
        col = f"{name}_at"
        m[col] = agg[col].reindex(ids).to_numpy(dtype="datetime64[ns]")
    in_scope = agg.reindex(ids)
    counts = {
        "activities_before_lead_created_ignored": int(
            in_scope["activities_before_created"].fillna(0).sum()
        ),
        "activities_after_as_of_ignored": int(in_scope["activities_after_as_of"].fillna(0).sum()),
    }
    excl = excl.copy()
    for rule, n in counts.items():
        excl.loc[excl["rule"] == rule, "count"] = n
    excl["count"] = excl["count"].astype("int64")
    return MilestoneTables(m, excl)


def resolve_milestones(milestones, leads, activities, opportunities, *, as_of) -> pd.DataFrame:
    """The given milestone table (checked), or :func:`lead_milestones` when it is None."""
    if milestones is not None:
        return require_frame(milestones, "milestones", ["created_at"])
    return lead_milestones(leads, activities, opportunities, as_of=as_of)


def long_events(milestones: pd.DataFrame) -> pd.DataFrame:
    """(row, milestone, date) for every reached milestone; ``row`` indexes ``milestones``."""
    cols = [milestone_col(m) for m in MILESTONES]
    long = milestones[cols].rename(columns=dict(zip(cols, MILESTONES, strict=True)))
    long = long.rename_axis("row").reset_index()
    long = long.melt(id_vars="row", var_name="milestone", value_name="date")
    return long.dropna(subset=["date"])

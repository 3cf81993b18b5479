"""Per-lead milestone dates (touched, meeting, opportunity, won) and what was left out.

The milestone table is the expensive step of the report: compute it once
(:func:`lead_milestones_with_exclusions`) and pass it as ``milestones=`` to
every other cohort function.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.analyses.cohort import relational
from workbook.analyses.cohort.common import MILESTONES, milestone_col
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.core.links import strictly_increasing
from workbook.data.coercion import empty_table
from workbook.data.model import ACTIVITIES
from workbook.engine import default as default_engine

__all__ = [
    "milestones_from_aggregates",
    "MilestoneTables",
    "lead_milestones",
    "lead_milestones_with_exclusions",
    "milestone_exclusions",
]

#: Rules of :func:`milestone_exclusions`, in order.
EXCLUSION_RULES = [
    "leads_created_after_as_of",
    "leads_missing_created_at",
    *relational.FACT_COUNTS.values(),
]

_NAT = np.datetime64("NaT")
_NS = "datetime64[ns]"


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


def _build_milestones(leads, activities, opportunities, *, as_of, engine=None) -> MilestoneTables:
    """Milestone table and the exclusion counts, computed together.

    The leads in scope are selected here (:func:`relational.in_scope`, the
    rows of the table); their milestones and the ignored events come from
    :func:`relational.lead_milestone_facts`, run by ``engine`` (default
    :func:`workbook.engine.default`) on ``leads`` with each row's position,
    and land on the row standing for each lead (the first holding its id).
    Also used by :func:`milestones_from_aggregates`.
    """
    engine = engine or default_engine()
    scope = relational.in_scope(leads["created_at"], as_of=as_of).to_numpy(dtype=bool)
    missing = leads["created_at"].isna().to_numpy(dtype=bool)
    counts = {
        "leads_created_after_as_of": int((~scope & ~missing).sum()),
        "leads_missing_created_at": int(missing.sum()),
    }
    numbered = pd.DataFrame({c: leads[c].array for c in relational.FACT_INPUTS["leads"]})
    numbered[relational.ROW] = np.arange(len(leads), dtype=np.int64)
    expr = relational.lead_milestone_facts(
        engine.table(numbered, "leads"),
        engine.table(activities, "activities"),
        engine.table(opportunities, "opportunities"),
        as_of=as_of,
        # ids in text order (exports usually are) are unique; else the engine finds first rows
        unique_ids=strictly_increasing(leads["lead_id"]),
    )
    dates = [milestone_col(m) for m in MILESTONES]
    facts = engine.frame(expr, types=dict.fromkeys(dates, _NS))
    for c, rule in relational.FACT_COUNTS.items():
        counts[rule] = int(facts[c].sum())
    counts = {rule: counts[rule] for rule in EXCLUSION_RULES}

    every = bool(scope.all())  # usually: then no row is copied (the columns are shared)
    out = leads.reset_index(drop=True) if every else leads.loc[scope].reset_index(drop=True)
    rows = facts[relational.ROW].to_numpy(dtype=np.int64)
    for c in dates:
        values = np.full(len(leads), _NAT, dtype=_NS)
        values[rows] = facts[c].to_numpy(dtype=_NS)
        out[c] = values if every else values[scope]

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
    engine=None,
) -> MilestoneTables:
    """:func:`lead_milestones` and :func:`milestone_exclusions` from one pass.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}
    engine : workbook.engine.Engine, optional
        Where :func:`~workbook.analyses.cohort.relational.lead_milestone_facts`
        runs (default :func:`workbook.engine.default`, embedded DuckDB).

    Returns
    -------
    MilestoneTables
        ``(milestones, exclusions)``, equal to ``lead_milestones(...)`` and
        ``milestone_exclusions(...)`` with the same arguments, computed once.
        Pass ``milestones`` as ``milestones=`` to the other cohort functions.
    """
    _check_tables(leads, activities, opportunities)
    return _build_milestones(leads, activities, opportunities, as_of=as_of, engine=engine)


@shared_docs
def lead_milestones(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    engine=None,
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
    engine : workbook.engine.Engine, optional
        As :func:`lead_milestones_with_exclusions`.

    Returns
    -------
    DataFrame
        Every column of ``leads`` plus ``touched_at``, ``meeting_at``,
        ``opportunity_at`` and ``won_at`` (datetime64, NaT when not reached).
    """
    return lead_milestones_with_exclusions(
        leads, activities, opportunities, as_of=as_of, engine=engine
    )[0]


@shared_docs
def milestone_exclusions(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    engine=None,
) -> pd.DataFrame:
    """Counts of leads excluded and events ignored by :func:`lead_milestones`.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}
    engine : workbook.engine.Engine, optional
        As :func:`lead_milestones_with_exclusions`.

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
    return lead_milestones_with_exclusions(
        leads, activities, opportunities, as_of=as_of, engine=engine
    )[1]


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
    ``aggregates`` (:func:`workbook.analyses.pushdown.lead_activity_aggregates` with the same
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


def resolve_milestones(
    milestones, leads, activities, opportunities, *, as_of, engine=None
) -> pd.DataFrame:
    """The given milestone table (checked), or :func:`lead_milestones` when it is None."""
    if milestones is not None:
        return require_frame(milestones, "milestones", ["created_at"])
    return lead_milestones(leads, activities, opportunities, as_of=as_of, engine=engine)


def milestone_events(milestones: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, code, date)`` arrays of every reached milestone, as :func:`long_events` orders them.

    ``row`` is a position in ``milestones``, ``code`` the milestone's place in
    :data:`~workbook.analyses.cohort.common.MILESTONES` (0 = touched), ``date``
    its datetime64[ns] date.
    """
    dates = [milestones[milestone_col(m)].to_numpy(dtype=_NS) for m in MILESTONES]
    rows = [np.flatnonzero(~np.isnat(d)) for d in dates]
    return (
        np.concatenate(rows).astype(np.int64),
        np.repeat(np.arange(len(MILESTONES), dtype=np.int64), [len(r) for r in rows]),
        np.concatenate([d[r] for d, r in zip(dates, rows, strict=True)]),
    )


def long_events(milestones: pd.DataFrame) -> pd.DataFrame:
    """(row, milestone, date) for every reached milestone; ``row`` is a position in ``milestones``.

    Milestones in funnel order, each over the rows in order (a melt of the four
    date columns without the missing dates), built from the date arrays
    (:func:`milestone_events`), not by a melt of the table; the index is 0, 1, ....
    """
    row, code, date = milestone_events(milestones)
    names = np.array(MILESTONES, dtype=object)[code]
    return pd.DataFrame({"row": row, "milestone": pd.array(names, dtype="str"), "date": date})

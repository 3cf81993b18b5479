"""Handoff follow-up: were the leads marketing handed to sales touched within the SLA?

Every table here comes from :func:`workbook.core.links.lead_handoff_status`
(the shared definition), not from the milestone table.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from workbook.analyses.cohort.common import (
    ALL_OWNERS,
    HANDOFF_FOLLOWUP_COLUMNS,
    NOT_FOLLOWED_UP_COLUMNS,
    segment_of_leads,
    segment_values,
)
from workbook.core.calendar import as_of_end
from workbook.core.checks import require_frame
from workbook.core.docs import register, shared_docs
from workbook.core.links import lead_handoff_status
from workbook.core.noise import name_extremes
from workbook.core.stats import add_wilson

__all__ = [
    "HandoffTables",
    "add_owner_names",
    "handoff_followup",
    "handoff_tables",
    "not_followed_up",
    "owner_comparison",
    "owner_names",
]

register(
    handoff_args="""leads, activities, opportunities : DataFrame
        Canonical tables; ``opportunities`` is optional (activities on a
        converted opportunity then do not count).
    as_of : date-like
        Observation end day, inclusive.
    sla_days : float, default 2
        Follow-up window after handoff, in days (inclusive).
    segment_by : str or None
        A ``leads`` column; adds its value as column ``segment`` (blank
        values ``"(blank)"``). ``None`` or ``""`` = no column.""",
)


class HandoffTables(NamedTuple):
    """The three handoff tables, from one :func:`~workbook.core.links.lead_handoff_status`.

    Attributes
    ----------
    status : DataFrame
        :func:`workbook.core.links.lead_handoff_status`: one row per lead
        handed off on or before ``as_of``, plus ``pending`` (SLA window ends
        after the ``as_of`` day).
    followup : DataFrame
        As :func:`handoff_followup`.
    not_followed_up : DataFrame
        As :func:`not_followed_up`.
    """

    status: pd.DataFrame
    followup: pd.DataFrame
    not_followed_up: pd.DataFrame


def _status(leads, activities, opportunities, *, as_of, sla_days, engine=None) -> pd.DataFrame:
    require_frame(leads, "leads", ["lead_id", "handed_off_at"])
    require_frame(activities, "activities", ["occurred_at"])
    if opportunities is not None:
        require_frame(opportunities, "opportunities", ["opportunity_id"])
    status = lead_handoff_status(
        leads, activities, opportunities, as_of=as_of, sla_days=sla_days, engine=engine
    )
    # Pending: the SLA window ends after the as_of day, touched or not; such a
    # lead cannot be judged yet and is in neither numerator nor denominator.
    status["pending"] = (status["sla_due"] >= as_of_end(as_of)).to_numpy(dtype=bool)
    return status


def _followup(status: pd.DataFrame, leads: pd.DataFrame, segment_by) -> pd.DataFrame:
    status = status.copy()
    status["owner_id"] = segment_values(status, "owner_id")
    keys = ["owner_id"]
    if segment_by:
        status["segment"] = segment_of_leads(leads, segment_by, status["lead_id"])
        keys = ["segment", "owner_id"]
    status["_due"] = ~status["pending"]
    status["_followed_due"] = status["followed_up"] & status["_due"]
    aggs = dict(
        handed_off=("lead_id", "size"),
        pending=("pending", "sum"),
        due=("_due", "sum"),
        followed_up=("_followed_due", "sum"),
        sla_open=("sla_open", "sum"),
        median_days_to_first_touch=("days_to_first_touch", "median"),
    )
    per_owner = status.groupby(keys, as_index=False).agg(**aggs).assign(level="owner")
    total_keys = keys[:-1]
    if total_keys:
        total = status.groupby(total_keys, as_index=False).agg(**aggs)
    else:
        total = status.assign(_all=0).groupby("_all", as_index=False).agg(**aggs)
        total = total.drop(columns="_all")
    total = total.assign(owner_id=ALL_OWNERS, level="all")
    out = pd.concat([per_owner, total], ignore_index=True)
    if total_keys:
        out = out.sort_values(["segment", "level"], ascending=[True, False], kind="stable")
    for c in ("handed_off", "pending", "due", "followed_up", "sla_open"):
        out[c] = out[c].astype("int64")
    out = add_wilson(out, "followed_up", "due")
    cols = [*HANDOFF_FOLLOWUP_COLUMNS, "ci_low", "ci_high", "pending", "due", "sla_open", "level"]
    if segment_by:
        cols.append("segment")
    return out[cols].reset_index(drop=True)


def _not_followed_up(status: pd.DataFrame, leads: pd.DataFrame, segment_by) -> pd.DataFrame:
    out = status.loc[~status["followed_up"]].copy()
    out["_touched"] = out["first_touch_after_handoff"].notna()
    out = out.sort_values(
        ["_touched", "days_waiting", "lead_id"], ascending=[True, False, True], kind="stable"
    )
    cols = [
        *NOT_FOLLOWED_UP_COLUMNS,
        "first_touch_after_handoff",
        "days_to_first_touch",
        "sla_open",
        "pending",
    ]
    if segment_by:
        out["segment"] = segment_of_leads(leads, segment_by, out["lead_id"])
        cols.append("segment")
    return out[cols].reset_index(drop=True)


@shared_docs
def handoff_tables(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    sla_days: float = 2,
    segment_by: str | None = None,
    engine=None,
) -> HandoffTables:
    """The handoff status, :func:`handoff_followup` and :func:`not_followed_up` in one pass.

    Parameters
    ----------
    {handoff_args}
    engine : workbook.engine.Engine, optional
        Where the first touches are found
        (:func:`workbook.core.links.first_touch_expr`; default
        :func:`workbook.engine.default`).

    Returns
    -------
    HandoffTables
        ``(status, followup, not_followed_up)``; the last two equal the two
        functions' results with the same arguments.
    """
    status = _status(
        leads, activities, opportunities, as_of=as_of, sla_days=sla_days, engine=engine
    )
    return HandoffTables(
        status, _followup(status, leads, segment_by), _not_followed_up(status, leads, segment_by)
    )


@shared_docs
def handoff_followup(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    sla_days: float = 2,
    segment_by: str | None = None,
) -> pd.DataFrame:
    """Per owner: handed-off leads, how many were followed up within the SLA.

    Uses :func:`workbook.core.links.lead_handoff_status` (the shared definition):
    a lead handed off on or before ``as_of`` is *followed up* when an
    activity linked to it or to its converted opportunity occurs at or after
    ``handed_off_at`` and at or before ``handed_off_at + sla_days`` days
    (inclusive), and on or before the ``as_of`` day.

    Parameters
    ----------
    {handoff_args}

    Returns
    -------
    DataFrame
        ``owner_id, handed_off, followed_up, rate, median_days_to_first_touch``
        (export contract), then ``ci_low, ci_high`` (Wilson 95% of the rate),
        ``pending`` (leads whose SLA window ends after the ``as_of`` day,
        touched or not: counted here, but in neither ``followed_up`` nor the
        denominator), ``due`` (``handed_off - pending``, the denominator:
        ``rate = followed_up / due``, ``followed_up`` counting due leads only),
        ``sla_open`` (not yet followed up but still inside the SLA window at
        ``as_of``; a subset of ``pending``) and
        ``level`` (``"owner"`` or ``"all"``), plus ``segment`` when
        segmenting. ``median_days_to_first_touch`` is the median of
        ``days_to_first_touch`` over leads touched after handoff (in SLA or
        later; NaN when none). Blank owners are ``"(blank)"``. The last row
        (per segment) is the total over all owners, ``owner_id="(all owners)"``.
    """
    status = _status(leads, activities, opportunities, as_of=as_of, sla_days=sla_days)
    return _followup(status, leads, segment_by)


@shared_docs
def not_followed_up(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    sla_days: float = 2,
    segment_by: str | None = None,
) -> pd.DataFrame:
    """Handed-off leads not followed up within the SLA, never-touched first.

    Same definitions as :func:`handoff_followup`. ``days_waiting`` is
    ``as_of - handed_off_at`` in days (``as_of`` at midnight of its day),
    for late-touched and never-touched leads alike.

    Parameters
    ----------
    {handoff_args}

    Returns
    -------
    DataFrame
        ``lead_id, owner_id, handed_off_at, days_waiting`` (export contract),
        then ``first_touch_after_handoff`` (a late touch, or NaT when never
        touched), ``days_to_first_touch`` (handoff to that late touch in
        days; NaN when never touched), ``sla_open`` (still inside the SLA
        window at ``as_of``) and, when segmenting, ``segment``. Sorted so
        the leads nobody has worked come first: never touched before touched
        late, then ``days_waiting`` descending, then ``lead_id``.
    """
    status = _status(leads, activities, opportunities, as_of=as_of, sla_days=sla_days)
    return _not_followed_up(status, leads, segment_by)


def owner_names(users: pd.DataFrame | None) -> dict:
    """``owner_id -> name`` from the users table (empty when there is none)."""
    if users is None or "name" not in users.columns or not len(users):
        return {}
    names = users.dropna(subset=["name"]).drop_duplicates("owner_id")
    return dict(zip(names["owner_id"].astype(str), names["name"].astype(str), strict=True))


def add_owner_names(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    """``frame`` with ``owner_name`` last (the id where no name is known).

    Last, because the first columns of the exports are a contract.
    """
    ids = frame["owner_id"].astype(str)
    return frame.assign(owner_name=ids.map(names).fillna(ids).to_numpy())


def owner_comparison(followup: pd.DataFrame, *, names: dict, min_trials: int = 20):
    """Per-owner follow-up rates through the shared noise helper.

    Owners (segments pooled) with their due handoffs as trials and in-SLA
    follow-ups as successes go to :func:`workbook.core.noise.name_extremes`:
    an owner is named, by name, only when rates differ beyond chance
    (p < 0.05) and the owner's rate is outside the 99.8% funnel limits.

    Returns
    -------
    NamedExtremes
        ``table`` has ``group`` = owner_id and ``label`` = the owner's name.
    """
    owners = followup.loc[followup["level"] == "owner"]
    per = owners.groupby("owner_id", as_index=False)[["followed_up", "due"]].sum()
    return name_extremes(
        per,
        group_col="owner_id",
        successes_col="followed_up",
        trials_col="due",
        min_trials=min_trials,
        what="owners",
        labels=names,
    )

"""Lead activity effectiveness: stale open leads and handed-off leads never worked.

Lead statuses
-------------
Statuses are compared after trimming and lower-casing. *Open* leads have
status ``Open`` or ``Working``, are not converted (no ``converted_at`` on or
before ``as_of`` and status not ``Converted``) and were created on or before
``as_of``. A lead's *touches* are its activities as defined once in
:func:`workbook.core.links.lead_activities` (by ``lead_id`` or through its
converted opportunity).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import _docs  # noqa: F401  (registers doc fragments)
from workbook.analyses.engagement.common import label
from workbook.core.calendar import age_days, as_of_end, window_start
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.core.links import last_touches, lead_handoff_status, strictly_increasing
from workbook.data.validate import cached_positions

__all__ = [
    "OPEN_STATUSES",
    "handed_off_count",
    "handoff_not_worked",
    "lead_effectiveness_by_owner",
    "stale_leads",
]

OPEN_STATUSES = ("open", "working")


# -- shared lead rules (also used by workbook.analyses.engagement.hygiene) ----
def status(leads: pd.DataFrame) -> pd.Series:
    """Statuses trimmed and lower-cased; a blank status is ``""``."""
    # a handful of distinct statuses among millions of leads: each is normalised once
    codes, uniques = pd.factorize(leads["status"])  # a blank status coded -1
    norm = pd.Series(uniques).astype("str").str.strip().str.lower()
    norm = pd.concat([norm, pd.Series([""], dtype=norm.dtype)], ignore_index=True)
    taken = norm.array.take(codes)  # -1 takes the last: ""
    return pd.Series(taken, index=leads.index, name=leads["status"].name)


def converted(leads: pd.DataFrame, *, as_of):
    """Boolean array: status ``Converted`` or ``converted_at`` on or before ``as_of``."""
    conv_at = leads["converted_at"].notna() & (leads["converted_at"] < as_of_end(as_of))
    return ((status(leads) == "converted") | conv_at).to_numpy(dtype=bool)


def created_by(leads: pd.DataFrame, *, as_of):
    """Boolean array: created on or before the ``as_of`` day."""
    return (leads["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)


def is_open_lead(leads: pd.DataFrame, *, as_of) -> np.ndarray:
    """Boolean array: the open leads (module docstring)."""
    is_open = status(leads).isin(OPEN_STATUSES).to_numpy(dtype=bool)
    return created_by(leads, as_of=as_of) & is_open & ~converted(leads, as_of=as_of)


def open_leads(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """The open leads (module docstring), rows of ``leads`` in order."""
    return leads.loc[is_open_lead(leads, as_of=as_of)]


def last_touch(leads, activities, opportunities, *, as_of, engine=None) -> pd.Series:
    """Latest touch on or before ``as_of`` per lead (the links of links.lead_activities).

    :func:`workbook.core.links.last_touches`, run by ``engine`` (default
    :func:`workbook.engine.default`). Indexed by ``lead_id``, one value per
    lead row that has a touch, in no particular order (callers look leads up
    by id).
    """
    when = last_touches(leads, activities, opportunities, as_of=as_of, engine=engine)
    has = ~np.isnat(when)
    ids = pd.Index(leads["lead_id"].array[has], name="lead_id")
    return pd.Series(when[has], index=ids, name="occurred_at")


def touch_at(leads, activities, opportunities, *, as_of, rows, engine=None) -> pd.Series:
    """Latest touch on or before ``as_of`` of the leads at ``rows`` (positions in ``leads``).

    The value of :func:`last_touch` for each of those leads, as
    datetime64[ns] (NaT when none), indexed like ``leads.iloc[rows]``. Only
    the columns the links read are taken from those rows.
    """
    read = [c for c in ("lead_id", "converted_opportunity_id") if c in leads.columns]
    sel = leads[read].iloc[rows]
    when = last_touches(sel, activities, opportunities, as_of=as_of, engine=engine)
    return pd.Series(when, index=sel.index)


def lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """``values[key]`` for each key as datetime64[ns] (NaT when absent), aligned to ``keys``.

    ``reindex`` rather than ``Series.map``: pandas cannot map through an
    empty datetime Series.
    """
    found = values.reindex(keys.to_numpy()).to_numpy()
    return pd.Series(found, index=keys.index).astype("datetime64[ns]")


def whole_days(ts: pd.Series, *, as_of) -> pd.Series:
    """Calendar days from each ``ts`` day to the ``as_of`` day, as int64."""
    return age_days(ts, as_of=as_of).astype("int64")


def check_leads(leads, activities=None) -> None:
    """``TypeError``/``ValueError`` for a ``leads`` (or ``activities``) that is not a table."""
    require_frame(leads, "leads", ["lead_id", "status", "created_at", "converted_at"])
    if activities is not None:
        require_frame(activities, "activities", ["activity_id", "occurred_at"])


# -- lead activity effectiveness ---------------------------------------------
@shared_docs
def stale_leads(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    stale_days: int = 14,
    engine=None,
) -> pd.DataFrame:
    """Touch status of every open lead; ``stale`` marks the ones not touched lately.

    Definitions
    -----------
    * Open lead: see the module docstring (``Open``/``Working``, not
      converted, created on or before ``as_of``).
    * ``age_days`` = ``as_of day - created_at day``.
    * ``last_touch_at``: latest activity of the lead on or before ``as_of``.
    * ``stale``: ``age_days >= stale_days`` (a younger lead is not stale yet)
      and no touch in ``(as_of - stale_days, as_of]``.

    Parameters
    ----------
    {engagement_lead_inputs}
    {as_of}
    stale_days : int, default 14
        Days without a touch that make an open lead stale.
    engine : workbook.engine.Engine, optional
        Where the last touches are found (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        ``lead_id``, ``company``, ``owner_id``, ``status``, ``created_at``,
        ``age_days``, ``last_touch_at``, ``days_since_touch``, ``stale``;
        sorted by ``lead_id``.
    """
    check_leads(leads, activities)
    rows = np.flatnonzero(is_open_lead(leads, as_of=as_of))
    touch = touch_at(leads, activities, opportunities, as_of=as_of, rows=rows, engine=engine)
    # only the columns shown are copied for the open leads
    shown = leads.reindex(columns=["lead_id", "company", "owner_id", "status", "created_at"])
    out = shown.iloc[rows].reset_index(drop=True)
    out["age_days"] = whole_days(out["created_at"], as_of=as_of)
    out["last_touch_at"] = touch.to_numpy()
    out["days_since_touch"] = age_days(out["last_touch_at"], as_of=as_of)
    recent = out["last_touch_at"] >= window_start(as_of, stale_days)
    out["stale"] = ((out["age_days"] >= stale_days) & ~recent).to_numpy(dtype=bool)
    return out.sort_values("lead_id", kind="stable").reset_index(drop=True)


@shared_docs
def handoff_not_worked(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    engine=None,
) -> pd.DataFrame:
    """Leads handed off to sales on or before ``as_of`` with no activity since.

    Uses :func:`workbook.core.links.lead_handoff_status`: "not worked" means no
    activity linked to the lead (directly or through its converted
    opportunity) with ``handed_off_at <= occurred_at`` up to the end of the
    ``as_of`` day, i.e. ``first_touch_after_handoff`` is missing.

    Parameters
    ----------
    {engagement_lead_inputs}
    {as_of}
    engine : workbook.engine.Engine, optional
        Where the first touches are found (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        ``lead_id``, ``owner_id``, ``status``, ``handed_off_at``,
        ``days_waiting`` (``as_of - handed_off_at`` in days); longest
        waiting first.
    """
    check_leads(leads, activities)
    handoff = lead_handoff_status(leads, activities, opportunities, as_of=as_of, engine=engine)
    out = handoff.loc[
        handoff["first_touch_after_handoff"].isna(),
        ["lead_id", "owner_id", "handed_off_at", "days_waiting"],
    ]
    ids = leads["lead_id"]
    if not (strictly_increasing(ids) or (bool(ids.notna().all()) and ids.is_unique)):
        out = out.merge(leads[["lead_id", "status"]], on="lead_id", how="left")
    else:  # unique lead ids: each lead's status by its row, no merge on text
        status_of = leads["status"].array.take(cached_positions(out["lead_id"], leads["lead_id"]))
        out = out.reset_index(drop=True).assign(status=status_of)
    out = out[["lead_id", "owner_id", "status", "handed_off_at", "days_waiting"]]
    return out.sort_values(
        ["days_waiting", "lead_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


@shared_docs
def handed_off_count(leads: pd.DataFrame, *, as_of) -> int:
    """Leads with ``handed_off_at`` on or before the ``as_of`` day.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` (``handed_off_at``).
    {as_of}

    Returns
    -------
    int
    """
    require_frame(leads, "leads", ["handed_off_at"])
    return int((leads["handed_off_at"].notna() & (leads["handed_off_at"] < as_of_end(as_of))).sum())


def lead_effectiveness_by_owner(stale: pd.DataFrame, not_worked: pd.DataFrame) -> pd.DataFrame:
    """Per owner: open leads, stale leads and handed-off leads never worked.

    Parameters
    ----------
    stale : DataFrame
        Output of :func:`stale_leads`.
    not_worked : DataFrame
        Output of :func:`handoff_not_worked`.

    Returns
    -------
    DataFrame
        ``owner_id``, ``open_leads``, ``stale_leads``, ``stale_share``,
        ``handed_off_not_worked``. Blank owners are grouped as ``"(none)"``;
        sorted by stale leads plus not-worked leads descending, then owner.
    """
    require_frame(stale, "stale", ["lead_id", "owner_id", "stale"])
    require_frame(not_worked, "not_worked", ["owner_id"])
    a = stale.groupby(label(stale["owner_id"]).rename("owner_id")).agg(
        open_leads=("lead_id", "size"), stale_leads=("stale", "sum")
    )
    b = not_worked.groupby(label(not_worked["owner_id"]).rename("owner_id")).size()
    out = a.join(b.rename("handed_off_not_worked"), how="outer").fillna(0).astype("int64")
    out = out.reset_index()
    out["stale_share"] = out["stale_leads"] / out["open_leads"].where(out["open_leads"] > 0)
    out["_key"] = out["stale_leads"] + out["handed_off_not_worked"]
    out = out.sort_values(["_key", "owner_id"], ascending=[False, True], kind="stable")
    return out[
        ["owner_id", "open_leads", "stale_leads", "stale_share", "handed_off_not_worked"]
    ].reset_index(drop=True)

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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def as_of_end(as_of) -> pd.Timestamp:
    """The exclusive upper bound of the ``as_of`` day: midnight after it.

    An event is "on or before ``as_of``" exactly when its timestamp is
    strictly less than this value.

    Examples
    --------
    >>> as_of_end("2024-03-31")
    Timestamp('2024-04-01 00:00:00')
    """
    return pd.Timestamp(as_of).normalize() + _DAY


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
    act = activities[["activity_id", "occurred_at", "type", "lead_id", "opportunity_id"]]
    lead_ids = leads[["lead_id"]].dropna().drop_duplicates()

    by_lead = act.dropna(subset=["lead_id"]).merge(lead_ids, on="lead_id", how="inner")
    by_lead = by_lead.assign(via="lead")[LEAD_ACTIVITY_COLUMNS]
    parts = [by_lead]

    if include_converted_opportunity and "converted_opportunity_id" in leads.columns:
        conv = leads[["lead_id", "converted_opportunity_id"]].dropna()
        if opportunities is not None:
            known = opportunities[["opportunity_id"]].drop_duplicates()
            conv = conv.merge(
                known, left_on="converted_opportunity_id", right_on="opportunity_id", how="inner"
            )[["lead_id", "converted_opportunity_id"]]
        by_opp = (
            act.drop(columns="lead_id")
            .dropna(subset=["opportunity_id"])
            .merge(conv, left_on="opportunity_id", right_on="converted_opportunity_id", how="inner")
        )
        parts.append(by_opp.assign(via="opportunity")[LEAD_ACTIVITY_COLUMNS])

    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_links(leads, activities)
    out = pd.concat(parts, ignore_index=True)
    # "lead" < "opportunity": keep the direct link when both apply.
    out = out.sort_values(["lead_id", "activity_id", "via"], kind="stable")
    out = out.drop_duplicates(["lead_id", "activity_id"], keep="first")
    out = out.sort_values(["lead_id", "occurred_at", "activity_id"], kind="stable")
    return out.reset_index(drop=True)


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

    Returns
    -------
    DataFrame
        One row per lead in scope, columns :data:`HANDOFF_COLUMNS`, sorted by
        ``handed_off_at`` then ``lead_id``.
    """
    as_of_day = pd.Timestamp(as_of).normalize()
    end = as_of_end(as_of)
    cols = ["lead_id", "owner_id", "handed_off_at"]
    handed = leads.loc[leads["handed_off_at"].notna() & (leads["handed_off_at"] < end), cols]

    links = lead_activities(leads.loc[handed.index], activities, opportunities)
    links = links.merge(handed[["lead_id", "handed_off_at"]], on="lead_id", how="inner")
    in_window = (links["occurred_at"] >= links["handed_off_at"]) & (links["occurred_at"] < end)
    first = (
        links.loc[in_window]
        .groupby("lead_id", sort=False)["occurred_at"]
        .min()
        .rename("first_touch_after_handoff")
        .reset_index()
    )
    out = handed.merge(first, on="lead_id", how="left")
    out["first_touch_after_handoff"] = out["first_touch_after_handoff"].astype("datetime64[ns]")
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

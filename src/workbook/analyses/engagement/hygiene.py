"""Pipeline hygiene: the lead funnel, leads per status, leads to archive, unowned leads.

Statuses and open leads follow :mod:`workbook.analyses.engagement.leads`.

Funnel order (:func:`lead_funnel`)
----------------------------------
``created`` (every lead created on or before ``as_of``) -> ``worked`` (status
is not ``Open`` or blank, or the lead is converted: someone moved it; this
includes ``Nurture`` and ``Unqualified`` dispositions) -> ``converted``
(status ``Converted`` or ``converted_at`` on or before ``as_of``). Each step
is a subset of the previous one, so step conversion is reached / previous.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import _docs  # noqa: F401  (registers doc fragments)
from workbook.analyses.engagement.leads import (
    OPEN_STATUSES,
    check_leads,
    converted,
    created_by,
    open_leads,
    status,
    touch_at,
    whole_days,
)
from workbook.core.calendar import window_start
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

__all__ = [
    "BLANK_STATUS",
    "STATUS_ORDER",
    "archive_candidates",
    "lead_funnel",
    "lead_status_counts",
    "unowned_open_leads",
]

#: Known statuses in display order; others follow alphabetically, then blank.
STATUS_ORDER = ("Open", "Working", "Nurture", "Unqualified", "Converted")
BLANK_STATUS = "(blank)"


@shared_docs
def lead_status_counts(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Leads created on or before ``as_of`` per status as recorded.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` (``status``, ``created_at``).
    {as_of}

    Returns
    -------
    DataFrame
        ``status``, ``leads``, ``share``; known statuses in the order Open,
        Working, Nurture, Unqualified, Converted (matched case-insensitively,
        shown in that spelling), then other statuses alphabetically, then
        ``(blank)``. Known statuses with no lead show 0.
    """
    require_frame(leads, "leads", ["status", "created_at"])
    sel = leads.loc[created_by(leads, as_of=as_of), ["status"]]  # only the column counted
    norm = status(sel)
    known = {s.lower(): s for s in STATUS_ORDER}
    raw = sel["status"].astype("str").str.strip()
    shown = norm.map(known).fillna(raw.where(norm != "", BLANK_STATUS))
    counts = shown.value_counts()
    others = sorted(set(counts.index) - set(STATUS_ORDER) - {BLANK_STATUS})
    order = list(STATUS_ORDER) + others + ([BLANK_STATUS] if BLANK_STATUS in counts else [])
    out = pd.DataFrame({"status": order})
    out["leads"] = out["status"].map(counts).fillna(0).astype("int64")
    total = out["leads"].sum()
    out["share"] = out["leads"] / total if total else np.nan
    return out


@shared_docs
def lead_funnel(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Lead funnel created -> worked -> converted (see the module docstring).

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` (``status``, ``created_at``, ``converted_at``).
    {as_of}

    Returns
    -------
    DataFrame
        ``step``, ``leads`` (reached the step), ``conversion`` (leads /
        previous step's leads; NaN for the first step or after an empty
        step), ``share_of_created``.
    """
    require_frame(leads, "leads", ["status", "created_at", "converted_at"])
    sel = leads.loc[created_by(leads, as_of=as_of), ["status", "converted_at"]]
    is_converted = converted(sel, as_of=as_of)
    worked = (~status(sel).isin(["open", ""])).to_numpy(dtype=bool) | is_converted
    counts = np.array([len(sel), int(worked.sum()), int(is_converted.sum())], dtype="int64")
    prev = np.concatenate([[np.nan], counts[:-1].astype("float64")])
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion = np.where(prev > 0, counts / prev, np.nan)
        share = counts / counts[0] if counts[0] else np.full(3, np.nan)
    return pd.DataFrame(
        {
            "step": ["created", "worked", "converted"],
            "leads": counts,
            "conversion": conversion,
            "share_of_created": share,
        }
    )


@shared_docs
def archive_candidates(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    archive_after_days: int = 180,
    engine=None,
) -> pd.DataFrame:
    """Old unqualified or stalled leads to archive or move to a nurture campaign.

    A lead qualifies when it was created on or before ``as_of``, is not
    converted, ``age_days > archive_after_days`` (strictly older), and

    * its status is ``Unqualified`` -> ``reason="unqualified"``,
      ``action="archive"``; or
    * it is open (``Open``/``Working``) with no touch in
      ``(as_of - archive_after_days, as_of]`` -> ``reason="stalled"``,
      ``action="nurture"``.

    ``Nurture`` leads are already in nurture and are not listed.

    Parameters
    ----------
    {engagement_lead_inputs}
    {as_of}
    archive_after_days : int, default 180
        Age in days a lead must exceed.
    engine : workbook.engine.Engine, optional
        Where the last touches are found (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        ``lead_id``, ``company``, ``owner_id``, ``status``, ``created_at``,
        ``age_days``, ``last_touch_at``, ``reason``, ``action``; oldest first.
    """
    check_leads(leads, activities)
    rows = np.flatnonzero(created_by(leads, as_of=as_of) & ~converted(leads, as_of=as_of))
    age = whole_days(leads["created_at"].iloc[rows], as_of=as_of)
    rows = rows[(age > archive_after_days).to_numpy(dtype=bool)]
    # only the columns shown are copied for these rows (not every lead column)
    sel = leads.reindex(columns=["lead_id", "company", "owner_id", "status", "created_at"])
    sel = sel.iloc[rows]
    norm = status(sel)
    touch = touch_at(leads, activities, opportunities, as_of=as_of, rows=rows, engine=engine)
    touched = touch >= window_start(as_of, archive_after_days)
    unqualified = (norm == "unqualified").to_numpy(dtype=bool)
    stalled = (norm.isin(OPEN_STATUSES) & ~touched).to_numpy(dtype=bool)
    keep = unqualified | stalled
    out = sel.loc[keep]
    out["age_days"] = whole_days(out["created_at"], as_of=as_of)
    out["last_touch_at"] = touch[keep].to_numpy()
    out["reason"] = np.where(unqualified[keep], "unqualified", "stalled")
    out["action"] = np.where(unqualified[keep], "archive", "nurture")
    return out.sort_values(
        ["age_days", "lead_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


@shared_docs
def unowned_open_leads(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Open leads (:mod:`workbook.analyses.engagement.leads`) whose ``owner_id`` is blank.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads``.
    {as_of}

    Returns
    -------
    DataFrame
        ``lead_id``, ``company``, ``source``, ``status``, ``created_at``,
        ``age_days``; oldest first.
    """
    check_leads(leads)
    require_frame(leads, "leads", ["owner_id"])
    sel = open_leads(leads, as_of=as_of)
    owner = sel["owner_id"]
    blank = owner.isna() | (owner.astype("str").str.strip() == "")
    out = sel.loc[blank.to_numpy(dtype=bool)].reindex(
        columns=["lead_id", "company", "source", "status", "created_at"]
    )
    out["age_days"] = whole_days(out["created_at"], as_of=as_of)
    return out.sort_values(
        ["age_days", "lead_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)

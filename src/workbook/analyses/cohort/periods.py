"""Period view against cohort view: each period's KPI split by the cohorts that earned it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook.analyses.cohort.common import (
    GRAINS,
    check_milestone,
    freq_of,
    labels,
    milestone_order,
    ordinals,
    segment_values,
)
from workbook.analyses.cohort.milestones import long_events, resolve_milestones
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

__all__ = ["AGE_BANDS", "age_band", "period_kpis", "period_views", "period_vs_cohort"]

#: Bands of periods since acquisition used to stack the period view.
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 0, "0"),
    (1, 1, "1"),
    (2, 3, "2-3"),
    (4, 6, "4-6"),
    (7, 12, "7-12"),
    (13, 10**9, "13+"),
)

_PERIOD_VS_COHORT_COLUMNS = [
    "period",
    "milestone",
    "cohort",
    "count",
    "periods_since",
    "period_total",
    "share",
    "from_earlier_cohort",
    "share_from_earlier_cohorts",
    "age_band",
    "grain",
]


def age_band(periods_since) -> np.ndarray:
    """Band label of each ``periods_since`` (inclusive bounds, see :data:`AGE_BANDS`).

    ``0`` = acquired in the same period, ``1`` = the period before, then
    ``2-3``, ``4-6``, ``7-12`` and ``13+`` periods before.

    Parameters
    ----------
    periods_since : array-like of int
        Whole periods between a lead's cohort and an event's period (>= 0).

    Returns
    -------
    ndarray of str
    """
    k = np.asarray(periods_since, dtype="int64")
    edges = np.array([lo for lo, _, _ in AGE_BANDS])
    names = np.array([lab for _, _, lab in AGE_BANDS], dtype=object)
    return names[np.searchsorted(edges, k, side="right") - 1]


@shared_docs
def period_vs_cohort(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    grain: str = "month",
    segment_by: str | None = None,
    milestones: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Milestones counted by the period they happened in, split by lead cohort.

    The usual monthly KPI ("meetings in May") counts each lead's milestone in
    the calendar period of its date. Here each such count is broken down by
    the acquisition cohort of the lead, so one sees how much of a period's
    result came from leads acquired in earlier periods. Milestone dates
    follow :func:`~workbook.analyses.cohort.lead_milestones` (first
    occurrence per lead, within the lead's lifetime and on or before
    ``as_of``).

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}
    grain : {{"month", "quarter", "year"}}
        Calendar period of periods and cohorts.
    segment_by : str or None
        A ``leads`` column; adds its value as column ``segment`` (blank
        values ``"(blank)"``). ``None`` or ``""`` = no split.
    {milestones}

    Returns
    -------
    DataFrame
        One row per (period, milestone, cohort) with at least one event:
        ``period, milestone, cohort, count`` (leads whose milestone fell in
        ``period``), ``periods_since`` (period - cohort, >= 0),
        ``period_total`` (count over all cohorts for the period and
        milestone), ``share`` (``count / period_total``),
        ``from_earlier_cohort`` (cohort before period) and
        ``share_from_earlier_cohorts`` (share of ``period_total`` from leads
        acquired in earlier periods, repeated on each row of the period),
        ``age_band`` (``periods_since`` banded by :func:`age_band`),
        ``grain``, plus ``segment`` when segmenting. Sorted by period,
        milestone (funnel order), cohort.
    """
    freq_of(grain)
    m = resolve_milestones(milestones, leads, activities, opportunities, as_of=as_of)
    return _period_table(m, long_events(m), segment_values(m, segment_by), grain)


def _period_table(m: pd.DataFrame, ev: pd.DataFrame, seg, grain: str) -> pd.DataFrame:
    """:func:`period_vs_cohort` of milestone table ``m`` at ``grain``.

    ``ev`` is :func:`~workbook.analyses.cohort.milestones.long_events` of ``m``
    and ``seg`` its :func:`~workbook.analyses.cohort.common.segment_values`
    (None when not segmenting), computed once for every grain; ``ev`` is not
    modified.
    """
    freq = freq_of(grain)
    rows = ev["row"].to_numpy()
    c = ordinals(m["created_at"], freq).astype("int64")
    ev = pd.DataFrame(
        {
            "milestone": ev["milestone"],
            "c": c[rows],
            "p": ordinals(ev["date"], freq).astype("int64"),
            "segment": "" if seg is None else seg.to_numpy()[rows],
        }
    )
    keys = ["segment", "p", "milestone"]
    out = ev.groupby([*keys, "c"], as_index=False).size().rename(columns={"size": "count"})
    out["periods_since"] = out["p"] - out["c"]
    out["from_earlier_cohort"] = out["periods_since"] > 0
    out["age_band"] = age_band(out["periods_since"])
    out["period_total"] = out.groupby(keys)["count"].transform("sum")
    out["share"] = out["count"] / out["period_total"]
    earlier = out["count"].where(out["from_earlier_cohort"], 0)
    out["share_from_earlier_cohorts"] = (
        earlier.groupby([out[k] for k in keys]).transform("sum") / out["period_total"]
    )
    out["m_order"] = milestone_order(out["milestone"])
    out = out.sort_values(["segment", "p", "m_order", "c"], kind="stable")
    out["period"] = labels(out["p"], freq)
    out["cohort"] = labels(out["c"], freq)
    out["grain"] = grain
    cols = list(_PERIOD_VS_COHORT_COLUMNS)
    if seg is not None:
        cols.append("segment")
    return out[cols].reset_index(drop=True)


@shared_docs
def period_views(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    grains: Sequence[str] = ("month", "quarter", "year"),
    segment_by: str | None = None,
    milestones: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`period_vs_cohort` at several grains, stacked (the ``grain`` column tells them apart).

    The milestone table is computed once (or taken from ``milestones``), and
    so are its events (one row per reached milestone) and segment labels,
    shared by every grain.

    Parameters
    ----------
    leads, activities, opportunities, as_of, segment_by
        As in :func:`period_vs_cohort`.
    grains : sequence of str, default ("month", "quarter", "year")
        Grains to stack, in this order.
    {milestones}

    Returns
    -------
    DataFrame
        The :func:`period_vs_cohort` tables of every grain, concatenated.
    """
    for g in grains:
        freq_of(g)
    m = resolve_milestones(milestones, leads, activities, opportunities, as_of=as_of)
    ev, seg = long_events(m), segment_values(m, segment_by)
    return pd.concat([_period_table(m, ev, seg, g) for g in grains], ignore_index=True)


def period_kpis(
    period_views: pd.DataFrame,
    *,
    milestones: Sequence[str] = ("meeting", "opportunity", "won"),
) -> pd.DataFrame:
    """The per-period KPI and the share of it earned by earlier cohorts, per grain.

    A compact reading of :func:`period_views` (or :func:`period_vs_cohort`)
    output: for each (grain, period) and milestone, how many leads reached
    the milestone in that period, and what share of them were acquired in an
    earlier period of that grain.

    Parameters
    ----------
    period_views : DataFrame
        Output of :func:`period_views` (several grains) or
        :func:`period_vs_cohort` (one grain); segmented or not.
    milestones : sequence of str, default ("meeting", "opportunity", "won")
        Milestones to show, in this order.

    Returns
    -------
    DataFrame
        One row per (grain, segment when segmenting, period) with at least
        one event of any milestone: ``grain, [segment,] period``, then for
        each milestone ``m``: ``m`` (count of leads whose milestone fell in
        the period, 0 when none) and ``m_from_earlier_share`` (the part of
        that count from leads of earlier cohorts divided by the count; NaN
        when the count is 0). Sorted coarse grain first (year, quarter,
        month), then segment and period.
    """
    for m in milestones:
        check_milestone(m)
    require_frame(period_views, "period_views", ["milestone", "count", "from_earlier_cohort"])
    pv = period_views.loc[period_views["milestone"].isin(list(milestones))]
    seg_cols = ["segment"] if "segment" in pv.columns else []
    keys = ["grain", *seg_cols, "period"]
    pv = pv.assign(_earlier=pv["count"].where(pv["from_earlier_cohort"], 0))
    g = pv.groupby([*keys, "milestone"], as_index=False)[["count", "_earlier"]].sum()
    counts = g.pivot(index=keys, columns="milestone", values="count")
    earlier = g.pivot(index=keys, columns="milestone", values="_earlier")
    counts = counts.reindex(columns=list(milestones)).fillna(0).astype("int64")
    earlier = earlier.reindex(columns=list(milestones)).fillna(0)
    share = earlier / counts.where(counts > 0)
    out = pd.DataFrame(index=counts.index)
    for m in milestones:
        out[m] = counts[m]
        out[f"{m}_from_earlier_share"] = share[m].astype("float64")
    out = out.reset_index()
    coarse_first = {g: -i for i, g in enumerate(GRAINS)}
    out["_g"] = out["grain"].map(coarse_first)
    out = out.sort_values(["_g", *seg_cols, "period"], kind="stable").drop(columns="_g")
    out.columns.name = None
    return out.reset_index(drop=True)

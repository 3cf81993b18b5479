"""Period view against cohort view: each period's KPI split by the cohorts that earned it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook.analyses.cohort.common import (
    GRAINS,
    MILESTONES,
    check_milestone,
    freq_of,
    labels,
    ordinals,
    segment_values,
)
from workbook.analyses.cohort.milestones import milestone_events, resolve_milestones
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
    return _period_table(m, milestone_events(m), _segment_codes(m, segment_by), grain)


def _segment_codes(m: pd.DataFrame, segment_by) -> tuple[np.ndarray, np.ndarray] | None:
    """Per row of ``m``, the code of its segment label, and the labels in text order.

    (The labels of :func:`~workbook.analyses.cohort.common.segment_values`;
    None when not segmenting.)
    """
    seg = segment_values(m, segment_by)
    if seg is None:
        return None
    codes, uniques = pd.factorize(seg.to_numpy(), sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _period_table(m: pd.DataFrame, events, segments, grain: str) -> pd.DataFrame:
    """:func:`period_vs_cohort` of milestone table ``m`` at ``grain``.

    ``events`` is :func:`~workbook.analyses.cohort.milestones.milestone_events`
    of ``m`` and ``segments`` its :func:`_segment_codes` (None when not
    segmenting), computed once for every grain. The (segment, period,
    milestone, cohort) cells are counted on one integer key per event, whose
    order is the table's sort order, so each (segment, period, milestone)
    group is a run of consecutive cells.
    """
    freq = freq_of(grain)
    rows, code, dates = events
    c = ordinals(m["created_at"], freq).astype("int64")[rows]
    p = ordinals(pd.Series(dates, dtype="datetime64[ns]"), freq).astype("int64")
    s = np.zeros(len(rows), dtype=np.int64) if segments is None else segments[0][rows]
    c0, p0 = (int(c.min()), int(p.min())) if len(rows) else (0, 0)
    n_c = int(c.max()) - c0 + 1 if len(rows) else 1
    n_p = int(p.max()) - p0 + 1 if len(rows) else 1
    n_m = len(MILESTONES)
    cell, count = np.unique(
        ((s * n_p + (p - p0)) * n_m + code) * n_c + (c - c0), return_counts=True
    )
    group = cell // n_c  # (segment, period, milestone)
    cohort = cell % n_c + c0
    period = group // n_m % n_p + p0
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(cell) else cell
    sizes = np.diff(np.r_[starts, len(cell)])
    since = period - cohort
    earlier = np.where(since > 0, count, 0)
    total = np.repeat(np.add.reduceat(count, starts), sizes) if len(cell) else count
    earlier_total = np.repeat(np.add.reduceat(earlier, starts), sizes) if len(cell) else count
    out = pd.DataFrame(
        {
            "period": labels(period, freq),
            "milestone": pd.array(np.array(MILESTONES, dtype=object)[group % n_m], dtype="str"),
            "cohort": labels(cohort, freq),
            "count": count.astype(np.int64),
            "periods_since": since,
            "period_total": total.astype(np.int64),
            "share": count / total,
            "from_earlier_cohort": since > 0,
            "share_from_earlier_cohorts": earlier_total / total,
            "age_band": age_band(since),
            "grain": grain,
        }
    )
    if segments is not None:
        out["segment"] = segments[1][group // n_m // n_p]
    return out


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
    events, segments = milestone_events(m), _segment_codes(m, segment_by)
    return pd.concat([_period_table(m, events, segments, g) for g in grains], ignore_index=True)


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

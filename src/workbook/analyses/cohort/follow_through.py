"""The follow-through triangle and the equal-age comparison of cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.cohort import relational
from workbook.analyses.cohort.common import (
    FOLLOW_THROUGH_COLUMNS,
    MILESTONES,
    check_milestone,
    freq_of,
    labels,
    milestone_col,
    milestone_order,
    segment_values,
)
from workbook.analyses.cohort.milestones import resolve_milestones
from workbook.core.calendar import day
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.core.stats import add_wilson
from workbook.engine import default as default_engine

__all__ = ["equal_age", "follow_through", "last_complete_ordinal", "partial_equal_age"]


@shared_docs
def follow_through(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    grain: str = "month",
    segment_by: str | None = None,
    min_cell_leads: int = 20,
    milestones: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """Cumulative share of each cohort reaching each milestone, k periods on.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}
    grain : {{"month", "quarter", "year"}}
        Calendar period of cohorts and of periods since.
    segment_by : str or None
        A ``leads`` column (``source``, ``owner_id``...); each segment gets
        its own cohorts. Blank values form the segment ``"(blank)"``.
        ``None`` or ``""`` = no split.
    min_cell_leads : int, default 20
        Cohorts with fewer leads are flagged ``small_n``.
    {milestones}
    engine : workbook.engine.Engine, optional
        Where the cohort cells are counted
        (:func:`~workbook.analyses.cohort.relational.cohort_sizes`,
        :func:`~workbook.analyses.cohort.relational.milestone_hits`; default
        :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        One row per observed cell: ``cohort, milestone, months_since, leads,
        reached, rate, ci_low, ci_high`` (the export contract; see
        :mod:`workbook.analyses.cohort`), then ``small_n``
        (``leads < min_cell_leads``), ``period`` (label of period cohort +
        months_since), ``complete`` (period cohort + months_since ends on or
        before the ``as_of`` day: its last day is not after ``as_of``; a
        partial cell of the ``as_of`` period is shown but left out of equal-age
        comparisons and pooled figures), ``grain`` and, when segmenting,
        ``segment``. Cells for
        k = 0 .. (as_of period - cohort period) exist for every cohort and
        milestone, zeros included; later cells are absent. Sorted by segment,
        cohort, milestone (funnel order), months_since.
    """
    if milestones is None:
        # Only the columns the cells need come along: the milestone table of the leads in
        # scope copies each column it carries (the large sample: 11 -> 4 lead columns).
        needed = dict.fromkeys([*relational.FACT_INPUTS["leads"], "created_at", segment_by or ""])
        leads = leads[[c for c in needed if c in leads.columns]]
    m = resolve_milestones(milestones, leads, activities, opportunities, as_of=as_of, engine=engine)
    freq = freq_of(grain)
    seg = segment_values(m, segment_by)
    dates = ["created_at", *(milestone_col(n) for n in MILESTONES)]
    frame = pd.DataFrame({"segment": "" if seg is None else seg.to_numpy(), **m[dates]})
    engine = engine or default_engine()
    table = engine.table(frame, "milestones")
    keys = {"c": "int64"}
    cohorts = _labels_inferred(
        engine.frame(relational.cohort_sizes(table, grain=grain), types=keys)
    ).sort_values(["segment", "c"], kind="stable", ignore_index=True)
    hits = _labels_inferred(
        engine.frame(
            relational.milestone_hits(table, grain=grain),
            types={**keys, "milestone": "str", "k": "int64", "size": "int64"},
        )
    )
    asof_period = pd.Period(pd.Timestamp(as_of), freq=freq)
    grid = _grid(cohorts, asof_ord=asof_period.ordinal)

    out = grid.merge(hits, on=["segment", "c", "milestone", "k"], how="left")
    out["size"] = out["size"].fillna(0).astype("int64")
    out["m_order"] = milestone_order(out["milestone"])
    out = out.sort_values(["segment", "c", "m_order", "k"], kind="stable")
    out["reached"] = out.groupby(["segment", "c", "milestone"])["size"].cumsum().astype("int64")
    out = add_wilson(out, "reached", "leads")
    out["cohort"] = labels(out["c"], freq)
    out["period"] = labels(out["c"] + out["k"], freq)
    out["months_since"] = out["k"].astype("int64")
    out["leads"] = out["leads"].astype("int64")
    out["small_n"] = out["leads"] < min_cell_leads
    out["complete"] = (out["c"] + out["k"]).to_numpy() <= last_complete_ordinal(as_of, freq)
    out["grain"] = grain
    cols = [*FOLLOW_THROUGH_COLUMNS, "small_n", "period", "complete", "grain"]
    if seg is not None:
        cols.append("segment")
    return out[cols].reset_index(drop=True)


def last_complete_ordinal(as_of, freq: str) -> int:
    """Ordinal of the last period at ``freq`` that ends on or before the ``as_of`` day.

    The ``as_of`` period itself when ``as_of`` is its last day (2026-06-30 at
    month grain), else the period before (2026-06-10 -> 2026-05).
    """
    period = pd.Period(day(as_of), freq=freq)
    return period.ordinal if period.end_time.normalize() <= day(as_of) else period.ordinal - 1


def _labels_inferred(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``segment`` re-inferred from Python strings, as pandas groups labels.

    (``str`` dtype, or ``object`` when empty: the dtype the follow-through
    table's ``segment`` has always had.)
    """
    return frame.assign(segment=frame["segment"].to_numpy(dtype=object))


def _grid(cohorts: pd.DataFrame, *, asof_ord: int) -> pd.DataFrame:
    """Every observed (segment, cohort c, k, milestone) cell of ``cohorts`` (segment, c, leads)."""
    ages = (asof_ord - cohorts["c"]).to_numpy() + 1
    rep = np.repeat(np.arange(len(cohorts)), ages)
    starts = np.repeat(np.cumsum(ages) - ages, ages)
    grid = cohorts.iloc[rep].reset_index(drop=True)
    grid["k"] = np.arange(len(grid)) - starts
    return grid.merge(pd.DataFrame({"milestone": list(MILESTONES)}), how="cross")


def equal_age(
    follow_through_table: pd.DataFrame,
    *,
    periods: int = 3,
    milestone: str = "opportunity",
) -> pd.DataFrame:
    """Share of each cohort that reached ``milestone`` by ``periods`` periods.

    "By period k" means at or before k whole calendar periods after the
    cohort's period (``months_since <= k``, cumulative), so every cohort is
    compared at the same age. Only cohorts whose cell k is *complete* (period
    cohort + k ends on or before ``as_of``, column ``complete`` of
    :func:`follow_through`) appear; younger cohorts and a partly observed
    last cell are left out, not shown as 0 or as a low rate. A table without
    a ``complete`` column (older exports) is taken as complete.

    Parameters
    ----------
    follow_through_table : DataFrame
        Output of :func:`follow_through` (any grain, segmented or not).
    periods : int, default 3
        The age k at which cohorts are compared.
    milestone : str, default "opportunity"
        One of :data:`~workbook.analyses.cohort.MILESTONES`.

    Returns
    -------
    DataFrame
        The follow-through rows at ``months_since == periods`` for
        ``milestone``: same columns, one row per (segment,) cohort.
    """
    check_milestone(milestone)
    ft = require_frame(follow_through_table, "follow_through_table", ["milestone", "months_since"])
    sel = (ft["milestone"] == milestone) & (ft["months_since"] == int(periods))
    if "complete" in ft.columns:
        sel &= ft["complete"].astype(bool)
    return ft.loc[sel].reset_index(drop=True)


def partial_equal_age(
    follow_through_table: pd.DataFrame,
    *,
    periods: int = 3,
    milestone: str = "opportunity",
) -> pd.DataFrame:
    """The cells at age ``periods`` for ``milestone`` that exist but are partial.

    These are the cohorts :func:`equal_age` leaves out because period
    cohort + ``periods`` has not ended at ``as_of``; the report counts them.
    Same columns as :func:`follow_through`; empty when the table has no
    ``complete`` column.
    """
    check_milestone(milestone)
    ft = require_frame(follow_through_table, "follow_through_table", ["milestone", "months_since"])
    if "complete" not in ft.columns:
        return ft.iloc[:0]
    sel = (ft["milestone"] == milestone) & (ft["months_since"] == int(periods))
    return ft.loc[sel & ~ft["complete"].astype(bool)].reset_index(drop=True)

"""Headline figures of the cohort report (the values of ``summary.json``).

:func:`summary_figures` returns these keys:

* ``grain``, ``segment_by``; ``leads`` (leads in scope), ``cohorts`` (number
  of cohort labels), ``first_cohort``, ``last_cohort``; ``leads_excluded`` and
  ``events_ignored`` (sums over the exclusions);
* ``equal_age_milestone``, ``equal_age_periods``, ``equal_age_cohorts``
  (cohorts old enough), ``equal_age_rate`` (pooled reached / leads over those
  cohorts) with ``equal_age_rate_ci`` (Wilson), ``equal_age_best_cohort`` /
  ``equal_age_best_rate`` and ``equal_age_worst_cohort`` /
  ``equal_age_worst_rate`` (among cohorts with at least ``min_cell_leads``
  leads, or all when none is that large; ties go to the earliest cohort);
* ``opportunities`` (opportunity milestones reached) and
  ``opportunities_late_share`` (share created ``periods`` or more periods
  after the lead's cohort period); ``latest_period``,
  ``meetings_latest_period``, ``meetings_latest_from_earlier_share`` (share of
  that period's meetings from leads of earlier cohorts) and
  ``meetings_from_earlier_share`` (the same over all periods);
* ``handed_off``, ``followed_up``, ``followup_rate``, ``followup_rate_ci``,
  ``sla_days``, ``not_followed_up`` (SLA missed), ``not_followed_up_never_touched``
  (SLA missed and no touch at all by ``as_of``), ``not_followed_up_sla_open``
  (not yet touched but still inside the SLA window), ``longest_wait_days``
  (largest ``days_waiting`` among the never-touched; None when none),
  ``median_days_to_first_touch``, ``lowest_owner`` / ``lowest_owner_rate`` /
  ``lowest_owner_handed_off`` (lowest follow-up rate among owners with at
  least ``min_cell_leads`` handed-off leads; None when none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.checks import require_frame
from workbook.core.stats import wilson_interval

__all__ = ["summary_figures"]


def _none(x):
    """NaN -> None, numpy scalars -> Python, for summary.json."""
    if x is None:
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if np.isnan(x) else float(x)
    return x


def _scope_figures(ft: pd.DataFrame, ex: pd.DataFrame, segment_by) -> dict:
    seg_cols = ["segment"] if "segment" in ft.columns else []
    sizes = ft.drop_duplicates([*seg_cols, "cohort"])
    cohort_labels = sorted(ft["cohort"].unique())
    return {
        "grain": ft["grain"].iloc[0] if len(ft) else None,
        "segment_by": segment_by or None,
        "leads": int(sizes["leads"].sum()),
        "cohorts": len(cohort_labels),
        "first_cohort": cohort_labels[0] if cohort_labels else None,
        "last_cohort": cohort_labels[-1] if cohort_labels else None,
        "leads_excluded": int(ex.loc[ex["effect"] == "lead excluded", "count"].sum()),
        "events_ignored": int(ex.loc[ex["effect"] == "event ignored", "count"].sum()),
    }


def _equal_age_figures(equal_age: pd.DataFrame, *, milestone, periods, min_cell_leads) -> dict:
    ea = equal_age.groupby("cohort", as_index=False)[["reached", "leads"]].sum()
    f: dict[str, object] = {
        "equal_age_milestone": milestone,
        "equal_age_periods": int(periods),
        "equal_age_cohorts": len(ea),
    }
    reached, n = int(ea["reached"].sum()), int(ea["leads"].sum())
    lo, hi = wilson_interval([reached], [n])
    f["equal_age_rate"] = reached / n if n else None
    f["equal_age_rate_ci"] = [_none(lo[0]), _none(hi[0])]
    ea["rate"] = ea["reached"] / ea["leads"]
    big = ea.loc[ea["leads"] >= min_cell_leads]
    pool = big if len(big) else ea
    if len(pool):
        best = pool.sort_values(["rate", "cohort"], ascending=[False, True]).iloc[0]
        worst = pool.sort_values(["rate", "cohort"], ascending=[True, True]).iloc[0]
        f.update(
            equal_age_best_cohort=best["cohort"],
            equal_age_best_rate=float(best["rate"]),
            equal_age_worst_cohort=worst["cohort"],
            equal_age_worst_rate=float(worst["rate"]),
        )
    else:
        f.update(
            equal_age_best_cohort=None,
            equal_age_best_rate=None,
            equal_age_worst_cohort=None,
            equal_age_worst_rate=None,
        )
    return f


def _period_figures(pv: pd.DataFrame, *, periods) -> dict:
    opp = pv.loc[pv["milestone"] == "opportunity"]
    n_opp = int(opp["count"].sum())
    late = int(opp.loc[opp["periods_since"] >= periods, "count"].sum())
    f: dict[str, object] = {
        "opportunities": n_opp,
        "opportunities_late_share": late / n_opp if n_opp else None,
    }
    meet = pv.loc[pv["milestone"] == "meeting"]
    n_meet = int(meet["count"].sum())
    earlier = meet["count"].where(meet["from_earlier_cohort"], 0)
    f["meetings_from_earlier_share"] = int(earlier.sum()) / n_meet if n_meet else None
    if n_meet:
        latest = max(meet["period"])
        last = meet.loc[meet["period"] == latest]
        tot = int(last["count"].sum())
        f["latest_period"] = latest
        f["meetings_latest_period"] = tot
        f["meetings_latest_from_earlier_share"] = (
            int(last.loc[last["from_earlier_cohort"], "count"].sum()) / tot
        )
    else:
        f.update(
            latest_period=None, meetings_latest_period=0, meetings_latest_from_earlier_share=None
        )
    return f


def _handoff_figures(handoff, not_followed_up, *, sla_days, min_cell_leads) -> dict:
    owners = handoff.loc[handoff["level"] == "owner"]
    per_owner = owners.groupby("owner_id", as_index=False)[["handed_off", "followed_up"]].sum()
    handed, followed = int(per_owner["handed_off"].sum()), int(per_owner["followed_up"].sum())
    lo, hi = wilson_interval([followed], [handed])
    open_mask = not_followed_up["sla_open"].astype(bool)
    missed = not_followed_up.loc[~open_mask]
    never = missed.loc[missed["first_touch_after_handoff"].isna()]
    f: dict[str, object] = dict(
        handed_off=handed,
        followed_up=followed,
        followup_rate=followed / handed if handed else None,
        followup_rate_ci=[_none(lo[0]), _none(hi[0])],
        sla_days=sla_days,
        not_followed_up=len(missed),
        not_followed_up_never_touched=len(never),
        not_followed_up_sla_open=int(open_mask.sum()),
        longest_wait_days=_none(never["days_waiting"].max()) if len(never) else None,
    )
    all_rows = handoff.loc[handoff["level"] == "all"]
    f["median_days_to_first_touch"] = (
        _none(all_rows["median_days_to_first_touch"].iloc[0])
        if "segment" not in handoff.columns and len(all_rows)
        else None
    )
    per_owner["rate"] = per_owner["followed_up"] / per_owner["handed_off"]
    eligible = per_owner.loc[per_owner["handed_off"] >= min_cell_leads]
    if len(eligible):
        low = eligible.sort_values(["rate", "owner_id"]).iloc[0]
        f.update(
            lowest_owner=low["owner_id"],
            lowest_owner_rate=float(low["rate"]),
            lowest_owner_handed_off=int(low["handed_off"]),
        )
    else:
        f.update(lowest_owner=None, lowest_owner_rate=None, lowest_owner_handed_off=None)
    return f


def summary_figures(
    *,
    follow_through: pd.DataFrame,
    equal_age: pd.DataFrame,
    period_vs_cohort: pd.DataFrame,
    handoff: pd.DataFrame,
    not_followed_up: pd.DataFrame,
    exclusions: pd.DataFrame,
    milestone: str = "opportunity",
    periods: int = 3,
    sla_days: float = 2,
    min_cell_leads: int = 20,
    segment_by: str | None = None,
) -> dict:
    """Key figures for ``summary.json``, from the outputs of the topic functions.

    Segmented inputs are pooled by adding counts (segments partition the
    leads), so the figures are the same with or without ``segment_by``
    except ``median_days_to_first_touch``, which is only taken from an
    unsegmented handoff table (None otherwise).

    Parameters
    ----------
    follow_through, equal_age, period_vs_cohort, handoff, not_followed_up, exclusions : DataFrame
        Outputs of :func:`~workbook.analyses.cohort.follow_through`,
        :func:`~workbook.analyses.cohort.equal_age`,
        :func:`~workbook.analyses.cohort.period_vs_cohort` (one grain),
        :func:`~workbook.analyses.cohort.handoff_followup`,
        :func:`~workbook.analyses.cohort.not_followed_up` and
        :func:`~workbook.analyses.cohort.milestone_exclusions`.
    milestone, periods : str, int
        The equal-age milestone and age used for ``equal_age``.
    sla_days : float
        The SLA used for the handoff tables (reported as is).
    min_cell_leads : int
        Smallest cohort (and owner) eligible for best/worst and lowest owner.
    segment_by : str or None
        The segment column used (reported as is; ``""`` is None).

    Returns
    -------
    dict
        The keys listed in this module's docstring; NaN is None and numbers
        are Python numbers.
    """
    frames = {
        "follow_through": follow_through,
        "equal_age": equal_age,
        "period_vs_cohort": period_vs_cohort,
        "handoff": handoff,
        "not_followed_up": not_followed_up,
        "exclusions": exclusions,
    }
    for name, frame in frames.items():
        require_frame(frame, name)
    f = _scope_figures(follow_through, exclusions, segment_by)
    f.update(
        _equal_age_figures(
            equal_age, milestone=milestone, periods=periods, min_cell_leads=min_cell_leads
        )
    )
    f.update(_period_figures(period_vs_cohort, periods=periods))
    f.update(
        _handoff_figures(handoff, not_followed_up, sla_days=sla_days, min_cell_leads=min_cell_leads)
    )
    return {k: _none(v) for k, v in f.items()}

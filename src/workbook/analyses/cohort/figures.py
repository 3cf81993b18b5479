"""Headline figures of the cohort report (the values of ``summary.json``).

:func:`summary_figures` returns these keys:

* ``grain``, ``segment_by``; ``leads`` (leads in scope), ``cohorts`` (number
  of cohort labels), ``first_cohort``, ``last_cohort``; ``leads_excluded`` and
  ``events_ignored`` (sums over the exclusions);
* ``equal_age_milestone``, ``equal_age_periods``, ``equal_age_cohorts``
  (cohorts old enough), ``equal_age_rate`` (pooled reached / leads over those
  cohorts with a *complete* cell at that age) and ``equal_age_rate`` (pooled
  reached / leads over those cohorts) with ``equal_age_rate_ci`` (Wilson);
  cohorts are named only by :func:`extra_figures` (noise before names);
* ``opportunities`` (opportunity milestones reached) and
  ``opportunities_late_share`` (share created ``periods`` or more periods
  after the lead's cohort period); ``latest_period``,
  ``meetings_latest_period``, ``meetings_latest_from_earlier_share`` (share of
  that period's meetings from leads of earlier cohorts) and
  ``meetings_from_earlier_share`` (the same over all periods);
* ``handed_off``, ``handoff_pending`` (SLA window ends after ``as_of``, touched
  or not), ``handoff_due`` (``handed_off - handoff_pending``), ``followed_up``
  (due leads followed up in the SLA), ``followup_rate`` (``followed_up /
  handoff_due``), ``followup_rate_ci``,
  ``sla_days``, ``not_followed_up`` (SLA missed), ``not_followed_up_never_touched``
  (SLA missed and no touch at all by ``as_of``), ``not_followed_up_sla_open``
  (not yet touched but still inside the SLA window), ``longest_wait_days``
  (largest ``days_waiting`` among the never-touched; None when none),
  ``median_days_to_first_touch``;
* the keys of :func:`extra_figures` (partial cells, noise tests and named
  cohorts and owners, outcomes, projection and its track record, skipped parts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.cohort.projection import PROJECTION_LEVEL
from workbook.core.checks import require_frame
from workbook.core.stats import wilson_interval

__all__ = ["extra_figures", "summary_figures"]


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


def _equal_age_figures(equal_age: pd.DataFrame, *, milestone, periods) -> dict:
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


def _handoff_figures(handoff, not_followed_up, *, sla_days) -> dict:
    owners = handoff.loc[handoff["level"] == "owner"]
    per_owner = owners.groupby("owner_id", as_index=False)[
        ["handed_off", "pending", "due", "followed_up"]
    ].sum()
    handed, followed = int(per_owner["handed_off"].sum()), int(per_owner["followed_up"].sum())
    due, pending = int(per_owner["due"].sum()), int(per_owner["pending"].sum())
    lo, hi = wilson_interval([followed], [due])
    open_mask = not_followed_up["sla_open"].astype(bool)
    pending_mask = (
        not_followed_up["pending"].astype(bool) if "pending" in not_followed_up else open_mask
    )
    missed = not_followed_up.loc[~pending_mask]
    never = missed.loc[missed["first_touch_after_handoff"].isna()]
    f: dict[str, object] = dict(
        handed_off=handed,
        handoff_pending=pending,
        handoff_due=due,
        followed_up=followed,
        followup_rate=followed / due if due else None,
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
    f.update(_equal_age_figures(equal_age, milestone=milestone, periods=periods))
    f.update(_period_figures(period_vs_cohort, periods=periods))
    f.update(_handoff_figures(handoff, not_followed_up, sla_days=sla_days))
    return {k: _none(v) for k, v in f.items()}


def _ci(lo, hi) -> list:
    return [_none(lo), _none(hi)]


def extra_figures(tables: dict, extras: dict, *, params, skipped: list[str]) -> dict:
    """Figures of the trust issues (issue 16), added to :func:`summary_figures`.

    Keys: ``partial_cells`` (follow-through cells not complete at ``as_of``),
    ``equal_age_partial_cohorts`` (cohorts left out of the equal-age figures
    because their cell is partial); ``heterogeneity_p``,
    ``heterogeneity_method``, ``trend_slope`` (log-odds per cohort),
    ``trend_ci``, ``trend_p``, ``trend_points_per_cohort``,
    ``cohorts_named_best`` / ``cohorts_named_worst`` (labels; empty unless the
    noise helper names them), ``cohort_sentence``; ``owners_named_high`` /
    ``owners_named_low`` (names), ``owner_p``, ``owner_sentence``;
    ``won_by_365_days`` / ``lost_by_365_days`` with ``..._ci`` (Aalen-Johansen,
    all leads), ``disqualified_no_opportunity``, ``still_open``,
    ``days_to_25pct_of_wins``, ``days_to_50pct_of_wins``;
    ``projection_months``, ``projected_cohorts``, ``projection_level``,
    ``track_record_cut``, ``track_record_rows``, ``projection_mae_points``,
    ``projection_coverage``, ``track_record_reason``; ``skipped`` (parts left
    out for a missing table).
    """
    ft = tables["follow_through"]
    comp, owners, track = extras["comparison"], extras["owners"], extras["track"]
    ex = comp.extremes
    labels = dict(zip(ex.table["group"], ex.table["label"], strict=True))
    o_labels = dict(zip(owners.table["group"], owners.table["label"], strict=True))
    out_all = extras["outcomes_all"]
    inc = out_all.incidence.set_index(["outcome", "horizon_days"])
    summ = out_all.summary.iloc[0] if len(out_all.summary) else None

    def at(outcome, h, col):
        return _none(inc[col].get((outcome, h), np.nan)) if len(inc) else None

    f = {
        "partial_cells": int((~ft["complete"]).sum()) if "complete" in ft else 0,
        "equal_age_partial_cohorts": int(extras["partial_equal_age"]["cohort"].nunique()),
        "heterogeneity_p": _none(ex.test.p_value),
        "heterogeneity_method": ex.test.method,
        "trend_slope": _none(comp.trend.slope),
        "trend_ci": _ci(comp.trend.ci_low, comp.trend.ci_high),
        "trend_p": _none(comp.trend.p_value),
        "trend_points_per_cohort": _none(comp.trend.points_per_step),
        "cohorts_named_best": [labels[g] for g in ex.best],
        "cohorts_named_worst": [labels[g] for g in ex.worst],
        "cohort_sentence": comp.sentence,
        "owners_named_high": [o_labels[g] for g in owners.best],
        "owners_named_low": [o_labels[g] for g in owners.worst],
        "owner_p": _none(owners.test.p_value),
        "owner_sentence": owners.sentence,
        "won_by_365_days": at("won", 365, "cif"),
        "won_by_365_days_ci": [at("won", 365, "ci_low"), at("won", 365, "ci_high")],
        "lost_by_365_days": at("lost", 365, "cif"),
        "lost_by_365_days_ci": [at("lost", 365, "ci_low"), at("lost", 365, "ci_high")],
        "disqualified_no_opportunity": None
        if summ is None
        else int(summ["disqualified_no_opportunity"]),
        "still_open": None if summ is None else int(summ["still_open"]),
        "days_to_25pct_of_wins": None if summ is None else _none(summ["days_to_25pct_of_wins"]),
        "days_to_50pct_of_wins": None if summ is None else _none(summ["days_to_50pct_of_wins"]),
        "projection_months": int(params.projection_months),
        "projected_cohorts": int(tables["projection"]["cohort"].nunique()),
        "projection_level": PROJECTION_LEVEL,
        "track_record_cut": track.cut.date().isoformat(),
        "track_record_rows": len(track.table),
        "projection_mae_points": _none(track.mae_points),
        "projection_coverage": _none(track.coverage),
        "track_record_reason": track.reason or None,
        "skipped": list(skipped),
    }
    if extras.get("no_opportunities"):
        for k in (
            "won_by_365_days",
            "lost_by_365_days",
            "disqualified_no_opportunity",
            "still_open",
            "days_to_25pct_of_wins",
            "days_to_50pct_of_wins",
        ):
            f[k] = None
        f["won_by_365_days_ci"] = f["lost_by_365_days_ci"] = [None, None]
    return {k: _none(v) for k, v in f.items()}

"""Kaplan-Meier time from lead creation to a milestone, per group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from workbook.analyses.cohort.common import (
    TIME_TO_EVENT_COLUMNS,
    TIME_TO_EVENT_SUMMARY_COLUMNS,
    check_milestone,
    freq_of,
    group_rows,
    labels,
    milestone_col,
    ordinals,
    segment_values,
)
from workbook.analyses.cohort.milestones import resolve_milestones
from workbook.core.calendar import day, days
from workbook.core.docs import register, shared_docs

__all__ = ["KaplanMeier", "kaplan_meier", "time_to_event", "time_to_event_summary"]

_DAY = pd.Timedelta(days=1)

register(
    km_args="""leads, activities, opportunities : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day, inclusive (the censoring date).
    by : str, default "source"
        ``"cohort"`` (cohort label at ``grain``) or a ``leads`` column.
        Blank values form the group ``"(blank)"``.
    grain : str, default "quarter"
        Used when ``by="cohort"``.
    events : sequence of str
        Milestones to model (default opportunity and won).""",
)


class KaplanMeier(NamedTuple):
    """Both time-to-event tables from one set of fits.

    Attributes
    ----------
    curves : DataFrame
        As :func:`time_to_event`.
    summary : DataFrame
        As :func:`time_to_event_summary`.
    """

    curves: pd.DataFrame
    summary: pd.DataFrame


def _durations(m: pd.DataFrame, *, as_of, event: str) -> tuple[np.ndarray, np.ndarray]:
    """Calendar days from creation to the event (or to ``as_of`` when censored), and status."""
    created = days(m["created_at"])
    when = days(m[milestone_col(event)])
    status = when.notna().to_numpy()
    end = when.where(when.notna(), day(as_of))
    return ((end - created) / _DAY).to_numpy(dtype="float64"), status.astype("int64")


def _group_labels(m: pd.DataFrame, by: str, grain: str) -> pd.Series:
    if by == "cohort":
        freq = freq_of(grain)
        return pd.Series(labels(ordinals(m["created_at"], freq), freq), index=m.index)
    return segment_values(m, by)


def _fit(sub: pd.DataFrame, *, event: str, group, horizon_days: float):
    """One SurvfuncRight fit: its tidy curve and its summary row."""
    sf = SurvfuncRight(sub["days"].to_numpy(), sub["status"].to_numpy())
    n, n_ev, max_days = len(sub), int(sub["status"].sum()), float(sub["days"].max())
    curve = pd.DataFrame(
        {
            "event": event,
            "group": group,
            "days": sf.surv_times,
            "surv_prob": sf.surv_prob,
            "surv_prob_se": sf.surv_prob_se,
            "n_risk": np.asarray(sf.n_risk, dtype="int64"),
            "n_events": np.asarray(sf.n_events, dtype="int64"),
            "reached": 1.0 - sf.surv_prob,
            "leads": n,
            "max_days": max_days,
        }
    )
    # S(horizon): the step function at the last event time <= horizon (1 before any).
    pos = np.searchsorted(sf.surv_times, horizon_days, side="right")
    s_h = 1.0 if pos == 0 else float(sf.surv_prob[pos - 1])
    row = {
        "event": event,
        "group": group,
        "leads": n,
        "events": n_ev,
        "not_reached": n - n_ev,
        "median_days": float(sf.quantile(0.5)) if n_ev else np.nan,
        "reached_by_horizon": 1.0 - s_h if max_days >= horizon_days else np.nan,
        "horizon_days": horizon_days,
    }
    return curve, row


def _km(m, *, as_of, by: str, grain: str, events: Sequence[str], horizon_days: float):
    """Fit one SurvfuncRight per (event, group)."""
    for e in events:
        check_milestone(e)
    groups = group_rows(_group_labels(m, by, grain))
    curves, rows = [], []
    for event in events:
        durations, status = _durations(m, as_of=as_of, event=event)
        # One fit per group (a handful of sources or cohorts), not per row.
        for group, at in groups:
            sub = pd.DataFrame({"days": durations[at], "status": status[at]})
            curve, row = _fit(sub, event=event, group=group, horizon_days=horizon_days)
            curves.append(curve)
            rows.append(row)
    curves = [c for c in curves if len(c)]
    if curves:
        curves = pd.concat(curves, ignore_index=True)[TIME_TO_EVENT_COLUMNS]
    else:
        curves = pd.DataFrame({c: [] for c in TIME_TO_EVENT_COLUMNS})
    return KaplanMeier(curves, pd.DataFrame(rows, columns=TIME_TO_EVENT_SUMMARY_COLUMNS))


@shared_docs
def kaplan_meier(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    by: str = "source",
    grain: str = "quarter",
    events: Sequence[str] = ("opportunity", "won"),
    horizon_days: int = 90,
    milestones: pd.DataFrame | None = None,
) -> KaplanMeier:
    """:func:`time_to_event` and :func:`time_to_event_summary` from one set of fits.

    Parameters
    ----------
    {km_args}
    horizon_days : int, default 90
        Horizon of ``reached_by_horizon``, in days after creation.
    {milestones}

    Returns
    -------
    KaplanMeier
        ``(curves, summary)``, equal to the two functions' results with the
        same arguments.
    """
    m = resolve_milestones(milestones, leads, activities, opportunities, as_of=as_of)
    return _km(m, as_of=as_of, by=by, grain=grain, events=events, horizon_days=horizon_days)


@shared_docs
def time_to_event(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    by: str = "source",
    grain: str = "quarter",
    events: Sequence[str] = ("opportunity", "won"),
    milestones: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier curves of days from lead creation to a milestone.

    For each lead in scope and each event, ``days`` is the number of calendar
    days from the ``created_at`` day to the milestone day (0 = same day) when
    the milestone is reached on or before ``as_of``; otherwise the lead is
    right-censored at ``as_of`` (days from creation to the ``as_of`` day).
    Curves are fitted per group with
    :class:`statsmodels.duration.survfunc.SurvfuncRight`.

    Parameters
    ----------
    {km_args}
    {milestones}

    Returns
    -------
    DataFrame
        Tidy survival table, one row per (event, group, distinct event time):
        ``event, group, days, surv_prob`` (KM share of the group not yet
        reached just after ``days``), ``surv_prob_se`` (Greenwood),
        ``n_risk``, ``n_events``, ``reached`` (``1 - surv_prob``), ``leads``
        (group size), ``max_days`` (longest follow-up in the group, where the
        curve ends). A curve starts at (0, 1); groups with no event have no
        rows here but appear in :func:`time_to_event_summary`.
    """
    return kaplan_meier(
        leads,
        activities,
        opportunities,
        as_of=as_of,
        by=by,
        grain=grain,
        events=events,
        milestones=milestones,
    ).curves


@shared_docs
def time_to_event_summary(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    by: str = "source",
    grain: str = "quarter",
    events: Sequence[str] = ("opportunity", "won"),
    horizon_days: int = 90,
    milestones: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (event, group): size, events, median time and reach by a horizon.

    Same durations and groups as :func:`time_to_event`.

    Parameters
    ----------
    {km_args}
    horizon_days : int, default 90
        Horizon of ``reached_by_horizon``, in days after creation.
    {milestones}

    Returns
    -------
    DataFrame
        ``event, group, leads, events, not_reached, median_days,
        reached_by_horizon, horizon_days``. ``not_reached`` counts leads
        without the event by ``as_of`` (open, lost or disqualified alike: for
        what became of them see :func:`~workbook.analyses.cohort.outcomes`). ``median_days`` is
        ``SurvfuncRight.quantile(0.5)``: the first event time at which the
        Kaplan-Meier survival drops strictly below 0.5 (NaN when it never
        does). ``reached_by_horizon`` is ``1 - S(horizon_days)``, the KM
        estimate of the share reaching the event within ``horizon_days``
        days of creation (NaN when the group's longest follow-up is shorter
        than the horizon).
    """
    return kaplan_meier(
        leads,
        activities,
        opportunities,
        as_of=as_of,
        by=by,
        grain=grain,
        events=events,
        horizon_days=horizon_days,
        milestones=milestones,
    ).summary

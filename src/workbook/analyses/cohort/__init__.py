"""Cohort follow-through: what happens to leads after they are acquired.

Leads are grouped by the calendar period they were created in (their
*cohort*) and followed through four milestones. Every function is pure:
DataFrames in, DataFrames out, ``as_of`` always passed in.

Definitions (issue 3; the numbers must match these)
----------------------------------------------------
Day boundaries
    Dates are timezone-naive. Comparisons with a lead's ``created_at`` and
    with ``as_of`` are by calendar day: an event counts for a lead when
    ``created_at.normalize() <= event.normalize()`` and the event is on or
    before the ``as_of`` day (``event < as_of.normalize() + 1 day``, see
    :func:`workbook.core.links.as_of_end`).
Leads in scope
    Leads with ``created_at`` on or before the ``as_of`` day. Leads created
    later, or with no ``created_at``, are excluded and counted
    (:func:`milestone_exclusions`).
Cohort
    The calendar period of ``created_at`` at the grain: ``month`` labelled
    ``YYYY-MM``, ``quarter`` labelled ``YYYYQn``, ``year`` labelled ``YYYY``
    (:class:`pandas.Period` string forms).
Milestones (each the earliest qualifying date; NaT when none)
    ``touched``
        earliest activity whose ``lead_id`` is the lead.
    ``meeting``
        earliest activity of type ``meeting`` linked to the lead or to its
        converted opportunity (:func:`workbook.core.links.lead_activities`).
    ``opportunity``
        ``created_at`` of the lead's converted opportunity.
    ``won``
        ``close_date`` of the converted opportunity when ``is_won`` is true.
Periods since
    Milestone period minus cohort period, in whole calendar periods of the
    grain (Period ordinals): a lead created Jan 31 and touched Feb 1 is 1.
    Exported as ``months_since`` for every grain.
Observed cell
    (cohort c, milestone m, k) is observed when period c+k is not after the
    period of ``as_of``. Only observed cells are returned; an unobserved cell
    is absent, never 0.
Cell values
    ``leads`` = cohort size; ``reached`` = leads of the cohort whose milestone
    falls at or before k periods (cumulative); ``rate = reached / leads``;
    ``ci_low``/``ci_high`` = 95% Wilson interval
    (:func:`workbook.core.stats.add_wilson`, i.e. statsmodels ``proportion_confint``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from workbook.core.calendar import as_of_end
from workbook.core.links import lead_activities, lead_handoff_status
from workbook.core.stats import add_wilson, wilson_interval
from workbook.data.validate import positions

#: Milestones in funnel order.
MILESTONES: tuple[str, ...] = ("touched", "meeting", "opportunity", "won")
#: Grain name -> pandas Period frequency.
GRAINS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}
#: Export contract of follow_through.csv (extra columns follow these).
FOLLOW_THROUGH_COLUMNS = [
    "cohort",
    "milestone",
    "months_since",
    "leads",
    "reached",
    "rate",
    "ci_low",
    "ci_high",
]
HANDOFF_FOLLOWUP_COLUMNS = [
    "owner_id",
    "handed_off",
    "followed_up",
    "rate",
    "median_days_to_first_touch",
]
NOT_FOLLOWED_UP_COLUMNS = ["lead_id", "owner_id", "handed_off_at", "days_waiting"]
TIME_TO_EVENT_COLUMNS = [
    "event",
    "group",
    "days",
    "surv_prob",
    "surv_prob_se",
    "n_risk",
    "n_events",
    "reached",
    "leads",
    "max_days",
]
TIME_TO_EVENT_SUMMARY_COLUMNS = [
    "event",
    "group",
    "leads",
    "events",
    "censored",
    "median_days",
    "reached_by_horizon",
    "horizon_days",
]
#: Label used for a blank segment value or a blank owner.
BLANK = "(blank)"
#: owner_id of the all-owners row of :func:`handoff_followup`.
ALL_OWNERS = "(all owners)"

_DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _freq(grain: str) -> str:
    try:
        return GRAINS[grain]
    except KeyError:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}, got {grain!r}") from None


def _ordinals(dates: pd.Series, freq: str) -> np.ndarray:
    """Period ordinals of ``dates`` at ``freq`` as float (NaN for NaT)."""
    periods = pd.Series(dates).dt.to_period(freq)
    out = periods.array.asi8.astype("float64")
    out[periods.isna().to_numpy()] = np.nan
    return out


def _labels(ordinals, freq: str) -> np.ndarray:
    """Period labels (``YYYY-MM``, ``YYYYQn``, ``YYYY``) for integer ordinals."""
    idx = pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype="int64"), freq=freq)
    return np.asarray(idx.astype(str), dtype=object)


def _segment_values(frame: pd.DataFrame, segment_by: str | None) -> pd.Series | None:
    """Segment labels as text, blanks as :data:`BLANK`; None when not segmenting."""
    if not segment_by:
        return None
    if segment_by not in frame.columns:
        raise KeyError(f"segment_by={segment_by!r} is not a leads column")
    col = frame[segment_by]
    text = col.astype("str").where(col.notna(), BLANK)
    return text.where(text.str.strip() != "", BLANK)


def _milestone_col(m: str) -> str:
    return f"{m}_at"


def _check_milestone(milestone: str) -> None:
    if milestone not in MILESTONES:
        raise ValueError(f"milestone must be one of {MILESTONES}, got {milestone!r}")


# --------------------------------------------------------------------------
# milestones
# --------------------------------------------------------------------------
def _first_by(codes: np.ndarray, dates: np.ndarray, n: int) -> np.ndarray:
    """Earliest date per integer code ``0 .. n-1`` (NaT where a code has none)."""
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if len(codes):
        first = pd.Series(dates).groupby(codes, sort=False).min()
        out[first.index.to_numpy(dtype=np.int64)] = first.to_numpy(dtype="datetime64[ns]")
    return out


def _build_milestones(leads, activities, opportunities, *, as_of):
    """Milestone table and the exclusion counts, computed together.

    Leads are addressed by their integer position in scope (Arrow hash lookups,
    :func:`workbook.data.validate.positions`) rather than by merging on the text ids;
    ``lead_id`` is unique (validation guarantees it).
    """
    end = as_of_end(as_of)
    created_missing = leads["created_at"].isna()
    after = leads["created_at"] >= end
    scope = leads.loc[~created_missing & ~after].copy()
    scope_ids = scope["lead_id"].reset_index(drop=True)
    created_day = scope["created_at"].dt.normalize().to_numpy(dtype="datetime64[ns]")
    n = len(scope)

    counts: dict[str, int] = {
        "leads_created_after_as_of": int(after.sum()),
        "leads_missing_created_at": int(created_missing.sum()),
    }

    links = lead_activities(scope, activities, opportunities)
    li = positions(links["lead_id"], scope_ids)
    found = li >= 0
    occurred = links["occurred_at"].to_numpy(dtype="datetime64[ns]")
    cday = np.where(found, created_day[np.where(found, li, 0)], np.datetime64("NaT"))
    before = found & (occurred.astype("datetime64[D]").astype("datetime64[ns]") < cday)
    late = found & (occurred >= np.datetime64(end))
    ok = found & ~before & ~late
    counts["activities_before_lead_created_ignored"] = int(before.sum())
    counts["activities_after_as_of_ignored"] = int((late & ~before).sum())

    by_lead = ok & (links["via"] == "lead").to_numpy(dtype=bool)
    meetings = ok & (links["type"] == "meeting").fillna(False).to_numpy(dtype=bool)
    touched = _first_by(li[by_lead], occurred[by_lead], n)
    meeting = _first_by(li[meetings], occurred[meetings], n)

    conv = scope[["lead_id", "converted_opportunity_id"]].dropna()
    opps = opportunities[["opportunity_id", "created_at", "close_date", "is_won"]].rename(
        columns={"created_at": "opp_created_at"}
    )
    conv = conv.merge(
        opps, left_on="converted_opportunity_id", right_on="opportunity_id", how="left"
    )
    counts["converted_opportunity_not_found"] = int(conv["opportunity_id"].isna().sum())
    conv = conv.dropna(subset=["opportunity_id"])
    ci = positions(conv["lead_id"], scope_ids)
    conv = conv.assign(created_day=created_day[ci])

    opp_before = conv["opp_created_at"].dt.normalize() < conv["created_day"]
    opp_late = conv["opp_created_at"] >= end
    counts["opportunity_before_lead_created_ignored"] = int(opp_before.sum())
    counts["opportunity_after_as_of_ignored"] = int((opp_late & ~opp_before).sum())
    opp_ok = (~opp_before & ~opp_late & conv["opp_created_at"].notna()).to_numpy(dtype=bool)
    opp_at = conv["opp_created_at"].to_numpy(dtype="datetime64[ns]")
    opportunity = _first_by(ci[opp_ok], opp_at[opp_ok], n)

    is_won = conv["is_won"].fillna(False).astype(bool).to_numpy(dtype=bool)
    close = conv["close_date"]
    won_before = is_won & (close.dt.normalize() < conv["created_day"]).to_numpy(dtype=bool)
    won_late = is_won & (close >= end).to_numpy(dtype=bool)
    counts["won_before_lead_created_ignored"] = int(won_before.sum())
    counts["won_after_as_of_ignored"] = int((won_late & ~won_before).sum())
    won_ok = is_won & ~won_before & ~won_late & close.notna().to_numpy(dtype=bool)
    won = _first_by(ci[won_ok], close.to_numpy(dtype="datetime64[ns]")[won_ok], n)

    out = scope.reset_index(drop=True)
    for name, values in zip(MILESTONES, (touched, meeting, opportunity, won), strict=True):
        out[_milestone_col(name)] = values

    exclusions = pd.DataFrame(
        {
            "rule": list(counts),
            "count": list(counts.values()),
            "effect": [
                "lead excluded" if k.startswith("leads_") else "event ignored" for k in counts
            ],
        }
    )
    return out, exclusions


def lead_milestones(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
) -> pd.DataFrame:
    """One row per lead in scope with its four milestone dates.

    See the module docstring for the exact rules: only events on or after the
    lead's ``created_at`` day and on or before the ``as_of`` day count; leads
    created after ``as_of`` (or without ``created_at``) are not rows, and are
    counted by :func:`milestone_exclusions`.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day, inclusive.

    Returns
    -------
    DataFrame
        Every column of ``leads`` plus ``touched_at``, ``meeting_at``,
        ``opportunity_at`` and ``won_at`` (datetime64, NaT when not reached).
    """
    return _build_milestones(leads, activities, opportunities, as_of=as_of)[0]


def lead_milestones_with_exclusions(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`lead_milestones` and :func:`milestone_exclusions` from one pass.

    Returns
    -------
    tuple of DataFrame
        ``(milestones, exclusions)``, equal to ``lead_milestones(...)`` and
        ``milestone_exclusions(...)`` with the same arguments, computed once.
        Pass ``milestones`` as ``milestones=`` to the other cohort functions.
    """
    return _build_milestones(leads, activities, opportunities, as_of=as_of)


def _milestones(milestones, leads, activities, opportunities, *, as_of) -> pd.DataFrame:
    """The given milestone table, or :func:`lead_milestones` when it is None."""
    if milestones is not None:
        return milestones
    return lead_milestones(leads, activities, opportunities, as_of=as_of)


def milestone_exclusions(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
) -> pd.DataFrame:
    """Counts of leads excluded and events ignored by :func:`lead_milestones`.

    Returns
    -------
    DataFrame
        Columns ``rule, count, effect``; one row per rule, zeros included:

        * ``leads_created_after_as_of``, ``leads_missing_created_at``
          (lead excluded);
        * ``activities_before_lead_created_ignored``,
          ``activities_after_as_of_ignored``: linked (lead, activity) pairs
          dated before the lead's creation day or after the ``as_of`` day;
        * ``converted_opportunity_not_found``: converted opportunity id with
          no opportunity row (no opportunity or won milestone);
        * ``opportunity_before_lead_created_ignored``,
          ``opportunity_after_as_of_ignored``, ``won_before_lead_created_ignored``,
          ``won_after_as_of_ignored``: opportunity/won dates outside the window.
    """
    return _build_milestones(leads, activities, opportunities, as_of=as_of)[1]


def _long_events(milestones: pd.DataFrame) -> pd.DataFrame:
    """(row, milestone, date) for every reached milestone; ``row`` indexes ``milestones``."""
    cols = [_milestone_col(m) for m in MILESTONES]
    long = milestones[cols].rename(columns=dict(zip(cols, MILESTONES, strict=True)))
    long = long.rename_axis("row").reset_index()
    long = long.melt(id_vars="row", var_name="milestone", value_name="date")
    return long.dropna(subset=["date"])


# --------------------------------------------------------------------------
# follow-through triangle
# --------------------------------------------------------------------------
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
) -> pd.DataFrame:
    """Cumulative share of each cohort reaching each milestone, k periods on.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day, inclusive.
    grain : {"month", "quarter", "year"}
        Calendar period of cohorts and of periods since.
    segment_by : str or None
        A ``leads`` column (``source``, ``owner_id``...); each segment gets
        its own cohorts. Blank values form the segment ``"(blank)"``.
        ``None`` or ``""`` = no split.
    min_cell_leads : int, default 20
        Cohorts with fewer leads are flagged ``small_n``.
    milestones : DataFrame, optional
        A precomputed :func:`lead_milestones` table for the same ``as_of``
        (compute it once and pass it to every cohort function), e.g. from
        :func:`workbook.data.pushdown.lead_milestones` (activities aggregated in a
        database). When given, it is used as is and ``leads``,
        ``activities`` and ``opportunities`` are not read (they may be None);
        the result is the same as without it.

    Returns
    -------
    DataFrame
        One row per observed cell: ``cohort, milestone, months_since, leads,
        reached, rate, ci_low, ci_high`` (the export contract; see the module
        docstring), then ``small_n`` (``leads < min_cell_leads``), ``period``
        (label of period cohort + months_since), ``grain`` and, when
        segmenting, ``segment``. Cells for k = 0 .. (as_of period - cohort
        period) exist for every cohort and milestone, zeros included; later
        cells are absent. Sorted by segment, cohort, milestone (funnel order),
        months_since.
    """
    m = _milestones(milestones, leads, activities, opportunities, as_of=as_of)
    return _follow_through(
        m, as_of=as_of, grain=grain, segment_by=segment_by, min_cell_leads=min_cell_leads
    )


def _follow_through(m, *, as_of, grain, segment_by, min_cell_leads):
    freq = _freq(grain)
    asof_ord = pd.Period(pd.Timestamp(as_of), freq=freq).ordinal
    seg = _segment_values(m, segment_by)
    base = pd.DataFrame(
        {"segment": "" if seg is None else seg.to_numpy(), "c": _ordinals(m["created_at"], freq)}
    )
    base["c"] = base["c"].astype("int64")

    cohorts = (
        base.groupby(["segment", "c"], as_index=False).size().rename(columns={"size": "leads"})
    )
    ages = (asof_ord - cohorts["c"]).to_numpy() + 1
    rep = np.repeat(np.arange(len(cohorts)), ages)
    starts = np.repeat(np.cumsum(ages) - ages, ages)
    grid = cohorts.iloc[rep].reset_index(drop=True)
    grid["k"] = np.arange(len(grid)) - starts
    grid = grid.merge(pd.DataFrame({"milestone": list(MILESTONES)}), how="cross")

    ev = _long_events(m)
    ev["segment"] = base["segment"].to_numpy()[ev["row"].to_numpy()]
    ev["c"] = base["c"].to_numpy()[ev["row"].to_numpy()]
    ev["k"] = (_ordinals(ev["date"], freq) - ev["c"]).astype("int64")
    hits = ev.groupby(["segment", "c", "milestone", "k"], as_index=False).size()

    out = grid.merge(hits, on=["segment", "c", "milestone", "k"], how="left")
    out["size"] = out["size"].fillna(0).astype("int64")
    out["m_order"] = out["milestone"].map({n: i for i, n in enumerate(MILESTONES)})
    out = out.sort_values(["segment", "c", "m_order", "k"], kind="stable")
    out["reached"] = out.groupby(["segment", "c", "milestone"])["size"].cumsum().astype("int64")
    out = add_wilson(out, "reached", "leads")
    out["cohort"] = _labels(out["c"], freq)
    out["period"] = _labels(out["c"] + out["k"], freq)
    out["months_since"] = out["k"].astype("int64")
    out["leads"] = out["leads"].astype("int64")
    out["small_n"] = out["leads"] < min_cell_leads
    out["grain"] = grain
    cols = [*FOLLOW_THROUGH_COLUMNS, "small_n", "period", "grain"]
    if seg is not None:
        cols.append("segment")
    return out[cols].reset_index(drop=True)


def equal_age(
    follow_through_table: pd.DataFrame,
    *,
    periods: int = 3,
    milestone: str = "opportunity",
) -> pd.DataFrame:
    """Share of each cohort that reached ``milestone`` by ``periods`` periods.

    "By period k" means at or before k whole calendar periods after the
    cohort's period (``months_since <= k``, cumulative), so every cohort is
    compared at the same age. Only cohorts whose cell k is observed (period
    cohort + k not after the ``as_of`` period) appear; younger cohorts are
    left out, not shown as 0.

    Parameters
    ----------
    follow_through_table : DataFrame
        Output of :func:`follow_through` (any grain, segmented or not).
    periods : int, default 3
        The age k at which cohorts are compared.
    milestone : str, default "opportunity"
        One of :data:`MILESTONES`.

    Returns
    -------
    DataFrame
        The follow-through rows at ``months_since == periods`` for
        ``milestone``: same columns, one row per (segment,) cohort.
    """
    _check_milestone(milestone)
    ft = follow_through_table
    sel = (ft["milestone"] == milestone) & (ft["months_since"] == int(periods))
    return ft.loc[sel].reset_index(drop=True)


# --------------------------------------------------------------------------
# time to event
# --------------------------------------------------------------------------
def _durations(m: pd.DataFrame, *, as_of, event: str) -> tuple[np.ndarray, np.ndarray]:
    created = m["created_at"].dt.normalize()
    when = m[_milestone_col(event)].dt.normalize()
    as_of_day = pd.Timestamp(as_of).normalize()
    status = when.notna().to_numpy()
    end = when.where(when.notna(), as_of_day)
    days = ((end - created) / _DAY).to_numpy(dtype="float64")
    return days, status.astype("int64")


def _group_labels(m: pd.DataFrame, by: str, grain: str) -> pd.Series:
    if by == "cohort":
        freq = _freq(grain)
        return pd.Series(_labels(_ordinals(m["created_at"], freq), freq), index=m.index)
    return _segment_values(m, by)


def _km(m: pd.DataFrame, *, as_of, by: str, grain: str, events: Sequence[str], horizon_days: float):
    """Fit one SurvfuncRight per (event, group); return (curves, summary)."""
    for e in events:
        _check_milestone(e)
    groups = _group_labels(m, by, grain)
    curves, rows = [], []
    for event in events:
        days, status = _durations(m, as_of=as_of, event=event)
        data = pd.DataFrame({"group": groups.to_numpy(), "days": days, "status": status})
        # One fit per group (a handful of sources or cohorts), not per row.
        for group, sub in data.groupby("group", sort=True):
            sf = SurvfuncRight(sub["days"].to_numpy(), sub["status"].to_numpy())
            n, n_ev, max_days = len(sub), int(sub["status"].sum()), float(sub["days"].max())
            curves.append(
                pd.DataFrame(
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
            )
            # S(horizon): the step function at the last event time <= horizon (1 before any).
            pos = np.searchsorted(sf.surv_times, horizon_days, side="right")
            s_h = 1.0 if pos == 0 else float(sf.surv_prob[pos - 1])
            rows.append(
                {
                    "event": event,
                    "group": group,
                    "leads": n,
                    "events": n_ev,
                    "censored": n - n_ev,
                    "median_days": float(sf.quantile(0.5)) if n_ev else np.nan,
                    "reached_by_horizon": 1.0 - s_h if max_days >= horizon_days else np.nan,
                    "horizon_days": horizon_days,
                }
            )
    curves = [c for c in curves if len(c)]
    if curves:
        curves = pd.concat(curves, ignore_index=True)[TIME_TO_EVENT_COLUMNS]
    else:
        curves = pd.DataFrame({c: [] for c in TIME_TO_EVENT_COLUMNS})
    summary = pd.DataFrame(rows, columns=TIME_TO_EVENT_SUMMARY_COLUMNS)
    return curves, summary


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
    leads, activities, opportunities : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day, inclusive (the censoring date).
    by : str, default "source"
        ``"cohort"`` (cohort label at ``grain``) or a ``leads`` column.
        Blank values form the group ``"(blank)"``.
    grain : str, default "quarter"
        Used when ``by="cohort"``.
    events : sequence of str
        Milestones to model (default opportunity and won).
    milestones : DataFrame, optional
        A precomputed :func:`lead_milestones` table for the same ``as_of``
        (compute it once and pass it to every cohort function). When given,
        it is used as is and ``leads``, ``activities`` and ``opportunities``
        are not read (they may be None); the result is the same as without it.

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
    m = _milestones(milestones, leads, activities, opportunities, as_of=as_of)
    return _km(m, as_of=as_of, by=by, grain=grain, events=events, horizon_days=90)[0]


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
    leads, activities, opportunities, as_of, by, grain, events
        As in :func:`time_to_event`.
    horizon_days : int, default 90
        Horizon of ``reached_by_horizon``, in days after creation.
    milestones : DataFrame, optional
        A precomputed :func:`lead_milestones` table for the same ``as_of``
        (compute it once and pass it to every cohort function). When given,
        it is used as is and ``leads``, ``activities`` and ``opportunities``
        are not read (they may be None); the result is the same as without it.

    Returns
    -------
    DataFrame
        ``event, group, leads, events, censored, median_days,
        reached_by_horizon, horizon_days``. ``median_days`` is
        ``SurvfuncRight.quantile(0.5)``: the first event time at which the
        Kaplan-Meier survival drops strictly below 0.5 (NaN when it never
        does). ``reached_by_horizon`` is ``1 - S(horizon_days)``, the KM
        estimate of the share reaching the event within ``horizon_days``
        days of creation (NaN when the group's longest follow-up is shorter
        than the horizon).
    """
    m = _milestones(milestones, leads, activities, opportunities, as_of=as_of)
    return _km(m, as_of=as_of, by=by, grain=grain, events=events, horizon_days=horizon_days)[1]


# --------------------------------------------------------------------------
# handoff follow-up
# --------------------------------------------------------------------------
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

    Returns
    -------
    DataFrame
        ``owner_id, handed_off, followed_up, rate, median_days_to_first_touch``
        (export contract), then ``ci_low, ci_high`` (Wilson 95% of the rate),
        ``sla_open`` (not yet followed up but still inside the SLA window at
        ``as_of``; they are in ``handed_off`` and not in ``followed_up``) and
        ``level`` (``"owner"`` or ``"all"``), plus ``segment`` when
        segmenting. ``median_days_to_first_touch`` is the median of
        ``days_to_first_touch`` over leads touched after handoff (in SLA or
        later; NaN when none). Blank owners are ``"(blank)"``. The last row
        (per segment) is the total over all owners, ``owner_id="(all owners)"``.
    """
    status = lead_handoff_status(leads, activities, opportunities, as_of=as_of, sla_days=sla_days)
    status["owner_id"] = _segment_values(status, "owner_id")
    keys = ["owner_id"]
    if segment_by:
        seg = _segment_values(leads, segment_by)
        seg_map = pd.Series(seg.to_numpy(), index=leads["lead_id"].to_numpy())
        seg_map = seg_map[~seg_map.index.duplicated()]
        status["segment"] = status["lead_id"].map(seg_map).to_numpy()
        keys = ["segment", "owner_id"]
    aggs = dict(
        handed_off=("lead_id", "size"),
        followed_up=("followed_up", "sum"),
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
    for c in ("handed_off", "followed_up", "sla_open"):
        out[c] = out[c].astype("int64")
    out = add_wilson(out, "followed_up", "handed_off")
    cols = [*HANDOFF_FOLLOWUP_COLUMNS, "ci_low", "ci_high", "sla_open", "level"]
    if segment_by:
        cols.append("segment")
    return out[cols].reset_index(drop=True)


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
    leads, activities, opportunities : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day, inclusive.
    sla_days : float, default 2
        Follow-up window after handoff, in days (inclusive).
    segment_by : str or None
        A ``leads`` column; adds its value as column ``segment`` (blank
        values ``"(blank)"``). ``None`` or ``""`` = no column.

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
    status = lead_handoff_status(leads, activities, opportunities, as_of=as_of, sla_days=sla_days)
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
    ]
    if segment_by:
        seg = _segment_values(leads, segment_by)
        seg_map = pd.Series(seg.to_numpy(), index=leads["lead_id"].to_numpy())
        seg_map = seg_map[~seg_map.index.duplicated()]
        out["segment"] = out["lead_id"].map(seg_map).to_numpy()
        cols.append("segment")
    return out[cols].reset_index(drop=True)


#: Bands of periods since acquisition used to stack the period view.
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 0, "0"),
    (1, 1, "1"),
    (2, 3, "2-3"),
    (4, 6, "4-6"),
    (7, 12, "7-12"),
    (13, 10**9, "13+"),
)


def age_band(periods_since) -> np.ndarray:
    """Band label of each ``periods_since`` (inclusive bounds, see :data:`AGE_BANDS`).

    ``0`` = acquired in the same period, ``1`` = the period before, then
    ``2-3``, ``4-6``, ``7-12`` and ``13+`` periods before.
    """
    k = np.asarray(periods_since, dtype="int64")
    edges = np.array([lo for lo, _, _ in AGE_BANDS])
    labels = np.array([lab for _, _, lab in AGE_BANDS], dtype=object)
    return labels[np.searchsorted(edges, k, side="right") - 1]


# --------------------------------------------------------------------------
# period view against cohort view
# --------------------------------------------------------------------------
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
    follow :func:`lead_milestones` (first occurrence per lead, within the
    lead's lifetime and on or before ``as_of``).

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day, inclusive.
    grain : {"month", "quarter", "year"}
        Calendar period of periods and cohorts.
    segment_by : str or None
        A ``leads`` column; adds its value as column ``segment`` (blank
        values ``"(blank)"``). ``None`` or ``""`` = no split.
    milestones : DataFrame, optional
        A precomputed :func:`lead_milestones` table for the same ``as_of``
        (compute it once and pass it to every cohort function). When given,
        it is used as is and ``leads``, ``activities`` and ``opportunities``
        are not read (they may be None); the result is the same as without it.

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
    freq = _freq(grain)
    m = _milestones(milestones, leads, activities, opportunities, as_of=as_of)
    seg = _segment_values(m, segment_by)
    ev = _long_events(m)
    c = _ordinals(m["created_at"], freq).astype("int64")
    ev["c"] = c[ev["row"].to_numpy()]
    ev["p"] = _ordinals(ev["date"], freq).astype("int64")
    ev["segment"] = "" if seg is None else seg.to_numpy()[ev["row"].to_numpy()]
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
    out["m_order"] = out["milestone"].map({n: i for i, n in enumerate(MILESTONES)})
    out = out.sort_values(["segment", "p", "m_order", "c"], kind="stable")
    out["period"] = _labels(out["p"], freq)
    out["cohort"] = _labels(out["c"], freq)
    out["grain"] = grain
    cols = [
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
    if seg is not None:
        cols.append("segment")
    return out[cols].reset_index(drop=True)


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

    The milestone table is computed once (or taken from ``milestones``) and
    shared by every grain.

    Parameters
    ----------
    leads, activities, opportunities, as_of, segment_by
        As in :func:`period_vs_cohort`.
    grains : sequence of str, default ("month", "quarter", "year")
        Grains to stack, in this order.
    milestones : DataFrame, optional
        A precomputed :func:`lead_milestones` table for the same ``as_of``
        (compute it once and pass it to every cohort function). When given,
        it is used as is and ``leads``, ``activities`` and ``opportunities``
        are not read (they may be None); the result is the same as without it.
    """
    m = _milestones(milestones, leads, activities, opportunities, as_of=as_of)
    frames = [
        period_vs_cohort(
            None, None, None, as_of=as_of, grain=g, segment_by=segment_by, milestones=m
        )
        for g in grains
    ]
    return pd.concat(frames, ignore_index=True)


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
        _check_milestone(m)
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


# --------------------------------------------------------------------------
# key figures and sentences
# --------------------------------------------------------------------------
def _none(x):
    """NaN -> None, numpy scalars -> Python, for summary.json."""
    if x is None:
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if np.isnan(x) else float(x)
    return x


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
    """Key figures for ``summary.json``, from the outputs of the functions above.

    Segmented inputs are pooled by adding counts (segments partition the
    leads), so the figures are the same with or without ``segment_by``
    except ``median_days_to_first_touch``, which is only taken from an
    unsegmented handoff table (None otherwise).

    Keys
    ----
    ``grain``, ``segment_by``; ``leads`` (leads in scope), ``cohorts``
    (number of cohort labels), ``first_cohort``, ``last_cohort``;
    ``leads_excluded`` and ``events_ignored`` (sums over
    :func:`milestone_exclusions`); ``equal_age_milestone``,
    ``equal_age_periods``, ``equal_age_cohorts`` (cohorts old enough),
    ``equal_age_rate`` (pooled reached / leads over those cohorts) with
    ``equal_age_rate_ci`` (Wilson), ``equal_age_best_cohort`` /
    ``equal_age_best_rate`` and ``equal_age_worst_cohort`` /
    ``equal_age_worst_rate`` (among cohorts with at least ``min_cell_leads``
    leads, or all when none is that large; ties go to the earliest cohort);
    ``opportunities`` (opportunity milestones reached) and
    ``opportunities_late_share`` (share created ``periods`` or more periods
    after the lead's cohort period); ``latest_period``, ``meetings_latest_period``,
    ``meetings_latest_from_earlier_share`` (share of that period's meetings
    from leads of earlier cohorts) and ``meetings_from_earlier_share`` (the
    same over all periods); ``handed_off``, ``followed_up``,
    ``followup_rate``, ``followup_rate_ci``, ``sla_days``,
    ``not_followed_up`` (SLA missed), ``not_followed_up_never_touched``
    (SLA missed and no touch at all by ``as_of``), ``not_followed_up_sla_open``
    (not yet touched but still inside the SLA window), ``longest_wait_days``
    (largest ``days_waiting`` among the never-touched; None when none),
    ``median_days_to_first_touch``, ``lowest_owner`` / ``lowest_owner_rate``
    / ``lowest_owner_handed_off`` (lowest follow-up rate among owners with
    at least ``min_cell_leads`` handed-off leads; None when none).
    """
    ft = follow_through
    seg_cols = ["segment"] if "segment" in ft.columns else []
    sizes = ft.drop_duplicates([*seg_cols, "cohort"])
    cohort_labels = sorted(ft["cohort"].unique())
    grain = ft["grain"].iloc[0] if len(ft) else None

    ex = exclusions
    f: dict[str, object] = {
        "grain": grain,
        "segment_by": segment_by or None,
        "leads": int(sizes["leads"].sum()),
        "cohorts": len(cohort_labels),
        "first_cohort": cohort_labels[0] if cohort_labels else None,
        "last_cohort": cohort_labels[-1] if cohort_labels else None,
        "leads_excluded": int(ex.loc[ex["effect"] == "lead excluded", "count"].sum()),
        "events_ignored": int(ex.loc[ex["effect"] == "event ignored", "count"].sum()),
    }

    ea = equal_age.groupby("cohort", as_index=False)[["reached", "leads"]].sum()
    f["equal_age_milestone"] = milestone
    f["equal_age_periods"] = int(periods)
    f["equal_age_cohorts"] = len(ea)
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

    pv = period_vs_cohort
    opp = pv.loc[pv["milestone"] == "opportunity"]
    n_opp = int(opp["count"].sum())
    f["opportunities"] = n_opp
    late = int(opp.loc[opp["periods_since"] >= periods, "count"].sum())
    f["opportunities_late_share"] = late / n_opp if n_opp else None
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

    owners = handoff.loc[handoff["level"] == "owner"]
    per_owner = owners.groupby("owner_id", as_index=False)[["handed_off", "followed_up"]].sum()
    handed, followed = int(per_owner["handed_off"].sum()), int(per_owner["followed_up"].sum())
    lo, hi = wilson_interval([followed], [handed])
    open_mask = not_followed_up["sla_open"].astype(bool)
    missed = not_followed_up.loc[~open_mask]
    never = missed.loc[missed["first_touch_after_handoff"].isna()]
    f.update(
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
    return {k: _none(v) for k, v in f.items()}


def _pct(x) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _unit(grain: str | None, n: int | float = 2) -> str:
    word = {"month": "month", "quarter": "quarter", "year": "year"}.get(grain or "", "period")
    return word if n == 1 else f"{word}s"


def age_phrase(periods: int, grain: str | None) -> str:
    """Plain words for "at or before ``periods`` calendar periods after the cohort's period".

    ``age_phrase(3, "month")`` is ``"within 3 calendar months after the
    acquisition month"`` (the acquisition month plus the next three);
    ``age_phrase(0, "month")`` is ``"in the acquisition month"``.
    """
    k = int(periods)
    one = _unit(grain, 1)
    if k == 0:
        return f"in the acquisition {one}"
    return f"within {k} calendar {_unit(grain, k)} after the acquisition {one}"


def summary_sentences(figures: dict) -> list[str]:
    """3-5 plain-text sentences built from :func:`summary_figures` output.

    Text is plain (the report escapes it); numbers come only from ``figures``.
    """
    f = figures
    out: list[str] = []
    k = f["equal_age_periods"]
    what = {
        "touched": "a first touch",
        "meeting": "a meeting",
        "opportunity": "an opportunity",
        "won": "a won deal",
    }[f["equal_age_milestone"]]
    if f["equal_age_rate"] is None:
        out.append(
            f"{f['leads']:,} leads in {f['cohorts']:,} cohorts; none is old enough yet to "
            f"compare the share reaching {what} {age_phrase(k, f['grain'])}."
        )
    else:
        lo, hi = f["equal_age_rate_ci"]
        spread = ""
        if f["equal_age_best_cohort"] is not None and f["equal_age_cohorts"] > 1:
            spread = (
                f"; cohorts range from {_pct(f['equal_age_worst_rate'])} "
                f"({f['equal_age_worst_cohort']}) to {_pct(f['equal_age_best_rate'])} "
                f"({f['equal_age_best_cohort']})"
            )
        out.append(
            f"Of {f['leads']:,} leads acquired {f['first_cohort']} to {f['last_cohort']}, "
            f"{_pct(f['equal_age_rate'])} (95% CI {_pct(lo)}-{_pct(hi)}) of the "
            f"leads in the {f['equal_age_cohorts']:,} "
            f"{'cohort' if f['equal_age_cohorts'] == 1 else 'cohorts'} old enough reached {what} "
            f"{age_phrase(k, f['grain'])}{spread}."
        )
    if f["meetings_latest_from_earlier_share"] is not None:
        per = _unit(f["grain"], 1)
        out.append(
            f"{_pct(f['meetings_latest_from_earlier_share'])} of the "
            f"{f['meetings_latest_period']:,} meetings in {f['latest_period']} came from leads "
            f"acquired in an earlier {per} ({_pct(f['meetings_from_earlier_share'])} over all "
            f"{_unit(f['grain'])}); a single-{per} KPI hides which cohort earned them."
        )
    if f["opportunities_late_share"] is not None:
        out.append(
            f"{_pct(f['opportunities_late_share'])} of {f['opportunities']:,} opportunities were "
            f"created {k} or more calendar {_unit(f['grain'])} after the lead's acquisition "
            f"{_unit(f['grain'], 1)}."
        )
    if f["handed_off"]:
        sla = f["sla_days"]
        sla_txt = f"{sla:g} day" if sla == 1 else f"{sla:g} days"
        tail = ""
        if f["lowest_owner"] is not None:
            tail = (
                f" Lowest: owner {f['lowest_owner']} at {_pct(f['lowest_owner_rate'])} of "
                f"{f['lowest_owner_handed_off']:,}."
            )
        wait = ""
        if f["not_followed_up_never_touched"]:
            wait = (
                f"; {f['not_followed_up_never_touched']:,} were never touched, the oldest "
                f"waiting {f['longest_wait_days']:,.0f} days"
            )
        out.append(
            f"Sales followed up {_pct(f['followup_rate'])} of {f['handed_off']:,} handed-off "
            f"leads within {sla_txt}; {f['not_followed_up']:,} missed the window{wait}.{tail}"
        )
    else:
        out.append("No lead was handed off to sales on or before the as-of date.")
    parts = []
    if f["leads_excluded"]:
        parts.append(
            f"{f['leads_excluded']:,} {'lead' if f['leads_excluded'] == 1 else 'leads'} "
            "created after the as-of date (or undated) "
            f"{'was' if f['leads_excluded'] == 1 else 'were'} excluded"
        )
    if f["events_ignored"]:
        parts.append(
            f"{f['events_ignored']:,} milestone events dated before the lead was "
            "created or after the as-of date were ignored"
        )
    if parts:
        text = " and ".join(parts)
        out.append(text[0].upper() + text[1:] + ".")
    return out[:5]


__all__ = [
    "ALL_OWNERS",
    "BLANK",
    "FOLLOW_THROUGH_COLUMNS",
    "GRAINS",
    "MILESTONES",
    "equal_age",
    "follow_through",
    "handoff_followup",
    "lead_milestones",
    "lead_milestones_with_exclusions",
    "milestone_exclusions",
    "not_followed_up",
    "age_band",
    "age_phrase",
    "period_kpis",
    "period_views",
    "period_vs_cohort",
    "summary_figures",
    "summary_sentences",
    "time_to_event",
    "time_to_event_summary",
]

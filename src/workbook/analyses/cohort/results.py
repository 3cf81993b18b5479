"""What one run of the cohort report holds (see :func:`workbook.analyses.cohort.run`)."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from workbook.core.results import ReportResults, results_class, table

__all__ = ["Results"]


@results_class
class Results(ReportResults):
    """Every table, figure and sentence of one ``cohort`` run.

    Exported tables become ``OUT/cohort/<stem>.csv``; :meth:`exports` lists
    them. ``figures`` are the headline figures of ``summary.json``
    (:func:`~workbook.analyses.cohort.summary_figures`), ``sentences`` and
    ``cards`` the executive summary
    (:mod:`workbook.analyses.cohort.narrative`).
    """

    report: ClassVar[str] = "cohort"
    title: ClassVar[str] = "Cohort follow-through"

    follow_through: pd.DataFrame = table(
        "one row per observed (cohort, milestone, periods since) cell: cumulative rate and CI"
    )
    equal_age: pd.DataFrame = table(
        "one row per cohort old enough: follow-through at equal_age_periods for milestone"
    )
    cohort_comparison: pd.DataFrame = table(
        "one row per cohort compared at equal age: rate, 95%/99.8% funnel limits, position, named"
    )
    cohort_funnel: pd.DataFrame = table(
        "funnel limits on a grid of cohort sizes, for the funnel plot", export=False
    )
    time_to_event: pd.DataFrame = table(
        "Kaplan-Meier curves: one row per (event, group, distinct event time)"
    )
    time_to_event_summary: pd.DataFrame = table(
        "one row per (event, group): leads, events, median days, reached by 90 days"
    )
    outcomes: pd.DataFrame = table(
        "one row per (group, won/lost, horizon): Aalen-Johansen cumulative incidence and CI"
    )
    outcome_summary: pd.DataFrame = table(
        "one row per group: won, lost, disqualified without opportunity, still open, win timing"
    )
    outcome_curves: pd.DataFrame = table(
        "Aalen-Johansen curves: one row per (group, outcome, distinct time)", export=False
    )
    projection: pd.DataFrame = table(
        "one row per (milestone, young cohort): Bornhuetter-Ferguson month-K rate and interval"
    )
    projection_track_record: pd.DataFrame = table(
        "one row per (milestone, cohort) projected at the cut 12 months back: projected vs actual"
    )
    handoff_followup: pd.DataFrame = table(
        "one row per owner (and the all-owners total): handed off, followed up in the SLA"
    )
    owner_followup_comparison: pd.DataFrame = table(
        "one row per owner: due handoffs, in-SLA rate, funnel limits, position (noise helper)"
    )
    not_followed_up: pd.DataFrame = table(
        "one row per handed-off lead not followed up in the SLA, never-touched first"
    )
    period_views: pd.DataFrame = table(
        "one row per (grain, period, milestone, cohort) with events; month, quarter, year",
        stem="period_vs_cohort",
    )
    period_kpis: pd.DataFrame = table(
        "one row per (grain, period): milestone counts and the share from earlier cohorts"
    )
    exclusions: pd.DataFrame = table(
        "one row per exclusion rule: leads excluded or events ignored, zeros included"
    )
    period_view: pd.DataFrame = table(
        "period_vs_cohort at the report's grain (charts, headline figures)", export=False
    )
    handoff_status: pd.DataFrame = table(
        "one row per lead handed off on or before as_of (links.lead_handoff_status)",
        export=False,
    )
    milestones: pd.DataFrame = table(
        "one row per lead in scope with its four milestone dates (lead_milestones)",
        export=False,
    )

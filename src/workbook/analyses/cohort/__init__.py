"""Cohort follow-through: what happens to leads after they are acquired.

The report answers: of the leads acquired in a period (a *cohort*), how many
were touched, got a meeting, became an opportunity and were won, and how long
after acquisition? Are younger cohorts doing better or worse than older ones
at the same age? How much of a period's meetings and opportunities came from
leads acquired in earlier periods? Were the leads marketing handed to sales
followed up in time, and which ones are still waiting?

One call computes it all::

    import workbook
    from workbook.analyses import cohort

    res = cohort.run(workbook.load(), grain="quarter")
    res.follow_through, res.equal_age, res.figures, res.sentences

The topic functions below are pure (DataFrames in, DataFrames out, ``as_of``
always passed in) and can be called on their own; compute the milestone table
once (:func:`lead_milestones_with_exclusions`) and pass it as ``milestones=``.

Modules: ``milestones`` (per-lead milestone dates), ``follow_through``
(triangle with the ``complete`` flag, equal age), ``compare`` (noise before
names: equal-rate and trend tests, funnel), ``outcomes`` (won and lost as
competing risks, Aalen-Johansen), ``projection`` (Bornhuetter-Ferguson
projection of young cohorts and its track record), ``time_to_event``
(Kaplan-Meier), ``handoff`` (SLA follow-up, pending, owners), ``periods`` (period view against cohort view), ``figures``
(headline figures), ``narrative`` (sentences, cards), ``params``,
``results``, ``pipeline`` (:func:`run`).

Definitions (issue 3; the numbers must match these)
----------------------------------------------------
Day boundaries
    Dates are timezone-naive. Comparisons with a lead's ``created_at`` and
    with ``as_of`` are by calendar day: an event counts for a lead when
    ``created_at.normalize() <= event.normalize()`` and the event is on or
    before the ``as_of`` day (``event < as_of.normalize() + 1 day``, see
    :func:`workbook.core.calendar.as_of_end`).
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

from workbook.core.lazy import attach

#: Public name -> the module of this package that defines it, imported on first
#: use (:func:`workbook.core.lazy.attach`), so that reading ``Params`` does not
#: import the statistics.
_EXPORTS = {
    "ALL_OWNERS": "common",
    "BLANK": "common",
    "FOLLOW_THROUGH_COLUMNS": "common",
    "GRAINS": "common",
    "HANDOFF_FOLLOWUP_COLUMNS": "common",
    "MILESTONES": "common",
    "NOT_FOLLOWED_UP_COLUMNS": "common",
    "TIME_TO_EVENT_COLUMNS": "common",
    "TIME_TO_EVENT_SUMMARY_COLUMNS": "common",
    "CohortComparison": "compare",
    "TrendTest": "compare",
    "cohort_comparison": "compare",
    "trend_test": "compare",
    "extra_figures": "figures",
    "summary_figures": "figures",
    "equal_age": "follow_through",
    "follow_through": "follow_through",
    "last_complete_ordinal": "follow_through",
    "partial_equal_age": "follow_through",
    "HandoffTables": "handoff",
    "add_owner_names": "handoff",
    "handoff_followup": "handoff",
    "handoff_tables": "handoff",
    "not_followed_up": "handoff",
    "owner_comparison": "handoff",
    "owner_names": "handoff",
    "MilestoneTables": "milestones",
    "lead_milestones": "milestones",
    "lead_milestones_with_exclusions": "milestones",
    "milestone_exclusions": "milestones",
    "milestones_from_aggregates": "milestones",
    "age_phrase": "narrative",
    "headline_cards": "narrative",
    "summary_sentences": "narrative",
    "HORIZONS": "outcomes",
    "OUTCOMES": "outcomes",
    "Outcomes": "outcomes",
    "lead_outcomes": "outcomes",
    "outcomes": "outcomes",
    "Params": "params",
    "AGE_BANDS": "periods",
    "age_band": "periods",
    "period_kpis": "periods",
    "period_views": "periods",
    "period_vs_cohort": "periods",
    "run": "pipeline",
    "PROJECTION_COLUMNS": "projection",
    "TRACK_RECORD_COLUMNS": "projection",
    "TrackRecord": "projection",
    "bornhuetter_ferguson": "projection",
    "development_factors": "projection",
    "projection": "projection",
    "projection_track_record": "projection",
    "reporting_pattern": "projection",
    "triangle": "projection",
    "Results": "results",
    "KaplanMeier": "time_to_event",
    "kaplan_meier": "time_to_event",
    "time_to_event": "time_to_event",
    "time_to_event_summary": "time_to_event",
}

attach(__name__, _EXPORTS)

__all__ = [
    "AGE_BANDS",
    "HORIZONS",
    "OUTCOMES",
    "PROJECTION_COLUMNS",
    "TRACK_RECORD_COLUMNS",
    "CohortComparison",
    "Outcomes",
    "TrackRecord",
    "TrendTest",
    "add_owner_names",
    "bornhuetter_ferguson",
    "cohort_comparison",
    "development_factors",
    "extra_figures",
    "last_complete_ordinal",
    "lead_outcomes",
    "outcomes",
    "owner_comparison",
    "owner_names",
    "partial_equal_age",
    "projection",
    "projection_track_record",
    "reporting_pattern",
    "trend_test",
    "triangle",
    "ALL_OWNERS",
    "BLANK",
    "FOLLOW_THROUGH_COLUMNS",
    "GRAINS",
    "HANDOFF_FOLLOWUP_COLUMNS",
    "MILESTONES",
    "NOT_FOLLOWED_UP_COLUMNS",
    "TIME_TO_EVENT_COLUMNS",
    "TIME_TO_EVENT_SUMMARY_COLUMNS",
    "HandoffTables",
    "KaplanMeier",
    "MilestoneTables",
    "Params",
    "Results",
    "age_band",
    "age_phrase",
    "equal_age",
    "follow_through",
    "handoff_followup",
    "handoff_tables",
    "headline_cards",
    "kaplan_meier",
    "lead_milestones",
    "lead_milestones_with_exclusions",
    "milestones_from_aggregates",
    "milestone_exclusions",
    "not_followed_up",
    "period_kpis",
    "period_views",
    "period_vs_cohort",
    "run",
    "summary_figures",
    "summary_sentences",
    "time_to_event",
    "time_to_event_summary",
]

"""Engagement and pipeline hygiene: who is engaged, what is not being worked, what to do next.

The report answers

* which accounts are highly engaged, medium or dormant (no recent activity,
  new opportunity or converted lead in the window), by owner and industry,
  how much that depends on the window, and which dormant accounts still
  carry open pipeline;
* which open opportunities and leads are not being worked (stale, below the
  won-deal activity benchmark, past their close date, handed off and never
  touched);
* what to do next on each open opportunity (recommended actions, including a
  win-probability model checked against the rep's forecast);
* how clean the lead pipeline is (funnel, statuses, leads to archive or
  nurture, open leads nobody owns).

One call gives everything the notebook shows::

    res = engagement.run(crm, stale_days=30)
    res.at_risk, res.recommendations, res.figures["dormant_accounts"]

The topic modules hold the pure DataFrame functions: :mod:`.window`,
:mod:`.records`, :mod:`.levels`, :mod:`.effectiveness`, :mod:`.leads`,
:mod:`.hygiene`, :mod:`.benchmark` (age-matched activity benchmark),
:mod:`.snapshots` and :mod:`.win_model` (the snapshot win model),
:mod:`.backtest` (its out-of-time skill gate), :mod:`.track_record`
(levels' track record, win rates by segment), :mod:`.actions` (recommended actions),
:mod:`.figures`; :mod:`.narrative` holds the wording. Every definition is in
``docs/reports/engagement.md``.
"""

from workbook.core.lazy import attach

#: Public name -> the module of this package that defines it, imported on first
#: use (:func:`workbook.core.lazy.attach`), so that reading ``Params`` does not
#: import the statistics.
_EXPORTS = {
    "RECOMMENDATION_COLUMNS": "actions",
    "recommendation_counts": "actions",
    "recommendations": "actions",
    "Backtest": "backtest",
    "backtest_win_model": "backtest",
    "age_matched_percentile": "benchmark",
    "benchmark_by_age_band": "benchmark",
    "won_deals_at_own_age": "benchmark",
    "won_reference": "benchmark",
    "NO_GROUP": "common",
    "open_at": "common",
    "round_half_up": "common",
    "EFFECTIVENESS_COLUMNS": "effectiveness",
    "effectiveness_by": "effectiveness",
    "opportunity_effectiveness": "effectiveness",
    "summary_figures": "figures",
    "archive_candidates": "hygiene",
    "lead_funnel": "hygiene",
    "lead_status_counts": "hygiene",
    "unowned_open_leads": "hygiene",
    "handed_off_count": "leads",
    "handoff_not_worked": "leads",
    "lead_effectiveness_by_owner": "leads",
    "stale_leads": "leads",
    "ACCOUNT_EXPORT_COLUMNS": "levels",
    "DORMANT": "levels",
    "HIGH": "levels",
    "LEVEL_COLUMNS": "levels",
    "LEVELS": "levels",
    "MEDIUM": "levels",
    "at_risk": "levels",
    "engagement_levels": "levels",
    "high_threshold": "levels",
    "level_counts": "levels",
    "levels_by": "levels",
    "open_pipeline": "levels",
    "window_sensitivity": "levels",
    "headline_cards": "narrative",
    "level_note": "narrative",
    "model_note": "narrative",
    "summary_sentences": "narrative",
    "window_note": "narrative",
    "Params": "params",
    "run": "pipeline",
    "recent_records": "records",
    "unmatched_records": "records",
    "Results": "results",
    "FEATURES": "snapshots",
    "deal_features": "snapshots",
    "snapshot_rows": "snapshots",
    "level_track_record": "track_record",
    "segment_deals": "track_record",
    "win_rates_by": "track_record",
    "WinModel": "win_model",
    "fit_win_model": "win_model",
    "probability_variance": "win_model",
    "score_deals": "win_model",
    "FALLBACK_WINDOW_DAYS": "window",
    "default_window_days": "window",
    "window_basis": "window",
}

attach(__name__, _EXPORTS)

__all__ = [
    "ACCOUNT_EXPORT_COLUMNS",
    "DORMANT",
    "EFFECTIVENESS_COLUMNS",
    "FALLBACK_WINDOW_DAYS",
    "HIGH",
    "LEVELS",
    "LEVEL_COLUMNS",
    "MEDIUM",
    "NO_GROUP",
    "Params",
    "RECOMMENDATION_COLUMNS",
    "Results",
    "WinModel",
    "archive_candidates",
    "at_risk",
    "Backtest",
    "FEATURES",
    "backtest_win_model",
    "deal_features",
    "score_deals",
    "snapshot_rows",
    "default_window_days",
    "effectiveness_by",
    "engagement_levels",
    "fit_win_model",
    "handed_off_count",
    "handoff_not_worked",
    "headline_cards",
    "high_threshold",
    "lead_effectiveness_by_owner",
    "lead_funnel",
    "lead_status_counts",
    "level_counts",
    "level_note",
    "levels_by",
    "model_note",
    "open_at",
    "open_pipeline",
    "opportunity_effectiveness",
    "probability_variance",
    "recent_records",
    "recommendation_counts",
    "recommendations",
    "round_half_up",
    "run",
    "stale_leads",
    "summary_figures",
    "summary_sentences",
    "unmatched_records",
    "unowned_open_leads",
    "window_basis",
    "window_note",
    "window_sensitivity",
    "won_deals_at_own_age",
    "won_reference",
    "age_matched_percentile",
    "benchmark_by_age_band",
    "level_track_record",
    "segment_deals",
    "win_rates_by",
]

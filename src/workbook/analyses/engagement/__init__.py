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

from workbook.analyses.engagement.actions import (
    RECOMMENDATION_COLUMNS,
    recommendation_counts,
    recommendations,
)
from workbook.analyses.engagement.backtest import Backtest, backtest_win_model
from workbook.analyses.engagement.benchmark import (
    age_matched_percentile,
    benchmark_by_age_band,
    won_deals_at_own_age,
    won_reference,
)
from workbook.analyses.engagement.common import NO_GROUP, open_at, round_half_up
from workbook.analyses.engagement.effectiveness import (
    EFFECTIVENESS_COLUMNS,
    effectiveness_by,
    opportunity_effectiveness,
)
from workbook.analyses.engagement.figures import summary_figures
from workbook.analyses.engagement.hygiene import (
    archive_candidates,
    lead_funnel,
    lead_status_counts,
    unowned_open_leads,
)
from workbook.analyses.engagement.leads import (
    handed_off_count,
    handoff_not_worked,
    lead_effectiveness_by_owner,
    stale_leads,
)
from workbook.analyses.engagement.levels import (
    ACCOUNT_EXPORT_COLUMNS,
    DORMANT,
    HIGH,
    LEVEL_COLUMNS,
    LEVELS,
    MEDIUM,
    at_risk,
    engagement_levels,
    high_threshold,
    level_counts,
    levels_by,
    open_pipeline,
    window_sensitivity,
)
from workbook.analyses.engagement.narrative import (
    headline_cards,
    level_note,
    model_note,
    summary_sentences,
    window_note,
)
from workbook.analyses.engagement.params import Params
from workbook.analyses.engagement.pipeline import run
from workbook.analyses.engagement.records import recent_records, unmatched_records
from workbook.analyses.engagement.results import Results
from workbook.analyses.engagement.snapshots import FEATURES, deal_features, snapshot_rows
from workbook.analyses.engagement.track_record import (
    level_track_record,
    segment_deals,
    win_rates_by,
)
from workbook.analyses.engagement.win_model import (
    WinModel,
    fit_win_model,
    probability_variance,
    score_deals,
)
from workbook.analyses.engagement.window import (
    FALLBACK_WINDOW_DAYS,
    default_window_days,
    window_basis,
)

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

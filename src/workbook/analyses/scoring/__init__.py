"""Score against win: does the marketing score predict wins, and where to set the hand-off threshold.

One call computes the whole report::

    import workbook
    from workbook import scoring

    res = scoring.run(workbook.load(), capacity_per_month=50)
    res.threshold_comparison      # current against recommended threshold
    res.figures["auc"]            # the numbers of summary.json
    res.track_record              # the recommendation at earlier cuts

:func:`run` takes :class:`Params` and returns :class:`Results`. The topic
functions below are pure (DataFrames in, DataFrames out, ``as_of`` passed in)
and can be called one at a time; ``docs/reports/scoring.md`` gives every
definition.

Modules: :mod:`.outcomes` (matured, won within the horizon), :mod:`.relational`
(the engine's expressions: outcomes, exclusions, counts, (score, won) counts), :mod:`.thresholds`
(grid, sweep, comparison, band given up), :mod:`.capacity` (inflow, p_over_capacity,
recommendation), :mod:`.backtest` (track record, out-of-time calibration), :mod:`.cells` (cell-count AUC and bootstrap),
:mod:`.discrimination` (AUC, logistic fit, calibration, correlations, deal
size), :mod:`.bands`, :mod:`.segments`, :mod:`.decay` (day-L landmark what-if),
:mod:`.figures` (summary.json), :mod:`.narrative` (sentences and cards),
:mod:`.params`, :mod:`.results`, :mod:`.pipeline`.
"""

from workbook.core.lazy import attach

#: Public name -> the module of this package that defines it, imported on first
#: use (:func:`workbook.core.lazy.attach`), so that reading ``Params`` does not
#: import the statistics.
_EXPORTS = {
    "out_of_time_calibration": "backtest",
    "recommendation_at": "backtest",
    "track_record": "backtest",
    "band_table": "bands",
    "capacity_months_table": "capacity",
    "capacity_table": "capacity",
    "complete_months": "capacity",
    "p_over_capacity": "capacity",
    "recommend_threshold": "capacity",
    "BOOT_CHUNK_CELLS": "cells",
    "auc_from_cells": "cells",
    "cell_bootstrap_interval": "cells",
    "score_cells": "cells",
    "threshold_rates_from_cells": "cells",
    "decay_handoff": "decay",
    "landmark_comparison": "decay",
    "landmark_leads": "decay",
    "parse_decay_points": "params",
    "LOGIT_COLUMNS": "discrimination",
    "auc_with_ci": "discrimination",
    "calibration_table": "discrimination",
    "correlations": "discrimination",
    "logit_fit": "discrimination",
    "predicted_win_probability": "discrimination",
    "score_amount": "discrimination",
    "score_amount_trend": "discrimination",
    "summary_figures": "figures",
    "band_sentence": "narrative",
    "capacity_sentence": "narrative",
    "decay_sentence": "narrative",
    "headline_cards": "narrative",
    "summary_sentences": "narrative",
    "track_record_sentence": "narrative",
    "MIN_MATURED": "outcomes",
    "MIN_WINS": "outcomes",
    "NOT_MATURED": "outcomes",
    "NOT_WON": "outcomes",
    "OUTCOME_COLUMNS": "outcomes",
    "WON": "outcomes",
    "LeadOutcomes": "outcomes",
    "data_sufficiency": "outcomes",
    "matured_leads": "outcomes",
    "Params": "params",
    "run": "pipeline",
    "lead_outcomes": "relational",
    "outcome_counts": "relational",
    "score_won_frame": "relational",
    "sql_examples": "relational",
    "Results": "results",
    "hanley_mcneil_n": "segments",
    "segment_auc": "segments",
    "segment_rates": "segments",
    "SWEEP_COLUMNS": "thresholds",
    "band_between": "thresholds",
    "default_bands": "thresholds",
    "default_thresholds": "thresholds",
    "grid_range": "thresholds",
    "round_step": "thresholds",
    "sweep_from_counts": "thresholds",
    "threshold_comparison": "thresholds",
    "threshold_sweep": "thresholds",
}

attach(__name__, _EXPORTS)

__all__ = [
    "BOOT_CHUNK_CELLS", "LOGIT_COLUMNS", "MIN_MATURED", "MIN_WINS", "NOT_MATURED", "NOT_WON",
    "OUTCOME_COLUMNS", "SWEEP_COLUMNS", "WON", "LeadOutcomes", "Params", "Results",
    "auc_from_cells", "auc_with_ci", "band_between", "band_sentence", "band_table",
    "calibration_table", "capacity_months_table", "capacity_sentence", "capacity_table",
    "cell_bootstrap_interval", "complete_months", "correlations", "data_sufficiency",
    "decay_handoff", "decay_sentence", "default_bands", "default_thresholds", "grid_range",
    "hanley_mcneil_n", "headline_cards", "landmark_comparison", "landmark_leads",
    "lead_outcomes", "logit_fit", "matured_leads", "out_of_time_calibration", "outcome_counts",
    "p_over_capacity", "parse_decay_points", "predicted_win_probability", "recommend_threshold",
    "recommendation_at", "round_step", "run", "score_amount", "score_amount_trend",
    "score_cells", "score_won_frame", "segment_auc", "segment_rates", "summary_figures", "summary_sentences",
    "sql_examples", "sweep_from_counts", "threshold_comparison", "threshold_rates_from_cells",
    "threshold_sweep", "track_record", "track_record_sentence",
]  # fmt: skip

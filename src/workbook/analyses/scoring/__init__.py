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

from workbook.analyses.scoring.backtest import (
    out_of_time_calibration,
    recommendation_at,
    track_record,
)
from workbook.analyses.scoring.bands import band_table
from workbook.analyses.scoring.capacity import (
    capacity_months_table,
    capacity_table,
    complete_months,
    p_over_capacity,
    recommend_threshold,
)
from workbook.analyses.scoring.cells import (
    BOOT_CHUNK_CELLS,
    auc_from_cells,
    cell_bootstrap_interval,
    score_cells,
    threshold_rates_from_cells,
)
from workbook.analyses.scoring.decay import (
    decay_handoff,
    landmark_comparison,
    landmark_leads,
    parse_decay_points,
)
from workbook.analyses.scoring.discrimination import (
    LOGIT_COLUMNS,
    auc_with_ci,
    calibration_table,
    correlations,
    logit_fit,
    predicted_win_probability,
    score_amount,
    score_amount_trend,
)
from workbook.analyses.scoring.figures import summary_figures
from workbook.analyses.scoring.narrative import (
    band_sentence,
    capacity_sentence,
    decay_sentence,
    headline_cards,
    summary_sentences,
    track_record_sentence,
)
from workbook.analyses.scoring.outcomes import (
    MIN_MATURED,
    MIN_WINS,
    NOT_MATURED,
    NOT_WON,
    OUTCOME_COLUMNS,
    WON,
    LeadOutcomes,
    data_sufficiency,
    matured_leads,
)
from workbook.analyses.scoring.params import Params
from workbook.analyses.scoring.pipeline import run
from workbook.analyses.scoring.relational import (
    lead_outcomes,
    outcome_counts,
    score_won_frame,
    sql_examples,
)
from workbook.analyses.scoring.results import Results
from workbook.analyses.scoring.segments import hanley_mcneil_n, segment_auc, segment_rates
from workbook.analyses.scoring.thresholds import (
    SWEEP_COLUMNS,
    band_between,
    default_bands,
    default_thresholds,
    grid_range,
    round_step,
    sweep_from_counts,
    threshold_comparison,
    threshold_sweep,
)

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

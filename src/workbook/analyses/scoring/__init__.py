"""Score against win: does the marketing score predict wins, and where to set the hand-off threshold.

One call computes the whole report::

    import workbook
    from workbook import scoring

    res = scoring.run(workbook.load(), capacity_per_month=50)
    res.threshold_comparison      # current against recommended threshold
    res.figures["auc"]            # the numbers of summary.json

:func:`run` takes :class:`Params` and returns :class:`Results`. The topic
functions below are pure (DataFrames in, DataFrames out, ``as_of`` passed in)
and can be called one at a time; ``docs/reports/scoring.md`` gives every
definition.

Modules: :mod:`.outcomes` (won, lost, unresolved), :mod:`.thresholds` (sweep,
recommendation, comparison), :mod:`.cells` (cell-count AUC and bootstrap),
:mod:`.discrimination` (AUC, logistic fit, calibration, correlations, deal
size), :mod:`.bands`, :mod:`.segments`, :mod:`.decay` (decay what-if),
:mod:`.figures` (summary.json), :mod:`.narrative` (sentences and cards),
:mod:`.params`, :mod:`.results`, :mod:`.pipeline`.
"""

from workbook.analyses.scoring.bands import band_table
from workbook.analyses.scoring.cells import (
    BOOT_CHUNK_CELLS,
    auc_from_cells,
    cell_bootstrap_interval,
    score_cells,
    threshold_rates_from_cells,
)
from workbook.analyses.scoring.decay import (
    apply_decay,
    decay_summary,
    decay_sweep,
    longest_activity_gap,
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
    headline_cards,
    summary_sentences,
    tradeoff_sentence,
)
from workbook.analyses.scoring.outcomes import (
    LOST,
    MIN_RESOLVED,
    MIN_WINS,
    OUTCOME_COLUMNS,
    UNRESOLVED,
    WON,
    LeadOutcomes,
    data_sufficiency,
    lead_outcomes,
    outcome_counts,
    resolved_leads,
)
from workbook.analyses.scoring.params import Params
from workbook.analyses.scoring.pipeline import run
from workbook.analyses.scoring.results import Results
from workbook.analyses.scoring.segments import segment_auc
from workbook.analyses.scoring.thresholds import (
    SWEEP_COLUMNS,
    calendar_months,
    default_thresholds,
    recommend_threshold,
    sweep_from_counts,
    threshold_comparison,
    threshold_sweep,
)

__all__ = [
    "BOOT_CHUNK_CELLS",
    "LOGIT_COLUMNS",
    "LOST",
    "MIN_RESOLVED",
    "MIN_WINS",
    "OUTCOME_COLUMNS",
    "SWEEP_COLUMNS",
    "UNRESOLVED",
    "WON",
    "LeadOutcomes",
    "Params",
    "Results",
    "apply_decay",
    "auc_from_cells",
    "auc_with_ci",
    "band_table",
    "calendar_months",
    "calibration_table",
    "cell_bootstrap_interval",
    "correlations",
    "data_sufficiency",
    "decay_summary",
    "decay_sweep",
    "default_thresholds",
    "headline_cards",
    "lead_outcomes",
    "logit_fit",
    "longest_activity_gap",
    "outcome_counts",
    "parse_decay_points",
    "predicted_win_probability",
    "recommend_threshold",
    "resolved_leads",
    "run",
    "score_amount",
    "score_amount_trend",
    "score_cells",
    "segment_auc",
    "summary_figures",
    "summary_sentences",
    "sweep_from_counts",
    "threshold_comparison",
    "threshold_rates_from_cells",
    "threshold_sweep",
    "tradeoff_sentence",
]

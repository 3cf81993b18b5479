"""The scoring report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

import pandas as pd

from workbook.analyses.scoring.bands import band_table
from workbook.analyses.scoring.decay import apply_decay, decay_summary, decay_sweep
from workbook.analyses.scoring.discrimination import (
    auc_with_ci,
    calibration_table,
    correlations,
    logit_fit,
    score_amount,
    score_amount_trend,
)
from workbook.analyses.scoring.figures import summary_figures
from workbook.analyses.scoring.narrative import headline_cards, summary_sentences
from workbook.analyses.scoring.outcomes import data_sufficiency, lead_outcomes, outcome_counts
from workbook.analyses.scoring.params import Params
from workbook.analyses.scoring.results import Results
from workbook.analyses.scoring.segments import segment_auc
from workbook.analyses.scoring.thresholds import (
    recommend_threshold,
    threshold_comparison,
    threshold_sweep,
)
from workbook.core.checks import require_crm

__all__ = ["run"]


def _threshold_tables(outcomes: pd.DataFrame, p: Params) -> dict:
    sweep = threshold_sweep(outcomes, thresholds=p.thresholds, step=p.threshold_step)
    recommended = recommend_threshold(sweep, capacity_per_month=p.capacity_per_month)
    comparison = threshold_comparison(
        outcomes,
        thresholds={"current": p.current_threshold, "recommended": recommended},
        n_boot=p.n_boot,
        seed=p.seed,
    )
    return {
        "threshold_sweep": sweep,
        "recommended_threshold": recommended,
        "threshold_comparison": comparison,
    }


def _discrimination_tables(outcomes: pd.DataFrame, p: Params) -> dict:
    logit = logit_fit(outcomes)
    deals = score_amount(outcomes)
    return {
        "auc": auc_with_ci(outcomes, n_boot=p.n_boot, seed=p.seed),
        "logit_fit": logit,
        "calibration": calibration_table(outcomes, logit),
        "correlations": correlations(outcomes),
        "deals": deals,
        "amount_trend": score_amount_trend(deals),
    }


def _band_and_segment_tables(outcomes: pd.DataFrame, p: Params) -> dict:
    return {
        "score_bands": band_table(outcomes),
        "segment_bands": band_table(outcomes, segment_by=p.segment_by),
        "segments": segment_auc(outcomes, segment_by=p.segment_by, n_boot=p.n_boot, seed=p.seed),
    }


def _decay_tables(crm, p: Params) -> dict:
    decayed = apply_decay(
        crm.leads,
        crm.activities,
        crm.opportunities,
        as_of=crm.as_of,
        decay_after_days=p.decay_after_days,
        decay_points=p.decay_points,
        disqualified_statuses=p.disqualified_statuses,
        maturity_days=p.maturity_days,
    )
    return {
        "decayed": decayed,
        "decay_sweep": decay_sweep(decayed, thresholds=p.thresholds, step=p.threshold_step),
        "decay_summary": decay_summary(decayed, threshold=p.current_threshold),
    }


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Run the score-against-win report on loaded data.

    Parameters
    ----------
    crm : CrmData
        From :func:`workbook.load`; uses ``leads``, ``opportunities``,
        ``activities`` and ``as_of``.
    params : Params, optional
        The parameters (default ``Params()``).
    **overrides
        Parameter values replacing those of ``params``, e.g.
        ``capacity_per_month=50``; checked like ``Params``.

    Returns
    -------
    Results
        Every table the notebook shows or exports, the headline figures of
        ``summary.json`` (``figures``), the summary ``sentences`` and ``cards``.

    Raises
    ------
    TypeError
        ``crm`` is not a :class:`~workbook.data.model.CrmData`, or ``params``
        is not a :class:`Params`.
    ParamError
        An override names no parameter or has a value that is not allowed.

    Examples
    --------
    >>> import workbook
    >>> from workbook import scoring
    >>> res = scoring.run(workbook.load(), capacity_per_month=50)  # doctest: +SKIP
    >>> res.threshold_comparison  # doctest: +SKIP
    """
    require_crm(crm)
    p = Params.resolve(params, overrides)
    found = lead_outcomes(
        crm.leads,
        crm.opportunities,
        as_of=crm.as_of,
        disqualified_statuses=p.disqualified_statuses,
        maturity_days=p.maturity_days,
    )
    outcomes = found.outcomes
    tables = {
        "outcomes": outcomes,
        "exclusions": found.exclusions,
        "outcome_counts": outcome_counts(outcomes),
        **_threshold_tables(outcomes, p),
        **_discrimination_tables(outcomes, p),
        **_band_and_segment_tables(outcomes, p),
        **_decay_tables(crm, p),
    }
    figures = summary_figures(
        outcomes=outcomes,
        auc=tables["auc"],
        logit=tables["logit_fit"],
        correlations=tables["correlations"],
        comparison=tables["threshold_comparison"],
        capacity_per_month=p.capacity_per_month,
        decay=tables["decay_summary"],
        segments=tables["segments"],
        decay_after_days=p.decay_after_days,
        decay_points=p.decay_points,
    )
    return Results(
        params=p,
        as_of=crm.as_of,
        figures=figures,
        sentences=summary_sentences(figures),
        cards=headline_cards(figures),
        sufficiency=data_sufficiency(outcomes),
        **tables,
    )

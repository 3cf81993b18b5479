"""What :func:`~workbook.analyses.scoring.run` returns: every table, figure and sentence."""

from __future__ import annotations

from dataclasses import field
from typing import ClassVar

import pandas as pd

from workbook.core.results import ReportResults, results_class, table

__all__ = ["Results"]


@results_class
class Results(ReportResults):
    """The score-against-win report, computed once.

    Besides the fields every report has (``params``, ``as_of``, ``figures``
    for ``summary.json``, ``sentences``, ``cards``), one field per table;
    :meth:`exports` gives the 13 exported ones by CSV stem.

    Attributes
    ----------
    recommended_threshold : float
        The lowest grid threshold whose monthly hand-offs fit
        ``capacity_per_month``; NaN when none fits.
    sufficiency : dict
        :func:`~workbook.analyses.scoring.data_sufficiency` output
        (``reliable``, ``message``...).
    """

    report: ClassVar[str] = "scoring"
    title: ClassVar[str] = "Score against win"

    recommended_threshold: float = float("nan")
    sufficiency: dict = field(default_factory=dict)

    outcome_counts: pd.DataFrame = table("leads by outcome and reason, with share")
    exclusions: pd.DataFrame = table("leads excluded, fixed up or unresolved, counted by reason")
    score_bands: pd.DataFrame = table("win rate per 10-point score band, Wilson interval")
    auc: pd.DataFrame = table("AUC of score against win, bootstrap interval (one row)")
    logit_fit: pd.DataFrame = table("logistic fit of won on score (one row)")
    correlations: pd.DataFrame = table("point-biserial and Spearman correlations with p-values")
    calibration: pd.DataFrame = table("predicted against observed win rate per probability bin")
    threshold_comparison: pd.DataFrame = table(
        "hand-off numbers at the current and recommended thresholds, bootstrap intervals"
    )
    threshold_sweep: pd.DataFrame = table("hand-off volume and win rate at every grid threshold")
    decay_sweep: pd.DataFrame = table("the threshold sweep with current and decayed scores")
    decay_summary: pd.DataFrame = table("decay what-if at the current threshold (two rows)")
    segments: pd.DataFrame = table("win rate and AUC per segment, flagged where score fails")
    segment_bands: pd.DataFrame = table("score bands per segment")

    outcomes: pd.DataFrame = table("one row per scored lead: outcome and reason", export=False)
    deals: pd.DataFrame = table("won deals with an amount: score against amount", export=False)
    amount_trend: pd.DataFrame = table("trend line of amount on score", export=False)
    decayed: pd.DataFrame = table(
        "one row per scored lead: longest activity gap and decayed score", export=False
    )

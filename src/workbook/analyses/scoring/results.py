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
    :meth:`exports` gives the exported ones by CSV stem. Without an
    activities table ``decay_landmark`` and ``decay_handoff`` are empty.

    Attributes
    ----------
    recommended_threshold : float
        The lowest grid threshold whose ``p_over_capacity`` is at most
        ``overflow_risk`` and that some lead reached in the capacity months;
        NaN when none qualifies or the logit shows no
        out-of-time skill (``figures["recommendation_reason"]`` says which).
    grid : list of float
        The threshold grid of the sweep and of the capacity check.
    sufficiency : dict
        :func:`~workbook.analyses.scoring.data_sufficiency` output.
    """

    report: ClassVar[str] = "scoring"
    title: ClassVar[str] = "Score against win"

    recommended_threshold: float = float("nan")
    grid: list = field(default_factory=list)
    sufficiency: dict = field(default_factory=dict)

    outcome_counts: pd.DataFrame = table("scored leads by outcome and reason, with share")
    exclusions: pd.DataFrame = table("leads excluded, fixed up or not matured, counted by reason")
    score_bands: pd.DataFrame = table("win rate per tenth of the score range, Wilson interval")
    auc: pd.DataFrame = table("AUC of score against win, bootstrap interval (one row)")
    logit_fit: pd.DataFrame = table("logistic fit of won on score (one row)")
    correlations: pd.DataFrame = table("point-biserial and Spearman correlations with p-values")
    calibration: pd.DataFrame = table("in-sample: predicted against observed win rate per bin")
    out_of_time_calibration: pd.DataFrame = table(
        "out of time: logit fitted at a cut, checked on leads matured after it (one row)"
    )
    threshold_comparison: pd.DataFrame = table(
        "matured hand-offs at the current and recommended thresholds, bootstrap intervals"
    )
    threshold_sweep: pd.DataFrame = table("matured hand-offs and win rate at every grid threshold")
    capacity: pd.DataFrame = table("inflow a month and p_over_capacity at every threshold")
    capacity_months: pd.DataFrame = table("scored leads per complete month at every threshold")
    band_given_up: pd.DataFrame = table("the band between current and recommended (one row)")
    track_record: pd.DataFrame = table("recommendation at each earlier cut and the months after")
    decay_landmark: pd.DataFrame = table("day-L landmark: quiet against active win rate")
    decay_handoff: pd.DataFrame = table("hand-offs at the current threshold before and after decay")
    segments: pd.DataFrame = table("win rate, AUC and verdict per segment")
    segment_bands: pd.DataFrame = table("score bands per segment")

    outcomes: pd.DataFrame = table("one row per scored lead: matured, won", export=False)
    deals: pd.DataFrame = table("won deals with an amount: score against amount", export=False)
    amount_trend: pd.DataFrame = table("trend line of amount on score", export=False)
    landmark_leads: pd.DataFrame = table(
        "one row per lead of the landmark population: quiet or active", export=False
    )

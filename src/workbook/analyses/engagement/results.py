"""What :func:`workbook.analyses.engagement.run` returns: every table, figure and sentence."""

from __future__ import annotations

from dataclasses import field
from typing import ClassVar

import pandas as pd

from workbook.analyses.engagement.backtest import Backtest
from workbook.analyses.engagement.win_model import WinModel
from workbook.core.results import ReportResults, results_class, table

__all__ = ["Results"]


@results_class
class Results(ReportResults):
    """Results of the engagement report (one :func:`~workbook.analyses.engagement.run`).

    Besides the common fields (``params``, ``as_of``, ``figures``,
    ``sentences``, ``cards``) it holds one DataFrame per table below, the
    window used (``basis``), the win model (``model``) and the notes the
    notebook shows under its tables. ``exports()`` gives the 24 CSV files
    of ``OUT/engagement/``.

    Attributes
    ----------
    basis : dict
        :func:`workbook.analyses.engagement.window.window_basis`.
    model : WinModel
        :func:`workbook.analyses.engagement.win_model.fit_win_model` at ``as_of``.
    backtest : Backtest
        :func:`workbook.analyses.engagement.backtest.backtest_win_model`.
    gate_open : bool
        The skill gate: model probabilities and variance flags are shown.
    variance_threshold : float
        Points: max(``probability_variance_threshold``, backtest ECE).
    high_min_records_default : int or None
        The data-derived threshold (printed with a line to pin it).
    track_record_note : str
        The level track record in one sentence.
    win_rate_notes : dict
        ``{dimension: sentence}`` from :func:`workbook.core.noise.name_extremes`.
    overall_win_rate : float
        Won / closed over the deals closed in the win-rate period.
    handed_off : int
        Leads handed off on or before ``as_of``.
    high_min_records : int or None
        The threshold for ``high`` engagement used.
    window_note, level_note, model_note : str
        One sentence each: the window and why, the high threshold, the win
        model (what it was fitted on or why it refused); the first two are
        empty when the levels were skipped.
    skipped : dict
        ``{section: note}`` for each notebook section (``levels``,
        ``opportunities``, ``leads``, ``track_record``, ``hygiene``) that is
        skipped or shown in part because a table is missing (issue 17);
        empty when every table is loaded. ``figures["skipped"]`` lists the
        parts in words, ``figures["missing_tables"]`` the tables.
    """

    report: ClassVar[str] = "engagement"
    title: ClassVar[str] = "Engagement and pipeline hygiene"

    # -- engagement levels ---------------------------------------------------
    levels: pd.DataFrame = table(
        "one row per account: level, recent records by kind, open pipeline", export=False
    )
    accounts: pd.DataFrame = table("one row per account: the accounts.csv export contract columns")
    level_counts: pd.DataFrame = table("accounts and open pipeline per level", export=False)
    levels_by_owner: pd.DataFrame = table("level distribution per account owner")
    levels_by_industry: pd.DataFrame = table("level distribution per industry")
    window_sensitivity: pd.DataFrame = table("dormant accounts at 0.5x, 1x and 2x the window")
    at_risk: pd.DataFrame = table("dormant accounts with open pipeline, largest first")
    # -- opportunity activity effectiveness -----------------------------------
    opportunity_effectiveness: pd.DataFrame = table(
        "one row per open opportunity: activities, staleness, rate, overdue"
    )
    effectiveness_by_owner: pd.DataFrame = table("open-deal flags per owner")
    effectiveness_by_stage: pd.DataFrame = table("open-deal flags per stage")
    # -- lead activity effectiveness ------------------------------------------
    stale_leads: pd.DataFrame = table("one row per open lead: last touch and staleness")
    handoff_not_worked: pd.DataFrame = table("handed-off leads never worked, longest waiting first")
    lead_effectiveness_by_owner: pd.DataFrame = table("open, stale and not-worked leads per owner")
    # -- recommended actions and win model ------------------------------------
    actions: pd.DataFrame = table(
        "one row per open opportunity and rule, with the deal amount (as shown)", export=False
    )
    recommendations: pd.DataFrame = table(
        "one row per open opportunity and rule: the recommendations.csv contract columns"
    )
    recommendation_counts: pd.DataFrame = table("opportunities and amount per rule", export=False)
    activity_benchmark: pd.DataFrame = table(
        "age-matched activity benchmark and open deals below it, by age band"
    )
    won_at_own_age: pd.DataFrame = table(
        "each won deal against the won deals that lived as long (the benchmark's check)",
        export=False,
    )
    probability_variance: pd.DataFrame = table(
        "rep probability per open deal; model probability and flags only behind the skill gate"
    )
    model_coefficients: pd.DataFrame = table("win-model coefficients (empty when refused)")
    model_backtest: pd.DataFrame = table(
        "one row: the out-of-time check of the win model (or why it was refused)"
    )
    model_reliability: pd.DataFrame = table("backtest deals by score decile: predicted vs won")
    # -- track record and win rates -------------------------------------------
    level_track_record: pd.DataFrame = table(
        "accounts per level at the earlier cut and the share that won a deal since"
    )
    win_rates: pd.DataFrame = table(
        "win rate per owner, industry and source with Wilson CI and funnel position"
    )
    win_rate_funnel: pd.DataFrame = table(
        "95% and 99.8% funnel limits around the overall win rate", export=False
    )
    # -- pipeline hygiene ------------------------------------------------------
    lead_funnel: pd.DataFrame = table("lead funnel created -> worked -> converted")
    lead_status: pd.DataFrame = table("leads per recorded status")
    archive_candidates: pd.DataFrame = table(
        "old unqualified or stalled leads to archive or nurture"
    )
    unowned_leads: pd.DataFrame = table("open leads with no owner, oldest first")
    # -- data quality ----------------------------------------------------------
    unmatched_records: pd.DataFrame = table(
        "records in the window pointing at an unknown account", export=False
    )

    basis: dict = field(default_factory=dict)
    model: WinModel | None = None
    backtest: Backtest | None = None
    gate_open: bool = False
    variance_threshold: float = float("nan")
    handed_off: int = 0
    high_min_records: int | None = None
    high_min_records_default: int | None = None
    track_record_note: str = ""
    win_rate_notes: dict = field(default_factory=dict)
    overall_win_rate: float = float("nan")
    window_note: str = ""
    level_note: str = ""
    model_note: str = ""
    skipped: dict = field(default_factory=dict)

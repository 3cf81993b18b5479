"""Parameters of the engagement report, declared once (see :mod:`workbook.core.params`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbook.core.params import ReportParams, param

__all__ = ["Params"]


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the engagement report.

    Attributes
    ----------
    window_days : int
        Engagement window in days; 0 derives it from the sales cycle
        (:func:`workbook.analyses.engagement.window.window_basis`).
    high_min_records : int
        Recent records for ``high``; 0 derives it
        (:func:`workbook.analyses.engagement.levels.high_threshold`).
    stale_days : int
        Days without activity that make an open deal or lead stale.
    probability_variance_threshold : float
        Points of ``|rep - model|`` win probability above which a deal is
        flagged (strict), raised to the backtest's expected calibration error
        when that is larger; flags appear only behind the skill gate.
    archive_after_days : int
        Age in days (strictly older) of archive or nurture candidates.
    snapshot_days, horizon_days : int
        Snapshot step and label horizon of the win model
        (:mod:`workbook.analyses.engagement.snapshots`).
    min_benchmark_deals : int
        Age-matched won deals needed for the activity benchmark.
    outcome_months : int
        The level track record's cut is this many months before ``as_of``.
    win_rate_days : int
        Period of the win rates by segment.
    bootstrap_draws : int
        Resamples of the Brier skill CI.
    top_n : int
        Accounts in the at-risk chart; groups in the by-owner and
        by-industry charts (display only: tables and exports are complete).
    """

    report: ClassVar[str] = "engagement"

    window_days: int = param(
        0,
        "engagement window in days; 0 means a quarter of the mean cycle of deals closed "
        "in the last 365 days",
        low=0,
        unit="days",
    )
    high_min_records: int = param(
        0,
        "recent records needed for high engagement; 0 means ceil of the 75th percentile "
        "of positive counts",
        low=0,
    )
    stale_days: int = param(
        14, "an open deal or lead with no activity in this many days is stale", low=1, unit="days"
    )
    probability_variance_threshold: float = param(
        30.0,
        "flag rep vs model win-probability gaps of more than this many points (or the "
        "backtest's calibration error, if larger); only when the model shows skill",
        low=0,
        high=100,
        unit="points",
    )
    archive_after_days: int = param(
        180, "list unqualified/stalled leads older than this (days)", low=0, unit="days"
    )
    snapshot_days: int = param(
        14,
        "days between the snapshot ages of a deal in the win model's training",
        low=1,
        unit="days",
    )
    horizon_days: int = param(
        180,
        "win model label: won within this many days after the snapshot",
        low=1,
        unit="days",
    )
    min_benchmark_deals: int = param(
        20, "fewer age-matched won deals: a deal is never below benchmark", low=1
    )
    outcome_months: int = param(
        6,
        "track record of the levels: cut this many months before as_of",
        low=1,
        high=24,
        unit="months",
    )
    win_rate_days: int = param(
        365,
        "win rates by owner, industry and source over deals closed in this many days",
        low=1,
        unit="days",
    )
    bootstrap_draws: int = param(
        1000, "bootstrap resamples of the win model's Brier skill CI", low=100
    )
    top_n: int = param(
        20, "accounts in the at-risk chart; groups in by-owner/industry charts", low=1
    )

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
        Points of ``|rep - model|`` win probability that flag a deal
        (inclusive).
    archive_after_days : int
        Age in days (strictly older) of archive or nurture candidates.
    min_closed_for_model : int
        Fewer closed deals and the win model refuses (flags nothing).
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
        "flag rep vs model win-probability gaps of this many points",
        low=0,
        high=100,
        unit="points",
    )
    archive_after_days: int = param(
        180, "list unqualified/stalled leads older than this (days)", low=0, unit="days"
    )
    min_closed_for_model: int = param(50, "fewer closed deals: the win model flags nothing", low=1)
    top_n: int = param(
        20, "accounts in the at-risk chart; groups in by-owner/industry charts", low=1
    )

"""The cohort report's parameters, declared once (see :mod:`workbook.core.params`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbook.analyses.cohort.constants import GRAINS, MILESTONES
from workbook.core.params import ParamError, ReportParams, param

__all__ = ["Params"]


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the ``cohort`` report.

    Attributes
    ----------
    grain : {"month", "quarter", "year"}
        Calendar period of cohorts and of periods since.
    segment_by : str
        A leads column splitting every table (``source``, ``owner_id``); ``""``
        = no split.
    milestone : {"touched", "meeting", "opportunity", "won"}
        Milestone of the equal-age comparison.
    equal_age_periods : int
        The age k (>= 0, in periods of ``grain``) at which cohorts are compared.
    sla_days : int
        Handoff follow-up window in days after handoff (inclusive, >= 0).
    min_cell_leads : int
        Cohorts (and, for the headline, owners) with fewer leads are small-n.
    km_by : str
        Groups of the time-to-event curves and of the won/lost outcomes:
        ``"cohort"`` (at ``grain``) or a leads column such as ``source``.
    projection_months : int
        Target age K (months) of the projection of young cohorts; cohorts
        whose month K is not complete are projected.
    projection_draws : int
        Bootstrap draws of the projection's prediction interval.
    """

    report: ClassVar[str] = "cohort"

    grain: str = param(
        "month", "cohort and period grain: month, quarter or year", choices=tuple(GRAINS)
    )
    segment_by: str = param(
        "", "leads column splitting every table (source, owner_id); empty: none"
    )
    milestone: str = param(
        "opportunity",
        "equal-age milestone: touched, meeting, opportunity or won",
        choices=MILESTONES,
    )
    equal_age_periods: int = param(
        3, "compare cohorts at this many periods after acquisition", low=0, unit="periods"
    )
    sla_days: int = param(
        2, "handoff follow-up window in days after handoff (inclusive)", low=0, unit="days"
    )
    min_cell_leads: int = param(
        20, "cohorts with fewer leads are marked small-n", low=0, unit="leads"
    )
    km_by: str = param(
        "source",
        "time-to-event curves per: cohort (at the grain) or a leads column such as source",
    )

    projection_months: int = param(
        12, "project young cohorts to this many months since acquisition", low=1, unit="months"
    )
    projection_draws: int = param(
        999, "bootstrap draws of the projection's prediction interval", low=99, unit="draws"
    )

    def validate(self) -> None:
        """``km_by`` must name something (a blank group column has no curves)."""
        if not self.km_by.strip():
            raise ParamError(self.report, "km_by", self.km_by, "cohort or a leads column")

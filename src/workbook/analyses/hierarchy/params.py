"""The hierarchy report's parameters, declared once (see :mod:`workbook.core.params`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbook.core.params import ParamError, ReportParams, param

__all__ = ["Params"]


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the ``hierarchy`` report (top customers by corporate family).

    Attributes
    ----------
    top_n : int
        Families (and accounts) in the top-N comparison and the concentration
        share; at least 1.
    period_start, period_end : str
        ``YYYY-MM-DD``, both inclusive, or ``""``: an empty end means
        ``as_of``, an empty start the 12 months ending on the end
        (:func:`workbook.analyses.hierarchy.resolve_period`). When both are
        given the start must not be after the end.
    new_rep_days : int
        An owner with tenure strictly below this many days is a new rep; at
        least 0.
    mad_threshold : float
        Sibling discount outlier cut on ``|discount - family median| / scale``
        (:mod:`workbook.analyses.hierarchy.discounts`); above 0.
    discount_lookback_months : int
        Purchase lines dated in this many months ending on ``as_of``
        feed the member discounts and both money-at-stake figures.
    min_lines : int
        Lines a member needs in the lookback to have a member discount.
    min_members : int
        Members with a member discount a family x product needs before any
        of them can be flagged; at least 2.
    min_discount_scale : float
        Floor of the outlier scale, in percentage points.
    n_boot, seed : int
        Bootstrap resamples of the period's won deals for the rank intervals,
        and their random seed.
    """

    report: ClassVar[str] = "hierarchy"

    top_n: int = param(
        10, "families (and accounts) in the top-N comparison and concentration share", low=1
    )
    period_start: str = param(
        "", "YYYY-MM-DD, inclusive; empty means 12 months ending on period_end", kind="date"
    )
    period_end: str = param("", "YYYY-MM-DD, inclusive; empty means as_of", kind="date")
    new_rep_days: int = param(
        180, "an owner with tenure below this many days counts as a new rep", low=0, unit="days"
    )
    mad_threshold: float = param(
        3.0,
        "sibling discount outlier cut: |discount - family median| / scale above this",
        low=0,
        low_open=True,
    )
    discount_lookback_months: int = param(
        24,
        "purchase lines used for discounts: the months ending on as_of",
        low=1,
        unit="months",
    )
    min_lines: int = param(
        2, "purchase lines a member needs in the lookback for a member discount", low=1
    )
    min_members: int = param(
        3, "members with a member discount a family x product needs to be tested", low=2
    )
    min_discount_scale: float = param(
        1.0,
        "floor of the outlier scale, in percentage points",
        low=0,
        low_open=True,
        unit="percentage points",
    )
    n_boot: int = param(500, "bootstrap resamples of the won deals for the rank intervals", low=1)
    seed: int = param(0, "random seed of the bootstrap (results are reproducible)", low=0)

    def validate(self) -> None:
        """``period_start`` must not be after ``period_end`` when both are given."""
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ParamError(
                self.report,
                "period_start",
                self.period_start,
                f"a date on or before period_end ({self.period_end})",
            )

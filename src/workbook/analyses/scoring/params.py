"""The scoring report's parameters, declared once (see :mod:`workbook.core.params`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbook.analyses.scoring.decay import parse_decay_points
from workbook.core.params import ParamError, ReportParams, param

__all__ = ["Params"]


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the score-against-win report.

    Every field is checked on construction (:class:`~workbook.core.params.ParamError`
    on a value that is not allowed). ``decay_points`` must be an integer
    (as text or a number) or ``reset``, checked by :meth:`validate`.

    Examples
    --------
    >>> Params(capacity_per_month=50).capacity_per_month
    50.0
    """

    report: ClassVar[str] = "scoring"

    current_threshold: float = param(
        60.0, "score at or above which leads are handed to sales today", unit="points"
    )
    capacity_per_month: float = param(
        40.0, "handed-off leads sales can follow up per month", low=0, unit="leads a month"
    )
    disqualified_statuses: tuple = param(
        ["Unqualified"], "statuses that make a lead without opportunity lost", item="str"
    )
    maturity_days: int = param(
        180, "a lead with no converted opportunity is lost at this age in days", low=1, unit="days"
    )
    threshold_step: float = param(
        5.0, "step of the default threshold grid, in score points", low=0, low_open=True
    )
    thresholds: tuple = param(
        [], "explicit threshold grid; empty means every threshold_step points", item="float"
    )
    decay_after_days: int = param(
        90,
        "a gap of at least this many days without activity triggers decay",
        low=1,
        unit="days",
    )
    decay_points: str = param(
        "-100", "points added to a decayed score (integer), or reset for zero"
    )
    segment_by: str = param(
        "source",
        "lead column whose values get their own band table and AUC",
        choices=("source", "status", "owner_id"),
    )
    n_boot: int = param(1000, "bootstrap resamples for the AUC and threshold intervals", low=1)
    seed: int = param(0, "random seed of the bootstrap (results are reproducible)", low=0)

    def validate(self) -> None:
        """``decay_points`` is an integer or ``reset`` (:func:`parse_decay_points`)."""
        try:
            parse_decay_points(self.decay_points)
        except ValueError:
            raise ParamError(
                self.report, "decay_points", self.decay_points, "an integer or reset"
            ) from None

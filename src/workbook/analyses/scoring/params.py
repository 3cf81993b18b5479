"""The scoring report's parameters, declared once (see :mod:`workbook.core.params`)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import ClassVar

from workbook.core.params import ParamError, ReportParams, param

__all__ = ["Params", "parse_decay_points"]


def parse_decay_points(value) -> int | str:
    """``"reset"`` (score becomes 0) or an integer number of points added to the score.

    Parameters
    ----------
    value : int or str
        An int, or a string such as ``"-100"`` or ``"reset"`` (any case,
        surrounding blanks ignored).

    Returns
    -------
    int or "reset"

    Raises
    ------
    ValueError
        Anything else.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    if text.lower() == "reset":
        return "reset"
    try:
        return int(text)
    except ValueError:
        raise ValueError(f'decay_points must be an integer or "reset", got {value!r}') from None


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the score-against-win report.

    Every field is checked on construction (:class:`~workbook.core.params.ParamError`
    on a value that is not allowed). ``decay_points`` must be an integer
    (as text or a number) or ``reset``, and ``score_range`` empty or two
    numbers ``lo < hi``, checked by :meth:`validate`.

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
    horizon_days: int = param(
        180, "a lead is matured this many days after creation; won means won by then", low=1,
        unit="days",
    )  # fmt: skip
    capacity_months: int = param(
        6, "complete calendar months of inflow behind the capacity check", low=2, unit="months"
    )
    overflow_risk: float = param(
        0.10, "accepted chance that next month's hand-offs exceed capacity", low=0, high=1
    )
    score_range: tuple = param(
        [], "declared score range [lo, hi] for the grid and bands; empty means observed scores",
        item="float",
    )  # fmt: skip
    thresholds: tuple = param(
        [], "explicit threshold grid; empty means round steps over the score range", item="float"
    )
    backtest_months: tuple = param(
        [3, 6, 9, 12], "month-end cuts, months before as_of, for the track record", item="int"
    )
    decay_after_days: int = param(
        90, "landmark day L: quiet means no activity in the first L days", low=1, unit="days"
    )
    decay_points: str = param(
        "-100", "points added to a quiet lead's score (integer), or reset for zero"
    )
    segment_by: str = param(
        "source",
        "lead column whose values get their own band table and AUC",
        choices=("source", "status", "owner_id"),
    )
    min_cell_leads: int = param(
        20, "score bands with fewer matured leads are greyed in the chart, without an interval",
        low=1, unit="leads",
    )  # fmt: skip
    n_boot: int = param(1000, "bootstrap resamples for the AUC and threshold intervals", low=1)
    seed: int = param(0, "random seed of the bootstrap (results are reproducible)", low=0)

    def validate(self) -> None:
        """``decay_points`` is an integer or ``reset``; ``score_range`` empty or ``[lo, hi]``; cuts >= 1."""
        try:
            parse_decay_points(self.decay_points)
        except ValueError:
            raise ParamError(
                self.report, "decay_points", self.decay_points, "an integer or reset"
            ) from None
        sr = tuple(self.score_range)
        if sr and not (len(sr) == 2 and float(sr[0]) < float(sr[1])):
            raise ParamError(
                self.report, "score_range", self.score_range, "empty or [lo, hi], lo < hi"
            )
        if any(int(k) < 1 for k in self.backtest_months):
            raise ParamError(self.report, "backtest_months", self.backtest_months, "months >= 1")

"""Parameters of the data-quality report: none beyond the common ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbook.core.params import ReportParams

__all__ = ["Params"]


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the data-quality report.

    The report has no parameters of its own: it describes the data exactly
    as loaded. The common notebook parameters (``data``, ``load_options``,
    ``as_of``, ``out_dir``, ``interactive``) choose the data and where the
    exports go; ``load_options={"score_range": [lo, hi]}`` sets the valid
    score range that validation checks.
    """

    report: ClassVar[str] = "data_quality"

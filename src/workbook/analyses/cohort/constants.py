"""The cohort report's milestone and grain names.

Plain values with no pandas, so that :mod:`workbook.analyses.cohort.params`
(which the runner's main process reads to check a run) imports nothing
heavy; :mod:`workbook.analyses.cohort.common` re-exports both.
"""

from __future__ import annotations

__all__ = ["GRAINS", "MILESTONES"]

#: Milestones in funnel order.
MILESTONES: tuple[str, ...] = ("touched", "meeting", "opportunity", "won")
#: Grain name -> pandas Period frequency.
GRAINS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}

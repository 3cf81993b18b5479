"""Numpydoc paragraphs the scoring modules repeat, registered once with :mod:`workbook.core.docs`."""

from __future__ import annotations

from workbook.core.docs import register, shared_docs

__all__ = ["shared_docs"]

register(
    scoring_outcomes="""outcomes : DataFrame
        Output of :func:`~workbook.analyses.scoring.lead_outcomes` (its
        ``.outcomes``); only the resolved rows are used.""",
    scoring_bootstrap="""n_boot, seed, alpha : int, int, float
        Percentile bootstrap over resolved leads: ``n_boot`` resamples with
        replacement, drawn as multinomial counts over the (score, won) cells
        (:func:`~workbook.analyses.scoring.cell_bootstrap_interval`),
        deterministic for a ``seed``; the interval covers ``1 - alpha``.""",
    scoring_lead_rules="""disqualified_statuses : sequence of str
        Lead statuses that make a lead without a converted opportunity lost.
        Compared exactly (case-sensitive).
    maturity_days : int
        A lead without a converted opportunity is lost once it is at least
        this old: ``(as_of - created_at)`` in calendar days ``>= maturity_days``.""",
)

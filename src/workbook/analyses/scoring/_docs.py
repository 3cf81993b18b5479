"""Numpydoc paragraphs the scoring modules repeat, registered once with :mod:`workbook.core.docs`."""

from __future__ import annotations

from workbook.core.docs import register, shared_docs

__all__ = ["shared_docs"]

register(
    scoring_outcomes="""outcomes : DataFrame
        Output of :func:`~workbook.analyses.scoring.lead_outcomes` (its
        ``.outcomes``); only the matured rows are used.""",
    scoring_bootstrap="""n_boot, seed, alpha : int, int, float
        Percentile bootstrap over matured leads: ``n_boot`` resamples with
        replacement, drawn as multinomial counts over the (score, won) cells
        (:func:`~workbook.analyses.scoring.cell_bootstrap_interval`),
        deterministic for a ``seed``; the interval covers ``1 - alpha``.""",
    scoring_horizon="""horizon_days : int
        A lead is matured when ``created_at <= as_of - horizon_days``
        (calendar days), and won when its converted opportunity closed won
        on or before ``created_at + horizon_days``.""",
)

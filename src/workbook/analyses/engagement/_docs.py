"""Numpydoc paragraphs repeated across the engagement modules (see :mod:`workbook.core.docs`)."""

from __future__ import annotations

from workbook.core.docs import register

register(
    engagement_tables="""accounts, activities, opportunities, leads : DataFrame
        Canonical tables (:data:`workbook.data.model.SPECS`).""",
    engagement_window="""window_days : int
        Window length in days (> 0); records count in
        ``(as_of - window_days, as_of]`` (see :func:`window_basis` for the
        default).""",
    engagement_opportunities="""opportunities : DataFrame
        Canonical ``opportunities`` (``created_at``, ``close_date``,
        ``is_closed``, ``is_won``, ``amount``...).""",
    engagement_lead_inputs="""leads, activities : DataFrame
        Canonical ``leads`` and ``activities``.
    opportunities : DataFrame, optional
        Canonical ``opportunities``; activities of a lead's converted
        opportunity count as its touches when given
        (:func:`workbook.core.links.lead_activities`).""",
)

"""Numpydoc paragraphs the hierarchy modules repeat, registered once.

Each public function that documents one of these parameters writes
``{hierarchy_period}`` (etc.) in its docstring and is decorated with
:func:`workbook.core.docs.shared_docs`.
"""

from __future__ import annotations

from workbook.core.docs import register, shared_docs

__all__ = ["shared_docs"]

register(
    hierarchy_tables="""accounts, opportunities : DataFrame
        Canonical ``accounts`` and ``opportunities`` tables
        (:mod:`workbook.data.model`).""",
    hierarchy_period="""start, end : date-like
        Period bounds, both inclusive, compared as calendar days
        (:mod:`workbook.analyses.hierarchy.period`).""",
    hierarchy_tree="""tree : DataFrame, optional
        Output of :func:`workbook.core.families.ultimate_parents` for
        ``accounts``; computed when omitted.""",
    hierarchy_tree_required="""tree : DataFrame
        Output of :func:`workbook.core.families.ultimate_parents` for
        ``accounts``.""",
    hierarchy_ranking="""ranking : DataFrame, optional
        Output of :func:`workbook.analyses.hierarchy.top_customers`; gives each
        family its ``family_rank`` (missing when the family is unranked or no
        ranking is given).""",
    hierarchy_engine="""engine : workbook.engine.Engine, optional
        Where the relational parts run (:mod:`workbook.analyses.hierarchy.relational`);
        the process default (:func:`workbook.engine.default`) when omitted.""",
    hierarchy_mad_threshold="""mad_threshold : float
        A member discount is an outlier when its robust z is strictly above
        this cut.""",
)

"""What :func:`workbook.analyses.hierarchy.run` returns."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from workbook.analyses.hierarchy.period import Period
from workbook.core.results import ReportResults, results_class, table

__all__ = ["Results"]


@results_class
class Results(ReportResults):
    """Top customers by corporate family: every table the report shows or exports.

    Attributes
    ----------
    period : Period
        The resolved period ``(start, end)``, both inclusive.
    top_customers, naive_top, concentration, rank_uncertainty, stability, discount_spread, \
split_ownership, hierarchy_issues : DataFrame
        The exported tables (``OUT/hierarchy/<stem>.csv``).
    rank_shift, discount_members, discount_outliers, exclusions, tree : DataFrame
        Shown (or drawn) but not exported.
    figures : dict
        :func:`~workbook.analyses.hierarchy.summary_figures` (``summary.json``).
    sentences, cards
        :func:`~workbook.analyses.hierarchy.summary_sentences` and
        :func:`~workbook.analyses.hierarchy.headline_cards`.
    """

    report: ClassVar[str] = "hierarchy"
    title: ClassVar[str] = "Top customers by corporate family"

    period: Period | None = None

    top_customers: pd.DataFrame = table("ranked corporate family: the hierarchy-corrected ranking")
    naive_top: pd.DataFrame = table("ranked single account: the ranking without roll-up")
    rank_shift: pd.DataFrame = table(
        "family in either top N: corrected rank against its best member's rank", export=False
    )
    concentration: pd.DataFrame = table("ranked family: share and cumulative share of revenue")
    rank_uncertainty: pd.DataFrame = table(
        "ranked family: bootstrap rank interval, P(rank 1) and P(top N)"
    )
    stability: pd.DataFrame = table(
        "family ranked now or in the previous period of the same length"
    )
    discount_spread: pd.DataFrame = table(
        "family x product bought by 2+ members: the discount spread"
    )
    discount_members: pd.DataFrame = table(
        "family x product x member: member discount, robust z, revenue at stake", export=False
    )
    discount_outliers: pd.DataFrame = table(
        "member whose discount is a robust outlier", export=False
    )
    split_ownership: pd.DataFrame = table("member of a family owned by more than one rep")
    hierarchy_issues: pd.DataFrame = table("account on a parent cycle or with a missing parent")
    exclusions: pd.DataFrame = table(
        "count of rows counted or left out, with the reason", export=False
    )
    tree: pd.DataFrame = table(
        "account with its ultimate parent (workbook.core.families.ultimate_parents)",
        export=False,
    )

"""What :func:`~workbook.analyses.whitespace.run` returns."""

from __future__ import annotations

from dataclasses import field
from typing import Any, ClassVar

import pandas as pd

from workbook.core.results import ReportResults, results_class, table

from .family_views import family_grid


@results_class
class Results(ReportResults):
    """The whitespace report's tables, headline figures and sentences.

    The table fields are listed below in the order the notebook exports
    them; ``exports()`` gives their CSV stems (``gaps``,
    ``product_whitespace``, ``family_matrix``, ``family_whitespace``,
    ``top_gaps_by_owner``, ``peer_whitespace``, ``co_purchase_lift``,
    ``purchase_exclusions``, ``purchase_backtest``, ``purchase_deciles``,
    ``call_list``). ``family_gaps`` and ``family_grid`` are shown
    but not exported.

    Attributes
    ----------
    family_id, family_name : str
        The family shown (the ``family`` parameter resolved by
        :func:`choose_family`) and its root account's name.
    tree : DataFrame or None
        :func:`workbook.core.families.ultimate_parents` of the accounts.
    crm : CrmData or None
        The data the report ran on, kept so that :meth:`grid_for` can draw
        another family (the interactive family picker does).
    """

    report: ClassVar[str] = "whitespace"
    title: ClassVar[str] = "Whitespace"

    gaps: pd.DataFrame = table("one row per sibling gap, ranked by priority", stem="gaps")
    product_whitespace: pd.DataFrame = table(
        "one row per catalogue product: adoption and whitespace across all families",
        stem="product_whitespace",
    )
    family_matrix: pd.DataFrame = table(
        "one row per family x product with at least one owner: owner counts",
        stem="family_matrix",
    )
    family_whitespace: pd.DataFrame = table(
        "one row per family with a gap: whitespace value, largest first",
        stem="family_whitespace",
    )
    top_gaps_by_owner: pd.DataFrame = table(
        "one row per rep x ranked gap: the top_n gaps each rep should pitch first",
        stem="top_gaps_by_owner",
    )
    peer_whitespace: pd.DataFrame = table(
        "one row per account x product a gap-free account lacks while its industry owns it",
        stem="peer_whitespace",
    )
    co_purchase_lift: pd.DataFrame = table(
        "one row per ordered product pair owned together: support, confidence, lift",
        stem="co_purchase_lift",
    )
    purchase_exclusions: pd.DataFrame = table(
        "one row per reason a purchase row is left out of ownership or collapsed",
        stem="purchase_exclusions",
    )
    purchase_backtest: pd.DataFrame = table(
        "one row per ranking (model, sibling share, peer adoption): out-of-time skill",
        stem="purchase_backtest",
    )
    purchase_deciles: pd.DataFrame = table(
        "one row per decile of the backtest's P: predicted against observed",
        stem="purchase_deciles",
    )
    call_list: pd.DataFrame = table(
        "one row per candidate today among its rep's best (call_list_per_rep), by score x value",
        stem="call_list",
    )
    family_gaps: pd.DataFrame = table(
        "the gaps of the family shown, highest priority first", export=False
    )
    family_grid: pd.DataFrame = table(
        "members x products of the family shown (owned or gap), for its heatmap", export=False
    )

    family_id: str = ""
    family_name: str = ""
    tree: pd.DataFrame | None = None
    crm: Any = field(default=None, repr=False)

    def grid_for(self, family_id: str) -> pd.DataFrame:
        """:func:`family_grid` of another family of the same data and gaps.

        Parameters
        ----------
        family_id : str
            A family root ``account_id`` (e.g. from ``family_whitespace``).

        Returns
        -------
        DataFrame
            Columns :data:`GRID_COLUMNS`.
        """
        if self.crm is None:
            raise ValueError("these Results keep no data (crm is None); run the report again")
        crm = self.crm
        return family_grid(
            family_id,
            crm.accounts,
            crm.purchases,
            crm.products,
            as_of=self.as_of,
            gaps=self.gaps,
            tree=self.tree,
        )

"""Stability: the corrected ranking now against the previous period of the same length."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.period import previous_period
from workbook.analyses.hierarchy.ranking import id_rank, top_customers_keyed
from workbook.analyses.hierarchy.revenue import tree_of
from workbook.core.checks import require_frame

__all__ = ["stability"]

#: Columns of :func:`stability` (the export ``stability.csv``).
STABILITY_COLUMNS = [
    "account_id",
    "name",
    "rank",
    "revenue",
    "previous_rank",
    "previous_revenue",
    "rank_change",
    "status",
]


@shared_docs
def stability(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The corrected ranking now against the previous period of the same length.

    The previous period comes from
    :func:`~workbook.analyses.hierarchy.previous_period`; both rankings use
    :func:`~workbook.analyses.hierarchy.top_customers` with the same tree.

    Parameters
    ----------
    {hierarchy_tables}
    {hierarchy_period}
    {hierarchy_tree}

    Returns
    -------
    DataFrame
        The export ``stability.csv``: one row per family ranked in either
        period, with ``account_id`` (root), ``name``, ``rank``, ``revenue``,
        ``previous_rank``, ``previous_revenue`` (0 when not ranked before),
        ``rank_change`` (``previous_rank - rank``: positive means it climbed;
        missing for new or dropped families) and ``status``: ``"new"``
        (ranked now, not before), ``"dropped"`` (ranked before, not now),
        ``"up"``, ``"down"`` or ``"same"``. Sorted by current rank, then the
        dropped families by previous rank.
    """
    require_frame(accounts, "accounts")
    tree = tree_of(accounts, tree)
    prev_start, prev_end = previous_period(start, end)
    key = id_rank(tree)
    now = top_customers_keyed(accounts, opportunities, start=start, end=end, tree=tree, key=key)
    before = top_customers_keyed(
        accounts, opportunities, start=prev_start, end=prev_end, tree=tree, key=key
    )
    return _compare(now, before)


def _compare(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Outer-join two rankings by family and label each family's movement."""
    cols = ["account_id", "name", "rank", "revenue"]
    merged = now[cols].merge(
        before[cols].rename(columns={"rank": "previous_rank", "revenue": "previous_revenue"}),
        on=["account_id"],
        how="outer",
        suffixes=("", "_prev"),
    )
    merged["name"] = merged["name"].fillna(merged["name_prev"])
    merged = merged.drop(columns="name_prev")
    merged["rank"] = merged["rank"].astype("Int64")
    merged["previous_rank"] = merged["previous_rank"].astype("Int64")
    merged["revenue"] = merged["revenue"].fillna(0.0)
    merged["previous_revenue"] = merged["previous_revenue"].fillna(0.0)
    merged["rank_change"] = (merged["previous_rank"] - merged["rank"]).astype("Int64")
    change = merged["rank_change"].fillna(0).to_numpy()
    merged["status"] = np.select(
        [
            merged["previous_rank"].isna().to_numpy(),
            merged["rank"].isna().to_numpy(),
            change > 0,
            change < 0,
        ],
        ["new", "dropped", "up", "down"],
        "same",
    )
    merged["_dropped"] = merged["rank"].isna()
    merged = merged.sort_values(["_dropped", "rank", "previous_rank"], kind="stable")
    return merged.drop(columns="_dropped")[STABILITY_COLUMNS].reset_index(drop=True)

"""Stability: the corrected ranking now against the previous period of the same length."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.period import previous_period
from workbook.analyses.hierarchy.ranking import id_rank, top_customers_keyed
from workbook.analyses.hierarchy.revenue import tree_of
from workbook.analyses.hierarchy.uncertainty import won_deals
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
    "deals",
    "largest_deal",
    "previous_deals",
    "previous_largest_deal",
    "single_deal_move",
]


@shared_docs
def stability(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
    engine=None,
    current: pd.DataFrame | None = None,
    current_deals: pd.DataFrame | None = None,
    key: pd.Series | None = None,
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
    {hierarchy_engine}
    current, current_deals : DataFrame, optional
        :func:`~workbook.analyses.hierarchy.top_customers` and
        :func:`~workbook.analyses.hierarchy.won_deals` of ``[start, end]``
        with the same tree, when the caller has them (computed here
        otherwise).
    key : Series, optional
        The tree's id sort key (``ranking.id_rank``), when the caller has it.

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
        dropped families by previous rank. Then ``deals`` and
        ``largest_deal`` (won deals in the period and the largest amount),
        ``previous_deals`` and ``previous_largest_deal`` (the same in the
        previous period) and ``single_deal_move``: one deal explains the
        family's move. For a family that climbed (``up``), removing its
        largest deal of the period (the others unchanged) would rank it at or
        below its previous rank; a ``new`` family would not be ranked at all
        without it (it has one deal). For a family that fell (``down``),
        removing its largest deal of the previous period would have ranked
        it then at or below its rank now; a ``dropped`` family would not have
        been ranked then. ``same`` is never a single-deal move.
    """
    require_frame(accounts, "accounts")
    tree = tree_of(accounts, tree, engine=engine)
    prev_start, prev_end = previous_period(start, end)
    if key is None:
        key = id_rank(tree, engine=engine)
    common = {"tree": tree, "key": key, "engine": engine}
    now = current
    if now is None:
        now = top_customers_keyed(accounts, opportunities, start=start, end=end, **common)
    before = top_customers_keyed(accounts, opportunities, start=prev_start, end=prev_end, **common)
    out = _compare(now, before)
    if current_deals is None:
        current_deals = won_deals(
            accounts, opportunities, start=start, end=end, tree=tree, engine=engine
        )
    return _single_deal_moves(
        out,
        current_deals,
        won_deals(
            accounts, opportunities, start=prev_start, end=prev_end, tree=tree, engine=engine
        ),
    )


def _rank_without_largest(revenue: np.ndarray, largest: np.ndarray) -> np.ndarray:
    """Each family's rank if its largest deal were removed (inf: it would not be ranked).

    The others keep their revenue; the rank is 1 + the number of other ranked
    families with more revenue.
    """
    without = revenue - largest
    ranked = np.sort(revenue[revenue > 0])
    above = len(ranked) - np.searchsorted(ranked, without, side="right")
    own = (revenue > without) & (revenue > 0)
    return np.where(without > 0, 1 + above - own, np.inf)


def _single_deal_moves(table: pd.DataFrame, now: pd.DataFrame, before: pd.DataFrame):
    """Add the deal counts, the largest deals and ``single_deal_move``."""
    for prefix, deals in [("", now), ("previous_", before)]:
        grouped = deals.groupby("root_id", observed=True)["amount"]
        table[f"{prefix}deals"] = (
            table["account_id"].map(grouped.size()).fillna(0).astype("int64").to_numpy()
        )
        table[f"{prefix}largest_deal"] = (
            table["account_id"].map(grouped.max()).fillna(0.0).to_numpy(dtype="float64")
        )
    now_rev = table["revenue"].to_numpy(dtype="float64")
    prev_rev = table["previous_revenue"].to_numpy(dtype="float64")
    climbed = _rank_without_largest(now_rev, table["largest_deal"].to_numpy(dtype="float64"))
    fell = _rank_without_largest(prev_rev, table["previous_largest_deal"].to_numpy("float64"))
    status = table["status"].to_numpy()
    previous_rank = table["previous_rank"].to_numpy(dtype="float64", na_value=np.nan)
    rank = table["rank"].to_numpy(dtype="float64", na_value=np.nan)
    table["single_deal_move"] = np.select(
        [status == "new", status == "up", status == "dropped", status == "down"],
        [np.isinf(climbed), climbed >= previous_rank, np.isinf(fell), fell >= rank],
        False,
    )
    return table[STABILITY_COLUMNS]


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
    return merged.drop(columns="_dropped")[STABILITY_COLUMNS[:8]].reset_index(drop=True)

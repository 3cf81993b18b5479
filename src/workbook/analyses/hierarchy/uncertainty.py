"""Rank uncertainty: how sure the family ranking is, by resampling the period's won deals.

Won deals
    Opportunities counted as revenue (:mod:`~workbook.analyses.hierarchy.revenue`):
    won, closed in the period, on an account in the tree; a missing amount
    is 0. Each belongs to the family of its account.
Bootstrap
    ``n_boot`` resamples, each drawing as many deals as there are, with
    replacement (multinomial counts over the deals, seeded by ``seed``). A
    resample's family totals are the matrix product of the counts with the
    deal x family amount matrix; families are ranked in each resample by
    total descending (tied totals share the smallest rank).
rank_low, rank_high
    The 2.5% and 97.5% quantiles of a family's resampled ranks (the
    ``inverted_cdf`` quantile, so both are ranks that occur): the 95% rank
    interval.
p_rank_1, p_top_n
    Share of resamples in which the family ranks 1st, and in the top N.
statistically tied for first
    The families whose rank interval contains 1 (``rank_low == 1``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import rankdata

from workbook.analyses.hierarchy import relational
from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.revenue import engine_of, tree_of
from workbook.core.checks import require_frame

__all__ = ["RANK_COLUMNS", "rank_uncertainty", "won_deals"]

#: Columns of :func:`rank_uncertainty` (the export ``rank_uncertainty.csv``).
RANK_COLUMNS = [
    "rank",
    "account_id",
    "name",
    "revenue",
    "deals",
    "largest_deal",
    "largest_deal_share",
    "rank_low",
    "rank_high",
    "p_rank_1",
    "p_top_n",
    "tied_for_first",
]


@shared_docs
def won_deals(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """The won deals counted as revenue in the period, each with its family.

    Selected by :func:`workbook.analyses.hierarchy.relational.won_deals` in
    the engine; the rows come back in the order of ``opportunities`` (the
    bootstrap's draws are tied to that order).

    Parameters
    ----------
    {hierarchy_tables}
    {hierarchy_period}
    {hierarchy_tree}
    {hierarchy_engine}

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``account_id``, ``root_id``, ``amount`` (missing
        as 0), one row per won opportunity closed in ``[start, end]`` on an
        account in the tree.
    """
    require_frame(opportunities, "opportunities")
    eng = engine_of(engine)
    tree = tree_of(accounts, tree, engine=eng)
    expr = relational.won_deals(
        eng.table(tree, "tree"), eng.table(opportunities, "opportunities"), start=start, end=end
    )
    deals = eng.frame(expr)
    position = pd.Index(opportunities["opportunity_id"]).get_indexer(deals["opportunity_id"])
    deals = deals.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)
    return deals.astype(
        {
            "opportunity_id": opportunities["opportunity_id"].dtype,
            "account_id": opportunities["account_id"].dtype,
            "root_id": tree["root_id"].dtype,
            "amount": "float64",
        }
    )


def rank_uncertainty(
    top: pd.DataFrame,
    deals: pd.DataFrame,
    *,
    top_n: int = 10,
    n_boot: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Bootstrap rank interval and P(top N) of every ranked family.

    Every definition is in :mod:`workbook.analyses.hierarchy.uncertainty`.

    Parameters
    ----------
    top : DataFrame
        :func:`~workbook.analyses.hierarchy.top_customers` (ranked families).
    deals : DataFrame
        :func:`won_deals` for the same period and tree.
    top_n : int
        The N of ``p_top_n``.
    n_boot : int
        Resamples.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    DataFrame
        The export ``rank_uncertainty.csv``, one row per ranked family in
        rank order: ``rank``, ``account_id``, ``name``, ``revenue``,
        ``deals`` (won deals in the period), ``largest_deal`` and
        ``largest_deal_share`` (of the family's revenue), ``rank_low``,
        ``rank_high``, ``p_rank_1``, ``p_top_n`` and ``tied_for_first``
        (``rank_low == 1``).
    """
    require_frame(top, "top", ["rank", "account_id", "name", "revenue"])
    require_frame(deals, "deals", ["root_id", "amount"])
    out = top[["rank", "account_id", "name", "revenue"]].reset_index(drop=True)
    family_index = pd.Series(np.arange(len(out)), index=pd.Index(out["account_id"]))
    column = deals["root_id"].map(family_index)
    per_family = deals.groupby("root_id", observed=True)["amount"]
    out["deals"] = out["account_id"].map(per_family.size()).fillna(0).astype("int64").to_numpy()
    out["largest_deal"] = out["account_id"].map(per_family.max()).to_numpy(dtype="float64")
    out["largest_deal_share"] = out["largest_deal"] / out["revenue"]
    n, families = len(deals), len(out)
    if n == 0 or families == 0:
        for col in ["rank_low", "rank_high", "p_rank_1", "p_top_n"]:
            out[col] = pd.Series(dtype="float64")
        out["tied_for_first"] = pd.Series(dtype=bool)
        return out[RANK_COLUMNS]
    rows = np.flatnonzero(column.notna().to_numpy())
    amounts = sparse.csr_matrix(
        (
            deals["amount"].to_numpy(dtype="float64")[rows],
            (rows, column.to_numpy()[rows].astype(np.int64)),
        ),
        shape=(n, families),
    )
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=n_boot)
    totals = np.asarray((amounts.T @ counts.T).T)  # n_boot x families
    ranks = rankdata(-totals, axis=1, method="min")
    low, high = np.quantile(ranks, [0.025, 0.975], axis=0, method="inverted_cdf")
    out["rank_low"] = low.astype("int64")
    out["rank_high"] = high.astype("int64")
    out["p_rank_1"] = (ranks == 1).mean(axis=0)
    out["p_top_n"] = (ranks <= top_n).mean(axis=0)
    out["tied_for_first"] = out["rank_low"] == 1
    return out[RANK_COLUMNS]

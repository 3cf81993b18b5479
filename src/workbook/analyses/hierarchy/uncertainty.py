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

from workbook.analyses.hierarchy import relational
from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.revenue import engine_of, tree_of
from workbook.core.checks import require_frame
from workbook.data.validate import positions

__all__ = ["RANK_COLUMNS", "descending_min_ranks", "rank_uncertainty", "won_deals"]

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
    # each deal's row in opportunities (ids unique, as validated): an Arrow hash lookup
    position = positions(deals["opportunity_id"], opportunities["opportunity_id"])
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
    ranks = _bootstrap_ranks(
        column.to_numpy(dtype="float64", na_value=np.nan),
        deals["amount"].to_numpy(dtype="float64"),
        families,
        n_boot=n_boot,
        seed=seed,
    )
    # The inverted_cdf quantile is an order statistic whose position depends only on
    # n_boot: the same positions of each family's sorted ranks (one row per family).
    at = np.quantile(np.arange(n_boot), [0.025, 0.975], method="inverted_cdf").astype(np.int64)
    low, high = np.partition(ranks, at, axis=1)[:, at].T
    out["rank_low"] = low.astype("int64")
    out["rank_high"] = high.astype("int64")
    out["p_rank_1"] = (ranks == 1).mean(axis=1)
    out["p_top_n"] = (ranks <= top_n).mean(axis=1)
    out["tied_for_first"] = out["rank_low"] == 1
    return out[RANK_COLUMNS]


#: Cells (resamples x deals) of the multinomial counts drawn at a time: 32 MB of int64.
_CHUNK_CELLS = 1 << 22


def _bootstrap_ranks(
    family: np.ndarray, amount: np.ndarray, families: int, *, n_boot: int, seed: int
) -> np.ndarray:
    """The family ranks of every resample (``families`` x ``n_boot``, rank 1 = largest total).

    ``family`` is each deal's family column (NaN: a deal of no ranked family,
    drawn but adding to no total). The multinomial counts are drawn a block
    of resamples at a time from one generator, which gives the same counts as
    one ``multinomial(..., size=n_boot)`` call (resample after resample) in a
    fraction of the memory. A block's totals are the family x deal amount
    matrix (CSR, each family's deals in deal order) times the counts: each
    total adds its deals in deal order, as the deal x family product did.
    """
    n = len(family)
    rows = np.flatnonzero(~np.isnan(family))
    fam = family[rows].astype(np.int64)
    order = np.argsort(fam, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(fam, minlength=families))])
    matrix = sparse.csr_matrix((amount[rows][order], rows[order], indptr), shape=(families, n))
    rng = np.random.default_rng(seed)
    p = np.full(n, 1.0 / n)
    dtype = np.int32 if families < np.iinfo(np.int32).max else np.int64
    ranks = np.empty((families, n_boot), dtype=dtype)
    step = max(1, _CHUNK_CELLS // max(n, 1))
    for first in range(0, n_boot, step):  # blocks of resamples, not rows
        counts = rng.multinomial(n, p, size=min(step, n_boot - first))
        totals = np.asarray(matrix @ counts.T.astype("float64", order="C")).T
        del counts
        ranks[:, first : first + len(totals)] = descending_min_ranks(totals).T
    return ranks


def descending_min_ranks(values: np.ndarray) -> np.ndarray:
    """Rank the values of each row, largest first, tied values sharing the smallest rank.

    The rank of a value is 1 + the number of values of its row strictly
    greater (``scipy.stats.rankdata(-values, axis=1, method="min")``): one
    sort per row and no float arithmetic.

    Parameters
    ----------
    values : ndarray
        2-D, no NaN.

    Returns
    -------
    ndarray
        int64, the shape of ``values``.

    Examples
    --------
    >>> descending_min_ranks(np.array([[5.0, 7.0, 5.0, 1.0]]))
    array([[2, 1, 2, 4]])
    """
    values = np.asarray(values)
    rows, width = values.shape
    if values.size == 0:
        return np.zeros(values.shape, dtype=np.int64)
    flat = np.argsort(values, axis=1)
    flat += (np.arange(rows, dtype=flat.dtype) * width)[:, None]
    flat = flat.ravel()
    ordered = values.ravel()[flat].reshape(rows, width)
    # last[i, k]: the last sorted position holding ordered[i, k] (the end of its tie run)
    last = np.empty((rows, width), dtype=np.int64)
    last[:, -1] = width - 1
    last[:, :-1] = np.where(ordered[:, 1:] != ordered[:, :-1], np.arange(width - 1), width)
    last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(rows * width, dtype=np.int64)
    ranks[flat] = (width - last).ravel()
    return ranks.reshape(rows, width)

"""Rankings: single accounts (naive) against corporate families (corrected).

Ranking
    Rows with revenue strictly greater than 0, by revenue descending, ties
    broken by ``account_id`` ascending (numerically when every account id is
    an integer, as in :mod:`workbook.core.families`). Ranks are 1, 2, 3...
    with no gaps and no shared ranks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.revenue import account_revenue, family_revenue, tree_of
from workbook.core.checks import require_frame
from workbook.core.families import id_order

__all__ = [
    "concentration",
    "herfindahl",
    "naive_top",
    "rank_shift",
    "top_customers",
    "top_n_share",
]

#: Columns of :func:`top_customers`: the export contract first, in its order; the extras follow.
TOP_COLUMNS = [
    "rank",
    "account_id",
    "name",
    "revenue",
    "member_accounts",
    "best_member_naive_rank",
    "buying_accounts",
    "best_member_id",
    "best_member_name",
]
#: Columns of :func:`rank_shift`.
SHIFT_COLUMNS = [
    "account_id",
    "name",
    "revenue",
    "member_accounts",
    "buying_accounts",
    "corrected_rank",
    "best_member_naive_rank",
    "best_member_name",
    "best_member_revenue",
    "rank_change",
    "in_naive_top",
    "in_corrected_top",
    "movement",
]


def id_rank(tree: pd.DataFrame, *, engine=None) -> pd.Series:
    """Sort key of every account id (:func:`workbook.core.families.id_order`)."""
    key = id_order(tree["account_id"], engine=engine)
    return pd.Series(key, index=pd.Index(tree["account_id"]))


def account_names(accounts: pd.DataFrame) -> pd.Series:
    """Account name by ``account_id`` (as text), for mapping ids to names."""
    return pd.Series(
        accounts["name"].to_numpy(), index=pd.Index(accounts["account_id"].astype("string"))
    )


def _rank(frame: pd.DataFrame, id_col: str, key: pd.Series) -> pd.DataFrame:
    """Keep rows with revenue > 0 and rank them: revenue desc, then id order asc."""
    ranked = frame[frame["revenue"] > 0].assign(_key=lambda f: f[id_col].map(key).to_numpy())
    ranked = ranked.sort_values(["revenue", "_key"], ascending=[False, True], kind="stable")
    ranked = ranked.drop(columns="_key").reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1, dtype=np.int64))
    return ranked


@shared_docs
def naive_top(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """The account-level ranking, without roll-up (what a CRM list view shows).

    Accounts among ``accounts`` with revenue > 0 in ``[start, end]`` (see
    :func:`~workbook.analyses.hierarchy.account_revenue`), ranked by revenue
    descending, ties by ``account_id`` ascending (numeric order when every id
    is an integer). Revenue booked on account ids that are not among the
    accounts is left out (see :func:`~workbook.analyses.hierarchy.revenue_basis`).

    Parameters
    ----------
    {hierarchy_tables}
    {hierarchy_period}
    {hierarchy_tree}
    {hierarchy_engine}

    Returns
    -------
    DataFrame
        The export ``naive_top.csv``: ``rank`` (1..n, no ties), ``account_id``,
        ``name``, ``revenue``, ``root_account_id`` (the account's ultimate parent).
    """
    require_frame(accounts, "accounts")
    tree = tree_of(accounts, tree, engine=engine)
    key = id_rank(tree, engine=engine)
    return naive_top_keyed(
        accounts, opportunities, start=start, end=end, tree=tree, key=key, engine=engine
    )


def naive_top_keyed(accounts, opportunities, *, start, end, tree, key, engine=None) -> pd.DataFrame:
    """:func:`naive_top` with the tree and the id sort key (:func:`id_rank`) given."""
    per_account = account_revenue(opportunities, start=start, end=end, engine=engine)
    known = tree[["account_id", "root_id"]].merge(per_account, on="account_id", how="inner")
    ranked = _rank(known, "account_id", key)
    ranked["name"] = ranked["account_id"].map(account_names(accounts)).to_numpy()
    ranked = ranked.rename(columns={"root_id": "root_account_id"})
    return ranked[["rank", "account_id", "name", "revenue", "root_account_id"]]


@shared_docs
def top_customers(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """The hierarchy-corrected ranking: corporate families by revenue.

    Families (:func:`~workbook.analyses.hierarchy.family_revenue`) with
    revenue > 0 in ``[start, end]``, ranked by revenue descending, ties
    broken by the root's ``account_id`` ascending (numeric order when every
    id is an integer). Families with no revenue in the period are not ranked.

    Parameters
    ----------
    {hierarchy_tables}
    {hierarchy_period}
    {hierarchy_tree}
    {hierarchy_engine}

    Returns
    -------
    DataFrame
        The export ``top_customers.csv``: the contract columns ``rank``,
        ``account_id``, ``name``, ``revenue``, ``member_accounts``,
        ``best_member_naive_rank`` in that order, then the extras
        ``buying_accounts``, ``best_member_id``, ``best_member_name``.

        ``rank``
            1..n, no shared ranks.
        ``account_id``
            The family's root (ultimate parent).
        ``name``
            The root's name.
        ``revenue``
            Family revenue in the period.
        ``member_accounts``
            Accounts in the family (buying or not).
        ``best_member_naive_rank``
            The best (smallest) rank any member has in :func:`naive_top`;
            missing when no member has positive revenue on its own.
        ``buying_accounts``
            Members with a won opportunity closed in the period.
        ``best_member_id``, ``best_member_name``
            The member holding that rank.
    """
    require_frame(accounts, "accounts")
    tree = tree_of(accounts, tree, engine=engine)
    key = id_rank(tree, engine=engine)
    return top_customers_keyed(
        accounts, opportunities, start=start, end=end, tree=tree, key=key, engine=engine
    )


def top_customers_keyed(
    accounts, opportunities, *, start, end, tree, key, engine=None, naive=None
) -> pd.DataFrame:
    """:func:`top_customers` with the tree and the id sort key (:func:`id_rank`) given.

    ``naive``, when given, is :func:`naive_top` of the same tables, period and
    tree (computed here otherwise).
    """
    families = family_revenue(
        accounts, opportunities, start=start, end=end, tree=tree, engine=engine
    )
    ranked = _rank(families, "root_id", key).rename(columns={"root_id": "account_id"})
    ranked["name"] = ranked["account_id"].map(account_names(accounts)).to_numpy()
    if naive is None:
        naive = naive_top_keyed(
            accounts, opportunities, start=start, end=end, tree=tree, key=key, engine=engine
        )
    # naive is sorted by rank, so the first row per root is the best member.
    best = naive.drop_duplicates("root_account_id").set_index("root_account_id")
    ranked["best_member_naive_rank"] = pd.array(
        ranked["account_id"].map(best["rank"]).to_numpy(dtype="float64"), dtype="Int64"
    )
    ranked["best_member_id"] = ranked["account_id"].map(best["account_id"]).to_numpy()
    ranked["best_member_name"] = ranked["account_id"].map(best["name"]).to_numpy()
    return ranked[TOP_COLUMNS]


def rank_shift(top: pd.DataFrame, naive: pd.DataFrame, *, top_n: int = 10) -> pd.DataFrame:
    """Naive top-N against corrected top-N: which families climb, which accounts fall.

    One row per family that is in the corrected top ``top_n`` or has a
    member in the naive top ``top_n``. The family's naive position is its
    best member's naive rank (:func:`top_customers` ``best_member_naive_rank``).

    Parameters
    ----------
    top : DataFrame
        Output of :func:`top_customers`.
    naive : DataFrame
        Output of :func:`naive_top` for the same period.
    top_n : int
        Size of both top lists.

    Returns
    -------
    DataFrame
        ``account_id`` (root), ``name``, ``revenue`` (family), ``member_accounts``,
        ``buying_accounts``, ``corrected_rank``, ``best_member_naive_rank``,
        ``best_member_name``, ``best_member_revenue``, ``rank_change``
        (``best_member_naive_rank - corrected_rank``: positive means the family
        climbs once rolled up), ``in_naive_top``, ``in_corrected_top`` and
        ``movement``: ``"climbs"`` (rank_change > 0), ``"falls"``
        (rank_change < 0) or ``"same"``. Sorted by corrected rank.
    """
    require_frame(top, "top", ["rank", "account_id", "best_member_naive_rank"])
    require_frame(naive, "naive", ["rank", "account_id", "root_account_id"])
    naive_rev = naive.set_index("account_id")["revenue"]
    frame = top.rename(columns={"rank": "corrected_rank"})
    in_naive_roots = naive.loc[naive["rank"] <= top_n, "root_account_id"]
    keep = (frame["corrected_rank"] <= top_n) | frame["account_id"].isin(in_naive_roots)
    out = frame[keep].copy()
    out["best_member_revenue"] = out["best_member_id"].map(naive_rev).to_numpy()
    out["rank_change"] = (out["best_member_naive_rank"] - out["corrected_rank"]).astype("Int64")
    out["in_naive_top"] = out["account_id"].isin(in_naive_roots).to_numpy()
    out["in_corrected_top"] = (out["corrected_rank"] <= top_n).to_numpy()
    change = out["rank_change"].fillna(0).to_numpy()
    out["movement"] = np.select([change > 0, change < 0], ["climbs", "falls"], "same")
    return out[SHIFT_COLUMNS].reset_index(drop=True)


def concentration(top: pd.DataFrame, *, top_n: int = 10) -> pd.DataFrame:
    """Pareto / Lorenz data: how much revenue the largest families hold.

    Parameters
    ----------
    top : DataFrame
        Output of :func:`top_customers` (ranked families, revenue > 0).
    top_n : int
        Marks the first ``top_n`` families.

    Returns
    -------
    DataFrame
        The export ``concentration.csv``, one row per ranked family in rank
        order: ``rank``, ``account_id``, ``name``, ``revenue``, ``share``
        (revenue / total revenue of ranked families), ``cumulative_share``
        (share held by families ranked 1..rank), ``family_share`` (rank /
        number of ranked families: the x of the Pareto curve) and
        ``in_top_n`` (rank <= top_n). The top-N share is
        ``cumulative_share`` at rank ``min(top_n, n)``.
    """
    require_frame(top, "top", ["rank", "account_id", "name", "revenue"])
    out = top[["rank", "account_id", "name", "revenue"]].copy()
    total = float(out["revenue"].sum())
    n = len(out)
    out["share"] = out["revenue"] / total if total > 0 else np.nan
    out["cumulative_share"] = out["share"].cumsum()
    out["family_share"] = out["rank"] / n if n else np.nan
    out["in_top_n"] = out["rank"] <= top_n
    return out.reset_index(drop=True)


def top_n_share(conc: pd.DataFrame, top_n: int) -> float:
    """Share of ranked-family revenue held by the top ``top_n`` families.

    Parameters
    ----------
    conc : DataFrame
        Output of :func:`concentration`.
    top_n : int
        Families counted.

    Returns
    -------
    float
        NaN when no family is ranked.
    """
    require_frame(conc, "conc", ["rank", "share"])
    if conc.empty:
        return float("nan")
    return float(conc.loc[conc["rank"] <= top_n, "share"].sum())


def herfindahl(conc: pd.DataFrame) -> dict:
    """Herfindahl-Hirschman index of family revenue and the effective number of families.

    Parameters
    ----------
    conc : DataFrame
        Output of :func:`concentration`.

    Returns
    -------
    dict
        ``hhi``: the sum of squared revenue shares of the ranked families
        (0..1; 1 when one family holds everything; times 10,000 on the
        antitrust scale); ``effective_families``: ``1 / hhi``, the number of
        equal-sized families that would give the same concentration. Both
        NaN when no family is ranked.
    """
    require_frame(conc, "conc", ["share"])
    if conc.empty:
        return {"hhi": float("nan"), "effective_families": float("nan")}
    hhi = float((conc["share"] ** 2).sum())
    return {"hhi": hhi, "effective_families": 1.0 / hhi}

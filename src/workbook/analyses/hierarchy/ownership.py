"""Split ownership: families whose members are owned by more than one rep."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.ranking import account_names
from workbook.core import calendar
from workbook.core.checks import require_frame

__all__ = ["split_ownership"]

#: Columns of :func:`split_ownership` (the export ``split_ownership.csv``).
SPLIT_COLUMNS = [
    "root_id",
    "family_name",
    "family_rank",
    "family_revenue",
    "owners",
    "account_id",
    "name",
    "owner_id",
    "owner_name",
    "started_at",
    "tenure_days",
    "new_rep",
]


@shared_docs
def split_ownership(
    accounts: pd.DataFrame,
    users: pd.DataFrame | None = None,
    *,
    as_of,
    tree: pd.DataFrame,
    ranking: pd.DataFrame | None = None,
    new_rep_days: int = 180,
) -> pd.DataFrame:
    """Families whose members are owned by more than one rep.

    A family is split when its members carry two or more distinct non-missing
    ``owner_id`` values. Every member of a split family is listed.

    Parameters
    ----------
    accounts : DataFrame
        Canonical accounts (``owner_id``).
    users : DataFrame, optional
        Canonical users; gives ``owner_name`` and, where ``started_at`` is
        present, tenure.
    as_of : date-like
        Tenure is measured to this day (:func:`workbook.core.calendar.age_days`).
    {hierarchy_tree_required}
    ranking : DataFrame, optional
        Output of :func:`~workbook.analyses.hierarchy.top_customers`; adds
        ``family_rank`` and ``family_revenue`` so a key family stands out.
    new_rep_days : int
        An owner is new when ``tenure_days < new_rep_days`` (strictly).

    Returns
    -------
    DataFrame
        The export ``split_ownership.csv``: ``root_id``, ``family_name``,
        ``family_rank``, ``family_revenue``, ``owners`` (distinct owners in the
        family), ``account_id``, ``name``, ``owner_id``, ``owner_name``,
        ``started_at``, ``tenure_days`` (whole days from ``started_at`` to
        ``as_of``; missing when unknown or when the owner starts after
        ``as_of``) and ``new_rep`` (missing when tenure is). Sorted by family
        rank (unranked last), root, then account.
    """
    require_frame(accounts, "accounts", ["account_id", "name", "owner_id"])
    require_frame(tree, "tree", ["account_id", "root_id"])
    if users is not None:
        require_frame(users, "users")
    split = _split_members(accounts, tree)
    split["family_name"] = split["root_id"].map(account_names(accounts)).to_numpy()
    _add_family_rank(split, ranking)
    _add_owner(split, users)
    tenure = calendar.age_days(split["started_at"], as_of=as_of).astype("Int64")
    tenure = tenure.where(tenure >= 0)
    split["tenure_days"] = tenure
    split["new_rep"] = (tenure < new_rep_days).astype("boolean")
    split["_unranked"] = split["family_rank"].isna()
    split = split.sort_values(["_unranked", "family_rank", "root_id", "account_id"], kind="stable")
    return split[SPLIT_COLUMNS].reset_index(drop=True)


def _split_members(accounts: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Members of families with two or more distinct owners, with ``owners``."""
    owners = tree[["account_id", "root_id"]].merge(
        accounts[["account_id", "name", "owner_id"]].astype(
            {"account_id": "string", "owner_id": "string"}
        ),
        on="account_id",
        how="left",
    )
    owners["owners"] = owners.groupby("root_id", observed=True)["owner_id"].transform("nunique")
    return owners[owners["owners"] > 1].copy()


def _add_family_rank(split: pd.DataFrame, ranking: pd.DataFrame | None) -> None:
    """Add ``family_rank`` and ``family_revenue`` from ``ranking`` (in place)."""
    if ranking is None:
        split["family_rank"] = pd.array([pd.NA] * len(split), dtype="Int64")
        split["family_revenue"] = np.nan
        return
    by_root = require_frame(ranking, "ranking", ["account_id", "rank", "revenue"])
    by_root = by_root.set_index("account_id")
    split["family_rank"] = pd.array(
        split["root_id"].map(by_root["rank"]).to_numpy(dtype="float64"), dtype="Int64"
    )
    split["family_revenue"] = split["root_id"].map(by_root["revenue"]).fillna(0.0).to_numpy()


def _add_owner(split: pd.DataFrame, users: pd.DataFrame | None) -> None:
    """Add ``owner_name`` and ``started_at`` from ``users`` (in place)."""
    if users is None or not len(users):
        split["owner_name"] = pd.NA
        split["started_at"] = pd.NaT
        return
    u = users.set_index(users["owner_id"].astype("string"))
    split["owner_name"] = split["owner_id"].map(u["name"]).to_numpy() if "name" in u else pd.NA
    started = split["owner_id"].map(u["started_at"]) if "started_at" in u else pd.Series(pd.NaT)
    split["started_at"] = pd.to_datetime(started.to_numpy())

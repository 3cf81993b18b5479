"""Revenue per account and per corporate family in a period.

Won opportunity
    ``is_won`` is true (a missing ``is_won`` counts as not won). Lost deals
    (closed, not won) and open deals never count, whatever their date.
Revenue
    Sum of ``amount`` over won opportunities whose ``close_date`` is in the
    period (:mod:`~workbook.analyses.hierarchy.period`). A missing amount adds
    nothing (and is counted by :func:`revenue_basis`).
Family
    All accounts sharing a ``root_id`` in the tree
    (:func:`workbook.core.families.ultimate_parents`). A family's revenue is
    the sum over all of its members.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.period import in_period
from workbook.core import calendar
from workbook.core.checks import require_frame
from workbook.core.families import ultimate_parents

__all__ = ["account_revenue", "family_revenue", "revenue_basis"]


def _won(opportunities: pd.DataFrame) -> pd.Series:
    return opportunities["is_won"].astype("boolean").fillna(False).astype(bool)


def tree_of(accounts: pd.DataFrame, tree: pd.DataFrame | None) -> pd.DataFrame:
    """``tree`` when given, else :func:`~workbook.core.families.ultimate_parents` of ``accounts``."""
    if tree is None:
        return ultimate_parents(accounts)
    return require_frame(tree, "tree", ["account_id", "root_id"])


@shared_docs
def account_revenue(opportunities: pd.DataFrame, *, start, end) -> pd.DataFrame:
    """Revenue per account in the period.

    Revenue is the sum of ``amount`` over opportunities with ``is_won`` true
    and ``close_date`` in ``[start, end]`` (calendar days, both inclusive).
    Lost and open deals, and won deals closed outside the period, are
    ignored; a missing amount adds 0.

    Parameters
    ----------
    opportunities : DataFrame
        Canonical ``opportunities`` table.
    {hierarchy_period}

    Returns
    -------
    DataFrame
        ``account_id``, ``revenue`` (float): one row per account with at least
        one won opportunity closed in the period (revenue may be 0 if every
        such amount is 0 or missing), sorted by ``account_id``.
    """
    require_frame(opportunities, "opportunities")
    mask = _won(opportunities) & in_period(opportunities["close_date"], start, end)
    won = opportunities.loc[mask, ["account_id", "amount"]]
    return (
        won.groupby("account_id", sort=True, observed=True)["amount"]
        .sum(min_count=0)
        .astype("float64")
        .rename("revenue")
        .reset_index()
    )


@shared_docs
def revenue_basis(opportunities: pd.DataFrame, accounts: pd.DataFrame, *, start, end) -> dict:
    """Count which opportunities count as revenue, and why the others do not.

    Parameters
    ----------
    opportunities, accounts : DataFrame
        Canonical tables.
    {hierarchy_period}

    Returns
    -------
    dict
        ``won_in_period`` (counted), ``won_before_period``,
        ``won_after_period``, ``lost`` (closed and not won), ``open`` (not
        closed and not won), ``won_missing_amount`` (won in period, amount
        missing: counted as 0) and ``won_unknown_account`` (won in period,
        ``account_id`` not among the accounts: left out of every family).
    """
    require_frame(opportunities, "opportunities")
    require_frame(accounts, "accounts")
    won = _won(opportunities)
    closed = opportunities["is_closed"].astype("boolean").fillna(False).astype(bool)
    day = calendar.days(opportunities["close_date"])
    inside = in_period(opportunities["close_date"], start, end)
    known = opportunities["account_id"].isin(accounts["account_id"])
    return {
        "won_in_period": int((won & inside).sum()),
        "won_before_period": int((won & (day < pd.Timestamp(start))).sum()),
        "won_after_period": int((won & (day > pd.Timestamp(end))).sum()),
        "lost": int((~won & closed).sum()),
        "open": int((~won & ~closed).sum()),
        "won_missing_amount": int((won & inside & opportunities["amount"].isna()).sum()),
        "won_unknown_account": int((won & inside & ~known).sum()),
    }


@shared_docs
def family_revenue(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Revenue per corporate family (ultimate parent) in the period.

    Every account's revenue (:func:`account_revenue`) is added to its root
    from ``tree`` (:func:`workbook.core.families.ultimate_parents`). Won
    opportunities whose ``account_id`` is not among the accounts belong to no
    family and are left out (counted by :func:`revenue_basis`), so the sum
    of ``revenue`` equals the revenue of the known accounts.

    Parameters
    ----------
    {hierarchy_tables}
    {hierarchy_period}
    {hierarchy_tree}

    Returns
    -------
    DataFrame
        One row per family (every root, including families with no revenue),
        sorted by ``root_id``:

        ``root_id``
            The family's ultimate parent.
        ``revenue``
            Sum over all members (0.0 when none has revenue).
        ``member_accounts``
            Number of accounts in the family, buying or not.
        ``buying_accounts``
            Members with at least one won opportunity closed in the period.
    """
    require_frame(accounts, "accounts")
    tree = tree_of(accounts, tree)
    per_account = account_revenue(opportunities, start=start, end=end)
    members = tree[["account_id", "root_id"]].merge(per_account, on="account_id", how="left")
    grouped = members.groupby("root_id", sort=True, observed=True)
    out = pd.DataFrame(
        {
            "revenue": grouped["revenue"].sum(min_count=0).astype("float64"),
            "member_accounts": grouped["account_id"].size().astype("int64"),
            "buying_accounts": grouped["revenue"].count().astype("int64"),
        }
    ).reset_index()
    return out[["root_id", "revenue", "member_accounts", "buying_accounts"]]

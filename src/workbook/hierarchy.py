"""Hierarchy-corrected top customers: revenue rolled up to the ultimate parent.

Pure functions over the canonical tables (:mod:`workbook.model`): DataFrames
in, DataFrames out, ``as_of`` and the period always passed in. The ultimate
parent of every account comes from :func:`workbook.families.ultimate_parents`
(the *tree*); nothing here re-derives it.

Definitions used throughout
---------------------------
Period
    A closed calendar-day interval ``[start, end]``: a date ``d`` is inside
    when ``start <= d.normalize() <= end`` (times of day are ignored, both ends
    are inclusive). :func:`default_period` gives the 12 months ending on
    ``as_of``.
Won opportunity
    ``is_won`` is true (a missing ``is_won`` counts as not won). Lost deals
    (closed, not won) and open deals never count, whatever their date.
Revenue
    Sum of ``amount`` over won opportunities whose ``close_date`` is in the
    period. A missing amount adds nothing (and is counted by
    :func:`revenue_basis`).
Family
    All accounts sharing a ``root_id`` in the tree. A family's revenue is the
    sum over all of its members.
Ranking
    Rows with revenue strictly greater than 0, by revenue descending, ties
    broken by ``account_id`` ascending (numerically when every account id is
    an integer, as in :mod:`workbook.families`). Ranks are 1, 2, 3... with no
    gaps and no shared ranks.
"""

from __future__ import annotations

import pandas as pd

from workbook.families import ultimate_parents

__all__ = [
    "account_revenue",
    "default_period",
    "family_revenue",
    "resolve_period",
    "revenue_basis",
]


# --------------------------------------------------------------------------- period
def default_period(as_of) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The 12 months ending on ``as_of``, both ends inclusive.

    ``start = as_of - 12 months + 1 day`` using :class:`pandas.DateOffset`,
    ``end = as_of`` (both normalised to midnight).

    * as_of 2026-06-30 gives 2025-07-01 .. 2026-06-30;
    * as_of 2026-03-15 gives 2025-03-16 .. 2026-03-15;
    * month ends: as_of 2024-02-29 (leap day) gives 2023-03-01 .. 2024-02-29
      (2023-02-28 + 1 day); as_of 2025-02-28 gives 2024-02-29 .. 2025-02-28,
      so the leap day is inside the window.

    Parameters
    ----------
    as_of : date-like
        Observation end date.

    Returns
    -------
    (start, end) : tuple of Timestamp
    """
    end = pd.Timestamp(as_of).normalize()
    start = end - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    return pd.Timestamp(start), end


def resolve_period(as_of, period_start="", period_end="") -> tuple[pd.Timestamp, pd.Timestamp]:
    """Turn the notebook parameters into a period.

    ``period_end`` empty means ``as_of``; ``period_start`` empty means the
    default 12-month window ending on ``period_end`` (see
    :func:`default_period`). Raises ``ValueError`` when start is after end.
    """
    end = pd.Timestamp(period_end).normalize() if period_end else pd.Timestamp(as_of).normalize()
    start = pd.Timestamp(period_start).normalize() if period_start else default_period(end)[0]
    if start > end:
        raise ValueError(f"period_start {start.date()} is after period_end {end.date()}")
    return start, end


def _in_period(dates: pd.Series, start, end) -> pd.Series:
    day = dates.dt.normalize()
    return (day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))


def _won(opportunities: pd.DataFrame) -> pd.Series:
    return opportunities["is_won"].astype("boolean").fillna(False).astype(bool)


# --------------------------------------------------------------------------- revenue
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
    start, end : date-like
        Period bounds, inclusive.

    Returns
    -------
    DataFrame
        ``account_id``, ``revenue`` (float): one row per account with at least
        one won opportunity closed in the period (revenue may be 0 if every
        such amount is 0 or missing), sorted by ``account_id``.
    """
    mask = _won(opportunities) & _in_period(opportunities["close_date"], start, end)
    won = opportunities.loc[mask, ["account_id", "amount"]]
    out = (
        won.groupby("account_id", sort=True, observed=True)["amount"]
        .sum(min_count=0)
        .astype("float64")
        .rename("revenue")
        .reset_index()
    )
    return out


def revenue_basis(opportunities: pd.DataFrame, accounts: pd.DataFrame, *, start, end) -> dict:
    """Count which opportunities count as revenue, and why the others do not.

    Returns
    -------
    dict
        ``won_in_period`` (counted), ``won_before_period``,
        ``won_after_period``, ``lost`` (closed and not won), ``open`` (not
        closed and not won), ``won_missing_amount`` (won in period, amount
        missing: counted as 0) and ``won_unknown_account`` (won in period,
        ``account_id`` not among the accounts: left out of every family).
    """
    won = _won(opportunities)
    closed = opportunities["is_closed"].astype("boolean").fillna(False).astype(bool)
    day = opportunities["close_date"].dt.normalize()
    inside = _in_period(opportunities["close_date"], start, end)
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


def _tree(accounts: pd.DataFrame, tree: pd.DataFrame | None) -> pd.DataFrame:
    return ultimate_parents(accounts) if tree is None else tree


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
    from ``tree`` (:func:`workbook.families.ultimate_parents`). Won
    opportunities whose ``account_id`` is not among the accounts belong to no
    family and are left out (counted by :func:`revenue_basis`), so the sum
    of ``revenue`` equals the revenue of the known accounts.

    Parameters
    ----------
    accounts, opportunities : DataFrame
        Canonical tables.
    start, end : date-like
        Period bounds, inclusive.
    tree : DataFrame, optional
        Output of ``ultimate_parents(accounts)``; computed when omitted.

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
    tree = _tree(accounts, tree)
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

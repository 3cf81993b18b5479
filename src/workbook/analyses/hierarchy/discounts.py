"""Sibling discounts: members of one family paying different discounts for one product.

Lines used
    Purchase lines with ``purchased_at`` on or before ``as_of`` (calendar
    day) and a ``discount_pct`` (see :func:`discount_basis`); lines whose
    account is not among the accounts belong to no family and are left out.
member discount
    Mean ``discount_pct`` over the member's lines of that product.
family median, MAD
    Median of the member discounts of the family x product, and the median
    absolute deviation of the member discounts from it.
robust_z
    ``|member discount - median| / (1.4826 * MAD)``. When MAD is 0 it is 0
    for members at the median and infinite for the others.
outlier
    ``robust_z > mad_threshold`` (strictly).
spend
    Sum of ``amount`` over the member's lines (missing amounts add 0).
revenue_at_stake
    What pricing the member's lines at the family median discount would have
    recovered: the sum, over lines with ``discount_pct`` above the family
    median ``m``, of ``amount * (discount_pct - m) / (100 - discount_pct)``
    (the list-price equivalent ``amount / (1 - discount_pct/100)`` times the
    excess discount). Lines at a 100% discount have no list-price equivalent
    and add 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.ranking import account_names
from workbook.core import calendar
from workbook.core.checks import require_frame

__all__ = [
    "MAD_SCALE",
    "discount_basis",
    "discount_outliers",
    "exclusions",
    "sibling_discount_members",
    "sibling_discounts",
]

#: Scale factor that makes the MAD a consistent estimator of the standard
#: deviation for normal data (``scipy.stats.median_abs_deviation(scale="normal")``).
MAD_SCALE = 1.4826

_KEYS = ["root_id", "product_id"]
#: Columns of :func:`sibling_discount_members`.
MEMBER_COLUMNS = [
    "root_id",
    "family_name",
    "product_id",
    "product_name",
    "account_id",
    "name",
    "lines",
    "discount_pct",
    "spend",
    "family_median",
    "mad",
    "robust_z",
    "outlier",
    "revenue_at_stake",
]
#: Columns of :func:`sibling_discounts` (the export ``discount_spread.csv``).
SPREAD_COLUMNS = [
    "root_id",
    "family_name",
    "family_rank",
    "product_id",
    "product_name",
    "members",
    "lines",
    "min_discount",
    "median_discount",
    "max_discount",
    "spread",
    "mad",
    "outlier_members",
    "spend",
    "revenue_at_stake",
    "min_line_discount",
    "max_line_discount",
    "line_spread",
]


class EligibleLines(NamedTuple):
    """The purchase lines used for sibling discounts, and the counts of :func:`discount_basis`."""

    lines: pd.DataFrame
    counts: dict


def _eligible_purchases(purchases: pd.DataFrame, *, as_of) -> EligibleLines:
    # After the as_of day: at or past midnight after it (a missing date is not after).
    after = purchases["purchased_at"] >= calendar.as_of_end(as_of)
    no_discount = purchases["discount_pct"].isna()
    keep = ~after & ~no_discount
    counts = {
        "lines": int(len(purchases)),
        "after_as_of": int(after.sum()),
        "missing_discount": int((~after & no_discount).sum()),
        "used": int(keep.sum()),
        "used_missing_amount": int((keep & purchases["amount"].isna()).sum()),
    }
    return EligibleLines(purchases.loc[keep], counts)


def _family_lines(purchases: pd.DataFrame, tree: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Used lines of accounts in the tree, with their ``root_id``."""
    lines = _eligible_purchases(purchases, as_of=as_of).lines
    return lines.merge(tree[["account_id", "root_id"]], on="account_id", how="inner")


@shared_docs
def discount_basis(purchases: pd.DataFrame, *, as_of) -> dict:
    """Count the purchase lines :func:`sibling_discounts` uses and leaves out.

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases`` table.
    {as_of}

    Returns
    -------
    dict
        ``lines`` (all), ``after_as_of`` (``purchased_at`` day after as_of:
        left out), ``missing_discount`` (no ``discount_pct``: left out),
        ``used`` and ``used_missing_amount`` (used for the discount, adds 0
        to spend and revenue at stake).
    """
    require_frame(purchases, "purchases")
    return _eligible_purchases(purchases, as_of=as_of).counts


def _member_discounts(lines: pd.DataFrame, mad_threshold: float) -> pd.DataFrame:
    """Member discount, family median, MAD, robust z and outlier flag (2+ buyers only)."""
    members = (
        lines.groupby(_KEYS + ["account_id"], observed=True, sort=True)
        .agg(
            lines=("discount_pct", "size"),
            discount_pct=("discount_pct", "mean"),
            spend=("amount", "sum"),
        )
        .reset_index()
    )
    members["buyers"] = members.groupby(_KEYS, observed=True)["account_id"].transform("size")
    members = members[members["buyers"] >= 2].drop(columns="buyers")
    grouped = members.groupby(_KEYS, observed=True)["discount_pct"]
    members["family_median"] = grouped.transform("median")
    deviation = (members["discount_pct"] - members["family_median"]).abs()
    members["mad"] = deviation.groupby([members[k] for k in _KEYS], observed=True).transform(
        "median"
    )
    scale = MAD_SCALE * members["mad"]
    members["robust_z"] = np.where(
        scale > 0,
        deviation / scale.where(scale > 0, 1.0),
        np.where(deviation > 0, np.inf, 0.0),
    )
    members["outlier"] = members["robust_z"] > mad_threshold
    return members


def _revenue_at_stake(lines: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Revenue at stake per member, line by line, against the family median."""
    medians = members[_KEYS + ["family_median"]].drop_duplicates(_KEYS)
    at_stake = lines.merge(medians, on=_KEYS, how="inner")
    d = at_stake["discount_pct"].to_numpy(dtype="float64")
    excess = np.clip(d - at_stake["family_median"].to_numpy(dtype="float64"), 0, None)
    amount = at_stake["amount"].fillna(0.0).to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(d < 100, amount * excess / np.where(d < 100, 100 - d, 1.0), 0.0)
    return (
        at_stake.assign(revenue_at_stake=value)
        .groupby(_KEYS + ["account_id"], observed=True)["revenue_at_stake"]
        .sum()
        .reset_index()
    )


@shared_docs
def sibling_discount_members(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame,
    mad_threshold: float = 3.0,
) -> pd.DataFrame:
    """One row per family x product x member, for products bought by 2+ members.

    Every definition (lines used, member discount, MAD, robust z, outlier,
    spend, revenue at stake) is in :mod:`workbook.analyses.hierarchy.discounts`.

    Parameters
    ----------
    accounts, purchases, products : DataFrame
        Canonical tables.
    {as_of}
    {hierarchy_tree_required}
    {hierarchy_mad_threshold}

    Returns
    -------
    DataFrame
        ``root_id``, ``family_name``, ``product_id``, ``product_name``,
        ``account_id``, ``name``, ``lines``, ``discount_pct`` (member
        discount), ``spend``, ``family_median``, ``mad``, ``robust_z``,
        ``outlier``, ``revenue_at_stake``; sorted by root, product, discount.
    """
    require_frame(accounts, "accounts")
    require_frame(purchases, "purchases")
    require_frame(products, "products")
    require_frame(tree, "tree", ["account_id", "root_id"])
    lines = _family_lines(purchases, tree, as_of=as_of)
    members = _member_discounts(lines, mad_threshold)
    members = members.merge(
        _revenue_at_stake(lines, members), on=_KEYS + ["account_id"], how="left"
    )
    names = account_names(accounts)
    members["family_name"] = members["root_id"].map(names).to_numpy()
    members["name"] = members["account_id"].map(names).to_numpy()
    product_names = pd.Series(
        products["name"].to_numpy(), index=pd.Index(products["product_id"].astype("string"))
    )
    members["product_name"] = members["product_id"].map(product_names).to_numpy()
    members = members.sort_values(_KEYS + ["discount_pct", "account_id"], kind="stable")
    return members[MEMBER_COLUMNS].reset_index(drop=True)


def _spread_per_pair(members: pd.DataFrame) -> pd.DataFrame:
    """Aggregate member rows to one row per family x product."""
    out = (
        members.groupby(_KEYS, observed=True, sort=True)
        .agg(
            family_name=("family_name", "first"),
            product_name=("product_name", "first"),
            members=("account_id", "size"),
            lines=("lines", "sum"),
            min_discount=("discount_pct", "min"),
            median_discount=("family_median", "first"),
            max_discount=("discount_pct", "max"),
            mad=("mad", "first"),
            outlier_members=("outlier", "sum"),
            spend=("spend", "sum"),
            revenue_at_stake=("revenue_at_stake", "sum"),
        )
        .reset_index()
    )
    out["spread"] = out["max_discount"] - out["min_discount"]
    out["outlier_members"] = out["outlier_members"].astype("int64")
    return out


@shared_docs
def sibling_discounts(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame,
    mad_threshold: float = 3.0,
    ranking: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Discount spread per family and product bought by two or more members.

    Aggregates :func:`sibling_discount_members` (see
    :mod:`workbook.analyses.hierarchy.discounts` for every definition: member
    discount, MAD, robust z, outlier, revenue at stake).

    Parameters
    ----------
    accounts, purchases, products : DataFrame
        Canonical tables.
    {as_of}
    {hierarchy_tree_required}
    {hierarchy_mad_threshold}
    {hierarchy_ranking}

    Returns
    -------
    DataFrame
        The export ``discount_spread.csv``, one row per family x product:
        ``root_id``, ``family_name``, ``family_rank``, ``product_id``,
        ``product_name``, ``members`` (buying members, >= 2), ``lines``,
        ``min_discount``, ``median_discount``, ``max_discount`` (min, median
        and max of the *member* discounts), ``spread`` (max - min, in
        percentage points), ``mad``, ``outlier_members``, ``spend``,
        ``revenue_at_stake``, then ``min_line_discount``,
        ``max_line_discount`` and ``line_spread`` (the same range over the
        used purchase lines' ``discount_pct`` rather than the member means:
        a member with lines at 10% and 14% counts 12% above, 10% and 14%
        here). Sorted by revenue at stake descending, then spread
        descending, then root and product.
    """
    members = sibling_discount_members(
        accounts, purchases, products, as_of=as_of, tree=tree, mad_threshold=mad_threshold
    )
    out = _spread_per_pair(members)
    # The same range over the purchase lines themselves (not the member means).
    line_range = (
        _family_lines(purchases, tree, as_of=as_of)
        .groupby(_KEYS, observed=True)["discount_pct"]
        .agg(min_line_discount="min", max_line_discount="max")
        .reset_index()
    )
    out = out.merge(line_range, on=_KEYS, how="left")
    out["line_spread"] = out["max_line_discount"] - out["min_line_discount"]
    rank = None if ranking is None else require_frame(ranking, "ranking").set_index("account_id")
    out["family_rank"] = pd.array(
        np.full(len(out), np.nan)
        if rank is None
        else out["root_id"].map(rank["rank"]).to_numpy(dtype="float64"),
        dtype="Int64",
    )
    out = out.sort_values(
        ["revenue_at_stake", "spread", "root_id", "product_id"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return out[SPREAD_COLUMNS].reset_index(drop=True)


def discount_outliers(members: pd.DataFrame) -> pd.DataFrame:
    """Members flagged as robust outliers by :func:`sibling_discount_members`.

    Parameters
    ----------
    members : DataFrame
        Output of :func:`sibling_discount_members`.

    Returns
    -------
    DataFrame
        The flagged rows, largest ``robust_z`` first (MAD = 0 cases, infinite
        z, first), then by revenue at stake descending.
    """
    require_frame(members, "members", ["outlier", "robust_z", "revenue_at_stake"])
    flagged = members[members["outlier"]]
    return flagged.sort_values(
        ["robust_z", "revenue_at_stake"], ascending=[False, False], kind="stable"
    ).reset_index(drop=True)


def exclusions(revenue: dict, purchases: dict) -> pd.DataFrame:
    """One table of what counted and what was left out, for the report.

    Parameters
    ----------
    revenue : dict
        :func:`~workbook.analyses.hierarchy.revenue_basis`.
    purchases : dict
        :func:`discount_basis`.

    Returns
    -------
    DataFrame
        ``table``, ``what``, ``rows`` and ``treatment``, one row per count.
    """
    rows = [
        ("opportunities", "won, closed in the period", revenue["won_in_period"], "counted"),
        (
            "opportunities",
            "won, closed before the period",
            revenue["won_before_period"],
            "left out",
        ),
        ("opportunities", "won, closed after the period", revenue["won_after_period"], "left out"),
        ("opportunities", "lost (closed, not won)", revenue["lost"], "left out"),
        ("opportunities", "open (not closed, not won)", revenue["open"], "left out"),
        (
            "opportunities",
            "won in the period, amount missing",
            revenue["won_missing_amount"],
            "counted as 0",
        ),
        (
            "opportunities",
            "won in the period, account not among the accounts",
            revenue["won_unknown_account"],
            "left out of every family and of the account list",
        ),
        ("purchases", "lines used for sibling discounts", purchases["used"], "counted"),
        ("purchases", "dated after as_of", purchases["after_as_of"], "left out"),
        ("purchases", "discount_pct missing", purchases["missing_discount"], "left out"),
        (
            "purchases",
            "used, amount missing",
            purchases["used_missing_amount"],
            "adds 0 to spend and revenue at stake",
        ),
    ]
    out = pd.DataFrame(rows, columns=["table", "what", "rows", "treatment"])
    out["rows"] = out["rows"].astype("int64")
    return out

"""Sibling discounts: members of one family paying different discounts for one product.

Lines used
    Purchase lines with a ``discount_pct`` whose ``purchased_at`` day is in
    the lookback window: the ``discount_lookback_months`` months ending on
    ``as_of``, i.e. after the day ``as_of - discount_lookback_months months``
    and on or before ``as_of`` (calendar days; see :func:`discount_basis`).
    Lines whose account is not among the accounts belong to no family and are
    left out.
member
    An account with at least one used line of the product. Its *member
    discount* is the amount-weighted mean ``discount_pct`` of those lines
    (missing or negative amounts weigh 0; when every weight is 0, the plain
    mean), worked out as its lowest line discount plus the mean excess over
    it, so a member whose lines share one discount has exactly that discount
    and tied members sort by ``account_id``. A member is *eligible* for the outlier test when it has at least
    ``min_lines`` lines: a discount resting on one purchase line is shown
    but never flagged.
pair
    A family x product with two or more members; :func:`sibling_discounts`
    has one row per pair. ``family_median`` is the median of its members'
    discounts (the spread view and both money figures use it).
tested group
    A pair with at least ``min_members`` eligible members. Only eligible
    members of tested groups can be flagged: with two members the robust z
    of both is always 0.674, so no MAD rule can tell which one is off.
    ``group_median`` and ``mad`` are the median of the eligible members'
    discounts and their median absolute deviation from it.
scale
    For a tested group, the largest of ``1.4826 * mad`` (``"family"``),
    ``min_discount_scale`` percentage points (``"floor"``) and
    ``1.4826 * product_mad`` (``"product"``), where ``product_mad`` is the
    MAD of the eligible member discounts of that product across every
    account of every family (single-account families included).
    ``scale_source`` names the term that won (ties: the earlier one). The
    scale is at least the floor, so the score is always finite.
robust_z
    ``|member discount - group_median| / scale`` for eligible members of
    tested groups (missing otherwise).
outlier
    ``robust_z > mad_threshold`` (strictly).
spend
    Sum of ``amount`` over the member's used lines (missing amounts add 0).
revenue_at_stake ("Upper bound: lines above the family median")
    What pricing the member's lines at the family median discount would have
    recovered: the sum, over its used lines with ``discount_pct`` above the
    family median ``m``, of ``amount * (discount_pct - m) / (100 - discount_pct)``
    (the list-price equivalent ``amount / (1 - discount_pct/100)`` times the
    excess discount), over every pair. Lines at a 100% discount have no
    list-price equivalent and add 0. It is an upper bound: it treats every
    discount above the median as recoverable, noise included.
outlier_revenue_at_stake ("From flagged outliers only")
    ``revenue_at_stake`` of the flagged members only: what the members whose
    discount is an outlier paid below their family median (a flagged member
    below the median discount adds 0).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.discount_lines import (
    DiscountLines,
    discount_lines,
    lookback_counts,
)
from workbook.analyses.hierarchy.ranking import account_names
from workbook.core.checks import require_frame

__all__ = [
    "MAD_SCALE",
    "UPPER_BOUND_LABEL",
    "OUTLIER_MONEY_LABEL",
    "DiscountLines",
    "discount_basis",
    "discount_lines",
    "discount_outliers",
    "exclusions",
    "sibling_discount_members",
    "sibling_discounts",
]

#: Scale factor that makes the MAD a consistent estimator of the standard
#: deviation for normal data (``scipy.stats.median_abs_deviation(scale="normal")``).
MAD_SCALE = 1.4826
#: The labels of the two money-at-stake figures.
UPPER_BOUND_LABEL = "Upper bound: lines above the family median"
OUTLIER_MONEY_LABEL = "From flagged outliers only"

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
    "eligible",
    "members",
    "eligible_members",
    "family_median",
    "tested",
    "group_median",
    "mad",
    "product_mad",
    "scale",
    "scale_source",
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
    "eligible_members",
    "tested",
    "group_median",
    "mad",
    "product_mad",
    "scale",
    "scale_source",
    "outlier_members",
    "spend",
    "revenue_at_stake",
    "outlier_revenue_at_stake",
    "min_line_discount",
    "max_line_discount",
    "line_spread",
]


class DiscountRule(NamedTuple):
    """The settings of the sibling-discount rule (the report's ``Params`` of the same names)."""

    mad_threshold: float = 3.0
    discount_lookback_months: int = 24
    min_lines: int = 2
    min_members: int = 3
    min_discount_scale: float = 1.0


def _mad(values: pd.Series, by: list) -> tuple[pd.Series, pd.Series]:
    """Median and MAD of ``values`` within groups ``by``, broadcast to the rows."""
    median = values.groupby(by, observed=True).transform("median")
    mad = (values - median).abs().groupby(by, observed=True).transform("median")
    return median, mad


@shared_docs
def discount_basis(
    purchases: pd.DataFrame,
    *,
    as_of,
    discount_lookback_months: int = 24,
    min_lines: int = 2,
    tree: pd.DataFrame | None = None,
    lines: DiscountLines | None = None,
) -> dict:
    """Count the purchase lines :func:`sibling_discounts` uses and leaves out.

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases`` table.
    {as_of}
    discount_lookback_months : int
        Months of the lookback window ending on ``as_of``.
    min_lines : int
        Lines an account needs for a member discount.
    tree : DataFrame, optional
        :func:`workbook.core.families.ultimate_parents`; when given, also
        counts ``below_min_lines`` (used lines of accounts with fewer than
        ``min_lines`` lines of the product: shown, never flagged).
    lines : DiscountLines, optional
        :func:`discount_lines` of the same purchases, tree, ``as_of`` and
        lookback, when the caller has it (computed here otherwise).

    Returns
    -------
    dict
        ``lines`` (all), ``after_as_of`` (``purchased_at`` day after as_of),
        ``before_lookback`` (before the window), ``missing_date``,
        ``missing_discount`` (in the window, no ``discount_pct``): all left
        out; ``used`` and ``used_missing_amount`` (used for the discount with
        weight 0, adds 0 to spend and revenue at stake); ``below_min_lines``
        when ``tree`` is given.
    """
    require_frame(purchases, "purchases")
    if tree is None:
        from workbook import engine as engines

        return lookback_counts(
            engines.default(), purchases, as_of=as_of, months=discount_lookback_months
        )
    if lines is None:
        lines = discount_lines(purchases, tree, as_of=as_of, months=discount_lookback_months)
    counts = dict(lines.counts)
    per = lines.per_account
    counts["below_min_lines"] = int(per.loc[per["lines"] < min_lines, "lines"].sum())
    return counts


def _member_table(per_account: pd.DataFrame, rule: DiscountRule) -> pd.DataFrame:
    """Members of pairs with their medians, MAD, scale, robust z and outlier flag."""
    accounts = per_account.copy()
    accounts["eligible"] = accounts["lines"] >= rule.min_lines
    # The product's spread across every eligible account of every family.
    eligible = accounts[accounts["eligible"]]
    _, product_mad = _mad(eligible["discount_pct"], [eligible["product_id"]])
    per_product = product_mad.groupby(eligible["product_id"], observed=True).first()
    accounts["product_mad"] = accounts["product_id"].map(per_product).to_numpy(dtype="float64")
    pair = accounts.groupby(_KEYS, observed=True)
    accounts["members"] = pair["account_id"].transform("size")
    accounts["eligible_members"] = pair["eligible"].transform("sum").astype("int64")
    members = accounts[accounts["members"] >= 2].copy()
    members["family_median"] = members.groupby(_KEYS, observed=True)["discount_pct"].transform(
        "median"
    )
    # The test: median and MAD over the eligible members of the pair.
    test = members[members["eligible"]]
    group_median, mad = _mad(test["discount_pct"], [test[k] for k in _KEYS])
    stats = test[_KEYS].assign(group_median=group_median, mad=mad).drop_duplicates(_KEYS)
    members = members.merge(stats, on=_KEYS, how="left")
    members["tested"] = members["eligible_members"] >= rule.min_members
    terms = np.column_stack(
        [
            MAD_SCALE * members["mad"].fillna(0.0).to_numpy(dtype="float64"),
            np.full(len(members), float(rule.min_discount_scale)),
            MAD_SCALE * members["product_mad"].fillna(0.0).to_numpy(dtype="float64"),
        ]
    )
    tested = members["tested"].to_numpy()
    # Ties go to the earlier term (family, then floor, then product).
    source = np.array(["family", "floor", "product"])[np.argmax(terms, axis=1)]
    members["scale"] = np.where(tested, terms.max(axis=1), np.nan)
    members["scale_source"] = pd.array(np.where(tested, source, None), dtype="string")
    deviation = (members["discount_pct"] - members["group_median"]).abs()
    members["robust_z"] = (deviation / members["scale"]).where(members["eligible"])
    members["outlier"] = (members["robust_z"] > rule.mad_threshold).fillna(False).astype(bool)
    return members


def _rule(rule: DiscountRule | None, settings: dict) -> DiscountRule:
    base = DiscountRule() if rule is None else rule
    return base._replace(**settings)


@shared_docs
def sibling_discount_members(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame,
    rule: DiscountRule | None = None,
    lines: DiscountLines | None = None,
    **settings,
) -> pd.DataFrame:
    """One row per member of a family x product with two or more members.

    Every definition (lines used, member, member discount, tested group,
    scale, robust z, outlier, spend, revenue at stake) is in
    :mod:`workbook.analyses.hierarchy.discounts`.

    Parameters
    ----------
    accounts, purchases, products : DataFrame
        Canonical tables.
    {as_of}
    {hierarchy_tree_required}
    rule : DiscountRule, optional
        The settings; ``DiscountRule()`` (the report's defaults) when omitted.
    **settings
        Fields of :class:`DiscountRule` replacing those of ``rule``
        (``mad_threshold``, ``discount_lookback_months``, ``min_lines``,
        ``min_members``, ``min_discount_scale``).
    lines : DiscountLines, optional
        :func:`discount_lines` of the same purchases, tree, ``as_of`` and
        the rule's lookback, when the caller has it (computed here otherwise).

    Returns
    -------
    DataFrame
        ``root_id``, ``family_name``, ``product_id``, ``product_name``,
        ``account_id``, ``name``, ``lines``, ``discount_pct`` (member
        discount), ``spend``, ``eligible`` (lines >= ``min_lines``),
        ``members`` and ``eligible_members`` (of the pair),
        ``family_median``, ``tested``, ``group_median``, ``mad``,
        ``product_mad``, ``scale``, ``scale_source``, ``robust_z``,
        ``outlier``, ``revenue_at_stake``; sorted by root, product,
        discount.
    """
    require_frame(accounts, "accounts")
    require_frame(purchases, "purchases")
    require_frame(products, "products")
    require_frame(tree, "tree", ["account_id", "root_id"])
    rule = _rule(rule, settings)
    if lines is None:
        lines = discount_lines(purchases, tree, as_of=as_of, months=rule.discount_lookback_months)
    members = _member_table(lines.per_account, rule)
    members = members.merge(lines.revenue_at_stake(members), on=_KEYS + ["account_id"], how="left")
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
    flagged = members["revenue_at_stake"].where(members["outlier"], 0.0)
    out = (
        members.assign(_flagged=flagged)
        .groupby(_KEYS, observed=True, sort=True)
        .agg(
            family_name=("family_name", "first"),
            product_name=("product_name", "first"),
            members=("account_id", "size"),
            lines=("lines", "sum"),
            min_discount=("discount_pct", "min"),
            median_discount=("family_median", "first"),
            max_discount=("discount_pct", "max"),
            eligible_members=("eligible_members", "first"),
            group_median=("group_median", "first"),
            mad=("mad", "first"),
            product_mad=("product_mad", "first"),
            tested=("tested", "first"),
            scale=("scale", "first"),
            scale_source=("scale_source", "first"),
            outlier_members=("outlier", "sum"),
            spend=("spend", "sum"),
            revenue_at_stake=("revenue_at_stake", "sum"),
            outlier_revenue_at_stake=("_flagged", "sum"),
        )
        .reset_index()
    )
    out["spread"] = out["max_discount"] - out["min_discount"]
    out["outlier_members"] = out["outlier_members"].astype("int64")
    out["tested"] = out["tested"].astype(bool)
    return out


@shared_docs
def sibling_discounts(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame,
    ranking: pd.DataFrame | None = None,
    rule: DiscountRule | None = None,
    lines: DiscountLines | None = None,
    members: pd.DataFrame | None = None,
    **settings,
) -> pd.DataFrame:
    """Discount spread per family and product with two or more members.

    Aggregates :func:`sibling_discount_members` (see
    :mod:`workbook.analyses.hierarchy.discounts` for every definition).

    Parameters
    ----------
    accounts, purchases, products : DataFrame
        Canonical tables.
    {as_of}
    {hierarchy_tree_required}
    {hierarchy_ranking}
    rule, lines, **settings
        As for :func:`sibling_discount_members`.
    members : DataFrame, optional
        :func:`sibling_discount_members` of the same arguments (the whole
        table), when the caller has it (computed here otherwise).

    Returns
    -------
    DataFrame
        The export ``discount_spread.csv``, one row per family x product:
        ``root_id``, ``family_name``, ``family_rank``, ``product_id``,
        ``product_name``, ``members`` (>= 2), ``lines``, ``min_discount``,
        ``median_discount``, ``max_discount`` (min, median and max of the
        *member* discounts), ``spread`` (max - min, in percentage points),
        ``eligible_members``, ``tested`` (eligible members >=
        ``min_members``), ``group_median``, ``mad``, ``product_mad``,
        ``scale`` and ``scale_source`` (the scale used; missing when not
        tested), ``outlier_members``, ``spend``, ``revenue_at_stake`` (upper
        bound), ``outlier_revenue_at_stake`` (flagged members only), then
        ``min_line_discount``, ``max_line_discount`` and ``line_spread`` (the
        same range over the members' used lines rather than the member
        means: a member with lines at 10% and 14% counts 12% above, 10% and
        14% here). Sorted by revenue at stake descending, then spread
        descending, then root and product.
    """
    rule = _rule(rule, settings)
    if lines is None:
        lines = discount_lines(purchases, tree, as_of=as_of, months=rule.discount_lookback_months)
    if members is None:
        members = sibling_discount_members(
            accounts, purchases, products, as_of=as_of, tree=tree, rule=rule, lines=lines
        )
    out = _spread_per_pair(members)
    # The same range over the members' purchase lines themselves (not the member means).
    # Every account with a line of a pair of two or more members is a member, so a pair's
    # member lines are all its lines: no join of the lines with the members is needed.
    out = out.merge(lines.line_range, on=_KEYS, how="left")
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
        The flagged rows, largest ``robust_z`` first (always finite), then by
        revenue at stake descending.
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
        ("purchases", "dated after the as-of date", purchases["after_as_of"], "left out"),
        (
            "purchases",
            "dated before the discount lookback window",
            purchases.get("before_lookback", 0),
            "left out",
        ),
        ("purchases", "purchase date missing", purchases.get("missing_date", 0), "left out"),
        ("purchases", "discount missing", purchases["missing_discount"], "left out"),
        (
            "purchases",
            "used, but the account has too few lines of the product to be tested",
            purchases.get("below_min_lines", 0),
            "shown in the spread, never flagged as an outlier",
        ),
        (
            "purchases",
            "used, amount missing",
            purchases["used_missing_amount"],
            "weighs 0 in the member discount; adds 0 to spend and revenue at stake",
        ),
    ]
    out = pd.DataFrame(rows, columns=["table", "what", "rows", "treatment"])
    out["rows"] = out["rows"].astype("int64")
    return out

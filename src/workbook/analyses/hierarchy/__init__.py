"""Hierarchy-corrected top customers: revenue rolled up to the ultimate parent.

Pure functions over the canonical tables (:mod:`workbook.data.model`): DataFrames
in, DataFrames out, ``as_of`` and the period always passed in. The ultimate
parent of every account comes from :func:`workbook.core.families.ultimate_parents`
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
    an integer, as in :mod:`workbook.core.families`). Ranks are 1, 2, 3... with no
    gaps and no shared ranks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.families import (
    CYCLE,
    MISSING_PARENT,
    hierarchy_issues,
    id_order,
    ultimate_parents,
)

__all__ = [
    "account_revenue",
    "concentration",
    "default_period",
    "discount_basis",
    "discount_outliers",
    "exclusions",
    "family_revenue",
    "hierarchy_faults",
    "money",
    "naive_top",
    "previous_period",
    "rank_shift",
    "resolve_period",
    "revenue_basis",
    "sibling_discount_members",
    "sibling_discounts",
    "split_ownership",
    "stability",
    "summary_figures",
    "summary_sentences",
    "top_customers",
]

#: Scale factor that makes the MAD a consistent estimator of the standard
#: deviation for normal data (``scipy.stats.median_abs_deviation(scale="normal")``).
MAD_SCALE = 1.4826


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
    from ``tree`` (:func:`workbook.core.families.ultimate_parents`). Won
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


# --------------------------------------------------------------------------- ranking
def _id_rank(tree: pd.DataFrame) -> pd.Series:
    """Sort key of every account id (numeric order when all ids are integers)."""
    return pd.Series(id_order(tree["account_id"]), index=pd.Index(tree["account_id"]))


def _rank(frame: pd.DataFrame, id_col: str, key: pd.Series) -> pd.DataFrame:
    """Keep rows with revenue > 0 and rank them: revenue desc, then id order asc."""
    ranked = frame[frame["revenue"] > 0].assign(_key=lambda f: f[id_col].map(key).to_numpy())
    ranked = ranked.sort_values(["revenue", "_key"], ascending=[False, True], kind="stable")
    ranked = ranked.drop(columns="_key").reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1, dtype=np.int64))
    return ranked


def _names(accounts: pd.DataFrame) -> pd.Series:
    return pd.Series(
        accounts["name"].to_numpy(), index=pd.Index(accounts["account_id"].astype("string"))
    )


def naive_top(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The account-level ranking, without roll-up (what a CRM list view shows).

    Accounts among ``accounts`` with revenue > 0 in ``[start, end]`` (see
    :func:`account_revenue`), ranked by revenue descending, ties by
    ``account_id`` ascending (numeric order when every id is an integer).
    Revenue booked on account ids that are not among the accounts is left
    out (see :func:`revenue_basis`).

    Returns
    -------
    DataFrame
        ``rank`` (1..n, no ties), ``account_id``, ``name``, ``revenue``,
        ``root_account_id`` (the account's ultimate parent).
    """
    tree = _tree(accounts, tree)
    return _naive_top(accounts, opportunities, start=start, end=end, tree=tree, key=_id_rank(tree))


def _naive_top(accounts, opportunities, *, start, end, tree, key) -> pd.DataFrame:
    per_account = account_revenue(opportunities, start=start, end=end)
    known = tree[["account_id", "root_id"]].merge(per_account, on="account_id", how="inner")
    ranked = _rank(known, "account_id", key)
    ranked["name"] = ranked["account_id"].map(_names(accounts)).to_numpy()
    ranked = ranked.rename(columns={"root_id": "root_account_id"})
    return ranked[["rank", "account_id", "name", "revenue", "root_account_id"]]


def top_customers(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The hierarchy-corrected ranking: corporate families by revenue.

    Families (:func:`family_revenue`) with revenue > 0 in ``[start, end]``,
    ranked by revenue descending, ties broken by the root's ``account_id``
    ascending (numeric order when every id is an integer). Families with no
    revenue in the period are not ranked.

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
    tree = _tree(accounts, tree)
    return _top_customers(
        accounts, opportunities, start=start, end=end, tree=tree, key=_id_rank(tree)
    )


def _top_customers(accounts, opportunities, *, start, end, tree, key) -> pd.DataFrame:
    families = family_revenue(accounts, opportunities, start=start, end=end, tree=tree)
    ranked = _rank(families, "root_id", key).rename(columns={"root_id": "account_id"})
    ranked["name"] = ranked["account_id"].map(_names(accounts)).to_numpy()
    naive = _naive_top(accounts, opportunities, start=start, end=end, tree=tree, key=key)
    # naive is sorted by rank, so the first row per root is the best member.
    best = naive.drop_duplicates("root_account_id").set_index("root_account_id")
    ranked["best_member_naive_rank"] = pd.array(
        ranked["account_id"].map(best["rank"]).to_numpy(dtype="float64"), dtype="Int64"
    )
    ranked["best_member_id"] = ranked["account_id"].map(best["account_id"]).to_numpy()
    ranked["best_member_name"] = ranked["account_id"].map(best["name"]).to_numpy()
    # The issue's contract columns first, in its order; the extras follow.
    return ranked[
        [
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
    ]


def rank_shift(top: pd.DataFrame, naive: pd.DataFrame, *, top_n: int = 10) -> pd.DataFrame:
    """Naive top-N against corrected top-N: which families climb, which accounts fall.

    One row per family that is in the corrected top ``top_n`` or has a
    member in the naive top ``top_n``. The family's naive position is its
    best member's naive rank (:func:`top_customers` ``best_member_naive_rank``).

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
    return out[
        [
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
    ].reset_index(drop=True)


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
    out = top[["rank", "account_id", "name", "revenue"]].copy()
    total = float(out["revenue"].sum())
    n = len(out)
    out["share"] = out["revenue"] / total if total > 0 else np.nan
    out["cumulative_share"] = out["share"].cumsum()
    out["family_share"] = out["rank"] / n if n else np.nan
    out["in_top_n"] = out["rank"] <= top_n
    return out.reset_index(drop=True)


def top_n_share(conc: pd.DataFrame, top_n: int) -> float:
    """Share of ranked-family revenue held by the top ``top_n`` families (NaN if none)."""
    if conc.empty:
        return float("nan")
    return float(conc.loc[conc["rank"] <= top_n, "share"].sum())


# --------------------------------------------------------------------------- stability
def previous_period(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period of the same length that ends the day before ``start``.

    When ``[start, end]`` is a whole number ``k`` of months
    (``start == end - k months + 1 day``, as :func:`default_period` makes, or
    ``end == start + k months - 1 day``, as a calendar quarter is), the
    previous period is ``[start - k months, start - 1 day]``: 2025-07-01 ..
    2026-06-30 gives 2024-07-01 .. 2025-06-30, and 2026-04-01 .. 2026-06-30
    gives 2026-01-01 .. 2026-03-31. Otherwise it has the same
    number of days: ``[start - L days, start - 1 day]`` with
    ``L = (end - start).days + 1``.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    prev_end = start - pd.Timedelta(days=1)
    months = (end.year - start.year) * 12 + (end.month - start.month) + 1
    one_day = pd.Timedelta(days=1)
    whole_months = months >= 1 and (
        end - pd.DateOffset(months=months) + one_day == start
        or start + pd.DateOffset(months=months) - one_day == end
    )
    if whole_months:
        return pd.Timestamp(start - pd.DateOffset(months=months)), prev_end
    length = (end - start).days + 1
    return start - pd.Timedelta(days=length), prev_end


def stability(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The corrected ranking now against the previous period of the same length.

    The previous period comes from :func:`previous_period`; both rankings
    use :func:`top_customers` with the same tree.

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
    tree = _tree(accounts, tree)
    prev_start, prev_end = previous_period(start, end)
    key = _id_rank(tree)
    now = _top_customers(accounts, opportunities, start=start, end=end, tree=tree, key=key)
    before = _top_customers(
        accounts, opportunities, start=prev_start, end=prev_end, tree=tree, key=key
    )
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
    return merged.drop(columns="_dropped")[
        [
            "account_id",
            "name",
            "rank",
            "revenue",
            "previous_rank",
            "previous_revenue",
            "rank_change",
            "status",
        ]
    ].reset_index(drop=True)


# --------------------------------------------------------------------------- discounts
def _eligible_purchases(purchases: pd.DataFrame, *, as_of) -> tuple[pd.DataFrame, dict]:
    day = purchases["purchased_at"].dt.normalize()
    after = day > pd.Timestamp(as_of).normalize()
    no_discount = purchases["discount_pct"].isna()
    keep = ~after & ~no_discount
    counts = {
        "lines": int(len(purchases)),
        "after_as_of": int(after.sum()),
        "missing_discount": int((~after & no_discount).sum()),
        "used": int(keep.sum()),
        "used_missing_amount": int((keep & purchases["amount"].isna()).sum()),
    }
    return purchases.loc[keep], counts


def discount_basis(purchases: pd.DataFrame, *, as_of) -> dict:
    """Count the purchase lines :func:`sibling_discounts` uses and leaves out.

    Returns
    -------
    dict
        ``lines`` (all), ``after_as_of`` (``purchased_at`` day after as_of:
        left out), ``missing_discount`` (no ``discount_pct``: left out),
        ``used`` and ``used_missing_amount`` (used for the discount, adds 0
        to spend and revenue at stake).
    """
    return _eligible_purchases(purchases, as_of=as_of)[1]


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

    Lines used: purchase lines with ``purchased_at`` on or before ``as_of``
    (calendar day) and a ``discount_pct`` (see :func:`discount_basis`); lines
    whose account is not among the accounts belong to no family and are left
    out.

    Definitions
    -----------
    member discount
        Mean ``discount_pct`` over the member's lines of that product.
    family median, MAD
        Median of the member discounts of the family x product, and the
        median absolute deviation of the member discounts from it.
    robust_z
        ``|member discount - median| / (1.4826 * MAD)``. When MAD is 0 it is
        0 for members at the median and infinite for the others.
    outlier
        ``robust_z > mad_threshold`` (strictly).
    spend
        Sum of ``amount`` over the member's lines (missing amounts add 0).
    revenue_at_stake
        What pricing the member's lines at the family median discount would
        have recovered: the sum, over lines with ``discount_pct`` above the
        family median ``m``, of ``amount * (discount_pct - m) / (100 -
        discount_pct)`` (the list-price equivalent ``amount / (1 -
        discount_pct/100)`` times the excess discount). Lines at a 100%
        discount have no list-price equivalent and add 0.

    Returns
    -------
    DataFrame
        ``root_id``, ``family_name``, ``product_id``, ``product_name``,
        ``account_id``, ``name``, ``lines``, ``discount_pct`` (member
        discount), ``spend``, ``family_median``, ``mad``, ``robust_z``,
        ``outlier``, ``revenue_at_stake``; sorted by root, product, discount.
    """
    lines, _ = _eligible_purchases(purchases, as_of=as_of)
    lines = lines.merge(tree[["account_id", "root_id"]], on="account_id", how="inner")
    keys = ["root_id", "product_id"]
    members = (
        lines.groupby(keys + ["account_id"], observed=True, sort=True)
        .agg(
            lines=("discount_pct", "size"),
            discount_pct=("discount_pct", "mean"),
            spend=("amount", "sum"),
        )
        .reset_index()
    )
    members["buyers"] = members.groupby(keys, observed=True)["account_id"].transform("size")
    members = members[members["buyers"] >= 2].drop(columns="buyers")
    grouped = members.groupby(keys, observed=True)["discount_pct"]
    members["family_median"] = grouped.transform("median")
    deviation = (members["discount_pct"] - members["family_median"]).abs()
    members["mad"] = deviation.groupby([members[k] for k in keys], observed=True).transform(
        "median"
    )
    scale = MAD_SCALE * members["mad"]
    members["robust_z"] = np.where(
        scale > 0,
        deviation / scale.where(scale > 0, 1.0),
        np.where(deviation > 0, np.inf, 0.0),
    )
    members["outlier"] = members["robust_z"] > mad_threshold

    # Revenue at stake, line by line, against the family median of the member discounts.
    medians = members[keys + ["family_median"]].drop_duplicates(keys)
    at_stake = lines.merge(medians, on=keys, how="inner")
    d = at_stake["discount_pct"].to_numpy(dtype="float64")
    excess = np.clip(d - at_stake["family_median"].to_numpy(dtype="float64"), 0, None)
    amount = at_stake["amount"].fillna(0.0).to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(d < 100, amount * excess / np.where(d < 100, 100 - d, 1.0), 0.0)
    at_stake = (
        at_stake.assign(revenue_at_stake=value)
        .groupby(keys + ["account_id"], observed=True)["revenue_at_stake"]
        .sum()
        .reset_index()
    )
    members = members.merge(at_stake, on=keys + ["account_id"], how="left")
    names = _names(accounts)
    members["family_name"] = members["root_id"].map(names).to_numpy()
    members["name"] = members["account_id"].map(names).to_numpy()
    product_names = pd.Series(
        products["name"].to_numpy(), index=pd.Index(products["product_id"].astype("string"))
    )
    members["product_name"] = members["product_id"].map(product_names).to_numpy()
    members = members.sort_values(keys + ["discount_pct", "account_id"], kind="stable")
    return members[
        [
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
    ].reset_index(drop=True)


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

    Aggregates :func:`sibling_discount_members` (see it for every
    definition: member discount, MAD, robust z, outlier, revenue at stake).

    Returns
    -------
    DataFrame
        The export ``discount_spread.csv``, one row per family x product:
        ``root_id``, ``family_name``, ``family_rank`` (the family's rank in
        ``ranking``, the output of :func:`top_customers`; missing when the
        family is unranked or no ranking is given), ``product_id``,
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
    keys = ["root_id", "family_name", "family_rank", "product_id", "product_name"]
    out = (
        members.groupby(["root_id", "product_id"], observed=True, sort=True)
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
    # The same range over the purchase lines themselves (not the member means).
    lines, _ = _eligible_purchases(purchases, as_of=as_of)
    lines = lines.merge(tree[["account_id", "root_id"]], on="account_id", how="inner")
    line_range = (
        lines.groupby(["root_id", "product_id"], observed=True)["discount_pct"]
        .agg(min_line_discount="min", max_line_discount="max")
        .reset_index()
    )
    out = out.merge(line_range, on=["root_id", "product_id"], how="left")
    out["line_spread"] = out["max_line_discount"] - out["min_line_discount"]
    rank = None if ranking is None else ranking.set_index("account_id")["rank"]
    out["family_rank"] = pd.array(
        np.full(len(out), np.nan)
        if rank is None
        else out["root_id"].map(rank).to_numpy(dtype="float64"),
        dtype="Int64",
    )
    out = out.sort_values(
        ["revenue_at_stake", "spread", "root_id", "product_id"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return out[
        keys
        + [
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
    ].reset_index(drop=True)


def discount_outliers(members: pd.DataFrame) -> pd.DataFrame:
    """Members flagged as robust outliers by :func:`sibling_discount_members`.

    Returns the flagged rows, largest ``robust_z`` first (MAD = 0 cases,
    infinite z, first), then by revenue at stake descending.
    """
    flagged = members[members["outlier"]]
    return flagged.sort_values(
        ["robust_z", "revenue_at_stake"], ascending=[False, False], kind="stable"
    ).reset_index(drop=True)


def exclusions(revenue: dict, purchases: dict) -> pd.DataFrame:
    """One table of what counted and what was left out, for the report.

    Parameters
    ----------
    revenue : dict
        :func:`revenue_basis`.
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


# --------------------------------------------------------------------------- ownership
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
        Tenure is measured to this day.
    tree : DataFrame
        Output of :func:`workbook.core.families.ultimate_parents`.
    ranking : DataFrame, optional
        Output of :func:`top_customers`; adds ``family_rank`` and
        ``family_revenue`` so a key family stands out.
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
    as_of = pd.Timestamp(as_of).normalize()
    owners = tree[["account_id", "root_id"]].merge(
        accounts[["account_id", "name", "owner_id"]].astype(
            {"account_id": "string", "owner_id": "string"}
        ),
        on="account_id",
        how="left",
    )
    owners["owners"] = owners.groupby("root_id", observed=True)["owner_id"].transform("nunique")
    split = owners[owners["owners"] > 1].copy()
    names = _names(accounts)
    split["family_name"] = split["root_id"].map(names).to_numpy()
    if ranking is not None:
        by_root = ranking.set_index("account_id")
        split["family_rank"] = pd.array(
            split["root_id"].map(by_root["rank"]).to_numpy(dtype="float64"), dtype="Int64"
        )
        split["family_revenue"] = split["root_id"].map(by_root["revenue"]).fillna(0.0).to_numpy()
    else:
        split["family_rank"] = pd.array([pd.NA] * len(split), dtype="Int64")
        split["family_revenue"] = np.nan
    if users is not None and len(users):
        u = users.set_index(users["owner_id"].astype("string"))
        split["owner_name"] = split["owner_id"].map(u["name"]).to_numpy() if "name" in u else pd.NA
        started = split["owner_id"].map(u["started_at"]) if "started_at" in u else pd.Series(pd.NaT)
        split["started_at"] = pd.to_datetime(started.to_numpy())
    else:
        split["owner_name"] = pd.NA
        split["started_at"] = pd.NaT
    tenure = (as_of - split["started_at"].dt.normalize()).dt.days.astype("Int64")
    tenure = tenure.where(tenure >= 0)
    split["tenure_days"] = tenure
    split["new_rep"] = (tenure < new_rep_days).astype("boolean")
    split["_unranked"] = split["family_rank"].isna()
    split = split.sort_values(["_unranked", "family_rank", "root_id", "account_id"], kind="stable")
    return split[
        [
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
    ].reset_index(drop=True)


# --------------------------------------------------------------------------- faults
def hierarchy_faults(accounts: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Hierarchy faults with names (:func:`workbook.core.families.hierarchy_issues`).

    Returns
    -------
    DataFrame
        The export ``hierarchy_issues.csv``: ``account_id``, ``issue``
        (``cycle`` or ``missing_parent``), ``detail``, then ``name``,
        ``parent_id``, ``root_id`` and ``root_name``; sorted by issue, then
        account_id.
    """
    issues = hierarchy_issues(tree)
    info = tree.set_index("account_id")
    names = _names(accounts)
    issues["name"] = issues["account_id"].map(names).to_numpy()
    issues["parent_id"] = issues["account_id"].map(info["parent_id"]).to_numpy()
    issues["root_id"] = issues["account_id"].map(info["root_id"]).to_numpy()
    issues["root_name"] = issues["root_id"].map(names).to_numpy()
    return issues[["account_id", "issue", "detail", "name", "parent_id", "root_id", "root_name"]]


def max_depth(tree: pd.DataFrame) -> int:
    """Longest chain from an account up to its root (0 when every account is a root)."""
    depth = tree["depth"].dropna()
    return int(depth.max()) if len(depth) else 0


# --------------------------------------------------------------------------- summary
def money(value: float) -> str:
    """Short money text for sentences: $2.0M, $850k, $1.2B, $940 (negatives -$1.0M)."""
    if value is None or pd.isna(value):
        return "–"
    sign = "-" if value < 0 else ""
    size = abs(float(value))
    if size >= 1e9:
        return f"{sign}${size / 1e9:,.1f}B"
    if size >= 1e6:
        return f"{sign}${size / 1e6:,.1f}M"
    if size >= 1e3:
        return f"{sign}${size / 1e3:,.0f}k"
    return f"{sign}${size:,.0f}"


def summary_figures(
    *,
    top: pd.DataFrame,
    naive: pd.DataFrame,
    tree: pd.DataFrame,
    start,
    end,
    top_n: int = 10,
    stability_table: pd.DataFrame | None = None,
    discounts: pd.DataFrame | None = None,
    discount_members: pd.DataFrame | None = None,
    split: pd.DataFrame | None = None,
    faults: pd.DataFrame | None = None,
) -> dict:
    """Key figures for ``summary.json``.

    Keys: ``period_start``, ``period_end``, ``top_n``, ``total_revenue``
    (ranked families), ``families_ranked``, ``accounts_ranked``,
    ``top_family_id``/``_name``/``_revenue``/``_members``/``_buying_accounts``,
    ``top_account_id``/``_name``/``_revenue``/``_root_id``,
    ``top_family_is_not_top_account`` (the top family's root differs from the
    top account's root), ``top_n_share``, ``families_climbing_into_top_n``
    (families in the corrected top N with no member in the naive top N),
    ``accounts_in_families``, ``hierarchy_issues``, ``cycle_accounts``,
    ``missing_parent_accounts``, ``max_depth``, ``new_families``,
    ``dropped_families``, ``discount_pairs``, ``discount_outliers``,
    ``revenue_at_stake``; ``key_gap_*`` (the best-ranked family with a
    sibling discount spread: family, rank, product, min/max discount, revenue
    at stake); ``top_outlier_*`` (the member with the largest robust z:
    account, family, product, discount, family median); ``split_families``,
    ``split_families_new_rep`` and ``key_family_new_rep_*`` (the best-ranked
    split family with a new rep: family, rank, account, owner, tenure days).
    """
    figures: dict = {
        "period_start": pd.Timestamp(start).date().isoformat(),
        "period_end": pd.Timestamp(end).date().isoformat(),
        "top_n": int(top_n),
        "total_revenue": float(top["revenue"].sum()),
        "families_ranked": int(len(top)),
        "accounts_ranked": int(len(naive)),
        "accounts_in_families": int((tree["family_size"] > 1).sum()),
        "max_depth": max_depth(tree),
    }
    first_family = top.iloc[0] if len(top) else None
    first_account = naive.iloc[0] if len(naive) else None
    figures.update(
        top_family_id=None if first_family is None else first_family["account_id"],
        top_family_name=None if first_family is None else first_family["name"],
        top_family_revenue=None if first_family is None else float(first_family["revenue"]),
        top_family_members=None if first_family is None else int(first_family["member_accounts"]),
        top_family_buying_accounts=None
        if first_family is None
        else int(first_family["buying_accounts"]),
        top_account_id=None if first_account is None else first_account["account_id"],
        top_account_name=None if first_account is None else first_account["name"],
        top_account_revenue=None if first_account is None else float(first_account["revenue"]),
        top_account_root_id=None if first_account is None else first_account["root_account_id"],
    )
    figures["top_family_is_not_top_account"] = bool(
        first_family is not None
        and first_account is not None
        and first_family["account_id"] != first_account["root_account_id"]
    )
    figures["top_n_share"] = top_n_share(concentration(top, top_n=top_n), top_n)
    corrected = top[top["rank"] <= top_n]
    figures["families_climbing_into_top_n"] = int(
        (~(corrected["best_member_naive_rank"].fillna(top_n + 1) <= top_n)).sum()
    )
    if faults is not None:
        figures["hierarchy_issues"] = int(len(faults))
        figures["cycle_accounts"] = int((faults["issue"] == CYCLE).sum())
        figures["missing_parent_accounts"] = int((faults["issue"] == MISSING_PARENT).sum())
    if stability_table is not None:
        figures["new_families"] = int((stability_table["status"] == "new").sum())
        figures["dropped_families"] = int((stability_table["status"] == "dropped").sum())
    if discounts is not None:
        figures["discount_pairs"] = int(len(discounts))
        figures["discount_outliers"] = int(discounts["outlier_members"].sum())
        figures["revenue_at_stake"] = float(discounts["revenue_at_stake"].sum())
        # The gap in the best-ranked family with a spread (ties: widest spread).
        gaps = discounts[(discounts["spread"] > 0) & discounts["family_rank"].notna()]
        gaps = gaps.sort_values(["family_rank", "spread"], ascending=[True, False])
        if len(gaps):
            gap = gaps.iloc[0]
            figures["key_gap_family"] = gap["family_name"]
            figures["key_gap_family_rank"] = int(gap["family_rank"])
            figures["key_gap_product"] = gap["product_name"]
            figures["key_gap_min_discount"] = float(gap["min_discount"])
            figures["key_gap_max_discount"] = float(gap["max_discount"])
            figures["key_gap_revenue_at_stake"] = float(gap["revenue_at_stake"])
    if discount_members is not None and len(discount_members):
        flagged = discount_members[discount_members["outlier"]]
        flagged = flagged.sort_values("robust_z", ascending=False, kind="stable")
        if len(flagged):
            top_outlier = flagged.iloc[0]
            figures["top_outlier_account"] = top_outlier["name"]
            figures["top_outlier_family"] = top_outlier["family_name"]
            figures["top_outlier_product"] = top_outlier["product_name"]
            figures["top_outlier_discount"] = float(top_outlier["discount_pct"])
            figures["top_outlier_family_median"] = float(top_outlier["family_median"])
    if split is not None:
        families = split.drop_duplicates("root_id")
        figures["split_families"] = int(len(families))
        new_rep = split[split["new_rep"].fillna(False).astype(bool)]
        figures["split_families_new_rep"] = int(new_rep["root_id"].nunique())
        ranked_new = new_rep.dropna(subset=["family_rank"]).sort_values("family_rank")
        if len(ranked_new):
            key = ranked_new.iloc[0]
            figures["key_family_new_rep_family"] = key["family_name"]
            figures["key_family_new_rep_rank"] = int(key["family_rank"])
            figures["key_family_new_rep_account"] = key["name"]
            figures["key_family_new_rep_owner"] = (
                key["owner_name"] if pd.notna(key["owner_name"]) else key["owner_id"]
            )
            figures["key_family_new_rep_tenure_days"] = int(key["tenure_days"])
    return figures


def _pct(value: float) -> str:
    """Percent text with at most one decimal: 12%, 17.5%."""
    return f"{value:.1f}".removesuffix(".0") + "%"


def _accounts(n: int) -> str:
    return f"{n} account" if n == 1 else f"{n} accounts"


def summary_sentences(figures: dict) -> list[str]:
    """Three to five plain-text sentences built from :func:`summary_figures`.

    The first names the largest customer by corporate family. When the top
    family is not the family of the top single account it reads "X (N
    accounts, $2.0M) is your largest customer, not Y ($1.0M)." with N the
    family's member accounts; otherwise it says the ranking leader is the
    same either way.
    """
    n_top = figures["top_n"]
    out: list[str] = []
    if figures.get("top_family_name") is None:
        out.append(
            f"No won revenue between {figures['period_start']} and {figures['period_end']}, "
            "so no customer is ranked."
        )
    elif figures["top_family_is_not_top_account"]:
        out.append(
            f"{figures['top_family_name']} ({_accounts(figures['top_family_members'])}, "
            f"{money(figures['top_family_revenue'])}) is your largest customer, "
            f"not {figures['top_account_name']} ({money(figures['top_account_revenue'])})."
        )
    elif figures["top_family_members"] > 1:
        out.append(
            f"{figures['top_family_name']} ({_accounts(figures['top_family_members'])}, "
            f"{money(figures['top_family_revenue'])}) is your largest customer by family, "
            f"as its member {figures['top_account_name']} "
            f"({money(figures['top_account_revenue'])}) already leads the account list."
        )
    else:
        out.append(
            f"{figures['top_family_name']} ({money(figures['top_family_revenue'])}) is your "
            "largest customer whether or not accounts are rolled up to their parents."
        )
    if figures["families_ranked"]:
        out.append(
            f"The top {n_top} families hold {figures['top_n_share']:.0%} of "
            f"{money(figures['total_revenue'])} won between {figures['period_start']} and "
            f"{figures['period_end']}; {figures['families_climbing_into_top_n']} of them "
            f"had no member in the account-level top {n_top}."
        )
    if figures.get("split_families_new_rep") and figures.get("key_family_new_rep_family"):
        out.append(
            f"{figures['key_family_new_rep_family']} (family #{figures['key_family_new_rep_rank']})"
            f" is split across reps, and its account {figures['key_family_new_rep_account']} "
            f"is owned by {figures['key_family_new_rep_owner']}, "
            f"{figures['key_family_new_rep_tenure_days']} days into the job."
        )
    elif "split_families" in figures:
        out.append(f"{figures['split_families']} families have members owned by more than one rep.")
    if figures.get("key_gap_family") is not None:
        out.append(
            f"Members of {figures['key_gap_family']} (family #{figures['key_gap_family_rank']}) "
            f"bought {figures['key_gap_product']} at discounts from "
            f"{_pct(figures['key_gap_min_discount'])} to {_pct(figures['key_gap_max_discount'])}"
            f" ({money(figures['key_gap_revenue_at_stake'])} at stake); across all "
            f"{figures['discount_pairs']} family-product pairs bought by two or more members, "
            "bringing every discount above its family's median down to it would have "
            f"recovered {money(figures['revenue_at_stake'])}."
        )
    if "hierarchy_issues" in figures:
        out.append(
            f"The hierarchy has {figures['cycle_accounts']} account(s) on parent cycles and "
            f"{figures['missing_parent_accounts']} pointing at a missing parent; the deepest "
            f"chain is {figures['max_depth']} level(s)."
        )
    return out[:5]

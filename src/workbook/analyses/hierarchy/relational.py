"""The hierarchy report's relational core: one Ibis definition per heavy aggregation.

Everything here is an Ibis expression over the canonical tables (names and
columns of :mod:`workbook.data.model`), run by :mod:`workbook.engine`
(in-process DuckDB by default, or a warehouse). pandas receives only the
aggregates: revenue per account, per family, the revenue basis counts, the
won deals of the period (the row set the bootstrap resamples), and the
sibling discounts' line counts, member discounts, line ranges and revenue
at stake (the MAD tests run in pandas on the member discounts).

Won opportunity
    ``is_won`` is true (a missing ``is_won`` counts as not won).
In the period
    The calendar day of ``close_date`` is in ``[start, end]``, both ends
    inclusive (times of day are ignored): ``close_date >= first`` and
    ``close_date < last + 1 day`` with ``first``, ``last`` the first and last
    whole days of the period (:func:`day_bounds`). A missing date is never in.
Revenue
    Sum of ``amount`` over won opportunities in the period; a missing amount
    adds nothing.
Family
    All accounts sharing a ``root_id`` in the tree
    (:func:`workbook.core.families.tree_expr`).

:func:`sql_examples` builds the main expressions over
:func:`workbook.engine.canonical_tables` so that they can be compiled for
warehouse dialects without data.
"""

from __future__ import annotations

from typing import NamedTuple

import ibis
import pandas as pd

from workbook.core import families
from workbook.engine.core import timestamp_literal

__all__ = [
    "MEMBER_KEYS",
    "DayBounds",
    "account_discounts",
    "account_revenue",
    "day_bounds",
    "discount_counts",
    "discount_lines",
    "family_revenue",
    "line_ranges",
    "revenue_at_stake",
    "in_period",
    "revenue_basis",
    "sql_examples",
    "won",
    "won_deals",
]

_ONE_DAY = pd.Timedelta(days=1)


class DayBounds(NamedTuple):
    """Timestamps bounding the days of a period: ``low <= ts < high``."""

    low: pd.Timestamp
    high: pd.Timestamp


def day_bounds(start, end) -> DayBounds:
    """The half-open timestamp range of the calendar days ``[start, end]``.

    A timestamp's day ``d`` satisfies ``start <= d <= end`` exactly when the
    timestamp is ``>= ceil_day(start)`` and ``< floor_day(end) + 1 day`` (for
    the usual midnight bounds: ``>= start`` and ``< end + 1 day``).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return DayBounds(start.ceil("D"), end.floor("D") + _ONE_DAY)


def in_period(ts: ibis.Value, start, end) -> ibis.BooleanValue:
    """``ts``'s calendar day is in ``[start, end]`` (both inclusive; NULL is never in)."""
    low, high = day_bounds(start, end)
    return (ts >= low.to_pydatetime()) & (ts < high.to_pydatetime())


def won(opportunities: ibis.Table) -> ibis.BooleanValue:
    """``is_won`` is true; a missing ``is_won`` is not won."""
    return opportunities.is_won.cast("boolean").fill_null(False)


def _won_in_period(opportunities: ibis.Table, start, end) -> ibis.BooleanValue:
    return won(opportunities) & in_period(opportunities.close_date, start, end).fill_null(False)


def account_revenue(opportunities: ibis.Table, *, start, end) -> ibis.Table:
    """Revenue per account in the period.

    Returns
    -------
    ibis.Table
        ``account_id``, ``revenue`` (float64, 0.0 when every amount is
        missing): one row per account id with at least one won opportunity
        closed in the period, sorted by ``account_id``.
    """
    return _per_account(opportunities, start, end).order_by("account_id")


def _per_account(opportunities: ibis.Table, start, end) -> ibis.Table:
    """:func:`account_revenue` in no particular order (to be joined)."""
    deals = opportunities.filter(
        _won_in_period(opportunities, start, end), opportunities.account_id.notnull()
    )
    return deals.group_by("account_id").aggregate(
        revenue=deals.amount.cast("float64").sum().fill_null(0.0)
    )


def family_revenue(tree: ibis.Table, opportunities: ibis.Table, *, start, end) -> ibis.Table:
    """Revenue per family: every account's revenue added to its root in ``tree``.

    Won opportunities on account ids that are not in ``tree`` belong to no
    family and are left out.

    Parameters
    ----------
    tree : ibis.Table
        ``account_id`` and ``root_id`` (:func:`workbook.core.families.tree_expr`).
    opportunities : ibis.Table
        Canonical ``opportunities``.
    start, end : date-like
        The period, both days inclusive.

    Returns
    -------
    ibis.Table
        One row per root (families without revenue included), sorted by
        ``root_id``: ``root_id``, ``revenue`` (0.0 when none),
        ``member_accounts`` (accounts in the family) and ``buying_accounts``
        (members with revenue rows).
    """
    per_account = _per_account(opportunities, start, end)
    member, spend = tree.view(), per_account.view()
    members = member.left_join(spend, member.account_id == spend.account_id).select(
        root_id=member.root_id, revenue=spend.revenue
    )
    out = members.group_by("root_id").aggregate(
        revenue=members.revenue.sum().fill_null(0.0),
        member_accounts=members.count(),
        buying_accounts=members.revenue.count(),
    )
    return out.order_by("root_id")


def won_deals(tree: ibis.Table, opportunities: ibis.Table, *, start, end) -> ibis.Table:
    """The won deals of the period on accounts in ``tree``, each with its root.

    Returns
    -------
    ibis.Table
        ``opportunity_id``, ``account_id``, ``root_id``, ``amount`` (float64,
        missing as 0.0); in no particular order.
    """
    deals = opportunities.filter(_won_in_period(opportunities, start, end))
    deal, member = deals.view(), tree.view()
    return deal.join(member, deal.account_id == member.account_id).select(
        opportunity_id=deal.opportunity_id,
        account_id=deal.account_id,
        root_id=member.root_id,
        amount=deal.amount.cast("float64").fill_null(0.0),
    )


def revenue_basis(opportunities: ibis.Table, accounts: ibis.Table, *, start, end) -> ibis.Table:
    """Counts of which opportunities count as revenue, and why the others do not.

    Returns
    -------
    ibis.Table
        One row: ``won_in_period`` (counted), ``won_before_period`` (day
        before ``start``), ``won_after_period`` (day after ``end``), ``lost``
        (closed and not won), ``open`` (not closed and not won),
        ``won_missing_amount`` (won in the period, amount missing: counted as
        0) and ``won_unknown_account`` (won in the period, ``account_id`` not
        among the accounts or missing).
    """
    o = opportunities
    low, high = day_bounds(start, end)
    is_won = won(o)
    closed = o.is_closed.cast("boolean").fill_null(False)
    inside = _won_in_period(o, start, end)
    known = o.account_id.isin(accounts.account_id).fill_null(False)

    def count(condition):
        return ibis.ifelse(condition.fill_null(False), 1, 0).sum().fill_null(0)

    return o.aggregate(
        won_in_period=count(inside),
        won_before_period=count(is_won & (o.close_date < low.to_pydatetime())),
        won_after_period=count(is_won & (o.close_date >= high.to_pydatetime())),
        lost=count(~is_won & closed),
        open=count(~is_won & ~closed),
        won_missing_amount=count(inside & o.amount.isnull()),
        won_unknown_account=count(inside & ~known),
    )


def discount_counts(purchases: ibis.Table, *, start, end) -> ibis.Table:
    """The purchase lines the sibling discounts use and leave out, in one row.

    Parameters
    ----------
    purchases : ibis.Table
        Canonical ``purchases`` (``purchased_at``, ``discount_pct``, ``amount``).
    start, end : Timestamp
        The lookback: a line is in it when ``start <= purchased_at < end``.

    Returns
    -------
    ibis.Table
        ``lines`` (all), ``after_as_of`` (``purchased_at >= end``),
        ``before_lookback`` (``< start``), ``missing_date``,
        ``missing_discount`` (neither after nor before, no ``discount_pct``;
        a line without a date counts here too when it has no discount),
        ``used`` (in the window, with a discount) and
        ``used_missing_amount``.
    """
    t = purchases
    when = t.purchased_at
    after = (when >= timestamp_literal(end)).fill_null(False)
    before = (when < timestamp_literal(start)).fill_null(False)
    no_discount = t.discount_pct.isnull()
    keep = ~after & ~before & ~no_discount & when.notnull()

    def count(condition):
        return ibis.ifelse(condition, 1, 0).sum().fill_null(0)

    return t.aggregate(
        lines=t.count(),
        after_as_of=count(after),
        before_lookback=count(before),
        missing_date=count(when.isnull()),
        missing_discount=count(~after & ~before & no_discount),
        used=count(keep),
        used_missing_amount=count(keep & t.amount.isnull()),
    )


def discount_lines(purchases: ibis.Table, tree: ibis.Table, *, start, end) -> ibis.Table:
    """The used lines (:func:`discount_counts`) of accounts in ``tree``, each with its root.

    Lines without a ``product_id`` belong to no family x product and are left
    out here (they are counted as used).

    Returns
    -------
    ibis.Table
        ``root_id``, ``product_id``, ``account_id``, ``discount_pct``,
        ``amount``; in no particular order.
    """
    t = purchases
    used = t.filter(
        t.purchased_at >= timestamp_literal(start),
        t.purchased_at < timestamp_literal(end),
        t.discount_pct.notnull(),
        t.product_id.notnull(),
    )
    line, member = used.view(), tree.view()
    return line.join(member, line.account_id == member.account_id).select(
        root_id=member.root_id,
        product_id=line.product_id,
        account_id=line.account_id,
        discount_pct=line.discount_pct.cast("float64"),
        amount=line.amount.cast("float64"),
    )


#: The keys of a member: its family, the product, the account.
MEMBER_KEYS = ["root_id", "product_id", "account_id"]


def account_discounts(lines: ibis.Table) -> ibis.Table:
    """Per family x product x account: ``lines``, member ``discount_pct`` and ``spend``.

    The member discount is the amount-weighted mean ``discount_pct``
    (missing or negative amounts weigh 0), the plain mean when every weight
    is 0; ``spend`` sums the amounts (missing as 0). Sorted by the keys.

    Both means are taken of the discounts' excess over the member's lowest
    discount and added to it, so a member whose lines share one discount has
    exactly that discount (a weighted sum divided by the weights' sum would
    give 9.999999999999998 for lines at 10, and members tied at 10 would sort
    by rounding noise).
    """
    low = lines.group_by(MEMBER_KEYS).aggregate(low=lines.discount_pct.min())
    rows = lines.join(low, MEMBER_KEYS)
    weight = ibis.greatest(rows.amount.fill_null(0.0), 0.0)
    excess = rows.discount_pct - rows.low
    per = rows.group_by([*MEMBER_KEYS, "low"]).aggregate(
        lines=rows.count(),
        plain=excess.mean(),
        w=weight.sum(),
        wd=(weight * excess).sum(),
        spend=rows.amount.fill_null(0.0).sum(),
    )
    return per.select(
        *MEMBER_KEYS,
        "lines",
        discount_pct=per.low + ibis.ifelse(per.w > 0, per.wd / per.w, per.plain),
        spend="spend",
    ).order_by(MEMBER_KEYS)


def line_ranges(lines: ibis.Table) -> ibis.Table:
    """Per family x product: the lowest and highest ``discount_pct`` of its lines."""
    return lines.group_by(["root_id", "product_id"]).aggregate(
        min_line_discount=lines.discount_pct.min(), max_line_discount=lines.discount_pct.max()
    )


def revenue_at_stake(lines: ibis.Table, members: ibis.Table) -> ibis.Table:
    """Per member: what pricing its lines at the family median would have recovered.

    Parameters
    ----------
    lines : ibis.Table
        :func:`discount_lines`.
    members : ibis.Table
        :data:`MEMBER_KEYS` and ``family_median``, one row per member.

    Returns
    -------
    ibis.Table
        :data:`MEMBER_KEYS` and ``revenue_at_stake``: the sum over the
        member's lines of ``amount * max(d - m, 0) / (100 - d)`` (missing
        amounts as 0; a line at ``d >= 100`` adds 0).
    """
    line, member = lines.view(), members.view()
    both = line.join(member, [line[k] == member[k] for k in MEMBER_KEYS]).select(
        *[line[k] for k in MEMBER_KEYS],
        d=line.discount_pct,
        m=member.family_median.cast("float64"),
        amount=line.amount.fill_null(0.0),
    )
    value = ibis.ifelse(
        both.d < 100, both.amount * ibis.greatest(both.d - both.m, 0.0) / (100 - both.d), 0.0
    )
    return both.group_by(MEMBER_KEYS).aggregate(revenue_at_stake=value.sum())


def sql_examples(tables: dict[str, ibis.Table], *, rounds: int = 4) -> dict[str, ibis.Expr]:
    """The report's main expressions over ``tables`` (for SQL snapshots per dialect).

    Parameters
    ----------
    tables : dict of str to ibis.Table
        The canonical tables, e.g. :func:`workbook.engine.canonical_tables`
        (unbound) or :meth:`workbook.engine.Engine.tables`.
    rounds : int
        Pointer-jumping rounds of the tree. A run takes
        :func:`workbook.core.families.rounds_for` of the accounts with a parent
        (16 for the large sample); every round is the same self-join, so the
        reviewed SQL snapshots show 4 (enough for 8 accounts with a parent).

    Returns
    -------
    dict
        ``tree`` (:func:`workbook.core.families.tree_expr`, sorted by
        ``account_id``), ``account_revenue``, ``family_revenue``,
        ``won_deals`` and ``revenue_basis`` for the 12 months ending
        2026-06-30; ``discount_counts``, ``account_discounts``,
        ``line_ranges`` and ``revenue_at_stake`` (over a table ``members``
        of family medians) for the 24 months ending on that day.
    """
    accounts, opportunities = tables["accounts"], tables["opportunities"]
    start, end = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")
    tree = families.tree_expr(accounts, rounds=rounds)
    period = {"start": start, "end": end}
    # The discounts' 24-month lookback ending on the same day.
    purchases = tables["purchases"]
    lookback = {"start": pd.Timestamp("2024-07-01"), "end": pd.Timestamp("2026-07-01")}
    lines = discount_lines(purchases, tree.select("account_id", "root_id"), **lookback)
    members = ibis.table(
        {
            "root_id": "string",
            "product_id": "string",
            "account_id": "string",
            "family_median": "float64",
        },
        name="members",
    )
    return {
        "tree": tree.order_by("account_id"),
        "account_revenue": account_revenue(opportunities, **period),
        "family_revenue": family_revenue(tree, opportunities, **period),
        "won_deals": won_deals(tree, opportunities, **period).order_by("opportunity_id"),
        "revenue_basis": revenue_basis(opportunities, accounts, **period),
        "discount_counts": discount_counts(purchases, **lookback),
        "account_discounts": account_discounts(lines),
        "line_ranges": line_ranges(lines),
        "revenue_at_stake": revenue_at_stake(lines, members),
    }

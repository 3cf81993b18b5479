"""The purchase lines of the sibling discounts, kept in the engine (:class:`DiscountLines`).

The definitions (lines used, member discount, revenue at stake) are in
:mod:`workbook.analyses.hierarchy.discounts`; the expressions are in
:mod:`workbook.analyses.hierarchy.relational`. This module registers the
purchases and the tree, runs those expressions and hands pandas the
aggregates the discount tables are built from.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.hierarchy import relational
from workbook.core import calendar

__all__ = ["DiscountLines", "discount_lines", "lookback_counts", "window_start"]


def window_start(as_of, months: int) -> pd.Timestamp:
    """First day of the lookback: the day after ``as_of - months`` months.

    Examples
    --------
    >>> window_start("2026-06-30", 24)
    Timestamp('2024-07-01 00:00:00')
    """
    return calendar.day(as_of) - pd.DateOffset(months=int(months)) + pd.Timedelta(days=1)


_COUNT_NAMES = [
    "lines",
    "after_as_of",
    "before_lookback",
    "missing_date",
    "missing_discount",
    "used",
    "used_missing_amount",
]


def _purchase_table(engine, purchases: pd.DataFrame):
    """``purchases`` in ``engine`` with the columns the discounts read, typed; and the frame registered."""
    from workbook.engine.core import canonical_columns, frame_for

    columns = ["account_id", "product_id", "purchased_at", "discount_pct", "amount"]
    frame = frame_for(engine, purchases, "purchases", columns)
    return canonical_columns(engine.table(frame, "purchases"), "purchases", columns), frame


def _bounds(as_of, months: int) -> dict:
    """The lookback as ``start <= purchased_at < end`` (:func:`window_start`, the as_of day's end)."""
    return {"start": window_start(as_of, months), "end": calendar.as_of_end(as_of)}


def _count_row(engine, table, bounds: dict) -> dict:
    row = engine.arrow(relational.discount_counts(table, **bounds)).to_pylist()[0]
    return {name: int(row[name]) for name in _COUNT_NAMES}


def lookback_counts(engine, purchases: pd.DataFrame, *, as_of, months: int) -> dict:
    """The line counts of :func:`~workbook.analyses.hierarchy.discounts.discount_basis`.

    Without ``below_min_lines``, which needs the tree (:class:`DiscountLines`).
    """
    table, frame = _purchase_table(engine, purchases)
    counts = _count_row(engine, table, _bounds(as_of, months))
    del frame  # registered until the query ran
    return counts


class DiscountLines:
    """The used lines of accounts in the tree, and what every discount table needs of them.

    Made once by :func:`discount_lines` and passed to every discount table.
    The lines stay in ``engine`` (:func:`~workbook.analyses.hierarchy.relational.discount_lines`);
    pandas receives the aggregates:

    ``counts``
        The counts of :func:`~workbook.analyses.hierarchy.discounts.discount_basis`
        (without ``below_min_lines``).
    ``per_account``
        Per root x product x account: its ``lines``, member discount
        (``discount_pct``) and ``spend``, sorted by the three keys.
    ``line_range``
        Per root x product: ``min_line_discount`` and ``max_line_discount``.

    :meth:`revenue_at_stake` runs the members' money at stake on the same lines.
    """

    def __init__(
        self, purchases: pd.DataFrame, tree: pd.DataFrame, *, as_of, months: int, engine=None
    ):
        from workbook import engine as engines

        self.engine = engine if engine is not None else engines.default()
        self._purchases, self._frame = _purchase_table(self.engine, purchases)
        # The registered frames live as long as these lines (the expressions read them).
        self._tree_frame = pd.DataFrame(
            {
                "account_id": tree["account_id"].astype("string").array,
                "root_id": tree["root_id"].astype("string").array,
            }
        )
        bounds = _bounds(as_of, months)
        self.counts = _count_row(self.engine, self._purchases, bounds)
        self._lines = relational.discount_lines(
            self._purchases, self.engine.table(self._tree_frame, "tree"), **bounds
        )
        ids = {k: "string" for k in relational.MEMBER_KEYS}
        self.per_account = self.engine.frame(
            relational.account_discounts(self._lines), types={**ids, "lines": "int64"}
        )
        self.line_range = self.engine.frame(
            relational.line_ranges(self._lines), types={"root_id": "string", "product_id": "string"}
        )

    def revenue_at_stake(self, members: pd.DataFrame) -> pd.DataFrame:
        """Per member of ``members`` (keys and ``family_median``), its revenue at stake (see the module)."""
        keys = relational.MEMBER_KEYS
        frame = pd.DataFrame(
            {
                **{k: members[k].astype("string").array for k in keys},
                "family_median": members["family_median"].to_numpy(dtype="float64"),
            }
        )
        expr = relational.revenue_at_stake(self._lines, self.engine.table(frame, "members"))
        out = self.engine.frame(expr, types={k: "string" for k in keys})
        del frame  # registered until the query ran
        return out


def discount_lines(
    purchases: pd.DataFrame, tree: pd.DataFrame, *, as_of, months: int, engine=None
) -> DiscountLines:
    """The :class:`DiscountLines` of ``purchases`` for the lookback of ``months`` months.

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases`` table.
    tree : DataFrame
        :func:`workbook.core.families.ultimate_parents`.
    as_of : date-like
        End of the lookback window.
    months : int
        ``discount_lookback_months``.
    engine : workbook.engine.Engine, optional
        Where the lines are worked on (default :func:`workbook.engine.default`).

    Returns
    -------
    DiscountLines
    """
    return DiscountLines(purchases, tree, as_of=as_of, months=months, engine=engine)

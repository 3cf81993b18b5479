"""Ownership: which (account, product) pairs are owned on ``as_of``, and what is left out."""

from __future__ import annotations

import pandas as pd

from workbook.core.calendar import as_of_end
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

from .book import Book, check_tables, coded_purchases, distinct_keys, empty, ids, purchases_frame
from .columns import EXCLUSION_COLUMNS, OWNERSHIP_COLUMNS

__all__ = ["ownership", "purchase_exclusions"]


def ownership(purchases: pd.DataFrame, *, as_of, engine=None) -> pd.DataFrame:
    """Distinct (account, product) pairs owned on ``as_of``.

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases`` (``account_id``, ``product_id``,
        ``purchased_at``, optional ``amount``).
    as_of : date-like
        Observation end day, inclusive: rows with ``purchased_at`` strictly
        after that calendar day are ignored.
    engine : workbook.engine.Engine, optional
        Where :func:`~workbook.analyses.whitespace.relational.owned_pairs`
        runs (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        One row per owned pair, columns :data:`OWNERSHIP_COLUMNS`:
        ``first_purchased_at``/``last_purchased_at`` (earliest/latest
        in-window row), ``purchase_rows`` (in-window rows after dropping exact
        duplicate rows) and ``amount`` (their summed amount, NaN when every
        amount is missing). Sorted by account_id, product_id. Rows left out
        are counted by :func:`purchase_exclusions`. Whether the account and
        product exist in their tables is not checked here.
    """
    from workbook import engine as engines

    from . import relational

    require_frame(purchases, "purchases", ["account_id", "product_id", "purchased_at"])
    eng = engine if engine is not None else engines.default()
    frame = purchases_frame(purchases)
    kept = relational.kept_rows(eng.table(frame, "purchases"), end=as_of_end(as_of))
    out = eng.frame(
        relational.owned_pairs(kept),
        types={"account_id": "string", "product_id": "string", "purchase_rows": "int64"},
    )
    if out.empty:
        return empty(OWNERSHIP_COLUMNS)
    out["amount"] = out["amount"].astype("float64")
    return out[OWNERSHIP_COLUMNS]


_EXCLUSION_TEXT = {
    "missing_key": ("excluded", "account, product or purchase date missing"),
    "after_as_of": ("excluded", "purchased after the as-of date"),
    "duplicate_row": ("excluded", "identical in every column to an earlier row (counted once)"),
    "unknown_account": ("excluded", "account not in the accounts table"),
    "unknown_product": ("excluded", "product not in the products table"),
    "repeat_purchase": (
        "collapsed",
        "another purchase of a pair already owned: ownership counts once, its amount "
        "is still one purchase in the product's median purchase amount",
    ),
}


@shared_docs
def purchase_exclusions(
    purchases: pd.DataFrame,
    *,
    as_of,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Count the purchase rows that ownership leaves out or collapses.

    Reasons are checked in this order and each row is counted under the first
    that applies: ``missing_key``, ``after_as_of``, ``duplicate_row`` (an
    in-window row identical in every column to an earlier one),
    ``unknown_account`` and ``unknown_product`` (only when ``accounts`` /
    ``products`` are given), then ``repeat_purchase`` (a further distinct
    row of an already-owned pair; ``effect`` is ``collapsed``, not excluded).

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases``.
    {as_of}
    accounts, products : DataFrame, optional
        Canonical tables; when given, rows naming an account / product
        missing from them are counted as unknown.

    Returns
    -------
    DataFrame
        Columns ``reason, effect, rows, description``, one row per reason
        (zero counts included).
    """
    if accounts is not None and products is not None:
        check_tables(accounts, purchases, products)
        return exclusions_from_book(Book(accounts, purchases, products, as_of=as_of))
    require_frame(purchases, "purchases", ["account_id", "product_id", "purchased_at"])
    for frame, table, key in ((accounts, "accounts", "account_id"), (products, "products", "product_id")):
        if frame is not None:
            require_frame(frame, table, [key])
    coded = coded_purchases(
        purchases,
        as_of=as_of,
        account_ids=None if accounts is None else ids(accounts["account_id"]).drop_duplicates(),
        product_ids=None if products is None else ids(products["product_id"]).drop_duplicates(),
    )
    counts = dict(coded.counts)
    known = (coded.a >= 0) & (coded.p >= 0)
    a, p = coded.a[known], coded.p[known]
    width, n_a = (int(p.max()) + 1, int(a.max()) + 1) if len(a) else (1, 0)
    counts["repeat_purchase"] = int(len(a) - len(distinct_keys(a, p, width, n_a)))
    return _table(counts)


def exclusions_from_book(book: Book) -> pd.DataFrame:
    """:func:`purchase_exclusions` of an already built :class:`Book` (with both tables)."""
    return _table(book.counts)


def _table(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "reason": list(_EXCLUSION_TEXT),
            "effect": [_EXCLUSION_TEXT[r][0] for r in _EXCLUSION_TEXT],
            "rows": [int(counts[r]) for r in _EXCLUSION_TEXT],
            "description": [_EXCLUSION_TEXT[r][1] for r in _EXCLUSION_TEXT],
        }
    )[EXCLUSION_COLUMNS]

"""The whitespace report's relational core: the purchase book and the gap set, in Ibis.

Everything here is an Ibis expression, run by :mod:`workbook.engine`
(in-process DuckDB by default, or a warehouse). pandas receives the coded
purchase rows the value model needs (account code, product code, amount),
the owned pairs, the exclusion counts and the gaps; the integer-coded
:class:`~workbook.analyses.whitespace.book.Book` is built from them.

Cleaned purchase
    ``account_id`` and ``product_id`` as text, an empty id being missing
    (the loader has trimmed them, and
    :func:`~workbook.analyses.whitespace.book.purchases_frame` trims those
    of a frame built by hand, and reads its ``amount`` as a number, text that
    is not one being missing). Every other column as it is.
Kept row
    A cleaned row with an account, a product and a purchase date, dated
    before the end of the ``as_of`` day (``purchased_at < as_of_end(as_of)``).
    Rows identical in every column are one row (``duplicate_row``).
Coded row
    A kept row with ``a``, ``p``: the positions of its account and product in
    their tables (missing when the id is not there: ``unknown_account``,
    ``unknown_product``). Without a table to code by, the ids are coded by
    the kept rows' own distinct ids, so every id is known.
Gap
    A member of a family with more than one account, and a product some
    member of the family owns, that the member does not own.

:func:`sql_examples` builds the main expressions over
:func:`workbook.engine.canonical_tables` so that they can be compiled for
warehouse dialects without data.
"""

from __future__ import annotations

import ibis

from workbook.engine.core import timestamp_literal

__all__ = [
    "ID_COLUMNS",
    "cleaned",
    "coded_rows",
    "gap_set",
    "kept_rows",
    "owned_pairs",
    "sql_examples",
    "window_counts",
]

#: The id columns every purchase row is checked and coded by.
ID_COLUMNS = ("account_id", "product_id")


def cleaned(purchases: ibis.Table) -> ibis.Table:
    """``purchases`` with the canonical types and an empty id missing (see the module's definitions).

    The canonical columns are cast where their type is not the model's
    (:func:`workbook.engine.canonical_columns`); every other column is kept
    as it is. A table without ``amount`` keeps none.
    """
    from workbook.data import model
    from workbook.engine.core import canonical_columns

    names = {c.name for c in model.SPECS["purchases"].columns}
    typed = canonical_columns(
        purchases,
        "purchases",
        [c for c in purchases.columns if c in names],
        keep=[c for c in purchases.columns if c not in names],
    )
    return typed.mutate(**{c: typed[c].nullif("") for c in ID_COLUMNS})


def _missing_key(rows: ibis.Table) -> ibis.BooleanValue:
    return rows.account_id.isnull() | rows.product_id.isnull() | rows.purchased_at.isnull()


def window_counts(purchases: ibis.Table, *, end) -> ibis.Table:
    """One row: ``rows`` in ``purchases``, ``missing_key`` and ``after_as_of`` (dated ``>= end``).

    A row missing a key is counted as ``missing_key`` only, whatever its date.
    """
    rows = cleaned(purchases)
    missing = _missing_key(rows)
    late = ~missing & (rows.purchased_at >= timestamp_literal(end))
    return rows.aggregate(
        rows=rows.count(),
        missing_key=missing.ifelse(1, 0).sum().fill_null(0),
        after_as_of=late.ifelse(1, 0).sum().fill_null(0),
    )


def kept_rows(purchases: ibis.Table, *, end) -> ibis.Table:
    """The kept rows of ``purchases``: cleaned, with every key, before ``end``, each once."""
    rows = cleaned(purchases)
    return rows.filter(~_missing_key(rows), rows.purchased_at < timestamp_literal(end)).distinct()


def coded_rows(
    kept: ibis.Table, accounts: ibis.Table | None = None, products: ibis.Table | None = None
) -> ibis.Table:
    """``a``, ``p`` and ``amount`` of every kept row.

    Parameters
    ----------
    kept : ibis.Table
        :func:`kept_rows`.
    accounts, products : ibis.Table, optional
        ``account_id`` with ``a`` and ``product_id`` with ``p``: the code of
        each id, one row per id. ``a`` (``p``) is missing on a row whose id
        is not among them. When not given, the kept rows' own distinct ids
        are numbered instead (every row then has a code).

    Returns
    -------
    ibis.Table
        ``a`` and ``p`` (int64, missing when unknown) and ``amount``
        (float64; missing when the row has none, or the table has no
        ``amount``), one row per kept row, in no particular order.
    """
    amount = kept.amount.cast("float64") if "amount" in kept.columns else ibis.null("float64")
    rows = kept.select("account_id", "product_id", amount=amount)
    accounts = _own_codes(rows, "account_id", "a") if accounts is None else accounts
    products = _own_codes(rows, "product_id", "p") if products is None else products
    rows = rows.left_join(accounts, rows.account_id == accounts.account_id)
    rows = rows.left_join(products, rows.product_id == products.product_id)
    return rows.select(a=rows.a.cast("int64"), p=rows.p.cast("int64"), amount=rows.amount)


def _own_codes(rows: ibis.Table, column: str, code: str) -> ibis.Table:
    ids = rows.select(column).distinct()
    return ids.mutate(**{code: ibis.row_number()})


def owned_pairs(kept: ibis.Table) -> ibis.Table:
    """One row per (account_id, product_id) of ``kept``, sorted by both.

    ``first_purchased_at``/``last_purchased_at`` are the earliest/latest
    row, ``purchase_rows`` the rows, ``amount`` their summed amount (missing
    when every amount is). Whether the account and product are in their
    tables is not checked.
    """
    amount = kept.amount.cast("float64") if "amount" in kept.columns else ibis.null("float64")
    rows = kept.select("account_id", "product_id", "purchased_at", amount=amount)
    out = rows.group_by(list(ID_COLUMNS)).aggregate(
        first_purchased_at=rows.purchased_at.min(),
        last_purchased_at=rows.purchased_at.max(),
        purchase_rows=rows.count(),
        amount=rows.amount.sum(),
    )
    return out.order_by(list(ID_COLUMNS))


def gap_set(members: ibis.Table, family_products: ibis.Table, owned: ibis.Table) -> ibis.Table:
    """Every (member, product) gap with the family's owner count.

    Parameters
    ----------
    members : ibis.Table
        ``a`` and ``root``: every account of a family with more than one member.
    family_products : ibis.Table
        ``root``, ``p``, ``owners``: the owners of each product in each family.
    owned : ibis.Table
        ``a``, ``p``: the owned pairs.

    Returns
    -------
    ibis.Table
        ``a``, ``p``, ``root``, ``owning`` (the family's owners of ``p``),
        in no particular order.
    """
    fam = family_products.select("root", "p", owning="owners")
    cand = members.join(fam, "root")
    gaps = cand.anti_join(owned, ["a", "p"])
    return gaps.select("a", "p", "root", "owning")


def sql_examples(tables: dict[str, ibis.Table]) -> dict[str, ibis.Expr]:
    """The report's main expressions over ``tables`` (for SQL snapshots per dialect).

    Parameters
    ----------
    tables : dict of str to ibis.Table
        The canonical tables, e.g. :func:`workbook.engine.canonical_tables`.

    Returns
    -------
    dict
        ``window_counts``, ``coded_rows`` (coded by the accounts' and
        products' positions, given as tables of codes) and ``owned_pairs``
        for ``as_of`` 2026-06-30, and ``gap_set`` over tables of codes.
    """
    from workbook.core.calendar import as_of_end

    purchases = tables["purchases"]
    end = as_of_end("2026-06-30")
    kept = kept_rows(purchases, end=end)
    accounts = ibis.table({"account_id": "string", "a": "int64"}, name="account_codes")
    products = ibis.table({"product_id": "string", "p": "int64"}, name="product_codes")
    members = ibis.table({"a": "int64", "root": "int64"}, name="members")
    fam = ibis.table({"root": "int64", "p": "int64", "owners": "int64"}, name="family_products")
    owned = ibis.table({"a": "int64", "p": "int64"}, name="owned")
    return {
        "window_counts": window_counts(purchases, end=end),
        "coded_rows": coded_rows(kept, accounts, products),
        "owned_pairs": owned_pairs(kept),
        "gap_set": gap_set(members, fam, owned),
    }

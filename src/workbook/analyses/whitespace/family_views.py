"""Family views: family x product owner counts, one family's grid, whitespace per family/product."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

from .book import Book, check_tables, empty
from .columns import (
    FAMILY_MATRIX_COLUMNS,
    FAMILY_WHITESPACE_COLUMNS,
    GAP,
    GRID_COLUMNS,
    OWNED,
    PRODUCT_WHITESPACE_COLUMNS,
)

__all__ = ["family_grid", "family_matrix", "family_whitespace", "product_whitespace"]


@shared_docs
def family_matrix(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Family x product owner counts, in tidy (long) form.

    One row per (family, product) with at least one owner in the family;
    a pair that is absent has zero owners (the sparse form keeps the export
    small at 100k accounts). ``owners`` is the number of family members that
    own the product, ``gaps = family_members - owners`` (the members lacking
    it, all of them sibling gaps when the family has two or more members,
    none for a single-account family), ``owner_share = owners /
    family_members``.

    Parameters
    ----------
    {ws_tables}
    {as_of}
    {ws_tree}

    Returns
    -------
    DataFrame
        Columns :data:`FAMILY_MATRIX_COLUMNS`, sorted by family_id then
        product_id.
    """
    check_tables(accounts, purchases, products)
    return matrix_from_book(Book(accounts, purchases, products, as_of=as_of, tree=tree))


def matrix_from_book(book: Book) -> pd.DataFrame:
    """:func:`family_matrix` of an already built :class:`Book`."""
    fam = book.family_products()
    if fam.empty:
        return empty(FAMILY_MATRIX_COLUMNS)
    root = fam["root"].to_numpy(dtype=np.int64)
    p = fam["p"].to_numpy(dtype=np.int64)
    size = book.family_size[root].astype(np.int64)
    owners = fam["owners"].to_numpy(dtype=np.int64)
    out = pd.DataFrame(
        {
            "family_id": pd.array(book.account_ids.to_numpy()[root], dtype="string"),
            "family_name": pd.array(book.account_names[root], dtype="string"),
            "product_id": pd.array(book.product_ids.to_numpy()[p], dtype="string"),
            "product_name": pd.array(book.product_names[p], dtype="string"),
            "product_family": pd.array(book.product_family[p], dtype="string"),
            "family_members": size,
            "owners": owners,
            "gaps": np.where(size > 1, size - owners, 0),
            "owner_share": owners / size,
        }
    )
    out = out.sort_values(["family_id", "product_id"], kind="stable").reset_index(drop=True)
    return out[FAMILY_MATRIX_COLUMNS]


@shared_docs
def family_grid(
    family_id: str,
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    gaps: pd.DataFrame,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Members x products of one family, for the family heatmap.

    The products are those owned by at least one member; every member gets a
    row per product with ``status`` ``"owned"`` or ``"gap"`` and, for gaps,
    the ``priority`` from ``gaps`` (:func:`sibling_gaps`). Members are
    ordered by account name, products by the number of members owning them
    (descending) then product_id.

    Parameters
    ----------
    family_id : str
        The family's root ``account_id`` (see :func:`choose_family`).
    {ws_tables}
    {as_of}
    {ws_gaps}
    {ws_tree}

    Returns
    -------
    DataFrame
        Columns :data:`GRID_COLUMNS`; empty when the family owns nothing.

    Raises
    ------
    KeyError
        When ``family_id`` is not a family root.
    """
    check_tables(accounts, purchases, products)
    require_frame(gaps, "gaps")
    book = Book(accounts, purchases, products, as_of=as_of, tree=tree)
    return grid_from_book(book, family_id, gaps=gaps)


def grid_from_book(book: Book, family_id: str, *, gaps: pd.DataFrame) -> pd.DataFrame:
    """:func:`family_grid` of an already built :class:`Book`."""
    code = book.account_index.get_indexer([family_id])[0]
    if code < 0 or book.root[code] != code:
        raise KeyError(f"{family_id!r} is not the root account of a family")
    members = np.flatnonzero(book.root == code)
    in_family = book.root[book.owned_a] == code
    prod, n_own = np.unique(book.owned_p[in_family], return_counts=True)
    if len(prod) == 0:
        return empty(GRID_COLUMNS)
    prod = prod[np.lexsort((book.product_ids.to_numpy()[prod].astype(str), -n_own))]
    a = np.repeat(members, len(prod))
    p = np.tile(prod, len(members))
    owned = np.isin(a.astype(np.int64) * book.width + p, book.owned_key)
    out = pd.DataFrame(
        {
            "family_id": pd.array(np.full(len(a), family_id, dtype=object), dtype="string"),
            "account_id": pd.array(book.account_ids.to_numpy()[a], dtype="string"),
            "account_name": pd.array(book.account_names[a], dtype="string"),
            "product_id": pd.array(book.product_ids.to_numpy()[p], dtype="string"),
            "product_name": pd.array(book.product_names[p], dtype="string"),
            "status": pd.array(np.where(owned, OWNED, GAP), dtype="string"),
            "_order": np.arange(len(a)),
        }
    )
    prio = gaps.loc[gaps["family_id"] == family_id, ["account_id", "product_id", "priority"]]
    out = out.merge(prio.astype({"account_id": "string", "product_id": "string"}), how="left")
    out.loc[out["status"] == OWNED, "priority"] = np.nan
    out = out.sort_values(["account_name", "account_id", "_order"], kind="stable")
    return out.reset_index(drop=True)[GRID_COLUMNS]


@shared_docs
def family_whitespace(gaps: pd.DataFrame) -> pd.DataFrame:
    """Total whitespace per family, from :func:`sibling_gaps`.

    ``whitespace_value`` is the sum of ``expected_value`` over the family's
    gaps (NaN values skipped): what the gaps are worth if every one closed
    at the product's typical purchase amount (one purchase per gap).
    ``priority_total`` is the sum of ``priority`` (probability-weighted
    value). ``accounts_with_gaps`` counts distinct accounts with a gap.

    Parameters
    ----------
    {ws_gaps}

    Returns
    -------
    DataFrame
        Columns :data:`FAMILY_WHITESPACE_COLUMNS`, one row per family with at
        least one gap, sorted by whitespace_value descending then family_id.
    """
    require_frame(gaps, "gaps")
    if gaps.empty:
        return empty(FAMILY_WHITESPACE_COLUMNS)
    out = (
        gaps.groupby("family_id", sort=True)
        .agg(
            family_name=("family_name", "first"),
            family_members=("family_members", "first"),
            accounts_with_gaps=("account_id", "nunique"),
            gaps=("account_id", "size"),
            whitespace_value=("expected_value", "sum"),
            priority_total=("priority", "sum"),
        )
        .reset_index()
    )
    out = out.sort_values(["whitespace_value", "family_id"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[FAMILY_WHITESPACE_COLUMNS]


@shared_docs
def product_whitespace(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    gaps: pd.DataFrame,
    tree: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Whole-book view per product: adoption and whitespace across all families.

    ``owners`` counts accounts owning the product, ``book_adoption = owners /
    accounts``, ``families_with_gaps``/``gaps`` count families and gap rows
    in ``gaps``, ``expected_value`` is the product's expected value (its
    median purchase amount, or list price as fallback), and
    ``whitespace_value``/``priority_total`` sum ``expected_value``/``priority``
    over its gaps. Every catalogue product has a row (zeros when it has no
    gaps).

    Parameters
    ----------
    {ws_tables}
    {as_of}
    {ws_gaps}
    {ws_tree}

    Returns
    -------
    DataFrame
        Columns :data:`PRODUCT_WHITESPACE_COLUMNS`, sorted by whitespace_value
        descending then product_id.
    """
    check_tables(accounts, purchases, products)
    require_frame(gaps, "gaps")
    book = Book(accounts, purchases, products, as_of=as_of, tree=tree)
    return products_from_book(book, gaps=gaps)


def _per_product(gaps: pd.DataFrame) -> pd.DataFrame:
    """Gap counts and sums per product_id (no rows when there are no gaps)."""
    if gaps.empty:
        return pd.DataFrame(
            {
                "product_id": pd.Series([], dtype="string"),
                "families_with_gaps": pd.Series([], dtype="int64"),
                "gaps": pd.Series([], dtype="int64"),
                "whitespace_value": pd.Series([], dtype="float64"),
                "priority_total": pd.Series([], dtype="float64"),
            }
        )
    return (
        gaps.groupby("product_id", sort=False)
        .agg(
            families_with_gaps=("family_id", "nunique"),
            gaps=("account_id", "size"),
            whitespace_value=("expected_value", "sum"),
            priority_total=("priority", "sum"),
        )
        .reset_index()
        .astype({"product_id": "string"})
    )


def products_from_book(book: Book, *, gaps: pd.DataFrame) -> pd.DataFrame:
    """:func:`product_whitespace` of an already built :class:`Book`."""
    out = pd.DataFrame(
        {
            "product_id": pd.array(book.product_ids.to_numpy(), dtype="string"),
            "product_name": pd.array(book.product_names, dtype="string"),
            "product_family": pd.array(book.product_family, dtype="string"),
            "owners": book.product_owners.astype(np.int64),
            "book_adoption": book.book_adoption.astype("float64"),
            "expected_value": book.expected_value.astype("float64"),
        }
    )
    out = out.merge(_per_product(gaps), on="product_id", how="left")
    out = out.fillna({"families_with_gaps": 0, "gaps": 0, "whitespace_value": 0.0})
    out = out.fillna({"priority_total": 0.0})
    out = out.astype({"families_with_gaps": "int64", "gaps": "int64"})
    out = out.sort_values(
        ["whitespace_value", "product_id"], ascending=[False, True], kind="stable"
    )
    return out.reset_index(drop=True)[PRODUCT_WHITESPACE_COLUMNS]

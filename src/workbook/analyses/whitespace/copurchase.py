"""Co-purchase lift: which products are owned together, from a sparse ``X.T @ X``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from workbook.core.docs import shared_docs

from .book import Book, check_tables, empty
from .columns import LIFT_COLUMNS

__all__ = ["co_purchase_lift"]


@shared_docs
def co_purchase_lift(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    min_pair_owners: int = 1,
) -> pd.DataFrame:
    """Association between owning product A and owning product B.

    Customers are the accounts (in ``accounts``) owning at least one
    catalogue product on ``as_of``; ``N`` is their number. For each ordered
    pair A != B with ``owners_both >= min_pair_owners``:
    ``support = owners_both / N``, ``confidence = owners_both / owners_a``
    (P(B | A)), ``lift = confidence / (owners_b / N)`` (P(B | A) / P(B)):
    owners of A own B ``lift`` times as often as the average customer. Both
    directions are listed (lift is symmetric, confidence is not).

    Parameters
    ----------
    {ws_tables}
    {as_of}
    min_pair_owners : int, default 1
        Least number of customers owning both products of a pair listed
        (values below 1 count as 1).

    Returns
    -------
    DataFrame
        Columns :data:`LIFT_COLUMNS`, sorted by lift descending, then
        owners_both descending, product_a, product_b.
    """
    check_tables(accounts, purchases, products)
    book = Book(accounts, purchases, products, as_of=as_of)
    return lift_from_book(book, min_pair_owners=min_pair_owners)


def lift_from_book(book: Book, *, min_pair_owners: int = 1) -> pd.DataFrame:
    """:func:`co_purchase_lift` of an already built :class:`Book`."""
    if len(book.owned_key) == 0:
        return empty(LIFT_COLUMNS)
    x = sp.csr_matrix(
        (np.ones(len(book.owned_a), dtype=np.int64), (book.owned_a, book.owned_p)),
        shape=(book.n_accounts, book.n_products),
    )
    customers = int(np.count_nonzero(np.diff(x.indptr)))
    both = (x.T @ x).tocoo()
    owners = np.asarray(x.sum(axis=0)).ravel()
    pa, pb, n_both = both.row, both.col, both.data
    keep = (pa != pb) & (n_both >= max(int(min_pair_owners), 1))
    pa, pb, n_both = pa[keep], pb[keep], n_both[keep].astype(np.int64)
    confidence = n_both / owners[pa]
    out = pd.DataFrame(
        {
            "product_a": pd.array(book.product_ids.to_numpy()[pa], dtype="string"),
            "product_b": pd.array(book.product_ids.to_numpy()[pb], dtype="string"),
            "name_a": pd.array(book.product_names[pa], dtype="string"),
            "name_b": pd.array(book.product_names[pb], dtype="string"),
            "owners_a": owners[pa].astype(np.int64),
            "owners_b": owners[pb].astype(np.int64),
            "owners_both": n_both,
            "customers": np.full(len(pa), customers, dtype=np.int64),
            "support": n_both / customers,
            "confidence": confidence,
            "lift": confidence / (owners[pb] / customers),
        }
    )
    out = out.sort_values(
        ["lift", "owners_both", "product_a", "product_b"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return out.reset_index(drop=True)[LIFT_COLUMNS]

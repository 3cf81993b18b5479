"""Peer whitespace: products an account without family gaps lacks while its industry owns them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

from .book import Book, check_tables, empty, ids
from .columns import DEFAULT_MIN_PEER_ADOPTION, PEER_COLUMNS

__all__ = ["peer_whitespace"]


@shared_docs
def peer_whitespace(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    gaps: pd.DataFrame,
    tree: pd.DataFrame | None = None,
    min_peer_adoption: float = DEFAULT_MIN_PEER_ADOPTION,
) -> pd.DataFrame:
    """Products an account lacks that its industry peers widely own.

    Only accounts with **no** sibling gap (no row in ``gaps``) and a
    non-missing industry are considered, e.g. standalone accounts and
    families that own the same products throughout. A row is an (account,
    product) pair the account does not own where ``peer_adoption >=
    min_peer_adoption`` (inclusive); peer adoption is defined as in
    :func:`sibling_gaps` (all accounts of the industry, the account
    included, in the denominator). ``peer_value = peer_adoption *
    expected_value``.

    Parameters
    ----------
    {ws_tables}
    {as_of}
    {ws_gaps}
    {ws_tree}
    min_peer_adoption : float, default 0.3
        Least share of the industry owning a product, in [0, 1] (inclusive).

    Returns
    -------
    DataFrame
        Columns :data:`PEER_COLUMNS`, sorted by peer_value descending (NaN
        last), then account_id, product_id.

    Raises
    ------
    ValueError
        ``min_peer_adoption`` outside [0, 1].
    """
    if not 0 <= min_peer_adoption <= 1:
        raise ValueError(f"min_peer_adoption must be between 0 and 1, got {min_peer_adoption!r}")
    check_tables(accounts, purchases, products)
    require_frame(gaps, "gaps", ["account_id"])
    book = Book(accounts, purchases, products, as_of=as_of, tree=tree)
    return peers_from_book(book, gaps=gaps, min_peer_adoption=min_peer_adoption)


def _candidates(book: Book, gaps: pd.DataFrame, min_peer_adoption: float) -> pd.DataFrame:
    """Coded (a, p) of eligible accounts x products above the threshold, not owned."""
    rate = book.industry_owners / np.maximum(book.industry_size, 1)[:, None]
    ind_hi, p_hi = np.nonzero(rate >= min_peer_adoption)
    high = pd.DataFrame({"ind": ind_hi, "p": p_hi})
    with_gap = book.account_index.get_indexer(ids(gaps["account_id"]).dropna().unique())
    eligible = np.ones(book.n_accounts, dtype=bool)
    eligible[with_gap[with_gap >= 0]] = False
    eligible &= book.industry_code >= 0
    cand_acc = pd.DataFrame({"a": np.flatnonzero(eligible), "ind": book.industry_code[eligible]})
    cand = cand_acc.merge(high, on="ind", how="inner")
    a = cand["a"].to_numpy(dtype=np.int64)
    p = cand["p"].to_numpy(dtype=np.int64)
    keep = ~np.isin(a * book.width + p, book.owned_key)
    return pd.DataFrame({"a": a[keep], "p": p[keep]})


def peers_from_book(book: Book, *, gaps: pd.DataFrame, min_peer_adoption: float) -> pd.DataFrame:
    """:func:`peer_whitespace` of an already built :class:`Book`."""
    if len(book.industry_labels) == 0 or book.n_products == 0:
        return empty(PEER_COLUMNS)
    cand = _candidates(book, gaps, min_peer_adoption)
    if len(cand) == 0:
        return empty(PEER_COLUMNS)
    a, p = cand["a"].to_numpy(), cand["p"].to_numpy()
    peer, size = book.peer_adoption(a, p)
    ind = book.industry_code[a]
    ev = book.expected_value[p]
    value = peer * ev
    # sort_values(["peer_value", "account_id", "product_id"], ascending=[False, True, True],
    # na_position="last") on codes: the ids by their ranks (text order, missing last),
    # -peer_value with NaN last; (a, p) pairs are unique.
    order = np.lexsort((book.id_ranks("products")[p], book.id_ranks("accounts")[a], -value))
    a, p, ind = a[order], p[order], ind[order]
    out = pd.DataFrame(
        {
            "account_id": book.text("account_ids", a),
            "account_name": book.text("account_names", a),
            "family_id": book.text("account_ids", book.root[a]),
            "owner_id": book.text("owner_ids", a),
            "industry": book.text("industry", a),
            "product_id": book.text("product_ids", p),
            "product_name": book.text("product_names", p),
            "industry_accounts": size[order],
            "industry_owners": book.industry_owners[ind, p].astype(np.int64),
            "peer_adoption": peer[order],
            "expected_value": ev[order],
            "peer_value": value[order],
        }
    )
    return out[PEER_COLUMNS]

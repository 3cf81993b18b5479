"""Co-purchase lift: which products are owned together, from a sparse ``X.T @ X``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from statsmodels.stats.multitest import multipletests

from workbook.core.docs import shared_docs
from workbook.core.stats import fisher_exact_pvalues, mantel_haenszel

from .book import Book, check_tables, empty
from .columns import LIFT_COLUMNS

__all__ = ["SIGNIFICANCE_LEVEL", "co_purchase_lift", "pair_tables"]

#: Benjamini-Hochberg q below which a pair is significant.
SIGNIFICANCE_LEVEL = 0.05


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

    Significance, one test per unordered pair listed: the 2 x 2 table of
    "owns A" x "owns B" among customers, one table per industry (a missing
    industry is its own stratum), gives the Mantel-Haenszel pooled odds ratio
    ``mh_odds_ratio`` with its 95% CI (``mh_low``, ``mh_high``) and the
    Cochran-Mantel-Haenszel p-value ``cmh_p`` (statsmodels
    ``StratifiedTable``, ``test_null_odds(correction=False)``); ``q_value``
    is the Benjamini-Hochberg q over the ``cmh_p`` of the listed pairs
    (statsmodels ``multipletests(method="fdr_bh")``); ``significant`` is
    ``q_value < 0.05`` (the statsmodels computations run on all pairs at
    once: :func:`workbook.core.stats.mantel_haenszel`). ``fisher_p`` is the two-sided Fisher exact p of the
    unstratified table, for reference beside ``lift``.

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


def lift_from_book(book: Book, *, min_pair_owners: int = 1, fisher: bool = True) -> pd.DataFrame:
    """:func:`co_purchase_lift` of an already built :class:`Book`.

    ``fisher=False`` leaves ``fisher_p`` missing (NaN): the exact test of
    large tables is the slow part, and the purchase model's co-ownership
    feature reads only ``mh_odds_ratio`` and ``significant``.
    """
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
            "lo": np.minimum(pa, pb),
            "hi": np.maximum(pa, pb),
        }
    )
    out = out.sort_values(
        ["lift", "owners_both", "product_a", "product_b"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    out = out.reset_index(drop=True)
    return _with_significance(out, book, x, fisher=fisher)


def pair_tables(x, strata: np.ndarray, pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
    """Stratified 2 x 2 tables of "owns A" x "owns B", shape ``(pairs, 2, 2, strata)``.

    ``x`` is the sparse customers x products ownership matrix (customers
    only), ``strata`` the stratum code (``0..K-1``) of each of its rows.
    Cell ``[i, 0, 0, s]`` counts customers of stratum ``s`` owning both
    products of pair ``i``, ``[i, 0, 1, s]`` A only, ``[i, 1, 0, s]`` B only,
    ``[i, 1, 1, s]`` neither.
    """
    n_strata = int(strata.max()) + 1 if len(strata) else 0
    out = np.zeros((len(pa), 2, 2, n_strata), dtype="float64")
    for s in range(n_strata):  # strata are industries: a handful, not rows
        xs = x[strata == s]
        both = (xs.T @ xs).toarray()
        owners = np.diag(both)
        total = xs.shape[0]
        n11 = both[pa, pb]
        out[:, 0, 0, s] = n11
        out[:, 0, 1, s] = owners[pa] - n11
        out[:, 1, 0, s] = owners[pb] - n11
        out[:, 1, 1, s] = total - owners[pa] - owners[pb] + n11
    return out


def _with_significance(out: pd.DataFrame, book: Book, x, *, fisher: bool = True) -> pd.DataFrame:
    """Add the MH odds ratio, CMH p, BH q and Fisher p columns (one test per unordered pair)."""
    cols = ["mh_odds_ratio", "mh_low", "mh_high", "cmh_p", "q_value", "fisher_p"]
    if out.empty:
        for c in cols:
            out[c] = pd.Series([], dtype="float64")
        out["significant"] = pd.Series([], dtype="bool")
        return out[LIFT_COLUMNS]
    customers = np.flatnonzero(np.diff(x.indptr))
    xc = x[customers]
    strata = pd.factorize(book.industry_code[customers])[0]
    pairs = out[["lo", "hi"]].drop_duplicates().reset_index(drop=True)
    tables = pair_tables(xc, strata, pairs["lo"].to_numpy(), pairs["hi"].to_numpy())
    # One StratifiedTable per pair, on the strata with at least two customers, all pairs at once.
    mh = mantel_haenszel(tables, tables.sum(axis=(1, 2)) >= 2)
    pairs["mh_odds_ratio"], pairs["mh_low"], pairs["mh_high"] = mh.odds_ratio, mh.low, mh.high
    pairs["cmh_p"] = mh.pvalue
    # The unstratified tables' Fisher p, every pair at once (scipy's test, vectorised).
    pairs["fisher_p"] = fisher_exact_pvalues(tables.sum(axis=3)) if fisher else np.nan
    pairs["q_value"] = np.nan
    ok = pairs["cmh_p"].notna().to_numpy()
    if ok.any():
        pairs.loc[ok, "q_value"] = multipletests(pairs.loc[ok, "cmh_p"], method="fdr_bh")[1]
    out = out.merge(pairs, on=["lo", "hi"], how="left", sort=False)
    out["significant"] = (out["q_value"] < SIGNIFICANCE_LEVEL).to_numpy(dtype=bool)
    return out[LIFT_COLUMNS]

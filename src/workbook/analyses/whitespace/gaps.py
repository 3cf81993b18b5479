"""Sibling gaps: products a family member lacks while another member owns them, ranked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.docs import shared_docs

from .book import Book, check_tables, empty
from .columns import (
    DEFAULT_PRIOR_STRENGTH,
    DEFAULT_SIBLING_WEIGHT,
    GAP_COLUMNS,
    GAP_EXTRA_COLUMNS,
)

__all__ = ["sibling_gaps", "smoothed_rate"]


def check_weights(prior_strength: float, sibling_weight: float) -> None:
    """``ValueError`` unless ``prior_strength >= 0`` and ``0 <= sibling_weight <= 1``."""
    if not prior_strength >= 0:
        raise ValueError(f"prior_strength must be >= 0, got {prior_strength!r}")
    if not 0 <= sibling_weight <= 1:
        raise ValueError(f"sibling_weight must be between 0 and 1, got {sibling_weight!r}")


def smoothed_rate(successes, trials, *, prior_mean, prior_strength=DEFAULT_PRIOR_STRENGTH):
    """Beta-binomial (add-``a``) shrunken rate ``(k + a*p0) / (n + a)``.

    Parameters
    ----------
    successes, trials : array-like
        ``k`` and ``n``.
    prior_mean : array-like
        ``p0``, the rate shrunk towards.
    prior_strength : float, default 2.0
        ``a``, in pseudo-trials.

    Returns
    -------
    ndarray
        The rate; NaN where ``n + a`` is 0 (``n = 0`` and ``a = 0``).
    """
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    p0 = np.asarray(prior_mean, dtype="float64")
    den = n + prior_strength
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (k + prior_strength * p0) / np.where(den > 0, den, 1), np.nan)


@shared_docs
def sibling_gaps(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame | None = None,
    prior_strength: float | None = DEFAULT_PRIOR_STRENGTH,
    sibling_weight: float = DEFAULT_SIBLING_WEIGHT,
) -> pd.DataFrame:
    """Every sibling gap with its ranking score, one row per gap.

    Definitions are in the package docstring (ownership, family, sibling gap,
    peer adoption, expected value, priority).

    Parameters
    ----------
    {ws_tables}
    {as_of}
    {ws_tree}
    prior_strength : float or None, default 2.0
        ``a`` in ``sibling_rate = (siblings_owning + a*p0) / (family_members - 1 + a)``.
        ``None`` uses the empirical-Bayes ``kappa`` of the book's family x
        product cells (:func:`~workbook.analyses.whitespace.shrinkage.fit_kappa`,
        0 when it cannot be estimated), which is what the report does.
    sibling_weight : float, default 0.5
        ``w`` in ``likelihood = w*sibling_rate + (1-w)*peer``.

    Returns
    -------
    DataFrame
        Columns :data:`GAP_COLUMNS` then :data:`GAP_EXTRA_COLUMNS`, sorted by
        priority (descending, NaN last), then family_id, account_id,
        product_id.

    Raises
    ------
    ValueError
        ``prior_strength < 0`` or ``sibling_weight`` outside [0, 1].
    """
    if prior_strength is not None:
        check_weights(prior_strength, sibling_weight)
    check_tables(accounts, purchases, products)
    book = Book(accounts, purchases, products, as_of=as_of, tree=tree)
    if prior_strength is None:
        from .propensity import shrinkage_of

        kappa = shrinkage_of(book).family.kappa
        prior_strength = float(kappa) if np.isfinite(kappa) else 0.0
        check_weights(prior_strength, sibling_weight)
    return gaps_from_book(book, prior_strength=prior_strength, sibling_weight=sibling_weight)


def _candidates(book: Book) -> pd.DataFrame:
    """Coded (a, p, root, owning) of every member lacking a product owned in its family.

    :func:`~workbook.analyses.whitespace.relational.gap_set`, run by the
    book's engine over its members, family products and owned pairs.
    """
    from . import relational

    big = book.family_size > 1
    members = pd.DataFrame(
        {"a": np.flatnonzero(big).astype(np.int64), "root": book.root[big].astype(np.int64)}
    )
    fam = book.family_products()
    owned = pd.DataFrame({"a": book.owned_a, "p": book.owned_p})
    eng = book.engine
    found = eng.arrow(
        relational.gap_set(
            eng.table(members, "members"), eng.table(fam, "family_products"), eng.table(owned, "owned")
        )
    )
    del members, fam, owned  # registered until the query ran
    return pd.DataFrame({c: found.column(c).to_numpy().astype(np.int64) for c in found.column_names})


def gaps_from_book(book: Book, *, prior_strength: float, sibling_weight: float) -> pd.DataFrame:
    """Sibling gaps of an already built :class:`Book` (see :func:`sibling_gaps`)."""
    cols = GAP_COLUMNS + GAP_EXTRA_COLUMNS
    cand = _candidates(book)
    if len(cand) == 0:
        return empty(cols)
    a, p = cand["a"].to_numpy(), cand["p"].to_numpy()
    root, owning = cand["root"].to_numpy(), cand["owning"].to_numpy()
    size = book.family_size[a].astype(np.int64)
    peer, ind_size = book.peer_adoption(a, p)
    p0 = book.book_adoption[p]
    rate = smoothed_rate(owning, size - 1, prior_mean=p0, prior_strength=prior_strength)
    peer_or_book = np.where(np.isnan(peer), p0, peer)
    likelihood = sibling_weight * rate + (1 - sibling_weight) * peer_or_book
    ev = book.expected_value[p]
    priority = likelihood * ev
    # sort_values(["priority", "family_id", "account_id", "product_id"], ascending=
    # [False, True, True, True], na_position="last") on codes: the ids by their ranks
    # (text order, missing last), -priority with NaN last; (a, p) pairs are unique.
    ranks = book.id_ranks("accounts")
    order = np.lexsort((book.id_ranks("products")[p], ranks[a], ranks[root], -priority))
    a, p, root = a[order], p[order], root[order]
    out = pd.DataFrame(
        {
            "family_id": book.text("account_ids", root),
            "account_id": book.text("account_ids", a),
            "product_id": book.text("product_ids", p),
            "siblings_owning": owning[order],
            "family_members": size[order],
            "peer_adoption": peer[order],
            "expected_value": ev[order],
            "priority": priority[order],
            "account_name": book.text("account_names", a),
            "product_name": book.text("product_names", p),
            "family_name": book.text("account_names", root),
            "owner_id": book.text("owner_ids", a),
            "industry": book.text("industry", a),
            "industry_accounts": ind_size[order],
            "book_adoption": p0[order],
            "sibling_rate": rate[order],
            "likelihood": likelihood[order],
            "value_source": book.text("value_source", p),
        }
    )
    return out[cols]

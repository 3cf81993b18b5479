"""Whitespace: products a family member lacks while its siblings and peers own them.

Every function here is pure: DataFrames in, DataFrames out, ``as_of`` always
passed in. The definitions below are the ones the report documents
(``docs/reports/whitespace.md``) and the tests check.

Definitions
-----------
Ownership
    An account owns a product when at least one ``purchases`` row links the
    two with ``purchased_at`` on or before the ``as_of`` day (the day is
    inclusive: ``purchased_at < as_of_end(as_of)``, see
    :func:`workbook.core.links.as_of_end`). Repeated rows for the same pair count
    once. Rows with a missing ``account_id``, ``product_id`` or
    ``purchased_at``, rows dated after ``as_of``, and (in the analyses that
    need the catalogue and the account list) rows naming an account or
    product that is not in those tables are left out and counted by
    :func:`purchase_exclusions`.
Family
    The ultimate parent with all its members, from
    :func:`workbook.core.families.ultimate_parents` (the hierarchy report's rules).
    ``family_id`` is the root's ``account_id``; ``family_members`` is the
    family's size.
Sibling gap
    An (account, product) pair where the account does not own the product and
    at least one *other* member of its family does. ``siblings_owning`` is the
    number of other members owning it (every owner in the family, since the
    gap account is not one). A single-account family has no sibling gaps.
Book adoption ``p0``
    Owners of the product divided by all accounts in ``accounts``.
Peer adoption
    Among all accounts (every family) with the same non-missing ``industry``
    as the gap account, the share that own the product. The denominator
    counts every account of that industry, the gap account included. A
    missing or blank industry has no peer group: ``peer_adoption`` is NaN.
Expected value
    The typical purchase amount of the product among its owners: the median
    of ``amount`` over the product's purchase rows kept for ownership (on or
    before ``as_of``, exact duplicate rows counted once, rows naming an
    account or product missing from their tables left out), ignoring rows
    whose amount is missing and using negative amounts as given. Each row is
    one purchase, so an owner with a purchase and a renewal contributes two
    values (not its total). When no row of the product has an amount it
    falls back to the product's ``list_price`` (the catalogue holds one row
    per product, so the "median list price" is that price), also a single
    purchase. When both are missing it is NaN. ``value_source`` says which
    applied: ``"purchases"``, ``"list_price"`` or ``"none"``.
Priority
    ``sibling_rate = (siblings_owning + a * p0) / (family_members - 1 + a)``,
    the sibling adoption rate shrunk towards the product's book adoption
    ``p0`` with prior strength ``a`` (a Beta(a*p0, a*(1-p0)) prior on the
    rate, i.e. add-``a`` smoothing). ``likelihood = w * sibling_rate +
    (1 - w) * peer`` where ``peer`` is ``peer_adoption`` or ``p0`` when the
    industry is missing and ``w = sibling_weight`` (0.5). ``priority =
    likelihood * expected_value``: the probability-weighted value of the
    pitch, in the currency of the amounts. It is NaN when the expected value
    is NaN; such gaps sort last.

Scale
-----
Nothing builds the full account x product cross product. Owned pairs are
integer-coded; gaps are "members x products owned somewhere in their
family" minus the owned pairs (grouped merges), peer whitespace is "accounts x
products above the adoption threshold in their industry" minus owned pairs,
and co-purchase counts are a ``scipy.sparse`` product ``X.T @ X``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from workbook.analyses.hierarchy import default_period, family_revenue, money
from workbook.core.calendar import as_of_end
from workbook.core.families import ultimate_parents

#: Contract columns of gaps.csv, in order (extras follow them).
GAP_COLUMNS = [
    "family_id",
    "account_id",
    "product_id",
    "siblings_owning",
    "family_members",
    "peer_adoption",
    "expected_value",
    "priority",
]
#: Extra columns of :func:`sibling_gaps`, after :data:`GAP_COLUMNS`.
GAP_EXTRA_COLUMNS = [
    "account_name",
    "product_name",
    "family_name",
    "owner_id",
    "industry",
    "industry_accounts",
    "book_adoption",
    "sibling_rate",
    "likelihood",
    "value_source",
]
OWNERSHIP_COLUMNS = [
    "account_id",
    "product_id",
    "first_purchased_at",
    "last_purchased_at",
    "purchase_rows",
    "amount",
]
EXCLUSION_COLUMNS = ["reason", "effect", "rows", "description"]
FAMILY_MATRIX_COLUMNS = [
    "family_id",
    "family_name",
    "product_id",
    "product_name",
    "product_family",
    "family_members",
    "owners",
    "gaps",
    "owner_share",
]
PEER_COLUMNS = [
    "account_id",
    "account_name",
    "family_id",
    "owner_id",
    "industry",
    "product_id",
    "product_name",
    "industry_accounts",
    "industry_owners",
    "peer_adoption",
    "expected_value",
    "peer_value",
]
LIFT_COLUMNS = [
    "product_a",
    "product_b",
    "name_a",
    "name_b",
    "owners_a",
    "owners_b",
    "owners_both",
    "customers",
    "support",
    "confidence",
    "lift",
]
OWNER_GAP_COLUMNS = [
    "owner_id",
    "owner_name",
    "rank",
    "account_id",
    "account_name",
    "family_id",
    "family_name",
    "product_id",
    "product_name",
    "siblings_owning",
    "family_members",
    "peer_adoption",
    "expected_value",
    "priority",
]
FAMILY_WHITESPACE_COLUMNS = [
    "family_id",
    "family_name",
    "family_members",
    "accounts_with_gaps",
    "gaps",
    "whitespace_value",
    "priority_total",
]
PRODUCT_WHITESPACE_COLUMNS = [
    "product_id",
    "product_name",
    "product_family",
    "owners",
    "book_adoption",
    "families_with_gaps",
    "gaps",
    "expected_value",
    "whitespace_value",
    "priority_total",
]
GRID_COLUMNS = [
    "family_id",
    "account_id",
    "account_name",
    "product_id",
    "product_name",
    "status",
    "priority",
]

#: Default prior strength ``a`` of the sibling-rate smoothing.
DEFAULT_PRIOR_STRENGTH = 2.0
#: Default weight of the sibling rate in the likelihood (the rest is peer adoption).
DEFAULT_SIBLING_WEIGHT = 0.5
#: Default peer-adoption threshold of :func:`peer_whitespace`.
DEFAULT_MIN_PEER_ADOPTION = 0.3

OWNED = "owned"
GAP = "gap"


# --------------------------------------------------------------------------- helpers
def _ids(series: pd.Series) -> pd.Series:
    """Ids as strings with blanks turned into missing values."""
    out = series.astype("string").str.strip()
    return out.mask(out == "")


def _clean_purchases(purchases: pd.DataFrame, *, as_of) -> tuple[pd.DataFrame, dict[str, int]]:
    """In-window purchase rows with exact duplicates removed, plus drop counts."""
    frame = purchases.copy()
    frame["account_id"] = _ids(frame["account_id"])
    frame["product_id"] = _ids(frame["product_id"])
    if "amount" not in frame.columns:
        frame["amount"] = np.nan
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce").astype("float64")
    missing = (
        frame["account_id"].isna() | frame["product_id"].isna() | frame["purchased_at"].isna()
    ).to_numpy(dtype=bool)
    late = (~missing) & (frame["purchased_at"] >= as_of_end(as_of)).to_numpy(dtype=bool)
    kept = frame.loc[~missing & ~late]
    dup = kept.duplicated(keep="first").to_numpy(dtype=bool)
    kept = kept.loc[~dup]
    counts = {
        "missing_key": int(missing.sum()),
        "after_as_of": int(late.sum()),
        "duplicate_row": int(dup.sum()),
    }
    return kept, counts


def _owned_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby(["account_id", "product_id"], sort=True, observed=True)
    out = grouped.agg(
        first_purchased_at=("purchased_at", "min"),
        last_purchased_at=("purchased_at", "max"),
        purchase_rows=("purchased_at", "size"),
    )
    out["amount"] = grouped["amount"].sum(min_count=1)
    out = out.reset_index()
    out["purchase_rows"] = out["purchase_rows"].astype("int64")
    return out[OWNERSHIP_COLUMNS]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})


class _Book:
    """Integer-coded accounts, products and owned pairs shared by the analyses."""

    def __init__(self, accounts, purchases, products, *, as_of, tree=None):
        self.accounts = accounts.reset_index(drop=True)
        self.products = products.reset_index(drop=True)
        if tree is None:
            tree = ultimate_parents(self.accounts)
        tree = tree.set_index("account_id").reindex(_ids(self.accounts["account_id"]).to_numpy())
        self.account_ids = _ids(self.accounts["account_id"]).reset_index(drop=True)
        self.product_ids = _ids(self.products["product_id"]).reset_index(drop=True)
        self.account_index = pd.Index(self.account_ids)
        self.product_index = pd.Index(self.product_ids)
        self.n_accounts = len(self.account_ids)
        self.n_products = len(self.product_ids)
        self.root = self.account_index.get_indexer(tree["root_id"].astype("string").to_numpy())
        self.root = np.where(self.root < 0, np.arange(self.n_accounts), self.root)
        self.family_size = np.bincount(self.root, minlength=self.n_accounts)[self.root]
        self.account_names = self.accounts["name"].astype("string").to_numpy()
        self.product_names = self.products["name"].astype("string").to_numpy()
        self.owner_ids = (
            _ids(self.accounts["owner_id"]).to_numpy()
            if "owner_id" in self.accounts.columns
            else np.full(self.n_accounts, pd.NA, dtype=object)
        )
        industry = (
            _ids(self.accounts["industry"])
            if "industry" in self.accounts.columns
            else pd.Series(pd.NA, index=range(self.n_accounts), dtype="string")
        )
        self.industry = industry.to_numpy()
        ind_codes, ind_labels = pd.factorize(industry, use_na_sentinel=True)
        self.industry_code = ind_codes.astype(np.int64)
        self.industry_labels = ind_labels
        self.industry_size = np.bincount(
            self.industry_code[self.industry_code >= 0], minlength=len(ind_labels)
        )
        self.product_family = (
            self.products["family"].astype("string").to_numpy()
            if "family" in self.products.columns
            else np.full(self.n_products, pd.NA, dtype=object)
        )

        rows, counts = _clean_purchases(purchases, as_of=as_of)
        a = self.account_index.get_indexer(rows["account_id"].to_numpy())
        p = self.product_index.get_indexer(rows["product_id"].to_numpy())
        unknown_account = a < 0
        unknown_product = (p < 0) & ~unknown_account
        counts["unknown_account"] = int(unknown_account.sum())
        counts["unknown_product"] = int(unknown_product.sum())
        known = ~unknown_account & ~unknown_product
        rows = rows.loc[known]
        a, p = a[known], p[known]
        key = a.astype(np.int64) * max(self.n_products, 1) + p
        uniq_key, first_pos = np.unique(key, return_index=True)
        counts["repeat_purchase"] = int(len(key) - len(uniq_key))
        self.counts = counts
        self.owned_key = uniq_key
        self.owned_a = (uniq_key // max(self.n_products, 1)).astype(np.int64)
        self.owned_p = (uniq_key % max(self.n_products, 1)).astype(np.int64)
        del first_pos

        # Expected value: median purchase amount per product over the kept rows
        # (one value per purchase row; NaN amounts skipped by the median).
        amounts = pd.DataFrame({"p": p, "amount": rows["amount"].to_numpy(dtype="float64")})
        median = amounts.groupby("p", sort=True)["amount"].median().dropna()
        ev = np.full(self.n_products, np.nan)
        ev[median.index.to_numpy(dtype=np.int64)] = median.to_numpy(dtype="float64")
        list_price = (
            pd.to_numeric(self.products["list_price"], errors="coerce").to_numpy(dtype="float64")
            if "list_price" in self.products.columns
            else np.full(self.n_products, np.nan)
        )
        source = np.where(
            ~np.isnan(ev), "purchases", np.where(~np.isnan(list_price), "list_price", "none")
        )
        self.expected_value = np.where(np.isnan(ev), list_price, ev)
        self.value_source = source

        self.product_owners = np.bincount(self.owned_p, minlength=self.n_products)
        self.book_adoption = self.product_owners / max(self.n_accounts, 1)

        # Industry x product owner counts (small: industries x products).
        ind_of_owned = self.industry_code[self.owned_a]
        has_ind = ind_of_owned >= 0
        n_ind = len(self.industry_labels)
        self.industry_owners = np.bincount(
            ind_of_owned[has_ind] * max(self.n_products, 1) + self.owned_p[has_ind],
            minlength=n_ind * max(self.n_products, 1),
        ).reshape(n_ind, max(self.n_products, 1))

    # -- lookups ------------------------------------------------------------
    def peer_adoption(self, a: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Peer adoption and industry size for coded (account, product) pairs."""
        ind = self.industry_code[a]
        has = ind >= 0
        if self.industry_owners.shape[0] == 0:
            return np.full(len(a), np.nan), np.zeros(len(a), dtype=np.int64)
        safe = np.where(has, ind, 0)
        size = np.where(has, self.industry_size[safe], 0)
        owners = np.where(has, self.industry_owners[safe, p], 0)
        rate = np.where(has & (size > 0), owners / np.where(size > 0, size, 1), np.nan)
        return rate.astype("float64"), size.astype(np.int64)

    def family_products(self) -> pd.DataFrame:
        """Coded (root, product, owners) for every pair owned somewhere in a family."""
        fam_key = self.root[self.owned_a].astype(np.int64) * max(self.n_products, 1) + self.owned_p
        keys, owners = np.unique(fam_key, return_counts=True)
        return pd.DataFrame(
            {
                "root": keys // max(self.n_products, 1),
                "p": keys % max(self.n_products, 1),
                "owners": owners.astype(np.int64),
            }
        )


def _check_params(prior_strength: float, sibling_weight: float) -> None:
    if not prior_strength >= 0:
        raise ValueError(f"prior_strength must be >= 0, got {prior_strength!r}")
    if not 0 <= sibling_weight <= 1:
        raise ValueError(f"sibling_weight must be between 0 and 1, got {sibling_weight!r}")


# --------------------------------------------------------------------------- ownership
def ownership(purchases: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Distinct (account, product) pairs owned on ``as_of``.

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases`` (``account_id``, ``product_id``,
        ``purchased_at``, optional ``amount``).
    as_of : date-like
        Observation end day, inclusive: rows with ``purchased_at`` strictly
        after that calendar day are ignored.

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
    rows, _ = _clean_purchases(purchases, as_of=as_of)
    if rows.empty:
        return _empty(OWNERSHIP_COLUMNS)
    return _owned_pairs(rows).reset_index(drop=True)


_EXCLUSION_TEXT = {
    "missing_key": ("excluded", "account_id, product_id or purchased_at is missing"),
    "after_as_of": ("excluded", "purchased_at is after the as_of day"),
    "duplicate_row": ("excluded", "identical in every column to an earlier row (counted once)"),
    "unknown_account": ("excluded", "account_id is not in the accounts table"),
    "unknown_product": ("excluded", "product_id is not in the products table"),
    "repeat_purchase": (
        "collapsed",
        "another purchase of a pair already owned: ownership counts once, its amount "
        "is still one purchase in the product's median purchase amount",
    ),
}


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

    Returns
    -------
    DataFrame
        Columns ``reason, effect, rows, description``, one row per reason
        (zero counts included).
    """
    if accounts is not None and products is not None:
        counts = _Book(accounts, purchases, products, as_of=as_of).counts
    else:
        rows, counts = _clean_purchases(purchases, as_of=as_of)
        counts["unknown_account"] = 0
        counts["unknown_product"] = 0
        if accounts is not None:
            known = rows["account_id"].isin(_ids(accounts["account_id"]).dropna())
            counts["unknown_account"] = int((~known).sum())
            rows = rows.loc[known]
        if products is not None:
            known = rows["product_id"].isin(_ids(products["product_id"]).dropna())
            counts["unknown_product"] = int((~known).sum())
            rows = rows.loc[known]
        counts["repeat_purchase"] = int(
            len(rows) - len(rows[["account_id", "product_id"]].drop_duplicates())
        )
    return pd.DataFrame(
        {
            "reason": list(_EXCLUSION_TEXT),
            "effect": [_EXCLUSION_TEXT[r][0] for r in _EXCLUSION_TEXT],
            "rows": [int(counts[r]) for r in _EXCLUSION_TEXT],
            "description": [_EXCLUSION_TEXT[r][1] for r in _EXCLUSION_TEXT],
        }
    )


# --------------------------------------------------------------------------- sibling gaps
def smoothed_rate(successes, trials, *, prior_mean, prior_strength=DEFAULT_PRIOR_STRENGTH):
    """Beta-binomial (add-``a``) shrunken rate ``(k + a*p0) / (n + a)``.

    With ``n = 0`` and ``a = 0`` the rate is NaN.
    """
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    p0 = np.asarray(prior_mean, dtype="float64")
    den = n + prior_strength
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (k + prior_strength * p0) / np.where(den > 0, den, 1), np.nan)


def sibling_gaps(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame | None = None,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    sibling_weight: float = DEFAULT_SIBLING_WEIGHT,
) -> pd.DataFrame:
    """Every sibling gap with its ranking score, one row per gap.

    Definitions are in the module docstring (ownership, family, sibling gap,
    peer adoption, expected value, priority).

    Parameters
    ----------
    accounts, purchases, products : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day (inclusive).
    tree : DataFrame, optional
        Output of :func:`workbook.core.families.ultimate_parents` for ``accounts``;
        computed when not given.
    prior_strength : float, default 2.0
        ``a`` in ``sibling_rate = (siblings_owning + a*p0) / (family_members - 1 + a)``.
    sibling_weight : float, default 0.5
        ``w`` in ``likelihood = w*sibling_rate + (1-w)*peer``.

    Returns
    -------
    DataFrame
        Columns :data:`GAP_COLUMNS` then :data:`GAP_EXTRA_COLUMNS`, sorted by
        priority (descending, NaN last), then family_id, account_id,
        product_id.
    """
    _check_params(prior_strength, sibling_weight)
    book = _Book(accounts, purchases, products, as_of=as_of, tree=tree)
    return _gaps(book, prior_strength=prior_strength, sibling_weight=sibling_weight)


def _gaps(book: _Book, *, prior_strength: float, sibling_weight: float) -> pd.DataFrame:
    cols = GAP_COLUMNS + GAP_EXTRA_COLUMNS
    fam = book.family_products()
    fam = fam.loc[book.family_size[fam["root"].to_numpy()] > 1]
    members = pd.DataFrame({"root": book.root, "a": np.arange(book.n_accounts)})
    members = members.loc[book.family_size > 1]
    cand = members.merge(fam, on="root", how="inner")
    a = cand["a"].to_numpy(dtype=np.int64)
    p = cand["p"].to_numpy(dtype=np.int64)
    key = a * max(book.n_products, 1) + p
    gap = ~np.isin(key, book.owned_key, assume_unique=False)
    a, p = a[gap], p[gap]
    root = cand["root"].to_numpy(dtype=np.int64)[gap]
    owning = cand["owners"].to_numpy(dtype=np.int64)[gap]
    if len(a) == 0:
        return _empty(cols)
    size = book.family_size[a].astype(np.int64)
    peer, ind_size = book.peer_adoption(a, p)
    p0 = book.book_adoption[p]
    rate = smoothed_rate(owning, size - 1, prior_mean=p0, prior_strength=prior_strength)
    peer_or_book = np.where(np.isnan(peer), p0, peer)
    likelihood = sibling_weight * rate + (1 - sibling_weight) * peer_or_book
    ev = book.expected_value[p]
    out = pd.DataFrame(
        {
            "family_id": book.account_ids.to_numpy()[root],
            "account_id": book.account_ids.to_numpy()[a],
            "product_id": book.product_ids.to_numpy()[p],
            "siblings_owning": owning,
            "family_members": size,
            "peer_adoption": peer,
            "expected_value": ev,
            "priority": likelihood * ev,
            "account_name": book.account_names[a],
            "product_name": book.product_names[p],
            "family_name": book.account_names[root],
            "owner_id": book.owner_ids[a],
            "industry": book.industry[a],
            "industry_accounts": ind_size,
            "book_adoption": p0,
            "sibling_rate": rate,
            "likelihood": likelihood,
            "value_source": book.value_source[p],
        }
    )
    for c in ["family_id", "account_id", "product_id", "account_name", "product_name"]:
        out[c] = out[c].astype("string")
    for c in ["family_name", "owner_id", "industry", "value_source"]:
        out[c] = out[c].astype("string")
    out = out.sort_values(
        ["priority", "family_id", "account_id", "product_id"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="stable",
    )
    return out.reset_index(drop=True)[cols]


# --------------------------------------------------------------------------- family views
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

    Returns
    -------
    DataFrame
        Columns :data:`FAMILY_MATRIX_COLUMNS`, sorted by family_id then
        product_id.
    """
    book = _Book(accounts, purchases, products, as_of=as_of, tree=tree)
    fam = book.family_products()
    if fam.empty:
        return _empty(FAMILY_MATRIX_COLUMNS)
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

    Returns
    -------
    DataFrame
        Columns :data:`GRID_COLUMNS`; empty when the family owns nothing.

    Raises
    ------
    KeyError
        When ``family_id`` is not a family root.
    """
    book = _Book(accounts, purchases, products, as_of=as_of, tree=tree)
    code = book.account_index.get_indexer([family_id])[0]
    if code < 0 or book.root[code] != code:
        raise KeyError(f"{family_id!r} is not the root account of a family")
    members = np.flatnonzero(book.root == code)
    in_family = book.root[book.owned_a] == code
    prod, n_own = np.unique(book.owned_p[in_family], return_counts=True)
    if len(prod) == 0:
        return _empty(GRID_COLUMNS)
    prod = prod[np.lexsort((book.product_ids.to_numpy()[prod].astype(str), -n_own))]
    a = np.repeat(members, len(prod))
    p = np.tile(prod, len(members))
    owned = np.isin(a.astype(np.int64) * max(book.n_products, 1) + p, book.owned_key)
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


def family_whitespace(gaps: pd.DataFrame) -> pd.DataFrame:
    """Total whitespace per family, from :func:`sibling_gaps`.

    ``whitespace_value`` is the sum of ``expected_value`` over the family's
    gaps (NaN values skipped): what the gaps are worth if every one closed
    at the product's typical purchase amount (one purchase per gap).
    ``priority_total`` is the sum of ``priority`` (probability-weighted
    value). ``accounts_with_gaps`` counts distinct accounts with a gap.

    Returns
    -------
    DataFrame
        Columns :data:`FAMILY_WHITESPACE_COLUMNS`, one row per family with at
        least one gap, sorted by whitespace_value descending then family_id.
    """
    if gaps.empty:
        return _empty(FAMILY_WHITESPACE_COLUMNS)
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

    Returns
    -------
    DataFrame
        Columns :data:`PRODUCT_WHITESPACE_COLUMNS`, sorted by whitespace_value
        descending then product_id.
    """
    book = _Book(accounts, purchases, products, as_of=as_of, tree=tree)
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
    if gaps.empty:
        per = pd.DataFrame(
            {
                "product_id": pd.Series([], dtype="string"),
                "families_with_gaps": pd.Series([], dtype="int64"),
                "gaps": pd.Series([], dtype="int64"),
                "whitespace_value": pd.Series([], dtype="float64"),
                "priority_total": pd.Series([], dtype="float64"),
            }
        )
    else:
        per = (
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
    out = out.merge(per, on="product_id", how="left")
    out = out.fillna({"families_with_gaps": 0, "gaps": 0, "whitespace_value": 0.0})
    out = out.fillna({"priority_total": 0.0})
    out = out.astype({"families_with_gaps": "int64", "gaps": "int64"})
    out = out.sort_values(
        ["whitespace_value", "product_id"], ascending=[False, True], kind="stable"
    )
    return out.reset_index(drop=True)[PRODUCT_WHITESPACE_COLUMNS]


# --------------------------------------------------------------------------- peers
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

    Returns
    -------
    DataFrame
        Columns :data:`PEER_COLUMNS`, sorted by peer_value descending (NaN
        last), then account_id, product_id.
    """
    if not 0 <= min_peer_adoption <= 1:
        raise ValueError(f"min_peer_adoption must be between 0 and 1, got {min_peer_adoption!r}")
    book = _Book(accounts, purchases, products, as_of=as_of, tree=tree)
    n_ind = len(book.industry_labels)
    if n_ind == 0 or book.n_products == 0:
        return _empty(PEER_COLUMNS)
    rate = book.industry_owners / np.maximum(book.industry_size, 1)[:, None]
    ind_hi, p_hi = np.nonzero(rate >= min_peer_adoption)
    high = pd.DataFrame({"ind": ind_hi, "p": p_hi})
    with_gap = book.account_index.get_indexer(_ids(gaps["account_id"]).dropna().unique())
    eligible = np.ones(book.n_accounts, dtype=bool)
    eligible[with_gap[with_gap >= 0]] = False
    eligible &= book.industry_code >= 0
    cand_acc = pd.DataFrame({"a": np.flatnonzero(eligible), "ind": book.industry_code[eligible]})
    cand = cand_acc.merge(high, on="ind", how="inner")
    a = cand["a"].to_numpy(dtype=np.int64)
    p = cand["p"].to_numpy(dtype=np.int64)
    keep = ~np.isin(a * book.n_products + p, book.owned_key)
    a, p = a[keep], p[keep]
    if len(a) == 0:
        return _empty(PEER_COLUMNS)
    peer, size = book.peer_adoption(a, p)
    ind = book.industry_code[a]
    ev = book.expected_value[p]
    out = pd.DataFrame(
        {
            "account_id": pd.array(book.account_ids.to_numpy()[a], dtype="string"),
            "account_name": pd.array(book.account_names[a], dtype="string"),
            "family_id": pd.array(book.account_ids.to_numpy()[book.root[a]], dtype="string"),
            "owner_id": pd.array(book.owner_ids[a], dtype="string"),
            "industry": pd.array(book.industry[a], dtype="string"),
            "product_id": pd.array(book.product_ids.to_numpy()[p], dtype="string"),
            "product_name": pd.array(book.product_names[p], dtype="string"),
            "industry_accounts": size,
            "industry_owners": book.industry_owners[ind, p].astype(np.int64),
            "peer_adoption": peer,
            "expected_value": ev,
            "peer_value": peer * ev,
        }
    )
    out = out.sort_values(
        ["peer_value", "account_id", "product_id"],
        ascending=[False, True, True],
        na_position="last",
        kind="stable",
    )
    return out.reset_index(drop=True)[PEER_COLUMNS]


# --------------------------------------------------------------------------- co-purchase
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

    Returns
    -------
    DataFrame
        Columns :data:`LIFT_COLUMNS`, sorted by lift descending, then
        owners_both descending, product_a, product_b.
    """
    book = _Book(accounts, purchases, products, as_of=as_of)
    if len(book.owned_key) == 0:
        return _empty(LIFT_COLUMNS)
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


# --------------------------------------------------------------------------- reps
def top_gaps_by_owner(
    gaps: pd.DataFrame,
    *,
    users: pd.DataFrame | None = None,
    top_n: int = 20,
) -> pd.DataFrame:
    """What each rep should pitch first: the ``top_n`` gaps per account owner.

    The owner of a gap is the gap account's ``owner_id``; gaps of accounts
    without an owner form one group with a missing ``owner_id``. Within an
    owner, gaps are ranked by ``priority`` descending (NaN last), then
    family_id, account_id, product_id; ``rank`` starts at 1 and rows with
    ``rank <= top_n`` are kept. ``owner_name`` comes from ``users`` when
    given.

    Returns
    -------
    DataFrame
        Columns :data:`OWNER_GAP_COLUMNS`, sorted by owner_id (missing last)
        then rank.
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n!r}")
    if gaps.empty:
        return _empty(OWNER_GAP_COLUMNS)
    ranked = gaps.sort_values(
        ["priority", "family_id", "account_id", "product_id"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="stable",
    )
    ranked = ranked.assign(rank=ranked.groupby("owner_id", dropna=False, sort=False).cumcount() + 1)
    ranked = ranked.loc[ranked["rank"] <= top_n]
    if users is not None and "name" in users.columns:
        names = users[["owner_id", "name"]].rename(columns={"name": "owner_name"})
        names = names.astype({"owner_id": "string", "owner_name": "string"})
        ranked = ranked.astype({"owner_id": "string"}).merge(names, on="owner_id", how="left")
    else:
        ranked = ranked.assign(owner_name=pd.Series(pd.NA, index=ranked.index, dtype="string"))
    ranked = ranked.sort_values(["owner_id", "rank"], na_position="last", kind="stable")
    ranked["rank"] = ranked["rank"].astype(np.int64)
    return ranked.reset_index(drop=True)[OWNER_GAP_COLUMNS]


# --------------------------------------------------------------------------- family choice
def choose_family(
    family: str,
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame | None = None,
) -> str:
    """Resolve the ``family`` parameter to a family root ``account_id``.

    * ``""`` (or None): the family with the largest revenue in
      :func:`workbook.analyses.hierarchy.default_period` (the 12 months ending on
      ``as_of``), by :func:`workbook.analyses.hierarchy.family_revenue` (won
      opportunities closed in the period); ties go to the larger family,
      then the smaller ``root_id``.
    * an ``account_id`` (root or member): that account's family;
    * otherwise an exact account name (root or member), if exactly one
      account has it.

    Raises
    ------
    ValueError
        When nothing matches, a name is ambiguous, or there are no accounts.
    """
    if tree is None:
        tree = ultimate_parents(accounts)
    if len(tree) == 0:
        raise ValueError("there are no accounts, so there is no family to show")
    root_of = pd.Series(tree["root_id"].to_numpy(), index=tree["account_id"].to_numpy())
    wanted = "" if family is None else str(family).strip()
    if not wanted:
        start, end = default_period(as_of)
        revenue = family_revenue(accounts, opportunities, start=start, end=end, tree=tree)
        best = revenue.sort_values(
            ["revenue", "member_accounts", "root_id"],
            ascending=[False, False, True],
            kind="stable",
        )
        return str(best["root_id"].iloc[0])
    if wanted in root_of.index:
        return str(root_of[wanted])
    names = accounts["name"].astype("string")
    hits = _ids(accounts["account_id"])[names == wanted].dropna()
    if len(hits) == 1:
        return str(root_of[hits.iloc[0]])
    if len(hits) > 1:
        raise ValueError(
            f"family {wanted!r} names {len(hits)} accounts; pass one of their account_id values"
        )
    raise ValueError(f"family {wanted!r} is neither an account_id nor an account name")


def family_label(accounts: pd.DataFrame, family_id: str) -> str:
    """The root account's name, for titles (the id itself when the name is missing)."""
    names = accounts.loc[_ids(accounts["account_id"]) == family_id, "name"]
    if len(names) == 0 or pd.isna(names.iloc[0]):
        return str(family_id)
    return str(names.iloc[0])


def family_gaps(gaps: pd.DataFrame, family_id: str) -> pd.DataFrame:
    """The rows of :func:`sibling_gaps` for one family, in priority order."""
    return gaps[gaps["family_id"] == family_id].reset_index(drop=True)


# --------------------------------------------------------------------------- summary
def _gap_record(row: pd.Series) -> dict:
    def _num(value):
        return None if pd.isna(value) else float(value)

    return {
        "family_id": row["family_id"],
        "family_name": row["family_name"],
        "account_id": row["account_id"],
        "account_name": row["account_name"],
        "product_id": row["product_id"],
        "product_name": row["product_name"],
        "siblings_owning": int(row["siblings_owning"]),
        "family_members": int(row["family_members"]),
        "peer_adoption": _num(row["peer_adoption"]),
        "expected_value": _num(row["expected_value"]),
        "priority": _num(row["priority"]),
    }


def summary_figures(
    *,
    gaps: pd.DataFrame,
    peers: pd.DataFrame,
    lift: pd.DataFrame,
    families: pd.DataFrame,
    exclusions: pd.DataFrame,
    family_id: str | None = None,
    family_name: str | None = None,
    min_peer_adoption: float = DEFAULT_MIN_PEER_ADOPTION,
    min_pair_owners: int = 5,
) -> dict:
    """Key figures for ``summary.json``.

    Keys
    ----
    ``gaps``
        Rows of gaps.csv (sibling gaps).
    ``families_with_gaps``, ``accounts_with_gaps``
        Distinct families / accounts with at least one gap.
    ``whitespace_value``, ``priority_total``
        Sums of ``expected_value`` and of ``priority`` over the gaps.
    ``gaps_without_value``
        Gaps whose priority is NaN (no amount and no list price).
    ``peer_whitespace``, ``peer_accounts``, ``min_peer_adoption``
        Rows and distinct accounts of peer_whitespace.csv, and its threshold.
    ``family``, ``family_name``, ``family_gaps``
        The family shown in the heatmap and its number of gaps.
    ``top_gap``, ``family_top_gap``
        The highest-priority gap overall / in ``family`` (ids, names,
        ``siblings_owning``, ``family_members``, ``peer_adoption``,
        ``expected_value``, ``priority``), or None.
    ``top_family``
        The family with the largest whitespace_value (id, name, gaps,
        whitespace_value), or None.
    ``top_lift``
        The highest-lift pair with ``owners_both >= min_pair_owners`` and
        lift > 1 (ids, names, owners_both, confidence, lift), or None.
    ``excluded_purchase_rows``
        Rows per reason of :func:`purchase_exclusions`.
    """
    has = len(gaps) > 0
    in_family = gaps[gaps["family_id"] == family_id] if has else gaps
    figures: dict = {
        "gaps": int(len(gaps)),
        "families_with_gaps": int(gaps["family_id"].nunique()) if has else 0,
        "accounts_with_gaps": int(gaps["account_id"].nunique()) if has else 0,
        "whitespace_value": float(gaps["expected_value"].sum()) if has else 0.0,
        "priority_total": float(gaps["priority"].sum()) if has else 0.0,
        "gaps_without_value": int(gaps["priority"].isna().sum()) if has else 0,
        "peer_whitespace": int(len(peers)),
        "peer_accounts": int(peers["account_id"].nunique()) if len(peers) else 0,
        "min_peer_adoption": float(min_peer_adoption),
        "family": family_id,
        "family_name": family_name,
        "family_gaps": int(len(in_family)),
        "top_gap": _gap_record(gaps.iloc[0]) if has else None,
        "family_top_gap": _gap_record(in_family.iloc[0]) if len(in_family) else None,
        "top_family": None,
        "top_lift": None,
        "excluded_purchase_rows": {
            str(r): int(n) for r, n in zip(exclusions["reason"], exclusions["rows"], strict=True)
        },
    }
    if len(families):
        f = families.iloc[0]
        figures["top_family"] = {
            "family_id": f["family_id"],
            "family_name": f["family_name"],
            "gaps": int(f["gaps"]),
            "whitespace_value": float(f["whitespace_value"]),
        }
    strong = (
        lift[(lift["owners_both"] >= min_pair_owners) & (lift["lift"] > 1)] if len(lift) else lift
    )
    if len(strong):
        top = strong.iloc[0]
        figures["top_lift"] = {
            "product_a": top["product_a"],
            "product_b": top["product_b"],
            "name_a": top["name_a"],
            "name_b": top["name_b"],
            "owners_both": int(top["owners_both"]),
            "confidence": float(top["confidence"]),
            "lift": float(top["lift"]),
        }
    return figures


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


def _owning_text(gap: dict) -> str:
    others = gap["family_members"] - 1
    owning = gap["siblings_owning"]
    family = gap["family_name"]
    if others == 1:
        return f"the only other member of {family} owns it"
    if owning == others:
        return f"all {others:,} other members of {family} own it"
    return (
        f"{owning:,} of the other {others:,} members of {family} own{'s' if owning == 1 else ''} it"
    )


def summary_sentences(figures: dict) -> list[str]:
    """Three to five plain-text sentences built from :func:`summary_figures`.

    In order, when they apply: the gap count and value with the family
    holding the most; the top gap overall ("call first"); the top gap of the
    family shown, when it differs; the strongest co-purchase lift; peer
    whitespace; and, while there is room, the purchase rows left out. Names
    are included as is; the report escapes them.
    """
    out: list[str] = []
    fam = figures["top_family"]
    if figures["gaps"]:
        most = (
            f"; {fam['family_name']} holds the most ({_plural(fam['gaps'], 'gap')}, "
            f"{money(fam['whitespace_value'])})"
            if fam is not None
            else ""
        )
        out.append(
            f"{_plural(figures['gaps'], 'sibling gap')} across "
            f"{_plural(figures['families_with_gaps'], 'family', 'families')} (a product an "
            f"account lacks while another member of its family owns it) are worth "
            f"{money(figures['whitespace_value'])} at the typical purchase amount, "
            f"{money(figures['priority_total'])} weighted by likelihood{most}."
        )
    else:
        out.append(
            "There are no sibling gaps: no account lacks a product that another member of "
            "its family owns."
        )
    top = figures["top_gap"]
    if top is not None:
        peer = (
            "its industry has no peer group"
            if top["peer_adoption"] is None
            else f"{top['peer_adoption']:.0%} of its industry owns it"
        )
        out.append(
            f"Call first: {top['account_name']} lacks {top['product_name']}; "
            f"{_owning_text(top)}, {peer}, and its typical purchase amount is "
            f"{money(top['expected_value'])}."
        )
    local = figures["family_top_gap"]
    if local is not None and (
        top is None
        or local["account_id"] != top["account_id"]
        or local["product_id"] != top["product_id"]
    ):
        out.append(
            f"In {local['family_name']}, the family shown below, pitch "
            f"{local['product_name']} to {local['account_name']} first: {_owning_text(local)}."
        )
    lift = figures["top_lift"]
    if lift is not None:
        out.append(
            f"Owners of {lift['name_a']} also own {lift['name_b']} {lift['lift']:.1f}× more "
            f"often than average ({_plural(lift['owners_both'], 'account')} own both)."
        )
    out.append(
        f"{_plural(figures['peer_accounts'], 'account')} with no family gap lack a product "
        f"that at least {figures['min_peer_adoption']:.0%} of their industry owns "
        f"({_plural(figures['peer_whitespace'], 'suggestion')})."
    )
    if len(out) < 5:
        excluded = {
            k: v for k, v in figures["excluded_purchase_rows"].items() if k != "repeat_purchase"
        }
        parts = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in excluded.items() if n)
        out.append(
            f"{_plural(sum(excluded.values()), 'purchase row')} left out of ownership"
            + (f" ({parts})." if parts else ".")
        )
    return out[:5]

"""The integer-coded book every whitespace analysis starts from.

:class:`Book` codes accounts, products and owned (account, product) pairs
once, with the family of every account, its industry, each product's book
adoption and expected value (definitions in the package docstring). Every
topic module has a public function taking the canonical tables, which builds
a :class:`Book`, and a ``*_from_book`` twin taking a built book, which the pipeline calls
with the one book it builds.

This module also registers the numpydoc paragraphs the topic functions share
(``{ws_tables}``, ``{ws_tree}``, ``{ws_gaps}``; see :mod:`workbook.core.docs`).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.core.calendar import as_of_end
from workbook.core.checks import require_frame
from workbook.core.docs import register
from workbook.core.families import ultimate_parents

from .columns import OWNERSHIP_COLUMNS

register(
    ws_tables="""accounts, purchases, products : DataFrame
        Canonical ``accounts``, ``purchases`` and ``products`` tables (as in
        ``workbook.load``).""",
    ws_tree="""tree : DataFrame, optional
        Output of :func:`workbook.core.families.ultimate_parents` for
        ``accounts``; computed when not given.""",
    ws_gaps="""gaps : DataFrame
        Output of :func:`~workbook.analyses.whitespace.sibling_gaps` for the
        same tables and ``as_of``.""",
)


def check_tables(accounts, purchases, products) -> None:
    """``TypeError`` / ``ValueError`` unless the three tables are DataFrames with their keys."""
    require_frame(accounts, "accounts", ["account_id"])
    require_frame(purchases, "purchases", ["account_id", "product_id", "purchased_at"])
    require_frame(products, "products", ["product_id"])


def ids(series: pd.Series) -> pd.Series:
    """Ids as strings with blanks turned into missing values."""
    out = series.astype("string").str.strip()
    return out.mask(out == "")


def index_codes(index: pd.Index, values) -> np.ndarray:
    """``index.get_indexer(values)`` (-1 where not found), looking up each distinct value once.

    The values are factorized first (a missing value is one value, looked up
    like any other, as ``get_indexer`` does) and only the distinct ones are
    looked up in ``index``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return index.get_indexer(uniques)[codes]


def text_ranks(values: pd.Series) -> np.ndarray:
    """Dense rank (int64, 1-based) of each value in text order; a missing value ranks last.

    Sorting rows by the ranks of their codes sorts them as by the text
    (``sort_values`` on the ids, missing last), without comparing text per row.
    """
    return values.rank(method="dense", na_option="bottom").to_numpy("float64").astype(np.int64)


def empty(columns: list[str]) -> pd.DataFrame:
    """A frame with ``columns`` and no rows (object dtype)."""
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})


class CleanPurchases(NamedTuple):
    """What :func:`clean_purchases` returns."""

    #: In-window rows, exact duplicates removed, ids cleaned, ``amount`` float.
    rows: pd.DataFrame
    #: Rows dropped per reason: ``missing_key``, ``after_as_of``, ``duplicate_row``.
    counts: dict[str, int]


def clean_purchases(purchases: pd.DataFrame, *, as_of) -> CleanPurchases:
    """In-window purchase rows with exact duplicates removed, plus drop counts."""
    coded = _clean_purchases(purchases, as_of=as_of)
    rows = purchases.iloc[coded.rows]
    rows = rows.assign(
        account_id=ids(rows["account_id"]), product_id=ids(rows["product_id"]), amount=coded.amount
    )
    return CleanPurchases(rows, coded.counts)


class _CodedPurchases(NamedTuple):
    """The rows :func:`clean_purchases` keeps, as positions and codes (for :class:`Book`)."""

    #: Positions in ``purchases`` of the kept rows, in order.
    rows: np.ndarray
    #: Rows dropped per reason, as :attr:`CleanPurchases.counts`.
    counts: dict[str, int]
    #: Each kept row's cleaned ``account_id`` as its position in ``account_uniques``.
    account_codes: np.ndarray
    account_uniques: pd.Index
    #: The same for ``product_id``.
    product_codes: np.ndarray
    product_uniques: pd.Index
    #: Each kept row's ``amount`` as a float (NaN when blank, not a number or not given).
    amount: np.ndarray


def _clean_purchases(purchases: pd.DataFrame, *, as_of) -> _CodedPurchases:
    """:func:`clean_purchases` as positions and codes: no text column is copied.

    The ids are cleaned (:func:`ids`) and coded once (``pandas.factorize``;
    a missing id is -1); the duplicate check compares every column of the
    kept rows with the ids read as their codes (the same equivalence as the
    cleaned text), and :class:`Book` looks up the codes' distinct ids
    instead of the text of every row.
    """
    account_codes, account_uniques = pd.factorize(ids(purchases["account_id"]))
    product_codes, product_uniques = pd.factorize(ids(purchases["product_id"]))
    if "amount" in purchases.columns:
        amount = pd.to_numeric(purchases["amount"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    else:
        amount = np.full(len(purchases), np.nan)
    when = purchases["purchased_at"]
    missing = (account_codes < 0) | (product_codes < 0) | when.isna().to_numpy(dtype=bool)
    late = (~missing) & (when >= as_of_end(as_of)).to_numpy(dtype=bool)
    kept = np.flatnonzero(~missing & ~late)
    coded = {"account_id": account_codes, "product_id": product_codes, "amount": amount}
    by_code = pd.DataFrame(
        {
            c: coded[c][kept] if c in coded else purchases[c].array.take(kept)
            for c in purchases.columns
        },
        copy=False,
    )
    dup = by_code.duplicated(keep="first").to_numpy(dtype=bool)
    del by_code
    rows = kept[~dup]
    counts = {
        "missing_key": int(missing.sum()),
        "after_as_of": int(late.sum()),
        "duplicate_row": int(dup.sum()),
    }
    return _CodedPurchases(
        rows,
        counts,
        account_codes[rows],
        pd.Index(account_uniques),
        product_codes[rows],
        pd.Index(product_uniques),
        amount[rows],
    )


def owned_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (account, product) of cleaned purchase rows, columns :data:`OWNERSHIP_COLUMNS`."""
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


class PeerRates(NamedTuple):
    """What :meth:`Book.peer_adoption` returns, aligned with its input pairs."""

    #: Share of the account's industry owning the product (NaN: no industry).
    rate: np.ndarray
    #: Accounts in the account's industry (0: no industry).
    size: np.ndarray


class Book:
    """Integer-coded accounts, products and owned pairs shared by the analyses.

    Accounts are coded ``0..n_accounts-1`` in the order of ``accounts``,
    products ``0..n_products-1`` in the order of ``products``; an owned pair
    is the key ``a * max(n_products, 1) + p``.
    """

    def __init__(self, accounts, purchases, products, *, as_of, tree=None):
        self._texts: dict[str, pd.api.extensions.ExtensionArray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        self.accounts = accounts.reset_index(drop=True)
        self.products = products.reset_index(drop=True)
        self._code_accounts(tree)
        self._code_products()
        p, amount = self._code_purchases(purchases, as_of=as_of)
        self._expected_values(p, amount)
        self.product_owners = np.bincount(self.owned_p, minlength=self.n_products)
        self.book_adoption = self.product_owners / max(self.n_accounts, 1)
        self._industry_owner_counts()

    @property
    def width(self) -> int:
        """The product stride of a pair key (at least 1)."""
        return max(self.n_products, 1)

    #: The per-account and per-product texts :meth:`text` serves.
    TEXTS = (
        "account_ids",
        "account_names",
        "owner_ids",
        "industry",
        "product_ids",
        "product_names",
        "product_family",
        "value_source",
    )

    def text(self, name: str, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The text ``name`` (one of :data:`TEXTS`) of each account or product code, as ``string``.

        ``pd.array(values[codes], dtype="string")``: each account's or
        product's text becomes a pandas string once (kept on the book), and
        the rows take it by code, instead of converting one Python object
        per row.
        """
        if name not in self._texts:
            if name not in self.TEXTS:
                raise KeyError(name)
            values = getattr(self, name)
            values = values.to_numpy() if isinstance(values, pd.Series) else values
            self._texts[name] = pd.array(np.asarray(values, dtype=object), dtype="string")
        return self._texts[name].take(np.asarray(codes, dtype=np.int64))

    def id_ranks(self, which: str) -> np.ndarray:
        """:func:`text_ranks` of the account (``"accounts"``) or product (``"products"``) ids, made once."""
        if which not in self._ranks:
            ids = {"accounts": self.account_ids, "products": self.product_ids}[which]
            self._ranks[which] = text_ranks(ids)
        return self._ranks[which]

    @functools.cached_property
    def owner_codes(self) -> np.ndarray:
        """A code per account for its ``owner_id`` (a missing owner is a code of its own)."""
        return pd.factorize(self.owner_ids, use_na_sentinel=False)[0]

    # -- construction -------------------------------------------------------
    def _code_accounts(self, tree) -> None:
        if tree is None:
            tree = ultimate_parents(self.accounts)
        #: The :func:`~workbook.core.families.ultimate_parents` of ``accounts`` used.
        self.tree = tree
        tree = tree.set_index("account_id").reindex(ids(self.accounts["account_id"]).to_numpy())
        self.account_ids = ids(self.accounts["account_id"]).reset_index(drop=True)
        self.account_index = pd.Index(self.account_ids)
        self.n_accounts = len(self.account_ids)
        self.root = self.account_index.get_indexer(tree["root_id"].astype("string").to_numpy())
        self.root = np.where(self.root < 0, np.arange(self.n_accounts), self.root)
        self.family_size = np.bincount(self.root, minlength=self.n_accounts)[self.root]
        self.account_names = self.accounts["name"].astype("string").to_numpy()
        self.owner_ids = (
            ids(self.accounts["owner_id"]).to_numpy()
            if "owner_id" in self.accounts.columns
            else np.full(self.n_accounts, pd.NA, dtype=object)
        )
        industry = (
            ids(self.accounts["industry"])
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

    def _code_products(self) -> None:
        self.product_ids = ids(self.products["product_id"]).reset_index(drop=True)
        self.product_index = pd.Index(self.product_ids)
        self.n_products = len(self.product_ids)
        self.product_names = self.products["name"].astype("string").to_numpy()
        self.product_family = (
            self.products["family"].astype("string").to_numpy()
            if "family" in self.products.columns
            else np.full(self.n_products, pd.NA, dtype=object)
        )

    def _code_purchases(self, purchases, *, as_of) -> tuple[np.ndarray, np.ndarray]:
        """Code the kept purchase rows; set the owned pairs and the exclusion counts.

        Returns the product codes and amounts of the kept rows (known account and product).
        """
        coded = _clean_purchases(purchases, as_of=as_of)
        counts = dict(coded.counts)
        # index_codes(self.account_index, ...) of the rows, on the codes already made.
        a = self.account_index.get_indexer(coded.account_uniques)[coded.account_codes]
        p = self.product_index.get_indexer(coded.product_uniques)[coded.product_codes]
        unknown_account = a < 0
        unknown_product = (p < 0) & ~unknown_account
        counts["unknown_account"] = int(unknown_account.sum())
        counts["unknown_product"] = int(unknown_product.sum())
        known = ~unknown_account & ~unknown_product
        a, p, amount = a[known], p[known], coded.amount[known]
        #: Coded account, product and amount of every kept purchase row.
        self.row_a, self.row_p = a.astype(np.int64), p.astype(np.int64)
        self.row_amount = amount
        key = a.astype(np.int64) * self.width + p
        # The distinct keys, sorted (np.unique's answer) from a mask over every possible key.
        seen = np.zeros(self.n_accounts * self.width, dtype=bool)
        seen[key] = True
        uniq_key = np.flatnonzero(seen).astype(np.int64)
        del seen
        counts["repeat_purchase"] = int(len(key) - len(uniq_key))
        self.counts = counts
        self.owned_key = uniq_key
        self.owned_a = (uniq_key // self.width).astype(np.int64)
        self.owned_p = (uniq_key % self.width).astype(np.int64)
        return p, amount

    def _expected_values(self, p: np.ndarray, amount: np.ndarray) -> None:
        # Median purchase amount per product over the kept rows (one value per
        # purchase row; NaN amounts skipped by the median), else the list price.
        amounts = pd.DataFrame({"p": p, "amount": amount})
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

    def _industry_owner_counts(self) -> None:
        # Industry x product owner counts (small: industries x products).
        ind_of_owned = self.industry_code[self.owned_a]
        has_ind = ind_of_owned >= 0
        n_ind = len(self.industry_labels)
        self.industry_owners = np.bincount(
            ind_of_owned[has_ind] * self.width + self.owned_p[has_ind],
            minlength=n_ind * self.width,
        ).reshape(n_ind, self.width)

    # -- lookups ------------------------------------------------------------
    def peer_adoption(self, a: np.ndarray, p: np.ndarray) -> PeerRates:
        """Peer adoption and industry size for coded (account, product) pairs."""
        ind = self.industry_code[a]
        has = ind >= 0
        if self.industry_owners.shape[0] == 0:
            return PeerRates(np.full(len(a), np.nan), np.zeros(len(a), dtype=np.int64))
        safe = np.where(has, ind, 0)
        size = np.where(has, self.industry_size[safe], 0)
        owners = np.where(has, self.industry_owners[safe, p], 0)
        rate = np.where(has & (size > 0), owners / np.where(size > 0, size, 1), np.nan)
        return PeerRates(rate.astype("float64"), size.astype(np.int64))

    def family_products(self) -> pd.DataFrame:
        """Coded (root, product, owners) for every pair owned somewhere in a family."""
        fam_key = self.root[self.owned_a].astype(np.int64) * self.width + self.owned_p
        keys, owners = np.unique(fam_key, return_counts=True)
        return pd.DataFrame(
            {
                "root": keys // self.width,
                "p": keys % self.width,
                "owners": owners.astype(np.int64),
            }
        )

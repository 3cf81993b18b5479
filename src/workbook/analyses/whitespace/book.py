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
from workbook.data.coercion import as_text

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
    """Ids as the loader reads them: text, trimmed, a blank one missing (:func:`~workbook.data.coercion.as_text`)."""
    return as_text(series)


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


class CodedPurchases(NamedTuple):
    """What :func:`coded_purchases` returns: the kept rows as codes, and the rows left out."""

    #: Rows per reason: ``missing_key``, ``after_as_of``, ``duplicate_row``,
    #: ``unknown_account`` and ``unknown_product`` (see :func:`coded_purchases`).
    counts: dict[str, int]
    #: Each kept row's account code (-1: not among the accounts coded by).
    a: np.ndarray
    #: Each kept row's product code (-1: not among the products coded by).
    p: np.ndarray
    #: Each kept row's ``amount`` (NaN when missing or not a number).
    amount: np.ndarray


def purchases_frame(purchases: pd.DataFrame) -> pd.DataFrame:
    """``purchases`` as the engine reads it: ids cleaned, and no column of Python objects.

    The ids are cleaned as the loader does (:func:`ids`), so a frame built by
    hand counts its duplicates and unknown ids as a loaded one would (a
    loaded table's ids are clean already; DuckDB's own ``trim`` with the
    blank characters listed is several times slower than Arrow's). Loaded
    tables have no column of Python objects; in a frame built by hand such a
    column becomes ``string``, except an object ``purchased_at``, read with
    ``pandas.to_datetime``. An ``amount`` that is not numeric is read with
    ``pandas.to_numeric`` (text that is not a number is missing).
    """
    fixed = {name: ids(purchases[name]) for name in ("account_id", "product_id")}
    if "amount" in purchases.columns and not pd.api.types.is_numeric_dtype(purchases["amount"]):
        fixed["amount"] = pd.to_numeric(purchases["amount"], errors="coerce").astype("float64")
    for name in purchases.columns:
        column = purchases[name]
        if column.dtype != object or name in fixed:
            continue
        fixed[name] = pd.to_datetime(column) if name == "purchased_at" else column.astype("string")
    return purchases.assign(**fixed)


def _codes(values: pd.Series | None, column: str, code: str) -> pd.DataFrame | None:
    """``column`` (the cleaned ids, missing ones left out) with ``code``, their positions."""
    if values is None:
        return None
    ids_ = pd.Series(values.to_numpy(), dtype="string")
    keep = ids_.notna().to_numpy()
    frame = pd.DataFrame(
        {column: ids_[keep].reset_index(drop=True), code: np.flatnonzero(keep).astype(np.int64)}
    )
    repeated = frame[column][frame[column].duplicated()]
    if len(repeated):
        raise ValueError(
            f"{column} repeats in its table, so purchases cannot be coded by it: "
            f"{', '.join(repeated.astype(str).unique()[:3])}"
        )
    return frame


def coded_purchases(
    purchases: pd.DataFrame,
    *,
    as_of,
    account_ids: pd.Series | None = None,
    product_ids: pd.Series | None = None,
    engine=None,
) -> CodedPurchases:
    """The kept purchase rows of ``purchases`` as account and product codes, with the rows left out.

    Runs :func:`~workbook.analyses.whitespace.relational.window_counts` and
    :func:`~workbook.analyses.whitespace.relational.coded_rows` in ``engine``
    (default :func:`workbook.engine.default`).

    Parameters
    ----------
    purchases : DataFrame
        Canonical ``purchases``.
    as_of : date-like
        Rows dated after that day are left out (``after_as_of``).
    account_ids, product_ids : Series, optional
        Cleaned ids (:func:`ids`) whose positions are the codes; a row whose
        id is not among them is ``unknown_account`` (``unknown_product``, for
        a known account) and has code -1. Not given: every id is known, and
        the codes number the rows' own distinct ids in no particular order.
    engine : workbook.engine.Engine, optional

    Returns
    -------
    CodedPurchases
        Counts ``missing_key`` (an account, product or date missing),
        ``after_as_of`` and ``duplicate_row`` (a kept row identical in every
        column to another, counted once), then the unknown ones.
    """
    from workbook import engine as engines

    from . import relational

    eng = engine if engine is not None else engines.default()
    end = as_of_end(as_of)
    frame = purchases_frame(purchases)
    accounts = _codes(account_ids, "account_id", "a")
    products = _codes(product_ids, "product_id", "p")
    table = eng.table(frame, "purchases")
    window = eng.arrow(relational.window_counts(table, end=end)).to_pylist()[0]
    rows = eng.arrow(
        relational.coded_rows(
            relational.kept_rows(table, end=end),
            None if accounts is None else eng.table(accounts, "account_codes"),
            None if products is None else eng.table(products, "product_codes"),
        )
    )
    a = _int_codes(rows.column("a"))
    p = _int_codes(rows.column("p"))
    amount = rows.column("amount").to_numpy().astype("float64", copy=False)
    del frame, accounts, products  # kept registered until the queries ran
    kept = int(window["rows"]) - int(window["missing_key"]) - int(window["after_as_of"])
    counts = {
        "missing_key": int(window["missing_key"]),
        "after_as_of": int(window["after_as_of"]),
        "duplicate_row": kept - len(a),
        "unknown_account": int((a < 0).sum()),
        "unknown_product": int(((p < 0) & (a >= 0)).sum()),
    }
    return CodedPurchases(counts, a, p, amount)


def _int_codes(column) -> np.ndarray:
    """An Arrow int64 column as numpy, -1 where missing."""
    import pyarrow.compute as pc

    return pc.fill_null(column, -1).to_numpy().astype(np.int64, copy=False)


def distinct_keys(a: np.ndarray, p: np.ndarray, width: int, n_a: int) -> np.ndarray:
    """The distinct pair keys ``a * width + p``, sorted (``np.unique``'s answer), from a mask.

    ``a`` in ``[0, n_a)`` and ``p`` in ``[0, width)``; a mask over every
    possible key is faster than sorting when the pairs are dense.
    """
    key = a.astype(np.int64) * width + p
    seen = np.zeros(max(n_a, 0) * width, dtype=bool)
    seen[key] = True
    return np.flatnonzero(seen).astype(np.int64)


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
    is the key ``a * max(n_products, 1) + p``. The purchase rows are coded
    by ``engine`` (:func:`coded_purchases`; default
    :func:`workbook.engine.default`), which also builds the tree when
    ``tree`` is not given.
    """

    def __init__(self, accounts, purchases, products, *, as_of, tree=None, engine=None):
        from workbook import engine as engines

        #: The :class:`workbook.engine.Engine` the book's relational parts run in.
        self.engine = engine if engine is not None else engines.default()
        engine = self.engine
        self._texts: dict[str, pd.api.extensions.ExtensionArray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        self.accounts = accounts.reset_index(drop=True)
        self.products = products.reset_index(drop=True)
        self._code_accounts(tree, engine)
        self._code_products()
        p, amount = self._code_purchases(purchases, as_of=as_of, engine=engine)
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
    def _code_accounts(self, tree, engine) -> None:
        if tree is None:
            tree = ultimate_parents(self.accounts, engine=engine)
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

    def _code_purchases(self, purchases, *, as_of, engine) -> tuple[np.ndarray, np.ndarray]:
        """Code the kept purchase rows; set the owned pairs and the exclusion counts.

        Returns the product codes and amounts of the kept rows (known account and product).
        """
        coded = coded_purchases(
            purchases,
            as_of=as_of,
            account_ids=self.account_ids,
            product_ids=self.product_ids,
            engine=engine,
        )
        counts = dict(coded.counts)
        known = (coded.a >= 0) & (coded.p >= 0)
        a, p, amount = coded.a[known], coded.p[known], coded.amount[known]
        #: Coded account, product and amount of every kept purchase row (in no set order).
        self.row_a, self.row_p = a, p
        self.row_amount = amount
        uniq_key = distinct_keys(a, p, self.width, self.n_accounts)
        counts["repeat_purchase"] = int(len(a) - len(uniq_key))
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

"""Products and purchases: :class:`_PurchasesMixin` of the sample generator.

Ownership starts from a state at 2023-06-30 (industry affinity, then
co-purchase boosts) and grows in three yearly adoption windows
(:meth:`_PurchasesMixin._adoption`); each owned product then gets a first
purchase row and renewals up to as_of. Planted purchases and faults are added
last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from workbook.data.sample.catalogue import (
    _ADOPT_INDUSTRY,
    _ADOPT_INTERCEPT,
    _ADOPT_SIBLING,
    _ADOPT_SIZE,
    _AS_OF,
    _CO_PURCHASE,
    _CO_PURCHASE_P,
    _EXTRA_PRODUCT_WORDS,
    _INDUSTRIES,
    _NEVER,
    _PK,
    _PLANTED_PURCHASES,
    _POPULAR,
    _PRODUCTS,
    _START,
    _UNOWNED_PRODUCT,
    _day,
)
from workbook.data.sample.helpers import (
    _dates,
    _ids,
    _sigmoid,
    _spread,
    _take,
    _text,
    _uniform_days,
    _width,
)


@dataclass
class _Rows:
    """Purchase rows as parallel arrays (account and product codes, day, discount %)."""

    acct: np.ndarray
    prod: np.ndarray
    day: np.ndarray
    discount: np.ndarray


class _PurchasesMixin:
    """Builds ``products`` and ``purchases``."""

    def _products_and_purchases(self) -> None:
        self._products()
        price = self.product_price
        ind_code = pd.Index(_INDUSTRIES).get_indexer(self.account_industry)
        t0 = _START - 1
        first = self._initial_ownership(ind_code, t0, n_prod=len(price))
        self._adoption(first, ind_code, t0)
        first[self.is_curated] = _NEVER  # planted purchases are added as rows below
        rows = self._purchase_rows(first)
        n_gen = len(rows.acct)
        if self.plant:
            rows = _with_planted_purchases(rows)
        amount = np.round(
            price[rows.prod]
            * self.rng.uniform(0.8, 1.5, len(rows.prod))
            * (1 - rows.discount / 100),
            2,
        )
        keep = self._purchase_faults(rows.day, amount, n_gen) if self.plant else slice(None)
        acct, prod, day = rows.acct[keep], rows.prod[keep], rows.day[keep]
        discount, amount = rows.discount[keep], amount[keep]
        order = np.lexsort((prod, acct, day))
        self.purchases = pd.DataFrame(
            {
                "account_id": _take(self.account_ids, acct[order]),
                "product_id": _take(self.product_ids, prod[order]),
                "purchased_at": _dates(day[order]),
                "amount": amount[order].astype(float),
                "discount_pct": discount[order].astype(float),
            }
        )

    def _products(self) -> None:
        """``products``: the catalogue, then generated extras; sets ``product_ids``, ``product_price``."""
        n_prod = max(self.cfg.n_products, len(_PRODUCTS))
        names = [p[0] for p in _PRODUCTS]
        family = [p[1] for p in _PRODUCTS]
        price = [p[2] for p in _PRODUCTS]
        fruit, model = _EXTRA_PRODUCT_WORDS
        for j in range(n_prod - len(_PRODUCTS)):
            names.append(
                f"{fruit[j % len(fruit)]} {model[(j // len(fruit)) % len(model)]} {100 * (j + 1)}"
            )
            family.append(("Software", "Services", "Hardware")[j % 3])
            price.append(float(1_000 * (1 + (j * 7) % 19)))
        self.product_price = price = np.array(price)
        self.product_ids = _ids("P", np.arange(1, n_prod + 1), _width(n_prod, 2))
        self.products = pd.DataFrame(
            {
                "product_id": pd.Series(self.product_ids, dtype="str"),
                "name": _text(np.array(names, dtype=object)),
                "family": _text(np.array(family, dtype=object)),
                "list_price": price,
            }
        )

    def _initial_ownership(self, ind_code: np.ndarray, t0: int, *, n_prod: int) -> np.ndarray:
        """First-purchase matrix at ``t0`` (2023-06-30): ``first[a, p]`` is the day
        of account a's first purchase of p, :data:`_NEVER` for none yet.

        Generic accounts own products by industry affinity, then co-purchase
        boosts; nobody owns P12. The planted purchases are included, so they
        count towards the shares :meth:`_adoption` uses.
        """
        cfg, rng = self.cfg, self.rng
        affinity = np.full((len(_INDUSTRIES), n_prod), cfg.purchase_base)
        for ind, prods in _POPULAR.items():
            affinity[ind, list(prods)] = cfg.purchase_popular
        affinity[:, _UNOWNED_PRODUCT] = 0.0
        buyers = np.flatnonzero(~self.is_curated)
        owns = rng.random((len(buyers), n_prod)) < affinity[ind_code[buyers]]
        for a, b in _CO_PURCHASE:
            owns[:, b] |= owns[:, a] & (rng.random(len(buyers)) < _CO_PURCHASE_P)
        first = np.full((self.n_accounts, n_prod), _NEVER, dtype=np.int64)
        acct_i, prod = np.nonzero(owns)
        acct = buyers[acct_i]
        first[acct, prod] = _uniform_days(
            rng,
            np.maximum(self.account_created[acct], t0 - 730),
            np.minimum(self.quiet_since[acct], t0),
        )
        for a, pr, d, _disc in _PLANTED_PURCHASES if self.plant else ():
            first[_PK[a], pr] = min(first[_PK[a], pr], _day(d))
        return first

    def _purchase_rows(self, first: np.ndarray) -> _Rows:
        """Rows of the owned products: the first purchase, then renewals up to as_of."""
        rng = self.rng
        acct, prod = np.nonzero(first != _NEVER)
        start = first[acct, prod]
        rows = 1 + rng.poisson(self.cfg.purchase_rows, len(acct))
        idx, day = _spread(
            rng, rows - 1, start, np.maximum(np.minimum(self.quiet_since[acct], _AS_OF), start)
        )
        acct = np.concatenate([acct, acct[idx]])
        prod = np.concatenate([prod, prod[idx]])
        day = np.concatenate([start, day])
        discount = rng.choice(
            np.array([0.0, 0.0, 0.0, 5.0, 5.0, 10.0, 10.0, 15.0, 20.0]), len(acct)
        )
        return _Rows(acct=acct, prod=prod, day=day, discount=discount)

    def _purchase_faults(self, day: np.ndarray, amount: np.ndarray, n_gen: int) -> np.ndarray:
        """Faults among the first ``n_gen`` (generic) rows, in place on ``day`` and ``amount``.

        Four rows move after as_of and one amount turns negative; returns the
        row positions to keep, with six exact duplicates appended.
        """
        rng = self.rng
        dup = rng.choice(n_gen, size=6, replace=False)
        after = rng.choice(n_gen, size=4, replace=False)
        day[after] = _AS_OF + rng.integers(1, 61, 4)
        # (the first of a few random rows that is neither duplicated nor moved;
        # np.setdiff1d over all rows costs seconds at large scale)
        pick = rng.integers(0, n_gen, 32)
        amount[pick[~np.isin(pick, np.concatenate([dup, after]))][0]] *= -1
        return np.concatenate([np.arange(len(day)), dup])

    def _adoption(self, first: np.ndarray, ind_code: np.ndarray, t0: int) -> None:
        """First purchases in the yearly windows after ``t0``, in place on ``first``.

        For each window ``(lo, lo + 365]`` (ending 2024-06-30, 2025-06-30 and
        2026-06-30) an account that does not own product p at ``lo`` buys it
        with probability ``sigmoid(_ADOPT_INTERCEPT + _ADOPT_SIBLING * sib +
        _ADOPT_INDUSTRY * ind + _ADOPT_SIZE * size)``: ``sib`` is the share of
        the other members of its family (same ultimate parent) that own p at
        ``lo``, ``ind`` the share of accounts of its industry outside its family
        that own p, and ``size`` its number of contacts (0-6), centred at 3 and
        divided by 3. The day is uniform in the window, and before the account
        goes quiet. Co-purchase pairs follow within 30 days with probability
        :data:`_CO_PURCHASE_P`. Planted (curated) accounts and P12 never adopt.
        """
        rng = self.story_rng
        n, n_prod = first.shape
        root = self.account_root
        fam_size = np.bincount(root, minlength=n)[root]
        fam_ind, fam_ind_code = np.unique(root * len(_INDUSTRIES) + ind_code, return_inverse=True)
        fam_ind_n = np.bincount(fam_ind_code, minlength=len(fam_ind))[fam_ind_code]
        ind_n = np.bincount(ind_code, minlength=len(_INDUSTRIES))[ind_code]
        size = (self.contact_count - 3.0) / 3.0
        can = ~self.is_curated
        # Group-sum operators (group x account indicator matrices).
        ones, cols = np.ones(n), np.arange(n)
        to_fam = sparse.csr_matrix((ones, (root, cols)), shape=(n, n))
        to_fam_ind = sparse.csr_matrix((ones, (fam_ind_code, cols)), shape=(len(fam_ind), n))
        to_ind = sparse.csr_matrix((ones, (ind_code, cols)), shape=(len(_INDUSTRIES), n))
        for lo in (t0, t0 + 366, t0 + 731):  # 2023-06-30, 2024-06-30, 2025-06-30
            hi = min(lo + 365, _AS_OF) if lo < t0 + 731 else _AS_OF
            owned = (first <= lo).astype(np.float64)
            fam = to_fam @ owned
            fam_i = to_fam_ind @ owned
            ind = to_ind @ owned
            sib = (fam[root] - owned) / np.maximum(fam_size - 1, 1)[:, None]
            outside = (ind[ind_code] - fam_i[fam_ind_code]) / np.maximum(ind_n - fam_ind_n, 1)[
                :, None
            ]
            logit = (
                _ADOPT_INTERCEPT
                + _ADOPT_SIBLING * sib
                + _ADOPT_INDUSTRY * outside
                + _ADOPT_SIZE * size[:, None]
            )
            last = np.minimum(self.quiet_since, hi)
            begin = np.maximum(self.account_created, lo + 1)
            ok = can & (last >= begin)
            buy = (rng.random((n, n_prod)) < _sigmoid(logit)) & ~owned.astype(bool) & ok[:, None]
            buy[:, _UNOWNED_PRODUCT] = False
            a, p = np.nonzero(buy)
            day = _uniform_days(rng, begin[a], last[a])
            first[a, p] = day
            for x, y in _CO_PURCHASE:
                follow = (first[a[p == x], y] > lo) & (
                    rng.random(int((p == x).sum())) < _CO_PURCHASE_P
                )
                ax = a[p == x][follow]
                then = np.minimum(day[p == x][follow] + rng.integers(0, 31, len(ax)), last[ax])
                first[ax, y] = np.minimum(first[ax, y], then)


def _with_planted_purchases(rows: _Rows) -> _Rows:
    """``rows`` followed by the planted purchases (sibling discounts, whitespace, outliers)."""
    return _Rows(
        acct=np.concatenate([rows.acct, np.array([_PK[a] for a, *_ in _PLANTED_PURCHASES])]),
        prod=np.concatenate([rows.prod, np.array([p for _, p, *_ in _PLANTED_PURCHASES])]),
        day=np.concatenate([rows.day, np.array([_day(d) for *_, d, _ in _PLANTED_PURCHASES])]),
        discount=np.concatenate(
            [rows.discount, np.array([x for *_, x in _PLANTED_PURCHASES], dtype=float)]
        ),
    )

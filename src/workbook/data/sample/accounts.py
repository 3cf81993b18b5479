"""Accounts and their hierarchy: :class:`_AccountsMixin` of the sample generator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.data.sample.catalogue import (
    _AS_OF,
    _CURATED,
    _INDUSTRIES,
    _PK,
    _PLANTED_ACCOUNTS,
    _REPS,
    _UNKNOWN_OWNER,
    _day,
)
from workbook.data.sample.helpers import (
    _company_names,
    _dates,
    _ids,
    _take,
    _text,
    _uniform_days,
)

#: Parent code of the planted orphan, whose parent_id points at no account.
_MISSING_PARENT = -2


class _AccountsMixin:
    """Builds ``accounts`` (codes 0.. are the planted accounts, then the generic ones).

    Sets ``n_accounts``, ``account_ids``, ``account_names``, ``account_owner``,
    ``account_industry``, ``account_created``, ``engagement``, ``quiet_since``,
    ``account_root``, ``contact_count``, ``is_curated`` and ``accounts``.
    """

    def _accounts(self) -> None:
        n_planted = len(_PLANTED_ACCOUNTS) if self.plant else 0
        self.n_accounts = max(self.cfg.n_accounts, n_planted + 20)
        parent = self._account_parents(n_planted)
        self._account_attributes(n_planted)
        self._plant_accounts(parent, n_planted)
        self._account_state(parent)
        self.accounts = self._accounts_table(parent)

    def _account_parents(self, n_planted: int) -> np.ndarray:
        """Hierarchy of the generic accounts: depth levels, parents one level up.

        Returns the parent code of every account (-1: none; the planted
        accounts get theirs in :meth:`_plant_accounts`).
        """
        cfg, rng, n = self.cfg, self.rng, self.n_accounts
        n_gen = n - n_planted
        counts = [0] * (cfg.max_depth + 1)
        level_n = cfg.level1_share * n_gen
        for depth in range(1, cfg.max_depth + 1):
            counts[depth] = max(1, int(round(level_n)))
            level_n *= cfg.level_decay
        counts[0] = n_gen - sum(counts[1:])
        depth_of = rng.permutation(np.repeat(np.arange(cfg.max_depth + 1), counts))
        parent = np.full(n, -1, dtype=np.int64)
        gen_codes = np.arange(n_planted, n)
        roots = gen_codes[depth_of == 0]
        pool = rng.choice(
            roots, size=max(1, int(round(cfg.family_root_share * len(roots)))), replace=False
        )
        for depth in range(1, cfg.max_depth + 1):
            members = gen_codes[depth_of == depth]
            parent[members] = rng.choice(pool, size=len(members))
            pool = members
        return parent

    def _account_attributes(self, n_planted: int) -> None:
        """Names, owners, industries, engagement and creation days of the generic accounts."""
        rng, n = self.rng, self.n_accounts
        n_gen = n - n_planted
        names = np.empty(n, dtype=object)
        names[n_planted:] = _company_names(rng, n_gen)
        owner = np.empty(n, dtype=object)
        owner[n_planted:] = _REPS[rng.integers(0, len(_REPS), n_gen)]
        industry = np.empty(n, dtype=object)
        industry[n_planted:] = _INDUSTRIES[rng.integers(0, len(_INDUSTRIES), n_gen)]
        engagement = np.empty(n, dtype=object)
        engagement[n_planted:] = rng.choice(
            np.array(["high", "normal", "dormant"], dtype=object), size=n_gen, p=[0.15, 0.63, 0.22]
        )
        created = _uniform_days(rng, np.full(n, _day("2016-01-01")), np.full(n, _day("2023-06-30")))
        self.account_names = names
        self.account_owner = owner
        self.account_industry = industry
        self.engagement = engagement
        self.account_created = created

    def _plant_accounts(self, parent: np.ndarray, n_planted: int) -> None:
        """The planted accounts' attributes and parents (in place), and two unknown owners."""
        if not self.plant:
            return
        for i, (_key, name, parent_key, own, ind, eng) in enumerate(_PLANTED_ACCOUNTS):
            self.account_names[i], self.account_owner[i] = name, own
            self.account_industry[i], self.engagement[i] = ind, eng
            if parent_key == "#missing":
                parent[i] = _MISSING_PARENT
            elif parent_key is not None:
                parent[i] = _PK[parent_key]
        # Two generic accounts owned by an owner_id that is not in users.
        gen_codes = np.arange(n_planted, self.n_accounts)
        self.account_owner[self.rng.choice(gen_codes, size=2, replace=False)] = _UNKNOWN_OWNER

    def _account_state(self, parent: np.ndarray) -> None:
        """Quiet days, ultimate parents, contact counts and the curated flags."""
        n = self.n_accounts
        # Dormant accounts have no records after quiet_since (at least 46 days before as_of).
        self.quiet_since = np.where(
            self.engagement == "dormant", _AS_OF - self.rng.integers(46, 300, n), _AS_OF
        ).astype(np.int64)
        if self.plant:
            self.quiet_since[_PK["dormant"]] = _day("2026-03-15")
        # Ultimate parent (by pointer jumping; the planted cycles stop anywhere
        # on the cycle) and number of contacts (0-6), used by _adoption.
        root = np.arange(n)
        for _ in range(self.cfg.max_depth + 1):
            up = parent[root]
            root = np.where(up >= 0, up, root)
        self.account_root = root
        self.contact_count = self.story_rng.integers(0, 7, n)
        self.is_curated = np.zeros(n, dtype=bool)
        if self.plant:
            self.contact_count[_PK["we3"]] = 2
            self.is_curated[[_PK[k] for k in _CURATED]] = True

    def _accounts_table(self, parent: np.ndarray) -> pd.DataFrame:
        width = self.ids.width("A", self.n_accounts, 5)
        numbers = np.arange(1, self.n_accounts + 1) + self.ids.accounts
        self.account_ids = _ids("A", numbers, width)
        parent_ids = _take(self.account_ids, np.where(parent == _MISSING_PARENT, -1, parent))
        parent_ids[parent == _MISSING_PARENT] = "A" + "9" * width
        return pd.DataFrame(
            {
                "account_id": pd.Series(self.account_ids, dtype="str"),
                "name": _text(self.account_names),
                "parent_id": parent_ids,
                "owner_id": _text(self.account_owner),
                "industry": _text(self.account_industry),
                "created_at": _dates(self.account_created),
            }
        )

"""Contacts: :class:`_ContactsMixin` of the sample generator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.data.sample.catalogue import _PK, _TITLE_DM_P, _TITLES
from workbook.data.sample.helpers import _ids, _take, _text


class _ContactsMixin:
    """Builds ``contacts``: ``contact_count`` contacts per account, titles, decision makers."""

    def _contacts(self) -> None:
        rng = self.rng
        k = self.contact_count
        acct = np.repeat(np.arange(self.n_accounts), k)
        title = rng.integers(0, len(_TITLES), len(acct))
        dm = rng.random(len(acct)) < _TITLE_DM_P[title]
        # We <3 Dogs: two contacts, neither a decision maker.
        if self.plant:
            we3 = acct == _PK["we3"]
            title[we3] = [5, 6]
            dm[we3] = False
        self.contacts = pd.DataFrame(
            {
                "contact_id": pd.Series(
                    _ids(
                        "C",
                        np.arange(1, len(acct) + 1) + self.ids.contacts,
                        self.ids.width("C", len(acct), 5),
                    ),
                    dtype="str",
                ),
                "account_id": _take(self.account_ids, acct),
                "title": _text(_TITLES[title]),
                "is_decision_maker": pd.array(dm, dtype="boolean"),
            }
        )

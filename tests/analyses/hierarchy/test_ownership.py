"""Tests for workbook.analyses.hierarchy.ownership: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import hierarchy as h

AS_OF = pd.Timestamp("2026-06-30")
START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_split_ownership_with_tenure(accounts, opps, tree, users):
    top = h.top_customers(accounts, opps, start=START, end=END, tree=tree)
    split = h.split_ownership(accounts, users, as_of=AS_OF, tree=tree, ranking=top)
    # Only family 1 has several owners (u1, u2, u3); every member is listed.
    assert split["account_id"].tolist() == ["1", "2", "3", "4"]
    assert (split["owners"] == 3).all()
    assert (split["family_rank"] == 1).all()
    assert (split["family_revenue"] == 2_000_000.0).all()
    by = split.set_index("account_id")
    # 2020-01-01 -> 2026-06-30: 6 years with two leap days (2192) + 180 days = 2372.
    assert by.loc["1", "tenure_days"] == 2372
    assert by.loc["4", "tenure_days"] == 60  # 2026-05-01 -> 2026-06-30
    assert bool(by.loc["4", "new_rep"])
    assert not bool(by.loc["1", "new_rep"])
    assert pd.isna(by.loc["3", "tenure_days"])  # u2 has no start date
    assert pd.isna(by.loc["3", "new_rep"])
    assert by.loc["4", "owner_name"] == "Cy Newcomer"
    # Strict cut: 60 days is not new when new_rep_days is 60.
    strict = h.split_ownership(accounts, users, as_of=AS_OF, tree=tree, new_rep_days=60)
    assert not bool(strict.set_index("account_id").loc["4", "new_rep"])


def test_split_ownership_without_users(accounts, tree):
    split = h.split_ownership(accounts, None, as_of=AS_OF, tree=tree)
    assert split["account_id"].tolist() == ["1", "2", "3", "4"]
    assert split["tenure_days"].isna().all()
    assert split["family_rank"].isna().all()

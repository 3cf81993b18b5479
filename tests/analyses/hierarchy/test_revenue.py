"""Tests for workbook.analyses.hierarchy.revenue: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import hierarchy as h

AS_OF = pd.Timestamp("2026-06-30")
START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_account_revenue_boundaries_and_exclusions(opps):
    got = h.account_revenue(opps, start=START, end=END).set_index("account_id")["revenue"]
    # 4: only o5 (o6 the day before, o7 the day after are out); 10: o1 (o8 lost);
    # 20: o10 (o9 open, o11 previous period); 30 has nothing in the period.
    assert got.to_dict() == {
        "1": 500_000.0,
        "10": 1_000_000.0,
        "2": 600_000.0,
        "20": 300_000.0,
        "3": 400_000.0,
        "4": 500_000.0,
        "77": 123.0,
    }


def test_revenue_basis_counts_every_exclusion(accounts, opps):
    assert h.revenue_basis(opps, accounts, start=START, end=END) == {
        "won_in_period": 7,  # o1..o5, o10, o13
        "won_before_period": 3,  # o6, o11, o12
        "won_after_period": 1,  # o7
        "lost": 1,
        "open": 1,
        "won_missing_amount": 0,
        "won_unknown_account": 1,  # o13
    }


def test_family_revenue_rolls_up_every_member(accounts, opps, tree):
    fam = h.family_revenue(accounts, opps, start=START, end=END, tree=tree).set_index("root_id")
    assert fam.loc["1", "revenue"] == 2_000_000.0  # 500k + 600k + 400k + 500k
    assert fam.loc["1", "member_accounts"] == 4
    assert fam.loc["1", "buying_accounts"] == 4
    assert fam.loc["30", "revenue"] == 0.0
    assert fam.loc["30", "buying_accounts"] == 0
    # Known-account revenue only: 3.3M (the 123 on unknown account 77 is counted apart).
    assert fam["revenue"].sum() == 3_300_000.0

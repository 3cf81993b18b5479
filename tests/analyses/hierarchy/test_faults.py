"""Tests for workbook.analyses.hierarchy.faults: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import hierarchy as h
from workbook.core.families import ultimate_parents

AS_OF = pd.Timestamp("2026-06-30")
START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_hierarchy_faults_named(make_accounts):
    accounts = make_accounts(
        [
            ("1", "A", "3", "u"),
            ("2", "B", "1", "u"),
            ("3", "C", "2", "u"),
            ("4", "Hanger", "3", "u"),
            ("5", "Self", "5", "u"),
            ("6", "Lost", "404", "u"),
            ("7", "Top", None, "u"),
            ("8", "Mid", "7", "u"),
            ("9", "Low", "8", "u"),
        ]
    )
    tree = ultimate_parents(accounts)
    faults = h.hierarchy_faults(accounts, tree)
    assert faults["account_id"].tolist() == ["1", "2", "3", "5", "6"]
    assert faults["issue"].tolist() == ["cycle"] * 4 + ["missing_parent"]
    assert faults.set_index("account_id").loc["6", "name"] == "Lost"
    assert faults.set_index("account_id").loc["2", "root_name"] == "A"
    assert h.max_depth(tree) == 2  # 9 -> 8 -> 7

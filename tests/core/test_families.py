"""Tests for workbook.core.families: ultimate parents on hand-built hierarchies, plus properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.analyses.hierarchy import family_revenue
from workbook.core.families import hierarchy_issues, ultimate_parents


def _accounts(pairs):
    """pairs: (account_id, parent_id or None)."""
    frame = pd.DataFrame(pairs, columns=["account_id", "parent_id"], dtype=object)
    return frame.astype("str").assign(
        parent_id=lambda f: f["parent_id"].where(f["parent_id"] != "None")
    )


def _by_id(tree):
    return tree.set_index("account_id")


def test_chain():
    tree = _by_id(ultimate_parents(_accounts([("4", "3"), ("3", "2"), ("2", "1"), ("1", None)])))
    assert tree["root_id"].tolist() == ["1", "1", "1", "1"]
    assert tree["depth"].tolist() == [3, 2, 1, 0]
    assert tree["issue"].isna().all()
    assert tree["family_size"].tolist() == [4, 4, 4, 4]


def test_forest_without_diamonds():
    # Two trees: a -> {b, c}, c -> d; and e -> f; plus a lone account g.
    accounts = _accounts(
        [("a", None), ("b", "a"), ("c", "a"), ("d", "c"), ("e", None), ("f", "e"), ("g", None)]
    )
    tree = _by_id(ultimate_parents(accounts))
    assert tree["root_id"].to_dict() == {
        "a": "a",
        "b": "a",
        "c": "a",
        "d": "a",
        "e": "e",
        "f": "e",
        "g": "g",
    }
    assert tree["depth"].to_dict() == {"a": 0, "b": 1, "c": 1, "d": 2, "e": 0, "f": 1, "g": 0}
    assert tree["family_size"].to_dict() == {"a": 4, "b": 4, "c": 4, "d": 4, "e": 2, "f": 2, "g": 1}
    assert hierarchy_issues(ultimate_parents(accounts)).empty


def test_three_cycle_with_a_branch():
    # 5 -> 7 -> 6 -> 5 is a cycle; 8 hangs off 6 and 9 off 8.
    accounts = _accounts([("5", "7"), ("7", "6"), ("6", "5"), ("8", "6"), ("9", "8")])
    tree = _by_id(ultimate_parents(accounts))
    # Root: the smallest id on the cycle.
    assert (tree["root_id"] == "5").all()
    # The cycle is flagged; the branch leading into it is not.
    assert tree["issue"].fillna("").to_dict() == {
        "5": "cycle",
        "7": "cycle",
        "6": "cycle",
        "8": "",
        "9": "",
    }
    assert tree["depth"].isna().all()
    assert (tree["family_size"] == 5).all()
    issues = hierarchy_issues(ultimate_parents(accounts))
    assert issues["account_id"].tolist() == ["5", "6", "7"]
    assert issues["detail"].str.contains("cycle of 3 account").all()


def test_cycle_root_compares_integer_ids_numerically():
    # Text order would pick "10"; numerically 9 is the smallest.
    tree = _by_id(ultimate_parents(_accounts([("10", "9"), ("9", "100"), ("100", "10")])))
    assert (tree["root_id"] == "9").all()


def test_self_parent_is_a_cycle_of_one():
    tree = _by_id(ultimate_parents(_accounts([("1", "1"), ("2", "1"), ("3", None)])))
    assert tree.loc["1", "root_id"] == "1"
    assert tree.loc["1", "issue"] == "cycle"
    assert tree.loc["2", "root_id"] == "1"
    assert pd.isna(tree.loc["2", "issue"])
    assert tree.loc["3", "root_id"] == "3"


def test_missing_parent_is_its_own_root():
    accounts = _accounts([("1", "404"), ("2", "1"), ("3", None)])
    tree = _by_id(ultimate_parents(accounts))
    assert tree.loc["1", "root_id"] == "1"
    assert tree.loc["1", "issue"] == "missing_parent"
    assert tree.loc["1", "depth"] == 0
    assert tree.loc["2", "root_id"] == "1"
    assert tree.loc["2", "depth"] == 1
    assert pd.isna(tree.loc["2", "issue"])
    issues = hierarchy_issues(ultimate_parents(accounts))
    assert issues.to_dict("records") == [
        {
            "account_id": "1",
            "issue": "missing_parent",
            "detail": "parent_id 404 is not among the accounts",
        }
    ]


# --------------------------------------------------------------------------- properties
@st.composite
def hierarchies(draw):
    """Random accounts: each parent is none, another account, itself or a missing id."""
    n = draw(st.integers(min_value=1, max_value=40))
    choice = st.one_of(
        st.none(),
        st.integers(min_value=0, max_value=n - 1),
        st.just(-1),  # missing parent
    )
    parents = draw(st.lists(choice, min_size=n, max_size=n))
    amounts = draw(st.lists(st.integers(min_value=0, max_value=10_000), min_size=n, max_size=n))
    ids = [str(i) for i in range(n)]
    parent_ids = [None if p is None else ("999999" if p == -1 else str(p)) for p in parents]
    return _accounts(list(zip(ids, parent_ids, strict=True))), amounts


@settings(max_examples=100, deadline=None)
@given(hierarchies())
def test_every_root_is_parentless_on_a_cycle_or_missing_parent(data):
    accounts, amounts = data
    tree = ultimate_parents(accounts)
    by_id = tree.set_index("account_id")
    roots = by_id.loc[tree["root_id"]]
    has_no_parent = roots["parent_id"].isna().to_numpy()
    on_cycle = (roots["issue"] == "cycle").fillna(False).to_numpy()
    missing = (roots["issue"] == "missing_parent").fillna(False).to_numpy()
    assert (has_no_parent | on_cycle | missing).all()
    # A root is its own root, and family sizes count the members.
    assert (by_id.loc[tree["root_id"], "root_id"].to_numpy() == tree["root_id"].to_numpy()).all()
    assert (
        tree["family_size"].to_numpy()
        == tree.groupby("root_id")["account_id"].transform("size").to_numpy()
    ).all()


@settings(max_examples=100, deadline=None)
@given(hierarchies())
def test_family_revenue_sums_to_total_revenue(data):
    accounts, amounts = data
    opportunities = pd.DataFrame(
        {
            "opportunity_id": [f"o{i}" for i in range(len(amounts))],
            "account_id": accounts["account_id"],
            "close_date": pd.Timestamp("2026-01-01"),
            "is_closed": pd.array([True] * len(amounts), dtype="boolean"),
            "is_won": pd.array([True] * len(amounts), dtype="boolean"),
            "amount": np.asarray(amounts, dtype="float64"),
        }
    )
    fam = family_revenue(accounts, opportunities, start="2025-07-01", end="2026-06-30")
    assert fam["revenue"].sum() == float(sum(amounts))
    assert fam["member_accounts"].sum() == len(accounts)


def test_pointer_jumping_handles_long_chains():
    # Depth 2,000: a recursive walk would hit Python's recursion limit.
    n = 2_000
    ids = [str(i) for i in range(n)]
    accounts = _accounts([(ids[i], ids[i - 1] if i else None) for i in range(n)])
    tree = ultimate_parents(accounts)
    assert (tree["root_id"] == "0").all()
    assert tree["depth"].max() == n - 1

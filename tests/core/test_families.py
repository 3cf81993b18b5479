"""Tests for workbook.core.families: ultimate parents on hand-built hierarchies, plus properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.analyses.hierarchy import family_revenue
from workbook.core.families import (
    TREE_COLUMNS,
    FamilyTrees,
    hierarchy_issues,
    id_order,
    same_hierarchy,
    ultimate_parents,
)


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


# --------------------------------------------------------------------------- every engine
def _walk(pairs):
    """Reference answer by walking parents one step at a time (a test oracle, O(n^2))."""
    ids = [a for a, _ in pairs]
    parent = dict(pairs)
    order = (
        sorted(ids, key=int) if all(i.strip().lstrip("+-").isdigit() for i in ids) else sorted(ids)
    )
    out = {}
    for start in ids:
        path, node = [], start
        while node not in path:
            path.append(node)
            nxt = parent[node]
            if nxt is None or nxt not in parent:
                out[start] = (node, len(path) - 1)
                break
            node = nxt
        else:  # node repeats: path[path.index(node):] is the cycle
            cycle = path[path.index(node) :]
            out[start] = (min(cycle, key=order.index), None)
    return out


def test_every_rule_on_every_engine(any_engine):
    # 1 <- 2 <- 3 (chain); 5 -> 7 -> 6 -> 5 (cycle) with 8 -> 6; 9 self-parent with 11 -> 9;
    # 12 -> 404 (missing parent) with 13 -> 12; 14 alone.
    pairs = [
        ("1", None), ("2", "1"), ("3", "2"),
        ("5", "7"), ("7", "6"), ("6", "5"), ("8", "6"),
        ("9", "9"), ("11", "9"),
        ("12", "404"), ("13", "12"),
        ("14", None),
    ]  # fmt: skip
    tree = ultimate_parents(_accounts(pairs), engine=any_engine)
    assert tree["account_id"].tolist() == [a for a, _ in pairs]  # input order kept
    assert tree["root_id"].tolist() == [
        "1", "1", "1", "5", "5", "5", "5", "9", "9", "12", "12", "14"
    ]  # fmt: skip
    assert tree["depth"].tolist() == [0, 1, 2, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, 0, 1, 0]
    assert tree["issue"].fillna("").tolist() == [
        "", "", "", "cycle", "cycle", "cycle", "", "cycle", "", "missing_parent", "", ""
    ]  # fmt: skip
    assert tree["family_size"].tolist() == [3, 3, 3, 4, 4, 4, 4, 2, 2, 2, 2, 1]
    assert [str(t) for t in tree.dtypes] == ["string", "string", "str", "Int64", "string", "int64"]


def test_deep_chain_of_40_on_every_engine(any_engine):
    # 40 <- 39 <- ... <- 0 listed leaf first: depth of account i is i.
    pairs = [(str(i), str(i - 1) if i else None) for i in reversed(range(41))]
    tree = ultimate_parents(_accounts(pairs), engine=any_engine).set_index("account_id")
    assert (tree["root_id"] == "0").all()
    assert tree.loc["40", "depth"] == 40
    assert tree["depth"].tolist() == list(reversed(range(41)))
    assert (tree["family_size"] == 41).all()


def test_a_long_cycle_gets_its_smallest_id_whatever_the_entry(any_engine):
    # A 33-cycle 100 -> 101 -> ... -> 132 -> 100 entered from a tail 200 -> 201 -> 132.
    ring = [(str(100 + i), str(100 + (i + 1) % 33)) for i in range(33)]
    tail = [("200", "201"), ("201", "132")]
    tree = ultimate_parents(_accounts(tail + ring), engine=any_engine).set_index("account_id")
    assert (tree["root_id"] == "100").all()
    assert tree.loc[["200", "201"], "issue"].isna().all()
    assert (tree.loc[[a for a, _ in ring], "issue"] == "cycle").all()


def test_id_order_integers_text_and_ties(any_engine):
    # All integers (blanks and signs allowed): numeric; "7" and "07" tie and keep input order.
    assert id_order(pd.Series(["10", " 9", "07", "+7", "-1"]), engine=any_engine).tolist() == [
        4, 3, 1, 2, 0
    ]  # fmt: skip
    # One non-integer id: text (code point) order for all: "10" < "9" < "a" < "ä".
    assert id_order(pd.Series(["9", "10", "ä", "a"]), engine=any_engine).tolist() == [1, 0, 3, 2]
    # A 19-digit id is not an "integer" id (it may not fit 64 bits): text order.
    assert id_order(pd.Series(["9", "1000000000000000000"]), engine=any_engine).tolist() == [1, 0]


def test_cycle_root_uses_the_numeric_order(any_engine):
    tree = ultimate_parents(
        _accounts([("10", "9"), ("9", "100"), ("100", "10")]), engine=any_engine
    )
    assert (tree["root_id"] == "9").all()
    # With a text id in the book the same cycle compares as text: "10" < "100" < "9".
    tree = ultimate_parents(
        _accounts([("10", "9"), ("9", "100"), ("100", "10"), ("x", None)]), engine=any_engine
    )
    assert tree["root_id"].tolist() == ["10", "10", "10", "x"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=hierarchies())
def test_tree_equals_a_step_by_step_walk_on_every_engine(any_engine, data):
    # one engine serves every example: each registers its own accounts frame
    accounts, _ = data
    pairs = list(zip(accounts["account_id"], accounts["parent_id"].astype(object), strict=True))
    pairs = [(a, None if pd.isna(p) else p) for a, p in pairs]
    tree = ultimate_parents(accounts, engine=any_engine)
    want = _walk(pairs)
    assert tree["root_id"].tolist() == [want[a][0] for a, _ in pairs]
    got_depth = [None if pd.isna(d) else int(d) for d in tree["depth"]]
    assert got_depth == [want[a][1] for a, _ in pairs]


def test_empty_accounts_give_an_empty_tree():
    tree = ultimate_parents(_accounts([]).reindex(columns=["account_id", "parent_id"]))
    assert tree.columns.tolist() == TREE_COLUMNS
    assert len(tree) == 0


def test_same_hierarchy_compares_ids_and_parents_row_by_row():
    accounts = _accounts([("1", None), ("2", "1"), ("3", "2")]).astype("string")
    moved = accounts.set_axis([10, 11, 12])  # another index, the same rows
    assert same_hierarchy(accounts, accounts)
    assert same_hierarchy(accounts, moved.copy())
    assert same_hierarchy(accounts, accounts.assign(name=["a", "b", "c"]))  # other columns unread
    orphan = accounts.copy()
    orphan.loc[2, "parent_id"] = pd.NA  # a cut that blanks a parent
    assert not same_hierarchy(accounts, orphan)
    assert not same_hierarchy(accounts, accounts.iloc[:2])  # a cut that drops an account
    assert not same_hierarchy(accounts, accounts.iloc[[1, 0, 2]])  # the same rows, reordered
    assert not same_hierarchy(accounts, accounts.astype(object))  # another dtype: not assumed


def test_family_trees_computes_once_per_hierarchy():
    accounts = _accounts([("1", None), ("2", "1"), ("3", "2"), ("4", None)])
    trees = FamilyTrees()
    first = trees(accounts)
    assert trees(accounts.copy()) is first  # equal table: the kept tree
    cut = accounts.copy()
    cut.loc[2, "parent_id"] = None  # "3" loses its parent at the cut
    other = trees(cut)
    assert other is not first
    assert other.set_index("account_id")["root_id"].to_dict() == {
        "1": "1",
        "2": "1",
        "3": "3",
        "4": "4",
    }
    pd.testing.assert_frame_equal(other, ultimate_parents(cut))
    assert trees(cut.copy()) is other
    given_tree = ultimate_parents(accounts.iloc[:3])
    trees.add(accounts.iloc[:3], given_tree)
    assert trees(accounts.iloc[:3].copy()) is given_tree

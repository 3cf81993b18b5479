"""Tests for workbook.analyses.hierarchy.ranking: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import hierarchy as h

AS_OF = pd.Timestamp("2026-06-30")
START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_naive_top(accounts, opps, tree):
    naive = h.naive_top(accounts, opps, start=START, end=END, tree=tree)
    assert naive.columns.tolist() == ["rank", "account_id", "name", "revenue", "root_account_id"]
    # 1 and 4 tie on 500k: 1 first (smaller id).
    assert naive["account_id"].tolist() == ["10", "2", "1", "4", "3", "20"]
    assert naive["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert naive["root_account_id"].tolist() == ["10", "1", "1", "1", "1", "20"]
    assert naive.loc[4, "name"] == "We <3 Dogs"


def test_top_customers_contract_and_best_member_rank(accounts, opps, tree):
    top = h.top_customers(accounts, opps, start=START, end=END, tree=tree)
    # The export contract of top_customers.csv, in the order; extras follow.
    assert top.columns.tolist() == [
        "rank",
        "account_id",
        "name",
        "revenue",
        "member_accounts",
        "best_member_naive_rank",
        "buying_accounts",
        "best_member_id",
        "best_member_name",
    ]
    assert top["account_id"].tolist() == ["1", "10", "20"]  # 30 has no revenue: unranked
    assert top["rank"].tolist() == [1, 2, 3]
    assert top["name"].tolist() == ["Dogs Extraordinaire", "GalacticSpace", "Solo"]
    assert top["revenue"].tolist() == [2_000_000.0, 1_000_000.0, 300_000.0]
    assert top["member_accounts"].tolist() == [4, 1, 1]
    # Family 1's best member is account 2 (naive #2); Solo was naive #6.
    assert top["best_member_naive_rank"].tolist() == [2, 1, 6]
    assert top["best_member_name"].tolist() == ["Dogs Europe", "GalacticSpace", "Solo"]


def test_ties_broken_by_root_id_numerically(make_accounts, make_opps):
    accounts = make_accounts(
        [("9", "Nine", None, "u"), ("10", "Ten", None, "u"), ("100", "C", "9", "u")]
    )
    opps = make_opps(
        [
            ("a", "10", "2026-01-01", True, True, 50.0),
            ("b", "100", "2026-01-01", True, True, 50.0),
        ]
    )
    top = h.top_customers(accounts, opps, start=START, end=END)
    # Text order would put "10" before "9"; ids are integers so 9 < 10.
    assert top["account_id"].tolist() == ["9", "10"]
    naive = h.naive_top(accounts, opps, start=START, end=END)
    assert naive["account_id"].tolist() == ["10", "100"]
    assert top["best_member_naive_rank"].tolist() == [2, 1]


def test_ties_broken_by_text_when_ids_are_not_all_integers(make_accounts, make_opps):
    accounts = make_accounts([("b", "B", None, "u"), ("a", "A", None, "u"), ("10", "T", None, "u")])
    opps = make_opps([(x, x, "2026-01-01", True, True, 5.0) for x in ["b", "a", "10"]])
    top = h.top_customers(accounts, opps, start=START, end=END)
    assert top["account_id"].tolist() == ["10", "a", "b"]


def test_rank_shift_climbers_and_fallers(accounts, opps, tree):
    top = h.top_customers(accounts, opps, start=START, end=END, tree=tree)
    naive = h.naive_top(accounts, opps, start=START, end=END, tree=tree)
    shift = h.rank_shift(top, naive, top_n=2).set_index("account_id")
    # Naive top 2: accounts 10 and 2 (family 1); corrected top 2: families 1 and 10.
    assert shift.index.tolist() == ["1", "10"]
    assert shift.loc["1", "rank_change"] == 1  # naive #2 -> #1
    assert shift.loc["1", "movement"] == "climbs"
    assert shift.loc["10", "rank_change"] == -1  # naive #1 -> #2
    assert shift.loc["10", "movement"] == "falls"
    assert shift.loc["1", "best_member_revenue"] == 600_000.0
    # With top_n=6, Solo (naive #6 -> corrected #3) also appears and climbs by 3.
    wide = h.rank_shift(top, naive, top_n=6).set_index("account_id")
    assert wide.loc["20", "rank_change"] == 3
    assert bool(wide.loc["20", "in_corrected_top"])


def test_concentration_pareto(accounts, opps, tree):
    top = h.top_customers(accounts, opps, start=START, end=END, tree=tree)
    conc = h.concentration(top, top_n=2)
    # Total 3.3M: 2.0/3.3, then (2.0+1.0)/3.3, then 1.
    assert conc["share"].round(6).tolist() == [0.606061, 0.30303, 0.090909]
    assert conc["cumulative_share"].round(6).tolist() == [0.606061, 0.909091, 1.0]
    assert conc["family_share"].round(6).tolist() == [0.333333, 0.666667, 1.0]
    assert conc["in_top_n"].tolist() == [True, True, False]
    assert h.top_n_share(conc, 2) == pytest.approx(3.0 / 3.3)
    assert h.top_n_share(conc, 50) == pytest.approx(1.0)


def test_top_customers_keyed_with_the_naive_ranking_given(accounts, opps, tree):
    from workbook.analyses.hierarchy.ranking import id_rank, naive_top_keyed, top_customers_keyed

    window = {"start": START, "end": END, "tree": tree, "key": id_rank(tree)}
    naive = naive_top_keyed(accounts, opps, **window)
    pd.testing.assert_frame_equal(
        naive, h.naive_top(accounts, opps, start=START, end=END, tree=tree)
    )
    pd.testing.assert_frame_equal(
        top_customers_keyed(accounts, opps, naive=naive, **window),
        h.top_customers(accounts, opps, start=START, end=END, tree=tree),
    )

"""Whitespace report: hand-built fixtures with the expected numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def _accounts(rows):
    frame = pd.DataFrame(rows, columns=["account_id", "name", "parent_id", "owner_id", "industry"])
    return frame.astype(
        {
            "account_id": "str",
            "name": "str",
            "parent_id": "str",
            "owner_id": "str",
            "industry": "str",
        }
    )


def _products(rows):
    frame = pd.DataFrame(rows, columns=["product_id", "name", "family", "list_price"])
    return frame.astype({"product_id": "str", "name": "str", "family": "str", "list_price": float})


def _purchases(rows):
    frame = pd.DataFrame(rows, columns=["account_id", "product_id", "purchased_at", "amount"])
    frame["purchased_at"] = pd.to_datetime(frame["purchased_at"], format="ISO8601").astype(
        "datetime64[ns]"
    )
    return frame.astype({"account_id": "str", "product_id": "str", "amount": float})


@pytest.fixture
def book():
    """Family of 4 under P1 plus the single-account family S1.

    P1 (PupsRUs, root) <- P2 (We <3 Dogs) <- P4; P1 <- P3.
    Owned on 2024-06-30: P1: T, U; P3: T; S1: T, V. Nobody owns N.
    """
    accounts = _accounts(
        [
            ("P1", "PupsRUs", None, "u9", "Pets"),
            ("P2", "We <3 Dogs", "P1", "u1", "Pets"),
            ("P3", "Pup Retail 株式会社", "P1", "u2", "Retail"),
            ("P4", "Pup Four", "P2", "u1", None),
            ("S1", "Solo", None, "u9", "Pets"),
        ]
    )
    products = _products(
        [
            ("T", "The Tangerine1000", "Fruit", 1000.0),
            ("U", "Umbrella", "Rain", 500.0),
            ("N", "Nobody", "Rain", 300.0),
            ("V", "Vet kit", "Care", 200.0),
        ]
    )
    purchases = _purchases(
        [
            ("P1", "T", "2024-01-10", 1200.0),
            ("P1", "T", "2024-01-10", 1200.0),  # exact duplicate: counted once
            ("P3", "T", "2024-03-01", 800.0),
            ("P3", "T", "2024-05-01", 400.0),  # repeat purchase: its own purchase amount
            ("P2", "T", "2024-07-15", 999.0),  # after as_of: ignored, P2 has a gap
            ("P1", "U", "2024-02-01", None),  # no amount: U falls back to list price
            ("S1", "V", "2024-05-01", 250.0),
            ("S1", "T", "2024-06-30 15:00", 1000.0),  # on the as_of day: counts
            ("S1", "ZZ", "2024-05-01", 10.0),  # unknown product
        ]
    )
    users = pd.DataFrame({"owner_id": ["u1", "u2", "u9"], "name": ["Ann", "Bo", "Cy"]}).astype(
        "str"
    )
    return accounts, purchases, products, users


def _gap(gaps, account, product):
    row = gaps[(gaps["account_id"] == account) & (gaps["product_id"] == product)]
    assert len(row) == 1, (account, product, len(row))
    return row.iloc[0]


# ----------------------------------------------------------------------------- ownership
def test_ownership_counts_repeated_rows_once_and_ignores_rows_after_as_of(book):
    _, purchases, _, _ = book
    owned = ws.ownership(purchases, as_of=AS_OF)
    pairs = set(zip(owned["account_id"], owned["product_id"], strict=True))
    assert pairs == {("P1", "T"), ("P1", "U"), ("P3", "T"), ("S1", "T"), ("S1", "V"), ("S1", "ZZ")}
    p1t = owned[(owned["account_id"] == "P1") & (owned["product_id"] == "T")].iloc[0]
    assert p1t["purchase_rows"] == 1 and p1t["amount"] == 1200.0
    p3t = owned[(owned["account_id"] == "P3") & (owned["product_id"] == "T")].iloc[0]
    assert p3t["purchase_rows"] == 2 and p3t["amount"] == 1200.0
    assert p3t["first_purchased_at"] == pd.Timestamp("2024-03-01")
    assert p3t["last_purchased_at"] == pd.Timestamp("2024-05-01")
    assert math.isnan(owned[owned["product_id"] == "U"].iloc[0]["amount"])


def test_purchase_exclusions_are_counted(book):
    accounts, purchases, products, _ = book
    ex = ws.purchase_exclusions(purchases, as_of=AS_OF, accounts=accounts, products=products)
    counts = dict(zip(ex["reason"], ex["rows"], strict=True))
    assert counts == {
        "missing_key": 0,
        "after_as_of": 1,
        "duplicate_row": 1,
        "unknown_account": 0,
        "unknown_product": 1,
        "repeat_purchase": 1,
    }
    assert set(ex.loc[ex["effect"] == "collapsed", "reason"]) == {"repeat_purchase"}
    # Without the catalogue the unknown product cannot be detected.
    bare = ws.purchase_exclusions(purchases, as_of=AS_OF)
    assert dict(zip(bare["reason"], bare["rows"], strict=True))["unknown_product"] == 0


# ----------------------------------------------------------------------------- gaps
def test_sibling_gaps_exact_rows_and_numbers(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    assert list(gaps.columns[:8]) == ws.GAP_COLUMNS
    # T owned by P1, P3 in the family; U by P1. N (nobody) and V (other family) give no gaps;
    # S1 is a single-account family: no gaps.
    assert set(zip(gaps["account_id"], gaps["product_id"], strict=True)) == {
        ("P2", "T"),
        ("P4", "T"),
        ("P2", "U"),
        ("P3", "U"),
        ("P4", "U"),
    }
    assert (gaps["family_id"] == "P1").all()
    assert (gaps["family_members"] == 4).all()

    p2t = _gap(gaps, "P2", "T")
    assert p2t["siblings_owning"] == 2
    assert p2t["peer_adoption"] == pytest.approx(2 / 3)  # Pets: P1, P2, S1; owners P1, S1
    # T purchase rows up to as_of: P1 1200 (its duplicate once), P3 800 and 400, S1 1000
    # (P2's 999 is after as_of). Sorted 400, 800, 1000, 1200 -> median (800 + 1000) / 2 = 900.
    assert p2t["expected_value"] == 900.0
    assert p2t["value_source"] == "purchases"
    # p0 = 3/5; sibling_rate = (2 + 2*0.6) / (3 + 2) = 0.64;
    # likelihood = (0.64 + 2/3) / 2 = 0.98/1.5 = 0.65333; priority = 0.65333 * 900 = 588
    assert p2t["book_adoption"] == pytest.approx(0.6)
    assert p2t["sibling_rate"] == pytest.approx(0.64)
    assert p2t["likelihood"] == pytest.approx(0.98 / 1.5)
    assert p2t["priority"] == pytest.approx(588.0)

    p4t = _gap(gaps, "P4", "T")
    assert math.isnan(p4t["peer_adoption"])  # missing industry: no peer group
    # p0 = 0.6 stands in for the peer rate: (0.64 + 0.6) / 2 = 0.62; 0.62 * 900 = 558
    assert p4t["priority"] == pytest.approx(558.0)

    p2u = _gap(gaps, "P2", "U")
    assert p2u["siblings_owning"] == 1
    assert p2u["peer_adoption"] == pytest.approx(1 / 3)
    assert p2u["expected_value"] == 500.0  # no amount among owners -> list price
    assert p2u["value_source"] == "list_price"
    # p0 = 1/5; sibling_rate = (1 + 2*0.2) / 5 = 0.28;
    # priority = (0.28 + 1/3) / 2 * 500 = 0.92/6 * 500 = 460/3 = 153.33
    assert p2u["priority"] == pytest.approx(460 / 3)

    p3u = _gap(gaps, "P3", "U")
    assert p3u["peer_adoption"] == 0.0  # Retail: P3 alone
    assert p3u["priority"] == pytest.approx(70.0)  # (0.28 + 0) / 2 * 500
    # P4-U: no industry, p0 = 0.2 stands in: (0.28 + 0.2) / 2 * 500 = 120

    assert list(gaps["priority"].round(2)) == [588.0, 558.0, 153.33, 120.0, 70.0]
    assert _gap(gaps, "P2", "T")["account_name"] == "We <3 Dogs"
    assert _gap(gaps, "P2", "T")["family_name"] == "PupsRUs"


def test_expected_value_is_median_purchase_amount_not_median_owner_total():
    # Family F0 <- F1, F2, F3, F4 (5 members, no industry). Product Q:
    #   F0 buys 100 and renews for 100 (two rows), F1 buys 300, F2 buys 400, F3 has a row
    #   without amount (owns Q, adds no value), F4 has no row -> F4 is the only gap.
    #   Per purchase row: 100, 100, 300, 400 -> median (100 + 300) / 2 = 200.
    #   (Per owner total: F0 200, F1 300, F2 400 -> median 300, the old definition.)
    # Product R: one row for F0 with a negative amount -50 (a credit, used as given) -> -50.
    # Product L: F0 owns it with no amount -> list price 70. Product Z: F0 owns it, neither
    # amount nor list price -> NaN, source "none".
    accounts = _accounts(
        [("F0", "Root", None, "u", None)]
        + [(f"F{i}", f"M{i}", "F0", "u", None) for i in range(1, 5)]
    )
    products = _products(
        [
            ("Q", "Q", "F", 999.0),
            ("R", "R", "F", 10.0),
            ("L", "L", "F", 70.0),
            ("Z", "Z", "F", None),
        ]
    )
    purchases = _purchases(
        [
            ("F0", "Q", "2024-01-01", 100.0),
            ("F0", "Q", "2024-02-01", 100.0),  # a renewal: a second purchase, not a duplicate
            ("F1", "Q", "2024-01-01", 300.0),
            ("F2", "Q", "2024-01-01", 400.0),
            ("F3", "Q", "2024-01-01", None),
            ("F4", "Q", "2024-07-01", 5000.0),  # after as_of: neither ownership nor value
            ("F0", "R", "2024-01-01", -50.0),
            ("F0", "L", "2024-01-01", None),
            ("F0", "Z", "2024-01-01", None),
        ]
    )
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    q = _gap(gaps, "F4", "Q")
    assert q["siblings_owning"] == 4
    assert q["expected_value"] == 200.0
    assert q["value_source"] == "purchases"
    # p0 = 4/5 = 0.8; sibling_rate = (4 + 2*0.8) / (4 + 2) = 5.6/6; no industry -> peer = p0;
    # likelihood = (5.6/6 + 0.8) / 2 = 5.2/6; priority = 5.2/6 * 200 = 173.33
    assert q["priority"] == pytest.approx(5.2 / 6 * 200)
    r = _gap(gaps, "F1", "R")
    assert (r["expected_value"], r["value_source"]) == (-50.0, "purchases")
    lp = _gap(gaps, "F1", "L")
    assert (lp["expected_value"], lp["value_source"]) == (70.0, "list_price")
    z = _gap(gaps, "F1", "Z")
    assert math.isnan(z["expected_value"]) and math.isnan(z["priority"])
    assert z["value_source"] == "none"
    prod = ws.product_whitespace(accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    assert prod.set_index("product_id").loc["Q", "expected_value"] == 200.0


def test_single_account_family_has_no_gaps(book):
    accounts, purchases, products, _ = book
    solo = accounts[accounts["account_id"] == "S1"]
    gaps = ws.sibling_gaps(solo, purchases, products, as_of=AS_OF)
    assert gaps.empty
    assert list(gaps.columns) == ws.GAP_COLUMNS + ws.GAP_EXTRA_COLUMNS


def test_purchase_after_as_of_matters_when_as_of_moves(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of="2024-07-31")
    # P2 now owns T: its gap disappears and P4's T gap has 3 owning siblings.
    assert ("P2", "T") not in set(zip(gaps["account_id"], gaps["product_id"], strict=True))
    assert _gap(gaps, "P4", "T")["siblings_owning"] == 3


def test_smoothing_keeps_one_of_one_below_nine_of_ten():
    assert ws.smoothed_rate(1, 1, prior_mean=0.5, prior_strength=2) == pytest.approx(2 / 3)
    assert ws.smoothed_rate(9, 10, prior_mean=0.5, prior_strength=2) == pytest.approx(10 / 12)
    # Family A: 2 members, A1 owns Q (1 of 1). Family B: 11 members, 9 own Q (9 of 10 for each gap).
    rows = [("A1", "A one", None, "u", None), ("A2", "A two", "A1", "u", None)]
    rows += [("B0", "B root", None, "u", None)]
    rows += [(f"B{i}", f"B {i}", "B0", "u", None) for i in range(1, 11)]
    accounts = _accounts(rows)
    products = _products([("Q", "Q", "F", 100.0)])
    owners = ["A1"] + [f"B{i}" for i in range(9)]
    purchases = _purchases([(a, "Q", "2024-01-01", 100.0) for a in owners])
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    one_of_one = _gap(gaps, "A2", "Q")
    nine_of_ten = _gap(gaps, "B9", "Q")
    assert (one_of_one["siblings_owning"], one_of_one["family_members"]) == (1, 2)
    assert (nine_of_ten["siblings_owning"], nine_of_ten["family_members"]) == (9, 11)
    # p0 = 10/13: 1-of-1 -> (1 + 20/13)/3 = 0.846; 9-of-10 -> (9 + 20/13)/12 = 0.878
    assert one_of_one["sibling_rate"] == pytest.approx((1 + 20 / 13) / 3)
    assert nine_of_ten["sibling_rate"] == pytest.approx((9 + 20 / 13) / 12)
    assert nine_of_ten["priority"] > one_of_one["priority"]
    # Without smoothing the raw rates (1.0 vs 0.9) would rank them the other way.
    raw = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF, prior_strength=0)
    assert _gap(raw, "A2", "Q")["priority"] > _gap(raw, "B9", "Q")["priority"]


def test_bad_parameters_are_rejected(book):
    accounts, purchases, products, _ = book
    with pytest.raises(ValueError, match="prior_strength"):
        ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF, prior_strength=-1)
    with pytest.raises(ValueError, match="sibling_weight"):
        ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF, sibling_weight=1.5)


# ----------------------------------------------------------------------------- matrix and views
def test_family_matrix_owner_counts(book):
    accounts, purchases, products, _ = book
    matrix = ws.family_matrix(accounts, purchases, products, as_of=AS_OF)
    assert list(matrix.columns) == ws.FAMILY_MATRIX_COLUMNS
    got = {
        (r.family_id, r.product_id): (r.family_members, r.owners, r.gaps)
        for r in matrix.itertuples()
    }
    assert got == {
        ("P1", "T"): (4, 2, 2),
        ("P1", "U"): (4, 1, 3),
        ("S1", "T"): (1, 1, 0),
        ("S1", "V"): (1, 1, 0),
    }
    assert matrix.loc[matrix["product_id"] == "U", "owner_share"].iloc[0] == 0.25


def test_family_grid_marks_owned_and_gaps(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    grid = ws.family_grid("P1", accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    assert list(grid.columns) == ws.GRID_COLUMNS
    assert len(grid) == 8  # 4 members x products owned in the family (T, U)
    assert list(grid["product_id"].iloc[:2]) == ["T", "U"]  # most-owned first
    status = {(r.account_id, r.product_id): r.status for r in grid.itertuples()}
    assert status[("P1", "T")] == "owned" and status[("P2", "T")] == "gap"
    assert sum(s == "gap" for s in status.values()) == 5
    p2t = grid[(grid["account_id"] == "P2") & (grid["product_id"] == "T")].iloc[0]
    assert p2t["priority"] == pytest.approx(588.0)  # see test_sibling_gaps_exact_rows_and_numbers
    assert grid.loc[grid["status"] == "owned", "priority"].isna().all()
    with pytest.raises(KeyError):
        ws.family_grid("P2", accounts, purchases, products, as_of=AS_OF, gaps=gaps)


def test_family_and_product_whitespace_totals(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    fam = ws.family_whitespace(gaps)
    assert len(fam) == 1
    row = fam.iloc[0]
    assert (row["family_id"], row["family_members"], row["accounts_with_gaps"], row["gaps"]) == (
        "P1",
        4,
        3,
        5,
    )
    # Two T gaps at 900 and three U gaps at the list price 500: 1800 + 1500 = 3300.
    assert row["whitespace_value"] == 2 * 900 + 3 * 500
    # Priorities 588 + 558 + 460/3 + 120 + 70 = 1336 + 153.33 = 1489.33
    assert row["priority_total"] == pytest.approx(588 + 558 + 460 / 3 + 120 + 70)

    prod = ws.product_whitespace(accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    # Whitespace T 2 * 900 = 1800 > U 3 * 500 = 1500 > N = V = 0 (tie broken by product_id).
    assert list(prod["product_id"]) == ["T", "U", "N", "V"]
    t = prod.iloc[0]
    assert (t["owners"], t["gaps"], t["families_with_gaps"]) == (3, 2, 1)
    assert t["expected_value"] == 900.0
    assert t["whitespace_value"] == 1800.0
    assert t["priority_total"] == pytest.approx(588.0 + 558.0)
    n = prod[prod["product_id"] == "N"].iloc[0]
    assert (n["owners"], n["gaps"], n["whitespace_value"]) == (0, 0, 0.0)
    assert n["expected_value"] == 300.0  # nobody bought it: list price


# ----------------------------------------------------------------------------- peers
def test_peer_whitespace_only_accounts_without_family_gaps(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    peers = ws.peer_whitespace(
        accounts, purchases, products, as_of=AS_OF, gaps=gaps, min_peer_adoption=0.3
    )
    assert list(peers.columns) == ws.PEER_COLUMNS
    # Accounts without gaps: P1 and S1 (both Pets: P1, P2, S1). Pets adoption T 2/3, U 1/3, V 1/3.
    assert list(zip(peers["account_id"], peers["product_id"], strict=True)) == [
        ("S1", "U"),  # 1/3 * 500
        ("P1", "V"),  # 1/3 * 250 (V: S1's single purchase of 250)
    ]
    assert list(peers["industry_owners"]) == [1, 1]
    assert list(peers["industry_accounts"]) == [3, 3]
    assert peers["peer_value"].tolist() == pytest.approx([500 / 3, 250 / 3])
    stricter = ws.peer_whitespace(
        accounts, purchases, products, as_of=AS_OF, gaps=gaps, min_peer_adoption=0.34
    )
    assert stricter.empty


# ----------------------------------------------------------------------------- lift
def test_co_purchase_lift_by_hand():
    accounts = _accounts([(f"A{i}", f"A{i}", None, "u", None) for i in range(1, 6)])
    products = _products([("X", "X", "F", 1.0), ("Y", "Y", "F", 1.0), ("Z", "Z", "F", 1.0)])
    rows = [("A1", "X"), ("A1", "Y"), ("A2", "X"), ("A2", "Y"), ("A3", "Z"), ("A4", "Z")]
    rows += [("A4", "X"), ("A4", "X")]  # repeated row counts once; A5 buys nothing
    purchases = _purchases([(a, p, "2024-01-01", 1.0) for a, p in rows])
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF)
    assert list(lift.columns) == ws.LIFT_COLUMNS
    got = {(r.product_a, r.product_b): r for r in lift.itertuples()}
    assert set(got) == {("X", "Y"), ("Y", "X"), ("X", "Z"), ("Z", "X")}  # Y & Z: never together
    assert (lift["customers"] == 4).all()  # A5 owns nothing: not a customer
    xy = got[("X", "Y")]
    assert (xy.owners_a, xy.owners_b, xy.owners_both) == (3, 2, 2)
    assert xy.support == pytest.approx(0.5)
    assert xy.confidence == pytest.approx(2 / 3)
    assert xy.lift == pytest.approx((2 / 3) / (2 / 4))
    assert got[("Y", "X")].confidence == pytest.approx(1.0)
    assert got[("Y", "X")].lift == pytest.approx(1.0 / (3 / 4))
    assert got[("Z", "X")].lift == pytest.approx((1 / 2) / (3 / 4))
    assert list(lift["lift"].round(4)) == [1.3333, 1.3333, 0.6667, 0.6667]
    strict = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF, min_pair_owners=2)
    assert set(zip(strict["product_a"], strict["product_b"], strict=True)) == {
        ("X", "Y"),
        ("Y", "X"),
    }


# ----------------------------------------------------------------------------- reps
def test_top_gaps_by_owner(book):
    accounts, purchases, products, users = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    top = ws.top_gaps_by_owner(gaps, users=users, top_n=2)
    assert list(top.columns) == ws.OWNER_GAP_COLUMNS
    got = list(zip(top["owner_id"], top["rank"], top["account_id"], top["product_id"], strict=True))
    # u1 owns P2 and P4 (gaps worth 588, 558, 153.3, 120); u2 owns P3 (70).
    assert got == [("u1", 1, "P2", "T"), ("u1", 2, "P4", "T"), ("u2", 1, "P3", "U")]
    assert list(top["owner_name"]) == ["Ann", "Ann", "Bo"]
    with pytest.raises(ValueError):
        ws.top_gaps_by_owner(gaps, top_n=0)


# ----------------------------------------------------------------------------- invariants
@st.composite
def _random_book(draw):
    n = draw(st.integers(1, 12))
    parents = [None] + [
        draw(st.one_of(st.none(), st.sampled_from([f"a{j}" for j in range(i)])))
        for i in range(1, n)
    ]
    industries = [draw(st.sampled_from([None, "x", "y"])) for _ in range(n)]
    accounts = _accounts([(f"a{i}", f"n{i}", parents[i], "u", industries[i]) for i in range(n)])
    products = _products([(f"p{k}", f"p{k}", "F", 10.0) for k in range(4)])
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 3)), min_size=0, max_size=25)
    )
    purchases = _purchases([(f"a{i}", f"p{k}", "2024-01-01", 5.0) for i, k in pairs])
    return accounts, purchases, products


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_book())
def test_gap_invariants(data):
    accounts, purchases, products = data
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    matrix = ws.family_matrix(accounts, purchases, products, as_of=AS_OF)
    owned = ws.ownership(purchases, as_of=AS_OF)
    # One row per gap, equal to the matrix's gap total; no gap is an owned pair.
    assert not gaps.duplicated(["account_id", "product_id"]).any()
    assert len(gaps) == int(matrix["gaps"].sum() if len(matrix) else 0)
    owned_pairs = set(zip(owned["account_id"], owned["product_id"], strict=True))
    gap_pairs = set(zip(gaps["account_id"], gaps["product_id"], strict=True))
    assert not owned_pairs & gap_pairs
    if len(gaps):
        assert (gaps["siblings_owning"] >= 1).all()
        assert (gaps["siblings_owning"] <= gaps["family_members"] - 1).all()
        assert ((gaps["sibling_rate"] > 0) & (gaps["sibling_rate"] <= 1)).all()
        assert np.all(np.diff(gaps["priority"].to_numpy()) <= 1e-9)


# ----------------------------------------------------------------------------- family choice
def _opps(rows):
    frame = pd.DataFrame(rows, columns=["opportunity_id", "account_id", "close_date", "amount"])
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    frame["is_won"] = pd.array([True] * len(frame), dtype="boolean")
    frame["is_closed"] = frame["is_won"]
    return frame.astype({"opportunity_id": "str", "account_id": "str"})


def test_choose_family_default_is_largest_by_revenue(book):
    accounts, _, _, _ = book
    # Family P1 = 300 + 400 in the 12 months to as_of; S1 = 600; the 5000 deal closed too early.
    opps = _opps(
        [
            ("o1", "P2", "2024-03-01", 300.0),
            ("o2", "P4", "2023-07-01", 400.0),  # 2023-07-01 is the first day of the window
            ("o3", "S1", "2024-06-30", 600.0),
            ("o4", "S1", "2023-06-30", 5000.0),  # one day before the window
        ]
    )
    assert ws.choose_family("", accounts, opps, as_of=AS_OF) == "P1"
    bigger = pd.concat([opps, _opps([("o5", "S1", "2024-01-01", 200.0)])], ignore_index=True)
    assert ws.choose_family("", accounts, bigger, as_of=AS_OF) == "S1"
    # An id (root or member) or an exact name picks that account's family.
    assert ws.choose_family("P4", accounts, opps, as_of=AS_OF) == "P1"
    assert ws.choose_family("We <3 Dogs", accounts, opps, as_of=AS_OF) == "P1"
    assert ws.choose_family("Solo", accounts, opps, as_of=AS_OF) == "S1"
    with pytest.raises(ValueError, match="neither"):
        ws.choose_family("Nope", accounts, opps, as_of=AS_OF)


# ----------------------------------------------------------------------------- summary
def _summary(book, *, as_of=AS_OF):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=as_of)
    peers = ws.peer_whitespace(accounts, purchases, products, as_of=as_of, gaps=gaps)
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=as_of)
    figures = ws.summary_figures(
        gaps=gaps,
        peers=peers,
        lift=lift,
        families=ws.family_whitespace(gaps),
        exclusions=ws.purchase_exclusions(
            purchases, as_of=as_of, accounts=accounts, products=products
        ),
        family_id="P1",
        family_name="PupsRUs",
        min_pair_owners=1,
    )
    return figures, ws.summary_sentences(figures)


def test_summary_figures_and_sentences(book):
    figures, sentences = _summary(book)
    assert figures["gaps"] == 5
    assert figures["families_with_gaps"] == 1
    assert figures["accounts_with_gaps"] == 3
    assert figures["whitespace_value"] == 3300.0  # 2 * 900 + 3 * 500
    assert figures["priority_total"] == pytest.approx(1336 + 460 / 3)  # 1489.33
    assert figures["top_gap"]["expected_value"] == 900.0
    assert figures["peer_whitespace"] == 2 and figures["peer_accounts"] == 2
    assert figures["top_gap"]["account_id"] == "P2" and figures["top_gap"]["product_id"] == "T"
    assert figures["family_gaps"] == 5
    assert figures["excluded_purchase_rows"]["after_as_of"] == 1
    # Customers P1, P3, S1; T owners 3, U 1 (P1), V 1 (S1): every pair has lift 1 -> none > 1.
    assert figures["top_lift"] is None
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith("5 sibling gaps across 1 family")
    # The expected value is the median purchase amount (one value per purchase row), not a
    # list price: the sentence says "typical purchase amount". $3k = 3,300, $1k = 1,489.33.
    assert "worth $3k at the typical purchase amount, $1k weighted" in sentences[0]
    assert "median price" not in sentences[0]
    assert sentences[1] == (
        "Call first: We <3 Dogs lacks The Tangerine1000; 2 of the other 3 members of PupsRUs "
        "own it, 67% of its industry owns it, and its typical purchase amount is $900."
    )
    assert all(isinstance(s, str) and s for s in sentences)


def test_sentences_change_when_the_data_changes(book):
    _, before = _summary(book)
    # A month later P2's Tangerine purchase counts: its gap closes, P4 moves to the top.
    _, after = _summary(book, as_of="2024-07-31")
    assert before != after
    assert after[0].startswith("4 sibling gaps")
    assert "Call first: Pup Four lacks The Tangerine1000" in after[1]


def test_sentences_without_gaps():
    accounts = _accounts([("S1", "Solo", None, "u", "x")])
    products = _products([("T", "T", "F", 10.0)])
    purchases = _purchases([("S1", "T", "2024-01-01", 1.0)])
    figures, sentences = _summary((accounts, purchases, products, None))
    assert figures["gaps"] == 0 and figures["top_gap"] is None
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith("There are no sibling gaps")


# ----------------------------------------------------------------------------- end to end
@pytest.mark.e2e
def test_sample_run_exports_match_the_analysis(sample_run):
    import json

    import workbook
    from workbook.core import families

    folder = sample_run / "whitespace"
    crm = workbook.load(tables=["accounts", "opportunities", "products", "purchases", "users"])
    tables = dict(accounts=crm.accounts, purchases=crm.purchases, products=crm.products)
    tree = families.ultimate_parents(crm.accounts)
    gaps = ws.sibling_gaps(**tables, as_of=crm.as_of, tree=tree)

    read = {"dtype": {"family_id": str, "account_id": str, "product_id": str, "owner_id": str}}
    exported = pd.read_csv(folder / "gaps.csv", keep_default_na=False, na_values=[""], **read)
    assert list(exported.columns[:8]) == ws.GAP_COLUMNS
    assert len(exported) == len(gaps) > 0
    assert not exported.duplicated(["account_id", "product_id"]).any()
    merged = exported.merge(gaps, on=["account_id", "product_id"], suffixes=("", "_direct"))
    assert len(merged) == len(gaps)
    for col in ["siblings_owning", "family_members", "expected_value", "priority"]:
        np.testing.assert_allclose(merged[col], merged[f"{col}_direct"], rtol=1e-9)

    matrix = pd.read_csv(folder / "family_matrix.csv", dtype={"family_id": str, "product_id": str})
    assert list(matrix.columns) == ws.FAMILY_MATRIX_COLUMNS
    assert int(matrix["gaps"].sum()) == len(gaps)  # every gap is a cell's missing member
    peers = pd.read_csv(folder / "peer_whitespace.csv", dtype={"account_id": str})
    assert list(peers.columns) == ws.PEER_COLUMNS
    assert not set(peers["account_id"]) & set(gaps["account_id"])  # a separate list
    assert (peers["peer_adoption"] >= 0.3).all()
    lift = pd.read_csv(folder / "co_purchase_lift.csv")
    assert list(lift.columns) == ws.LIFT_COLUMNS
    direct_lift = ws.co_purchase_lift(**tables, as_of=crm.as_of)
    assert len(lift) == len(direct_lift)
    np.testing.assert_allclose(lift["lift"], direct_lift["lift"], rtol=1e-9)
    owners = pd.read_csv(folder / "top_gaps_by_owner.csv", dtype={"owner_id": str})
    assert list(owners.columns) == ws.OWNER_GAP_COLUMNS
    assert owners["rank"].max() <= 20

    # Stories of the sample: the default family is Dogs Extraordinaire (largest by revenue),
    # and its top gap is We <3 Dogs lacking The Tangerine1000, which all 4 siblings own.
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["gaps"] == len(gaps)
    assert summary["family_name"] == "Dogs Extraordinaire"
    top = summary["family_top_gap"]
    assert (top["account_name"], top["product_name"]) == ("We <3 Dogs", "The Tangerine1000")
    assert (top["siblings_owning"], top["family_members"]) == (4, 5)
    nobody = crm.products.loc[crm.products["name"] == "Durian Legacy Connector", "product_id"]
    assert not exported["product_id"].isin(nobody).any()  # P12: nobody owns it, no gaps
    excluded = summary["excluded_purchase_rows"]
    assert excluded["after_as_of"] > 0 and excluded["duplicate_row"] > 0
    html = (sample_run / "whitespace.html").read_text(encoding="utf-8")
    assert "We &lt;3 Dogs" in html and "We <3 Dogs" not in html

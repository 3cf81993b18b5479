"""Sibling gaps and their ranking (``whitespace.gaps``), numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def test_sibling_gaps_exact_rows_and_numbers(frames, book):
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

    p2t = frames.gap(gaps, "P2", "T")
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

    p4t = frames.gap(gaps, "P4", "T")
    assert math.isnan(p4t["peer_adoption"])  # missing industry: no peer group
    # p0 = 0.6 stands in for the peer rate: (0.64 + 0.6) / 2 = 0.62; 0.62 * 900 = 558
    assert p4t["priority"] == pytest.approx(558.0)

    p2u = frames.gap(gaps, "P2", "U")
    assert p2u["siblings_owning"] == 1
    assert p2u["peer_adoption"] == pytest.approx(1 / 3)
    assert p2u["expected_value"] == 500.0  # no amount among owners -> list price
    assert p2u["value_source"] == "list_price"
    # p0 = 1/5; sibling_rate = (1 + 2*0.2) / 5 = 0.28;
    # priority = (0.28 + 1/3) / 2 * 500 = 0.92/6 * 500 = 460/3 = 153.33
    assert p2u["priority"] == pytest.approx(460 / 3)

    p3u = frames.gap(gaps, "P3", "U")
    assert p3u["peer_adoption"] == 0.0  # Retail: P3 alone
    assert p3u["priority"] == pytest.approx(70.0)  # (0.28 + 0) / 2 * 500
    # P4-U: no industry, p0 = 0.2 stands in: (0.28 + 0.2) / 2 * 500 = 120

    assert list(gaps["priority"].round(2)) == [588.0, 558.0, 153.33, 120.0, 70.0]
    assert frames.gap(gaps, "P2", "T")["account_name"] == "We <3 Dogs"
    assert frames.gap(gaps, "P2", "T")["family_name"] == "PupsRUs"


def test_expected_value_is_median_purchase_amount_not_median_owner_total(frames):
    # Family F0 <- F1, F2, F3, F4 (5 members, no industry). Product Q:
    #   F0 buys 100 and renews for 100 (two rows), F1 buys 300, F2 buys 400, F3 has a row
    #   without amount (owns Q, adds no value), F4 has no row -> F4 is the only gap.
    #   Per purchase row: 100, 100, 300, 400 -> median (100 + 300) / 2 = 200.
    #   (Per owner total: F0 200, F1 300, F2 400 -> median 300, the old definition.)
    # Product R: one row for F0 with a negative amount -50 (a credit, used as given) -> -50.
    # Product L: F0 owns it with no amount -> list price 70. Product Z: F0 owns it, neither
    # amount nor list price -> NaN, source "none".
    accounts = frames.accounts(
        [("F0", "Root", None, "u", None)]
        + [(f"F{i}", f"M{i}", "F0", "u", None) for i in range(1, 5)]
    )
    products = frames.products(
        [
            ("Q", "Q", "F", 999.0),
            ("R", "R", "F", 10.0),
            ("L", "L", "F", 70.0),
            ("Z", "Z", "F", None),
        ]
    )
    purchases = frames.purchases(
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
    q = frames.gap(gaps, "F4", "Q")
    assert q["siblings_owning"] == 4
    assert q["expected_value"] == 200.0
    assert q["value_source"] == "purchases"
    # p0 = 4/5 = 0.8; sibling_rate = (4 + 2*0.8) / (4 + 2) = 5.6/6; no industry -> peer = p0;
    # likelihood = (5.6/6 + 0.8) / 2 = 5.2/6; priority = 5.2/6 * 200 = 173.33
    assert q["priority"] == pytest.approx(5.2 / 6 * 200)
    r = frames.gap(gaps, "F1", "R")
    assert (r["expected_value"], r["value_source"]) == (-50.0, "purchases")
    lp = frames.gap(gaps, "F1", "L")
    assert (lp["expected_value"], lp["value_source"]) == (70.0, "list_price")
    z = frames.gap(gaps, "F1", "Z")
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


def test_purchase_after_as_of_matters_when_as_of_moves(frames, book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of="2024-07-31")
    # P2 now owns T: its gap disappears and P4's T gap has 3 owning siblings.
    assert ("P2", "T") not in set(zip(gaps["account_id"], gaps["product_id"], strict=True))
    assert frames.gap(gaps, "P4", "T")["siblings_owning"] == 3


def test_smoothing_keeps_one_of_one_below_nine_of_ten(frames):
    assert ws.smoothed_rate(1, 1, prior_mean=0.5, prior_strength=2) == pytest.approx(2 / 3)
    assert ws.smoothed_rate(9, 10, prior_mean=0.5, prior_strength=2) == pytest.approx(10 / 12)
    # Family A: 2 members, A1 owns Q (1 of 1). Family B: 11 members, 9 own Q (9 of 10 for each gap).
    rows = [("A1", "A one", None, "u", None), ("A2", "A two", "A1", "u", None)]
    rows += [("B0", "B root", None, "u", None)]
    rows += [(f"B{i}", f"B {i}", "B0", "u", None) for i in range(1, 11)]
    accounts = frames.accounts(rows)
    products = frames.products([("Q", "Q", "F", 100.0)])
    owners = ["A1"] + [f"B{i}" for i in range(9)]
    purchases = frames.purchases([(a, "Q", "2024-01-01", 100.0) for a in owners])
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    one_of_one = frames.gap(gaps, "A2", "Q")
    nine_of_ten = frames.gap(gaps, "B9", "Q")
    assert (one_of_one["siblings_owning"], one_of_one["family_members"]) == (1, 2)
    assert (nine_of_ten["siblings_owning"], nine_of_ten["family_members"]) == (9, 11)
    # p0 = 10/13: 1-of-1 -> (1 + 20/13)/3 = 0.846; 9-of-10 -> (9 + 20/13)/12 = 0.878
    assert one_of_one["sibling_rate"] == pytest.approx((1 + 20 / 13) / 3)
    assert nine_of_ten["sibling_rate"] == pytest.approx((9 + 20 / 13) / 12)
    assert nine_of_ten["priority"] > one_of_one["priority"]
    # Without smoothing the raw rates (1.0 vs 0.9) would rank them the other way.
    raw = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF, prior_strength=0)
    assert frames.gap(raw, "A2", "Q")["priority"] > frames.gap(raw, "B9", "Q")["priority"]


def test_bad_parameters_are_rejected(book):
    accounts, purchases, products, _ = book
    with pytest.raises(ValueError, match="prior_strength"):
        ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF, prior_strength=-1)
    with pytest.raises(ValueError, match="sibling_weight"):
        ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF, sibling_weight=1.5)


# ----------------------------------------------------------------------------- invariants
@st.composite
def _random_book(draw):
    """Raw rows of a random book; ``frames.random_book`` turns them into tables."""
    n = draw(st.integers(1, 12))
    parents = [None] + [
        draw(st.one_of(st.none(), st.sampled_from([f"a{j}" for j in range(i)])))
        for i in range(1, n)
    ]
    industries = [draw(st.sampled_from([None, "x", "y"])) for _ in range(n)]
    accounts = [(f"a{i}", f"n{i}", parents[i], "u", industries[i]) for i in range(n)]
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 3)), min_size=0, max_size=25)
    )
    return accounts, pairs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_book())
def test_gap_invariants(frames, data):
    accounts, purchases, products = frames.random_book(data)
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


def test_wrong_argument_types_name_the_argument(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    with pytest.raises(TypeError, match="purchases must be a pandas DataFrame, got tuple"):
        ws.sibling_gaps(accounts, (purchases, None), products, as_of=AS_OF)
    with pytest.raises(TypeError, match="gaps must be a pandas DataFrame"):
        ws.family_whitespace(gaps.to_dict())
    with pytest.raises(ValueError, match="accounts lacks the column"):
        ws.sibling_gaps(accounts.drop(columns="account_id"), purchases, products, as_of=AS_OF)

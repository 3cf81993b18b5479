"""Co-purchase lift (``whitespace.copurchase``), worked out by hand."""

from __future__ import annotations

from math import comb

import pytest
from scipy.stats import chi2

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def test_co_purchase_lift_by_hand(frames):
    accounts = frames.accounts([(f"A{i}", f"A{i}", None, "u", None) for i in range(1, 6)])
    products = frames.products([("X", "X", "F", 1.0), ("Y", "Y", "F", 1.0), ("Z", "Z", "F", 1.0)])
    rows = [("A1", "X"), ("A1", "Y"), ("A2", "X"), ("A2", "Y"), ("A3", "Z"), ("A4", "Z")]
    rows += [("A4", "X"), ("A4", "X")]  # repeated row counts once; A5 buys nothing
    purchases = frames.purchases([(a, p, "2024-01-01", 1.0) for a, p in rows])
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


# ------------------------------------------------------------------ significance by hand
# Two industries of six customers each, three products. Ownership:
#   I1: A1 XY, A2 XY, A3 X, A4 XY, A5 Z, A6 XZ
#   I2: B1 XY, B2 Y, B3 Z, B4 XZ, B5 YZ, B6 XYZ
# 2 x 2 tables (a = both, b = first only, c = second only, d = neither), per industry:
TABLES = {
    ("X", "Y"): [(3, 2, 0, 1), (2, 1, 2, 1)],
    ("X", "Z"): [(1, 4, 1, 0), (2, 1, 2, 1)],
    ("Y", "Z"): [(0, 3, 2, 1), (2, 2, 2, 0)],
}


def _mh(tables):
    # Mantel-Haenszel: sum(a d / n) / sum(b c / n)
    num = sum(a * d / (a + b + c + d) for a, b, c, d in tables)
    den = sum(b * c / (a + b + c + d) for a, b, c, d in tables)
    return num / den


def _cmh_p(tables):
    # (sum(a - E a))^2 / sum(Var a), E a = (a+b)(a+c)/n, Var a = (a+b)(c+d)(a+c)(b+d)/(n^2 (n-1))
    dev = var = 0.0
    for a, b, c, d in tables:
        n = a + b + c + d
        dev += a - (a + b) * (a + c) / n
        var += (a + b) * (c + d) * (a + c) * (b + d) / (n**2 * (n - 1))
    return float(chi2.sf(dev**2 / var, 1))


def _fisher_p(tables):
    # Two-sided Fisher on the pooled table: sum of hypergeometric P(x) <= P(observed).
    a, b, c, d = (sum(t[i] for t in tables) for i in range(4))
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(x):
        return comb(col1, x) * comb(n - col1, row1 - x) / comb(n, row1)

    lo, hi = max(0, row1 + col1 - n), min(row1, col1)
    return sum(prob(x) for x in range(lo, hi + 1) if prob(x) <= prob(a) * (1 + 1e-7))


def _bh(p):
    # q_(i) = min over j >= i of p_(j) m / j, in sorted order
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        q[i] = running
    return q


def test_significance_by_hand(frames):
    owned = {
        "A1": "XY", "A2": "XY", "A3": "X", "A4": "XY", "A5": "Z", "A6": "XZ",
        "B1": "XY", "B2": "Y", "B3": "Z", "B4": "XZ", "B5": "YZ", "B6": "XYZ",
    }  # fmt: skip
    accounts = frames.accounts(
        [(a, a, None, "u", "I1" if a[0] == "A" else "I2") for a in owned]
    )
    products = frames.products([(p, p, "F", 1.0) for p in "XYZ"])
    purchases = frames.purchases(
        [(a, p, "2024-01-01", 1.0) for a, ps in owned.items() for p in ps]
    )
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF)
    pairs = list(TABLES)
    p_hand = [_cmh_p(TABLES[k]) for k in pairs]
    q_hand = _bh(p_hand)
    for (x, y), p, q in zip(pairs, p_hand, q_hand, strict=True):
        for a, b in [(x, y), (y, x)]:  # both directions carry the same test
            row = lift[(lift["product_a"] == a) & (lift["product_b"] == b)].iloc[0]
            assert row["mh_odds_ratio"] == pytest.approx(_mh(TABLES[(x, y)]))
            if row["mh_odds_ratio"] > 0:  # Y-Z: sum(a d / n) = 0, OR 0, no log-scale CI
                assert row["mh_low"] < row["mh_odds_ratio"] < row["mh_high"]
            assert row["cmh_p"] == pytest.approx(p)
            assert row["q_value"] == pytest.approx(q)
            assert row["fisher_p"] == pytest.approx(_fisher_p(TABLES[(x, y)]))
            assert bool(row["significant"]) == (q < 0.05)
    # X-Y by hand: MH = (3*1/6 + 2*1/6) / (2*0/6 + 1*2/6) = (5/6) / (2/6) = 2.5
    assert _mh(TABLES[("X", "Y")]) == pytest.approx(2.5)
    assert not lift["significant"].any()  # twelve customers: nothing clears BH


def test_strong_planted_pair_is_significant_and_weak_ones_are_not(frames):
    # 40 customers in one industry: X owners always own Y (20), the rest own Z only.
    accounts = frames.accounts([(f"A{i}", f"A{i}", None, "u", "I") for i in range(40)])
    products = frames.products([(p, p, "F", 1.0) for p in "XYZ"])
    rows = [(f"A{i}", p) for i in range(20) for p in "XY"]
    rows += [(f"A{i}", "Z") for i in range(20, 40)] + [("A0", "Z")]
    purchases = frames.purchases([(a, p, "2024-01-01", 1.0) for a, p in rows])
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF)
    xy = lift[(lift["product_a"] == "X") & (lift["product_b"] == "Y")].iloc[0]
    assert bool(xy["significant"]) and xy["q_value"] < 0.05

"""Co-purchase lift (``whitespace.copurchase``), worked out by hand."""

from __future__ import annotations

import pytest

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

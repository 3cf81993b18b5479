"""Ownership and the purchase rows it leaves out (``whitespace.ownership``)."""

from __future__ import annotations

import math

import pandas as pd

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


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

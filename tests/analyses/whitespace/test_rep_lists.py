"""Top gaps per rep (``whitespace.rep_lists``)."""

from __future__ import annotations

import pytest

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


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

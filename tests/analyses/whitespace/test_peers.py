"""Peer whitespace (``whitespace.peers``)."""

from __future__ import annotations

import pytest

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


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

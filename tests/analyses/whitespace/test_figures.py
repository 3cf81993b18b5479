"""Headline figures of the whitespace report (``whitespace.figures``)."""

from __future__ import annotations

import pytest

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def test_summary_figures(book, summarize):
    figures, _ = summarize(book)
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


def test_summary_figures_top_family_and_lift(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF)
    # A planted pair with lift > 1: X and Y owned together by 5 of 10 customers, each by 5.
    planted = lift.iloc[0:0].copy()
    # ... significant within industries (MH odds ratio 9, q = 0.01; Fisher p for reference).
    planted.loc[0] = [
        *["X", "Y", "x", "y", 5, 5, 5, 10, 0.5, 1.0, 2.0],
        *[9.0, 2.0, 40.0, 0.005, 0.01, 0.008, True],
    ]
    figures = ws.summary_figures(
        gaps=gaps,
        peers=gaps.iloc[0:0],
        lift=planted,
        families=ws.family_whitespace(gaps),
        exclusions=ws.purchase_exclusions(purchases, as_of=AS_OF),
        family_id="S1",
    )
    # P1 holds every gap: 2 * 900 + 3 * 500 = 3300.
    assert figures["top_family"] == {
        "family_id": "P1",
        "family_name": "PupsRUs",
        "gaps": 5,
        "whitespace_value": 3300.0,
    }
    assert figures["top_lift"]["lift"] == 2.0 and figures["top_lift"]["owners_both"] == 5
    assert figures["family_gaps"] == 0 and figures["family_top_gap"] is None
    assert figures["peer_accounts"] == 0
    with pytest.raises(TypeError, match="gaps must be a pandas DataFrame"):
        ws.summary_figures(gaps=(gaps,), peers=gaps, lift=lift, families=gaps, exclusions=gaps)

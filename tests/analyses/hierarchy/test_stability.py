"""Tests for workbook.analyses.hierarchy.stability: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import hierarchy as h

AS_OF = pd.Timestamp("2026-06-30")
START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_stability_rank_changes(accounts, opps, tree):
    stab = h.stability(accounts, opps, start=START, end=END, tree=tree).set_index("account_id")
    # Previous period 2024-07-01..2025-06-30: Solo 2,000 (#1), Dogs 999 (#2), Orphan 50 (#3).
    assert stab.index.tolist() == ["1", "10", "20", "30"]
    assert stab["previous_rank"].tolist()[0] == 2
    assert stab.loc["1", "rank_change"] == 1
    assert stab.loc["1", "status"] == "up"
    assert stab.loc["10", "status"] == "new"
    assert pd.isna(stab.loc["10", "rank_change"])
    assert stab.loc["20", "rank_change"] == -2  # #1 -> #3
    assert stab.loc["20", "status"] == "down"
    assert stab.loc["30", "status"] == "dropped"
    assert stab.loc["30", "previous_revenue"] == 50.0
    assert stab.loc["30", "revenue"] == 0.0
    assert stab.loc["30", "name"] == "Orphan"


def test_single_deal_moves(accounts, opps, tree):
    stab = h.stability(accounts, opps, start=START, end=END, tree=tree).set_index("account_id")
    # Dogs (#2 -> #1): four deals now, the largest 600,000; without it 1,400,000 still
    # ranks #1 (GalacticSpace 1,000,000), above its previous #2: not one deal.
    assert (stab.loc["1", "deals"], stab.loc["1", "largest_deal"]) == (4, 600_000.0)
    assert not stab.loc["1", "single_deal_move"]
    # GalacticSpace is new with one deal: without it, it would not be ranked.
    assert stab.loc["10", "single_deal_move"]
    # Solo fell #1 -> #3: without its one previous deal (2,000) it would not have been
    # ranked then, so ranked at or below #3: one deal explains the fall.
    assert (stab.loc["20", "previous_deals"], stab.loc["20", "previous_largest_deal"]) == (
        1,
        2_000.0,
    )
    assert stab.loc["20", "single_deal_move"]
    # Orphan dropped; its only previous deal (50) explains it.
    assert stab.loc["30", "single_deal_move"]
    assert stab["single_deal_move"].sum() == 3


def test_stability_with_the_current_ranking_and_deals_given(accounts, opps, tree):
    """Passing what the pipeline already computed gives the same table."""
    from workbook.analyses.hierarchy.ranking import id_rank

    window = {"start": START, "end": END, "tree": tree}
    given = h.stability(
        accounts,
        opps,
        current=h.top_customers(accounts, opps, **window),
        current_deals=h.won_deals(accounts, opps, **window),
        key=id_rank(tree),
        **window,
    )
    pd.testing.assert_frame_equal(given, h.stability(accounts, opps, **window))

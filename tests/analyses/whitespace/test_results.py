"""``whitespace.Results``: the tables, what is exported, and another family's grid."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import whitespace as ws

EXPORTED = [
    "gaps",
    "product_whitespace",
    "family_matrix",
    "family_whitespace",
    "top_gaps_by_owner",
    "peer_whitespace",
    "co_purchase_lift",
    "purchase_exclusions",
    "purchase_backtest",
    "purchase_deciles",
    "call_list",
]


def test_exports_in_the_notebook_order_and_shown_only_tables():
    fields = ws.Results.table_fields()
    assert [name for name, meta in fields.items() if meta["export"]] == EXPORTED
    assert [name for name, meta in fields.items() if not meta["export"]] == [
        "family_gaps",
        "family_grid",
    ]
    assert list(ws.Results().exports()) == EXPORTED  # stems equal the field names
    assert (ws.Results.report, ws.Results.title) == ("whitespace", "Whitespace")


def test_repr_lists_tables_and_cards(sample_res):
    html = sample_res._repr_html_()
    assert "Whitespace — as of 2026-06-30" in html
    # 617 sibling gaps on the 36-month sample (test_pipeline re-derives the figures).
    assert "<code>.gaps</code></td><td>617</td><td>gaps.csv</td>" in html
    assert "<code>.family_grid</code>" in html
    assert "Sibling gaps" in html and "$4.5M" in html  # 4,501,161
    assert "We &lt;3 Dogs" in html  # sentences are escaped
    assert repr(sample_res).startswith("<workbook.analyses.whitespace.results.Results as_of=")


def test_grid_for_another_family_equals_family_grid(sample_crm, sample_res):
    other = sample_res.family_whitespace["family_id"].iloc[0]
    assert other != sample_res.family_id
    crm = sample_crm
    expected = ws.family_grid(
        other, crm.accounts, crm.purchases, crm.products, as_of=crm.as_of, gaps=sample_res.gaps
    )
    pd.testing.assert_frame_equal(sample_res.grid_for(other), expected)
    pd.testing.assert_frame_equal(sample_res.grid_for(sample_res.family_id), sample_res.family_grid)
    with pytest.raises(ValueError, match="keep no data"):
        ws.Results().grid_for(other)

"""The whitespace family picker takes the report's Results (moved from tests/plots)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbook.analyses import whitespace as ws
from workbook.data.coercion import empty_table
from workbook.data.model import CrmData

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def res():
    """Family R (root) <- M1 <- M3, R <- M2; S alone. The family shown is S."""
    accounts = pd.DataFrame(
        {
            "account_id": ["R", "M1", "M2", "M3", "S"],
            "name": ["We <3 Dogs $1M", "株式会社テスト", "บริษัท หมาดี", "Line\nBreak", "Solo"],
            "parent_id": [None, "R", "R", "M1", None],
            "owner_id": ["u1", "u1", "u2", None, "u2"],
            "industry": ["Retail", "Retail", "Retail", None, "Retail"],
        }
    ).astype("str")
    # Canonical columns: run() also backtests on crm.as_known_at(cut), which needs created_at.
    accounts["created_at"] = pd.Timestamp("2020-01-01")
    products = pd.DataFrame(
        {
            "product_id": ["P1", "P2", "P3"],
            "name": ["The Tangerine1000", "智能报表 企业版", "Pay$ Premium ($$$)"],
            "family": ["Hardware", "Software", None],
            "list_price": [100.0, 50.0, None],
        }
    ).astype({"product_id": "str", "name": "str", "family": "str"})
    rows = [
        ("R", "P1", 120.0),
        ("M1", "P1", 80.0),
        ("R", "P2", 40.0),
        ("S", "P2", 60.0),
        ("S", "P1", 90.0),
        ("M2", "P3", None),
    ]
    purchases = pd.DataFrame(rows, columns=["account_id", "product_id", "amount"])
    purchases["purchased_at"] = pd.Timestamp("2024-01-01")
    purchases = purchases.astype({"account_id": "str", "product_id": "str"})
    crm = CrmData(
        tables={
            "accounts": accounts,
            "products": products,
            "purchases": purchases,
            "opportunities": empty_table("opportunities"),
        },
        as_of=pd.Timestamp(AS_OF),
    )
    return ws.run(crm, family="S")


def test_widget_family_picker(res):
    from workbook.widgets import whitespace as ww

    w = ww.explorer(res)
    picker = w.children[0]
    assert picker.value == "S"
    assert [v for _, v in picker.options] == ["S", "R"]  # chosen family first, then by value
    picker.value = "R"
    plt.close("all")


def test_widget_redraws_the_chosen_family_from_results(res):
    from workbook.widgets import whitespace as ww

    w = ww.explorer(res, max_families=1, top_n=2)
    assert len(w.children[0].options) == 2  # R (most whitespace) and the chosen S
    grid = res.grid_for("R")
    assert set(grid["account_id"]) == {"R", "M1", "M2", "M3"}
    assert (grid["status"] == "gap").sum() == int(res.family_whitespace["gaps"].iloc[0])
    plt.close("all")


def test_default_view_is_drawn_on_load_and_the_label_is_whole(res, monkeypatch):
    from workbook.widgets import whitespace as ww

    shown = []
    monkeypatch.setattr(ww, "display", shown.append)
    w = ww.explorer(res, top_n=2)  # built, no family picked
    assert [type(o).__name__ for o in shown] == ["Figure", "HTML"]
    heatmap = shown[0].axes[0]  # the family heatmap of S (named Solo), cells drawn
    assert heatmap.get_title() == "Solo: who owns what" and heatmap.collections
    assert "Top 2 gaps in" in shown[1].data
    picker = w.children[0]
    assert picker.description == "Corporate family"
    assert picker.style.description_width == "initial"  # not cut to "Fam…"
    plt.close("all")

"""Smoke tests for the whitespace charts: titles, labels, PNG rendering."""

from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbook import plots
from workbook.analyses import whitespace as ws
from workbook.plots import whitespace as wp

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def data():
    accounts = pd.DataFrame(
        {
            "account_id": ["R", "M1", "M2", "M3", "S"],
            "name": ["We <3 Dogs $1M", "株式会社テスト", "บริษัท หมาดี", "Line\nBreak", "Solo"],
            "parent_id": [None, "R", "R", "M1", None],
            "owner_id": ["u1", "u1", "u2", None, "u2"],
            "industry": ["Retail", "Retail", "Retail", None, "Retail"],
        }
    ).astype("str")
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
        ("M2", "P3", None),  # P3: no amount, no list price -> a gap without priority
    ]
    purchases = pd.DataFrame(rows, columns=["account_id", "product_id", "amount"])
    purchases["purchased_at"] = pd.Timestamp("2024-01-01")
    purchases = purchases.astype({"account_id": "str", "product_id": "str"})
    users = pd.DataFrame({"owner_id": ["u1", "u2"], "name": ["Ann", "王伟"]}).astype("str")
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    return accounts, purchases, products, users, gaps


def _render(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    plt.close(fig)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    return [str(w.message) for w in caught]


def _texts(fig) -> str:
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return " | ".join([ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *ticks])


def test_family_heatmap(data):
    plots.use_theme()
    accounts, purchases, products, _, gaps = data
    grid = ws.family_grid("R", accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    fig = wp.family_heatmap(grid, family_name="We <3 Dogs $1M")
    text = _texts(fig)
    assert "We <3 Dogs $1M: who owns what" in text
    assert "Family member" in text and "Product (owned by at least one family member)" in text
    assert "株式会社テスト" in text and "Line Break" in text  # newline flattened
    assert "Pay$ Premium ($$$)" in text
    assert fig.axes[1].get_ylabel() == "Gap priority"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[0] == "Owned" and "Gap, no price known" in legend
    assert not [m for m in _render(fig) if "missing from font" in m]


def test_family_heatmap_caps_members(data):
    accounts, purchases, products, _, gaps = data
    grid = ws.family_grid("R", accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    fig = wp.family_heatmap(grid, family_name="R", max_members=2)
    assert "(top 2 of 4 members by gap priority)" in fig.axes[0].get_title()
    assert len(fig.axes[0].get_yticklabels()) == 2
    _render(fig)


def test_whole_book_charts(data):
    accounts, purchases, products, _, gaps = data
    pw = ws.product_whitespace(accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    fig = wp.product_whitespace_bars(pw)
    assert fig.axes[0].get_title() == "Whitespace by product across all families"
    assert fig.axes[0].get_xlabel() == (
        "Whitespace value (light: at the typical purchase amount; dark: weighted by likelihood)"
    )
    assert fig.axes[0].xaxis.get_major_formatter()(2_000_000, 0) == "$2.0M"
    _render(fig)
    matrix = ws.family_matrix(accounts, purchases, products, as_of=AS_OF)
    fig = wp.book_heatmap(matrix, ws.family_whitespace(gaps))
    assert "Share of members owning each product" in fig.axes[0].get_title()
    assert fig.axes[0].get_ylabel() == "Family (members)"
    _render(fig)


def test_lift_heatmap(data):
    accounts, purchases, products, _, _ = data
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF)
    fig = wp.lift_heatmap(lift, min_pair_owners=1)
    ax = fig.axes[0]
    assert ax.get_title().startswith("Co-purchase lift")
    assert ax.get_xlabel() == "Product B (also owned)" and ax.get_ylabel() == "Product A (owned)"
    assert "fewer than 1 accounts own both" in fig.axes[1].get_ylabel()
    _render(fig)


def test_owner_bars(data):
    _, _, _, users, gaps = data
    top = ws.top_gaps_by_owner(gaps, users=users, top_n=5)
    fig = wp.owner_value_bars(top)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert set(labels) <= {"Ann", "王伟", "(no owner)"} and labels
    assert fig.axes[0].get_title() == "Likely value of each rep's top gaps"
    _render(fig)


def test_empty_inputs_give_a_message_not_a_blank_chart(data):
    accounts, purchases, products, users, gaps = data
    empty = gaps.iloc[0:0]
    for fig in [
        wp.family_heatmap(
            ws.family_grid("S", accounts, purchases.iloc[0:0], products, as_of=AS_OF, gaps=empty)
        ),
        wp.product_whitespace_bars(
            ws.product_whitespace(accounts, purchases, products, as_of=AS_OF, gaps=empty)
        ),
        wp.book_heatmap(
            ws.family_matrix(accounts, purchases, products, as_of=AS_OF),
            ws.family_whitespace(empty),
        ),
        wp.lift_heatmap(
            ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF), min_pair_owners=99
        ),
        wp.owner_value_bars(ws.top_gaps_by_owner(empty)),
    ]:
        assert fig.axes[0].texts, "an empty chart must say why"
        _render(fig)


def test_calibration_deciles_and_the_greyed_lift_heatmap(data):
    accounts, purchases, products, _, _ = data
    deciles = pd.DataFrame(
        {
            "decile": [1, 2],
            "candidates": [10, 10],
            "mean_probability": [0.1, 0.4],
            "observed": [0.1, 0.5],
            "observed_low": [0.02, 0.24],
            "observed_high": [0.4, 0.76],
        }
    )
    fig = wp.calibration_deciles(deciles, calibrated=True)
    assert "calibrated out of time" in fig.axes[0].get_title()
    _render(fig)
    assert wp.calibration_deciles(deciles.iloc[0:0]).axes[0].texts  # says why it is empty
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=AS_OF)
    assert not lift["significant"].any()  # a tiny fixture: every pair greyed
    fig = wp.lift_heatmap(lift, min_pair_owners=1)
    assert any("Grey: not significant" in t.get_text() for t in fig.texts)  # below the figure
    _render(fig)

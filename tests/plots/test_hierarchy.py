"""Smoke tests for the hierarchy charts: titles, labels, names in any script, PNG output."""

from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbook import plots
from workbook.analyses import hierarchy as h
from workbook.core.families import ultimate_parents
from workbook.plots import hierarchy as hp

START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")
NAMES = {
    "1": "ワンワン株式会社",
    "2": "한빛소프트 주식회사",
    "3": "หมาดี จำกัด",
    "4": '<script>alert("x")</script> Corp',
    "5": "We <3 Dogs $1M",
    "6": "Line\nBreak Industries",
}
ACCOUNTS = pd.DataFrame(
    {
        "account_id": list(NAMES),
        "name": list(NAMES.values()),
        "parent_id": [None, "1", "1", None, None, "5"],
        "owner_id": ["u1"] * 6,
    }
).astype({"account_id": "str", "parent_id": "str", "owner_id": "str"})
OPPS = pd.DataFrame(
    {
        "opportunity_id": [f"o{i}" for i in range(6)],
        "account_id": list(NAMES),
        "close_date": pd.Timestamp("2026-01-01"),
        "is_closed": pd.array([True] * 6, dtype="boolean"),
        "is_won": pd.array([True] * 6, dtype="boolean"),
        "amount": [100.0, 600_000.0, 500_000.0, 1_000_000.0, 20_000.0, 3_000.0],
    }
).astype({"account_id": "str"})
# Every member buys twice at one discount (two lines: min_lines = 2, so each is tested).
PURCHASES = pd.DataFrame(
    {
        "account_id": ["1", "2", "3", "5", "6"],
        "product_id": ["P1", "P1", "P1", "P2", "P2"],
        "purchased_at": pd.Timestamp("2026-01-01"),
        "amount": [100.0, 100.0, 100.0, 50.0, 50.0],
        "discount_pct": [12.0, 12.0, 35.0, 0.0, 5.0],
    }
).astype({"account_id": "str", "product_id": "str"})
PURCHASES = pd.concat([PURCHASES, PURCHASES], ignore_index=True)
PRODUCTS = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["データ連携ハブ", "Pay$ ($$$)"]})


@pytest.fixture(autouse=True)
def _theme():
    plots.use_theme()
    yield
    plt.close("all")


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format="png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def _tables():
    tree = ultimate_parents(ACCOUNTS)
    top = h.top_customers(ACCOUNTS, OPPS, start=START, end=END, tree=tree)
    naive = h.naive_top(ACCOUNTS, OPPS, start=START, end=END, tree=tree)
    return tree, top, naive


def test_rank_shift_chart_with_names_in_any_script():
    _tree, top, naive = _tables()
    fig = hp.rank_shift_chart(naive, top, top_n=5)
    left, right = fig.axes[:2]
    assert fig._suptitle.get_text() == "Largest customers: single accounts vs corporate families"
    assert left.get_title() == "Accounts on their own: top 5"
    assert right.get_title() == "Corporate families: top 5"
    assert left.get_xlabel() == "Won revenue in the period (USD)"
    labels = [t.get_text() for t in right.get_yticklabels()]
    # Family 1 (1.1M) outranks the 1.0M script-named account; text is drawn verbatim.
    assert labels[0] == "#1  ワンワン株式会社"
    # Long names are cut to 30 characters with an ellipsis; newlines become spaces.
    assert labels[1] == '#2  <script>alert("x")</script> C…'
    left_labels = [t.get_text() for t in left.get_yticklabels()]
    assert left_labels[4] == "#5  Line Break Industries"
    notes = [t.get_text() for t in right.texts]
    assert notes[0] == "was #2"  # its best member (600k) was #2 on its own
    assert [t.get_text() for t in left.texts][:2] == ["family #2", "family #1"]
    assert len(_png(fig)) > 10_000


def test_pareto_chart():
    _tree, top, _naive = _tables()
    fig = hp.pareto_chart(h.concentration(top, top_n=2), top_n=2)
    ax = fig.axes[0]
    assert ax.get_title() == "Revenue concentration across corporate families"
    assert ax.get_xlabel() == "Share of ranked families (largest first)"
    assert ax.get_ylabel() == "Cumulative share of won revenue"
    # Top 2 of 3 families: (1.1M + 1.0M) / 2.123M = 99%.
    assert any(t.get_text() == "top 2 of 3 families: 99% of revenue" for t in ax.texts)
    _png(fig)


def test_discount_spread_chart_marks_outliers():
    tree, top, _naive = _tables()
    members = h.sibling_discount_members(ACCOUNTS, PURCHASES, PRODUCTS, as_of=END, tree=tree)
    spread = h.sibling_discounts(ACCOUNTS, PURCHASES, PRODUCTS, as_of=END, tree=tree, ranking=top)
    fig = hp.discount_spread_chart(members, spread)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Discount granted (% off list)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["#1 ワンワン株式会社 · データ連携ハブ", "#3 We <3 Dogs $1M · Pay$ ($$$)"]
    # The 35% member is an outlier: MAD 0, so the 1-point floor is the scale and
    # |35 - 12| / 1 = 23 > 3: one diamond.
    outliers = ax.collections[1]
    assert outliers.get_offsets().tolist() == [[35.0, 0.0]]
    _png(fig)


def test_discount_spread_chart_keeps_room_for_outliers_not_already_shown():
    # Four family x product pairs with a spread, in the export's order (revenue at stake):
    # A (family #1, outlier), B (#2), C (#3), D (unranked, outlier). With max_pairs=3 one
    # slot (3 // 3) is kept for outliers. A is shown anyway by its rank, so the kept slot
    # must go to D, the outlier that would otherwise be hidden: rows A, B, D (not A, B, C).
    spread = pd.DataFrame(
        {
            "root_id": ["a", "b", "c", "d"],
            "family_name": ["Fam A", "Fam B", "Fam C", "Fam D"],
            "family_rank": pd.array([1, 2, 3, None], dtype="Int64"),
            "product_id": ["P"] * 4,
            "product_name": ["Widget"] * 4,
            "min_discount": [5.0, 5.0, 5.0, 5.0],
            "median_discount": [5.0, 6.0, 6.0, 5.0],
            "max_discount": [20.0, 7.0, 7.0, 35.0],
            "spread": [15.0, 2.0, 2.0, 30.0],
            "outlier_members": [1, 0, 0, 1],
            "revenue_at_stake": [400.0, 300.0, 200.0, 100.0],
        }
    )
    members = pd.DataFrame(
        {
            "root_id": ["a", "a", "a", "b", "b", "c", "c", "d", "d", "d"],
            "product_id": ["P"] * 10,
            "discount_pct": [5.0, 5.0, 20.0, 5.0, 7.0, 5.0, 7.0, 5.0, 5.0, 35.0],
            "outlier": [False, False, True, False, False, False, False, False, False, True],
        }
    )
    fig = hp.discount_spread_chart(members, spread, max_pairs=3)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["#1 Fam A · Widget", "#2 Fam B · Widget", "Fam D · Widget"]
    # Both outliers are drawn as diamonds: A's 20% on row 0, D's 35% on row 2.
    assert fig.axes[0].collections[1].get_offsets().tolist() == [[20.0, 0.0], [35.0, 2.0]]
    _png(fig)


def test_empty_inputs_give_a_message_not_a_blank_chart():
    _tree, top, naive = _tables()
    fig = hp.rank_shift_chart(naive.iloc[0:0], top.iloc[0:0])
    assert "nothing to rank" in fig.axes[0].texts[0].get_text()
    _png(fig)


def test_rank_interval_chart():
    ranks = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "name": ["Dogs 犬", "Pay$ ($$$)", "Solo"],
            "rank_low": [1, 1, 2],
            "rank_high": [2, 3, 3],
            "p_top_n": [1.0, 0.75, 0.25],
        }
    )
    fig = hp.rank_interval_chart(ranks, top_n=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Dogs 犬  (100% in top 2)",
        "Pay$ ($$$)  (75% in top 2)",
    ]
    _png(fig)
    assert hp.rank_interval_chart(ranks.iloc[0:0]).axes[0].texts

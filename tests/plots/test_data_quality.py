"""Tests for workbook.plots.data_quality: the hierarchy depth chart."""

from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from workbook import plots
from workbook.analyses.data_quality import depth_distribution
from workbook.core.families import ultimate_parents
from workbook.plots import data_quality as pq


@pytest.fixture(autouse=True)
def _theme():
    plots.use_theme()
    yield
    plt.close("all")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buf, format="png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def _depths():
    # Accounts: 1 and 5 top level; 2 -> 1 and 3 -> 1 at depth 1; 4 -> 2 at depth 2;
    # 6 <-> 7 a parent cycle. So depth 0: 2, depth 1: 2, depth 2: 1, cycle: 2 (of 7).
    accounts = pd.DataFrame(
        {
            "account_id": ["1", "2", "3", "4", "5", "6", "7"],
            "parent_id": [None, "1", "1", "2", None, "7", "6"],
        }
    ).astype("str")
    accounts["parent_id"] = accounts["parent_id"].where(accounts["parent_id"] != "None")
    return depth_distribution(ultimate_parents(accounts))


def test_depth_chart_draws_one_bar_per_depth_in_order():
    depths = _depths()
    assert depths["accounts"].tolist() == [2, 2, 1, 2]
    fig = pq.depth_chart(depths)
    ax = fig.axes[0]
    assert ax.get_title() == "Accounts by depth below their ultimate parent"
    assert ax.get_ylabel() == "Accounts"
    assert ax.get_xlabel().startswith("Depth (steps up to the ultimate parent")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0 (top level)", "1", "2", "cycle"]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [2, 2, 1, 2]
    # The cycle bar stands out in vermillion, the others are blue.
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [pq.DEPTH_COLOUR.lower()] * 3 + [pq.CYCLE_COLOUR.lower()]
    # Annotations: count and share of the 7 accounts (2/7 = 28.6%, 1/7 = 14.3%).
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["2\n(28.6%)", "2\n(28.6%)", "1\n(14.3%)", "2\n(28.6%)"]
    _png(fig)


def test_depth_chart_axis_has_thousands_separators():
    depths = pd.DataFrame(
        {
            "depth": pd.array([0, 1], dtype="Int64"),
            "label": ["0 (top level)", "1"],
            "accounts": [12_000, 3_000],
            "share": [0.8, 0.2],
        }
    )
    fig = pq.depth_chart(depths)
    ax = fig.axes[0]
    assert ax.yaxis.get_major_formatter()(12_000, 0) == "12,000"
    assert [t.get_text() for t in ax.texts] == ["12,000\n(80.0%)", "3,000\n(20.0%)"]
    _png(fig)


def test_depth_chart_without_accounts_says_so():
    empty = _depths().iloc[0:0]
    fig = pq.depth_chart(empty)
    assert [t.get_text() for t in fig.axes[0].texts] == ["No accounts: no hierarchy to show."]
    _png(fig)


def _by_table():
    return pd.DataFrame(
        {
            "table": ["accounts", "leads", "users"],
            "rows": [600, 7503, 14],
            "warning_kinds": [3, 1, 0],
            "warning_rows": [7, 3, 0],
            "fixup_rows": [0, 5, 0],
            "excluded_rows": [0, 0, 0],
            "warning_share": [7 / 600, 3 / 7503, 0.0],
        }
    )


def test_warnings_by_table_chart_stacks_the_kinds_per_table():
    fig = pq.warnings_by_table_chart(_by_table())
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["accounts", "leads", "users"]
    # warnings then fix-ups (no exclusion: no segment): 2 x 3 bars
    widths = [p.get_width() for p in ax.patches]
    assert widths == [7, 3, 0, 0, 5, 0]
    lefts = [p.get_x() for p in ax.patches]
    assert lefts[3:] == [7, 3, 0]  # the fix-ups start where the warnings end
    colours = {to_hex(p.get_facecolor()) for p in ax.patches[:3]}
    assert colours == {to_hex(pq.ISSUE_COLOURS["warning_rows"])}
    texts = [t.get_text() for t in ax.texts]
    # 7 / 600 = 1.2%; 3 / 7,503 = 0.04% -> 0.0%; users none
    assert texts == ["7 (1.2% of 600)", "3 (<0.1% of 7,503)", "none"]  # a few rows never read 0.0%
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Warnings", "Fixed while loading"]
    _png(fig)


def test_warnings_by_table_chart_without_tables_says_so():
    fig = pq.warnings_by_table_chart(_by_table().iloc[:0])
    assert "No tables loaded" in " ".join(t.get_text() for t in fig.texts + fig.axes[0].texts)

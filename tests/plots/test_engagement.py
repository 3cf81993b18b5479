"""Smoke tests for workbook.plots.engagement: titles, labels, PNG rendering."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from workbook import plots
from workbook.plots import engagement as pe


@pytest.fixture(autouse=True)
def _theme():
    plots.use_theme()
    yield
    plt.close("all")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def _levels_by():
    return pd.DataFrame(
        {
            "owner_id": ["u2", "We <3 Dogs\nLine two", "$$ 株式会社"],
            "dormant": [1, 0, 2],
            "medium": [2, 1, 0],
            "high": [0, 1, 1],
            "accounts": [3, 2, 3],
            "dormant_share": [1 / 3, 0.0, 2 / 3],
            "open_pipeline": [300.0, 600.0, 0.0],
        }
    )


def test_levels_by_figure():
    fig = pe.levels_by(_levels_by(), by="owner_id", top_n=2)
    ax = fig.axes[0]
    assert ax.get_title() == "Engagement level by owner (top 2 of 3)"
    assert ax.get_xlabel() == "Accounts"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Dormant", "Medium", "High"]
    # newline in a label is flattened
    assert "We <3 Dogs Line two" in [t.get_text() for t in ax.get_yticklabels()]
    _png(fig)


def test_window_sensitivity_figure():
    sens = pd.DataFrame(
        {
            "factor": [0.5, 1.0, 2.0],
            "window_days": [5, 10, 20],
            "dormant": [2, 1, 0],
            "accounts": [5, 5, 5],
            "dormant_share": [0.4, 0.2, 0.0],
        }
    )
    fig = pe.window_sensitivity(sens)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Dormant accounts"
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "10 days\n(1× window)"
    assert "1 (20%)" in [t.get_text() for t in ax.texts]
    _png(fig)


def test_at_risk_figure_and_empty():
    risk = pd.DataFrame(
        {
            "account_id": ["A5"],
            "name": ['<script>alert("x")</script> Corp'],
            "owner_id": ["u2"],
            "industry": ["Retail"],
            "open_opportunities": [1],
            "open_pipeline": [1_250_000.0],
        }
    )
    fig = pe.at_risk(risk)
    ax = fig.axes[0]
    assert ax.get_title() == "At risk: dormant accounts with open pipeline"
    assert ax.get_xlabel().startswith("Open pipeline")
    _png(fig)
    empty = pe.at_risk(risk.iloc[0:0])
    assert "No dormant account" in empty.axes[0].texts[0].get_text()


def test_effectiveness_figure():
    table = pd.DataFrame(
        {
            "stage": ["Proposal", "Discovery"],
            "open_opportunities": [2, 1],
            "open_amount": [5, 1],
            "stale": [1, 0],
            "below_benchmark": [1, 1],
            "close_date_passed": [0, 1],
            "stale_share": [0.5, 0.0],
            "below_benchmark_share": [0.5, 1.0],
            "close_date_passed_share": [0.0, 1.0],
        }
    )
    fig = pe.effectiveness_by(table, by="stage")
    ax = fig.axes[0]
    assert ax.get_title() == "Opportunity activity effectiveness by stage"
    assert ax.get_xlabel() == "Share of the group's open opportunities"
    assert len(fig.legends[0].get_texts()) == 3
    _png(fig)


def test_model_coefficients_figure_and_refusal():
    coefs = pd.DataFrame(
        {
            "term": ["const", "log_activities"],
            "coef": [0.1, 1.2],
            "std_err": [0.1, 0.2],
            "z": [1.0, 6.0],
            "p_value": [0.3, 0.0],
            "ci_low": [-0.1, 0.8],
            "ci_high": [0.3, 1.6],
            "odds_ratio": [1.1, 3.3],
        }
    )
    fig = pe.model_coefficients(coefs)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["log_activities"]
    assert ax.get_title() == "Win model: what moves the odds of winning"
    _png(fig)
    refused = pe.model_coefficients(pd.DataFrame(), reason="only 3 closed deals")
    assert refused.axes[0].texts[0].get_text() == "Win model not fitted: only 3 closed deals"


def test_lead_funnel_figure():
    funnel = pd.DataFrame(
        {
            "step": ["created", "worked", "converted"],
            "leads": [10, 7, 2],
            "conversion": [float("nan"), 0.7, 2 / 7],
            "share_of_created": [1.0, 0.7, 0.2],
        }
    )
    status = pd.DataFrame(
        {
            "status": ["Open", "Working", "Converted"],
            "leads": [4, 2, 1],
            "share": [4 / 7, 2 / 7, 1 / 7],
        }
    )
    fig = pe.lead_funnel(funnel, status)
    ax1, ax2 = fig.axes
    assert ax1.get_title() == "Lead funnel" and ax2.get_title() == "Leads by status"
    assert "7\n(70% of previous)" in [t.get_text() for t in ax1.texts]
    assert ax2.get_ylabel() == "Leads"
    _png(fig)


def test_reliability_and_funnel_charts_render():
    reliability = pd.DataFrame(
        {
            "bin": [1, 2],
            "deals": [10, 10],
            "won": [1, 6],
            "mean_score": [0.1, 0.55],
            "observed": [0.1, 0.6],
            "ci_low": [0.02, 0.31],
            "ci_high": [0.4, 0.83],
        }
    )
    fig = pe.reliability(reliability)
    assert fig.axes[0].get_title() == "Win model on held-out deals: predicted vs won"
    _png(fig)
    assert pe.reliability(pd.DataFrame(), sentence="Not checked.").axes
    from workbook.analyses.engagement import track_record as tr

    rates = pd.DataFrame(
        {
            "dimension": ["owner", "owner"],
            "label": ["Alice <3", "株式会社 $x$"],
            "closed": [10, 90],
            "rate": [0.0, 0.56],
            "named": [True, False],
        }
    )
    fig = pe.win_rate_funnel(rates, tr.funnel_curve(90, 0.5), overall=0.5)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["Alice <3"]  # only the named group is labelled
    assert fig.axes[0].get_title() == "By owner"
    _png(fig)
    assert pe.win_rate_funnel(rates.iloc[:0], tr.funnel_curve(90, 0.5), overall=0.5).axes


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # far apart: each label at its own point
        ([0.2, 0.5, 0.8], [0.2, 0.5, 0.8]),
        # a cluster is spread upwards, in order, one gap apart
        ([0.50, 0.51, 0.52], [0.50, 0.55, 0.60]),
        # at the top, the cluster is pushed back down below the axis's end
        ([0.98, 0.99, 1.0], [0.90, 0.95, 1.0]),
    ],
)
def test_funnel_labels_keep_their_order_and_a_gap(values, expected):
    got = pe.label_positions(np.array(values), gap=0.05, low=0.0, high=1.0)
    assert got == pytest.approx(expected)
    assert np.all(np.diff(got) >= 0.05 - 1e-12)


def test_funnel_labels_of_a_crowded_panel_do_not_overlap():
    from workbook.analyses.engagement import track_record as tr

    # twelve owners with about the same deals and win rates, all named
    rates = pd.DataFrame(
        {
            "dimension": "owner",
            "label": [f"Owner {i}" for i in range(12)],
            "closed": 1000 + np.arange(12),
            "rate": 0.5 + 0.005 * np.arange(12),
            "named": True,
        }
    )
    fig = pe.win_rate_funnel(rates, tr.funnel_curve(5000, 0.5), overall=0.5)
    fig.canvas.draw()
    # the text of each label (an annotation's own extent also holds its leader line)
    boxes = [Text.get_window_extent(t) for t in fig.axes[0].texts]
    assert len(boxes) == 12
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    # the panel's range is its own groups' (not the curve's 5,000 deals)
    assert fig.axes[0].get_xlim()[1] < 2000
    plt.close(fig)

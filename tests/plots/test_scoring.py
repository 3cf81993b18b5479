"""Smoke tests for the score-against-win charts: titles, labels, PNG rendering."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from workbook import plots
from workbook.analyses import scoring
from workbook.plots import scoring as sp


@pytest.fixture(scope="module")
def synth():
    rng = np.random.default_rng(7)
    n = 600
    score = rng.integers(0, 101, n).astype(float)
    won = rng.random(n) < 1 / (1 + np.exp(-(-4 + 0.05 * score)))
    return pd.DataFrame(
        {
            "lead_id": [f"S{i}" for i in range(n)],
            "created_at": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 300, n), "D"),
            "score": score,
            "source": np.where(rng.random(n) < 0.5, "We <3 Dogs $1M", "株式会社テスト"),
            "amount": np.where(won, rng.lognormal(9, 1, n), np.nan),
            "matured": True,
            "won": pd.array(won, dtype="boolean"),
        }
    )


def _render(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    assert buf.getvalue()[:4] == b"\x89PNG"


def _texts(fig):
    ax = fig.axes[0]
    return ax.get_title(), ax.get_xlabel(), ax.get_ylabel()


def test_band_chart(synth):
    plots.use_theme()
    fig = sp.win_rate_by_band(scoring.band_table(synth), base_win_rate=0.2)
    assert _texts(fig) == (
        "Win rate by score band",
        "Lead score band (points; lower bound inclusive)",
        "Won within the horizon (matured leads)",
    )
    _render(fig)


def test_calibration_chart(synth):
    plots.use_theme()
    cal = scoring.calibration_table(synth, scoring.logit_fit(synth))
    fig = sp.calibration(cal)
    title, xlabel, ylabel = _texts(fig)
    # labelled in sample: the out-of-time check is a table of its own (issue 13)
    assert title == "In-sample calibration of the logistic model (not an out-of-time check)"
    assert xlabel.startswith("Fitted logistic score") and ylabel == "Observed win rate"
    _render(fig)


def test_amount_chart_uses_log_scale_when_skewed(synth):
    plots.use_theme()
    deals = scoring.score_amount(synth)
    fig = sp.score_vs_amount(deals, scoring.score_amount_trend(deals))
    assert fig.axes[0].get_yscale() == "log"
    assert _texts(fig)[0] == "Score and deal size (won deals)"
    _render(fig)


def test_tradeoff_chart_marks_thresholds_and_capacity(synth):
    plots.use_theme()
    sweep = scoring.threshold_sweep(synth)
    months = scoring.capacity_months_table(synth, thresholds=sweep["threshold"], as_of="2024-10-31")
    cap = scoring.capacity_table(months, capacity_per_month=20)
    fig = sp.tradeoff(sweep, cap, current_threshold=60, recommended_threshold=70,
                      capacity_per_month=20)  # fmt: skip
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "Current 60" in texts and "Recommended 70" in texts
    assert any("Capacity 20 a month" in t.get_text() for t in ax.get_legend().get_texts())
    assert ax.get_ylabel() == "Scored leads a month at or above the threshold"
    assert fig.axes[1].get_ylabel() == "Win rate / share of wins"
    _render(fig)


def test_track_record_landmark_and_segment_charts(synth):
    plots.use_theme()
    track = pd.DataFrame(
        {
            "cut": pd.to_datetime(["2026-03-31"] * 3 + ["2025-12-31"] * 3),
            "months_before": [3] * 3 + [6] * 3,
            "recommended_threshold": [70.0] * 3 + [75.0] * 3,
            "predicted_p_over_capacity": [0.05] * 3 + [0.01] * 3,
            "month": ["2026-04", "2026-05", "2026-06", "2026-01", "2026-02", "2026-03"],
            "count": [44, 48, 44, 19, 26, 21],
            "over_capacity": pd.array([True, True, True, False, False, False], dtype="boolean"),
        }
    )
    fig = sp.track_record(track, capacity_per_month=40)
    assert fig.axes[0].get_title().startswith("Track record")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Cut 2026-03-31: threshold 70" in labels
    _render(fig)
    landmark = pd.DataFrame(
        {"group": ["quiet", "active", "quiet minus active"], "leads": [278, 4463, 4741],
         "wins": [0, 39, 39], "win_rate": [0.0, 0.0087, -0.0087],
         "ci_low": [0.0, 0.0064, -0.0119], "ci_high": [0.0136, 0.0119, 0.0051]}
    )  # fmt: skip
    fig = sp.decay_landmark(landmark, decay_after_days=90)
    assert fig.axes[0].get_title() == "Leads not converted by day 90: quiet against active"
    _render(fig)
    fig = sp.segment_auc(scoring.segment_auc(synth, n_boot=50))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any(lab.startswith("We <3 Dogs $1M") for lab in labels)
    _render(fig)
    assert "No track record" in sp.track_record(track.iloc[:0]).axes[0].texts[0].get_text()


def test_empty_inputs_give_a_message_figure():
    fig = sp.win_rate_by_band(pd.DataFrame(columns=["band", "n", "win_rate", "ci_low", "ci_high"]))
    assert "No matured leads" in fig.axes[0].texts[0].get_text()
    _render(fig)


def test_error_bars_survive_rounding_and_estimates_outside_their_interval():
    # statsmodels' Wilson interval for 0 wins of 7 gives ci_low = 2.8e-17 > rate 0
    # (seen on the sample at as_of 2024-10-31); matplotlib refuses a negative error
    # bar, so the chart must clip it to 0 instead of failing the report. Likewise
    # a percentile bootstrap interval need not contain its point estimate.
    plots.use_theme()
    bands = pd.DataFrame(
        {
            "band": ["80–<90", "90–100"],
            "score_low": [80.0, 90.0],
            "score_high": [90.0, 100.0],
            "n": [16, 7],
            "wins": [4, 0],
            "win_rate": [0.25, 0.0],
            "ci_low": [0.1018, 2.7755575615628914e-17],
            "ci_high": [0.4950, 0.3543],
        }
    )
    _render(sp.win_rate_by_band(bands, base_win_rate=0.05))
    cal = pd.DataFrame(
        {
            "bin": [1],
            "score_min": [90.0],
            "score_max": [100.0],
            "n": [7],
            "wins": [0],
            "mean_predicted": [0.1],
            "observed_rate": [0.0],
            "ci_low": [2.7755575615628914e-17],
            "ci_high": [0.3543],
            "expected_wins": [0.7],
        }
    )
    _render(sp.calibration(cal))
    segments = pd.DataFrame(
        {
            "segment": ["web"],
            "n": [30],
            "wins": [5],
            "win_rate": [1 / 6],
            "auc": [0.80],
            "auc_ci_low": [0.81],
            "auc_ci_high": [0.95],
            "verdict": ["predictive"],
            "n_needed": [40.0],
        }
    )
    _render(sp.segment_auc(segments))
    # the lengths themselves: the low side of the 0-win band is 0, not -2.8e-17
    err = sp._error_bars([0.0, 0.8], [2.7755575615628914e-17, 0.81], [0.3543, 0.95])
    assert err.tolist() == [[0.0, 0.0], [0.3543, pytest.approx(0.15)]]


def test_small_bands_are_grey_without_whiskers_and_do_not_set_the_axis():
    plots.use_theme()
    # One lead in the top band: its Wilson interval is 0-79%; the others stay near 20-35%.
    bands = pd.DataFrame(
        {
            "band": ["0–<50", "50–<90", "90–100"],
            "n": [400, 300, 1],
            "wins": [80, 90, 0],
            "win_rate": [0.20, 0.30, 0.0],
            "ci_low": [0.163, 0.251, 0.0],
            "ci_high": [0.242, 0.354, 0.793],
        }
    )
    fig = sp.win_rate_by_band(bands, base_win_rate=0.24, min_leads=20)
    ax = fig.axes[0]
    grey = [p for p in ax.patches if p.get_facecolor()[:3] == to_rgb(sp.SMALL_GREY)]
    assert len(grey) == 1 and grey[0].get_x() == pytest.approx(2 - 0.4)
    whiskers = [c for c in ax.containers if hasattr(c, "lines")][0].lines[2][0].get_segments()
    assert len(whiskers) == 2  # the 1-lead band has none
    assert ax.get_ylim()[1] == pytest.approx(0.354 * 1.1)  # not the 79% of the small band
    assert "Grey: 1 band(s) with fewer than 20 matured leads" in fig.get_supxlabel()
    assert "Fewer than 20 leads (no interval)" in [
        t.get_text() for t in ax.get_legend().get_texts()
    ]
    # With no small band nothing is greyed or said.
    fig = sp.win_rate_by_band(bands, base_win_rate=0.24, min_leads=1)
    assert fig.get_supxlabel() == ""
    assert not [p for p in fig.axes[0].patches if p.get_facecolor()[:3] == to_rgb(sp.SMALL_GREY)]

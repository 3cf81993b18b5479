"""Tests for workbook.analyses.scoring.figures: the summary.json figures."""

from __future__ import annotations

import pytest


def test_summary_figures_keys_and_values(outcomes, figures_of, required_keys):
    out, _ = outcomes
    figs = figures_of(out)
    assert required_keys <= set(figs)
    assert (figs["n_resolved"], figs["n_unresolved"]) == (12, 7)
    assert figs["base_win_rate"] == pytest.approx(4 / 12)
    assert figs["auc"] == pytest.approx(0.8125)
    assert figs["spearman_score_amount"] == pytest.approx(-0.4)
    assert (figs["current_threshold"], figs["recommended_threshold"]) == (60, 65)
    assert figs["recommendation_reliable"] is False
    assert len(figs["auc_ci"]) == 2 and len(figs["logit_slope_ci"]) == 2

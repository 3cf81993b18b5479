"""Tests for workbook.analyses.scoring.segments: per-segment AUC and its flags."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import scoring


def test_segment_auc_flags(outcomes):
    out, _ = outcomes
    seg = scoring.segment_auc(out, segment_by="source", n_boot=200, seed=0).set_index("segment")
    # event: no wins among L03 80, L08 60, L11 40, L15 30, L19 75 -> AUC undefined
    assert pd.isna(seg.loc["event", "auc"])
    assert "undefined" in seg.loc["event", "flag"]
    # web: wins 90, 80, 60, 55 all above losses 50, 45 -> AUC 1.0
    assert seg.loc["web", "auc"] == pytest.approx(1.0)
    assert (seg.loc["web", "n"], seg.loc["web", "wins"]) == (6, 4)


def test_segment_whose_auc_ci_contains_half_is_flagged():
    # "flat": won scores 50, 60 and lost scores 50, 60. Pairs (won, lost): 50-50 tie 0.5,
    # 50-60 loses 0, 60-50 wins 1, 60-60 tie 0.5 -> AUC = 2 / 4 = 0.5 exactly, so every
    # bootstrap interval around it contains 0.5: the score does not predict there.
    # "sharp": won 80, 90 above lost 10, 20 -> AUC 1; every resample with both outcomes
    # also gives 1, so the interval is [1, 1] and the score predicts.
    frame = pd.DataFrame(
        {
            "score": [50.0, 60.0, 50.0, 60.0, 80.0, 90.0, 10.0, 20.0],
            "source": ["flat"] * 4 + ["sharp"] * 4,
            "resolved": True,
            "won": pd.array([True, True, False, False, True, True, False, False], dtype="boolean"),
        }
    )
    seg = scoring.segment_auc(frame, segment_by="source", n_boot=200, seed=0).set_index("segment")
    assert seg.loc["flat", "auc"] == pytest.approx(0.5)
    assert seg.loc["flat", "auc_ci_low"] <= 0.5 <= seg.loc["flat", "auc_ci_high"]
    assert bool(seg.loc["flat", "score_predicts"]) is False
    assert seg.loc["flat", "flag"] == "score does not predict (AUC CI contains 0.5)"
    assert (seg.loc["sharp", "auc"], seg.loc["sharp", "auc_ci_low"]) == (1.0, 1.0)
    assert bool(seg.loc["sharp", "score_predicts"]) is True
    assert seg.loc["sharp", "flag"] == ""
    assert (seg.loc["flat", "win_rate"], seg.loc["sharp", "win_rate"]) == (0.5, 0.5)

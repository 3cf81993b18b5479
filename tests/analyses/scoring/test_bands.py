"""Tests for workbook.analyses.scoring.bands: score bands and their labels."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import scoring


def test_band_table_wilson(outcomes):
    out, _ = outcomes
    bands = scoring.band_table(out, width=10).set_index("score_low")
    assert bands["n"].to_dict() == {20: 1, 30: 1, 40: 2, 50: 2, 60: 2, 70: 1, 80: 2, 90: 1}
    assert bands["wins"].to_dict() == {20: 0, 30: 0, 40: 0, 50: 1, 60: 1, 70: 0, 80: 1, 90: 1}
    # Wilson 95% for 1 of 2: 0.5 -/+ 1.96*sqrt(0.125 + 0.2401)/2.9208 = 0.5 -/+ 0.40547
    assert bands.loc[50, "ci_low"] == pytest.approx(0.0945, abs=1e-4)
    assert bands.loc[50, "ci_high"] == pytest.approx(0.9055, abs=1e-4)
    assert bands.loc[60, "band"] == "60–<70"
    seg = scoring.band_table(out, width=50, segment_by="source")
    # blank source (L16) is its own segment
    assert set(seg["segment"]) == {"web", "event", "(blank)"}
    web = seg.loc[seg["segment"] == "web"].set_index("score_low")
    # web resolved: 90W 80W 60W 55W 50L 45L -> [0,50): 45L; [50,100): 90W 80W 60W 55W 50L
    assert web["n"].to_dict() == {0: 1, 50: 5}
    assert web["wins"].to_dict() == {0: 0, 50: 4}


def test_band_table_top_band_closed_and_out_of_range_bands():
    frame = pd.DataFrame(
        {
            "score": [-5.0, 0.0, 95.0, 100.0, 140.0],
            "resolved": True,
            "won": pd.array([False, True, True, False, True], dtype="boolean"),
        }
    )
    bands = scoring.band_table(frame, width=10)
    assert bands["band"].tolist() == ["below 0", "0–<10", "90–100", "above 100"]
    assert bands["n"].tolist() == [1, 1, 2, 1]
    assert bands["wins"].tolist() == [0, 1, 1, 1]


def test_band_table_negative_zero_score_is_the_zero_band():
    # -0.0 == 0.0, so a "-0" score belongs to [0, 10) and must be labelled "0–<10",
    # never "-0–<10"; it shares the band with 0.0 and 5.0 (3 leads, 1 win).
    frame = pd.DataFrame(
        {
            "score": [-0.0, 0.0, 5.0],
            "resolved": True,
            "won": pd.array([True, False, False], dtype="boolean"),
        }
    )
    bands = scoring.band_table(frame, width=10)
    assert bands["band"].tolist() == ["0–<10"]
    assert (bands["n"].tolist(), bands["wins"].tolist()) == ([3], [1])
    assert str(bands["score_low"].iloc[0]) == "0.0"
    # the same holds without a valid range and in threshold labels
    assert scoring.band_table(frame, width=10, score_range=None)["band"].tolist() == ["0–<10"]
    from workbook.analyses.scoring.narrative import _fmt_t

    assert _fmt_t(-0.0) == "0"

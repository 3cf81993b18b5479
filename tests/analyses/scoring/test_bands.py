"""Tests for workbook.analyses.scoring.bands: tenths of the score range, Wilson intervals, funnel positions."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import scoring


def _frame(scores, won):
    return pd.DataFrame({"score": scores, "matured": True, "won": pd.array(won, dtype="boolean")})


def test_bands_are_tenths_of_the_observed_range():
    # observed 0..2300: bands of 230, the top one closed (holds 2300)
    frame = _frame([0.0, 229.0, 230.0, 2300.0], [False, True, False, True])
    bands = scoring.band_table(frame)
    assert bands["band"].tolist() == ["0–<230", "230–<460", "2,070–2,300"]
    assert bands["n"].tolist() == [2, 1, 1]


def test_declared_range_gives_out_of_range_bands():
    frame = _frame([-5.0, 0.0, 95.0, 100.0, 140.0], [False, True, True, False, True])
    bands = scoring.band_table(frame, score_range=(0, 100))
    assert bands["band"].tolist() == ["below 0", "0–<10", "90–100", "above 100"]
    assert bands["n"].tolist() == [1, 1, 2, 1]
    assert bands["wins"].tolist() == [0, 1, 1, 1]


def test_negative_zero_score_is_the_zero_band():
    frame = _frame([-0.0, 0.0, 5.0], [True, False, False])
    bands = scoring.band_table(frame, width=10)
    assert bands["band"].tolist() == ["0–<10"]
    assert str(bands["score_low"].iloc[0]) == "0.0"


def test_band_wilson_and_position_by_hand(outcomes):
    out, _ = outcomes
    bands = scoring.band_table(out, score_range=(0, 100)).set_index("band")
    # [60, 70): L09 65 (won), L10 60 (won), L11 60, L12 60 -> 2 of 4
    assert bands.loc["60–<70", ["n", "wins"]].tolist() == [4, 2]
    assert bands.loc["60–<70", "ci_low"] <= 0.5 <= bands.loc["60–<70", "ci_high"]
    # 21 leads: nothing is outside the 99.8% funnel around 6/21
    assert not bands["position"].str.contains("99.8").any()


def test_a_planted_band_is_outside_the_funnel(synthetic):
    bands = scoring.band_table(synthetic(n=5000), score_range=(0, 100))
    assert bands.iloc[-1]["position"] == "above 99.8%"
    assert bands.iloc[0]["position"] == "below 99.8%"
    assert bands["win_rate"].iloc[-1] == pytest.approx(bands.iloc[-1]["wins"] / bands.iloc[-1]["n"])

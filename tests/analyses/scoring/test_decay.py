"""Tests for workbook.analyses.scoring.decay: the decay what-if: gaps, decayed scores, before and after."""

from __future__ import annotations

import pytest

from workbook.analyses import scoring


def test_decay_gaps_and_scores(decay_data):
    decayed = scoring.apply_decay(
        decay_data.leads,
        decay_data.acts,
        decay_data.opps,
        as_of=decay_data.as_of,
        decay_after_days=90,
        decay_points="-100",
    ).set_index("lead_id")
    # D1: Jan1-Feb1 31, Feb1-Apr1 60, Apr1-Jun1 61, Jun1-Jun29 (matures) 28 -> 61
    # D2: no activity and no opportunity: window ends when it matures, Jan1 + 180 days -> 180
    # D3: Jan1, Mar30 (opportunity activity), ends at conversion Mar31 -> 89
    # D4: no conversion date: ends at close Apr1 -> 91
    # D5: Mar1-Jun30 (as_of, before it matures) -> 121; D6: Apr1-May15 44, May15-Jun30 46 -> 46; D7: Apr1-Jun30 -> 90
    assert decayed["longest_gap_days"].to_dict() == {
        "D1": 61,
        "D2": 180,
        "D3": 89,
        "D4": 91,
        "D5": 121,
        "D6": 46,
        "D7": 90,
    }
    assert decayed["n_activities"].to_dict() == {
        "D1": 3,
        "D2": 0,
        "D3": 2,
        "D4": 0,
        "D5": 0,
        "D6": 1,
        "D7": 0,
    }
    assert decayed["decayed"].to_dict() == {
        "D1": False,
        "D2": True,
        "D3": False,
        "D4": True,
        "D5": True,
        "D6": False,
        "D7": True,
    }
    assert decayed["decayed_score"].to_dict() == {
        "D1": 80,
        "D2": -30,
        "D3": 90,
        "D4": -40,
        "D5": -50,
        "D6": 40,
        "D7": -55,
    }
    reset = scoring.apply_decay(
        decay_data.leads,
        decay_data.acts,
        decay_data.opps,
        as_of=decay_data.as_of,
        decay_points="reset",
    ).set_index("lead_id")
    assert reset.loc["D2", "decayed_score"] == 0 and reset.loc["D1", "decayed_score"] == 80


def test_decay_summary_before_after(decay_data):
    decayed = scoring.apply_decay(
        decay_data.leads, decay_data.acts, decay_data.opps, as_of=decay_data.as_of
    )
    # resolved: D1 lost 80 (matured), D2 lost 70 (matured), D3 won 90, D4 won 60; one month
    summ = scoring.decay_summary(decayed, threshold=60).set_index("scenario")
    assert (summ.loc["current scores", "handed_off"], summ.loc["current scores", "wins"]) == (4, 2)
    assert (summ.loc["after decay", "handed_off"], summ.loc["after decay", "wins"]) == (2, 1)
    assert summ.loc["after decay", "win_rate"] == pytest.approx(0.5)
    assert summ.loc["after decay", "share_of_wins"] == pytest.approx(0.5)
    assert (summ["decayed_leads"] == 2).all() and (summ["decayed_wins"] == 1).all()
    dsweep = scoring.decay_sweep(decayed, thresholds=[50, 60])
    assert len(dsweep) == 4
    after = dsweep.loc[dsweep["scenario"] == "after decay"].set_index("threshold")
    assert after.loc[50, "handed_off"] == 2


def test_parse_decay_points():
    assert scoring.parse_decay_points("-100") == -100
    assert scoring.parse_decay_points(" Reset ") == "reset"
    assert scoring.parse_decay_points(-50) == -50
    with pytest.raises(ValueError):
        scoring.parse_decay_points("lots")

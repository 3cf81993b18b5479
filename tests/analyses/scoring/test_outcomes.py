"""Tests for workbook.analyses.scoring.outcomes: the matured population and won within the horizon."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import scoring


def test_horizon_boundaries_by_hand(outcomes):
    out, exclusions = outcomes
    row = out.set_index("lead_id")
    # as_of 2024-06-30 - 180 days = 2024-01-02: L20 (created 01-02) matured, L21 (01-03) not
    assert bool(row.loc["L20", "matured"]) and not bool(row.loc["L21", "matured"])
    # L02 closed won on its created day + 180: won; L03 a day after: not won, but won by as_of
    assert bool(row.loc["L02", "won"]) and row.loc["L02", "outcome"] == "won"
    assert not bool(row.loc["L03", "won"]) and bool(row.loc["L03", "won_by_as_of"])
    assert row.loc["L03", "outcome_reason"] == "won after the horizon"
    # open opportunity, closed won without a close date, lost: all not won
    assert row.loc["L07", "outcome_reason"] == "opportunity open"
    assert row.loc["L18", "outcome_reason"] == "opportunity open"
    assert row.loc["L12", "outcome_reason"] == "opportunity lost"
    # the status is never used: an Unqualified lead is simply not won
    assert row.loc["L11", "outcome"] == "not won"
    # L21 won within 30 days but is not matured: it is in no statistic
    assert pd.isna(row.loc["L21", "won"]) and row.loc["L21", "outcome"] == "not matured"
    assert "L23" not in row.index and "L24" not in row.index  # blank score, after as_of
    ex = exclusions.set_index("reason")["n"]
    assert ex["blank score"] == 1 and ex["created after the as-of date (or no creation date)"] == 1
    assert exclusions.loc[exclusions["kind"] == "not matured", "n"].item() == 2


def test_sufficiency_counts_by_hand(outcomes):
    out, _ = outcomes
    suff = scoring.data_sufficiency(out)
    # matured L01-L20 and L25 = 21; wins L01 L02 L05 L09 L10 L14 = 6; by as_of + L03 L25 = 8
    assert (suff["n_matured"], suff["n_wins"], suff["n_not_matured"]) == (21, 6, 2)
    assert suff["n_wins_by_as_of"] == 8
    assert suff["reliable"] is False
    assert (
        suff["shortfall"]
        == "21 matured leads (at least 100 needed) and 6 wins (at least 20 needed)"
    )


def test_outcome_counts_order_and_share(outcomes):
    out, _ = outcomes
    counts = scoring.outcome_counts(out)
    assert counts["outcome"].tolist()[0] == "won"
    assert counts["outcome"].tolist()[-1] == "not matured"
    assert counts["n"].sum() == 23 and counts["share"].sum() == pytest.approx(1)


def test_score_range_note(tiny):
    _, ex = scoring.lead_outcomes(tiny.leads, tiny.opps, as_of=tiny.as_of, score_range=(20, 90))
    # scores outside 20-90: L01 95 and L25 10 (L23 is blank, L24 after as_of)
    assert ex.loc[ex["kind"] == "note", "n"].item() == 2


def test_a_longer_horizon_matures_fewer_and_keeps_later_wins(tiny):
    out, _ = scoring.lead_outcomes(tiny.leads, tiny.opps, as_of=tiny.as_of, horizon_days=181)
    row = out.set_index("lead_id")
    assert not bool(row.loc["L20", "matured"])  # 180 days old < 181
    assert bool(row.loc["L03", "won"])  # closed on its created day + 181


def test_passing_the_pair_is_a_clear_type_error(outcomes):
    with pytest.raises(TypeError, match="pass its .outcomes"):
        scoring.matured_leads(outcomes)


def test_matured_once_selects_the_matured_rows_once(outcomes, monkeypatch):
    from workbook.analyses.scoring import outcomes as module

    outcomes = outcomes.outcomes

    expected = scoring.matured_leads(outcomes)
    calls = []
    real = module._matured
    monkeypatch.setattr(module, "_matured", lambda frame: calls.append(1) or real(frame))
    with module.matured_once(outcomes):
        first = scoring.matured_leads(outcomes)
        first["won"] = ~first["won"]  # a caller's change stays in its copy
        second = scoring.matured_leads(outcomes)
        other = scoring.matured_leads(outcomes.iloc[:3])  # another frame: not memoised
    assert len(calls) == 2
    pd.testing.assert_frame_equal(second, expected)
    pd.testing.assert_frame_equal(other, real(outcomes.iloc[:3]))
    scoring.matured_leads(outcomes)  # outside the block: computed again
    assert len(calls) == 3

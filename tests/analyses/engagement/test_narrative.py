"""Unit tests for workbook.analyses.engagement.narrative.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.engagement import narrative as nar
from workbook.analyses.engagement import win_model as wm
from workbook.analyses.engagement import window as win


def test_summary_sentences_change_with_the_data(tables_fx, summary_fx):
    acc, act, opp, lead = tables_fx()
    _, before = summary_fx(acc, act, opp, lead)
    # a call on Echo (A5) inside the window wakes it up
    extra = act.iloc[[6]].assign(activity_id="X8", occurred_at=pd.Timestamp("2024-03-30"))
    figures, after = summary_fx(acc, pd.concat([act, extra], ignore_index=True), opp, lead)
    assert figures["dormant_accounts"] == 0
    assert after[0].startswith("0 of 5 accounts (0%) are dormant")
    assert after[1] == "No dormant account has open pipeline."
    assert before[:2] != after[:2]


def test_window_note(closed_fx):
    opps = closed_fx([(10, "2024-12-01"), (-5, "2024-12-02"), (30, "2024-11-01")])
    note = nar.window_note(win.window_basis(opps, as_of="2024-12-31"))
    assert note.startswith("Window: 5 days = round half-up of a quarter of the 20.0-day mean")
    assert "2 deals closed" in note and "1 closed deal(s) with a close date before" in note
    opps = closed_fx([(10, "2024-12-01")])
    assert nar.window_note(win.window_basis(opps, as_of="2024-12-31", window_days=9)) == (
        "Window: 9 days, set in the report's settings."
    )


def test_model_note(synthetic_crm):
    from workbook.analyses.engagement import backtest as bt

    refused = wm.WinModel(
        wm.REFUSED, "No deal has a snapshot whose horizon has passed.", pd.Timestamp("2024-03-31"),
        180, 14, 30,
    )  # fmt: skip
    assert nar.model_note(refused, None, gate_open=False, threshold=30) == (
        "The win model was not fitted at the as-of date. No deal has a snapshot whose horizon "
        "has passed. No opportunity is flagged for win-probability variance."
    )
    crm = synthetic_crm(signal=True, seed=1)
    check = bt.backtest_win_model(crm, n_boot=200)
    model = wm.fit_win_model(crm.opportunities, crm.activities, as_of=crm.as_of)
    note = nar.model_note(model, check, gate_open=True, threshold=31.25)
    assert note.startswith(
        f"The win model is fitted on {model.n_rows:,} snapshots of {model.n_deals:,} deals"
    )
    assert check.sentence in note
    assert "by more than 31.2 points" in note


def test_level_note_prints_a_line_to_pin_the_threshold():
    assert nar.level_note(5, default=5) == (
        "High engagement: at least 5 recent records, derived from this data (the 75th percentile "
        "of the positive counts), so it moves from run to run. To pin it, paste into the params "
        "file: reports: {engagement: {high_min_records: 5}}"
    )
    assert nar.level_note(8, default=5, pinned=True) == (
        "High engagement: at least 8 recent records, pinned by the high_min_records parameter "
        "(the data would give 5)."
    )

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
        "Window: 9 days, set by the window_days parameter."
    )


def test_model_note(stub_model):
    refused = wm.WinModel(wm.REFUSED, "only 3 closed deals", n_closed=3, n_won=1, min_closed=50)
    assert nar.model_note(refused, threshold=30) == (
        "The win model was not fitted (only 3 closed deals); no opportunity is flagged for "
        "win-probability variance."
    )
    fitted = stub_model([0.5])
    fitted.dropped_features = ["log_meetings"]
    note = nar.model_note(fitted, threshold=30)
    assert note.startswith("The win model is fitted on 60 closed deals (20 won)")
    assert note.endswith("Left out for having no variance: log_meetings.")

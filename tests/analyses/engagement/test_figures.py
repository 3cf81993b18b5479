"""Unit tests for workbook.analyses.engagement.figures.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import pytest


def test_summary_figures_and_sentences(tables_fx, summary_fx):
    figures, sentences = summary_fx(*tables_fx())
    assert figures["window_days"] == 10
    assert figures["window_source"] == "parameter"
    assert figures["high_min_records"] == 2
    assert (
        figures["accounts"],
        figures["dormant_accounts"],
        figures["medium_accounts"],
        figures["high_accounts"],
    ) == (5, 1, 3, 1)
    assert figures["dormant_share"] == pytest.approx(0.2)
    # A5 (Echo) is dormant with O4 open for 300
    assert (figures["at_risk_accounts"], figures["at_risk_pipeline"]) == (1, 300.0)
    # open: O1 (created 03-25, 6 days: not stale), O2 (X2 on 03-30), O4 (no activity, stale)
    assert figures["open_opportunities"] == 3
    assert figures["stale_opportunities"] == 1
    assert figures["overdue_opportunities"] == 0
    # L3 open since 03-01, handed off 03-02, never touched
    assert (figures["open_leads"], figures["stale_leads"]) == (1, 1)
    assert (figures["handed_off_leads"], figures["handed_off_not_worked"]) == (1, 1)
    assert figures["unowned_open_leads"] == 1
    # no deal is 180 days old at AS_OF: no snapshot row, the model refuses and flags nothing
    assert figures["win_model_status"] == "refused"
    assert figures["probability_variance_flags"] == 0
    assert figures["skill_gate_open"] is False
    # the cut points of this run, for the index's --compare
    assert figures["cut_points"] == {"high_min_records": 2, "window_days": 10}
    assert 4 <= len(sentences) <= 5
    assert sentences[0].startswith("1 of 5 accounts (20%) are dormant")
    assert sentences[1].startswith("Echo is the dormant account with the most open pipeline ($300)")
    assert sentences[-1] == (
        "The win-probability check flags nothing. No deal has a snapshot whose horizon has passed."
    )

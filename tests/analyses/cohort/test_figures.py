"""Tests for workbook.analyses.cohort.figures: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import pytest

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def test_summary_figures_by_hand(crm, figures_of):
    f = figures_of(*crm)
    assert (f["leads"], f["cohorts"], f["first_cohort"], f["last_cohort"]) == (
        5,
        3,
        "2024-01",
        "2024-03",
    )
    assert (f["leads_excluded"], f["events_ignored"]) == (1, 4)  # L5; A3, A4, O2 x2
    # equal age k=1 with as_of 2024-03-15 (mid-month): 2024-01's cell is February,
    # complete (1 of 3); 2024-02's cell is March, partial, so it is left out of
    # the pooled figure (it read 0/1): pooled 1/3, not 1/4
    assert f["equal_age_cohorts"] == 1
    assert f["equal_age_rate"] == pytest.approx(1 / 3)
    assert "equal_age_best_cohort" not in f  # cohorts are named only via the noise helper
    # opportunities: L1 one month on, L6 two months on -> both >= 1 period late
    assert (f["opportunities"], f["opportunities_late_share"]) == (2, 1.0)
    # meetings: L1 (Feb, Jan cohort), L3 (Mar, Feb cohort): all from earlier cohorts
    assert (f["latest_period"], f["meetings_latest_period"]) == ("2024-03", 1)
    assert f["meetings_latest_from_earlier_share"] == 1.0
    assert f["meetings_from_earlier_share"] == 1.0
    # L4 (handed off 2024-03-14, due 03-16) is pending at 03-15: in neither part
    assert (f["handed_off"], f["handoff_pending"], f["handoff_due"]) == (4, 1, 3)
    assert (f["followed_up"], f["followup_rate"]) == (2, pytest.approx(2 / 3))
    assert (f["not_followed_up"], f["not_followed_up_sla_open"]) == (1, 1)  # L6; L4
    assert f["not_followed_up_never_touched"] == 0
    assert f["longest_wait_days"] is None
    assert f["median_days_to_first_touch"] == 2.0
    assert "lowest_owner" not in f  # owners are named only via the noise helper


def test_summary_figures_are_plain_python(crm, figures_of):
    f = figures_of(*crm)
    for key, value in f.items():
        assert value is None or isinstance(value, (bool, int, float, str, list)), key
    assert f["segment_by"] is None
    # segmenting pools to the same figures, except the median (None when segmenting)
    seg = figures_of(*crm, segment_by="source")
    assert seg["segment_by"] == "source"
    assert seg["median_days_to_first_touch"] == 2.0  # the handoff table here is unsegmented


def test_summary_figures_check_types(crm):
    ft = co.follow_through(*crm, as_of=AS_OF)
    with pytest.raises(TypeError, match="equal_age"):
        co.summary_figures(
            follow_through=ft,
            equal_age=None,
            period_vs_cohort=ft,
            handoff=ft,
            not_followed_up=ft,
            exclusions=ft,
        )

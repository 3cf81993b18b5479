"""The cohort explorer takes a cohort Results and starts at its Params."""

from __future__ import annotations

import pytest

import workbook
from workbook.analyses import cohort
from workbook.widgets import cohort as cohort_widgets


@pytest.fixture(scope="module")
def res():
    return cohort.run(workbook.load(), grain="quarter", milestone="meeting", equal_age_periods=2)


def test_explorer_starts_at_the_results_params(res):
    w = cohort_widgets.explorer(res)
    values = {c.description: c.value for c in w.children if hasattr(c, "value")}
    assert values["Grain"] == "quarter"
    assert values["Milestone"] == "meeting"
    assert values["Segment"] == ""
    assert values["Equal age"] == 2
    segment = next(c for c in w.children if getattr(c, "description", "") == "Segment")
    assert [v for _, v in segment.options] == ["", "source", "owner_id"]


def test_widget_builds(res):
    # moved from tests/plots/test_cohort.py; the explorer now takes a Results
    w = cohort_widgets.explorer(res)
    assert [c.description for c in w.children[:4]] == ["Grain", "Milestone", "Segment", "Equal age"]


def test_explorer_rejects_loose_arguments(res):
    with pytest.raises(TypeError, match="Results"):
        cohort_widgets.explorer(res.milestones)

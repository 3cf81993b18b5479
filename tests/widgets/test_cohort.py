"""The cohort explorer takes a cohort Results, starts at its Params and draws on load."""

from __future__ import annotations

import matplotlib
import pytest

import workbook
from workbook.analyses import cohort
from workbook.widgets import cohort as cohort_widgets

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def res():
    return cohort.run(workbook.load(), grain="quarter", milestone="meeting", equal_age_periods=2)


def _controls(w):
    return {c.description: c for c in w.children if hasattr(c, "value")}


def test_explorer_starts_at_the_results_params(res):
    w = cohort_widgets.explorer(res)
    values = {d: c.value for d, c in _controls(w).items()}
    assert values["Cohorts by"] == "quarter"
    assert values["Milestone"] == "meeting"
    assert values["Split by"] == ""
    assert values["Compare at age (periods)"] == 2
    segment = _controls(w)["Split by"]
    # owners are offered by name (the "owner" column), never by owner_id
    assert segment.options == (
        ("None (all leads)", ""),
        ("Lead source", "source"),
        ("Owner", "owner"),
    )


def test_labels_are_words_shown_in_full(res):
    w = cohort_widgets.explorer(res)
    for c in w.children[:4]:
        assert "_" not in c.description, c.description
        assert c.style.description_width == "initial", c.description
    grain = _controls(w)["Cohorts by"]
    assert [label for label, _ in grain.options] == ["Month", "Quarter", "Year"]


def test_default_view_is_drawn_on_load(res, monkeypatch):
    shown = []
    monkeypatch.setattr(cohort_widgets, "display", shown.append)
    cohort_widgets.explorer(res)  # no Update click
    assert [type(o).__name__ for o in shown] == ["Figure", "Figure"]
    titles = [ax.get_title() for ax in shown[1].axes]
    assert any("meeting" in t and "2 calendar quarters" in t for t in titles), titles


def test_owner_segments_show_names(res, monkeypatch):
    shown = []
    monkeypatch.setattr(cohort_widgets, "display", shown.append)
    w = cohort_widgets.explorer(res)
    _controls(w)["Split by"].value = "owner"
    shown.clear()
    w.update()
    legend = [
        t.get_text() for ax in shown[1].axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]
    # U01 is Alice Johnson in the sample's users table; U99 (not in users) keeps its id
    assert "Alice Johnson" in legend and "U01" not in legend
    assert "U99" in legend


def test_explorer_rejects_loose_arguments(res):
    with pytest.raises(TypeError, match="Results"):
        cohort_widgets.explorer(res.milestones)

"""The scoring widget takes a ``scoring.Results`` (not loose tables and thresholds)."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

import workbook  # noqa: E402
from workbook.analyses import scoring  # noqa: E402
from workbook.widgets import scoring as scoring_widgets  # noqa: E402


@pytest.fixture(scope="module")
def res():
    return scoring.run(workbook.load(), n_boot=20, backtest_months=[3])


def test_explorer_starts_at_the_recommended_threshold(res):
    box = scoring_widgets.explorer(res, n_boot=20)
    slider = box.children[0]
    # 75 on the 36-month sample (re-derived: the lowest threshold whose chance of more than
    # 40 scored leads next month is at most 10%; see tests/analyses/scoring/test_pipeline.py)
    assert slider.value == res.recommended_threshold == 75
    grid = res.threshold_sweep["threshold"]
    assert (slider.min, slider.max) == (grid.min(), grid.max())


def test_explorer_needs_results(res):
    with pytest.raises(TypeError, match="scoring.Results"):
        scoring_widgets.explorer(res.outcomes)


def test_explorer_shows_the_band_between_two_thresholds(res, monkeypatch):
    shown = []
    monkeypatch.setattr(scoring_widgets, "display", shown.append)
    box = scoring_widgets.explorer(res, n_boot=20)
    box.children[0].value = 65.0
    box.update()
    html = " ".join(o.data for o in shown if hasattr(o, "data") and isinstance(o.data, str))
    # the band [60, 65) of matured leads, with its Wilson interval against the base rate
    assert "Raising 60 → 65 gives up" in html and "the base rate" in html


def test_the_slider_line_says_selected_and_the_recommendation_stays(res, monkeypatch):
    shown = []
    monkeypatch.setattr(scoring_widgets, "display", shown.append)
    box = scoring_widgets.explorer(res, n_boot=20)
    slider = box.children[0]
    assert slider.description == "Hand-off threshold (score)"
    assert slider.style.description_width == "initial"
    shown.clear()
    slider.value = 85.0  # continuous_update=False: a release sets the value once
    html = " ".join(o.data for o in shown if isinstance(getattr(o, "data", None), str))
    assert "Selected threshold 85:" in html
    assert "Current threshold 60; recommended 75." in html  # the run's recommendation, unchanged
    fig = next(o for o in shown if type(o).__name__ == "Figure")
    marks = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Recommended 75" in marks and "Selected 85" in marks and "Current 60" in marks
    assert "Recommended 85" not in marks


def test_default_view_is_drawn_on_load(res, monkeypatch):
    shown = []
    monkeypatch.setattr(scoring_widgets, "display", shown.append)
    scoring_widgets.explorer(res, n_boot=20)  # built, nothing moved or clicked
    assert [type(o).__name__ for o in shown] == ["HTML", "Figure"]
    # the view starts at the recommendation, 75 on the sample
    assert "Selected threshold 75:" in shown[0].data
    assert shown[1].axes and any(ax.lines for ax in shown[1].axes)

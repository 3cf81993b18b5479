"""The scoring widget takes a ``scoring.Results`` (not loose tables and thresholds)."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

import workbook  # noqa: E402
from workbook.analyses import scoring  # noqa: E402
from workbook.widgets import scoring as scoring_widgets  # noqa: E402


@pytest.fixture(scope="module")
def res():
    return scoring.run(workbook.load(), n_boot=20)


def test_explorer_starts_at_the_recommended_threshold(res):
    box = scoring_widgets.explorer(res, n_boot=20)
    slider = box.children[0]
    assert slider.value == res.recommended_threshold  # 65 on the bundled sample
    grid = res.threshold_sweep["threshold"]
    assert (slider.min, slider.max) == (grid.min(), grid.max())


def test_explorer_needs_results(res):
    with pytest.raises(TypeError, match="scoring.Results"):
        scoring_widgets.explorer(res.outcomes)

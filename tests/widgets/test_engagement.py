"""The engagement explorer takes the report's ``Results`` (and the data it came from)."""

from __future__ import annotations

import pytest

import workbook
from workbook.analyses import engagement
from workbook.widgets import engagement as engagement_widgets


@pytest.fixture(scope="module")
def crm_and_results():
    crm = workbook.load(
        None, tables=["accounts", "leads", "opportunities", "activities", "contacts"]
    )
    return crm, engagement.run(crm, stale_days=21, high_min_records=3)


def test_explorer_starts_from_the_results(crm_and_results):
    crm, res = crm_and_results
    box = engagement_widgets.explorer(crm, res)
    sliders = {w.description: w for w in box.children if hasattr(w, "description")}
    # the 36-month sample's window is 20 days (docs/sample_data.md, seed 0)
    assert sliders["window_days"].value == res.basis["window_days"] == 20
    assert sliders["window_days"].max == max(60, 4 * 20)
    assert sliders["stale_days"].value == 21


def test_explorer_rejects_loose_arguments(crm_and_results):
    crm, res = crm_and_results
    with pytest.raises(TypeError, match="results must be"):
        engagement_widgets.explorer(crm, res.levels)
    with pytest.raises(TypeError, match="crm must be"):
        engagement_widgets.explorer(crm.accounts, res)

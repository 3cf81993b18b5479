"""The hierarchy explorer takes the run's Results (and its data), not loose arguments."""

from __future__ import annotations

import ipywidgets
import matplotlib
import pytest

import workbook
from workbook.analyses import hierarchy
from workbook.widgets import hierarchy as hierarchy_widgets

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def crm():
    return workbook.load()


def test_explorer_starts_from_the_results(crm):
    res = hierarchy.run(crm, top_n=5, period_start="2026-01-01")
    box = hierarchy_widgets.explorer(crm, res)
    assert isinstance(box, ipywidgets.interactive)
    controls = {w.description: w.value for w in box.children[:-1]}
    assert controls["Customers shown"] == 5
    assert str(controls["Revenue from (day included)"]) == "2026-01-01"
    assert str(controls["to (day included)"]) == "2026-06-30"
    assert all(w.style.description_width == "initial" for w in box.children[:-1])


def test_explorer_rejects_loose_arguments(crm):
    with pytest.raises(TypeError, match="res"):
        hierarchy_widgets.explorer(crm, crm.accounts)
    with pytest.raises(TypeError, match="crm"):
        hierarchy_widgets.explorer(crm.accounts, hierarchy.run(crm))


def test_default_view_is_drawn_on_load(crm, monkeypatch):
    res = hierarchy.run(crm, top_n=5)
    shown = []
    monkeypatch.setattr(hierarchy_widgets, "display", shown.append)
    hierarchy_widgets.explorer(crm, res)  # built, nothing moved
    assert [type(o).__name__ for o in shown] == ["Figure", "HTML"]
    assert shown[0].axes
    table = shown[1].value
    # the corrected top 5 of the run's period; Dogs Extraordinaire first (docs/sample_data.md)
    assert table.count("<tr>") - 1 == 5 and "Dogs Extraordinaire" in table

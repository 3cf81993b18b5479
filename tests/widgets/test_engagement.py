"""The engagement explorer takes the report's ``Results`` (and the data it came from)."""

from __future__ import annotations

import pytest

import workbook
from workbook.analyses import engagement
from workbook.widgets import engagement as engagement_widgets


@pytest.fixture(scope="module")
def crm_and_results():
    crm = workbook.load(
        None, tables=["accounts", "leads", "opportunities", "activities", "contacts", "users"]
    )
    return crm, engagement.run(crm, stale_days=21, high_min_records=3)


def test_explorer_starts_from_the_results(crm_and_results):
    crm, res = crm_and_results
    box = engagement_widgets.explorer(crm, res)
    sliders = {w.description: w for w in box.children if hasattr(w, "description")}
    window, stale = (
        sliders["Engagement window (days)"],
        sliders["Stale after no activity for (days)"],
    )
    # the 36-month sample's window is 20 days (docs/sample_data.md, seed 0)
    assert window.value == res.basis["window_days"] == 20
    assert window.max == max(60, 4 * 20)
    assert stale.value == 21
    # labels in words with units, shown in full (no "window_d…")
    assert all(s.style.description_width == "initial" for s in (window, stale))


def test_owners_are_charted_by_name(crm_and_results, monkeypatch):
    crm, res = crm_and_results
    shown = []
    monkeypatch.setattr(engagement_widgets, "display", shown.append)
    box = engagement_widgets.explorer(crm, res)
    shown.clear()
    box.update()
    figures = [o for o in shown if type(o).__name__ == "Figure"]
    ticks = [t.get_text() for ax in figures[0].axes for t in ax.get_yticklabels()]
    names = set(crm.users["name"]) if "users" in crm else set()
    assert not [t for t in ticks if t.startswith("U0") or t.startswith("U1")], ticks
    assert names & set(ticks), ticks


def test_explorer_rejects_loose_arguments(crm_and_results):
    crm, res = crm_and_results
    with pytest.raises(TypeError, match="results must be"):
        engagement_widgets.explorer(crm, res.levels)
    with pytest.raises(TypeError, match="crm must be"):
        engagement_widgets.explorer(crm.accounts, res)


def test_default_view_is_drawn_on_load(crm_and_results, monkeypatch):
    crm, res = crm_and_results
    shown = []
    monkeypatch.setattr(engagement_widgets, "display", shown.append)
    engagement_widgets.explorer(crm, res)  # built, no slider moved
    # the summary line, then levels by owner, at-risk accounts and effectiveness by stage
    assert [type(o).__name__ for o in shown] == ["HTML", "Figure", "Figure", "Figure"]
    assert "20" in shown[0].data  # the run's window (20 days on the sample)
    assert all(fig.axes and fig.axes[0].patches for fig in shown[1:])

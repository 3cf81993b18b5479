"""Smoke tests for the cohort charts: titles, labels and PNG rendering."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from workbook import plots
from workbook.analyses import cohort as co
from workbook.core import links
from workbook.plots import cohort as pc

AS_OF = "2024-03-15"


def _frames():
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "created_at": pd.to_datetime(["2024-01-31", "2024-01-10", "2024-02-15", "2024-03-01"]),
            "source": ["web", "web", "event", "We <3 Dogs"],
            "owner_id": ["U1", "U1", "U2", "U2"],
            "handed_off_at": pd.to_datetime(["2024-01-31", None, "2024-02-15", "2024-03-01"]),
            "converted_opportunity_id": ["O1", None, None, None],
        }
    )
    acts = pd.DataFrame(
        {
            "activity_id": ["A1", "A2", "A3"],
            "occurred_at": pd.to_datetime(["2024-02-01", "2024-02-10", "2024-02-20"]),
            "type": ["call", "meeting", "email"],
            "lead_id": ["L1", None, "L3"],
            "opportunity_id": [None, "O1", None],
        }
    )
    opps = pd.DataFrame(
        {
            "opportunity_id": ["O1"],
            "created_at": pd.to_datetime(["2024-02-05"]),
            "close_date": pd.to_datetime(["2024-03-01"]),
            "is_won": pd.array([True], dtype="boolean"),
        }
    )
    return leads, acts, opps


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _theme():
    plots.use_theme()
    yield
    plt.close("all")


def test_heatmap_titles_and_png():
    ft = co.follow_through(*_frames(), as_of=AS_OF, min_cell_leads=2)
    fig = pc.follow_through_heatmap(ft, milestone="touched")
    ax = fig.axes[0]
    assert ax.get_title() == "Share of each cohort reaching first touch"
    assert ax.get_xlabel().startswith("Months since acquisition")
    assert ax.get_ylabel() == "Cohort (acquisition period)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2024-01", "2024-02", "2024-03"]
    # 3 + 2 + 1 observed cells are annotated; unobserved ones are not
    assert len(ax.texts) == 6
    # the percentages name one family (the stack's first, which draws digits), not the stack
    assert {tuple(t.get_fontfamily()) for t in ax.texts} == {("DejaVu Sans",)}
    assert _png(fig).startswith(b"\x89PNG")


def _triangle(periods: int) -> pd.DataFrame:
    """A follow-through table of ``periods`` monthly cohorts, each observed up to today."""
    rows = [
        {"cohort": f"c{c:02d}", "milestone": "won", "months_since": m, "leads": 100,
         "rate": 0.1, "small_n": False, "complete": True, "grain": "month"}
        for c in range(periods) for m in range(periods - c)
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("periods", [pc.MAX_ANNOTATED_PERIODS, pc.MAX_ANNOTATED_PERIODS + 1])
def test_heatmap_prints_shares_only_when_they_fit(periods):
    cells = _triangle(periods)
    fig = pc.follow_through_heatmap(cells, milestone="won")
    ax, note = fig.axes[0], fig.texts[-1].get_text()
    fits = periods <= pc.MAX_ANNOTATED_PERIODS
    # one label per observed cell when they fit, none (and a note saying why) when not
    assert len(ax.texts) == (len(cells) if fits else 0)
    assert ("too narrow to print each share" in note) == (not fits)
    # the caller's choice wins either way
    forced = pc.follow_through_heatmap(cells, milestone="won", annotate=not fits)
    assert len(forced.axes[0].texts) == (0 if fits else len(cells))
    plt.close("all")


def test_heatmap_segment_panels():
    ft = co.follow_through(*_frames(), as_of=AS_OF, segment_by="source")
    fig = pc.follow_through_heatmap(ft, milestone="opportunity")
    titles = [a.get_title(loc="left") for a in fig.axes]
    assert "We <3 Dogs" in titles and "web" in titles
    assert _png(fig)


def test_equal_age_chart_labels():
    ft = co.follow_through(*_frames(), as_of=AS_OF)
    fig = pc.equal_age_chart(co.equal_age(ft, periods=1), milestone="opportunity", periods=1)
    ax = fig.axes[0]
    assert "within 1 calendar month after the acquisition month" in ax.get_title()
    assert ax.get_ylabel() == "Share reaching an opportunity"
    assert _png(fig)


def test_empty_inputs_give_message_figures():
    ft = co.follow_through(*_frames(), as_of=AS_OF)
    fig = pc.equal_age_chart(co.equal_age(ft, periods=9))
    assert "old enough" in fig.axes[0].texts[0].get_text()
    assert _png(fig)


def test_km_hist_and_period_charts():
    leads, acts, opps = _frames()
    km = co.time_to_event(leads, acts, opps, as_of=AS_OF, by="source")
    fig = pc.km_chart(km)
    assert [a.get_title() for a in fig.axes] == ["Time to an opportunity", "Time to a won deal"]
    assert fig.axes[0].get_xlabel() == "Days since lead created"
    assert _png(fig)

    status = links.lead_handoff_status(leads, acts, opps, as_of=AS_OF)
    fig = pc.first_touch_histogram(status, sla_days=2)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Leads"
    assert any("never touched: 1" in t.get_text() for t in ax.get_legend().get_texts())
    assert _png(fig)

    pv = co.period_vs_cohort(leads, acts, opps, as_of=AS_OF)
    fig = pc.period_vs_cohort_chart(pv, milestone="touched")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Period the milestone happened in"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["same month", "1 month before"]
    assert _png(fig)


def test_heatmap_outlines_partial_cells_dotted():
    # as_of 2024-03-15: the three March cells are partial; hatching stays for small cohorts
    ft = co.follow_through(*_frames(), as_of=AS_OF, min_cell_leads=2)
    fig = pc.follow_through_heatmap(ft, milestone="touched")
    dotted = [p for p in fig.axes[0].patches if p.get_linestyle() == ":"]
    assert len(dotted) == int((~ft["complete"] & (ft["milestone"] == "touched")).sum()) == 3
    assert any("Dotted outline: partial period" in t.get_text() for t in fig.texts)
    assert _png(fig)


def test_issue16_charts_render():
    rng = np.random.default_rng(0)
    ea = pd.DataFrame(
        {
            "cohort": [f"2024-{m:02d}" for m in range(1, 13)],
            "leads": 200,
            "reached": rng.binomial(200, 0.2, 12),
        }
    )
    comp = co.cohort_comparison(ea)
    fig = pc.cohort_funnel_plot(comp.table, comp.funnel)
    assert "size" in fig.axes[0].get_title()
    assert _png(fig)
    tri = pd.DataFrame(
        {
            "cohort": np.repeat(["2024-01", "2024-02", "2024-03"], 3),
            "months_since": [0, 1, 2] * 3,
            "reached": [10, 15, 20, 12, 18, 0, 9, 0, 0],
            "leads": 100,
            "complete": [True] * 5 + [False, True, False, False],
            "milestone": "won",
        }
    ).assign(rate=lambda d: d["reached"] / 100)
    proj = co.projection(tri, months=2, milestones=["won"], draws=99)
    assert _png(pc.projection_chart(proj, milestone="won"))
    tr = co.projection_track_record(proj, tri.assign(complete=True), cut="2024-02-29", months=2)
    assert _png(pc.track_record_chart(tr.table))
    assert "No track record" in pc.track_record_chart(tr.table.iloc[:0]).axes[0].texts[0].get_text()
    curves = pd.DataFrame(
        {
            "group": "all",
            "outcome": ["won", "won", "lost"],
            "days": [10, 30, 20],
            "cif": [0.1, 0.2, 0.05],
            "se": 0.01,
        }
    )
    assert _png(pc.outcomes_chart(curves))


def test_small_cohorts_are_greyed_and_annotations_readable():
    # min_cell_leads=2: the 2024-02 and 2024-03 cohorts (one lead each) are small.
    ft = co.follow_through(*_frames(), as_of=AS_OF, min_cell_leads=2)
    fig = pc.follow_through_heatmap(ft, milestone="touched")
    ax = fig.axes[0]
    grey = [p for p in ax.patches if p.get_facecolor()[:3] == plt_colour(pc.SMALL_GREY)]
    small_cells = int((ft["small_n"] & (ft["milestone"] == "touched")).sum())
    assert small_cells == 3 and len(grey) == small_cells  # 2 cells of 2024-02, 1 of 2024-03
    assert all(t.get_fontsize() >= 9 for t in ax.texts)
    assert any("Grey, hatched: small cohort (too few leads)" in t.get_text() for t in fig.texts)
    # given the report's minimum, the note says it in words, not as a setting's name
    named = pc.follow_through_heatmap(ft, milestone="touched", min_leads=2)
    note = " ".join(t.get_text() for t in named.texts)
    assert "small cohort (fewer than 2 leads)" in note and "min_cell_leads" not in note
    assert "as_of" not in note


def plt_colour(hex_colour):
    from matplotlib.colors import to_rgb

    return tuple(to_rgb(hex_colour))


def test_equal_age_draws_no_whisker_for_a_small_cohort_and_says_so():
    ft = co.follow_through(*_frames(), as_of=AS_OF, min_cell_leads=2)
    ea = co.equal_age(ft, periods=0)
    assert ea["small_n"].any() and (~ea["small_n"]).any()
    fig = pc.equal_age_chart(ea, milestone="touched", periods=0)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if hasattr(c, "lines")]
    whiskers = sum(len(seg.get_segments()) for c in bars for seg in c.lines[2])
    assert whiskers == int((~ea["small_n"]).sum())
    assert "no interval drawn" in fig.get_supxlabel()
    assert "small cohorts (fewer than 2 leads)" in pc.equal_age_chart(
        ea, milestone="touched", periods=0, min_leads=2
    ).get_supxlabel()
    # No small cohort: no note.
    big = co.equal_age(co.follow_through(*_frames(), as_of=AS_OF, min_cell_leads=1), periods=0)
    assert pc.equal_age_chart(big, milestone="touched", periods=0).get_supxlabel() == ""


def test_time_to_event_legends_sit_outside_the_curves():
    leads, acts, opps = _frames()
    km = co.time_to_event(leads, acts, opps, as_of=AS_OF, by="source")
    fig = pc.km_chart(km)
    assert all(ax.get_legend() is None for ax in fig.axes)  # no legend inside a panel
    assert len(fig.legends) == 1
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(labels) == len(set(labels)) and "web (n=2)" in labels
    curves = pd.DataFrame(
        {
            "group": ["web"] * 4,
            "outcome": ["won", "won", "lost", "lost"],
            "days": [0, 30, 0, 30],
            "cif": [0.0, 0.2, 0.0, 0.1],
        }
    )
    fig = pc.outcomes_chart(curves)
    legend = fig.axes[0].get_legend()
    fig.canvas.draw()
    box = legend.get_window_extent().transformed(fig.axes[0].transAxes.inverted())
    assert box.x0 >= 1.0  # right of the axes

"""Interactive explorer for the cohort follow-through report (JupyterLab only)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from workbook.analyses import cohort as cohorts
from workbook.plots import cohort as cohort_plots


def explorer(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    grain: str = "month",
    milestone: str = "opportunity",
    segment_by: str = "",
    segments: Sequence[str] = ("", "source", "owner_id"),
    periods: int = 3,
    min_cell_leads: int = 20,
    milestones: pd.DataFrame | None = None,
):
    """Pick the grain, milestone, segment and equal-age period; redraw the charts.

    Shows the triangle heatmap of the chosen milestone and the equal-age
    comparison, both from :func:`workbook.analyses.cohort.follow_through` with the
    chosen settings. Returns an ``ipywidgets.interactive``; the notebook
    displays it only in a live kernel.

    ``milestones`` is an optional precomputed
    :func:`workbook.analyses.cohort.lead_milestones` table for the same ``as_of``;
    when given, every update reuses it instead of recomputing the milestones
    from ``leads``, ``activities`` and ``opportunities`` (same charts).
    """
    options = [("none", "")] + [(s, s) for s in segments if s and s in leads.columns]

    def show(grain, milestone, segment_by, periods):
        table = cohorts.follow_through(
            leads,
            activities,
            opportunities,
            as_of=as_of,
            grain=grain,
            segment_by=segment_by or None,
            min_cell_leads=min_cell_leads,
            milestones=milestones,
        )
        for fig in (
            cohort_plots.follow_through_heatmap(table, milestone=milestone),
            cohort_plots.equal_age_chart(
                cohorts.equal_age(table, periods=periods, milestone=milestone),
                milestone=milestone,
                periods=periods,
            ),
        ):
            display(fig)
            plt.close(fig)

    return widgets.interactive(
        show,
        {"manual": True, "manual_name": "Update"},
        grain=widgets.Dropdown(options=list(cohorts.GRAINS), value=grain, description="Grain"),
        milestone=widgets.Dropdown(
            options=list(cohorts.MILESTONES), value=milestone, description="Milestone"
        ),
        segment_by=widgets.Dropdown(
            options=options,
            value=segment_by if segment_by in dict(options).values() else "",
            description="Segment",
        ),
        periods=widgets.IntSlider(value=periods, min=0, max=24, description="Equal age"),
    )

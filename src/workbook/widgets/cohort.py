"""Interactive explorer for the cohort follow-through report (JupyterLab only)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from workbook.analyses import cohort as cohorts
from workbook.plots import cohort as cohort_plots


def explorer(results: cohorts.Results, *, segments: Sequence[str] = ("", "source", "owner_id")):
    """Pick the grain, milestone, segment and equal-age period; redraw the charts.

    Shows the triangle heatmap of the chosen milestone and the equal-age
    comparison, both from :func:`workbook.analyses.cohort.follow_through` with the
    chosen settings. Every update reuses the run's milestone table
    (``results.milestones``) instead of recomputing it.

    Parameters
    ----------
    results : workbook.analyses.cohort.Results
        A :func:`workbook.analyses.cohort.run` result; the controls start at
        its ``params`` (grain, milestone, segment_by, equal_age_periods) and
        keep its ``min_cell_leads``.
    segments : sequence of str
        Leads columns offered as segments (those present in the data).

    Returns
    -------
    ipywidgets.interactive
        The notebook displays it only in a live kernel.
    """
    if not isinstance(results, cohorts.Results):
        raise TypeError(
            f"results must be a workbook.analyses.cohort.Results, got {type(results).__name__}"
        )
    params, milestones = results.params, results.milestones
    options = [("none", "")] + [(s, s) for s in segments if s and s in milestones.columns]

    def show(grain, milestone, segment_by, periods):
        table = cohorts.follow_through(
            None,
            None,
            None,
            as_of=results.as_of,
            grain=grain,
            segment_by=segment_by or None,
            min_cell_leads=params.min_cell_leads,
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
        grain=widgets.Dropdown(
            options=list(cohorts.GRAINS), value=params.grain, description="Grain"
        ),
        milestone=widgets.Dropdown(
            options=list(cohorts.MILESTONES), value=params.milestone, description="Milestone"
        ),
        segment_by=widgets.Dropdown(
            options=options,
            value=params.segment_by if params.segment_by in dict(options).values() else "",
            description="Segment",
        ),
        periods=widgets.IntSlider(
            value=params.equal_age_periods, min=0, max=24, description="Equal age"
        ),
    )

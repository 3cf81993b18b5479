"""Interactive explorer for the cohort follow-through report (JupyterLab only)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from workbook.analyses import cohort as cohorts
from workbook.plots import cohort as cohort_plots

#: Human labels of the segment columns offered.
_SEGMENT_LABELS = {"source": "Lead source", "owner": "Owner"}
#: Segments shown by another column: owners by name (the ``owner`` column of
#: :func:`_with_owner_names`), never by id.
_SEGMENT_COLUMN = {"owner_id": "owner"}


def _with_owner_names(results: cohorts.Results) -> pd.DataFrame:
    """The run's milestones with ``owner``: each lead's owner by name (the id where none is known).

    Names come from the run's own follow-up tables (``owner_id``,
    ``owner_name``: the users table of the run); the milestones themselves
    are not changed.
    """
    milestones = results.milestones
    if "owner_id" not in milestones.columns:
        return milestones
    known = pd.concat(
        [
            t[["owner_id", "owner_name"]]
            for t in (results.handoff_followup, results.owner_followup_comparison)
            if {"owner_id", "owner_name"} <= set(t.columns)
        ]
        or [pd.DataFrame(columns=["owner_id", "owner_name"])]
    )
    known = known.dropna().drop_duplicates("owner_id").set_index("owner_id")["owner_name"]
    ids = milestones["owner_id"].astype("string")
    return milestones.assign(owner=ids.map(known).astype("string").fillna(ids))


def explorer(results: cohorts.Results, *, segments: Sequence[str] = ("", "source", "owner_id")):
    """Pick the grain, milestone, segment and equal-age period; redraw the charts.

    The run's own view is drawn as soon as the explorer is built (no empty
    output until Update is clicked); Update redraws it for the chosen
    controls. Shows the triangle heatmap of the chosen milestone and the equal-age
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
        Leads columns offered as segments (those present in the data);
        ``owner_id`` is offered as "Owner" and shows the owners' names.

    Returns
    -------
    ipywidgets.interactive
        The notebook displays it only in a live kernel.
    """
    if not isinstance(results, cohorts.Results):
        raise TypeError(
            f"results must be a workbook.analyses.cohort.Results, got {type(results).__name__}"
        )
    params = results.params
    milestones = _with_owner_names(results)
    offered = [_SEGMENT_COLUMN.get(s, s) for s in segments if s]
    options = [("None (all leads)", "")] + [
        (_SEGMENT_LABELS.get(s, s.replace("_", " ").capitalize()), s)
        for s in offered
        if s in milestones.columns
    ]
    start_segment = _SEGMENT_COLUMN.get(params.segment_by, params.segment_by)
    wide = {"style": {"description_width": "initial"}}

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

    box = widgets.interactive(
        show,
        {"manual": True, "manual_name": "Update"},
        grain=widgets.Dropdown(
            options=[(g.capitalize(), g) for g in cohorts.GRAINS],
            value=params.grain,
            description="Cohorts by",
            **wide,
        ),
        milestone=widgets.Dropdown(
            options=[(m.replace("_", " ").capitalize(), m) for m in cohorts.MILESTONES],
            value=params.milestone,
            description="Milestone",
            **wide,
        ),
        segment_by=widgets.Dropdown(
            options=options,
            value=start_segment if start_segment in dict(options).values() else "",
            description="Split by",
            **wide,
        ),
        periods=widgets.IntSlider(
            value=params.equal_age_periods,
            min=0,
            max=24,
            description="Compare at age (periods)",
            **wide,
        ),
    )
    box.update()  # the default view, drawn on load
    return box

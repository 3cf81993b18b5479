"""Interactive window and staleness explorer for the engagement report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from workbook.analyses import engagement
from workbook.plots import engagement as engagement_plots
from workbook.present.report import esc


def explorer(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: int,
    stale_days: int = 14,
    high_min_records: int | None = None,
):
    """Sliders for ``window_days`` and ``stale_days`` that redraw the key charts.

    For the chosen window it recomputes :func:`workbook.analyses.engagement.engagement_levels`
    (levels by owner, at-risk accounts); for the chosen ``stale_days`` it
    recomputes :func:`workbook.analyses.engagement.opportunity_effectiveness` (by stage).
    """

    def show(window, stale):
        levels = engagement.engagement_levels(
            accounts,
            activities,
            opportunities,
            leads,
            as_of=as_of,
            window_days=window,
            high_min_records=high_min_records,
        )
        counts = engagement.level_counts(levels).set_index("level")["accounts"]
        risk = engagement.at_risk(levels)
        eff = engagement.opportunity_effectiveness(
            opportunities, activities, as_of=as_of, stale_days=stale
        )
        text = (
            f"Window {window} days: {counts['dormant']:,} dormant, {counts['medium']:,} medium, "
            f"{counts['high']:,} high (high from {levels.attrs['high_min_records']} records); "
            f"{len(risk):,} dormant accounts with open pipeline. "
            f"{int(eff['stale'].sum()):,} of {len(eff):,} open opportunities had no activity "
            f"in the last {stale} days."
        )
        display(HTML(f"<p>{esc(text)}</p>"))
        for fig in (
            engagement_plots.levels_by(engagement.levels_by(levels, by="owner_id")),
            engagement_plots.at_risk(risk),
            engagement_plots.effectiveness_by(
                engagement.effectiveness_by(eff, by="stage"), by="stage"
            ),
        ):
            display(fig)
            plt.close(fig)

    top = max(60, 4 * int(window_days))
    return widgets.interactive(
        show,
        window=widgets.IntSlider(
            value=int(window_days),
            min=1,
            max=top,
            step=1,
            description="window_days",
            continuous_update=False,
        ),
        stale=widgets.IntSlider(
            value=int(stale_days),
            min=1,
            max=90,
            step=1,
            description="stale_days",
            continuous_update=False,
        ),
    )

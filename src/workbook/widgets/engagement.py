"""Interactive window and staleness explorer for the engagement report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from workbook.analyses import engagement
from workbook.core.checks import require_crm
from workbook.core.names import Names
from workbook.core.text import esc
from workbook.data.coercion import empty_table
from workbook.engine import for_crm
from workbook.plots import engagement as engagement_plots


def _summary(window: int, stale: int, levels, risk, eff) -> str:
    counts = engagement.level_counts(levels).set_index("level")["accounts"]
    return (
        f"Window {window} days: {counts['dormant']:,} dormant, {counts['medium']:,} medium, "
        f"{counts['high']:,} high (high from {levels.attrs['high_min_records']} records); "
        f"{len(risk):,} dormant accounts with open pipeline. "
        f"{int(eff['stale'].sum()):,} of {len(eff):,} open opportunities had no activity "
        f"in the last {stale} days."
    )


def explorer(crm, results: engagement.Results):
    """Sliders for the engagement window and the stale limit (days) that redraw the key charts.

    Owners are shown by name (:class:`workbook.core.names.Names` of ``crm``).

    Parameters
    ----------
    crm : CrmData
        The data ``results`` was computed from.
    results : workbook.analyses.engagement.Results
        From :func:`workbook.analyses.engagement.run`; the sliders start at
        its window and ``stale_days``, and its ``high_min_records`` parameter
        is kept.

    Returns
    -------
    ipywidgets.interactive or ipywidgets.HTML
        For the chosen window it recomputes
        :func:`workbook.analyses.engagement.engagement_levels` (levels by
        owner, at-risk accounts); for the chosen ``stale_days`` it recomputes
        :func:`workbook.analyses.engagement.opportunity_effectiveness` (by
        stage). Without activities (``results.skipped`` has ``levels``) there
        is nothing to recompute: an ``HTML`` widget shows the skip note.
    """
    require_crm(crm)
    if not isinstance(results, engagement.Results):
        raise TypeError(
            f"results must be a workbook.analyses.engagement.Results, got {type(results).__name__}"
        )
    if "levels" in results.skipped:
        return widgets.HTML(f"<p>{esc(results.skipped['levels'])}</p>")
    params, as_of = results.params, results.as_of
    leads = crm.get("leads")
    if leads is None:  # the levels count converted leads only when leads are loaded
        leads = empty_table("leads")
    window_days = int(results.basis["window_days"])
    names = Names.of(crm)

    def show(window, stale):
        levels = engagement.engagement_levels(
            crm.accounts,
            crm.activities,
            crm.opportunities,
            leads,
            as_of=as_of,
            window_days=window,
            high_min_records=params.high_min_records or None,
            engine=for_crm(crm),
        )
        risk = engagement.at_risk(levels)
        eff = engagement.opportunity_effectiveness(
            crm.opportunities, crm.activities, as_of=as_of, stale_days=stale
        )
        display(HTML(f"<p>{esc(_summary(window, stale, levels, risk, eff))}</p>"))
        for fig in (
            engagement_plots.levels_by(
                names.beside_ids(engagement.levels_by(levels, by="owner_id")), by="owner_id"
            ),
            engagement_plots.at_risk(risk),
            engagement_plots.effectiveness_by(
                engagement.effectiveness_by(eff, by="stage"), by="stage"
            ),
        ):
            display(fig)
            plt.close(fig)

    top = max(60, 4 * window_days)
    return widgets.interactive(
        show,
        window=widgets.IntSlider(
            value=window_days,
            min=1,
            max=top,
            step=1,
            description="Engagement window (days)",
            style={"description_width": "initial"},
            continuous_update=False,
        ),
        stale=widgets.IntSlider(
            value=int(params.stale_days),
            min=1,
            max=90,
            step=1,
            description="Stale after no activity for (days)",
            style={"description_width": "initial"},
            continuous_update=False,
        ),
    )

"""Interactive top-N and period explorer for the top customers report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from workbook.analyses import hierarchy
from workbook.core.checks import require_crm
from workbook.plots import hierarchy as hierarchy_plots
from workbook.present.report import table_html


def explorer(crm, res: hierarchy.Results):
    """A top-N slider and a period picker over the naive vs corrected ranking.

    Starts from the run's period (``res.period``) and ``res.params.top_n``;
    for the chosen period (both ends inclusive) and N it recomputes
    :func:`workbook.analyses.hierarchy.top_customers` and
    :func:`~workbook.analyses.hierarchy.naive_top` with the run's tree
    (``res.tree``) and redraws
    :func:`workbook.plots.hierarchy.rank_shift_chart` and the corrected top-N
    table (escaped).

    Parameters
    ----------
    crm : CrmData
        The data ``res`` was computed from (``accounts``, ``opportunities``).
    res : Results
        Output of :func:`workbook.analyses.hierarchy.run`.
    """
    require_crm(crm)
    if not isinstance(res, hierarchy.Results):
        raise TypeError(
            f"res must be a workbook.analyses.hierarchy.Results, got {type(res).__name__}"
        )
    accounts, opportunities, tree = crm.accounts, crm.opportunities, res.tree

    def show(top_n, start_date, end_date):
        if start_date is None or end_date is None or start_date > end_date:
            display(widgets.HTML("<p>Pick a start date on or before the end date.</p>"))
            return
        top = hierarchy.top_customers(
            accounts, opportunities, start=start_date, end=end_date, tree=tree
        )
        naive = hierarchy.naive_top(
            accounts, opportunities, start=start_date, end=end_date, tree=tree
        )
        fig = hierarchy_plots.rank_shift_chart(naive, top, top_n=top_n)
        display(fig)
        plt.close(fig)
        display(widgets.HTML(table_html(top.head(top_n), formats={"revenue": "${:,.0f}"})))

    wide = {"style": {"description_width": "initial"}}
    return widgets.interactive(
        show,
        top_n=widgets.IntSlider(
            value=int(res.params.top_n),
            min=3,
            max=30,
            step=1,
            description="Customers shown",
            style={"description_width": "initial"},
            continuous_update=False,
        ),
        start_date=widgets.DatePicker(
            value=res.period.start.date(), description="Revenue from (day included)", **wide
        ),
        end_date=widgets.DatePicker(
            value=res.period.end.date(), description="to (day included)", **wide
        ),
    )

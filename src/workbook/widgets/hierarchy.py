"""Interactive top-N and period explorer for the top customers report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from workbook.analyses import hierarchy
from workbook.plots import hierarchy as hierarchy_plots
from workbook.present.report import table_html


def explorer(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame,
    top_n: int = 10,
    period_start="",
    period_end="",
):
    """A top-N slider and a period picker over the naive vs corrected ranking.

    For the chosen period (both ends inclusive; see
    :func:`workbook.analyses.hierarchy.resolve_period`) and N it redraws
    :func:`workbook.plots.hierarchy.rank_shift_chart` and the corrected top-N
    table (escaped).
    """
    start, end = hierarchy.resolve_period(as_of, period_start, period_end)

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

    return widgets.interactive(
        show,
        top_n=widgets.IntSlider(
            value=int(top_n), min=3, max=30, step=1, description="Top N", continuous_update=False
        ),
        start_date=widgets.DatePicker(value=start.date(), description="From"),
        end_date=widgets.DatePicker(value=end.date(), description="To"),
    )

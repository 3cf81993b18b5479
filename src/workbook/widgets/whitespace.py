"""Family picker for the whitespace report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from workbook.analyses import whitespace
from workbook.plots import whitespace as ws_plots
from workbook.present.report import esc, table_html


def explorer(
    accounts: pd.DataFrame,
    purchases: pd.DataFrame,
    products: pd.DataFrame,
    *,
    as_of,
    gaps: pd.DataFrame,
    families: pd.DataFrame,
    family_id: str,
    tree: pd.DataFrame | None = None,
    max_families: int = 200,
    top_n: int = 10,
):
    """A dropdown of families that redraws the family heatmap and its top gaps.

    Parameters
    ----------
    accounts, purchases, products : DataFrame
        Canonical tables, as passed to :func:`workbook.analyses.whitespace.sibling_gaps`.
    as_of : date-like
        Observation end day.
    gaps : DataFrame
        :func:`workbook.analyses.whitespace.sibling_gaps`.
    families : DataFrame
        :func:`workbook.analyses.whitespace.family_whitespace` (options, in its order).
    family_id : str
        The family selected at start (the report's ``family``).
    max_families : int
        Families offered (largest whitespace first); the chosen one is always
        included.
    top_n : int
        Gaps listed under the heatmap.
    """
    offered = families.head(max_families)
    options = [
        (f"{name} ({fid}) – {int(n):,} gaps", fid)
        for name, fid, n in zip(
            offered["family_name"], offered["family_id"], offered["gaps"], strict=True
        )
    ]
    if family_id not in set(offered["family_id"]):
        name = accounts.loc[accounts["account_id"] == family_id, "name"]
        label = name.iloc[0] if len(name) else family_id
        options.insert(0, (f"{label} ({family_id})", family_id))
    names = dict(zip(accounts["account_id"], accounts["name"], strict=True))

    def show(family):
        grid = whitespace.family_grid(
            family, accounts, purchases, products, as_of=as_of, gaps=gaps, tree=tree
        )
        fig = ws_plots.family_heatmap(grid, family_name=str(names.get(family, family)))
        display(fig)
        plt.close(fig)
        top = gaps.loc[
            gaps["family_id"] == family,
            ["account_name", "product_name", "siblings_owning", "peer_adoption", "priority"],
        ].head(top_n)
        caption = f"Top {top_n} gaps in {names.get(family, family)}"
        display(
            HTML(
                table_html(
                    top,
                    formats={"peer_adoption": "{:.0%}", "priority": "${:,.0f}"},
                    caption=caption,
                )
                if len(top)
                else f"<p>{esc(caption)}: none.</p>"
            )
        )

    picker = widgets.Dropdown(
        options=options,
        value=family_id,
        description="Family",
        layout=widgets.Layout(width="60%"),
    )
    return widgets.interactive(show, family=picker)

"""Family picker for the whitespace report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from workbook.plots import whitespace as ws_plots
from workbook.present.report import esc, table_html


def explorer(res, *, max_families: int = 200, top_n: int = 10):
    """A dropdown of families that redraws the family heatmap and its top gaps.

    Parameters
    ----------
    res : workbook.analyses.whitespace.Results
        From :func:`workbook.analyses.whitespace.run`: the options are its
        ``family_whitespace`` (in that order), the family selected at start
        is ``res.family_id``, and each family's grid comes from
        :meth:`~workbook.analyses.whitespace.Results.grid_for` with
        ``res.gaps``.
    max_families : int
        Families offered (largest whitespace first); the chosen one is always
        included.
    top_n : int
        Gaps listed under the heatmap.
    """
    accounts = res.crm.accounts
    gaps, family_id = res.gaps, res.family_id
    offered = res.family_whitespace.head(max_families)
    # Families by name; the id only tells apart two families of the same name.
    label = offered["family_name"].astype("string").fillna(offered["family_id"].astype("string"))
    twin = label.duplicated(keep=False)
    label = label.where(~twin, label + " (" + offered["family_id"].astype("string") + ")")
    options = [
        (f"{text} – {int(n):,} gaps", fid)
        for text, fid, n in zip(label, offered["family_id"], offered["gaps"], strict=True)
    ]
    if family_id not in set(offered["family_id"]):
        options.insert(0, (str(res.family_name), family_id))
    names = dict(zip(accounts["account_id"], accounts["name"], strict=True))

    def show(family):
        fig = ws_plots.family_heatmap(
            res.grid_for(family), family_name=str(names.get(family, family))
        )
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
        description="Corporate family",
        style={"description_width": "initial"},  # the label in full, never cut
        layout=widgets.Layout(width="60%"),
    )
    return widgets.interactive(show, family=picker)

"""Charts for the data-quality report.

Each function takes an output of :mod:`workbook.analyses.data_quality` and returns a
matplotlib Figure. Nothing here computes a business number: every plotted
value is a column of the analysis frame.
"""

from __future__ import annotations

import pandas as pd

from workbook.plots import PALETTE, empty_figure, new_figure, thousands

#: Bar colour of an ordinary depth (blue) and of the parent-cycle bar (vermillion).
DEPTH_COLOUR = PALETTE[0]
CYCLE_COLOUR = PALETTE[3]


def depth_chart(depths: pd.DataFrame):
    """Accounts per depth below their ultimate parent, as bars.

    Parameters
    ----------
    depths : DataFrame
        :func:`workbook.analyses.data_quality.depth_distribution`: columns ``depth``
        (missing for accounts on or leading into a parent cycle), ``label``,
        ``accounts`` and ``share``, in depth order with the cycle row last.

    Returns
    -------
    Figure
        One bar per row of ``depths``, in the given order, labelled with
        ``label`` on the x axis; the height is ``accounts`` (thousands
        separators on the axis) and each bar is annotated with its count and
        ``share`` of all accounts. The ``cycle`` bar is drawn in vermillion so
        it stands out. An empty frame gives a figure that says there are no
        accounts.
    """
    if depths.empty or int(depths["accounts"].sum()) == 0:
        return empty_figure("No accounts: no hierarchy to show.")
    labels = depths["label"].astype(str).tolist()
    counts = depths["accounts"].to_numpy()
    is_cycle = depths["depth"].isna().to_numpy()
    colours = [CYCLE_COLOUR if c else DEPTH_COLOUR for c in is_cycle]
    fig, ax = new_figure(figsize=(8.0, 3.6))
    bars = ax.bar(range(len(labels)), counts, color=colours)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels)
    annotations = [
        f"{n:,} ({s:.1%})" for n, s in zip(counts, depths["share"].to_numpy(), strict=True)
    ]
    ax.bar_label(bars, labels=annotations, padding=2, fontsize=9)
    ax.margins(y=0.15)
    ax.set_title("Accounts by depth below their ultimate parent")
    ax.set_xlabel("Depth (steps up to the ultimate parent; cycle = on a parent loop)")
    ax.set_ylabel("Accounts")
    thousands(ax.yaxis)
    ax.grid(axis="x", visible=False)
    return fig

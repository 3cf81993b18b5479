"""Charts for the data-quality report.

Each function takes an output of :mod:`workbook.analyses.data_quality` and returns a
matplotlib Figure. Nothing here computes a business number: every plotted
value is a column of the analysis frame.
"""

from __future__ import annotations

import pandas as pd

from workbook.core.text import share_text
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
        # two lines: "4,799 (4.8%)" on one ran into its neighbours' labels with a dozen depths
        f"{n:,}\n({share_text(s)})" for n, s in zip(counts, depths["share"].to_numpy(), strict=True)
    ]
    ax.bar_label(bars, labels=annotations, padding=2, fontsize=9)
    ax.margins(y=0.15)
    ax.set_title("Accounts by depth below their ultimate parent")
    ax.set_xlabel("Depth (steps up to the ultimate parent; cycle = on a parent loop)")
    ax.set_ylabel("Accounts")
    thousands(ax.yaxis)
    ax.grid(axis="x", visible=False)
    return fig


#: Colours of the three kinds of issue: warnings (vermillion), fix-ups (blue), exclusions (grey).
ISSUE_COLOURS = {"warning_rows": PALETTE[3], "fixup_rows": PALETTE[0], "excluded_rows": "#8c8c8c"}
ISSUE_LABELS = {
    "warning_rows": "Warnings",
    "fixup_rows": "Fixed while loading",
    "excluded_rows": "Left out",
}


def warnings_by_table_chart(by_table: pd.DataFrame):
    """Rows with validation issues per table, as stacked horizontal bars.

    Parameters
    ----------
    by_table : DataFrame
        :func:`workbook.analyses.data_quality.warnings_by_table`: columns
        ``table``, ``rows``, ``warning_rows``, ``fixup_rows``,
        ``excluded_rows`` and ``warning_share``, one row per table.

    Returns
    -------
    Figure
        One bar per table, in the given order from the top, its segments the
        ``warning_rows`` (vermillion), ``fixup_rows`` (blue) and
        ``excluded_rows`` (grey) stacked left to right; each bar is labelled
        with its warning rows and ``warning_share`` of the table's rows
        ("119 (0.2% of 58,449)"), or "none" for a table without issues.
        An empty frame gives a figure that says no table was loaded.
    """
    if by_table.empty:
        return empty_figure("No tables loaded: no warnings to show.")
    tables = by_table["table"].astype(str).tolist()
    y = list(range(len(tables)))
    fig, ax = new_figure(figsize=(8.0, 0.9 + 0.42 * len(tables)))
    left = pd.Series(0, index=by_table.index, dtype="int64")
    for column, colour in ISSUE_COLOURS.items():
        values = by_table[column]
        if int(values.sum()) == 0 and column != "warning_rows":
            continue
        ax.barh(y, values, left=left, color=colour, label=ISSUE_LABELS[column], height=0.6)
        left = left + values
    labels = [
        "none"
        if total == 0
        else f"{warn:,} ({share_text(share)} of {rows:,})"
        if pd.notna(share)
        else f"{warn:,}"
        for total, warn, share, rows in zip(
            left, by_table["warning_rows"], by_table["warning_share"], by_table["rows"],
            strict=True,
        )
    ]  # fmt: skip
    for yi, x, text in zip(y, left, labels, strict=True):
        ax.annotate(text, (x, yi), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=9)  # fmt: skip
    ax.set_yticks(y)
    ax.set_yticklabels(tables)
    ax.invert_yaxis()
    ax.margins(x=0.3)
    ax.set_xlim(left=0)
    ax.set_title("Rows with validation issues, by table")
    ax.set_xlabel("Rows (a row with two kinds of warning counts twice)")
    thousands(ax.xaxis)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return fig

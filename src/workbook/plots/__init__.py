"""Charts: one theme for every report; one module per analysis.

Plot functions take an analysis output DataFrame and return a matplotlib
``Figure``. They never compute business numbers. Call :func:`use_theme` once
per notebook (``workbook.plots.use_theme()``); it sets a colour-blind-safe
palette, readable sizes, a font stack that covers Latin, CJK and Thai names,
and turns off mathtext so a ``$`` in a name or a title stays a dollar sign.
"""

from __future__ import annotations

# No matplotlib.use() here: a kernel keeps its inline backend, and a headless
# script falls back to Agg on its own.
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import seaborn as sns

from workbook.plots.fonts import font_families

#: Okabe-Ito, the colour-blind-safe qualitative palette used everywhere.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Sequential colour map for rates and heatmaps (perceptually uniform, CVD-safe).
SEQUENTIAL = "viridis"
#: Diverging colour map for signed changes.
DIVERGING = "vlag"

FIGSIZE = (9.0, 4.8)


def use_theme() -> None:
    """Apply the workbook's single seaborn/matplotlib theme."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "figure.autolayout": False,
            "figure.constrained_layout.use": True,
            "axes.titlesize": 14,
            # Regular weight: the bundled CJK/Thai fonts have no bold faces, and
            # asking for one makes matplotlib log findfont warnings into reports.
            "axes.titleweight": "normal",
            "figure.titlesize": 15,
            "figure.titleweight": "normal",
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": 10,
            "font.family": font_families(),
            "text.parse_math": False,
            "axes.unicode_minus": False,
        }
    )


def thousands(ax_axis) -> None:
    """Format an axis (``ax.yaxis``/``ax.xaxis``) with thousands separators."""
    ax_axis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))


#: Most decimals :class:`PercentTicks` prints.
MAX_PERCENT_DECIMALS = 4


class PercentTicks(mticker.Formatter):
    """Tick labels of 0-1 shares as percentages, with as many decimals as the ticks need.

    The decimals are the fewest (at most :data:`MAX_PERCENT_DECIMALS`) that
    print every tick exactly, the same for all ticks of the axis: ticks every
    5% read ``5%, 10%``, every 0.25% ``17.25%, 17.50%``. A fixed 0 decimals
    printed the ticks of a narrow range as ``17%, 17%, 18%, 18%``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.decimals = 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        shown = [100.0 * float(v) for v in locs]
        for decimals in range(MAX_PERCENT_DECIMALS + 1):  # decimals, not rows
            if all(abs(round(v, decimals) - v) <= 1e-9 * max(1.0, abs(v)) for v in shown):
                break
        self.decimals = decimals

    def __call__(self, x, pos=None) -> str:
        text = f"{100.0 * x:.{self.decimals}f}"
        return f"{text.lstrip('-') if float(text) == 0 else text}%"  # no "-0%"


def percent(ax_axis, *, decimals: int | None = None) -> None:
    """Format an axis holding 0-1 shares as percentages.

    ``decimals`` fixes the decimals; by default the ticks get as many as they
    need (:class:`PercentTicks`).
    """
    formatter = (
        PercentTicks()
        if decimals is None
        else mticker.PercentFormatter(xmax=1.0, decimals=decimals)
    )
    ax_axis.set_major_formatter(formatter)


def currency(ax_axis, *, symbol: str = "$") -> None:
    """Format an axis as money with k/M suffixes ($1.2M)."""

    def _fmt(x, _pos):
        size = abs(x)
        if size >= 1e6:
            return f"{symbol}{x / 1e6:,.1f}M"
        if size >= 1e3:
            return f"{symbol}{x / 1e3:,.0f}k"
        return f"{symbol}{x:,.0f}"

    ax_axis.set_major_formatter(mticker.FuncFormatter(_fmt))


def new_figure(*, figsize=None, nrows: int = 1, ncols: int = 1, **kwargs):
    """Create a themed figure and axes (``plt.subplots`` with the house size)."""
    return plt.subplots(nrows, ncols, figsize=figsize or FIGSIZE, **kwargs)


def empty_figure(message: str):
    """A figure that says there is nothing to show, instead of a blank chart."""
    fig, ax = new_figure(figsize=(7, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#57606a")
    return fig

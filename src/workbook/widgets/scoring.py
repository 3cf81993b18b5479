"""Interactive threshold explorer for the score-against-win report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from workbook.analyses import scoring
from workbook.plots import scoring as scoring_plots
from workbook.present.report import esc


def explorer(
    outcomes: pd.DataFrame,
    sweep: pd.DataFrame,
    *,
    current_threshold: float,
    capacity_per_month: float,
    n_boot: int = 200,
    seed: int = 0,
):
    """A threshold slider that updates the trade-off numbers and chart.

    For the chosen threshold it shows hand-offs per month, win rate and share
    of wins with bootstrap CIs (``scoring.threshold_comparison``; fewer
    resamples than the static report, for speed) against the current threshold.
    """
    grid = sweep["threshold"].tolist()
    start = scoring.recommend_threshold(sweep, capacity_per_month=capacity_per_month)
    if pd.isna(start):
        start = current_threshold
    step = grid[1] - grid[0] if len(grid) > 1 else 1

    def show(threshold):
        comp = scoring.threshold_comparison(
            outcomes,
            thresholds={"current": current_threshold, "recommended": threshold},
            n_boot=n_boot,
            seed=seed,
        )
        row = comp.set_index("label").loc["recommended"]
        fits = "fits" if row["handed_off_per_month"] <= capacity_per_month else "exceeds"
        text = (
            f"Threshold {threshold:,.0f}: {row['handed_off_per_month']:,.1f} hand-offs a month "
            f"({fits} capacity {capacity_per_month:,.0f}), win rate {row['win_rate']:.1%} "
            f"(95% CI {row['win_rate_ci_low']:.1%}–{row['win_rate_ci_high']:.1%}), "
            f"{row['share_of_wins']:.1%} of wins kept."
        )
        display(HTML(f"<p>{esc(text)}</p>"))
        fig = scoring_plots.tradeoff(
            sweep,
            current_threshold=current_threshold,
            recommended_threshold=threshold,
            capacity_per_month=capacity_per_month,
        )
        display(fig)
        plt.close(fig)

    slider = widgets.FloatSlider(
        value=float(start),
        min=float(min(grid)) if grid else 0.0,
        max=float(max(grid)) if grid else 100.0,
        step=float(step),
        description="Threshold",
        continuous_update=False,
    )
    return widgets.interactive(show, threshold=slider)

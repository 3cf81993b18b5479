"""Interactive threshold explorer for the score-against-win report (JupyterLab only)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from workbook.analyses import scoring
from workbook.core.text import esc
from workbook.plots import scoring as scoring_plots


def explorer(res: scoring.Results, *, n_boot: int = 200, seed: int | None = None):
    """A threshold slider that updates the trade-off numbers and chart.

    For the chosen threshold it shows hand-offs per month, win rate and share
    of wins with bootstrap CIs (``scoring.threshold_comparison``; fewer
    resamples than the static report, for speed) against the current threshold.

    Parameters
    ----------
    res : scoring.Results
        :func:`workbook.analyses.scoring.run` output: its ``outcomes``,
        ``threshold_sweep``, ``recommended_threshold`` (where the slider
        starts; the current threshold when none fits) and ``params``
        (``current_threshold``, ``capacity_per_month``, ``seed``).
    n_boot : int
        Bootstrap resamples per slider move.
    seed : int, optional
        Bootstrap seed; ``res.params.seed`` by default.

    Returns
    -------
    ipywidgets.interactive
    """
    if not isinstance(res, scoring.Results):
        raise TypeError(f"res must be a scoring.Results, got {type(res).__name__}")
    params = res.params
    current, capacity = params.current_threshold, params.capacity_per_month
    seed = params.seed if seed is None else seed
    sweep = res.threshold_sweep
    grid = sweep["threshold"].tolist()
    start = res.recommended_threshold
    if pd.isna(start):
        start = current
    step = grid[1] - grid[0] if len(grid) > 1 else 1

    def show(threshold):
        comp = scoring.threshold_comparison(
            res.outcomes,
            thresholds={"current": current, "recommended": threshold},
            n_boot=n_boot,
            seed=seed,
        )
        row = comp.set_index("label").loc["recommended"]
        fits = "fits" if row["handed_off_per_month"] <= capacity else "exceeds"
        text = (
            f"Threshold {threshold:,.0f}: {row['handed_off_per_month']:,.1f} hand-offs a month "
            f"({fits} capacity {capacity:,.0f}), win rate {row['win_rate']:.1%} "
            f"(95% CI {row['win_rate_ci_low']:.1%}–{row['win_rate_ci_high']:.1%}), "
            f"{row['share_of_wins']:.1%} of wins kept."
        )
        display(HTML(f"<p>{esc(text)}</p>"))
        fig = scoring_plots.tradeoff(
            sweep,
            current_threshold=current,
            recommended_threshold=threshold,
            capacity_per_month=capacity,
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

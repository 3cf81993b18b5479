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
    """A threshold slider: the selected threshold against the current one, and the band between them.

    The chart keeps the current and the recommended threshold where the run
    put them and draws the slider's value as a dashed "Selected" line; the
    text under the slider starts with "Selected threshold" and ends with
    the recommendation. For the selected threshold it shows the inflow a month and ``p_over_capacity``
    (``res.capacity``), the win rate of matured leads with a bootstrap CI
    (``scoring.threshold_comparison``; fewer resamples than the static
    report, for speed) and, between the current and the chosen threshold,
    the band's win rate with a Wilson CI against the base rate
    (``scoring.band_between``).

    Parameters
    ----------
    res : scoring.Results
        :func:`workbook.analyses.scoring.run` output: its ``outcomes``,
        ``threshold_sweep``, ``capacity``, ``recommended_threshold`` (where the
        slider starts; the current threshold when there is none) and ``params``.
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
    cap = res.capacity.set_index("threshold")
    grid = sweep["threshold"].tolist()
    recommended = res.recommended_threshold
    start = current if pd.isna(recommended) else recommended
    advice = (
        f"Current threshold {current:,.0f}; no threshold is recommended (see the report)."
        if pd.isna(recommended)
        else f"Current threshold {current:,.0f}; recommended {recommended:,.0f}."
    )
    step = grid[1] - grid[0] if len(grid) > 1 else 1

    def show(threshold):
        comp = scoring.threshold_comparison(
            res.outcomes,
            thresholds={"current": current, "selected": threshold},
            n_boot=n_boot,
            seed=seed,
        )
        row = comp.set_index("label").loc["selected"]
        vol = cap["monthly_volume"].get(threshold, float("nan"))
        risk = cap["p_over_capacity"].get(threshold, float("nan"))
        per_month = abs(cap["monthly_volume"].get(current, float("nan")) - vol)
        band = scoring.band_between(
            res.outcomes, lower=current, upper=threshold, leads_per_month=per_month
        ).iloc[0]
        text = (
            f"Selected threshold {threshold:,.0f}: {vol:,.1f} scored leads a month, a {risk:.0%} chance "
            f"that next month exceeds capacity {capacity:,.0f}; matured leads win "
            f"{row['win_rate']:.1%} (95% CI {row['win_rate_ci_low']:.1%}–"
            f"{row['win_rate_ci_high']:.1%}), {row['share_of_wins']:.1%} of wins kept."
        )
        between = scoring.band_sentence(band.to_dict(), current=current, recommended=threshold)
        display(HTML("".join(f"<p>{esc(t)}</p>" for t in (text, between, advice) if t)))
        fig = scoring_plots.tradeoff(
            sweep,
            res.capacity,
            current_threshold=current,
            recommended_threshold=recommended,
            capacity_per_month=capacity,
            selected_threshold=threshold,
        )
        display(fig)
        plt.close(fig)

    slider = widgets.FloatSlider(
        value=float(start),
        min=float(min(grid)) if grid else 0.0,
        max=float(max(grid)) if grid else 100.0,
        step=float(step),
        description="Hand-off threshold (score)",
        readout_format=".0f",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="32rem"),
        continuous_update=False,
    )
    return widgets.interactive(show, threshold=slider)

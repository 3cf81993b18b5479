"""Charts for the score-against-win report. Each takes a :mod:`workbook.analyses.scoring` output.

No business numbers are computed here: every plotted value comes from the
analysis frames (bands, calibration table, sweep, trend).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from workbook.plots import PALETTE, currency, empty_figure, new_figure, percent, thousands


def _error_bars(center, low, high) -> np.ndarray:
    """Error-bar lengths ``[center - low, high - center]``, clipped at 0.

    An interval can miss its estimate by a rounding error (a Wilson bound of
    2.8e-17 for 0 wins) or for real (a percentile bootstrap interval need not
    contain the point estimate); matplotlib refuses negative lengths, so
    that side is drawn with no bar.
    """
    center = np.asarray(center, dtype=float)
    err = np.vstack([center - np.asarray(low, dtype=float), np.asarray(high, dtype=float) - center])
    return np.clip(err, 0.0, None)


def win_rate_by_band(bands: pd.DataFrame, *, base_win_rate: float | None = None):
    """Win rate per score band with Wilson 95% error bars (``scoring.band_table`` output)."""
    if bands.empty:
        return empty_figure("No resolved leads with a score.")
    fig, ax = new_figure()
    x = np.arange(len(bands))
    rate = bands["win_rate"].to_numpy(dtype=float)
    err = _error_bars(rate, bands["ci_low"], bands["ci_high"])
    ax.bar(x, rate, color=PALETTE[0], alpha=0.85, label="Win rate")
    ax.errorbar(x, rate, yerr=err, fmt="none", ecolor="#333333", capsize=3, label="95% Wilson CI")
    if base_win_rate is not None and not math.isnan(base_win_rate):
        ax.axhline(base_win_rate, color=PALETTE[3], linestyle="--", label="All resolved leads")
    labels = [f"{b}\nn={n:,}" for b, n in zip(bands["band"].astype(str), bands["n"], strict=True)]
    ax.set_xticks(x, labels, fontsize=9 if len(bands) <= 12 else 8)
    percent(ax.yaxis)
    ax.set_ylim(0, min(1.0, max(0.05, float(np.nanmax(bands["ci_high"])) * 1.1)))
    ax.set_xlabel("Lead score band (points; lower bound inclusive)")
    ax.set_ylabel("Win rate of resolved leads")
    ax.set_title("Win rate by score band")
    ax.legend(loc="upper left")
    return fig


def calibration(cal: pd.DataFrame):
    """Reliability plot: mean predicted probability against observed win rate per bin."""
    if cal.empty:
        return empty_figure("The logistic model could not be fitted; no calibration to show.")
    fig, ax = new_figure(figsize=(6.4, 5.2))
    pred = cal["mean_predicted"].to_numpy(float)
    obs = cal["observed_rate"].to_numpy(float)
    err = _error_bars(obs, cal["ci_low"], cal["ci_high"])
    top = float(np.nanmax([np.nanmax(cal["ci_high"]), np.nanmax(pred)])) * 1.05
    ax.plot([0, top], [0, top], color="#777777", linestyle="--", label="Perfect calibration")
    ax.errorbar(
        pred,
        obs,
        yerr=err,
        fmt="o",
        color=PALETTE[0],
        ecolor=PALETTE[0],
        capsize=3,
        label="Observed (95% Wilson CI)",
    )
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    percent(ax.xaxis)
    percent(ax.yaxis)
    ax.set_xlabel("Predicted win probability (logistic model), bin mean")
    ax.set_ylabel("Observed win rate")
    ax.set_title("Calibration of the score's logistic model")
    ax.legend(loc="upper left")
    return fig


def score_vs_amount(deals: pd.DataFrame, trend: pd.DataFrame):
    """Won deals: score against amount, with the fitted trend (log amount axis when skewed)."""
    if deals.empty:
        return empty_figure("No won deals with an amount.")
    fig, ax = new_figure()
    ax.scatter(deals["score"], deals["amount"], s=14, alpha=0.5, color=PALETTE[0], label="Won deal")
    log_scale = bool(trend["log_scale"].iloc[0]) if len(trend) else False
    if len(trend):
        label = "Trend (geometric mean)" if log_scale else "Trend (least squares)"
        ax.plot(trend["score"], trend["trend_amount"], color=PALETTE[3], linewidth=2, label=label)
    if log_scale:
        ax.set_yscale("log")
    currency(ax.yaxis)
    ax.set_xlabel("Lead score (points)")
    ax.set_ylabel("Won deal amount" + (" (log scale)" if log_scale else ""))
    ax.set_title("Score and deal size (won deals)")
    ax.legend(loc="upper left")
    return fig


def tradeoff(
    sweep: pd.DataFrame,
    *,
    current_threshold: float | None = None,
    recommended_threshold: float | None = None,
    capacity_per_month: float | None = None,
):
    """Hand-offs per month (left) against win rate and share of wins (right), by threshold."""
    if sweep.empty:
        return empty_figure("No resolved leads: no threshold trade-off to show.")
    fig, ax = new_figure(figsize=(9.5, 5.0))
    t = sweep["threshold"]
    ax.fill_between(t, sweep["handed_off_per_month"], step=None, color=PALETTE[5], alpha=0.35)
    ax.plot(
        t,
        sweep["handed_off_per_month"],
        color=PALETTE[5],
        linewidth=2,
        label="Hand-offs per month (left)",
    )
    if capacity_per_month is not None:
        ax.axhline(
            capacity_per_month,
            color="#333333",
            linestyle=":",
            linewidth=1.5,
            label=f"Capacity {capacity_per_month:,.0f} a month",
        )
    thousands(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Hand-off threshold (score >= threshold)")
    ax.set_ylabel("Resolved leads handed off per month")
    ax2 = ax.twinx()
    ax2.plot(
        t,
        sweep["win_rate"],
        color=PALETTE[0],
        linewidth=2,
        marker="o",
        markersize=3,
        label="Win rate (right)",
    )
    ax2.plot(
        t,
        sweep["share_of_wins"],
        color=PALETTE[2],
        linewidth=2,
        linestyle="--",
        label="Share of all wins kept (right)",
    )
    ax2.set_ylim(0, 1.02)
    percent(ax2.yaxis)
    ax2.set_ylabel("Win rate / share of wins")
    ax2.grid(False)
    marks = [
        (current_threshold, "Current", PALETTE[3]),
        (recommended_threshold, "Recommended", PALETTE[1]),
    ]
    for i, (value, name, color) in enumerate(marks):
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            ax.axvline(value, color=color, linewidth=2)
            ax.annotate(
                f"{name} {value:,.0f}",
                (value, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -14 - 16 * i),
                textcoords="offset points",
                color=color,
            )
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="center right", fontsize=9)
    ax.set_title("Threshold trade-off: volume against win rate and share of wins")
    return fig


def decay_comparison(dsweep: pd.DataFrame, *, threshold: float | None = None):
    """Sweep before and after the decay what-if: hand-offs per month and win rate by threshold."""
    if dsweep.empty:
        return empty_figure("No resolved leads: no decay what-if to show.")
    fig, (left, right) = new_figure(figsize=(11, 4.6), ncols=2)
    styles = {"current scores": (PALETTE[0], "-"), "after decay": (PALETTE[1], "--")}
    for scenario, part in dsweep.groupby("scenario", sort=False):
        color, ls = styles.get(scenario, (PALETTE[4], "-"))
        left.plot(
            part["threshold"],
            part["handed_off_per_month"],
            color=color,
            linestyle=ls,
            linewidth=2,
            label=scenario.capitalize(),
        )
        right.plot(
            part["threshold"],
            part["win_rate"],
            color=color,
            linestyle=ls,
            linewidth=2,
            label=scenario.capitalize(),
        )
    for ax in (left, right):
        if threshold is not None:
            ax.axvline(
                threshold, color="#777777", linestyle=":", label=f"Threshold {threshold:,.0f}"
            )
        ax.set_xlabel("Hand-off threshold (score >= threshold)")
        ax.legend(loc="best", fontsize=9)
    thousands(left.yaxis)
    left.set_ylim(bottom=0)
    left.set_ylabel("Resolved leads handed off per month")
    left.set_title("Volume")
    right.set_ylim(0, 1.0)
    percent(right.yaxis)
    right.set_ylabel("Win rate of handed-off leads")
    right.set_title("Win rate")
    fig.suptitle("Decay what-if: sweep before and after decaying inactive leads")
    return fig


def segment_auc(segments: pd.DataFrame):
    """AUC with bootstrap CI per segment; the 0.5 line marks a score that does not predict."""
    shown = segments.dropna(subset=["auc"])
    if shown.empty:
        return empty_figure("No segment has both wins and losses.")
    fig, ax = new_figure(figsize=(8, 0.6 * len(shown) + 1.8))
    y = np.arange(len(shown))
    auc = shown["auc"].to_numpy(float)
    err = _error_bars(auc, shown["auc_ci_low"], shown["auc_ci_high"])
    colors = [
        PALETTE[3] if flag is False else PALETTE[0]
        for flag in shown["score_predicts"].astype(object)
    ]
    ax.errorbar(auc, y, xerr=err, fmt="none", ecolor="#555555", capsize=3)
    ax.scatter(auc, y, color=colors, zorder=3, s=40)
    ax.axvline(0.5, color=PALETTE[3], linestyle="--", label="0.5 = no better than chance")
    ax.set_yticks(y, [f"{s} (n={n:,})" for s, n in zip(shown["segment"], shown["n"], strict=True)])
    ax.set_xlim(0, 1)
    ax.set_xlabel("ROC AUC of score against won (95% bootstrap CI)")
    ax.set_title("Does the score predict wins in each segment?")
    ax.legend(loc="lower left", fontsize=9)
    return fig

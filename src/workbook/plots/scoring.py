"""Charts for the score-against-win report; each takes a table of ``scoring.Results``.

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


#: Fill of score bands with fewer matured leads than ``min_leads``.
SMALL_GREY = "#d9d9d9"


def win_rate_by_band(
    bands: pd.DataFrame, *, base_win_rate: float | None = None, min_leads: int = 20
):
    """Win rate per score band with Wilson 95% error bars (``scoring.band_table`` output).

    A band with fewer than ``min_leads`` matured leads is drawn grey, without
    its interval (with one lead it spans 0-79%, and would set the axis), and
    a note under the chart says so. The y axis is scaled to the other bands.
    """
    if bands.empty:
        return empty_figure("No matured leads with a score.")
    fig, ax = new_figure()
    x = np.arange(len(bands))
    rate = bands["win_rate"].to_numpy(dtype=float)
    small = bands["n"].to_numpy(dtype=float) < min_leads
    err = _error_bars(rate, bands["ci_low"], bands["ci_high"])
    colours = np.where(small, SMALL_GREY, PALETTE[0])
    ax.bar(x, rate, color=colours, alpha=0.85)
    ax.bar([], [], color=PALETTE[0], alpha=0.85, label="Win rate")
    if small.any():
        ax.bar([], [], color=SMALL_GREY, label=f"Fewer than {min_leads:,} leads (no interval)")
    ax.errorbar(
        x[~small],
        rate[~small],
        yerr=err[:, ~small],
        fmt="none",
        ecolor="#333333",
        capsize=3,
        label="95% Wilson CI",
    )
    if base_win_rate is not None and not math.isnan(base_win_rate):
        ax.axhline(base_win_rate, color=PALETTE[3], linestyle="--", label="All matured leads")
    labels = [f"{b}\nn={n:,}" for b, n in zip(bands["band"].astype(str), bands["n"], strict=True)]
    ax.set_xticks(x, labels, fontsize=9)
    percent(ax.yaxis)
    read = bands.loc[~small, "ci_high"] if (~small).any() else bands["win_rate"]
    top = float(np.nanmax(np.append(read.to_numpy(dtype=float), np.nanmax(rate))))
    ax.set_ylim(0, min(1.0, max(0.05, top * 1.1)))
    ax.set_xlabel("Lead score band (points; lower bound inclusive)")
    ax.set_ylabel("Won within the horizon (matured leads)")
    ax.set_title("Win rate by score band")
    ax.legend(loc="upper left")
    if small.any():
        fig.supxlabel(
            f"Grey: {int(small.sum())} band(s) with fewer than {min_leads:,} matured leads; "
            "their rate rests on a handful of leads and no interval is drawn.",
            fontsize=9,
            color="#57606a",
            x=0.01,
            ha="left",
        )
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
    ax.set_xlabel("Fitted logistic score, bin mean (in sample)")
    ax.set_ylabel("Observed win rate")
    ax.set_title("In-sample calibration of the logistic model (not an out-of-time check)")
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
    capacity: pd.DataFrame,
    *,
    current_threshold: float | None = None,
    recommended_threshold: float | None = None,
    capacity_per_month: float | None = None,
    selected_threshold: float | None = None,
):
    """Scored leads a month (left, from the inflow) against win rate and share of wins (right), by threshold.

    ``sweep`` is ``Results.threshold_sweep`` (matured leads); ``capacity`` is
    ``Results.capacity`` (inflow of all scored leads). The current and
    recommended thresholds are solid lines; ``selected_threshold`` (the
    threshold explorer's slider) is a dashed line labelled "Selected".
    """
    if sweep.empty or capacity.empty:
        return empty_figure("No matured leads: no threshold trade-off to show.")
    fig, ax = new_figure(figsize=(9.5, 5.0))
    cap = capacity.loc[capacity["threshold"].isin(sweep["threshold"])]
    t = cap["threshold"]
    ax.fill_between(t, cap["monthly_volume"], step=None, color=PALETTE[5], alpha=0.35)
    ax.plot(
        t,
        cap["monthly_volume"],
        color=PALETTE[5],
        linewidth=2,
        label="Scored leads a month, last complete months (left)",
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
    ax.set_ylabel("Scored leads a month at or above the threshold")
    ax2 = ax.twinx()
    ax2.plot(
        sweep["threshold"],
        sweep["win_rate"],
        color=PALETTE[0],
        linewidth=2,
        marker="o",
        markersize=3,
        label="Win rate of matured leads (right)",
    )
    ax2.plot(
        sweep["threshold"],
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
        (current_threshold, "Current", PALETTE[3], "-"),
        (recommended_threshold, "Recommended", PALETTE[1], "-"),
        (selected_threshold, "Selected", "#333333", "--"),
    ]
    for i, (value, name, color, style) in enumerate(marks):
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            ax.axvline(value, color=color, linewidth=2, linestyle=style)
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
    ax.set_title("Threshold trade-off: inflow against win rate and share of wins")
    return fig


def track_record(track: pd.DataFrame, *, capacity_per_month: float | None = None):
    """Monthly scored leads at the threshold recommended at each earlier cut, against capacity.

    ``track`` is ``Results.track_record``; one line per cut, one point per
    month after it; months over capacity are drawn in red.
    """
    shown = track.dropna(subset=["count"])
    if shown.empty:
        return empty_figure("No track record yet: no earlier cut with a recommendation.")
    fig, ax = new_figure(figsize=(9, 4.2))
    for i, (cut, part) in enumerate(shown.groupby("cut", sort=True)):
        x = pd.PeriodIndex(part["month"], freq="M").to_timestamp()
        t = part["recommended_threshold"].iloc[0]
        ax.plot(x, part["count"], color=PALETTE[i % len(PALETTE)], linewidth=2,
                label=f"Cut {pd.Timestamp(cut):%Y-%m-%d}: threshold {t:,.0f}")  # fmt: skip
        over = part["over_capacity"].astype(bool).to_numpy()
        ax.scatter(x[over], part["count"][over], color=PALETTE[3], zorder=3, s=45)
        ax.scatter(x[~over], part["count"][~over], color=PALETTE[i % len(PALETTE)], zorder=3)
    if capacity_per_month is not None:
        ax.axhline(capacity_per_month, color="#333333", linestyle=":", linewidth=1.5,
                   label=f"Capacity {capacity_per_month:,.0f} a month")  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Scored leads a month at the recommended threshold")
    ax.set_title("Track record: the recommendation at earlier month-ends, and what came next")
    ax.legend(loc="best", fontsize=8)
    return fig


def decay_landmark(landmark: pd.DataFrame, *, decay_after_days: int | None = None):
    """Horizon win rate of quiet and active leads at the day-L landmark, with 95% Wilson intervals.

    ``landmark`` is ``Results.decay_landmark`` (the difference row is not drawn).
    """
    shown = landmark.loc[landmark["group"].isin(["quiet", "active"])].dropna(subset=["win_rate"])
    if shown.empty:
        return empty_figure("No landmark population: no decay what-if to show.")
    fig, ax = new_figure(figsize=(6.5, 3.2))
    y = np.arange(len(shown))
    rate = shown["win_rate"].to_numpy(float)
    ax.errorbar(rate, y, xerr=_error_bars(rate, shown["ci_low"], shown["ci_high"]),
                fmt="o", color=PALETTE[0], ecolor="#555555", capsize=3)  # fmt: skip
    ax.set_yticks(
        y, [f"{g} (n={n:,})" for g, n in zip(shown["group"], shown["leads"], strict=True)]
    )
    ax.set_xlim(left=0)
    percent(ax.xaxis)
    day = f" by day {decay_after_days:,}" if decay_after_days else ""
    ax.set_xlabel("Won within the horizon (95% Wilson CI)")
    ax.set_title(f"Leads not converted{day}: quiet against active")
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
        PALETTE[3] if verdict == "not predictive" else PALETTE[0] for verdict in shown["verdict"]
    ]
    ax.errorbar(auc, y, xerr=err, fmt="none", ecolor="#555555", capsize=3)
    ax.scatter(auc, y, color=colors, zorder=3, s=40)
    ax.axvline(0.5, color=PALETTE[3], linestyle="--", label="0.5 = no better than chance")
    ax.axvline(0.6, color="#999999", linestyle=":", label="0.6: below it, not predictive")
    ax.set_yticks(y, [f"{s} (n={n:,})" for s, n in zip(shown["segment"], shown["n"], strict=True)])
    ax.set_xlim(0, 1)
    ax.set_xlabel("ROC AUC of score against won (95% bootstrap CI)")
    ax.set_title("Does the score predict wins in each segment?")
    ax.legend(loc="lower left", fontsize=9)
    return fig

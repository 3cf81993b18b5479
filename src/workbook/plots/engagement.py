"""Charts for the engagement and pipeline hygiene report.

Each function takes a table of :class:`workbook.analyses.engagement.Results`
(``res.levels_by_owner``, ``res.at_risk``, ``res.model_coefficients``...) and
returns a Figure. Nothing here computes a business number: every plotted
value is a column of the analysis frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.plots import PALETTE, currency, empty_figure, new_figure, percent, thousands

#: Level colours: dormant (vermillion), medium (sky blue), high (blue).
LEVEL_COLORS = {"dormant": PALETTE[3], "medium": PALETTE[5], "high": PALETTE[0]}
MAX_LABEL = 32


def _short(labels) -> list[str]:
    """One-line, length-capped tick labels (names may hold newlines)."""
    out = []
    for text in pd.Series(labels).astype("str"):
        text = " ".join(text.split())
        out.append(text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…")
    return out


def _group_labels(shown: pd.DataFrame, by: str) -> list[str]:
    """Tick labels of the groups: the name beside an id column (``owner_name`` for
    ``owner_id``, see :mod:`workbook.core.names`) when the table has it, the id
    only where no name is known."""
    labels = shown[by].astype("string")
    if by.endswith("_id") and by[: -len("_id")] + "_name" in shown.columns:
        labels = shown[by[: -len("_id")] + "_name"].astype("string").fillna(labels)
    elif by.endswith("_name") and by[: -len("_name")] + "_id" in shown.columns:
        labels = labels.fillna(shown[by[: -len("_name")] + "_id"].astype("string"))
    return _short(labels.fillna("(none)"))


def _height(n: int) -> float:
    return max(3.0, min(9.0, 1.2 + 0.32 * n))


def levels_by(table: pd.DataFrame, *, by: str = "owner_id", top_n: int = 20, label: str = ""):
    """Stacked horizontal bars of accounts per level for each group (``engagement.levels_by``).

    Shows the ``top_n`` groups with the most accounts (the table's order).
    """
    if table.empty:
        return empty_figure("No accounts to show.")
    shown = table.head(top_n).iloc[::-1]
    name = label or {"owner_id": "owner", "owner_name": "owner", "industry": "industry"}.get(by, by)
    fig, ax = new_figure(figsize=(9.0, _height(len(shown))))
    y = np.arange(len(shown))
    left = np.zeros(len(shown))
    for level in ("dormant", "medium", "high"):
        values = shown[level].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=LEVEL_COLORS[level], label=level.capitalize())
        left += values
    ax.set_yticks(y, _group_labels(shown, by))
    thousands(ax.xaxis)
    ax.set_xlabel("Accounts")
    ax.set_ylabel(name.capitalize())
    more = f" (top {top_n} of {len(table)})" if len(table) > top_n else ""
    ax.set_title(f"Engagement level by {name}{more}")
    ax.legend(loc="lower right", title="Level")
    return fig


def window_sensitivity(sensitivity: pd.DataFrame):
    """Dormant accounts at each scaled window (``engagement.window_sensitivity``)."""
    if sensitivity.empty:
        return empty_figure("No windows to compare.")
    fig, ax = new_figure(figsize=(7.5, 4.2))
    x = np.arange(len(sensitivity))
    dormant = sensitivity["dormant"].to_numpy(dtype=float)
    colors = [PALETTE[3] if f == 1.0 else PALETTE[5] for f in sensitivity["factor"]]
    ax.bar(x, dormant, color=colors)
    for xi, d, share in zip(x, dormant, sensitivity["dormant_share"], strict=True):
        ax.annotate(
            f"{d:,.0f} ({share:.0%})",
            (xi, d),
            ha="center",
            va="bottom",
            xytext=(0, 3),
            textcoords="offset points",
        )
    labels = [
        f"{w:,} days\n({f:g}× window)"
        for w, f in zip(sensitivity["window_days"], sensitivity["factor"], strict=True)
    ]
    ax.set_xticks(x, labels)
    thousands(ax.yaxis)
    ax.set_ylim(0, max(1.0, float(dormant.max()) * 1.18))
    ax.set_xlabel("Window length")
    ax.set_ylabel("Dormant accounts")
    ax.set_title("How many accounts are dormant depends on the window")
    return fig


def at_risk(risk: pd.DataFrame, *, top_n: int = 20):
    """Open pipeline of dormant accounts, largest first (``engagement.at_risk``)."""
    if risk.empty:
        return empty_figure("No dormant account has open pipeline.")
    shown = risk.head(top_n).iloc[::-1]
    fig, ax = new_figure(figsize=(9.0, _height(len(shown))))
    y = np.arange(len(shown))
    ax.barh(y, shown["open_pipeline"].to_numpy(dtype=float), color=PALETTE[3])
    ax.set_yticks(y, _short(shown["name"]))
    currency(ax.xaxis)
    ax.set_xlabel("Open pipeline (sum of open opportunity amounts)")
    ax.set_ylabel("Dormant account")
    more = f" (top {top_n} of {len(risk)})" if len(risk) > top_n else ""
    ax.set_title(f"At risk: dormant accounts with open pipeline{more}")
    return fig


def effectiveness_by(table: pd.DataFrame, *, by: str = "owner_id", top_n: int = 20):
    """Share of open opportunities stale, below benchmark and past close, per group.

    Takes ``engagement.effectiveness_by``; grouped horizontal bars. A share
    left blank for every group (no activities loaded) is not drawn.
    """
    if table.empty:
        return empty_figure("No open opportunities.")
    shown = table.head(top_n).iloc[::-1]
    name = {"owner_id": "owner", "owner_name": "owner", "stage": "stage"}.get(by, by)
    fig, ax = new_figure(figsize=(9.0, _height(len(shown) * 1.6)))
    y = np.arange(len(shown))
    series = [
        ("stale_share", "No recent activity (stale)", PALETTE[3]),
        ("below_benchmark_share", "Activity rate below won-deal median", PALETTE[1]),
        ("close_date_passed_share", "Close date passed", PALETTE[4]),
    ]
    h = 0.26
    for i, (col, label, color) in enumerate(series):
        if shown[col].isna().all():  # skipped (no activities): no bar, no legend entry
            continue
        ax.barh(
            y + (1 - i) * h, shown[col].to_numpy(dtype=float), height=h, color=color, label=label
        )
    ticks = [
        f"{g} (n={n:,})"
        for g, n in zip(_group_labels(shown, by), shown["open_opportunities"], strict=True)
    ]
    ax.set_yticks(y, ticks)
    percent(ax.xaxis)
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of the group's open opportunities")
    ax.set_ylabel(name.capitalize())
    ax.set_title(f"Opportunity activity effectiveness by {name}")
    fig.legend(loc="outside upper center", ncol=3, fontsize=9)
    return fig


def model_coefficients(coefficients: pd.DataFrame, *, reason: str = ""):
    """Logit coefficients with 95% intervals (``engagement.WinModel.coefficients``), no constant."""
    coefs = coefficients.loc[coefficients["term"] != "const"] if len(coefficients) else coefficients
    if coefs.empty:
        return empty_figure(
            f"Win model not fitted: {reason}" if reason else "Win model not fitted."
        )
    fig, ax = new_figure(figsize=(8.0, _height(len(coefs)) + 0.4))
    y = np.arange(len(coefs))
    coef = coefs["coef"].to_numpy(dtype=float)
    err = np.vstack(
        [coef - coefs["ci_low"].to_numpy(float), coefs["ci_high"].to_numpy(float) - coef]
    )
    ax.errorbar(
        coef,
        y,
        xerr=err,
        fmt="o",
        color=PALETTE[0],
        ecolor=PALETTE[0],
        capsize=4,
        label="Coefficient (95% CI)",
    )
    ax.axvline(0, color="#777777", linestyle="--", linewidth=1)
    ax.set_yticks(y, list(coefs["term"]))
    ax.set_xlabel("Change in log-odds of winning per unit of the feature (log1p scale)")
    ax.set_ylabel("Feature")
    ax.set_title("Win model: what moves the odds of winning")
    ax.legend(loc="lower right")
    return fig


def lead_funnel(funnel: pd.DataFrame, status_counts: pd.DataFrame):
    """Lead funnel with step conversion, and leads per status.

    Takes ``res.lead_funnel`` and ``res.lead_status`` of the engagement ``Results``.
    """
    if funnel.empty or int(funnel["leads"].iloc[0]) == 0:
        return empty_figure("No leads created on or before as_of.")
    fig, (ax1, ax2) = new_figure(figsize=(11.0, 4.4), ncols=2)
    x = np.arange(len(funnel))
    leads = funnel["leads"].to_numpy(dtype=float)
    ax1.bar(x, leads, color=PALETTE[0])
    for xi, n, conv in zip(x, leads, funnel["conversion"], strict=True):
        text = f"{n:,.0f}" if pd.isna(conv) else f"{n:,.0f}\n({conv:.0%} of previous)"
        ax1.annotate(
            text,
            (xi, n),
            ha="center",
            va="bottom",
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=9,
        )
    ax1.set_xticks(x, [s.capitalize() for s in funnel["step"]])
    ax1.set_ylim(0, float(leads.max()) * 1.25)
    thousands(ax1.yaxis)
    ax1.set_xlabel("Funnel step")
    ax1.set_ylabel("Leads")
    ax1.set_title("Lead funnel")
    xs = np.arange(len(status_counts))
    ax2.bar(xs, status_counts["leads"].to_numpy(dtype=float), color=PALETTE[5])
    ax2.set_xticks(xs, _short(status_counts["status"]), rotation=30, ha="right")
    thousands(ax2.yaxis)
    ax2.set_xlabel("Current status")
    ax2.set_ylabel("Leads")
    ax2.set_title("Leads by status")
    return fig


def reliability(table: pd.DataFrame, *, sentence: str = ""):
    """Reliability chart of the win model's backtest (``res.model_reliability``).

    One point per score bin: mean score (x) against the share won within the
    horizon (y) with its Wilson CI; the diagonal is perfect calibration.
    """
    if table.empty:
        return empty_figure(sentence or "The win model was not checked out of time.")
    fig, ax = new_figure(figsize=(6.5, 5.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="Perfect calibration")
    x = table["mean_score"].to_numpy(dtype=float)
    y = table["observed"].to_numpy(dtype=float)
    err = np.vstack([y - table["ci_low"].to_numpy(float), table["ci_high"].to_numpy(float) - y])
    ax.errorbar(x, y, yerr=err, fmt="o", color=PALETTE[0], capsize=3, label="Score bin (95% CI)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    percent(ax.xaxis)
    percent(ax.yaxis)
    ax.set_xlabel("Model score (mean of the bin)")
    ax.set_ylabel("Won within the horizon")
    ax.set_title("Win model on held-out deals: predicted vs won")
    ax.legend(loc="upper left")
    return fig


#: Least vertical distance between two funnel labels, in win-rate units (about a line
#: of small text on the 4.8-inch panel).
LABEL_GAP = 0.045


def label_positions(values: np.ndarray, *, gap: float, low: float, high: float) -> np.ndarray:
    """Heights for labels of sorted ``values``: each at its value, moved apart to ``gap``.

    The labels keep their order; a label closer than ``gap`` to the one below
    it is pushed up, and when the top one passes ``high`` they are all pushed
    back down (never below ``low`` while they fit).
    """
    out = np.asarray(values, dtype=float).copy()
    for i in range(1, len(out)):  # labels, a handful, not rows
        out[i] = max(out[i], out[i - 1] + gap)
    if len(out) and out[-1] > high:
        out[-1] = high
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    if len(out) and out[0] < low:
        out += min(low - out[0], max(high - out[-1], 0.0))
    return out


def _funnel_panel(ax, rows: pd.DataFrame, curve: pd.DataFrame, *, dimension: str, overall: float):
    n = curve["n"].to_numpy(dtype=float)
    for level, style, name in (("95", ":", "95%"), ("998", "--", "99.8%")):
        ax.plot(n, curve[f"upper_{level}"], color="grey", linestyle=style, label=f"{name} limits")
        ax.plot(n, curve[f"lower_{level}"], color="grey", linestyle=style)
    ax.axhline(overall, color="black", linewidth=1, label=f"Overall {overall:.0%}")
    named = rows["named"].to_numpy(dtype=bool)
    ax.scatter(rows["closed"], rows["rate"], color=PALETTE[0], zorder=3, label="Group")
    ax.scatter(
        rows.loc[named, "closed"], rows.loc[named, "rate"], color=PALETTE[3], zorder=4,
        label="Outside 99.8% (named)",
    )  # fmt: skip
    # Each panel's own range (the owners' few thousand deals were squeezed against the
    # axis by a curve drawn out to the largest group of any dimension).
    top = float(rows["closed"].max()) if len(rows) else (float(n.max()) if len(n) else 1.0)
    ax.set_xlim(0, max(top, 1.0) * 1.25)
    picked = rows.loc[named].sort_values("rate", kind="stable")
    spread = label_positions(picked["rate"].to_numpy(dtype=float), gap=LABEL_GAP, low=0.0, high=1.0)
    for r, y in zip(picked.itertuples(index=False), spread, strict=True):  # named groups only
        ax.annotate(
            _short([r.label])[0],
            (r.closed, r.rate),
            xytext=(r.closed + 0.03 * top, y),
            textcoords="data",
            va="center",
            fontsize="small",
            arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.6},
        )
    ax.set_ylim(0, 1)
    percent(ax.yaxis)
    thousands(ax.xaxis)
    ax.set_xlabel("Closed deals")
    ax.set_title(f"By {dimension}")


def win_rate_funnel(rates: pd.DataFrame, curve: pd.DataFrame, *, overall: float):
    """Funnel plots of win rates by owner, industry and source (``res.win_rates``).

    One panel per dimension of ``rates``: each group is a point at (closed deals,
    win rate); the lines are the 95% and 99.8% limits (``res.win_rate_funnel``)
    around the overall rate ``overall`` (``res.overall_win_rate``). Only groups
    marked ``named`` are labelled.
    """
    dims = list(dict.fromkeys(rates["dimension"])) if len(rates) else []
    if not dims or curve.empty:
        return empty_figure("No closed deals in the period.")
    fig, axes = new_figure(figsize=(5.0 * len(dims), 4.8), ncols=len(dims), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, dim in zip(axes, dims, strict=True):  # three panels
        rows = rates.loc[rates["dimension"] == dim]
        _funnel_panel(ax, rows, curve, dimension=dim, overall=overall)
    axes[0].set_ylabel("Win rate")
    axes[-1].legend(loc="lower right", fontsize="small")
    fig.suptitle("Win rates: funnel limits around the overall rate")
    return fig

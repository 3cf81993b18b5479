"""Charts for the cohort follow-through report.

Every function takes an output of :mod:`workbook.analyses.cohort` (or
:func:`workbook.core.links.lead_handoff_status`) and returns a matplotlib Figure.
No business number is computed here: only pivoting, sorting and drawing.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from workbook.analyses.cohort import age_phrase
from workbook.plots import (
    PALETTE,
    SEQUENTIAL,
    empty_figure,
    new_figure,
    percent,
    thousands,
)
from workbook.plots.fonts import digits_family

_MILESTONE_TEXT = {
    "touched": "first touch",
    "meeting": "a meeting",
    "opportunity": "an opportunity",
    "won": "a won deal",
}
_UNIT = {"month": "months", "quarter": "quarters", "year": "years"}
#: Fill of cells and points of cohorts smaller than ``min_cell_leads``.
SMALL_GREY = "#d9d9d9"
SMALL_GREY_EDGE = "#8c8c8c"
SMALL_NOTE = (
    "Grey hollow points: small cohorts ({few}); no interval drawn "
    "(it would span most of the axis)."
)


def _few(min_leads: int | None) -> str:
    """``fewer than 20 leads`` (the report's minimum, when given), else ``too few leads``."""
    return "too few leads" if min_leads is None else f"fewer than {min_leads:,} leads"
#: Heatmaps show at most this many segments as panels (largest first).
MAX_SEGMENT_PANELS = 6
#: Heatmap cells carry their percentage only up to this many periods (columns): on the
#: 11-inch figure a cell is then at least about 25 points wide, room for "100%" at 9
#: points. With more columns the labels run into each other (36 monthly columns left
#: "9%10%10%" unreadable) and the colour scale is what a reader can use.
MAX_ANNOTATED_PERIODS = 24


def _unit(frame: pd.DataFrame) -> str:
    grain = frame["grain"].iloc[0] if "grain" in frame.columns and len(frame) else ""
    return _UNIT.get(grain, "periods")


def _vmax(rates) -> float:
    """Top of the colour scale: the largest rate rounded up to 10%, so gradations show."""
    top = float(np.nanmax(np.asarray(rates, dtype="float64"))) if len(rates) else 0.0
    return float(min(1.0, max(0.1, np.ceil(top * 10) / 10)))


def _annotates(cells: pd.DataFrame, annotate: bool | None) -> bool:
    """``annotate``, or when None whether the cells' labels fit (:data:`MAX_ANNOTATED_PERIODS`)."""
    if annotate is not None:
        return bool(annotate)
    return cells["months_since"].nunique() <= MAX_ANNOTATED_PERIODS


def _draw_triangle(ax, cells: pd.DataFrame, *, annotate: bool, vmax: float = 1.0) -> object:
    rates = cells.pivot(index="cohort", columns="months_since", values="rate").sort_index()
    small = cells.pivot(index="cohort", columns="months_since", values="small_n")
    small = small.reindex(index=rates.index, columns=rates.columns)
    data = np.ma.masked_invalid(rates.to_numpy(dtype="float64"))
    image = ax.imshow(
        data, cmap=SEQUENTIAL, vmin=0.0, vmax=vmax, aspect="auto", interpolation="nearest"
    )
    n_rows, n_cols = rates.shape
    flagged = np.argwhere(small.fillna(False).to_numpy(dtype=bool))
    for i, j in flagged:
        # Small cohort: greyed (its colour would overstate what a few leads say).
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                facecolor=SMALL_GREY,
                edgecolor="#999999",
                hatch="///",
                linewidth=0,
                alpha=0.9,
            )
        )
    if annotate:
        size = 9 if n_cols > 12 else 10
        grey = small.fillna(False).to_numpy(dtype=bool)
        for (i, j), value in np.ndenumerate(rates.to_numpy(dtype="float64")):
            if np.isnan(value):
                continue
            light = value < 0.55 * vmax and not grey[i, j]
            ax.text(
                j,
                i,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=size,
                color="white" if light else "black",
                family=digits_family(),  # digits only: no per-glyph fallback stack to build
                in_layout=False,  # inside its cell: the layout need not measure 600 labels
            )
    if "complete" in cells.columns:
        partial = cells.pivot(index="cohort", columns="months_since", values="complete")
        partial = partial.reindex(index=rates.index, columns=rates.columns)
        partial = ~partial.fillna(True).astype(bool)
        for i, j in np.argwhere(partial.to_numpy(dtype=bool)):
            ax.add_patch(
                Rectangle(
                    (j - 0.45, i - 0.45),
                    0.9,
                    0.9,
                    fill=False,
                    linestyle=":",
                    edgecolor="#1f2328",
                    linewidth=1.4,
                )
            )
    step = max(1, n_cols // 12)
    ax.set_xticks(np.arange(0, n_cols, step))
    ax.set_xticklabels([str(c) for c in rates.columns[::step]])
    ystep = max(1, n_rows // 24)
    ax.set_yticks(np.arange(0, n_rows, ystep))
    ax.set_yticklabels(list(rates.index[::ystep]))
    ax.grid(False)
    return image


def follow_through_heatmap(
    follow_through: pd.DataFrame,
    *,
    milestone: str = "opportunity",
    segment: str | None = None,
    annotate: bool | None = None,
    min_leads: int | None = None,
):
    """Triangle heatmap of cumulative rate: cohort (rows) by periods since (columns).

    Colour is ``rate`` (0-100%); each observed cell is annotated with its
    percentage when ``annotate`` is True, or when it is None (the default)
    and at most :data:`MAX_ANNOTATED_PERIODS` periods are shown (the note
    under the chart says so otherwise); cohorts flagged ``small_n`` are hatched (the note under the
    chart says "fewer than ``min_leads`` leads" when given); unobserved cells
    (the future) are blank. When the table has a ``segment`` column and no
    ``segment`` is chosen, the largest segments get one panel each (up to
    :data:`MAX_SEGMENT_PANELS`).
    """
    cells = follow_through.loc[follow_through["milestone"] == milestone]
    if "segment" in cells.columns and segment is not None:
        cells = cells.loc[cells["segment"] == segment]
    if cells.empty:
        return empty_figure(f"No cohort data for the milestone {milestone!r}.")
    unit = _unit(cells)
    vmax = _vmax(cells["rate"])
    annotate = _annotates(cells, annotate)
    title = f"Share of each cohort reaching {_MILESTONE_TEXT.get(milestone, milestone)}"
    if "segment" in cells.columns and segment is None:
        sizes = (
            cells.drop_duplicates(["segment", "cohort"])
            .groupby("segment")["leads"]
            .sum()
            .sort_values(ascending=False)
        )
        shown = list(sizes.index[:MAX_SEGMENT_PANELS])
        n_rows = cells["cohort"].nunique()
        fig, axes = new_figure(
            nrows=len(shown),
            figsize=(11, max(3.0, 0.28 * n_rows + 1.2) * len(shown)),
            squeeze=False,
        )
        image = None
        for ax, seg in zip(axes[:, 0], shown, strict=True):
            image = _draw_triangle(
                ax, cells.loc[cells["segment"] == seg], annotate=annotate, vmax=vmax
            )
            ax.set_title(str(seg), fontsize=11, loc="left")
            ax.set_ylabel("Cohort")
        axes[-1, 0].set_xlabel(f"{unit.capitalize()} since acquisition")
        hidden = len(sizes) - len(shown)
        if hidden > 0:
            title += f" ({hidden} smaller segments not shown)"
        fig.suptitle(title)
        cbar = fig.colorbar(image, ax=axes[:, 0].tolist(), shrink=0.6)
    else:
        n_rows = cells["cohort"].nunique()
        fig, ax = new_figure(figsize=(11, max(3.0, 0.3 * n_rows + 1.5)))
        image = _draw_triangle(ax, cells, annotate=annotate, vmax=vmax)
        suffix = f" ({segment})" if segment is not None else ""
        ax.set_title(title + suffix)
        ax.set_xlabel(f"{unit.capitalize()} since acquisition (calendar {unit})")
        ax.set_ylabel("Cohort (acquisition period)")
        cbar = fig.colorbar(image, ax=ax, shrink=0.8)
    cbar.set_label("Cumulative share of cohort")
    percent(cbar.ax.yaxis)
    notes = []
    if cells["small_n"].any():
        notes.append(
            f"Grey, hatched: small cohort ({_few(min_leads)}), read with care."
        )
    if "complete" in cells.columns and (~cells["complete"].astype(bool)).any():
        notes.append(
            "Dotted outline: partial period (not ended at the as-of date), left out of comparisons."
        )
    notes.append("Blank: not observed yet.")
    if not annotate:
        notes.append(
            f"More than {MAX_ANNOTATED_PERIODS} {unit}: the cells are too narrow to print "
            "each share; read it from the colour scale (the numbers are in the table export)."
        )
    # Hung below the figure (va="top"; the saved image's tight box takes it in), one note
    # per line: at the bottom edge a long line ran into the centred axis label.
    fig.text(0.01, 0.0, "\n".join(notes), fontsize=9, color="#57606a", va="top")
    return fig


def equal_age_chart(
    equal_age: pd.DataFrame,
    *,
    milestone: str = "opportunity",
    periods: int = 3,
    min_leads: int | None = None,
):
    """Per-cohort share reaching ``milestone`` by ``periods`` periods, with 95% CI bars.

    Points are the rates; bars the Wilson interval; hollow points are
    ``small_n`` cohorts (fewer than ``min_leads`` leads, said under the chart
    when given). With a ``segment`` column, one colour per segment.
    """
    if equal_age.empty:
        return empty_figure(f"No cohort is old enough to compare at {periods} periods.")
    data = equal_age.sort_values("cohort")
    cohorts = sorted(data["cohort"].unique())
    pos = {c: i for i, c in enumerate(cohorts)}
    fig, ax = new_figure(figsize=(11, 4.8))
    groups = (
        list(data.groupby("segment", sort=True)) if "segment" in data.columns else [(None, data)]
    )
    width = 0.7 / max(1, len(groups))
    any_small = False
    for g, (name, sub) in enumerate(groups):
        x = sub["cohort"].map(pos).to_numpy(dtype=float) + (g - (len(groups) - 1) / 2) * width
        y = sub["rate"].to_numpy(dtype=float)
        err = np.vstack(
            [y - sub["ci_low"].to_numpy(dtype=float), sub["ci_high"].to_numpy(dtype=float) - y]
        )
        colour = PALETTE[g % len(PALETTE)]
        small = sub["small_n"].to_numpy(dtype=bool)
        # Small cohorts get no whiskers: their near full-height intervals would dominate.
        ax.errorbar(
            x[~small],
            y[~small],
            yerr=err[:, ~small],
            fmt="none",
            ecolor=colour,
            alpha=0.6,
            capsize=3,
        )
        ax.scatter(
            x[~small], y[~small], color=colour, zorder=3, label=None if name is None else str(name)
        )
        any_small = any_small or bool(small.any())
        ax.scatter(x[small], y[small], facecolors="white", edgecolors=SMALL_GREY_EDGE, zorder=3)
    ax.set_xticks(range(len(cohorts)))
    ax.set_xticklabels(cohorts, rotation=90 if len(cohorts) > 12 else 0)
    percent(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Cohort (acquisition period)")
    ax.set_ylabel(f"Share reaching {_MILESTONE_TEXT.get(milestone, milestone)}")
    grain = equal_age["grain"].iloc[0] if "grain" in equal_age.columns else None
    ax.set_title(
        f"Share reaching {_MILESTONE_TEXT.get(milestone, milestone)} "
        f"{age_phrase(periods, grain)} (95% CI)",
    )
    if len(groups) > 1:
        ax.legend(title="Segment", ncols=min(len(groups), 5), loc="upper left")
    if any_small:
        fig.supxlabel(SMALL_NOTE.format(few=_few(min_leads)), fontsize=9, color="#57606a", x=0.01, ha="left")
    return fig


def km_chart(curves: pd.DataFrame, *, by_label: str = "source"):
    """Kaplan-Meier curves: cumulative share reaching each event by days since creation.

    One panel per event (opportunity, won); one step line per group,
    starting at (0 days, 0%) and drawn to the group's longest follow-up
    (``max_days``), after which nothing is known.
    """
    if curves.empty:
        return empty_figure("No lead reached an opportunity or a win yet.")
    events = list(dict.fromkeys(curves["event"]))
    fig, axes = new_figure(ncols=len(events), figsize=(11, 4.8), squeeze=False, sharey=False)
    # One colour per group in every panel, so that one legend serves both.
    colour_of = {name: i for i, name in enumerate(sorted(curves["group"].unique(), key=str))}
    for ax, event in zip(axes[0], events, strict=True):
        sub = curves.loc[curves["event"] == event]
        for name, grp in sub.groupby("group", sort=True):
            g = colour_of[name]
            x = np.concatenate([[0.0], grp["days"].to_numpy(float), [grp["max_days"].iloc[0]]])
            r = grp["reached"].to_numpy(float)
            y = np.concatenate([[0.0], r, [r[-1]]])
            ax.step(
                x,
                y,
                where="post",
                color=PALETTE[g % len(PALETTE)],
                label=f"{name} (n={grp['leads'].iloc[0]:,})",
            )
        ax.set_title(f"Time to {_MILESTONE_TEXT.get(event, event)}")
        ax.set_xlabel("Days since lead created")
        ax.set_ylabel("Share reached (Kaplan-Meier)")
        percent(ax.yaxis)
        thousands(ax.xaxis)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
    # One legend below the panels, where it cannot cover a curve.
    entries = {}
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    fig.legend(
        list(entries.values()),
        list(entries),
        title=by_label,
        loc="outside lower center",
        ncols=max(1, min(len(entries), 5)),
        fontsize=9,
        frameon=False,
    )
    fig.suptitle("Leads without the event yet count until the as-of date, then drop out")
    return fig


def first_touch_histogram(handoff_status: pd.DataFrame, *, sla_days: float = 2, max_days: int = 30):
    """Distribution of days from handoff to first touch, with the SLA marked.

    Takes :func:`workbook.core.links.lead_handoff_status`. Whole-day bins; leads
    touched after ``max_days`` days are pooled in the last bar; leads never
    touched are counted in the legend, not drawn.
    """
    days = handoff_status["days_to_first_touch"].dropna().to_numpy(dtype=float)
    never = int(handoff_status["days_to_first_touch"].isna().sum())
    if len(days) == 0:
        return empty_figure("No handed-off lead has been touched yet.")
    fig, ax = new_figure()
    clipped = np.minimum(np.floor(days), max_days)
    bins = np.arange(0, max_days + 2) - 0.5
    within = days <= sla_days
    ax.hist(
        [clipped[within], clipped[~within]],
        bins=bins,
        stacked=True,
        color=[PALETTE[2], PALETTE[3]],
        label=[f"within {sla_days:g} days (SLA)", "later"],
    )
    ax.axvline(sla_days + 0.5, color="#333333", linestyle="--", linewidth=1)
    ax.set_xlabel(f"Days from handoff to first touch (last bar: {max_days}+)")
    ax.set_ylabel("Leads")
    thousands(ax.yaxis)
    ax.set_title("How fast sales touches handed-off leads")
    ax.plot([], [], " ", label=f"never touched: {never:,}")
    ax.legend(loc="upper right")
    return fig


def _band_label(band: str, unit: str) -> str:
    one = unit[:-1]
    if band == "0":
        return f"same {one}"
    if band == "1":
        return f"1 {one} before"
    return f"{band} {unit} before"


def period_vs_cohort_chart(period_vs_cohort: pd.DataFrame, *, milestone: str = "meeting"):
    """Stacked bars: milestones per calendar period, split by how long before the lead came in.

    Bar height is the usual per-period KPI (e.g. meetings in May); colours
    show the ``age_band`` of the leads (acquired in the same period, one
    period before, 2-3 before, ...).
    """
    from workbook.analyses.cohort import AGE_BANDS

    sub = period_vs_cohort.loc[period_vs_cohort["milestone"] == milestone]
    if sub.empty:
        return empty_figure(f"No {milestone} milestones to show.")
    unit = _unit(sub)
    table = sub.pivot_table(
        index="period", columns="age_band", values="count", aggfunc="sum", fill_value=0
    ).sort_index()
    order = [lab for _, _, lab in AGE_BANDS if lab in table.columns]
    table = table[order]
    fig, ax = new_figure(figsize=(11, 4.8))
    bottom = np.zeros(len(table))
    x = np.arange(len(table))
    colours = plt.get_cmap(SEQUENTIAL)(np.linspace(0.9, 0.1, len(AGE_BANDS)))
    band_pos = {lab: i for i, (_, _, lab) in enumerate(AGE_BANDS)}
    for band in order:
        values = table[band].to_numpy(dtype=float)
        ax.bar(
            x,
            values,
            bottom=bottom,
            color=colours[band_pos[band]],
            width=0.8,
            label=_band_label(band, unit),
        )
        bottom += values
    ax.set_xticks(x)
    ax.set_xticklabels(list(table.index), rotation=90 if len(table) > 12 else 0)
    ax.set_xlabel("Period the milestone happened in")
    ax.set_ylabel(f"Leads reaching {_MILESTONE_TEXT.get(milestone, milestone)}")
    thousands(ax.yaxis)
    ax.set_title(
        f"{milestone.capitalize()} milestones per period, by when the lead was acquired",
    )
    ax.legend(title="Lead acquired", fontsize=8, loc="upper left", ncols=2)
    return fig


def cohort_funnel_plot(comparison: pd.DataFrame, funnel: pd.DataFrame, *, what: str = "cohort"):
    """Funnel plot: each cohort's equal-age rate against its size, with 95% and 99.8% limits.

    ``comparison`` and ``funnel`` are ``Results.cohort_comparison`` and
    ``Results.cohort_funnel``; named cohorts (outside the 99.8% limits when
    the test of equal rates has p < 0.05) are labelled.
    """
    if comparison.empty or funnel.empty:
        return empty_figure("No cohort is old enough to compare at equal age.")
    fig, ax = new_figure(figsize=(9, 5))
    for level, style in (("95", "--"), ("998", ":")):
        label = "95%" if level == "95" else "99.8%"
        for side in ("lower", "upper"):
            ax.plot(
                funnel["n"],
                funnel[f"{side}_{level}"],
                linestyle=style,
                color="#57606a",
                linewidth=1.2,
                label=f"{label} limits" if side == "lower" else None,
            )
    ax.axhline(funnel["overall_rate"].iloc[0], color=PALETTE[0], linewidth=1, label="pooled rate")
    named = comparison["named"].astype(bool)
    ax.scatter(
        comparison.loc[~named, "trials"],
        comparison.loc[~named, "rate"],
        color=PALETTE[0],
        s=28,
        label=f"{what}s",
    )
    if named.any():
        ax.scatter(
            comparison.loc[named, "trials"],
            comparison.loc[named, "rate"],
            color=PALETTE[3],
            s=40,
            label="named (outside 99.8%)",
        )
        for row in comparison.loc[named].itertuples():
            ax.annotate(
                str(row.cohort),
                (row.trials, row.rate),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=9,
            )
    ax.set_xlabel(f"Leads in the {what}")
    ax.set_ylabel("Share reached at equal age")
    percent(ax.yaxis)
    thousands(ax.xaxis)
    ax.set_title(f"Do {what}s differ beyond chance? Rate against {what} size")
    ax.legend(loc="best", fontsize=9)
    return fig


def projection_chart(projection: pd.DataFrame, *, milestone: str = "won"):
    """Young cohorts: share so far and the projected month-K share with its interval."""
    p = projection.loc[projection["milestone"] == milestone].sort_values("cohort")
    if p.empty:
        return empty_figure(f"No projection for {milestone!r} (no mature cohorts or no data).")
    fig, ax = new_figure(figsize=(10, 4.5))
    x = np.arange(len(p))
    ax.bar(x, p["rate_so_far"], color="#d0d7de", label="reached so far")
    err = np.vstack([p["projected_rate"] - p["pi_low"], p["pi_high"] - p["projected_rate"]])
    ax.errorbar(
        x,
        p["projected_rate"],
        yerr=err,
        fmt="o",
        color=PALETTE[0],
        capsize=3,
        label="projected (Bornhuetter-Ferguson) with prediction interval",
    )
    ax.axhline(
        p["prior_rate"].iloc[0],
        color="#57606a",
        linestyle="--",
        linewidth=1,
        label="a-priori rate of mature cohorts",
    )
    ax.set_xticks(x)
    ax.set_xticklabels(p["cohort"], rotation=45, ha="right")
    percent(ax.yaxis)
    ax.set_ylabel("Share of cohort")
    ax.set_title(f"Where young cohorts will end up: {_MILESTONE_TEXT.get(milestone, milestone)}")
    ax.legend(fontsize=9, loc="best")
    return fig


def track_record_chart(track_record: pd.DataFrame):
    """Projected (at the cut) against actual month-K share, one point per cohort and milestone."""
    if track_record.empty:
        return empty_figure("No track record yet: no cohort projected at the cut has completed.")
    fig, ax = new_figure(figsize=(6, 6))
    for i, (milestone, g) in enumerate(track_record.groupby("milestone", sort=True)):
        err = np.vstack([g["projected_rate"] - g["pi_low"], g["pi_high"] - g["projected_rate"]])
        ax.errorbar(
            g["actual_rate"],
            g["projected_rate"],
            yerr=err,
            fmt="o",
            capsize=2,
            color=PALETTE[i % len(PALETTE)],
            label=milestone,
        )
    lo = float(min(track_record["actual_rate"].min(), track_record["pi_low"].min()))
    hi = float(max(track_record["actual_rate"].max(), track_record["pi_high"].max()))
    ax.plot([lo, hi], [lo, hi], color="#57606a", linestyle="--", linewidth=1, label="perfect")
    percent(ax.xaxis)
    percent(ax.yaxis)
    ax.set_xlabel("Actual share at the target month")
    ax.set_ylabel(f"Projected at {track_record['cut'].iloc[0]}")
    ax.set_title("Track record of the projection")
    ax.legend(fontsize=9)
    return fig


def outcomes_chart(curves: pd.DataFrame, *, max_days: int = 365):
    """Aalen-Johansen cumulative incidence of won (solid) and lost (dashed) per group."""
    if curves.empty:
        return empty_figure("No won or lost outcome yet.")
    fig, ax = new_figure(figsize=(10, 4.5))
    for i, (group, g) in enumerate(curves.groupby("group", sort=True)):
        color = PALETTE[i % len(PALETTE)]
        for outcome, style in (("won", "-"), ("lost", "--")):
            c = g.loc[(g["outcome"] == outcome) & (g["days"] <= max_days)]
            if len(c):
                ax.step(
                    c["days"],
                    c["cif"],
                    where="post",
                    linestyle=style,
                    color=color,
                    label=f"{group} {outcome}",
                )
    ax.set_xlim(0, max_days)
    percent(ax.yaxis)
    ax.set_xlabel("Days since acquisition")
    ax.set_ylabel("Cumulative incidence")
    ax.set_title("Won and lost over time (open and disqualified leads count until the as-of date)")
    # Beside the axes, where it cannot cover a curve.
    ax.legend(fontsize=9, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig

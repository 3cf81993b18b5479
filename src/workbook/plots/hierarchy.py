"""Charts for the hierarchy-corrected top customers report.

Every function takes outputs of :mod:`workbook.analyses.hierarchy` and returns a
matplotlib Figure. Nothing here computes a business number: only selecting
rows, ordering and drawing. Names are drawn as plain text (the theme turns off
mathtext), so HTML, dollar signs, CJK and Thai show as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.plots import PALETTE, currency, empty_figure, new_figure, percent

FAMILY_COLOUR = PALETTE[1]  # orange: a family of several buying accounts
SINGLE_COLOUR = PALETTE[0]  # blue: a stand-alone account
OUTLIER_COLOUR = PALETTE[3]  # vermillion
MEDIAN_COLOUR = "#57606a"
#: Longest name drawn on an axis; longer names are cut with an ellipsis.
MAX_LABEL = 30


def _label(text: object, width: int = MAX_LABEL) -> str:
    """One-line, length-capped label for a chart (the tables show the full text)."""
    value = " ".join(str(text).split()) if text is not None and not pd.isna(text) else "–"
    return value if len(value) <= width else value[: width - 1] + "…"


def rank_shift_chart(naive: pd.DataFrame, top: pd.DataFrame, *, top_n: int = 10):
    """Naive top-N accounts beside the corrected top-N families.

    Parameters
    ----------
    naive : DataFrame
        :func:`workbook.analyses.hierarchy.naive_top`.
    top : DataFrame
        :func:`workbook.analyses.hierarchy.top_customers`.
    top_n : int
        Rows per panel.

    Notes
    -----
    Left panel: accounts ranked on their own, each labelled with the rank its
    family reaches once rolled up ("family #k"). Right panel: families,
    labelled with their best member's account-level rank ("was #k"). Orange
    marks families with two or more buying accounts (and their members on the
    left); blue marks stand-alone buyers. Both panels share the money axis.
    """
    if top.empty:
        return empty_figure("No won revenue in the period: nothing to rank.")
    left = naive.head(top_n)
    right = top.head(top_n)
    buying = top.set_index("account_id")["buying_accounts"]
    family_rank = top.set_index("account_id")["rank"]
    left_multi = left["root_account_id"].map(buying).fillna(1).to_numpy() > 1
    right_multi = right["buying_accounts"].to_numpy() > 1
    rows = max(len(left), len(right))
    fig, (ax_l, ax_r) = new_figure(
        ncols=2, figsize=(13.0, 1.2 + 0.42 * rows), sharex=True, layout="constrained"
    )
    vmax = float(max(left["revenue"].max() if len(left) else 0, right["revenue"].max()))
    for ax, frame, multi, note, heading in (
        (
            ax_l,
            left,
            left_multi,
            [f"family #{r}" for r in left["root_account_id"].map(family_rank)],
            f"Accounts on their own: top {top_n}",
        ),
        (
            ax_r,
            right,
            right_multi,
            [
                "was #" + str(r) if not pd.isna(r) else "not ranked alone"
                for r in right["best_member_naive_rank"]
            ],
            f"Corporate families: top {top_n}",
        ),
    ):
        y = np.arange(len(frame))
        colours = np.where(multi, FAMILY_COLOUR, SINGLE_COLOUR)
        ax.barh(y, frame["revenue"].to_numpy(dtype="float64"), color=colours)
        ax.set_yticks(y)
        ax.set_yticklabels(
            [f"#{r}  {_label(n)}" for r, n in zip(frame["rank"], frame["name"], strict=True)]
        )
        ax.set_ylim(rows - 0.5, -0.5)
        for yi, value, text in zip(y, frame["revenue"], note, strict=True):
            ax.text(value + vmax * 0.01, yi, text, va="center", fontsize=9, color=MEDIAN_COLOUR)
        ax.set_title(heading, fontsize=11)
        ax.set_xlabel("Won revenue in the period (USD)")
        ax.set_xlim(0, vmax * 1.22)
        currency(ax.xaxis)
        ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    fig.legend(
        handles=[
            Patch(color=FAMILY_COLOUR, label="family with 2+ buying accounts"),
            Patch(color=SINGLE_COLOUR, label="single buying account"),
        ],
        loc="outside lower center",
        ncols=2,
        frameon=False,
    )
    fig.suptitle("Largest customers: single accounts vs corporate families")
    return fig


def pareto_chart(conc: pd.DataFrame, *, top_n: int = 10):
    """Cumulative share of revenue against the share of ranked families.

    Parameters
    ----------
    conc : DataFrame
        :func:`workbook.analyses.hierarchy.concentration`.
    top_n : int
        The point marked on the curve (the top-N families).
    """
    if conc.empty:
        return empty_figure("No won revenue in the period: no concentration to show.")
    fig, ax = new_figure(figsize=(8.0, 5.0))
    x = np.concatenate([[0.0], conc["family_share"].to_numpy(dtype="float64")])
    y = np.concatenate([[0.0], conc["cumulative_share"].to_numpy(dtype="float64")])
    ax.plot(x, y, color=PALETTE[0], linewidth=2, label="corporate families")
    ax.plot([0, 1], [0, 1], color=MEDIAN_COLOUR, linestyle="--", linewidth=1, label="equal shares")
    marked = conc[conc["in_top_n"]]
    if len(marked):
        last = marked.iloc[-1]
        ax.scatter(
            [last["family_share"]], [last["cumulative_share"]], color=FAMILY_COLOUR, zorder=3
        )
        ax.annotate(
            f"top {len(marked)} of {len(conc):,} families: {last['cumulative_share']:.0%} of revenue",
            xy=(last["family_share"], last["cumulative_share"]),
            # In the empty triangle under the diagonal, with an arrow to the point: a label
            # beside a point near the origin ran into the axis's tick labels.
            xytext=(0.30, 0.25),
            textcoords="axes fraction",
            fontsize=10,
            arrowprops={"arrowstyle": "->", "color": MEDIAN_COLOUR, "linewidth": 1},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    percent(ax.xaxis)
    percent(ax.yaxis)
    ax.set_xlabel("Share of ranked families (largest first)")
    ax.set_ylabel("Cumulative share of won revenue")
    ax.set_title("Revenue concentration across corporate families")
    ax.legend(loc="lower right", frameon=False)
    return fig


def discount_spread_chart(
    members: pd.DataFrame, spread: pd.DataFrame, *, max_pairs: int = 12, order: str = "family_rank"
):
    """Dot plot of sibling discounts: one row per family x product, one dot per member.

    Parameters
    ----------
    members : DataFrame
        :func:`workbook.analyses.hierarchy.sibling_discount_members`.
    spread : DataFrame
        :func:`workbook.analyses.hierarchy.sibling_discounts`; picks and orders the rows.
    max_pairs : int
        Family x product rows drawn.
    order : {"family_rank", "revenue_at_stake"}
        ``family_rank``: pairs with a spread, best-ranked families first (ties:
        widest spread). ``max(1, max_pairs // 3)`` of the rows are kept for
        pairs with a robust outlier that the best-ranked rows do not already
        show (largest revenue at stake first, any family rank); rows left
        over go to the next best-ranked pairs.
        ``revenue_at_stake``: the first ``max_pairs`` rows in the export's order.

    Notes
    -----
    Dots are member discounts (percent); vermillion dots are robust outliers;
    the grey tick is the family median.
    """
    pairs = spread[spread["spread"] > 0]
    if order == "family_rank":
        by_rank = pairs.sort_values(
            ["family_rank", "spread"], ascending=[True, False], na_position="last", kind="stable"
        )
        # Keep room for pairs with an outlier, wherever their family ranks: the kept
        # slots go to outlier pairs the best-ranked rows do not already show.
        room = min(max(1, max_pairs // 3), max_pairs)
        shown = by_rank.head(max_pairs - room)
        shown_keys = pd.MultiIndex.from_frame(shown[["root_id", "product_id"]])
        candidates = pairs[pairs["outlier_members"] > 0]
        hidden = ~pd.MultiIndex.from_frame(candidates[["root_id", "product_id"]]).isin(shown_keys)
        with_outlier = candidates[hidden].head(room)
        chosen = pd.concat([shown, with_outlier, by_rank])
        chosen = chosen.drop_duplicates(["root_id", "product_id"])
        pairs = chosen.head(max_pairs).sort_values(
            ["family_rank", "spread"], ascending=[True, False], na_position="last", kind="stable"
        )
    else:
        pairs = pairs.head(max_pairs)
    if pairs.empty:
        return empty_figure(
            "No product is bought by two or more members of a family at different discounts."
        )
    keys = pairs[["root_id", "product_id"]].reset_index(drop=True)
    keys["row"] = np.arange(len(keys))
    dots = members.merge(keys, on=["root_id", "product_id"], how="inner")
    fig, ax = new_figure(figsize=(10.0, 1.8 + 0.45 * len(keys)), layout="constrained")
    normal = dots[~dots["outlier"]]
    flagged = dots[dots["outlier"]]
    ax.scatter(
        normal["discount_pct"],
        normal["row"],
        color=PALETTE[0],
        s=40,
        label="member discount",
        zorder=3,
    )
    ax.scatter(
        flagged["discount_pct"],
        flagged["row"],
        color=OUTLIER_COLOUR,
        s=60,
        marker="D",
        label="robust outlier (median/MAD)",
        zorder=4,
    )
    ax.scatter(
        pairs["median_discount"],
        keys["row"],
        marker="|",
        s=300,
        color=MEDIAN_COLOUR,
        label="family median",
        zorder=2,
    )
    ax.hlines(
        keys["row"],
        pairs["min_discount"],
        pairs["max_discount"],
        color="#d0d7de",
        linewidth=3,
        zorder=1,
    )
    labels = [
        (f"#{int(r)} " if not pd.isna(r) else "") + f"{_label(f, 22)} · {_label(p, 20)}"
        for r, f, p in zip(
            pairs["family_rank"], pairs["family_name"], pairs["product_name"], strict=True
        )
    ]
    ax.set_yticks(keys["row"])
    ax.set_yticklabels(labels)
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.set_xlabel("Discount granted (% off list)")
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:g}%")
    ax.set_title("Sibling discounts: one product, different prices in one family")
    fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=9)
    ax.grid(axis="y", visible=False)
    return fig


def rank_interval_chart(ranks: pd.DataFrame, *, top_n: int = 10):
    """The top-N families' bootstrap rank intervals, with P(top N) beside each.

    Parameters
    ----------
    ranks : DataFrame
        :func:`workbook.analyses.hierarchy.rank_uncertainty`.
    top_n : int
        Families drawn (the first ``top_n`` by rank).

    Notes
    -----
    A dot is the family's rank; the bar its 95% rank interval over the
    resamples of the period's won deals. Families whose bars overlap are not
    reliably ordered.
    """
    shown = ranks[ranks["rank"] <= top_n]
    if shown.empty:
        return empty_figure("No won revenue in the period: no ranking to resample.")
    fig, ax = new_figure(figsize=(9.0, 1.4 + 0.42 * len(shown)), layout="constrained")
    rows = np.arange(len(shown))
    ax.hlines(rows, shown["rank_low"], shown["rank_high"], color=PALETTE[0], linewidth=4)
    ax.scatter(shown["rank"], rows, color=MEDIAN_COLOUR, zorder=3, label="rank in the period")
    ax.set_yticks(rows)
    ax.set_yticklabels(
        [
            f"{_label(n, 26)}  ({p:.0%} in top {top_n})"
            for n, p in zip(shown["name"], shown["p_top_n"], strict=True)
        ]
    )
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlabel("Rank (95% interval over resamples of the won deals)")
    ax.set_title("How sure is the ranking?")
    return fig

"""Charts for the whitespace report.

Every function takes outputs of :mod:`workbook.analyses.whitespace` and returns a
matplotlib Figure. Nothing here computes a business number: only selecting
rows, ordering, pivoting and drawing. Names are drawn as plain text (the theme
turns off mathtext), so HTML, dollar signs, CJK and Thai show as written.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap, LogNorm, Normalize
from matplotlib.patches import Patch

from workbook.plots import PALETTE, currency, empty_figure, new_figure, percent

OWNED_COLOUR = PALETTE[0]  # blue: the member owns the product
GAP_CMAP = "Oranges"  # gaps: pale (low priority) to dark orange (high)
LIFT_CMAP = "vlag"  # diverging around lift 1
#: Longest name drawn on an axis; longer names are cut with an ellipsis.
MAX_LABEL = 28


def _label(text: object, width: int = MAX_LABEL) -> str:
    """One-line, length-capped label for a chart (the tables show the full text)."""
    value = " ".join(str(text).split()) if text is not None and not pd.isna(text) else "–"
    return value if len(value) <= width else value[: width - 1] + "…"


def _money(value: float) -> str:
    """Compact money text for cell labels ($21k, $1.2M, $940)."""
    size = abs(value)
    if size >= 1e6:
        return f"${value / 1e6:,.1f}M"
    if size >= 1e3:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def _labels(names: pd.Series, ids: pd.Series) -> list[str]:
    """Axis labels from names, made unique with the id when two names collide."""
    short = [_label(n) for n in names]
    seen = pd.Series(short).duplicated(keep=False).to_numpy()
    return [f"{s} ({i})" if dup else s for s, i, dup in zip(short, ids, seen, strict=True)]


def family_heatmap(grid: pd.DataFrame, *, family_name: str = "", max_members: int = 40):
    """Members x products of one family: owned in blue, gaps shaded by priority.

    Parameters
    ----------
    grid : DataFrame
        :func:`workbook.analyses.whitespace.family_grid` for one family.
    family_name : str
        Shown in the title.
    max_members : int
        At most this many members are drawn: those with the largest total gap
        priority (ties by the grid's order); the title says when some are
        left out. The CSV exports hold every member.

    Notes
    -----
    Rows are members, columns the products someone in the family owns (most
    owned first). A blue cell is owned; an orange cell is a sibling gap, the
    darker the higher its priority (colour bar, in currency). A gap whose
    priority is unknown (no price) is hatched grey.
    """
    if grid.empty:
        return empty_figure(f"{_label(family_name, 60)} owns no products yet: no heatmap.")
    members = grid.drop_duplicates("account_id")[["account_id", "account_name"]]
    n_members = len(members)
    if n_members > max_members:
        weight = grid.groupby("account_id", sort=False)["priority"].sum()
        keep = members.assign(w=members["account_id"].map(weight).fillna(0.0).to_numpy())
        keep = keep.sort_values("w", ascending=False, kind="stable").head(max_members)
        members = members[members["account_id"].isin(keep["account_id"])]
        grid = grid[grid["account_id"].isin(members["account_id"])]
    products = grid.drop_duplicates("product_id")[["product_id", "product_name"]]
    row_of = pd.Series(np.arange(len(members)), index=members["account_id"].to_numpy())
    col_of = pd.Series(np.arange(len(products)), index=products["product_id"].to_numpy())
    r = row_of[grid["account_id"].to_numpy()].to_numpy()
    c = col_of[grid["product_id"].to_numpy()].to_numpy()
    owned = np.full((len(members), len(products)), np.nan)
    prio = np.full((len(members), len(products)), np.nan)
    unknown = np.zeros((len(members), len(products)), dtype=bool)
    is_owned = (grid["status"] == "owned").to_numpy()
    owned[r[is_owned], c[is_owned]] = 1.0
    p = grid["priority"].to_numpy(dtype="float64")
    prio[r[~is_owned], c[~is_owned]] = p[~is_owned]
    unknown[r[~is_owned], c[~is_owned]] = np.isnan(p[~is_owned])

    width = min(16.0, max(7.5, 3.6 + 0.55 * len(products)))
    height = min(18.0, max(3.2, 1.9 + 0.36 * len(members)))
    fig, ax = new_figure(figsize=(width, height))
    ax.grid(False)
    gap_values = prio[~np.isnan(prio)]
    vmax = float(gap_values.max()) if gap_values.size else 1.0
    mesh = ax.pcolormesh(
        np.ma.masked_invalid(prio),
        cmap=GAP_CMAP,
        norm=Normalize(vmin=0.0, vmax=vmax if vmax > 0 else 1.0),
        edgecolors="white",
        linewidth=1.0,
    )
    ax.pcolormesh(
        np.ma.masked_invalid(owned),
        cmap=ListedColormap([OWNED_COLOUR]),
        edgecolors="white",
        linewidth=1.0,
    )
    if unknown.any():
        ax.pcolormesh(
            np.ma.masked_where(~unknown, unknown.astype(float)),
            cmap=ListedColormap(["#d0d7de"]),
            hatch="//",
            edgecolors="white",
            linewidth=1.0,
        )
    ax.set_xlim(0, len(products))
    ax.set_ylim(len(members), 0)
    ax.set_xticks(np.arange(len(products)) + 0.5)
    ax.set_xticklabels(
        _labels(products["product_name"], products["product_id"]), rotation=35, ha="right"
    )
    ax.set_yticks(np.arange(len(members)) + 0.5)
    ax.set_yticklabels(_labels(members["account_name"], members["account_id"]))
    shown = (
        f" (top {len(members)} of {n_members} members by gap priority)"
        if n_members > len(members)
        else ""
    )
    ax.set_title(f"{_label(family_name, 60)}: who owns what{shown}")
    ax.set_xlabel("Product (owned by at least one family member)")
    ax.set_ylabel("Family member")
    if len(members) * len(products) <= 300:
        for i, j in zip(*np.nonzero(~np.isnan(prio)), strict=True):
            dark = prio[i, j] > 0.6 * vmax
            ax.text(
                j + 0.5,
                i + 0.5,
                _money(prio[i, j]),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if dark else "#24292f",
            )
    cbar = fig.colorbar(mesh, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("Gap priority")
    currency(cbar.ax.yaxis)
    handles = [Patch(color=OWNED_COLOUR, label="Owned")]
    handles.append(
        Patch(color=mpl.colormaps[GAP_CMAP](0.75), label="Gap (shade and number = priority)")
    )
    if unknown.any():
        handles.append(Patch(facecolor="#d0d7de", hatch="//", label="Gap, no price known"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    return fig


def product_whitespace_bars(products: pd.DataFrame, *, top: int = 20):
    """Whole book: total whitespace value per product, coloured by product family.

    Parameters
    ----------
    products : DataFrame
        :func:`workbook.analyses.whitespace.product_whitespace`.
    top : int
        Products with the largest whitespace value drawn (those with gaps).

    Notes
    -----
    Bar length is the product's whitespace value (sum of expected value over
    all its sibling gaps, every family); the dark inner bar is the
    likelihood-weighted part (sum of priority). The label gives the number of
    gaps and of families they are in.
    """
    shown = products[products["gaps"] > 0].head(top)
    if shown.empty:
        return empty_figure("No sibling gaps in the book: no whitespace by product.")
    shown = shown.iloc[::-1]
    fams = shown["product_family"].fillna("(no family)").astype(str)
    order = list(dict.fromkeys(products["product_family"].fillna("(no family)").astype(str)))
    colour = {f: PALETTE[(i + 1) % len(PALETTE)] for i, f in enumerate(order)}
    fig, ax = new_figure(figsize=(10.0, 1.4 + 0.42 * len(shown)))
    y = np.arange(len(shown))
    ax.barh(y, shown["whitespace_value"], color=[colour[f] for f in fams], alpha=0.45)
    ax.barh(y, shown["priority_total"], height=0.4, color=[colour[f] for f in fams])
    ax.set_yticks(y)
    ax.set_yticklabels(_labels(shown["product_name"], shown["product_id"]))
    vmax = float(shown["whitespace_value"].max())
    for yi, (value, gaps, fam_n) in enumerate(
        zip(shown["whitespace_value"], shown["gaps"], shown["families_with_gaps"], strict=True)
    ):
        ax.text(
            value + vmax * 0.01,
            yi,
            f"{int(gaps):,} gaps in {int(fam_n):,} famil{'y' if fam_n == 1 else 'ies'}",
            va="center",
            fontsize=9,
            color="#57606a",
        )
    ax.set_xlim(0, vmax * 1.3)
    currency(ax.xaxis)
    ax.set_title("Whitespace by product across all families")
    ax.set_xlabel(
        "Whitespace value (light: at the typical purchase amount; dark: weighted by likelihood)"
    )
    ax.set_ylabel("Product")
    ax.legend(
        handles=[Patch(color=colour[f], label=_label(f)) for f in order if f in set(fams)],
        title="Product family",
        loc="lower right",
        frameon=True,
    )
    return fig


def book_heatmap(matrix: pd.DataFrame, families: pd.DataFrame, *, top: int = 15):
    """Whole book: share of members owning each product, for the families with most whitespace.

    Parameters
    ----------
    matrix : DataFrame
        :func:`workbook.analyses.whitespace.family_matrix` (tidy owner counts).
    families : DataFrame
        :func:`workbook.analyses.whitespace.family_whitespace` (sets the order).
    top : int
        Families drawn (largest whitespace value first).

    Notes
    -----
    Each cell is ``owner_share`` (owners / family members); blank cells have
    no owner in the family. A row with cells between 0% and 100% is a family
    where some members own a product and others do not: sibling gaps.
    """
    fams = families.head(top)
    if fams.empty:
        return empty_figure("No family has a sibling gap: nothing to compare.")
    cells = matrix[matrix["family_id"].isin(fams["family_id"])]
    prod = (
        cells.groupby(["product_id", "product_name"], sort=False)["owners"]
        .sum()
        .reset_index()
        .sort_values(["owners", "product_id"], ascending=[False, True], kind="stable")
    )
    row_of = pd.Series(np.arange(len(fams)), index=fams["family_id"].to_numpy())
    col_of = pd.Series(np.arange(len(prod)), index=prod["product_id"].to_numpy())
    share = np.full((len(fams), len(prod)), np.nan)
    share[
        row_of[cells["family_id"].to_numpy()].to_numpy(),
        col_of[cells["product_id"].to_numpy()].to_numpy(),
    ] = cells["owner_share"].to_numpy(dtype="float64")
    fig, ax = new_figure(
        figsize=(min(16.0, 4.5 + 0.55 * len(prod)), min(14.0, 1.9 + 0.4 * len(fams)))
    )
    ax.grid(False)
    mesh = ax.pcolormesh(
        np.ma.masked_invalid(share),
        cmap="viridis",
        norm=Normalize(0, 1),
        edgecolors="white",
        linewidth=1.0,
    )
    ax.set_xlim(0, len(prod))
    ax.set_ylim(len(fams), 0)
    ax.set_xticks(np.arange(len(prod)) + 0.5)
    ax.set_xticklabels(_labels(prod["product_name"], prod["product_id"]), rotation=35, ha="right")
    ax.set_yticks(np.arange(len(fams)) + 0.5)
    ax.set_yticklabels(
        [
            f"{lab} ({int(m):,})"
            for lab, m in zip(
                _labels(fams["family_name"], fams["family_id"]),
                fams["family_members"],
                strict=True,
            )
        ]
    )
    ax.set_title(
        f"Share of members owning each product: the {len(fams)} families with most whitespace"
    )
    ax.set_xlabel("Product")
    ax.set_ylabel("Family (members)")
    cbar = fig.colorbar(mesh, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("Members owning the product")
    percent(cbar.ax.yaxis)
    return fig


def lift_heatmap(lift: pd.DataFrame, *, min_pair_owners: int = 5, max_products: int = 20):
    """Co-purchase lift between products.

    Parameters
    ----------
    lift : DataFrame
        :func:`workbook.analyses.whitespace.co_purchase_lift`.
    min_pair_owners : int
        Pairs owned together by fewer accounts are left blank (too few to read).
    max_products : int
        Products drawn: those in the most-owned pairs shown.

    Notes
    -----
    Cell (row A, column B) is the lift P(B | A) / P(B): red above 1 (owners of
    A own B more often than the average customer), blue below 1, on a log
    scale centred on 1. The matrix is symmetric because lift is.
    """
    shown = lift[lift["owners_both"] >= min_pair_owners]
    if shown.empty:
        return empty_figure(
            f"No two products are owned together by {min_pair_owners:,} or more accounts."
        )
    names = pd.concat(
        [
            shown[["product_a", "name_a", "owners_a"]].set_axis(["id", "name", "owners"], axis=1),
            shown[["product_b", "name_b", "owners_b"]].set_axis(["id", "name", "owners"], axis=1),
        ]
    ).drop_duplicates("id")
    names = names.sort_values(["owners", "id"], ascending=[False, True], kind="stable")
    names = names.head(max_products)
    shown = shown[shown["product_a"].isin(names["id"]) & shown["product_b"].isin(names["id"])]
    pos = pd.Series(np.arange(len(names)), index=names["id"].to_numpy())
    mat = np.full((len(names), len(names)), np.nan)
    mat[
        pos[shown["product_a"].to_numpy()].to_numpy(), pos[shown["product_b"].to_numpy()].to_numpy()
    ] = shown["lift"].to_numpy(dtype="float64")
    # Only pairs significant after Benjamini-Hochberg (q < 0.05) are coloured; the rest grey.
    sig = np.zeros_like(mat, dtype=bool)
    if "significant" in shown.columns:
        sig[
            pos[shown["product_a"].to_numpy()].to_numpy(),
            pos[shown["product_b"].to_numpy()].to_numpy(),
        ] = shown["significant"].to_numpy(dtype=bool)
    else:
        sig = np.isfinite(mat)
    greyed = np.where(np.isfinite(mat) & ~sig, 1.0, np.nan)
    mat = np.where(sig, mat, np.nan)
    finite = mat[np.isfinite(mat) & (mat > 0)]
    span = float(max(np.abs(np.log(finite)).max(), np.log(2.0))) if finite.size else np.log(2.0)
    size = min(14.0, 4.8 + 0.5 * len(names))
    fig, ax = new_figure(figsize=(size + 1.5, size))
    ax.grid(False)
    ax.pcolormesh(
        np.ma.masked_invalid(greyed),
        cmap=ListedColormap(["#d9d9d9"]),
        edgecolors="white",
        linewidth=1.0,
    )
    mesh = ax.pcolormesh(
        np.ma.masked_invalid(mat),
        cmap=LIFT_CMAP,
        norm=LogNorm(vmin=float(np.exp(-span)), vmax=float(np.exp(span))),
        edgecolors="white",
        linewidth=1.0,
    )
    if len(names) <= 15:
        for i, j in zip(*np.nonzero(np.isfinite(mat)), strict=True):
            ax.text(j + 0.5, i + 0.5, f"{mat[i, j]:.1f}×", ha="center", va="center", fontsize=9)
    labels = _labels(names["name"], names["id"])
    ax.set_xlim(0, len(names))
    ax.set_ylim(len(names), 0)
    ax.set_xticks(np.arange(len(names)) + 0.5)
    ax.set_xticklabels(labels, rotation=40, ha="right")
    ax.set_yticks(np.arange(len(names)) + 0.5)
    ax.set_yticklabels(labels)
    ax.set_title(
        "Co-purchase lift: owners of the row product also own the column product",
    )
    # Below the figure (the saved image's tight box takes it in): under the axes it sat
    # on the rotated product names.
    fig.text(
        0.01,
        0.0,
        "Grey: not significant (BH q ≥ 0.05, CMH test stratified by industry)",
        fontsize=9,
        va="top",
    )
    ax.set_xlabel("Product B (also owned)")
    ax.set_ylabel("Product A (owned)")
    cbar = fig.colorbar(mesh, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label(f"Lift (blank: fewer than {min_pair_owners:,} accounts own both)")
    k = np.arange(-6, 7, dtype=float)
    ticks = 2.0**k
    ticks = ticks[(ticks >= np.exp(-span) * 0.999) & (ticks <= np.exp(span) * 1.001)]
    cbar.set_ticks(ticks, labels=[f"{t:g}×" for t in ticks])
    cbar.ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
    return fig


def owner_value_bars(top_gaps: pd.DataFrame, *, top: int = 15):
    """Whitespace value per rep among their top gaps (what each rep could pitch first).

    Parameters
    ----------
    top_gaps : DataFrame
        :func:`workbook.analyses.whitespace.top_gaps_by_owner`.
    top : int
        Reps drawn (largest summed priority first).

    Notes
    -----
    Bar length is the sum of ``priority`` over the rep's listed gaps (their
    top N); the label gives how many gaps that is.
    """
    if top_gaps.empty:
        return empty_figure("No sibling gaps: no rep has anything to pitch.")
    frame = top_gaps.assign(
        rep=top_gaps["owner_name"].fillna(top_gaps["owner_id"]).fillna("(no owner)")
    )
    per = (
        frame.groupby("rep", sort=False, dropna=False)
        .agg(value=("priority", "sum"), gaps=("priority", "size"))
        .reset_index()
        .sort_values(["value", "rep"], ascending=[False, True], kind="stable")
        .head(top)
        .iloc[::-1]
    )
    fig, ax = new_figure(figsize=(9.5, 1.4 + 0.4 * len(per)))
    y = np.arange(len(per))
    ax.barh(y, per["value"], color=PALETTE[1])
    ax.set_yticks(y)
    ax.set_yticklabels([_label(r) for r in per["rep"]])
    vmax = float(per["value"].max()) if len(per) else 1.0
    for yi, (value, n) in enumerate(zip(per["value"], per["gaps"], strict=True)):
        ax.text(value + vmax * 0.01, yi, f"{int(n):,} gaps", va="center", fontsize=9)
    ax.set_xlim(0, vmax * 1.18 if vmax > 0 else 1)
    currency(ax.xaxis)
    ax.set_title("Likely value of each rep's top gaps")
    ax.set_xlabel("Sum of gap priority (likelihood × expected value)")
    ax.set_ylabel("Account owner")
    return fig


def calibration_deciles(deciles: pd.DataFrame, *, calibrated: bool = False):
    """Predicted against observed purchase share by decile of the backtest's P.

    Parameters
    ----------
    deciles : DataFrame
        ``Results.purchase_deciles``.
    calibrated : bool
        Whether the backtest's calibration CIs contain 0 and 1 (shown in the title).
    """
    if deciles is None or deciles.empty:
        return empty_figure("The purchase model was not fitted, so there is no calibration chart.")
    fig, ax = new_figure(figsize=(6.5, 5))
    x = deciles["mean_probability"].to_numpy("float64")
    y = deciles["observed"].to_numpy("float64")
    err = np.vstack([y - deciles["observed_low"].to_numpy(), deciles["observed_high"].to_numpy() - y])
    top = float(max(np.nanmax(x), np.nanmax(deciles["observed_high"]))) * 1.05
    ax.plot([0, top], [0, top], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    ax.errorbar(x, y, yerr=err, fmt="o", color=PALETTE[0], capsize=3, label="decile (95% CI)")
    ax.set_xlabel("Mean predicted P (backtest)")
    ax.set_ylabel("Share that bought")
    percent(ax.xaxis)
    percent(ax.yaxis)
    ax.set_title(
        "Purchase model calibration by decile: "
        + ("calibrated out of time" if calibrated else "not calibrated, P read as a score")
    )
    ax.legend(loc="upper left")
    return fig

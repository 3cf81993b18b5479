"""The report's words: headline figures, summary sentences, cards, money text.

:func:`summary_figures` gathers the figures of ``summary.json`` from the
report's tables; :func:`summary_sentences` and :func:`headline_cards` turn
them into the executive summary. :func:`money` is the short money text the
whitespace report uses too.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.hierarchy.discounts import OUTLIER_MONEY_LABEL, UPPER_BOUND_LABEL
from workbook.analyses.hierarchy.faults import max_depth
from workbook.analyses.hierarchy.ranking import concentration, herfindahl, top_n_share
from workbook.core.checks import require_frame
from workbook.core.families import CYCLE, MISSING_PARENT
from workbook.core.findings import HIGH, Finding
from workbook.core.text import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    MONEY,
    NEUTRAL,
    Card,
    and_join,
    one_or_many,
    plural,
)
from workbook.core.text import money as text_money

__all__ = ["findings", "headline_cards", "money", "summary_figures", "summary_sentences"]


def money(value: float) -> str:
    """Short money text for sentences (:func:`workbook.core.text.money`): $2.0M, $850k."""
    return text_money(value)


def _pct(value: float) -> str:
    """Percent text with at most one decimal: 12%, 17.5%."""
    return f"{value:.1f}".removesuffix(".0") + "%"


# --------------------------------------------------------------------------- figures
def summary_figures(
    *,
    top: pd.DataFrame,
    naive: pd.DataFrame,
    tree: pd.DataFrame,
    start,
    end,
    top_n: int = 10,
    stability_table: pd.DataFrame | None = None,
    discounts: pd.DataFrame | None = None,
    discount_members: pd.DataFrame | None = None,
    split: pd.DataFrame | None = None,
    faults: pd.DataFrame | None = None,
    ranks: pd.DataFrame | None = None,
    n_boot: int | None = None,
) -> dict:
    """Key figures for ``summary.json``.

    Parameters
    ----------
    top, naive : DataFrame
        :func:`~workbook.analyses.hierarchy.top_customers` and
        :func:`~workbook.analyses.hierarchy.naive_top`.
    tree : DataFrame
        :func:`workbook.core.families.ultimate_parents`.
    start, end : date-like
        The period.
    top_n : int
        Size of the top lists.
    stability_table, discounts, discount_members, split, faults, ranks : DataFrame, optional
        :func:`~workbook.analyses.hierarchy.stability`,
        :func:`~workbook.analyses.hierarchy.sibling_discounts`,
        :func:`~workbook.analyses.hierarchy.sibling_discount_members`,
        :func:`~workbook.analyses.hierarchy.split_ownership`,
        :func:`~workbook.analyses.hierarchy.hierarchy_faults` and
        :func:`~workbook.analyses.hierarchy.rank_uncertainty`; each adds its
        figures when given.
    n_boot : int, optional
        The resamples behind ``ranks`` (for the sentence).

    Returns
    -------
    dict
        ``period_start``, ``period_end``, ``top_n``, ``total_revenue``
        (ranked families), ``families_ranked``, ``accounts_ranked``,
        ``top_family_id``/``_name``/``_revenue``/``_members``/``_buying_accounts``,
        ``top_account_id``/``_name``/``_revenue``/``_root_id``,
        ``top_family_is_not_top_account`` (the top family's root differs from
        the top account's root), ``top_n_share``, ``families_climbing_into_top_n``
        (families in the corrected top N with no member in the naive top N),
        ``accounts_in_families``, ``hierarchy_issues``, ``cycle_accounts``,
        ``missing_parent_accounts``, ``max_depth``, ``new_families``,
        ``dropped_families``, ``families_moved``, ``single_deal_moves``,
        ``discount_pairs``, ``discount_groups_tested``, ``discount_outliers``,
        ``revenue_at_stake`` (upper bound), ``outlier_revenue_at_stake``
        (flagged outliers only); with ``ranks``: ``n_boot``,
        ``top_family_p_rank_1``, ``tied_for_first`` (names),
        ``families_one_deal``; ``key_gap_*`` (the best-ranked family with a
        sibling discount spread: family, rank, product, min/max discount,
        revenue at stake); ``top_outlier_*`` (the member with the largest
        robust z: account, family, product, discount, family median);
        ``split_families``, ``split_families_new_rep`` and
        ``key_family_new_rep_*`` (the best-ranked split family with a new
        rep: family, rank, account, owner, tenure days).
    """
    require_frame(top, "top")
    require_frame(naive, "naive")
    require_frame(tree, "tree", ["family_size", "depth"])
    figures: dict = {
        "period_start": pd.Timestamp(start).date().isoformat(),
        "period_end": pd.Timestamp(end).date().isoformat(),
        "top_n": int(top_n),
        "total_revenue": float(top["revenue"].sum()),
        "families_ranked": int(len(top)),
        "accounts_ranked": int(len(naive)),
        "accounts_in_families": int((tree["family_size"] > 1).sum()),
        "max_depth": max_depth(tree),
    }
    figures.update(_leader_figures(top, naive))
    figures.update(_top_n_figures(top, top_n))
    if faults is not None:
        figures.update(_fault_figures(faults))
    if stability_table is not None:
        figures.update(_stability_figures(stability_table))
    if discounts is not None:
        figures.update(_discount_figures(discounts))
    if discount_members is not None and len(discount_members):
        figures.update(_outlier_figures(discount_members))
    if split is not None:
        figures.update(_split_figures(split))
    if ranks is not None:
        figures.update(_rank_figures(ranks, n_boot))
    return figures


def _rank_figures(ranks: pd.DataFrame, n_boot: int | None) -> dict:
    """P(rank 1) of the top family, the families tied for first, one-deal families."""
    tied = ranks[ranks["tied_for_first"].astype(bool)]
    return {
        "n_boot": None if n_boot is None else int(n_boot),
        "top_family_p_rank_1": float(ranks["p_rank_1"].iloc[0]) if len(ranks) else None,
        "tied_for_first": tied["name"].tolist(),
        "families_one_deal": int((ranks["deals"] == 1).sum()),
    }


def _leader_figures(top: pd.DataFrame, naive: pd.DataFrame) -> dict:
    """The top family and the top single account (``None`` when nothing is ranked)."""
    family = top.iloc[0] if len(top) else None
    account = naive.iloc[0] if len(naive) else None
    out = {
        "top_family_id": None if family is None else family["account_id"],
        "top_family_name": None if family is None else family["name"],
        "top_family_revenue": None if family is None else float(family["revenue"]),
        "top_family_members": None if family is None else int(family["member_accounts"]),
        "top_family_buying_accounts": None if family is None else int(family["buying_accounts"]),
        "top_account_id": None if account is None else account["account_id"],
        "top_account_name": None if account is None else account["name"],
        "top_account_revenue": None if account is None else float(account["revenue"]),
        "top_account_root_id": None if account is None else account["root_account_id"],
    }
    out["top_family_is_not_top_account"] = bool(
        family is not None
        and account is not None
        and family["account_id"] != account["root_account_id"]
    )
    return out


def _top_n_figures(top: pd.DataFrame, top_n: int) -> dict:
    """The top-N share and the families that climb into the top N once rolled up."""
    corrected = top[top["rank"] <= top_n]
    conc = concentration(top, top_n=top_n)
    return {
        "top_n_share": top_n_share(conc, top_n),
        **herfindahl(conc),
        "families_climbing_into_top_n": int(
            (~(corrected["best_member_naive_rank"].fillna(top_n + 1) <= top_n)).sum()
        ),
    }


def _fault_figures(faults: pd.DataFrame) -> dict:
    """Faulty accounts, by kind."""
    return {
        "hierarchy_issues": int(len(faults)),
        "cycle_accounts": int((faults["issue"] == CYCLE).sum()),
        "missing_parent_accounts": int((faults["issue"] == MISSING_PARENT).sum()),
    }


def _stability_figures(stability_table: pd.DataFrame) -> dict:
    """Families new in the ranking, and families dropped from it."""
    return {
        "new_families": int((stability_table["status"] == "new").sum()),
        "dropped_families": int((stability_table["status"] == "dropped").sum()),
        "families_moved": int((stability_table["status"] != "same").sum()),
        "single_deal_moves": int(stability_table["single_deal_move"].sum()),
    }


def _discount_figures(discounts: pd.DataFrame) -> dict:
    """Pairs, outliers, revenue at stake and the key gap (best-ranked family with a spread)."""
    out = {
        "discount_pairs": int(len(discounts)),
        "discount_groups_tested": int(discounts["tested"].sum()),
        "discount_outliers": int(discounts["outlier_members"].sum()),
        "revenue_at_stake": float(discounts["revenue_at_stake"].sum()),
        "outlier_revenue_at_stake": float(discounts["outlier_revenue_at_stake"].sum()),
    }
    # The gap in the best-ranked family with a spread (ties: widest spread).
    gaps = discounts[(discounts["spread"] > 0) & discounts["family_rank"].notna()]
    gaps = gaps.sort_values(["family_rank", "spread"], ascending=[True, False])
    if len(gaps):
        gap = gaps.iloc[0]
        out["key_gap_family"] = gap["family_name"]
        out["key_gap_family_rank"] = int(gap["family_rank"])
        out["key_gap_product"] = gap["product_name"]
        out["key_gap_min_discount"] = float(gap["min_discount"])
        out["key_gap_max_discount"] = float(gap["max_discount"])
        out["key_gap_revenue_at_stake"] = float(gap["revenue_at_stake"])
    return out


def _outlier_figures(members: pd.DataFrame) -> dict:
    """The flagged member with the largest robust z (nothing when none is flagged)."""
    flagged = members[members["outlier"]]
    flagged = flagged.sort_values("robust_z", ascending=False, kind="stable")
    if not len(flagged):
        return {}
    top_outlier = flagged.iloc[0]
    return {
        "top_outlier_account": top_outlier["name"],
        "top_outlier_family": top_outlier["family_name"],
        "top_outlier_product": top_outlier["product_name"],
        "top_outlier_discount": float(top_outlier["discount_pct"]),
        "top_outlier_family_median": float(top_outlier["group_median"]),
        "top_outlier_robust_z": float(top_outlier["robust_z"]),
    }


def _split_figures(split: pd.DataFrame) -> dict:
    """Split families, those with a new rep, and the best-ranked of them."""
    new_rep = split[split["new_rep"].fillna(False).astype(bool)]
    out = {
        "split_families": int(len(split.drop_duplicates("root_id"))),
        "split_families_new_rep": int(new_rep["root_id"].nunique()),
    }
    ranked_new = new_rep.dropna(subset=["family_rank"]).sort_values("family_rank")
    if len(ranked_new):
        key = ranked_new.iloc[0]
        out["key_family_new_rep_family"] = key["family_name"]
        out["key_family_new_rep_rank"] = int(key["family_rank"])
        out["key_family_new_rep_account"] = key["name"]
        out["key_family_new_rep_owner"] = (
            key["owner_name"] if pd.notna(key["owner_name"]) else key["owner_id"]
        )
        out["key_family_new_rep_tenure_days"] = int(key["tenure_days"])
    return out


# --------------------------------------------------------------------------- sentences
def summary_sentences(figures: dict) -> list[str]:
    """Three to five plain-text sentences built from :func:`summary_figures`.

    The first names the largest customer by corporate family. When the top
    family is not the family of the top single account it reads "X (N
    accounts, $2.0M) is your largest customer, not Y ($1.0M)." with N the
    family's member accounts; otherwise it says the ranking leader is the
    same either way.

    Parameters
    ----------
    figures : dict
        Output of :func:`summary_figures`.

    Returns
    -------
    list of str
        At most six sentences.
    """
    out = [_leader_sentence(figures)]
    if figures["families_ranked"]:
        n_top = figures["top_n"]
        out.append(
            f"The top {n_top} families hold {figures['top_n_share']:.0%} of "
            f"{money(figures['total_revenue'])} won between {figures['period_start']} and "
            f"{figures['period_end']}; {figures['families_climbing_into_top_n']} of them "
            f"had no member in the account-level top {n_top}. The HHI is "
            f"{figures['hhi']:.3f}: revenue is spread like "
            f"{figures['effective_families']:,.0f} equal-sized families."
        )
    ownership = _ownership_sentence(figures)
    if ownership:
        out.append(ownership)
    if figures.get("key_gap_family") is not None:
        out.append(_discount_sentence(figures))
    if "single_deal_moves" in figures:
        out.append(_stability_sentence(figures))
    if "hierarchy_issues" in figures:
        out.append(
            f"The hierarchy has {plural(figures['cycle_accounts'], 'account')} on parent cycles "
            f"and {figures['missing_parent_accounts']:,} pointing at a missing parent; the "
            f"deepest chain is {plural(figures['max_depth'], 'level')}."
        )
    return out[:6]


def _stability_sentence(figures: dict) -> str:
    """How much of the ranking's movement one deal explains."""
    text = (
        f"Against the previous period, {plural(figures['families_moved'], 'family', 'families')} "
        f"changed rank, and for {figures['single_deal_moves']:,} of them a single deal explains "
        "the move"
    )
    if figures.get("families_one_deal") is not None:
        text += (
            f"; {figures['families_one_deal']:,} of the {figures['families_ranked']:,} ranked "
            "families have only one won deal in the period"
        )
    return text + "."


#: P(rank 1) above which the summary names the top family as the largest customer.
NAME_LEADER_ABOVE = 0.9


def _leader_sentence(figures: dict) -> str:
    """Who the largest customer is, by family, against the top single account.

    With rank uncertainty (``top_family_p_rank_1``), the top family is named
    as the largest customer only when it ranks first in more than 90% of the
    resamples; otherwise the sentence names the families tied for first.
    """
    if figures.get("top_family_name") is None:
        return (
            f"No won revenue between {figures['period_start']} and {figures['period_end']}, "
            "so no customer is ranked."
        )
    family = (
        f"{figures['top_family_name']} ({plural(figures['top_family_members'], 'account')}, "
        f"{money(figures['top_family_revenue'])})"
    )
    p_first = figures.get("top_family_p_rank_1")
    if p_first is not None and p_first <= NAME_LEADER_ABOVE:
        others = [n for n in figures["tied_for_first"] if n != figures["top_family_name"]]
        tied = and_join(others) if others else "the runners-up"
        return (
            f"{family} leads the ranking, but it is statistically tied for first with "
            f"{tied}: it ranks first in {p_first:.0%} of {figures['n_boot']} resamples of "
            f"the period's won deals, short of the {NAME_LEADER_ABOVE:.0%} needed to call "
            "it the largest customer."
        )
    if figures["top_family_is_not_top_account"]:
        return (
            f"{family} is your largest customer, "
            f"not {figures['top_account_name']} ({money(figures['top_account_revenue'])})."
        )
    if figures["top_family_members"] > 1:
        return (
            f"{family} is your largest customer by family, "
            f"as its member {figures['top_account_name']} "
            f"({money(figures['top_account_revenue'])}) already leads the account list."
        )
    return (
        f"{figures['top_family_name']} ({money(figures['top_family_revenue'])}) is your "
        "largest customer whether or not accounts are rolled up to their parents."
    )


def _ownership_sentence(figures: dict) -> str | None:
    """The key family handled partly by a new rep, or the count of split families."""
    if figures.get("split_families_new_rep") and figures.get("key_family_new_rep_family"):
        return (
            f"{figures['key_family_new_rep_family']} (family #{figures['key_family_new_rep_rank']})"
            f" is split across reps, and its account {figures['key_family_new_rep_account']} "
            f"is owned by {figures['key_family_new_rep_owner']}, "
            f"{figures['key_family_new_rep_tenure_days']} days into the job."
        )
    if "split_families" in figures:
        return f"{figures['split_families']} families have members owned by more than one rep."
    return None


def _discount_sentence(figures: dict) -> str:
    """The key sibling discount gap, and both money-at-stake figures."""
    outliers = figures["discount_outliers"]
    flagged = (
        f"{plural(outliers, 'member discount')} "
        f"{one_or_many(outliers, 'is an outlier', 'are outliers')} "
        f"({OUTLIER_MONEY_LABEL.lower()}: "
        f"{money(figures['outlier_revenue_at_stake'])})"
        if outliers
        else f"no member discount is an outlier in the {figures['discount_groups_tested']:,} "
        "with enough members and purchase lines to test"
    )
    return (
        f"Members of {figures['key_gap_family']} (family #{figures['key_gap_family_rank']}) "
        f"bought {figures['key_gap_product']} at discounts from "
        f"{_pct(figures['key_gap_min_discount'])} to {_pct(figures['key_gap_max_discount'])}"
        f" ({money(figures['key_gap_revenue_at_stake'])} at stake); across all "
        f"{figures['discount_pairs']:,} family-product pairs, {flagged}. "
        f"Money at stake, {UPPER_BOUND_LABEL[0].lower()}{UPPER_BOUND_LABEL[1:]}: "
        f"{money(figures['revenue_at_stake'])}."
    )


# --------------------------------------------------------------------------- cards
def headline_cards(figures: dict) -> list[Card]:
    """The eight headline cards of the executive summary.

    Parameters
    ----------
    figures : dict
        Output of :func:`summary_figures`, with the discount, split-ownership
        and fault figures (as :func:`workbook.analyses.hierarchy.run` makes).

    Returns
    -------
    list of Card
        Largest family's revenue, families ranked, top-N share, effective
        number of families, discount money at stake (upper bound, and from
        flagged outliers only), split families, hierarchy faults.
    """
    return [
        Card(
            "top_family_revenue",
            "Largest customer (family), won in period",
            figures["top_family_revenue"],
            MONEY,
            HIGHER_IS_BETTER,
            subject=str(figures.get("top_family_name") or ""),
            on_index=True,
        ),
        Card(
            "families_ranked",
            "Families with revenue",
            figures["families_ranked"],
            "{:,}",
            HIGHER_IS_BETTER,
            on_index=True,
        ),
        # Concentration is a risk and a strength at once: neither good nor bad.
        Card(
            "top_n_share",
            f"Share of revenue in the top {figures['top_n']} families",
            figures["top_n_share"],
            "{:.1%}",
            NEUTRAL,
            on_index=True,
        ),
        Card(
            "effective_families",
            "Effective number of families (1 / HHI)",
            figures["effective_families"],
            "{:,.1f}",
            NEUTRAL,
        ),
        Card(
            "revenue_at_stake",
            f"Sibling discounts. {UPPER_BOUND_LABEL}",
            figures["revenue_at_stake"],
            MONEY,
            LOWER_IS_BETTER,
        ),
        Card(
            "outlier_revenue_at_stake",
            f"Sibling discounts. {OUTLIER_MONEY_LABEL}",
            figures["outlier_revenue_at_stake"],
            MONEY,
            LOWER_IS_BETTER,
        ),
        Card(
            "split_families",
            "Families split across reps",
            figures["split_families"],
            "{:,}",
            LOWER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "hierarchy_issues",
            "Hierarchy faults",
            figures["hierarchy_issues"],
            "{:,}",
            LOWER_IS_BETTER,
        ),
    ]


#: The report section holding the rank-uncertainty evidence (nbconvert's heading id).
RANKING_ANCHOR = "How-sure-is-the-ranking?"


def findings(res) -> list[Finding]:
    """The largest customer for the executive brief: one family, or the families tied for first.

    The top family is named as the largest customer only when it ranks first
    in more than 90% of the resamples (``NAME_LEADER_ABOVE``, the rule of
    the summary sentence); otherwise the finding names the families
    statistically tied for first. Without rank uncertainty (no
    ``top_family_p_rank_1``) the plain ranking stands. The money at stake is
    the top family's won revenue in the period.
    """
    f = res.figures
    family = f.get("top_family_name")
    if family is None:
        return []
    revenue = f["top_family_revenue"]
    period = f"{f['period_start']} to {f['period_end']}"
    p_first = f.get("top_family_p_rank_1")
    if p_first is not None and p_first <= NAME_LEADER_ABOVE:
        tied = [family, *[n for n in f.get("tied_for_first", []) if n != family]]
        if len(tied) == 1:
            tied.append("the runners-up")
        names = and_join(tied)
        return [
            Finding(
                report="hierarchy",
                anchor=RANKING_ANCHOR,
                title="Largest customers (tied)",
                subject=names,
                action=(
                    f"Treat {names} as joint largest customers: {family} leads with "
                    f"{money(revenue)} of won revenue ({period}) but ranks first in only "
                    f"{p_first:.0%} of resamples, so the order between them is within noise."
                ),
                severity=HIGH,
                money=revenue,
            )
        ]
    return [
        Finding(
            report="hierarchy",
            anchor=RANKING_ANCHOR,
            title="Largest customer",
            subject=family,
            action=(
                f"Manage {family} as one customer: its {plural(f['top_family_members'], 'account')} "
                f"bought {money(revenue)} ({period}), the most of any corporate family."
            ),
            severity=HIGH,
            money=revenue,
        )
    ]

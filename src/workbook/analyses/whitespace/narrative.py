"""Every sentence and headline card of the whitespace report, built from its figures.

Plain text only: names are included as they are and the presentation layer
escapes them. Nothing here imports presentation code.
"""

from __future__ import annotations

from workbook.analyses.hierarchy import money
from workbook.core.findings import MEDIUM, Finding
from workbook.core.noise import format_p
from workbook.core.text import MONEY, NEUTRAL, Card, plural

__all__ = ["findings", "headline_cards", "summary_sentences"]


def headline_cards(figures: dict) -> list[Card]:
    """The five headline cards, from :func:`summary_figures`.

    Parameters
    ----------
    figures : dict
        Output of :func:`summary_figures`.

    Returns
    -------
    list of Card
        Sibling gaps, families with gaps, whitespace at the typical purchase
        amount, Σ score × value of the call list ("Expected whitespace" in
        currency only when the purchase model is calibrated out of time,
        else "Whitespace score (not money)"), peer whitespace
        suggestions (``key`` is the figure's key in ``summary.json``).
    """
    return [
        # Whitespace is opportunity and unsold business at once: a change is neither good nor bad.
        Card("gaps", "Sibling gaps", figures["gaps"], "{:,}", NEUTRAL, on_index=True),
        Card(
            "families_with_gaps",
            "Families with gaps",
            figures["families_with_gaps"],
            "{:,}",
            NEUTRAL,
            on_index=True,
        ),
        Card(
            "whitespace_value",
            "Whitespace at the typical purchase amount",
            figures["whitespace_value"],
            MONEY,
            NEUTRAL,
            on_index=True,
        ),
        (
            Card(
                "call_list_total",
                figures["value_label"] + ("" if figures["calibrated"] else " (not money)"),
                figures["call_list_total"],
                MONEY if figures["calibrated"] else "{:,.0f}",
                NEUTRAL,
                # money a VP can read only when calibrated; a score is not a KPI
                on_index=bool(figures["calibrated"]),
            )
            if "call_list_total" in figures
            else Card(
                "priority_total",
                "Gap priority score (not money)",
                figures["priority_total"],
                "{:,.0f}",
                NEUTRAL,
            )
        ),
        Card(
            "peer_whitespace",
            "Peer whitespace suggestions",
            figures["peer_whitespace"],
            "{:,}",
            NEUTRAL,
        ),
    ]


def _owning_text(gap: dict) -> str:
    others = gap["family_members"] - 1
    owning = gap["siblings_owning"]
    family = gap["family_name"]
    if others == 1:
        return f"the only other member of {family} owns it"
    if owning == others:
        return f"all {others:,} other members of {family} own it"
    return (
        f"{owning:,} of the other {others:,} members of {family} own{'s' if owning == 1 else ''} it"
    )


def gaps_sentence(figures: dict) -> str:
    """How many sibling gaps, what they are worth, and the family holding the most."""
    if not figures["gaps"]:
        return (
            "There are no sibling gaps: no account lacks a product that another member of "
            "its family owns."
        )
    fam = figures["top_family"]
    most = (
        f"; {fam['family_name']} holds the most ({plural(fam['gaps'], 'gap')}, "
        f"{money(fam['whitespace_value'])})"
        if fam is not None
        else ""
    )
    return (
        f"{plural(figures['gaps'], 'sibling gap')} across "
        f"{plural(figures['families_with_gaps'], 'family', 'families')} (a product an "
        f"account lacks while another member of its family owns it) are worth "
        f"{money(figures['whitespace_value'])} at the typical purchase amount, "
        f"{money(figures['priority_total'])} weighted by the sibling/peer score (a ranking "
        f"score, not a probability){most}."
    )


def top_gap_sentence(top: dict) -> str:
    """The "call first" sentence: the highest-priority gap overall (a ``top_gap`` record)."""
    peer = (
        "its industry has no peer group"
        if top["peer_adoption"] is None
        else f"{top['peer_adoption']:.0%} of its industry owns it"
    )
    return (
        f"Call first: {top['account_name']} lacks {top['product_name']}; "
        f"{_owning_text(top)}, {peer}, and its typical purchase amount is "
        f"{money(top['expected_value'])}."
    )


def family_gap_sentence(local: dict) -> str:
    """The top gap of the family shown (a ``family_top_gap`` record)."""
    return (
        f"In {local['family_name']}, the family shown below, pitch "
        f"{local['product_name']} to {local['account_name']} first: {_owning_text(local)}."
    )


def lift_sentence(lift: dict) -> str:
    """The strongest significant co-purchase lift (a ``top_lift`` record)."""
    return (
        f"Owners of {lift['name_a']} also own {lift['name_b']} {lift['lift']:.1f}× more "
        f"often than average ({plural(lift['owners_both'], 'account')} own both; odds ratio "
        f"{lift['mh_odds_ratio']:.1f} within industries, q{format_p(lift['q_value'])[1:]})."
    )


def model_sentence(figures: dict) -> str:
    """What the purchase model's backtest showed and how today's list is ordered."""
    bt = figures["backtest"]
    m = bt["model"]
    simple = " and ".join(
        f"{bt[r]['name']} {bt[r]['auc']:.2f}" for r in ("sibling_rate", "peer_rate")
        if bt[r]["auc"] is not None
    )
    if figures["ranking"] == "model":
        cal = figures["calibration"]
        kind = (
            "calibrated, so P is a probability and Σ P × value is expected money"
            if figures["calibrated"]
            else (
                f"not calibrated (intercept {cal['calibration_intercept']:+.2f}, "
                f"95% CI {cal['intercept_low']:+.2f} to {cal['intercept_high']:+.2f}; slope "
                f"{cal['calibration_slope']:.2f}, {cal['slope_low']:.2f} to "
                f"{cal['slope_high']:.2f}), so P is shown as a score"
            )
        )
        head = (
            f"Purchase model, fitted at {figures['fit_cut']} and tested on purchases after "
            f"{figures['score_cut']}: AUC {m['auc']:.2f} against {simple}; it is {kind}."
        )
    else:
        head = (
            f"The purchase model is not used ({figures['model_reason']}); the list is ranked by "
            f"{figures['ranking_name']}, the simple ranking that scored best in the backtest "
            f"(AUC {simple}), as a score, not a probability."
        )
    top = figures["top_call"]
    if top is None:
        return head
    return head + f" Call first: {top['account_name']} for {top['product_name']}." + cut_text(
        figures
    )


def cut_text(figures: dict) -> str:
    """How much of today's candidates the call list keeps, when it keeps fewer than all."""
    kept, every = figures.get("call_list", 0), figures.get("candidates", 0)
    if kept >= every:
        return ""
    return (
        f" The call list keeps each rep's best {figures['call_list_per_rep']:,} candidates: "
        f"{kept:,} of {every:,} ({figures['value_label'].lower()} counts every candidate)."
    )


def kappa_text(figures: dict) -> str:
    """The empirical-Bayes ``kappa`` and what it means."""
    return figures["kappa_sentence"]


def peer_sentence(figures: dict) -> str:
    """Peer whitespace: accounts and suggestions above the threshold."""
    return (
        f"{plural(figures['peer_accounts'], 'account')} with no family gap lack a product "
        f"that at least {figures['min_peer_adoption']:.0%} of their industry owns "
        f"({plural(figures['peer_whitespace'], 'suggestion')})."
    )


def exclusions_sentence(figures: dict) -> str:
    """Purchase rows left out of ownership (repeat purchases are collapsed, not left out)."""
    excluded = {
        k: v for k, v in figures["excluded_purchase_rows"].items() if k != "repeat_purchase"
    }
    parts = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in excluded.items() if n)
    return f"{plural(sum(excluded.values()), 'purchase row')} left out of ownership" + (
        f" ({parts})." if parts else "."
    )


def summary_sentences(figures: dict) -> list[str]:
    """Three to six plain-text sentences built from :func:`summary_figures`.

    In order, when they apply: the gap count and value with the family
    holding the most; the purchase model's backtest and the first call of
    today's list (or, without a model, the top gap overall); what ``kappa``
    means; the top gap of the
    family shown, when it differs; the strongest co-purchase lift; peer
    whitespace; and, while there is room, the purchase rows left out. Names
    are included as is; the report escapes them.

    Parameters
    ----------
    figures : dict
        Output of :func:`summary_figures`.

    Returns
    -------
    list of str
    """
    out = [gaps_sentence(figures)]
    if "backtest" in figures:
        out.append(model_sentence(figures))
    if "kappa_sentence" in figures:
        out.append(kappa_text(figures))
    top = figures["top_gap"]
    if top is not None and "backtest" not in figures:
        out.append(top_gap_sentence(top))
    local = figures["family_top_gap"]
    if local is not None and (
        top is None
        or local["account_id"] != top["account_id"]
        or local["product_id"] != top["product_id"]
    ):
        out.append(family_gap_sentence(local))
    if figures["top_lift"] is not None:
        out.append(lift_sentence(figures["top_lift"]))
    out.append(peer_sentence(figures))
    if len(out) < 6:
        out.append(exclusions_sentence(figures))
    return out[:6]


#: The report section holding the call list and its backtest (nbconvert's heading id).
CALL_ANCHOR = "Who-to-call-first:-the-purchase-model-and-its-track-record"


def findings(res) -> list[Finding]:
    """The first call of today's list, for the executive brief.

    The list is ordered by whichever ranking scored best out of time (the
    purchase model or a simple rate, :func:`model_sentence`), so its first
    call passes. When the model is calibrated out of time the money at stake
    is the expected money P × value; otherwise it is the typical purchase
    amount and P is quoted as a score, not a probability.
    """
    top = res.figures.get("top_call")
    if top is None:
        return []
    if res.figures.get("calibrated"):
        money_at_stake = top["score_value"]
        why = f"expected {money(top['score_value'])} (P {top['score']:.0%} × {money(top['expected_value'])})"
    else:
        money_at_stake = top["expected_value"]
        why = (
            f"typical purchase {money(top['expected_value'])}, score {top['score']:.2f} "
            "(a ranking score, not a probability)"
        )
    return [
        Finding(
            report="whitespace",
            anchor=CALL_ANCHOR,
            title="Whitespace: call first",
            subject=f"{top['account_name']}, {top['product_name']}",
            action=f"Offer {top['product_name']} to {top['account_name']}: {why}.",
            severity=MEDIUM,
            money=money_at_stake,
        )
    ]

"""Every sentence, card and headline wording of the scoring report.

Built from numbers only (:func:`~workbook.analyses.scoring.summary_figures`
output, or a threshold comparison table); nothing here computes a statistic,
and nothing here imports presentation. The number phrases (``_fmt_t``,
``_fmt_n``, ``_pct``) are also used by the band labels of
:func:`~workbook.analyses.scoring.band_table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.text import Card

__all__ = [
    "headline_cards",
    "summary_sentences",
    "thin_data_message",
    "thin_data_shortfall",
    "tradeoff_sentence",
]


def _fmt_t(t: float) -> str:
    """A threshold or band bound: whole numbers without decimals, else one decimal."""
    t = float(t) + 0.0  # -0.0 + 0.0 is 0.0: never print "-0"
    return f"{t:,.0f}" if t.is_integer() else f"{t:,.1f}"


def _fmt_n(x: float) -> str:
    """A count per month: one decimal below 10, else a whole number with separators."""
    return f"{x:,.1f}" if abs(x) < 10 else f"{x:,.0f}"


def _pct(x) -> str:
    """A share as a whole percent; a missing share shows as an en dash."""
    return "–" if x is None else f"{x:.0%}"


def thin_data_shortfall(n_resolved: int, n_wins: int, *, min_resolved: int, min_wins: int) -> str:
    """The limit(s) not met, e.g. ``"12 wins (at least 20 needed)"``; empty when both are met.

    Parameters
    ----------
    n_resolved, n_wins : int
        Resolved leads and won leads.
    min_resolved, min_wins : int
        The limits for a reliable recommendation.
    """
    short = []
    if n_resolved < min_resolved:
        short.append(f"{n_resolved:,} resolved leads (at least {min_resolved:,} needed)")
    if n_wins < min_wins:
        short.append(f"{n_wins:,} wins (at least {min_wins:,} needed)")
    return " and ".join(short)


def thin_data_message(shortfall: str, n_resolved: int) -> str:
    """The thin-data warning shown above the report; empty when ``shortfall`` is empty.

    Parameters
    ----------
    shortfall : str
        :func:`thin_data_shortfall` output.
    n_resolved : int
        Resolved leads.
    """
    if not shortfall:
        return ""
    return (
        f"Thin data: only {shortfall}, out of {n_resolved:,} resolved leads. "
        "The numbers below are shown for orientation; the recommended threshold is not reliable."
    )


def tradeoff_sentence(comparison: pd.DataFrame, *, capacity_per_month: float) -> str:
    """One plain sentence comparing the current and recommended thresholds.

    Parameters
    ----------
    comparison : DataFrame
        :func:`~workbook.analyses.scoring.threshold_comparison` output with
        labels ``current`` and ``recommended``.
    capacity_per_month : float
        Handed-off leads sales can follow up per month.

    Returns
    -------
    str
    """
    rows = comparison.set_index("label")
    cur = rows.loc["current"]
    rec = rows.loc["recommended"]
    cap = _fmt_n(capacity_per_month)
    now = (
        f"At {_fmt_t(cur['threshold'])} you hand off {_fmt_n(cur['handed_off_per_month'])} leads a month "
        f"and win {cur['win_rate']:.0%}"
    )
    if np.isnan(rec["threshold"]):
        return f"{now}; no threshold on the grid fits a capacity of {cap} a month."
    if rec["threshold"] == cur["threshold"]:
        fits = "fits" if cur["handed_off_per_month"] <= capacity_per_month else "exceeds"
        return f"{now}, which {fits} capacity {cap} and is already the recommended threshold."
    return (
        f"{now}; at {_fmt_t(rec['threshold'])} you would hand off "
        f"{_fmt_n(rec['handed_off_per_month'])} (fits capacity {cap}) and win {rec['win_rate']:.0%}, "
        f"keeping {rec['share_of_wins']:.0%} of wins."
    )


def _auc_sentence(f: dict) -> str:
    if f["auc"] is None:
        return "The score's AUC cannot be computed: there are no wins or no losses."
    lo, hi = f["auc_ci"]
    ci = f"95% CI {lo:.2f}–{hi:.2f}" if lo is not None else "no CI"
    if f.get("auc_ci_contains_half"):
        return (
            f"The score does not reliably separate wins from losses: AUC {f['auc']:.2f} "
            f"({ci}) includes 0.5, a coin flip."
        )
    odds = f["odds_ratio_per_10_points"]
    tail = f"; every 10 points multiply the odds of winning by {odds:.2f}" if odds else ""
    return f"The score separates wins from losses with AUC {f['auc']:.2f} ({ci}){tail}."


def _decay_sentence(f: dict) -> str:
    pts = f["decay_points"]
    rule = "resetting scores to 0" if pts == "reset" else f"changing scores by {pts:+,} points"
    return (
        f"{rule.capitalize()} after {f['decay_after_days']:,} days without activity would move "
        f"hand-offs at {_fmt_t(f['decay_threshold'])} from "
        f"{_fmt_n(f['decay_handed_off_per_month_before'])} to "
        f"{_fmt_n(f['decay_handed_off_per_month_after'])} a month and the win rate from "
        f"{_pct(f['decay_win_rate_before'])} to {_pct(f['decay_win_rate_after'])}."
    )


def _amount_sentence(f: dict) -> str:
    rho, p = f["spearman_score_amount"], f["spearman_score_amount_p"]
    meaning = (
        "higher-scored leads do bring bigger deals"
        if p < 0.05 and rho > 0
        else "a higher score does not mean a bigger deal"
    )
    return (
        f"Among won deals, score and amount have a Spearman correlation of {rho:.2f} "
        f"(p = {p:.2g}): {meaning}."
    )


def _segments_sentence(segs: list[str]) -> str:
    return (
        f"In {len(segs):,} segment(s) the score does not predict wins (AUC CI contains 0.5): "
        + ", ".join(segs[:5])
        + ("…" if len(segs) > 5 else "")
        + "."
    )


def summary_sentences(figures: dict) -> list[str]:
    """3-5 plain-text sentences built from :func:`~workbook.analyses.scoring.summary_figures` output.

    In order: the thin-data warning (only when the data are thin); resolved
    and unresolved leads with the base win rate; what the AUC says; the
    trade-off sentence (prefixed "Indicative only" on thin data); the decay
    what-if (when computed); then, while fewer than 5, the score-amount
    correlation and the segments where the score does not predict.

    Parameters
    ----------
    figures : dict
        :func:`~workbook.analyses.scoring.summary_figures` output.

    Returns
    -------
    list of str
        At most 5 sentences.
    """
    f = figures
    out: list[str] = []
    if not f["recommendation_reliable"]:
        out.append(
            f"Thin data: only {f['thin_data_shortfall']}, too few for a reliable threshold "
            "recommendation; treat every number here as indicative."
        )
    out.append(
        f"{f['n_resolved']:,} scored leads are resolved ({f['n_wins']:,} won, base win rate "
        f"{_pct(f['base_win_rate'])}); {f['n_unresolved']:,} are still unresolved and left out."
    )
    out.append(_auc_sentence(f))
    trade = f["tradeoff_sentence"]
    out.append(trade if f["recommendation_reliable"] else f"Indicative only: {trade}")
    if (
        f.get("decay_win_rate_after") is not None
        and f.get("decay_handed_off_per_month_before") is not None
    ):
        out.append(_decay_sentence(f))
    if len(out) < 5 and f.get("spearman_score_amount") is not None:
        out.append(_amount_sentence(f))
    if len(out) < 5 and f.get("segments_not_predicting"):
        out.append(_segments_sentence(f["segments_not_predicting"]))
    return out[:5]


def headline_cards(figures: dict) -> list[Card]:
    """The 5 headline cards of the report, from summary figures.

    Resolved leads, base win rate, AUC, odds ratio per 10 points and the
    recommended threshold (shown with "(indicative, thin data)" in its label
    on thin data).

    Parameters
    ----------
    figures : dict
        :func:`~workbook.analyses.scoring.summary_figures` output.

    Returns
    -------
    list of :class:`workbook.core.text.Card`
    """
    rec_label = "Recommended threshold"
    if not figures["recommendation_reliable"]:
        rec_label += " (indicative, thin data)"
    return [
        Card("n_resolved", "Resolved leads", figures["n_resolved"], "{:,}"),
        Card("base_win_rate", "Base win rate", figures["base_win_rate"], "{:.1%}"),
        Card("auc", "AUC of score against win", figures["auc"], "{:.2f}"),
        Card(
            "odds_ratio_per_10_points",
            "Odds ratio per 10 points",
            figures["odds_ratio_per_10_points"],
            "{:.2f}",
        ),
        Card("recommended_threshold", rec_label, figures["recommended_threshold"], "{:,.0f}"),
    ]

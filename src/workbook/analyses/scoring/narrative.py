"""Every sentence, card and headline wording of the scoring report.

Built from numbers only (:func:`~workbook.analyses.scoring.summary_figures`
output, or small tables); nothing here computes a statistic, and nothing here
imports presentation. The number phrases (``_fmt_t``, ``_fmt_n``, ``_pct``)
are also used by the band labels of :func:`~workbook.analyses.scoring.band_table`.
"""

from __future__ import annotations

import math

from workbook.core.findings import HIGH, Finding
from workbook.core.text import HIGHER_IS_BETTER, NEUTRAL, Card, format_value, share_text

__all__ = [
    "band_sentence",
    "calibration_sentence",
    "capacity_sentence",
    "decay_sentence",
    "findings",
    "headline_cards",
    "summary_sentences",
    "thin_data_message",
    "thin_data_shortfall",
    "track_record_sentence",
]


def _fmt_t(t: float) -> str:
    """A threshold or band bound: whole numbers without decimals, else up to two decimals."""
    t = float(t) + 0.0  # -0.0 + 0.0 is 0.0: never print "-0"
    if t.is_integer():
        return f"{t:,.0f}"
    return f"{t:,.2f}".rstrip("0")


def _fmt_n(x: float) -> str:
    """A count per month: one decimal below 10, else a whole number with separators."""
    return f"{x:,.1f}" if abs(x) < 10 else f"{x:,.0f}"


def _pct(x) -> str:
    """A share as a whole percent (:func:`~workbook.core.text.share_text`); missing is an en dash."""
    return share_text(x, 0)


def _pct1(x) -> str:
    return share_text(x)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def thin_data_shortfall(n_matured: int, n_wins: int, *, min_matured: int, min_wins: int) -> str:
    """The limit(s) not met, e.g. ``"12 wins (at least 20 needed)"``; empty when both are met."""
    short = []
    if n_matured < min_matured:
        short.append(f"{n_matured:,} matured leads (at least {min_matured:,} needed)")
    if n_wins < min_wins:
        short.append(f"{n_wins:,} wins (at least {min_wins:,} needed)")
    return " and ".join(short)


def thin_data_message(shortfall: str, n_matured: int) -> str:
    """The thin-data warning shown above the report; empty when ``shortfall`` is empty."""
    if not shortfall:
        return ""
    return (
        f"Thin data: only {shortfall}, out of {n_matured:,} matured leads. "
        "The numbers below are shown for orientation; the recommended threshold is not reliable."
    )


def capacity_sentence(f: dict) -> str:
    """Inflow at the current threshold, the risk of overflow, and the recommendation (or none)."""
    cap = _fmt_n(f["capacity_per_month"])
    months = f["capacity_months"]
    now = (
        f"At {_fmt_t(f['current_threshold'])}, {_fmt_n(f['monthly_volume_current'])} scored leads "
        f"a month arrived over the last {months} complete months; the chance that next month "
        f"exceeds the capacity of {cap} is {_pct(f['p_over_capacity_current'])}"
    )
    rec = f["recommended_threshold"]
    if rec is None:
        return f"{now}. No recommendation: {f['recommendation_reason']}."
    return (
        f"{now}. The lowest threshold with at most {_pct(f['overflow_risk'])} risk is "
        f"{_fmt_t(rec)} ({_fmt_n(f['monthly_volume_recommended'])} a month, risk "
        f"{_pct(f['p_over_capacity_recommended'])}). The risk treats the recent mean as known "
        "and ignores trend; the track record shows what that costs."
    )


def band_sentence(band: dict, *, current: float, recommended: float) -> str:
    """What moving from ``current`` to ``recommended`` gives up (raising) or adds (lowering).

    ``band`` is the one row of :func:`~workbook.analyses.scoring.band_between`
    as a dict. E.g. "Raising 60 → 65 gives up 245 leads a year that win 17%
    (13–22%), 1.6× the base rate."
    """
    if _missing(recommended) or recommended == current:
        return ""
    verb = "Raising" if recommended > current else "Lowering"
    does = "gives up" if recommended > current else "adds"
    n = band["leads_per_year"]
    count = f"{n:,.0f} leads a year" if not _missing(n) else f"{band['matured']:,} matured leads"
    if not band["matured"]:
        return f"{verb} {_fmt_t(current)} → {_fmt_t(recommended)} {does} no matured leads."
    return (
        f"{verb} {_fmt_t(current)} → {_fmt_t(recommended)} {does} {count} that win "
        f"{_pct(band['win_rate'])} ({_pct(band['ci_low'])}–{_pct(band['ci_high'])}), "
        f"{band['ratio_to_base']:.1f}× the base rate."
    )


def track_record_sentence(f: dict) -> str:
    """E.g. "Recommended at each of the last 4 month-end cuts, the threshold kept sales within capacity in 11 of 12 months"."""
    n, within = f.get("track_record_months"), f.get("track_record_months_within")
    cuts = f.get("track_record_cuts", 0)
    if not n:
        return "There is no track record yet: no earlier cut gave a recommendation with months after it."
    return (
        f"Recommended at each of the last {cuts} month-end cuts ({', '.join(f['backtest_months_text'])} "
        f"months back), the threshold kept sales within capacity in {within} of {n} months."
    )


def calibration_sentence(f: dict) -> str:
    """The out-of-time calibration of the logit, and whether its output may be called a probability."""
    if _missing(f.get("oot_brier_skill")):
        return "The logit could not be checked out of time (too few wins or losses on one side)."
    word = "win probability" if f["oot_calibrated"] else "score"
    return (
        f"Out of time (fitted on leads matured by {f['oot_cut']}, checked on {f['oot_n_test']:,} "
        f"leads that matured after), the logit has a Brier skill of {f['oot_brier_skill']:.3f} "
        f"against the base rate, calibration slope {f['oot_calibration_slope']:.2f} and intercept "
        f"{f['oot_calibration_intercept']:+.2f}; its output is reported as a {word}."
    )


def decay_sentence(f: dict) -> str:
    """The day-L landmark comparison of quiet and active leads; claims no effect when the CI contains 0."""
    if not f.get("decay_computed"):
        return "The decay what-if was skipped: there is no activities table."
    L = f["decay_after_days"]
    q, a = f["decay_win_rate_quiet"], f["decay_win_rate_active"]
    lo, hi = f["decay_difference_ci"]
    if _missing(lo):
        return f"Among leads not converted by day {L:,}, one group (quiet or active) is empty."
    head = (
        f"Among {f['decay_landmark_leads']:,} matured leads not converted by day {L:,}, the "
        f"{f['decay_quiet_leads']:,} with no activity in those days won {_pct1(q)} and the "
        f"active ones {_pct1(a)} (difference {100 * (q - a):+.1f} points, 95% CI "
        f"{100 * lo:+.1f} to {100 * hi:+.1f})"
    )
    if lo <= 0 <= hi:
        return f"{head}: the data shows no evidence that quiet leads win less."
    side = "less" if hi < 0 else "more"
    return f"{head}: quiet leads win {side} than active ones."


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


def _segments_sentence(f: dict) -> str:
    parts = []
    for key, word in (
        ("segments_predictive", "predictive in"),
        ("segments_not_predicting", "not predictive in"),
        ("segments_inconclusive", "inconclusive in"),
    ):
        if f.get(key):
            parts.append(f"{word} {', '.join(f[key][:5])}")
    if not parts:
        return ""
    return "By segment, the score is " + "; ".join(parts) + "."


def population_sentence(f: dict) -> str:
    """Who is in: matured leads, wins within the horizon, and what the horizon leaves out."""
    h = f["horizon_days"]
    kept = f.get("share_of_wins_within_horizon")
    tail = (
        f"; {_pct(kept)} of the wins seen so far among matured leads came within {h:,} days"
        if kept is not None
        else ""
    )
    return (
        f"{f['n_matured']:,} scored leads are matured (created at least {h:,} days before the as-of date): "
        f"{f['n_wins']:,} won within {h:,} days, a base win rate of {_pct1(f['base_win_rate'])}"
        f"{tail}. {f['n_not_matured']:,} younger leads count only in the inflow."
    )


def summary_sentences(figures: dict) -> list[str]:
    """The executive summary, from :func:`~workbook.analyses.scoring.summary_figures` output.

    In order: the thin-data warning (only on thin data); the population; the
    AUC; capacity and recommendation (prefixed "Indicative only" on thin
    data); what the move gives up; the track record; the out-of-time
    calibration; the decay landmark; the segment verdicts.

    Returns
    -------
    list of str
        Empty sentences are left out.
    """
    f = figures
    out: list[str] = []
    if not f["recommendation_reliable"]:
        out.append(
            f"Thin data: only {f['thin_data_shortfall']}, too few for a reliable threshold "
            "recommendation; treat every number here as indicative."
        )
    out.append(population_sentence(f))
    out.append(_auc_sentence(f))
    cap = f["tradeoff_sentence"]
    out.append(cap if f["recommendation_reliable"] else f"Indicative only: {cap}")
    out.append(f.get("band_sentence", ""))
    out.append(f.get("track_record_sentence", ""))
    out.append(f.get("calibration_sentence", ""))
    out.append(f.get("decay_sentence", ""))
    out.append(_segments_sentence(f))
    return [s for s in out if s]


def headline_cards(figures: dict) -> list[Card]:
    """The headline cards: matured leads, base win rate, AUC, recommended threshold, track record."""
    rec_label = "Recommended lead-score threshold"
    if figures.get("current_threshold") is not None:
        rec_label += f" (now {format_value(figures['current_threshold'], '{:,.0f}')})"
    if not figures["recommendation_reliable"]:
        rec_label += " (indicative, thin data)"
    n, within = figures.get("track_record_months"), figures.get("track_record_months_within")
    return [
        Card("n_matured", "Matured leads", figures["n_matured"], "{:,}", NEUTRAL),
        Card(
            "base_win_rate",
            f"Leads won within {format_value(figures.get('horizon_days'))} days",
            figures["base_win_rate"],
            "{:.1%}",
            HIGHER_IS_BETTER,
            on_index=True,
        ),
        # Model skill: in the report for analysts, not a KPI for the index.
        Card("auc", "AUC of score against win", figures["auc"], "{:.2f}", HIGHER_IS_BETTER),
        Card(
            "recommended_threshold",
            rec_label,
            figures["recommended_threshold"],
            "{:,.0f}",
            NEUTRAL,
            on_index=True,
        ),
        Card(
            "track_record",
            "Months within sales capacity (track record)",
            f"{within} of {n}" if n else None,
            "{}",
            NEUTRAL,
            on_index=True,
        ),
    ]


#: The report section holding the threshold evidence (nbconvert's heading id).
CAPACITY_ANCHOR = "The-threshold-that-fits-sales-capacity"


def findings(res) -> list[Finding]:
    """The recommended threshold, for the executive brief; nothing without a recommendation.

    ``res`` is the report's ``Results`` (only ``res.figures`` is read). The
    finding passes only when a threshold is recommended (the out-of-time gate
    of :func:`~workbook.analyses.scoring.run` let it through) on data that is
    not thin; its count is the matured leads a year the move gives up
    (raising) or adds (lowering).
    """
    f = res.figures
    rec, cur = f.get("recommended_threshold"), f["current_threshold"]
    if _missing(rec) or rec == cur:
        return []
    verb = "Raise" if rec > cur else "Lower"
    n_year = f.get("band_leads_per_year")
    months = f.get("track_record_months")
    track = (
        f"; held within capacity in {f['track_record_months_within']} of {months} months "
        "of its track record"
        if months
        else ""
    )
    action = (
        f"{verb} the lead-score threshold from {_fmt_t(cur)} to {_fmt_t(rec)}: about "
        f"{_fmt_n(f['monthly_volume_recommended'])} leads a month reach sales instead of "
        f"{_fmt_n(f['monthly_volume_current'])}, for a capacity of "
        f"{_fmt_n(f['capacity_per_month'])}{track}."
    )
    return [
        Finding(
            report="scoring",
            anchor=CAPACITY_ANCHOR,
            title="Lead-score threshold",
            subject=f"threshold {_fmt_t(rec)}",
            action=action,
            severity=HIGH,
            count=None if _missing(n_year) else round(n_year),
            unit="leads a year",
            passed=bool(f["recommendation_reliable"]),
        )
    ]

"""Every sentence, note and headline card of the engagement report.

Plain text only: account names are not escaped here; the presentation
layer escapes them when it renders. Nothing here imports presentation.
"""

from __future__ import annotations

import pandas as pd

from workbook.analyses.engagement.win_model import WinModel
from workbook.core.checks import require_frame
from workbook.core.findings import HIGH, MEDIUM, Finding
from workbook.core.text import LOWER_IS_BETTER, MONEY, Card, money, share_text

__all__ = [
    "findings",
    "headline_cards",
    "level_note",
    "model_note",
    "summary_sentences",
    "window_note",
]


def _pct(part: int, whole: int) -> str:
    return share_text(part / whole, 0) if whole else "0%"


def _why_window(f: dict) -> str:
    if f["window_source"] == "formula":
        return f"a quarter of the {f['mean_cycle_days']:,.0f}-day average sales cycle"
    if f["window_source"] == "parameter":
        return "set in the report's settings"
    return "a fallback, as no deal closed in the last year"


def _levels_sentence(f: dict) -> str:
    return (
        f"{f['dormant_accounts']:,} of {f['accounts']:,} accounts "
        f"({_pct(f['dormant_accounts'], f['accounts'])}) are dormant: no activity, new "
        f"opportunity or converted lead in the last {f['window_days']} days "
        f"({_why_window(f)}); {f['high_accounts']:,} are highly engaged."
    )


def _at_risk_sentence(f: dict, at_risk_accounts: pd.DataFrame) -> str:
    if not len(at_risk_accounts):
        return "No dormant account has open pipeline."
    top = at_risk_accounts.iloc[0]
    return (
        f"{top['name']} is the dormant account with the most open pipeline "
        f"({money(top['open_pipeline'])}); {f['at_risk_accounts']:,} dormant accounts "
        f"hold {money(f['at_risk_pipeline'])} of open pipeline in total."
    )


def _model_sentence(f: dict, threshold: float) -> str:
    if f["win_model_status"] != "fitted":
        return f"The win-probability check flags nothing. {f['win_model_reason']}"
    if f["backtest_status"] != "fitted":
        return (
            "The win model could not be checked on held-out deals (too little history at the "
            "backtest cut), so no deal is flagged for win-probability variance."
        )
    if not f["skill_gate_open"]:
        return (
            "The win model showed no skill on held-out deals, so no deal is flagged for "
            "win-probability variance."
        )
    return (
        f"The win model beat the base rate on held-out deals (Brier skill "
        f"{f['brier_skill']:.2f}, 95% CI {f['brier_skill_ci_low']:.2f} to "
        f"{f['brier_skill_ci_high']:.2f}); its win probability differs from the rep's by more "
        f"than {threshold:.0f} points on {f['probability_variance_flags']:,} open opportunities."
    )


def summary_sentences(
    figures: dict,
    *,
    at_risk_accounts: pd.DataFrame,
    stale_days: int,
    probability_variance_threshold: float,
) -> list[str]:
    """Plain-text sentences built from the summary figures.

    Parameters
    ----------
    figures : dict
        :func:`workbook.analyses.engagement.figures.summary_figures`.
    at_risk_accounts : DataFrame
        :func:`workbook.analyses.engagement.levels.at_risk` (its first row is
        named).
    stale_days : int
        The ``stale_days`` used.
    probability_variance_threshold : float
        The variance threshold used, in points.

    Returns
    -------
    list of str
        Accounts, at-risk pipeline, stale deals, stale leads, win model; a
        part whose table is missing (``figures["missing_tables"]``) is
        replaced by the open deals past close date, or left out, and a last
        sentence names what was skipped.
    """
    require_frame(at_risk_accounts, "at_risk_accounts", ["name", "open_pipeline"])
    f = figures
    missing = set(f.get("missing_tables") or ())
    out = []
    if "activities" not in missing:
        out += [
            _levels_sentence(f),
            _at_risk_sentence(f, at_risk_accounts),
            f"{f['stale_opportunities']:,} of {f['open_opportunities']:,} open opportunities "
            f"({_pct(f['stale_opportunities'], f['open_opportunities'])}) had no activity in "
            f"the last {stale_days} days, and {f['overdue_opportunities']:,} are past their "
            "close date.",
        ]
    else:
        out.append(
            f"{f['open_opportunities']:,} opportunities are open, and "
            f"{f['overdue_opportunities']:,} are past their close date."
        )
    if not missing:
        out.append(
            f"{f['stale_leads']:,} of {f['open_leads']:,} open leads had no touch in "
            f"{stale_days} days, and {f['handed_off_not_worked']:,} of "
            f"{f['handed_off_leads']:,} handed-off leads were never worked after the handoff."
        )
    out.append(_model_sentence(f, probability_variance_threshold))
    if f.get("skipped"):
        out.append("Skipped: " + "; ".join(f["skipped"]) + ".")
    return out


def headline_cards(figures: dict) -> list[Card]:
    """The headline cards, in display order (six when every table is loaded).

    Parameters
    ----------
    figures : dict
        :func:`workbook.analyses.engagement.figures.summary_figures`.

    Returns
    -------
    list of Card
        Dormant accounts, open pipeline in dormant accounts, stale deals,
        overdue deals and handed-off leads never worked (the window is a setting,
        said in the window note, not a card); without
        activities only the overdue deals, without leads no lead card.
    """
    f = figures
    missing = set(f.get("missing_tables") or ())
    drop = set()
    if "activities" in missing:
        drop |= _ACTIVITY_CARDS
    if "leads" in missing:
        drop.add("handed_off_not_worked")
    return [card for card in _cards(f) if card.key not in drop]


#: Cards that count activities (not shown without an activities table).
_ACTIVITY_CARDS = {
    "dormant_accounts", "at_risk_pipeline", "stale_opportunities", "handed_off_not_worked",
}  # fmt: skip


def _cards(f: dict) -> list[Card]:
    return [
        Card(
            "dormant_accounts",
            "Dormant accounts",
            f["dormant_accounts"],
            "{:,}",
            LOWER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "at_risk_pipeline",
            "Open pipeline in dormant accounts",
            f["at_risk_pipeline"],
            MONEY,
            LOWER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "stale_opportunities",
            "Open deals with no recent activity",
            f["stale_opportunities"],
            "{:,}",
            LOWER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "overdue_opportunities",
            "Open deals past close date",
            f["overdue_opportunities"],
            "{:,}",
            LOWER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "handed_off_not_worked",
            "Handed-off leads never worked",
            f["handed_off_not_worked"],
            "{:,}",
            LOWER_IS_BETTER,
        ),
    ]


def window_note(basis: dict) -> str:
    """One plain-text sentence saying which window is used and why.

    Parameters
    ----------
    basis : dict
        :func:`workbook.analyses.engagement.window.window_basis`.

    Returns
    -------
    str
    """
    w = basis["window_days"]
    if basis["source"] == "parameter":
        text = f"Window: {w} days, set in the report's settings."
    elif basis["source"] == "fallback":
        text = (
            f"Window: {w} days, a fallback: no closed deal has a close date in the 365 days "
            "up to the as-of date, so the default formula cannot be computed."
        )
    else:
        text = (
            f"Window: {w} days = round half-up of a quarter of the {basis['mean_cycle_days']:,.1f}"
            f"-day mean sales cycle of {basis['closed_deals']:,} deals closed in the 365 days "
            "up to the as-of date."
        )
    if basis["negative_cycles_excluded"]:
        text += (
            f" {basis['negative_cycles_excluded']:,} closed deal(s) with a close date before "
            "their creation date were left out of the mean."
        )
    return text


def level_note(
    high_min_records: int | None, *, default: int | None = None, pinned: bool = False
) -> str:
    """The sentence stating the threshold for ``high`` engagement and how to pin it.

    Parameters
    ----------
    high_min_records : int or None
        The threshold used (``levels.attrs["high_min_records"]``).
    default : int, optional
        The data-derived threshold (ceil of the 75th percentile of the
        positive counts).
    pinned : bool
        True when the threshold was set by the ``high_min_records`` parameter.

    Returns
    -------
    str
    """
    if pinned:
        return (
            f"High engagement: at least {high_min_records} recent records, pinned by the "
            f"high_min_records parameter (the data would give {default})."
        )
    return (
        f"High engagement: at least {high_min_records} recent records, derived from this data "
        "(the 75th percentile of the positive counts), so it moves from run to run. To pin it, "
        f"paste into the params file: reports: {{engagement: {{high_min_records: "
        f"{high_min_records}}}}}"
    )


def model_note(model: WinModel, backtest, *, gate_open: bool, threshold: float) -> str:
    """Plain text on the win model: what it was fitted on, its out-of-time check, or why not.

    Parameters
    ----------
    model : WinModel
        :func:`workbook.analyses.engagement.win_model.fit_win_model` at ``as_of``.
    backtest : Backtest
        :func:`workbook.analyses.engagement.backtest.backtest_win_model`.
    gate_open : bool
        The skill gate (the backtest's, and the live model fitted).
    threshold : float
        The variance threshold used, in points.

    Returns
    -------
    str
    """
    if not model.fitted:
        return (
            f"The win model was not fitted at the as-of date. {model.reason} No opportunity is "
            "flagged for win-probability variance."
        )
    text = (
        f"The win model is fitted on {model.n_rows:,} snapshots of {model.n_deals:,} deals "
        f"({model.won_deals:,} won within {model.horizon_days} days of a snapshot). "
        + backtest.sentence
    )
    if gate_open:
        text += (
            f" An open deal is flagged when the rep's probability differs from the model's by "
            f"more than {threshold:.1f} points (the larger of the parameter and the backtest's "
            "calibration error)."
        )
    if model.dropped_features:
        text += f" Left out for having no variance: {', '.join(model.dropped_features)}."
    return text


#: Report sections holding the evidence (nbconvert's heading ids).
AT_RISK_ANCHOR = "At-risk:-dormant-accounts-with-open-pipeline"
WIN_RATES_ANCHOR = "Track-record-and-win-rates"
_GROUP_WORD = {"owner": "rep", "industry": "industry", "source": "lead source"}


def findings(res) -> list[Finding]:
    """The engagement findings for the executive brief.

    * The dormant account with the most open pipeline (first row of
      ``res.at_risk``), with that pipeline as the money at stake.
    * Every rep, industry or lead source that
      :func:`workbook.core.noise.name_extremes` named (``named`` rows of
      ``res.win_rates``); a group within noise is never a finding.
    """
    f = res.figures
    out: list[Finding] = []
    if len(res.at_risk):
        top = res.at_risk.iloc[0]
        others = f["at_risk_accounts"] - 1
        rest = (
            f"; {others:,} other dormant account{'s' if others != 1 else ''} hold "
            f"{money(f['at_risk_pipeline'] - top['open_pipeline'])} more"
            if others > 0
            else ""
        )
        out.append(
            Finding(
                report="engagement",
                anchor=AT_RISK_ANCHOR,
                title="Dormant account with open pipeline",
                subject=str(top["name"]),
                action=(
                    f"Call {top['name']}: no activity, new deal or lead in the last "
                    f"{f['window_days']:,} days, with {money(top['open_pipeline'])} of open "
                    f"pipeline{rest}."
                ),
                severity=HIGH,
                money=float(top["open_pipeline"]),
            )
        )
    rates = res.win_rates
    if len(rates) and "named" in rates:
        named = rates[rates["named"].astype(bool)]
        notes = getattr(res, "win_rate_notes", {}) or {}
        per_dimension = named["dimension"].value_counts()
        for row in named.itertuples(index=False):
            word = _GROUP_WORD.get(row.dimension, row.dimension)
            side = "below" if str(row.position).startswith("below") else "above"
            todo = "Review their deals." if side == "below" else "Learn from their deals."
            note = notes.get(row.dimension)
            if note and per_dimension[row.dimension] == 1:
                # The dimension's sentence names this group alone: it is the evidence.
                action = f"{note} {todo}"
            else:
                action = (
                    f"{row.label} won {row.won:,} of {row.closed:,} closed deals "
                    f"({row.rate:.0%}), {side} the funnel limits of the overall rate. {todo}"
                )
            out.append(
                Finding(
                    report="engagement",
                    anchor=WIN_RATES_ANCHOR,
                    title=f"Win rate of a {word} outside noise",
                    subject=str(row.label),
                    action=action,
                    severity=MEDIUM,
                    count=int(row.closed),
                    unit="closed deals",
                )
            )
    return out

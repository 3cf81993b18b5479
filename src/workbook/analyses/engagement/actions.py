"""Recommended actions per open opportunity: one row per (opportunity, rule).

Rules (priority in brackets):

* ``close_date_passed`` [high]: ``close_date_passed`` in
  :func:`workbook.analyses.engagement.effectiveness.opportunity_effectiveness`;
* ``win_probability_variance`` [high]: ``flagged`` in
  :func:`workbook.analyses.engagement.win_model.probability_variance`, only
  when the win model passed its out-of-time skill gate (otherwise the table
  has no ``flagged`` column and the rule does not apply);
* ``no_recent_activity`` [medium]: ``stale`` (no activity in
  ``stale_days``, deal at least ``stale_days`` old);
* ``no_decision_maker_contact`` [medium]: only when ``contacts`` is given
  with an ``is_decision_maker`` column: the account has no contact with
  ``is_decision_maker`` true;
* ``no_meeting_yet`` [low]: no activity of type ``meeting`` linked to the
  opportunity on or before ``as_of``.

The ``detail`` column is a short instruction for the rep, part of the export
contract of ``OUT/engagement/recommendations.csv``; :func:`action_words` turns
a recommendation into one sentence that names the account and the deal, e.g.
"Call Acme about its stalled $48k deal (Negotiation): last activity on
2026-05-30 (31 days ago)."
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement.common import flag, label
from workbook.core.checks import require_frame
from workbook.core.text import money

__all__ = [
    "CLOSE_DATE_PASSED",
    "NO_DECISION_MAKER",
    "NO_MEETING",
    "NO_RECENT_ACTIVITY",
    "PRIORITIES",
    "PROBABILITY_VARIANCE",
    "RECOMMENDATION_COLUMNS",
    "RULE_PRIORITY",
    "action_words",
    "recommendation_counts",
    "recommendations",
]

NO_RECENT_ACTIVITY = "no_recent_activity"
CLOSE_DATE_PASSED = "close_date_passed"
NO_MEETING = "no_meeting_yet"
NO_DECISION_MAKER = "no_decision_maker_contact"
PROBABILITY_VARIANCE = "win_probability_variance"
PRIORITIES = ("high", "medium", "low")
RULE_PRIORITY = {
    CLOSE_DATE_PASSED: "high",
    PROBABILITY_VARIANCE: "high",
    NO_RECENT_ACTIVITY: "medium",
    NO_DECISION_MAKER: "medium",
    NO_MEETING: "low",
}

#: Export contract of ``OUT/engagement/recommendations.csv``.
RECOMMENDATION_COLUMNS = ["opportunity_id", "account_id", "owner_id", "rule", "detail", "priority"]


def _points(values: pd.Series) -> pd.Series:
    """Whole points as text (NaN shown as ``?``)."""
    rounded = values.astype("float64").round()
    return rounded.fillna(0).astype("int64").astype("str").where(rounded.notna(), "?")


def _variance_detail(rep: pd.Series, model: pd.Series) -> pd.Series:
    diff = rep.astype("float64") - model.astype("float64")
    sign = pd.Series(np.where(diff.round() >= 0, "+", ""), index=rep.index)
    text = (
        "Rep probability "
        + _points(rep)
        + "% vs model "
        + _points(model)
        + "% ("
        + sign
        + _points(diff)
        + " points); review the forecast."
    )
    return text.reset_index(drop=True)


def _decision_maker_accounts(contacts: pd.DataFrame | None) -> set | None:
    if contacts is None or "is_decision_maker" not in contacts.columns:
        return None
    return set(contacts.loc[flag(contacts["is_decision_maker"]), "account_id"].dropna())


def _overdue_detail(eff: pd.DataFrame) -> pd.Series:
    return (
        "Close date "
        + eff["close_date"].dt.strftime("%Y-%m-%d")
        + " passed "
        + _days_ago(eff["days_overdue"])
        + "; update it or close the deal."
    )


def _days_ago(days: pd.Series) -> pd.Series:
    """"1 day ago", "12 days ago" per row (whole days)."""
    n = days.fillna(0).astype("int64")
    return n.astype("str") + np.where(n == 1, " day ago", " days ago")


def _stale_detail(eff: pd.DataFrame) -> pd.Series:
    last = eff["last_activity_at"].dt.strftime("%Y-%m-%d")
    return (
        "Last activity on "
        + last
        + " ("
        + _days_ago(eff["days_since_activity"])
        + ")."
    ).where(last.notna(), "No activity logged since the deal was created.")


def _rules(eff: pd.DataFrame, var: pd.DataFrame, contacts) -> list[tuple]:
    """(rule, mask, detail) for every rule that applies to this data."""
    parts = [
        (CLOSE_DATE_PASSED, eff["close_date_passed"].to_numpy(dtype=bool), _overdue_detail(eff)),
        *(
            [
                (
                    PROBABILITY_VARIANCE,
                    var["flagged"].astype("boolean").fillna(False).to_numpy(dtype=bool),
                    _variance_detail(var["probability"], var["model_probability"]),
                )
            ]
            if "flagged" in var.columns
            else []
        ),
        (NO_RECENT_ACTIVITY, eff["stale"].to_numpy(dtype=bool), _stale_detail(eff)),
        (
            NO_MEETING,
            (eff["meetings"] == 0).to_numpy(dtype=bool),
            pd.Series("No meeting logged on this opportunity yet.", index=eff.index),
        ),
    ]
    dm = _decision_maker_accounts(contacts)
    if dm is not None:
        parts.append(
            (
                NO_DECISION_MAKER,
                (~eff["account_id"].isin(dm)).to_numpy(dtype=bool),
                pd.Series(
                    "No contact at the account is marked as a decision maker.", index=eff.index
                ),
            )
        )
    return parts


def recommendations(
    effectiveness: pd.DataFrame,
    variance: pd.DataFrame,
    *,
    contacts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Recommended actions per open opportunity; one row per (opportunity, rule).

    See the module docstring for the rules and their priorities.

    Parameters
    ----------
    effectiveness : DataFrame
        Output of ``opportunity_effectiveness``.
    variance : DataFrame
        Output of ``probability_variance`` on the same ``effectiveness``.
    contacts : DataFrame, optional
        Canonical ``contacts``; the decision-maker rule applies only when it
        is given with an ``is_decision_maker`` column.

    Returns
    -------
    DataFrame
        :data:`RECOMMENDATION_COLUMNS` plus ``amount``; sorted by priority
        (high first), amount descending, opportunity_id, rule.
    """
    require_frame(effectiveness, "effectiveness", ["opportunity_id", "stale", "meetings"])
    require_frame(variance, "variance", ["opportunity_id"])
    if contacts is not None:
        require_frame(contacts, "contacts", ["account_id"])
    eff = effectiveness.reset_index(drop=True)
    var = variance.set_index("opportunity_id").reindex(eff["opportunity_id"])
    frames = [
        eff.loc[mask, ["opportunity_id", "account_id", "owner_id", "amount"]].assign(
            rule=rule, detail=detail[mask].to_numpy(), priority=RULE_PRIORITY[rule]
        )
        for rule, mask, detail in _rules(eff, var, contacts)
    ]
    out = pd.concat(frames, ignore_index=True)
    out["priority"] = pd.Categorical(out["priority"], categories=list(PRIORITIES), ordered=True)
    out = out.sort_values(
        ["priority", "amount", "opportunity_id", "rule"],
        ascending=[True, False, True, True],
        kind="stable",
        na_position="last",
    )
    return out[[*RECOMMENDATION_COLUMNS, "amount"]].reset_index(drop=True)


def recommendation_counts(recs: pd.DataFrame, *, by: str = "rule") -> pd.DataFrame:
    """Recommendations per rule (or owner).

    Parameters
    ----------
    recs : DataFrame
        Output of :func:`recommendations`.
    by : str
        ``"rule"`` or ``"owner_id"``; blanks are grouped as ``"(none)"``.

    Returns
    -------
    DataFrame
        ``<by>``, ``opportunities`` (distinct), ``amount`` (sum over rows);
        most opportunities first, then group.
    """
    require_frame(recs, "recs", ["opportunity_id", "amount", by])
    group = label(recs[by]).rename(by)
    out = (
        recs.groupby(group)
        .agg(opportunities=("opportunity_id", "nunique"), amount=("amount", "sum"))
        .reset_index()
    )
    return out.sort_values(
        ["opportunities", by], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


#: The start of each rule's action sentence: (before the account, between account and deal).
RULE_WORDS = {
    NO_RECENT_ACTIVITY: ("Call ", " about its stalled "),
    CLOSE_DATE_PASSED: ("Update ", "'s overdue "),
    PROBABILITY_VARIANCE: ("Check ", "'s "),
    NO_DECISION_MAKER: ("Find a decision maker at ", " for its "),
    NO_MEETING: ("Book a meeting with ", " about its "),
}


def action_words(recs: pd.DataFrame, *, account_names: pd.Series, stages: pd.Series) -> pd.Series:
    """One sentence per recommendation, naming the account, the deal size and stage.

    E.g. "Call Acme about its stalled $48k deal (Negotiation): last activity on
    2026-05-30 (31 days ago)." The reason after the colon is ``detail`` with a
    lower-case first letter.

    Parameters
    ----------
    recs : DataFrame
        :func:`recommendations` output (``opportunity_id``, ``account_id``,
        ``rule``, ``detail``, ``amount``).
    account_names : Series
        Account name by ``account_id``; an unknown account reads "the account".
    stages : Series
        Stage by ``opportunity_id``.
    """
    require_frame(recs, "recs", ["opportunity_id", "account_id", "rule", "detail", "amount"])
    account = recs["account_id"].map(account_names).astype("string").fillna("the account")
    # each distinct amount written once (a deal has up to five recommendations)
    codes, amounts = pd.factorize(recs["amount"])  # a missing amount coded -1
    words = pd.Series(amounts).map(money).astype("string").array
    amount = pd.Series(words.take(codes, allow_fill=True), index=recs.index)
    stage = recs["opportunity_id"].map(stages).astype("string")
    deal = (amount + " deal").fillna("deal")
    deal = deal.where(stage.isna(), deal + " (" + stage + ")")
    rule = recs["rule"].astype("string")
    before = rule.map({k: v[0] for k, v in RULE_WORDS.items()}).fillna("Follow up with ")
    between = rule.map({k: v[1] for k, v in RULE_WORDS.items()}).fillna(" about its ")
    detail = recs["detail"].astype("string")
    reason = detail.str[:1].str.lower() + detail.str[1:]
    return (before + account + between + deal + ": " + reason).astype("string")

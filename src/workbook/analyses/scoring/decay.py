"""Decay what-if: what if the scores of leads that went quiet had been reduced?

A lead is *decayed* when its longest gap without activity, between its
creation and the end of its story (``outcome_end`` of
:func:`~workbook.analyses.scoring.lead_outcomes`), is at least
``decay_after_days``. The threshold sweep is then repeated with the decayed
scores on the same grid.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.outcomes import lead_outcomes, require_outcomes
from workbook.analyses.scoring.thresholds import SWEEP_COLUMNS, threshold_sweep
from workbook.core import calendar
from workbook.core.checks import require_frame
from workbook.core.links import lead_activities

__all__ = [
    "apply_decay",
    "decay_summary",
    "decay_sweep",
    "longest_activity_gap",
    "parse_decay_points",
]


def parse_decay_points(value) -> int | str:
    """``"reset"`` (score becomes 0) or an integer number of points added to the score.

    Parameters
    ----------
    value : int or str
        An int, or a string such as ``"-100"`` or ``"reset"`` (any case,
        surrounding blanks ignored).

    Returns
    -------
    int or "reset"

    Raises
    ------
    ValueError
        Anything else.
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    if text.lower() == "reset":
        return "reset"
    try:
        return int(text)
    except ValueError:
        raise ValueError(f'decay_points must be an integer or "reset", got {value!r}') from None


def longest_activity_gap(outcomes: pd.DataFrame, lead_activity: pd.DataFrame) -> pd.DataFrame:
    """Longest gap without activity in each lead's window ``[created_at, outcome_end]``.

    Events of a lead are its ``created_at``, the ``occurred_at`` of each of its
    activities inside the window (calendar days, both ends inclusive) and its
    ``outcome_end``; the gap is the largest difference in days between
    consecutive events (sorted), so a lead with no activity has a gap of
    ``outcome_end - created_at``.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes`` (``lead_id``, ``created_at``,
        ``outcome_end``; every row is used, resolved or not).
    lead_activity : DataFrame
        At least ``lead_id`` and ``occurred_at`` (one row per activity).

    Returns
    -------
    DataFrame
        ``lead_id``, ``n_activities`` (inside the window), ``longest_gap_days``.
    """
    require_outcomes(outcomes)
    require_frame(lead_activity, "lead_activity", ("lead_id", "occurred_at"))
    base = outcomes[["lead_id", "created_at", "outcome_end"]]
    acts = lead_activity[["lead_id", "occurred_at"]].dropna().copy()
    acts["lead_id"] = acts["lead_id"].astype("string")
    acts["t"] = calendar.days(acts["occurred_at"])
    acts = acts.merge(base.assign(lead_id=base["lead_id"].astype("string")), on="lead_id")
    acts = acts.loc[(acts["t"] >= acts["created_at"]) & (acts["t"] <= acts["outcome_end"])]
    events = pd.concat(
        [
            pd.DataFrame({"lead_id": base["lead_id"].astype("string"), "t": base["created_at"]}),
            acts[["lead_id", "t"]],
            pd.DataFrame({"lead_id": base["lead_id"].astype("string"), "t": base["outcome_end"]}),
        ],
        ignore_index=True,
    ).sort_values(["lead_id", "t"], kind="stable")
    events["gap"] = events.groupby("lead_id")["t"].diff().dt.days
    gaps = events.groupby("lead_id")["gap"].max().fillna(0).astype("int64")
    counts = acts.groupby("lead_id").size()
    out = pd.DataFrame({"lead_id": base["lead_id"].astype("string")})
    out["n_activities"] = out["lead_id"].map(counts).fillna(0).astype("int64")
    out["longest_gap_days"] = out["lead_id"].map(gaps).astype("int64")
    return out


@shared_docs
def apply_decay(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    decay_after_days: int = 90,
    decay_points: int | str = -100,
    disqualified_statuses: Sequence[str] = ("Unqualified",),
    maturity_days: int = 180,
) -> pd.DataFrame:
    """Decay what-if: reduce the score of leads that went quiet.

    A lead is *decayed* when its longest gap without activity
    (:func:`longest_activity_gap`, window ``[created_at, outcome_end]``, see
    :func:`lead_outcomes`: the conversion date, else the converted
    opportunity's close date; for leads without a converted opportunity
    ``created_at + maturity_days``; capped at ``as_of``) is
    ``>= decay_after_days``. Its activities are
    those :func:`workbook.core.links.lead_activities` links to it.

    ``decayed_score`` is ``score + decay_points`` for decayed leads (no
    floor: -100 on 40 gives -60), 0 when ``decay_points`` is ``"reset"``, and
    the unchanged score otherwise.

    Parameters
    ----------
    leads, activities, opportunities : DataFrame
        Canonical tables.
    {as_of}
    decay_after_days : int
        A gap of at least this many days without activity decays a lead.
    decay_points : int or str
        Points added to a decayed score, or ``"reset"`` (:func:`parse_decay_points`).
    {scoring_lead_rules}

    Returns
    -------
    DataFrame
        :func:`lead_outcomes` ``.outcomes`` plus ``n_activities``,
        ``longest_gap_days``, ``decayed`` and ``decayed_score``.
    """
    points = parse_decay_points(decay_points)
    outcomes = lead_outcomes(
        leads,
        opportunities,
        as_of=as_of,
        disqualified_statuses=disqualified_statuses,
        maturity_days=maturity_days,
    ).outcomes
    linked = lead_activities(leads, activities, opportunities)
    gaps = longest_activity_gap(outcomes, linked)
    out = outcomes.assign(lead_id=outcomes["lead_id"].astype("string")).merge(
        gaps, on="lead_id", how="left"
    )
    out["decayed"] = out["longest_gap_days"] >= decay_after_days
    new = 0.0 if points == "reset" else out["score"] + points
    out["decayed_score"] = out["score"].where(~out["decayed"], new)
    return out


def decay_sweep(
    decayed: pd.DataFrame, *, thresholds: Sequence[float] | None = None, step: float = 5
) -> pd.DataFrame:
    """The threshold sweep before and after decay, on the same grid, stacked.

    The grid is the one :func:`threshold_sweep` uses for the undecayed
    scores (or ``thresholds``), so rows compare like with like.

    Parameters
    ----------
    decayed : DataFrame
        :func:`apply_decay` output.
    thresholds : sequence of float, optional
        The grid; None or empty gives the default grid with ``step``.
    step : float
        Grid step for the default grid.

    Returns
    -------
    DataFrame
        :data:`SWEEP_COLUMNS` plus ``scenario`` (``current scores`` or
        ``after decay``).
    """
    require_frame(decayed, "decayed", ("decayed_score",))
    before = threshold_sweep(decayed, thresholds=thresholds, step=step)
    after = threshold_sweep(
        decayed, thresholds=before["threshold"].tolist(), score_column="decayed_score"
    )
    return pd.concat(
        [before.assign(scenario="current scores"), after.assign(scenario="after decay")],
        ignore_index=True,
    )[["scenario", *SWEEP_COLUMNS]]


def decay_summary(decayed: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
    """Before/after hand-off numbers at one threshold, plus how many resolved leads decayed.

    Parameters
    ----------
    decayed : DataFrame
        :func:`apply_decay` output.
    threshold : float
        The hand-off threshold (usually the current one).

    Returns
    -------
    DataFrame
        Two rows (``current scores``, ``after decay``): ``scenario``,
        ``threshold``, ``handed_off``, ``handed_off_per_month``, ``wins``,
        ``win_rate``, ``share_of_wins`` (as :func:`threshold_sweep` at exactly
        ``threshold``), ``decayed_leads`` (resolved leads whose score was
        reduced) and ``decayed_wins`` (of them, won).
    """
    require_frame(decayed, "decayed", ("decayed", "decayed_score"))
    cols = ["threshold", "handed_off", "handed_off_per_month", "wins", "win_rate", "share_of_wins"]
    before = threshold_sweep(decayed, thresholds=[threshold])[cols]
    after = threshold_sweep(decayed, thresholds=[threshold], score_column="decayed_score")[cols]
    rows = pd.concat(
        [before.assign(scenario="current scores"), after.assign(scenario="after decay")],
        ignore_index=True,
    )[["scenario", *cols]]
    res = decayed.loc[decayed["resolved"].astype(bool)]
    rows["decayed_leads"] = int(res["decayed"].sum())
    rows["decayed_wins"] = int((res["decayed"] & res["won"].astype(bool)).sum())
    return rows

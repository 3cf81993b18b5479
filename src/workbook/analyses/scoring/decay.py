"""Decay what-if as a day-L landmark comparison: do leads that went quiet by day L win less?

Population: matured leads not converted by their created day + L (``L`` =
``decay_after_days``). A lead counts as converted by then when its
``converted_at``, or else its converted opportunity's ``created_at``, is on or
before that day. Nothing after day L decides who is in the population, and the
lead's current ``status`` (a later snapshot) is never used.

*Quiet*: no activity linked to the lead (:func:`workbook.core.links.lead_activities`)
whose ``occurred_at`` day lies in ``[created day, created day + L]``, both
ends inclusive. *Active*: at least one. The horizon win rates of the two
groups are compared with Wilson intervals and a Newcombe interval on the
difference (quiet minus active).
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from workbook.analyses.scoring.outcomes import matured_leads, require_outcomes
from workbook.analyses.scoring.params import parse_decay_points
from workbook.core.checks import require_frame
from workbook.core.links import LEAD_ROW, id_links, per_lead_row
from workbook.core.stats import wilson_interval
from workbook.data.validate import positions

__all__ = [
    "LANDMARK_COLUMNS",
    "decay_handoff",
    "landmark_activity_expr",
    "landmark_comparison",
    "landmark_leads",
]

LANDMARK_COLUMNS = ["group", "leads", "wins", "win_rate", "ci_low", "ci_high"]


def landmark_leads(
    outcomes: pd.DataFrame,
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    decay_after_days: int = 90,
    engine=None,
) -> pd.DataFrame:
    """The day-L landmark population, each lead marked quiet or active.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`~workbook.analyses.scoring.lead_outcomes` ``.outcomes``.
    leads, activities, opportunities : DataFrame
        Canonical tables (for the lead-activity links).
    decay_after_days : int
        The landmark L in days.
    engine : workbook.engine.Engine, optional
        Where the activities by day L are counted
        (:func:`landmark_activity_expr`; default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        The matured rows not converted by ``created_at + L`` (see the module
        docstring), plus ``n_activities`` (activities by day L) and ``quiet``.
    """
    require_outcomes(outcomes)
    require_frame(activities, "activities", ("occurred_at",))
    mat = matured_leads(outcomes)
    mat["lead_id"] = mat["lead_id"].astype("string")
    landmark = mat["created_at"] + pd.Timedelta(days=int(decay_after_days))
    conv = mat["converted_at"].where(mat["converted_at"].notna(), mat["opportunity_created_at"])
    pop = mat.loc[~(conv.notna() & (conv <= landmark))].copy()
    pop["landmark"] = landmark[pop.index]
    pop["n_activities"] = _activities_by_landmark(
        pop, leads, activities, opportunities, engine=engine
    )
    pop["quiet"] = pop["n_activities"].eq(0)
    return pop.reset_index(drop=True)


def landmark_activity_expr(rows, activities, opportunities=None) -> ibis.Table:
    """Each landmark row's linked activities whose day is in ``[created_at, landmark]``, in Ibis.

    ``rows``: ``lead_row``, ``lead_id``, ``converted_opportunity_id``,
    ``created_at``, ``landmark``; the links are
    :func:`workbook.core.links.id_links`. An activity linked both ways counts
    once. Returns ``lead_row`` and ``n_activities`` for the rows with at least
    one.
    """
    typed, links = id_links(rows, activities, opportunities)
    hits = typed.join(links, typed.lead_id == links.lead_id).select(
        LEAD_ROW, "created_at", "landmark", "activity_id", day=links.occurred_at.truncate("D")
    )
    hits = hits.filter(hits.day >= hits.created_at, hits.day <= hits.landmark)
    return hits.group_by(LEAD_ROW).aggregate(n_activities=hits.activity_id.nunique())


def _activities_by_landmark(pop, leads, activities, opportunities, *, engine=None) -> np.ndarray:
    """Per row of ``pop``: its linked activities whose day is in ``[created_at, landmark]``.

    :func:`landmark_activity_expr`, run by ``engine`` (default
    :func:`workbook.engine.default`). A lead of ``pop`` is matched to its row
    of ``leads`` by ``lead_id`` (unique, as validation guarantees), whose
    converted opportunity links too; a row without a lead counts 0.
    """
    row_in_leads = positions(pop["lead_id"], leads["lead_id"])
    found = row_in_leads >= 0
    conv = pd.Series(pd.NA, index=pop.index, dtype="string")
    if "converted_opportunity_id" in leads.columns:
        ids = leads["converted_opportunity_id"].astype("string").array
        conv[found] = ids.take(row_in_leads[found])
    rows = pd.DataFrame(
        {
            "lead_id": pop["lead_id"].astype("string").where(found),
            "converted_opportunity_id": conv,
            "created_at": pop["created_at"],
            "landmark": pop["landmark"],
        }
    )
    return per_lead_row(
        landmark_activity_expr, "n_activities", rows, activities, opportunities,
        engine=engine, dates=["created_at", "landmark"],
    )  # fmt: skip


def landmark_comparison(landmark: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Horizon win rate of quiet and active leads, and their difference with a Newcombe interval.

    Parameters
    ----------
    landmark : DataFrame
        :func:`landmark_leads` output (``quiet``, ``won``).
    alpha : float
        Every interval covers ``1 - alpha``.

    Returns
    -------
    DataFrame
        Three rows, columns :data:`LANDMARK_COLUMNS`: ``quiet`` and ``active``
        (Wilson intervals), then ``quiet minus active`` (``leads`` and
        ``wins`` summed, ``win_rate`` the difference of rates, ``ci_low`` /
        ``ci_high`` the Newcombe hybrid score interval,
        :func:`statsmodels.stats.proportion.confint_proportions_2indep` with
        ``method="newcomb"``; NaN when either group is empty).
    """
    require_frame(landmark, "landmark", ("quiet", "won"))
    q = landmark["quiet"].to_numpy(bool)
    w = landmark["won"].to_numpy(bool)
    n = np.array([q.sum(), (~q).sum()])
    k = np.array([w[q].sum(), w[~q].sum()])
    lo, hi = wilson_interval(k, n, alpha=alpha)
    rate = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    if (n > 0).all():
        d_lo, d_hi = confint_proportions_2indep(
            k[0], n[0], k[1], n[1], method="newcomb", compare="diff", alpha=alpha
        )
    else:
        d_lo = d_hi = np.nan
    return pd.DataFrame(
        {
            "group": ["quiet", "active", "quiet minus active"],
            "leads": [int(n[0]), int(n[1]), int(n.sum())],
            "wins": [int(k[0]), int(k[1]), int(k.sum())],
            "win_rate": [rate[0], rate[1], rate[0] - rate[1]],
            "ci_low": [lo[0], lo[1], float(d_lo)],
            "ci_high": [hi[0], hi[1], float(d_hi)],
        }
    )[LANDMARK_COLUMNS]


def decay_handoff(
    outcomes: pd.DataFrame,
    landmark: pd.DataFrame,
    *,
    threshold: float,
    decay_points: int | str = -100,
) -> pd.DataFrame:
    """Hand-offs of matured leads at ``threshold`` before and after decaying the quiet leads' scores.

    A quiet lead of the landmark population gets ``score + decay_points`` (no
    floor), or 0 when ``decay_points`` is ``"reset"``; every other matured
    lead keeps its score.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`~workbook.analyses.scoring.lead_outcomes` ``.outcomes``.
    landmark : DataFrame
        :func:`landmark_leads` output.
    threshold : float
        The hand-off threshold (usually the current one).
    decay_points : int or str
        :func:`parse_decay_points`.

    Returns
    -------
    DataFrame
        Two rows (``current scores``, ``after decay``): ``scenario``,
        ``threshold``, ``handed_off`` (matured leads with score >= threshold),
        ``wins`` (of them, won within the horizon), ``win_rate``,
        ``share_of_wins`` and ``decayed_leads`` (quiet leads whose score
        changed).
    """
    points = parse_decay_points(decay_points)
    mat = matured_leads(outcomes)
    quiet_ids = landmark.loc[landmark["quiet"], "lead_id"]
    # the matured leads whose id (as text) is a quiet lead's: an Arrow hash lookup
    quiet = positions(mat["lead_id"], quiet_ids) >= 0
    if quiet_ids.isna().any():  # a blank id matches a blank id, as text ("nan") would
        quiet |= mat["lead_id"].isna().to_numpy()
    score = mat["score"].to_numpy(dtype="float64")
    new = np.where(quiet, 0.0 if points == "reset" else score + points, score)
    won = mat["won"].to_numpy(bool)
    rows = []
    for scenario, s in (("current scores", score), ("after decay", new)):  # two scenarios
        h = s >= threshold
        n, k = int(h.sum()), int((h & won).sum())
        rows.append(
            {
                "scenario": scenario,
                "threshold": float(threshold),
                "handed_off": n,
                "wins": k,
                "win_rate": k / n if n else np.nan,
                "share_of_wins": k / won.sum() if won.sum() else np.nan,
                "decayed_leads": int((quiet & (new != score)).sum()),
            }
        )
    return pd.DataFrame(rows)

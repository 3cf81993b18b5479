"""Segments: does the score predict wins within each value of a lead column (e.g. source)?

Each segment gets an AUC with a bootstrap CI and one of three verdicts,
checked in this order: *predictive* (lower bound > 0.5), *not predictive*
(upper bound < 0.6), *inconclusive* (otherwise); a segment with no wins or
no losses has no AUC (*undefined*). A segment is never called not predictive
on a CI that contains 0.6. Win rates of segments are compared with the
shared noise rule (:func:`workbook.core.noise.name_extremes`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.discrimination import auc_with_ci
from workbook.analyses.scoring.outcomes import matured_leads, require_outcomes
from workbook.core.noise import name_extremes

__all__ = [
    "INCONCLUSIVE",
    "NOT_PREDICTIVE",
    "PREDICTIVE",
    "SEGMENT_COLUMNS",
    "hanley_mcneil_n",
    "segment_auc",
    "segment_rates",
]

PREDICTIVE = "predictive"
NOT_PREDICTIVE = "not predictive"
INCONCLUSIVE = "inconclusive"
UNDEFINED = "undefined"

SEGMENT_COLUMNS = [
    "segment",
    "n",
    "wins",
    "win_rate",
    "auc",
    "auc_ci_low",
    "auc_ci_high",
    "verdict",
    "n_needed",
]


def hanley_mcneil_n(auc, win_rate, *, alpha: float = 0.05) -> np.ndarray:
    """Matured leads at which the Hanley-McNeil half-width of the AUC falls below ``max(AUC - 0.5, 0.6 - AUC)``.

    Hanley and McNeil (1982): with ``Q1 = A / (2 - A)``, ``Q2 = 2A² / (1 + A)``,
    ``n1`` wins and ``n2`` losses,
    ``SE² = [A(1 - A) + (n1 - 1)(Q1 - A²) + (n2 - 1)(Q2 - A²)] / (n1 n2)``.
    With ``n1 = p N`` and ``n2 = (1 - p) N`` (the segment's win rate ``p``
    kept), the half-width ``z SE`` (``z`` the ``1 - alpha/2`` normal
    quantile) falls below the margin ``d`` when
    ``d² p (1 - p) N² - z² [(p (Q1 - A²) + (1 - p)(Q2 - A²)) N + A(1 - A) - (Q1 - A²) - (Q2 - A²)] > 0``;
    the result is the smallest whole ``N`` past the positive root.

    Parameters
    ----------
    auc, win_rate : array-like of float
    alpha : float

    Returns
    -------
    ndarray of float
        NaN where the AUC or win rate is undefined (or the win rate is 0 or 1).
    """
    a = np.asarray(auc, dtype="float64")
    p = np.asarray(win_rate, dtype="float64")
    z = stats.norm.ppf(1 - alpha / 2)
    d = np.maximum(a - 0.5, 0.6 - a)
    q1 = a / (2 - a) - a * a
    q2 = 2 * a * a / (1 + a) - a * a
    qa = d * d * p * (1 - p)
    qb = -z * z * (p * q1 + (1 - p) * q2)
    qc = -z * z * (a * (1 - a) - q1 - q2)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = (-qb + np.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa)
    ok = np.isfinite(root) & (p > 0) & (p < 1)
    return np.where(ok, np.floor(root) + 1, np.nan)


@shared_docs
def segment_auc(
    outcomes: pd.DataFrame,
    *,
    segment_by: str = "source",
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per-segment win rate and AUC with a bootstrap CI, a verdict and the Hanley-McNeil n.

    Parameters
    ----------
    {scoring_outcomes}
    segment_by : str
        Lead column whose values are the segments (blank shows as ``(blank)``).
    {scoring_bootstrap}
        Each segment gets its own bootstrap with the same ``seed``.

    Returns
    -------
    DataFrame
        Columns :data:`SEGMENT_COLUMNS`: ``auc``, ``auc_ci_low``,
        ``auc_ci_high`` as :func:`auc_with_ci` within the segment;
        ``verdict`` is ``predictive`` (CI low > 0.5), else ``not predictive``
        (CI high < 0.6), else ``inconclusive``, or ``undefined`` (no wins or
        no losses); ``n_needed`` is :func:`hanley_mcneil_n`.

    Raises
    ------
    KeyError
        ``segment_by`` is not a column of ``outcomes``.
    """
    require_outcomes(outcomes)
    if segment_by not in outcomes.columns:
        raise KeyError(f"segment_by column {segment_by!r} is not a lead column")
    res = matured_leads(outcomes)
    res["segment"] = res[segment_by].astype("string").fillna("(blank)")
    parts = []
    for seg, frame in res.groupby("segment", sort=True):  # one bootstrap per segment
        a = auc_with_ci(frame, n_boot=n_boot, seed=seed, alpha=alpha).iloc[0]
        parts.append(
            {
                "segment": seg,
                "n": len(frame),
                "wins": int(frame["won"].sum()),
                "auc": a["auc"],
                "auc_ci_low": a["ci_low"],
                "auc_ci_high": a["ci_high"],
            }
        )
    if not parts:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    out = pd.DataFrame(parts)
    out["win_rate"] = out["wins"] / out["n"]
    out["verdict"] = np.select(
        [out["auc"].isna(), out["auc_ci_low"] > 0.5, out["auc_ci_high"] < 0.6],
        [UNDEFINED, PREDICTIVE, NOT_PREDICTIVE],
        default=INCONCLUSIVE,
    )
    out["n_needed"] = hanley_mcneil_n(out["auc"], out["win_rate"], alpha=alpha)
    return out[SEGMENT_COLUMNS]


def segment_rates(segments: pd.DataFrame, *, what: str = "segments"):
    """Win rates of the segments against the shared noise rule.

    Parameters
    ----------
    segments : DataFrame
        :func:`segment_auc` output.
    what : str
        Plural noun for the sentence.

    Returns
    -------
    workbook.core.noise.NamedExtremes
        Its ``sentence`` names a segment only outside the 99.8% funnel limits
        (after a heterogeneity test), else says the differences are within noise.
    """
    return name_extremes(
        segments, group_col="segment", successes_col="wins", trials_col="n", what=what
    )

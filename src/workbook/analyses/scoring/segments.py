"""Segments: does the score predict wins within each value of a lead column (e.g. source)?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.discrimination import auc_with_ci
from workbook.analyses.scoring.outcomes import require_outcomes, resolved_leads

__all__ = ["SEGMENT_COLUMNS", "segment_auc"]

SEGMENT_COLUMNS = [
    "segment",
    "n",
    "wins",
    "win_rate",
    "auc",
    "auc_ci_low",
    "auc_ci_high",
    "score_predicts",
    "flag",
]


@shared_docs
def segment_auc(
    outcomes: pd.DataFrame,
    *,
    segment_by: str = "source",
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per-segment win rate and AUC with a bootstrap CI; flags segments where score does not predict.

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
        Columns ``segment``, ``n``, ``wins``, ``win_rate``, ``auc``,
        ``auc_ci_low``, ``auc_ci_high`` (as :func:`auc_with_ci` within the
        segment), ``score_predicts`` (False when the AUC CI contains 0.5, NA
        when the segment has no wins or no losses) and ``flag`` (plain text).

    Raises
    ------
    KeyError
        ``segment_by`` is not a column of ``outcomes``.
    """
    require_outcomes(outcomes)
    if segment_by not in outcomes.columns:
        raise KeyError(f"segment_by column {segment_by!r} is not a lead column")
    res = resolved_leads(outcomes)
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
    undefined = out["auc"].isna()
    contains = (out["auc_ci_low"] <= 0.5) & (out["auc_ci_high"] >= 0.5)
    out["score_predicts"] = pd.array(~contains, dtype="boolean")
    out.loc[undefined, "score_predicts"] = pd.NA
    out["flag"] = np.select(
        [undefined, contains],
        ["no wins or no losses: AUC undefined", "score does not predict (AUC CI contains 0.5)"],
        default="",
    )
    return out[SEGMENT_COLUMNS]

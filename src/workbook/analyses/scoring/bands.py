"""Score bands: win rate per fixed-width score band, with Wilson intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.narrative import _fmt_t
from workbook.analyses.scoring.outcomes import resolved_leads
from workbook.core.stats import add_wilson
from workbook.data.model import SCORE_RANGE

__all__ = ["band_table"]


@shared_docs
def band_table(
    outcomes: pd.DataFrame,
    *,
    width: float = 10,
    segment_by: str | None = None,
    score_range: tuple[float, float] | None = SCORE_RANGE,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Win rate by fixed score band, with Wilson intervals.

    Band of a score s: ``[floor(s / width) * width, that + width)``, lower
    bound inclusive, upper exclusive; the top band of ``score_range`` also
    holds its upper end (with 0-100 and width 10: ``90–100`` holds 100).
    Scores outside ``score_range`` get their own bands, ``below <lo>`` and
    ``above <hi>`` (score_low/score_high -inf/+inf). Only bands holding
    resolved leads appear, ordered by score.

    Parameters
    ----------
    {scoring_outcomes}
    width : float
        Band width in score points.
    segment_by : str, optional
        Repeat the table per value of this lead column (blank shows as
        ``(blank)``).
    score_range : (float, float) or None
        Valid score range (None: no range, plain floor bands).
    alpha : float
        The Wilson intervals cover ``1 - alpha``.

    Returns
    -------
    DataFrame
        Columns [``segment``,] ``band``, ``score_low``, ``score_high``, ``n``,
        ``wins``, ``win_rate``, ``ci_low``, ``ci_high``.
    """
    res = resolved_leads(outcomes)
    score = res["score"].to_numpy(dtype="float64")
    # + 0.0 turns a -0.0 lower bound (from a -0.0 score) into 0.0
    low = np.floor(score / width) * width + 0.0
    high = low + width
    closed_top = np.zeros(len(res), dtype=bool)
    if score_range is not None:
        lo, hi = (float(v) for v in score_range)
        top = math.ceil(hi / width) * width - width
        at_top = (score >= top) & (score <= hi)
        low = np.where(at_top, top, low)
        high = np.where(at_top, hi, high)
        closed_top = at_top
        low = np.select([score < lo, score > hi], [-np.inf, hi], low)
        high = np.select([score < lo, score > hi], [lo, np.inf], high)
    res["score_low"] = low
    res["score_high"] = high
    res["closed_top"] = closed_top
    keys = ["score_low", "score_high", "closed_top"]
    if segment_by:
        res["segment"] = res[segment_by].astype("string").fillna("(blank)")
        keys = ["segment", *keys]
    table = res.groupby(keys).agg(n=("won", "size"), wins=("won", "sum")).reset_index()
    table["wins"] = table["wins"].astype("int64")
    lo_t, hi_t = table["score_low"], table["score_high"]
    table["band"] = np.select(
        [np.isneginf(lo_t), np.isposinf(hi_t), table["closed_top"]],
        [
            [f"below {_fmt_t(h)}" for h in hi_t],
            [f"above {_fmt_t(v)}" for v in lo_t],
            [f"{_fmt_t(a)}–{_fmt_t(b)}" for a, b in zip(lo_t, hi_t, strict=True)],
        ],
        default=[f"{_fmt_t(a)}–<{_fmt_t(b)}" for a, b in zip(lo_t, hi_t, strict=True)],
    )
    table = add_wilson(table, "wins", "n", rate="win_rate", alpha=alpha)
    cols = ["band", "score_low", "score_high", "n", "wins", "win_rate", "ci_low", "ci_high"]
    return table[(["segment"] if segment_by else []) + cols].reset_index(drop=True)

"""Score bands: win rate of matured leads per score band (tenths of the score range), with Wilson intervals and funnel positions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.narrative import _fmt_t
from workbook.analyses.scoring.outcomes import matured_leads
from workbook.analyses.scoring.thresholds import default_bands, grid_range
from workbook.core.noise import funnel_limits
from workbook.core.stats import add_wilson

__all__ = ["band_table"]


@shared_docs
def band_table(
    outcomes: pd.DataFrame,
    *,
    width: float | None = None,
    segment_by: str | None = None,
    score_range=None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Win rate of matured leads by score band, with Wilson intervals and funnel positions.

    The bands are tenths of the score range (:func:`default_bands`:
    ``score_range`` when given, else the lowest to the highest score of all
    scored leads), or ``width`` points wide from 0 when ``width`` is given.
    Band of a score s: ``[lo + floor((s - lo) / width) * width, that +
    width)``, lower bound inclusive, upper exclusive; the top band also holds
    the upper end of the range (with 0-100: ``90–100`` holds 100). Scores
    outside a given ``score_range`` get their own bands, ``below <lo>`` and
    ``above <hi>`` (score_low/score_high -inf/+inf). Only bands holding
    matured leads appear, ordered by score.

    ``position`` places each band against the exact binomial funnel limits
    around the base win rate (:func:`workbook.core.noise.funnel_limits`):
    ``above 99.8%``, ``above 95%``, ``within``, ``below 95%``,
    ``below 99.8%``. Only a band outside the 99.8% limits may be named.

    Parameters
    ----------
    {scoring_outcomes}
    width : float, optional
        Band width in score points (bands then start at 0); None: tenths of the range.
    segment_by : str, optional
        Repeat the table per value of this lead column (blank shows as
        ``(blank)``).
    score_range : (float, float), optional
        Declared score range; None or empty: the observed scores.
    alpha : float
        The Wilson intervals cover ``1 - alpha``.

    Returns
    -------
    DataFrame
        Columns [``segment``,] ``band``, ``score_low``, ``score_high``, ``n``,
        ``wins``, ``win_rate``, ``ci_low``, ``ci_high``, ``position``.
    """
    given = score_range is not None and len(score_range) > 0
    origin, tenth = default_bands(outcomes["score"], score_range=score_range)
    tenths = width is None
    if tenths:
        width = tenth
    else:
        origin = 0.0
    res = matured_leads(outcomes)
    score = res["score"].to_numpy(dtype="float64")
    if np.isnan(width) or not len(res):
        origin, width = 0.0, 1.0
    # + 0.0 turns a -0.0 lower bound (from a -0.0 score) into 0.0
    low = np.round(origin + np.floor((score - origin) / width + 1e-9) * width, 9) + 0.0
    high = np.round(low + width, 9)
    closed_top = np.zeros(len(res), dtype=bool)
    rng_lo, rng_hi = grid_range(outcomes["score"], score_range=score_range)
    if len(res) and not np.isnan(rng_hi) and (tenths or given):
        top = np.round(origin + (math.ceil((rng_hi - origin) / width - 1e-9) - 1) * width, 9)
        at_top = (score >= top) & (score <= rng_hi)
        low = np.where(at_top, top, low)
        high = np.where(at_top, rng_hi, high)
        closed_top = at_top
    if given:
        low = np.select([score < rng_lo, score > rng_hi], [-np.inf, rng_hi], low)
        high = np.select([score < rng_lo, score > rng_hi], [rng_lo, np.inf], high)
        closed_top = closed_top & (score >= rng_lo) & (score <= rng_hi)
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
    base = float(res["won"].mean()) if len(res) else 0.0
    lim = funnel_limits(table["n"].to_numpy(), base)
    r = table["win_rate"].to_numpy()
    table["position"] = np.select(
        [r > lim["upper_998"], r > lim["upper_95"], r < lim["lower_998"], r < lim["lower_95"]],
        ["above 99.8%", "above 95%", "below 99.8%", "below 95%"],
        default="within",
    )
    cols = [
        "band", "score_low", "score_high", "n", "wins", "win_rate", "ci_low", "ci_high", "position"
    ]  # fmt: skip
    return table[(["segment"] if segment_by else []) + cols].reset_index(drop=True)

"""Noise before names: do cohorts differ at equal age, and is there a trend?

Before a sentence names the best or worst cohort, two tests run on the
*complete* equal-age cells (:func:`~workbook.analyses.cohort.equal_age`):

* equal rates across cohorts: :func:`workbook.core.noise.heterogeneity_test`
  (Pearson χ², or an exact test when a cell is small), through
  :func:`workbook.core.noise.name_extremes`, which also places every cohort
  against the 95% / 99.8% binomial funnel limits around the pooled rate and
  names only cohorts outside the 99.8% limits when p < alpha;
* a logistic trend over cohort order: a binomial GLM (statsmodels) of
  reached/leads on the cohort's position (0 = oldest cohort compared), so
  the slope is the change in log-odds per cohort, with its Wald 95% CI.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from workbook.core.noise import LEVELS, NamedExtremes, format_p, funnel_limits, name_extremes

__all__ = ["CohortComparison", "TrendTest", "cohort_comparison", "trend_test"]


class TrendTest(NamedTuple):
    """Logistic trend of a rate over group order (:func:`trend_test`).

    Attributes
    ----------
    slope, ci_low, ci_high : float
        Change in log-odds per step of the order, and its Wald 95% CI.
    p_value : float
        Wald test of slope = 0.
    points_per_step : float
        ``slope * p * (1 - p)`` at the pooled rate ``p``: the slope read as
        percentage points (as a fraction) per step near the pooled rate.
    n_groups : int
        Groups with trials in the fit (NaNs everywhere below 3).
    """

    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    points_per_step: float
    n_groups: int


def trend_test(successes, trials) -> TrendTest:
    """Binomial GLM of ``successes / trials`` on the group's position 0, 1, ....

    Groups with 0 trials are dropped before positions are counted. Fewer
    than 3 groups, or no variation (no success or no failure at all), give
    NaNs: a trend needs at least three points and some events.
    """
    s = np.asarray(successes, dtype=float)
    t = np.asarray(trials, dtype=float)
    keep = t > 0
    s, t = s[keep], t[keep]
    k = len(t)
    nan = TrendTest(np.nan, np.nan, np.nan, np.nan, np.nan, k)
    if k < 3 or s.sum() in (0.0, t.sum()):
        return nan
    x = add_constant(np.arange(k, dtype=float))
    fit = GLM(np.column_stack([s, t - s]), x, family=Binomial()).fit()
    lo, hi = fit.conf_int(alpha=0.05)[1]
    p = s.sum() / t.sum()
    slope = float(fit.params[1])
    return TrendTest(slope, float(lo), float(hi), float(fit.pvalues[1]), slope * p * (1 - p), k)


class CohortComparison(NamedTuple):
    """Result of :func:`cohort_comparison`.

    Attributes
    ----------
    table : DataFrame
        One row per compared cohort (oldest first): ``cohort, successes,
        trials, rate, lower_95, upper_95, lower_998, upper_998, position,
        eligible, named`` (the funnel plot's points; limits around the pooled
        rate at the cohort's size).
    funnel : DataFrame
        The funnel limits on a grid of sizes (``n, lower_95, upper_95,
        lower_998, upper_998``) from the smallest to the largest cohort, for
        the funnel plot's curves, plus ``overall_rate``.
    extremes : NamedExtremes
        From :func:`workbook.core.noise.name_extremes`.
    trend : TrendTest
    sentence : str
        Names cohorts only when the helper does; otherwise "differences
        between cohorts are within noise (p = ...)", plus the trend with its CI.
    """

    table: pd.DataFrame
    funnel: pd.DataFrame
    extremes: NamedExtremes
    trend: TrendTest
    sentence: str


def _funnel_grid(trials: np.ndarray, p0: float) -> pd.DataFrame:
    if not len(trials) or trials.max() <= 0:
        return funnel_limits(np.array([], dtype=int), 0.0).assign(overall_rate=p0)
    lo, hi = max(int(trials.min() * 0.8), 1), int(np.ceil(trials.max() * 1.2))
    grid = np.unique(np.geomspace(lo, hi, 60).round().astype(int))
    return funnel_limits(grid, p0, LEVELS).assign(overall_rate=p0)


def _trend_sentence(trend: TrendTest) -> str:
    if not np.isfinite(trend.slope):
        return ""
    return (
        f" Trend over cohort order: {trend.points_per_step * 100:+.2f} points per cohort "
        f"(log-odds slope {trend.slope:+.3f}, 95% CI {trend.ci_low:+.3f} to "
        f"{trend.ci_high:+.3f}, {format_p(trend.p_value)})."
    )


def cohort_comparison(
    equal_age_table: pd.DataFrame,
    *,
    min_cell_leads: int = 20,
    alpha: float = 0.05,
) -> CohortComparison:
    """Test equal rates and a trend across cohorts at equal age; name only beyond noise.

    Parameters
    ----------
    equal_age_table : DataFrame
        :func:`~workbook.analyses.cohort.equal_age` output (complete cells
        only); segments are pooled per cohort by adding counts.
    min_cell_leads : int, default 20
        Smaller cohorts are placed on the funnel but never named.
    alpha : float, default 0.05
        Level of the heterogeneity test.

    Returns
    -------
    CohortComparison
    """
    ea = (
        equal_age_table.groupby("cohort", as_index=False, sort=True)[["reached", "leads"]]
        .sum()
        .rename(columns={"reached": "successes", "leads": "trials"})
    )
    ex = name_extremes(
        ea,
        group_col="cohort",
        successes_col="successes",
        trials_col="trials",
        alpha=alpha,
        min_trials=min_cell_leads,
        what="cohorts",
    )
    table = ex.table.drop(columns="label").rename(columns={"group": "cohort"})
    table["named"] = table["cohort"].isin([*ex.best, *ex.worst])
    trend = trend_test(ea["successes"], ea["trials"])
    p0 = ex.overall_rate if np.isfinite(ex.overall_rate) else 0.0
    funnel = _funnel_grid(ea["trials"].to_numpy(), p0)
    sentence = ex.sentence
    if not (ex.best or ex.worst) and ex.test.n_groups >= 2 and "within noise" in sentence:
        sentence = f"Differences between cohorts are within noise ({format_p(ex.test.p_value)})."
    return CohortComparison(table, funnel, ex, trend, sentence + _trend_sentence(trend))

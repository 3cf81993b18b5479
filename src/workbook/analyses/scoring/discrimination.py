"""Discrimination: how well the score separates wins from losses, and what it says about deal size.

AUC with a bootstrap interval (:func:`auc_with_ci`), the logistic fit of won
on score (:func:`logit_fit`) and its calibration (:func:`calibration_table`),
the correlations of score with winning and with won deal size
(:func:`correlations`), and the score-against-amount scatter with its trend
(:func:`score_amount`, :func:`score_amount_trend`). All over matured leads (won = won within the horizon).
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.special import expit

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.cells import auc_from_cells, cell_bootstrap_interval, score_cells
from workbook.analyses.scoring.outcomes import matured_leads
from workbook.core.checks import require_frame
from workbook.core.stats import add_wilson

__all__ = [
    "LOGIT_COLUMNS",
    "Patterns",
    "auc_with_ci",
    "calibration_table",
    "correlations",
    "logit_fit",
    "logit_fit_patterns",
    "patterns",
    "predicted_win_probability",
    "score_amount",
    "score_amount_trend",
    "weighted_logit",
]


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    u = sps.mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic").statistic
    return float(u) / (len(pos) * len(neg))


@shared_docs
def auc_with_ci(
    outcomes: pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
    score_column: str = "score",
) -> pd.DataFrame:
    """ROC AUC of score against won over matured leads, with a bootstrap CI.

    AUC = P(score of a random won lead > score of a random lost lead) +
    0.5 * P(equal scores), computed as the Mann-Whitney U statistic of won
    against lost scores (:func:`scipy.stats.mannwhitneyu`, which counts ties
    half) divided by ``n_won * n_lost``.  The interval is a percentile
    bootstrap over matured leads (:func:`cell_bootstrap_interval`: each
    resample is drawn as multinomial counts over the (score, won) cells and
    its AUC is the same U from those counts, :func:`auc_from_cells`);
    resamples with no wins or no losses are skipped (NaN).

    Parameters
    ----------
    {scoring_outcomes}
    {scoring_bootstrap}
    score_column : str
        Column holding the score.

    Returns
    -------
    DataFrame
        One row: ``n_won``, ``n_lost``, ``auc``, ``ci_low``, ``ci_high``,
        ``ci_contains_half`` (no evidence the score discriminates), ``method``.
    """
    res = matured_leads(outcomes)
    s = res[score_column].to_numpy(dtype="float64")
    w = res["won"].to_numpy(dtype=bool)
    auc = _auc(s[w], s[~w])
    if np.isnan(auc):
        low = high = float("nan")
    else:
        _, counts = score_cells(s, w)
        low, high = cell_bootstrap_interval(
            auc_from_cells, counts, n_boot=n_boot, alpha=alpha, seed=seed
        )
    return pd.DataFrame(
        {
            "n_won": [int(w.sum())],
            "n_lost": [int((~w).sum())],
            "auc": [auc],
            "ci_low": [float(low)],
            "ci_high": [float(high)],
            "ci_contains_half": [bool(low <= 0.5 <= high) if not np.isnan(auc) else pd.NA],
            "method": [f"Mann-Whitney U; percentile bootstrap, {n_boot} resamples"],
        }
    )


LOGIT_COLUMNS = [
    "n",
    "intercept",
    "slope",
    "slope_ci_low",
    "slope_ci_high",
    "slope_p_value",
    "odds_ratio_per_10_points",
    "odds_ratio_ci_low",
    "odds_ratio_ci_high",
    "pseudo_r2",
    "brier_score",
    "converged",
]


class Patterns(NamedTuple):
    """Distinct (x, won) covariate patterns with their frequencies (see :func:`patterns`)."""

    x: np.ndarray
    won: np.ndarray
    n: np.ndarray

    @classmethod
    def from_counts(cls, x, n, wins) -> Patterns:
        """The patterns of per-level counts (``x`` ascending; ``n`` rows of which ``wins`` won).

        Gives what :func:`patterns` gives for the rows those counts describe,
        in the same order (lost before won, empty cells dropped).
        """
        x = np.asarray(x, dtype="float64")
        wins = np.asarray(wins, dtype=np.int64)
        counts = np.stack([np.asarray(n, dtype=np.int64) - wins, wins], axis=1).ravel()
        keep = np.flatnonzero(counts)
        return cls(x.repeat(2)[keep], np.tile([0.0, 1.0], len(x))[keep], counts[keep])


def patterns(x, won) -> Patterns:
    """The non-empty (x, won) cells of rows, for a frequency-weighted fit.

    A binomial likelihood depends on the rows only through how many rows
    share each (x, won) pattern, so a GLM fitted on the patterns with
    ``freq_weights=n`` has the row fit's estimates, standard errors and
    log-likelihood (up to the summation order).

    Parameters
    ----------
    x : array-like of float
        The covariate (no NaN).
    won : array-like of bool

    Returns
    -------
    Patterns
        ``x`` (float64), ``won`` (float64, 0/1) and ``n`` (int64) per non-empty
        cell, ``x`` ascending, lost before won.
    """
    levels, counts = score_cells(x, won)
    flat = counts.ravel()
    keep = np.flatnonzero(flat)
    return Patterns(
        levels.repeat(2)[keep], np.tile([0.0, 1.0], len(levels))[keep], flat[keep].astype(np.int64)
    )


def weighted_logit(x, won, n, *, offset=None, method: str = "newton"):
    """Logistic GLM of ``won`` on ``x`` (with a constant) over patterns of frequency ``n``.

    ``x`` None fits the constant only; ``offset`` is added to the linear
    predictor. ``method="newton"`` takes the standard errors from the
    Hessian at the estimate, as a row-level ``Logit`` fit does;
    ``method="irls"`` (statsmodels' GLM default) takes them from the IRLS
    weights of the last iteration, as a row-level ``GLM`` fit does. Returns
    the statsmodels ``GLMResults`` (``freq_weights=n``: exact for the row
    likelihood).

    Raises
    ------
    PerfectSeparationError
        The fitted probabilities reproduce ``won`` (perfect separation), or
        the estimates are not finite.
    """
    # the submodules only: statsmodels.api imports every model (seconds)
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationError
    from statsmodels.tools.tools import add_constant

    n = np.asarray(n, dtype="float64")
    exog = (
        np.ones((len(n), 1))
        if x is None
        else add_constant(np.asarray(x, dtype="float64"), has_constant="add")
    )
    model = GLM(
        np.asarray(won, dtype="float64"),
        exog,
        family=Binomial(),
        freq_weights=n,
        offset=offset,
    )
    fit = model.fit(method="newton", maxiter=100) if method == "newton" else model.fit()
    if not np.isfinite(np.asarray(fit.params)).all() or np.allclose(
        fit.fittedvalues, model.endog, rtol=0, atol=1e-10
    ):
        raise PerfectSeparationError("perfect separation: the fit reproduces every outcome")
    return fit


def _null_loglike(cells: Patterns) -> float:
    """Log-likelihood of the constant-only logit: every probability is the base rate."""
    n, wins = cells.n.sum(), (cells.n * cells.won).sum()
    p0 = wins / n
    return float(wins * math.log(p0) + (n - wins) * math.log1p(-p0))


@shared_docs
def logit_fit(outcomes: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Logistic regression of won on score over matured leads.

    Model: ``logit P(won) = intercept + slope * score``, fitted by maximum
    likelihood (a binomial GLM over the distinct (score, won) patterns with
    frequency weights, :func:`weighted_logit`: the same likelihood as the
    rows). ``slope_ci_*`` is the Wald interval; ``odds_ratio_per_10_points``
    is ``exp(10 * slope)`` with ``exp(10 * CI)``; ``pseudo_r2`` is McFadden's
    (1 - log-likelihood / log-likelihood of the constant-only model, whose
    estimate is the base rate);
    ``brier_score`` is the mean squared difference between the fitted
    probability and won (0/1) over matured leads.

    Parameters
    ----------
    {scoring_outcomes}
    alpha : float
        The Wald intervals cover ``1 - alpha``.

    Returns
    -------
    DataFrame
        One row, columns :data:`LOGIT_COLUMNS`. All numbers are NaN and
        ``converged`` False when there are fewer than 2 matured leads, only
        one outcome, or the data are perfectly separated.
    """
    res = matured_leads(outcomes)
    return logit_fit_patterns(
        patterns(res["score"].to_numpy(dtype="float64"), res["won"].to_numpy(dtype=bool)),
        alpha=alpha,
    )


def logit_fit_patterns(cells: Patterns, *, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`logit_fit` from the (score, won) patterns of the matured leads.

    Parameters
    ----------
    cells : Patterns
        From :func:`patterns` of the rows, or :meth:`Patterns.from_counts` of
        the engine's per-score counts (the same patterns in the same order).
    alpha : float
        The Wald intervals cover ``1 - alpha``.

    Returns
    -------
    DataFrame
        As :func:`logit_fit`.
    """
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    n = int(cells.n.sum())
    wins = int((cells.n * cells.won).sum())
    row = dict.fromkeys(LOGIT_COLUMNS, float("nan"))
    row["n"] = n
    row["converged"] = False
    if n >= 2 and 0 < wins < n and np.ptp(cells.x) > 0:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PerfectSeparationWarning)
                warnings.simplefilter("ignore", ConvergenceWarning)
                fit = weighted_logit(cells.x, cells.won, cells.n)
        except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError):
            fit = None
        if fit is not None:
            ci = np.asarray(fit.conf_int(alpha=alpha))
            b0, b1 = (float(v) for v in fit.params)
            p = expit(b0 + b1 * cells.x)
            row.update(
                intercept=b0,
                slope=b1,
                slope_ci_low=float(ci[1, 0]),
                slope_ci_high=float(ci[1, 1]),
                slope_p_value=float(fit.pvalues[1]),
                odds_ratio_per_10_points=math.exp(10 * b1),
                odds_ratio_ci_low=math.exp(10 * ci[1, 0]),
                odds_ratio_ci_high=math.exp(10 * ci[1, 1]),
                pseudo_r2=1 - float(fit.llf) / _null_loglike(cells),
                brier_score=float(np.sum(cells.n * (p - cells.won) ** 2) / n),
                converged=bool(fit.mle_retvals.get("converged", False)),
            )
    return pd.DataFrame([row])[LOGIT_COLUMNS]


def predicted_win_probability(scores, fit: pd.DataFrame) -> np.ndarray:
    """Fitted P(won) = expit(intercept + slope * score) from :func:`logit_fit` output.

    Parameters
    ----------
    scores : array-like of float
    fit : DataFrame
        :func:`logit_fit` output (one row).

    Returns
    -------
    ndarray of float
    """
    require_frame(fit, "fit", ("intercept", "slope"))
    f = fit.iloc[0]
    return expit(f["intercept"] + f["slope"] * np.asarray(scores, dtype="float64"))


@shared_docs
def calibration_table(
    outcomes: pd.DataFrame, fit: pd.DataFrame, *, bins: int = 10, alpha: float = 0.05
) -> pd.DataFrame:
    """Reliability table of the logistic model: predicted against observed win rate.

    Matured leads are split into up to ``bins`` equal-count bins of the fitted
    probability (:func:`pandas.qcut`; leads with equal scores always share a
    bin, so fewer bins are possible).

    Parameters
    ----------
    {scoring_outcomes}
    fit : DataFrame
        :func:`logit_fit` output of the same outcomes.
    bins : int
        The most bins.
    alpha : float
        The Wilson intervals cover ``1 - alpha``.

    Returns
    -------
    DataFrame
        Columns ``bin`` (1 = lowest), ``score_min``, ``score_max``, ``n``,
        ``wins``, ``mean_predicted`` (mean fitted probability), ``observed_rate``
        (wins / n) with Wilson ``ci_low``/``ci_high``, and ``expected_wins``
        (sum of fitted probabilities).  Empty when the fit failed.
    """
    cols = [
        "bin",
        "score_min",
        "score_max",
        "n",
        "wins",
        "mean_predicted",
        "observed_rate",
        "ci_low",
        "ci_high",
        "expected_wins",
    ]
    res = matured_leads(outcomes)
    if res.empty or np.isnan(fit.iloc[0]["slope"]):
        return pd.DataFrame(columns=cols)
    res["predicted"] = predicted_win_probability(res["score"], fit)
    codes = pd.qcut(res["predicted"], q=bins, labels=False, duplicates="drop")
    if codes.isna().all():  # every lead gets one fitted value: a single bin
        codes = pd.Series(0, index=res.index)
    res["bin"] = codes.astype("int64") + 1
    table = (
        res.groupby("bin")
        .agg(
            score_min=("score", "min"),
            score_max=("score", "max"),
            n=("won", "size"),
            wins=("won", "sum"),
            mean_predicted=("predicted", "mean"),
            expected_wins=("predicted", "sum"),
        )
        .reset_index()
    )
    table = add_wilson(table, "wins", "n", rate="observed_rate", alpha=alpha)
    return table[cols]


@shared_docs
def correlations(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Correlation of score with winning and with won deal size, with p-values.

    Rows:

    * ``point-biserial`` score vs won (0/1) over matured leads
      (:func:`scipy.stats.pointbiserialr`);
    * ``spearman`` score vs won over matured leads (:func:`scipy.stats.spearmanr`);
    * ``spearman`` score vs amount over won leads with a non-missing amount
      (this is ``spearman_score_amount`` in summary.json).

    Parameters
    ----------
    {scoring_outcomes}

    Returns
    -------
    DataFrame
        Columns ``measure``, ``x``, ``y``, ``population``, ``n``,
        ``coefficient``, ``p_value``; NaN when n < 3 or a variable is constant.
    """
    res = matured_leads(outcomes)
    won_deals = res.loc[res["won"] & res["amount"].notna()]
    specs = [
        ("point-biserial", "won", res, sps.pointbiserialr, "matured leads"),
        ("spearman", "won", res, sps.spearmanr, "matured leads"),
        ("spearman", "amount", won_deals, sps.spearmanr, "won deals"),
    ]
    rows = []
    for measure, y_col, frame, func, population in specs:  # three fixed rows, not data rows
        x = frame["score"].to_numpy(dtype="float64")
        y = frame[y_col].to_numpy(dtype="float64")
        if len(x) >= 3 and np.ptp(x) > 0 and np.ptp(y) > 0:
            r = func(x, y)
            coef, p = float(r.statistic), float(r.pvalue)
        else:
            coef = p = float("nan")
        rows.append((measure, "score", y_col, population, len(x), coef, p))
    return pd.DataFrame(
        rows, columns=["measure", "x", "y", "population", "n", "coefficient", "p_value"]
    )


@shared_docs
def score_amount(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Won deals with a positive amount, for the score-against-amount scatter.

    Parameters
    ----------
    {scoring_outcomes}

    Returns
    -------
    DataFrame
        ``lead_id``, ``score``, ``amount``, ``source``: one row per won lead
        whose converted opportunity has an amount ``> 0``.
    """
    res = matured_leads(outcomes)
    deals = res.loc[res["won"] & (res["amount"] > 0), ["lead_id", "score", "amount", "source"]]
    return deals.reset_index(drop=True)


def score_amount_trend(deals: pd.DataFrame, *, points: int = 50) -> pd.DataFrame:
    """Least-squares trend of deal amount on score, for the scatter chart.

    When amounts are skewed (sample skewness > 1 and all positive) the trend
    is fitted on ``log10(amount)`` (a geometric-mean trend) and ``log_scale``
    is True; otherwise on the amount itself. Fitted by
    :func:`scipy.stats.linregress`.

    Parameters
    ----------
    deals : DataFrame
        :func:`score_amount` output (``score``, ``amount``).
    points : int
        Rows of the trend line.

    Returns
    -------
    DataFrame
        ``points`` rows spanning the observed scores: ``score``,
        ``trend_amount``, ``log_scale``, ``slope`` (per point, on the fitted
        scale), ``p_value``. Empty with fewer than 3 deals or constant scores.
    """
    require_frame(deals, "deals", ("score", "amount"))
    cols = ["score", "trend_amount", "log_scale", "slope", "p_value"]
    if len(deals) < 3 or np.ptp(deals["score"].to_numpy(dtype="float64")) == 0:
        return pd.DataFrame(columns=cols)
    x = deals["score"].to_numpy(dtype="float64")
    amt = deals["amount"].to_numpy(dtype="float64")
    log_scale = bool((amt > 0).all() and sps.skew(amt) > 1)
    y = np.log10(amt) if log_scale else amt
    fit = sps.linregress(x, y)
    grid = np.linspace(x.min(), x.max(), points)
    trend = fit.intercept + fit.slope * grid
    return pd.DataFrame(
        {
            "score": grid,
            "trend_amount": 10**trend if log_scale else trend,
            "log_scale": log_scale,
            "slope": float(fit.slope),
            "p_value": float(fit.pvalue),
        }
    )

"""Noise before names: may a group (rep, cohort, segment, band) be called best or worst?

One rule, shared by every report: a group is named only when the rates differ
between groups beyond chance (:func:`heterogeneity_test`, p < alpha) **and**
the group's rate lies outside the 99.8% binomial funnel limits around the
overall rate (:func:`funnel_limits`). :func:`name_extremes` applies both and
writes the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from workbook.core.text import and_join, one_or_many

#: Funnel levels used by :func:`name_extremes`: inner (warning) and outer (naming).
LEVELS = (0.95, 0.998)

#: Draws of the Monte Carlo exact-conditional test, and its fixed seed.
MONTE_CARLO_DRAWS = 9_999
MONTE_CARLO_SEED = 20_240_601

#: Below this expected count in any cell, the chi-squared approximation is not used.
MIN_EXPECTED = 5.0

#: Positions of a group relative to the funnel, from highest to lowest.
POSITIONS = ("above 99.8%", "above 95%", "within", "below 95%", "below 99.8%")
NO_TRIALS = "no trials"


def _level_label(level: float) -> str:
    """``0.95 -> "95"``, ``0.998 -> "998"`` (the column suffix)."""
    return f"{level * 100:g}".replace(".", "")


def funnel_limits(n, p0: float, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """Exact binomial funnel limits, as rates, around the overall rate ``p0``.

    For each group size ``n`` and level ``L`` (``alpha = 1 - L``)::

        lower_L = binom.ppf(alpha / 2, n, p0) / n
        upper_L = binom.ppf(1 - alpha / 2, n, p0) / n

    ``binom.ppf(q, n, p)`` is the smallest count ``k`` with
    ``P(X <= k) >= q`` (the same as ``scipy.stats.binom.interval(L, n, p0)``).
    Under the null (true rate ``p0``), a count strictly below ``lower`` has
    probability below ``alpha / 2`` and one strictly above ``upper`` at most
    ``alpha / 2``; a group is outside the funnel only when its rate is
    *strictly* outside ``[lower, upper]``.

    Parameters
    ----------
    n : int or array-like of int
        Group sizes (trials), ``>= 0``.
    p0 : float
        Overall rate, in ``[0, 1]``.
    levels : sequence of float, default (0.95, 0.998)

    Returns
    -------
    DataFrame
        Column ``n`` and, per level, ``lower_<L>`` and ``upper_<L>`` with
        ``<L>`` the level in percent without the point (``lower_95``,
        ``upper_998``). NaN where ``n == 0``.
    """
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"p0 must be in [0, 1], got {p0}")
    safe = np.where(n > 0, n, 1.0)
    out = {"n": n.astype(np.int64)}
    for level in levels:
        alpha = 1.0 - level
        label = _level_label(level)
        lower = stats.binom.ppf(alpha / 2, safe, p0) / safe
        upper = stats.binom.ppf(1 - alpha / 2, safe, p0) / safe
        out[f"lower_{label}"] = np.where(n > 0, lower, np.nan)
        out[f"upper_{label}"] = np.where(n > 0, upper, np.nan)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class HeterogeneityTest:
    """Result of :func:`heterogeneity_test`.

    Attributes
    ----------
    statistic : float
        Pearson's chi-squared statistic of the k x 2 table (no continuity
        correction), whatever ``method`` gave the p-value; NaN with < 2 groups.
    dof : int
        ``k - 1``, for the k groups with trials.
    p_value : float
        From ``method``; NaN when fewer than 2 groups have trials.
    method : str
        ``"pearson chi2"``, ``"fisher exact"`` (2 groups, a small cell),
        ``"monte carlo exact-conditional"`` (k > 2, a small cell),
        ``"no variation"`` (every trial a success, or none: p = 1) or
        ``"fewer than 2 groups"``.
    n_groups : int
        Groups tested (with trials > 0).
    n_dropped : int
        Groups dropped because they had 0 trials.
    """

    statistic: float
    dof: int
    p_value: float
    method: str
    n_groups: int
    n_dropped: int

    @property
    def p_label(self) -> str:
        """``"χ² p = 0.33"``, ``"Fisher p = 0.04"``, ``"exact p < 0.001"``..."""
        name = {"fisher exact": "Fisher", "monte carlo exact-conditional": "exact"}.get(
            self.method, "χ²"
        )
        return f"{name} {format_p(self.p_value)}"


def format_p(p: float) -> str:
    """``p = 0.33`` (two significant digits), ``p < 0.001``, ``p = n/a``."""
    if not np.isfinite(p):
        return "p = n/a"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.2g}"


def _pearson(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Pearson chi-squared of k x 2 tables; ``successes`` may be (draws, k)."""
    rate = successes.sum(axis=-1, keepdims=True) / trials.sum()
    expected = trials * rate
    var = expected * (1.0 - rate)  # sum over both columns of (o - e)^2 / e
    return ((successes - expected) ** 2 / var).sum(axis=-1)


def heterogeneity_test(successes, trials) -> HeterogeneityTest:
    """Test of equal rates across groups (k x 2 table of successes, failures).

    * Groups with 0 trials are dropped (counted in ``n_dropped``).
    * Pearson's chi-squared (``scipy.stats.chi2_contingency``,
      ``correction=False``), ``dof = k - 1``, when every expected cell
      (``trials * p`` and ``trials * (1 - p)``, ``p`` the pooled rate) is at
      least 5.
    * Otherwise an exact alternative: for 2 groups Fisher's exact test
      (``scipy.stats.fisher_exact``, two-sided); for k > 2 a Monte Carlo
      exact-conditional test: given the group sizes and the total number of
      successes, under equal rates the successes per group are multivariate
      hypergeometric; :data:`MONTE_CARLO_DRAWS` tables are drawn with the
      fixed seed :data:`MONTE_CARLO_SEED` and
      ``p = (1 + #{chi2_draw >= chi2_observed}) / (draws + 1)``.
      The same inputs always give the same p.

    Parameters
    ----------
    successes, trials : array-like of int
        Per group; ``0 <= successes <= trials``.

    Returns
    -------
    HeterogeneityTest
    """
    s = np.asarray(successes, dtype=np.int64)
    t = np.asarray(trials, dtype=np.int64)
    if s.shape != t.shape or (s < 0).any() or (s > t).any():
        raise ValueError("need 0 <= successes <= trials, group by group")
    has = t > 0
    n_dropped = int((~has).sum())
    s, t = s[has], t[has]
    k = len(t)
    if k < 2:
        return HeterogeneityTest(np.nan, 0, np.nan, "fewer than 2 groups", k, n_dropped)
    total = int(s.sum())
    if total in (0, int(t.sum())):
        return HeterogeneityTest(0.0, k - 1, 1.0, "no variation", k, n_dropped)
    table = np.column_stack([s, t - s])
    chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
    if expected.min() >= MIN_EXPECTED:
        return HeterogeneityTest(float(chi2), int(dof), float(p), "pearson chi2", k, n_dropped)
    if k == 2:
        p = stats.fisher_exact(table, alternative="two-sided").pvalue
        return HeterogeneityTest(float(chi2), int(dof), float(p), "fisher exact", k, n_dropped)
    rng = np.random.default_rng(MONTE_CARLO_SEED)
    draws = rng.multivariate_hypergeometric(t, total, size=MONTE_CARLO_DRAWS)
    simulated = _pearson(draws.astype(float), t.astype(float))
    observed = _pearson(s.astype(float), t.astype(float))
    exceed = int((simulated >= observed * (1 - 1e-9)).sum())  # ties count as exceeding
    p = (1 + exceed) / (MONTE_CARLO_DRAWS + 1)
    return HeterogeneityTest(
        float(chi2), int(dof), float(p), "monte carlo exact-conditional", k, n_dropped
    )


@dataclass
class NamedExtremes:
    """Result of :func:`name_extremes`.

    Attributes
    ----------
    table : DataFrame
        One row per group, in input order: ``group``, ``label``,
        ``successes``, ``trials``, ``rate`` (NaN with 0 trials), ``lower_95``,
        ``upper_95``, ``lower_998``, ``upper_998`` (rates), ``position`` (one
        of :data:`POSITIONS`, or ``"no trials"``) and ``eligible`` (trials
        >= ``min_trials``).
    overall_rate : float
        Total successes / total trials.
    test : HeterogeneityTest
    best, worst : list
        Group ids that may be named: eligible, strictly above (below) the
        99.8% limits, and only when ``test.p_value < alpha``; highest
        (lowest) rate first.
    sentence : str
        Plain English, with labels, never ids.
    """

    table: pd.DataFrame
    overall_rate: float
    test: HeterogeneityTest
    best: list = field(default_factory=list)
    worst: list = field(default_factory=list)
    sentence: str = ""


def name_extremes(
    groups: pd.DataFrame,
    *,
    group_col: str,
    successes_col: str,
    trials_col: str,
    alpha: float = 0.05,
    min_trials: int = 10,
    what: str = "groups",
    labels: Mapping | Callable | None = None,
) -> NamedExtremes:
    """Which groups may be named as best or worst, and the sentence that says so.

    A group is named only when both hold:

    1. the heterogeneity test across all groups with trials
       (:func:`heterogeneity_test`) has ``p_value < alpha``;
    2. the group has ``trials >= min_trials`` and its rate is strictly above
       ``upper_998`` (best) or strictly below ``lower_998`` (worst), the
       99.8% exact binomial funnel limits around the overall rate
       (:func:`funnel_limits`).

    ``position`` is ``"above 99.8%"`` (rate > upper_998), ``"above 95%"``
    (upper_95 < rate <= upper_998), ``"within"``, ``"below 95%"`` and
    ``"below 99.8%"`` symmetrically; ``"no trials"`` for 0 trials.

    Parameters
    ----------
    groups : DataFrame
        One row per group.
    group_col, successes_col, trials_col : str
        Columns of ``groups``: group id, successes and trials (integers).
    alpha : float, default 0.05
        Level of the heterogeneity test.
    min_trials : int, default 10
        Smaller groups are shown with their position but never named.
    what : str, default "groups"
        Plural noun for the sentence ("reps", "cohorts").
    labels : mapping or callable, optional
        Group id -> display name (a rep's name, not its id); ids missing from
        a mapping are shown as they are.

    Returns
    -------
    NamedExtremes

    Examples
    --------
    A named group reads ``"Alice (12.0%, 3 of 25) is below the 99.8% funnel
    limit of the overall 30.0% (χ² p < 0.001)."``; without signal,
    ``"Differences between reps are within noise (χ² p = 0.33)."``.
    """
    ids = groups[group_col].reset_index(drop=True)
    s = groups[successes_col].to_numpy(dtype=np.int64)
    t = groups[trials_col].to_numpy(dtype=np.int64)
    test = heterogeneity_test(s, t)
    overall = s.sum() / t.sum() if t.sum() > 0 else np.nan
    table = _position_table(ids, _labels(ids, labels), s, t, overall)
    table["eligible"] = t >= min_trials
    signal = bool(np.isfinite(test.p_value) and test.p_value < alpha)
    named = table[table["eligible"] & signal]
    best = named[named["position"] == POSITIONS[0]].sort_values("rate", ascending=False)
    worst = named[named["position"] == POSITIONS[4]].sort_values("rate")
    sentence = _sentence(table, best, worst, overall, test, signal=signal, what=what)
    return NamedExtremes(
        table=table,
        overall_rate=float(overall),
        test=test,
        best=best["group"].tolist(),
        worst=worst["group"].tolist(),
        sentence=sentence,
    )


def _position_table(ids, names, s: np.ndarray, t: np.ndarray, overall: float) -> pd.DataFrame:
    """Per group: rate, funnel limits around ``overall`` and the position against them."""
    limits = funnel_limits(t, 0.0 if np.isnan(overall) else float(overall))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(t > 0, s / np.where(t > 0, t, 1), np.nan)
    position = np.select(
        [
            t == 0,
            rate > limits["upper_998"],
            rate > limits["upper_95"],
            rate < limits["lower_998"],
            rate < limits["lower_95"],
        ],
        [NO_TRIALS, POSITIONS[0], POSITIONS[1], POSITIONS[4], POSITIONS[3]],
        default=POSITIONS[2],
    )
    table = pd.DataFrame({"group": ids, "label": names, "successes": s, "trials": t, "rate": rate})
    table = pd.concat([table, limits.drop(columns="n")], axis=1)
    table["position"] = position
    return table


def _labels(ids: pd.Series, labels) -> pd.Series:
    if labels is None:
        return ids.astype(str)
    if callable(labels) and not isinstance(labels, Mapping):
        return ids.map(lambda g: str(labels(g)))
    return ids.map(lambda g: str(labels.get(g, g)))


def _describe(rows: pd.DataFrame) -> str:
    parts = [
        f"{r.label} ({r.rate:.1%}, {r.successes:,} of {r.trials:,})"
        for r in rows.itertuples(index=False)
    ]  # named groups only: a handful, never a loop over the data
    return and_join(parts)


def _sentence(table, best, worst, overall, test, *, signal: bool, what: str) -> str:
    if test.n_groups < 2:
        return f"Too few {what} with data to compare ({test.n_groups} with trials)."
    if not signal:
        return f"Differences between {what} are within noise ({test.p_label})."
    if best.empty and worst.empty:
        return (
            f"Rates differ between {what} ({test.p_label}), but none of the {what} is outside "
            f"the 99.8% funnel limits of the overall {overall:.1%}."
        )
    clauses = []
    for rows, side in ((worst, "below"), (best, "above")):
        if not rows.empty:
            verb = one_or_many(len(rows), "is", "are")
            limit = one_or_many(len(rows), "limit", "limits")
            clauses.append(
                f"{_describe(rows)} {verb} {side} the 99.8% funnel {limit} of the overall "
                f"{overall:.1%}"
            )
    return "; ".join(clauses) + f" ({test.p_label})."

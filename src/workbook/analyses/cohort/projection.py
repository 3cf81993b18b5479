"""Where will a young cohort end up? Bornhuetter-Ferguson with a bootstrap interval.

Definitions
-----------
Target
    The share of a cohort's leads that reached the milestone (``opportunity``
    or ``won``) by month ``K = projection_months`` (``months_since <= K``, as
    in the equal-age comparison), at month grain.
Triangle
    Cumulative counts ``C[i, k]`` (leads of cohort i reached by month k),
    k = 0 .. K, over *complete* cells only (period i + k ended on or before
    ``as_of``). A cohort is *mature* when its cell K is complete, *young*
    otherwise; its latest complete age is ``a_i`` (-1 when none is complete).
Development factors (chain ladder)
    ``f_k = sum_i C[i, k+1] / sum_i C[i, k]`` over cohorts with cell k+1
    complete (volume-weighted). The expected share of the month-K count
    already seen at age k is ``q_k = 1 / prod_{j >= k} f_j`` (``q_K = 1``,
    ``q_{-1} = 0``); ``q_k`` is computed as the product of the inverse
    factors, so a column with no event yet gives ``q_k = 0``, not a
    division by zero.
A-priori rate
    Pooled month-K rate of the mature cohorts: ``sum C[i, K] / sum n_i``.
    Rates are stationary in the bundled sample (docs/sample_data.md), which
    is what makes a pooled prior reasonable.
Bornhuetter-Ferguson
    ``projected_i = C[i, a_i] + (1 - q_{a_i}) * prior * n_i``. Unlike the
    plain chain ladder (``C / q``), a young cohort with no event yet is
    projected at the prior, not at 0, and one lucky early month is not
    multiplied up.
Prediction interval
    Over-dispersed Poisson bootstrap (England & Verrall 2002): Pearson
    residuals of the incremental triangle against its chain-ladder fit are
    resampled to rebuild ``draws`` pseudo triangles; each gives factors and a
    prior (parameter error); the unreported count is then drawn as ``phi *
    Poisson(mean / phi)`` with ``mean = (1 - q) * prior * n`` (process
    variance ``phi * mean``, ``phi`` the Pearson scale; discrete, so "no
    further event" keeps its probability). The interval is the
    central ``level`` share of ``(C + draw) / n``, clipped to
    ``[C / n, 1]``. The seed is fixed: the same data give the same interval.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "PROJECTED_MILESTONES",
    "PROJECTION_COLUMNS",
    "TRACK_RECORD_COLUMNS",
    "TrackRecord",
    "bornhuetter_ferguson",
    "development_factors",
    "projection",
    "projection_track_record",
    "reporting_pattern",
    "triangle",
]

SEED = 20_260_630
#: The milestones :func:`projection` projects by default (the report's).
PROJECTED_MILESTONES: tuple[str, ...] = ("opportunity", "won")
#: Central coverage of the projection's prediction interval.
PROJECTION_LEVEL = 0.90
PROJECTION_COLUMNS = [
    "milestone",
    "cohort",
    "leads",
    "age_months",
    "reached_so_far",
    "rate_so_far",
    "share_reported",
    "prior_rate",
    "projected_rate",
    "pi_low",
    "pi_high",
    "mature_cohorts",
]


class Triangle(NamedTuple):
    """Cumulative counts (cohorts x ages 0..K, NaN where not complete) and sizes."""

    counts: pd.DataFrame
    leads: pd.Series


def triangle(follow_through_table: pd.DataFrame, *, milestone: str, months: int) -> Triangle:
    """The cumulative triangle of ``milestone`` for ages 0..``months`` (complete cells).

    ``follow_through_table`` is :func:`~workbook.analyses.cohort.follow_through`
    at month grain, unsegmented.
    """
    ft = follow_through_table
    sel = (ft["milestone"] == milestone) & (ft["months_since"] <= months)
    if "complete" in ft.columns:
        sel &= ft["complete"].astype(bool)
    cells = ft.loc[sel]
    counts = cells.pivot(index="cohort", columns="months_since", values="reached")
    counts = counts.reindex(index=sorted(ft["cohort"].unique()), columns=range(months + 1)).astype(
        "float64"
    )
    leads = ft.drop_duplicates("cohort").set_index("cohort")["leads"].reindex(counts.index)
    return Triangle(counts, leads.astype("float64"))


def development_factors(counts: pd.DataFrame) -> pd.Series:
    """Volume-weighted chain-ladder factors ``f_k = sum C[., k+1] / sum C[., k]``.

    Sums run over the rows where both ages are present (not NaN). Index k =
    0 .. K-1; NaN where the age-k sum is 0 (no event yet at age k).
    """
    c = counts.to_numpy(dtype=float)
    both = ~np.isnan(c[:, 1:]) & ~np.isnan(c[:, :-1])
    num = np.where(both, c[:, 1:], 0.0).sum(axis=0)
    den = np.where(both, c[:, :-1], 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(den > 0, num / den, np.nan)
    return pd.Series(f, index=counts.columns[:-1], name="factor")


def reporting_pattern(counts: pd.DataFrame) -> np.ndarray:
    """``q_k`` for k = 0..K: expected share of the month-K count seen at age k.

    The product of inverse factors ``sum C[., k] / sum C[., k+1]`` from k to
    K-1 (1 at K); an inverse factor with a zero denominator is taken as 1.
    """
    c = counts.to_numpy(dtype=float)
    return _pattern(c[None, ...])[0]


def _pattern(c: np.ndarray) -> np.ndarray:
    """Reporting pattern for a stack of triangles ``(draws, cohorts, K+1)``."""
    both = ~np.isnan(c[..., 1:]) & ~np.isnan(c[..., :-1])
    num = np.where(both, c[..., :-1], 0.0).sum(axis=1)
    den = np.where(both, c[..., 1:], 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(den > 0, num / den, 1.0)
    inv = np.clip(inv, 0.0, 1.0)
    q = np.cumprod(inv[..., ::-1], axis=-1)[..., ::-1]
    return np.concatenate([q, np.ones(q.shape[:-1] + (1,))], axis=-1)


def _latest(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latest complete age per row (-1 when none) and the count there (0 when none)."""
    present = ~np.isnan(c)
    age = np.where(
        present.any(axis=1), present.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1), -1
    )
    val = np.where(age >= 0, c[np.arange(len(c)), np.maximum(age, 0)], 0.0)
    return age, np.nan_to_num(val)


def bornhuetter_ferguson(tri: Triangle) -> pd.DataFrame:
    """Point projection of every cohort (mature ones at their observed month-K count)."""
    c = tri.counts.to_numpy(dtype=float)
    n = tri.leads.to_numpy(dtype=float)
    K = c.shape[1] - 1
    age, latest = _latest(c)
    mature = age == K
    prior = c[mature, K].sum() / n[mature].sum() if mature.any() else np.nan
    q = reporting_pattern(tri.counts)
    q_at = np.where(age >= 0, q[np.maximum(age, 0)], 0.0)
    projected = latest + (1 - q_at) * prior * n
    return pd.DataFrame(
        {
            "cohort": tri.counts.index,
            "leads": n.astype("int64"),
            "age_months": age,
            "reached_so_far": latest.astype("int64"),
            "share_reported": q_at,
            "prior_rate": prior,
            "projected_rate": projected / n,
            "mature": mature,
        }
    )


def _bootstrap(tri: Triangle, *, draws: int, level: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """ODP bootstrap prediction interval of the month-K rate of every cohort."""
    c = tri.counts.to_numpy(dtype=float)
    n = tri.leads.to_numpy(dtype=float)
    K = c.shape[1] - 1
    age, latest = _latest(c)
    present = ~np.isnan(c)
    # Chain-ladder fitted cumulative counts, backwards from each row's latest cell.
    q = reporting_pattern(tri.counts)
    q_at = np.where(age >= 0, q[np.maximum(age, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ult = np.where(q_at > 0, latest / q_at, 0.0)
    fit_cum = ult[:, None] * q[None, :]
    fit_inc = np.diff(fit_cum, axis=1, prepend=0.0)
    obs_inc = np.diff(np.nan_to_num(c), axis=1, prepend=0.0)
    use = present & (fit_inc > 0)
    resid = (obs_inc[use] - fit_inc[use]) / np.sqrt(fit_inc[use])
    n_par = int((age >= 0).sum()) + K
    dof = max(int(use.sum()) - n_par, 1)
    phi = max(float((resid**2).sum() / dof), 1e-9) if len(resid) else 1.0
    resid = resid * np.sqrt(use.sum() / dof) if len(resid) else resid  # bias adjustment
    # Pseudo triangles: (draws, cohorts, ages).
    pseudo_inc = np.broadcast_to(fit_inc, (draws, *fit_inc.shape)).copy()
    if len(resid):
        picks = rng.choice(resid, size=(draws, int(use.sum())), replace=True)
        pseudo_inc[:, use] = fit_inc[use] + picks * np.sqrt(fit_inc[use])
    pseudo = np.cumsum(pseudo_inc, axis=-1)
    pseudo = np.where(present[None], pseudo, np.nan)
    qb = _pattern(pseudo)  # (draws, K+1)
    mature = age == K
    if mature.any():
        prior_b = np.clip(pseudo[:, mature, K].sum(axis=1) / n[mature].sum(), 0.0, 1.0)
    else:
        prior_b = np.full(draws, np.nan)
    qb_at = np.where(
        age[None] >= 0, np.take_along_axis(qb, np.maximum(age, 0)[None].repeat(draws, 0), 1), 0.0
    )
    mean = np.clip((1 - qb_at) * prior_b[:, None] * n[None], 0.0, None)
    # Process variance, over-dispersed Poisson: phi * Poisson(mean / phi), mean
    # `mean` and variance phi * mean. Discrete, so "nothing more happens" has
    # its real probability (a gamma never draws 0 and misses exact actuals).
    process = phi * rng.poisson(mean / phi)
    total = np.where(mature[None], latest[None], latest[None] + process)
    rate = np.clip(total / n[None], latest / n, 1.0)
    tail = (1 - level) / 2
    return np.quantile(rate, tail, axis=0), np.quantile(rate, 1 - tail, axis=0)


def projection(
    follow_through_table: pd.DataFrame,
    *,
    months: int = 12,
    milestones=PROJECTED_MILESTONES,
    draws: int = 999,
    level: float = PROJECTION_LEVEL,
    seed: int = SEED,
) -> pd.DataFrame:
    """Bornhuetter-Ferguson projection of the month-``months`` rate of young cohorts.

    Parameters
    ----------
    follow_through_table : DataFrame
        :func:`~workbook.analyses.cohort.follow_through` at month grain,
        unsegmented, with its ``complete`` column.
    months : int, default 12
        K: the target age, and the age below which a cohort is young.
    milestones : sequence of str
    draws : int, default 999
        Bootstrap draws of the prediction interval.
    level : float, default 0.90
        Central coverage of ``pi_low``..``pi_high``.
    seed : int

    Returns
    -------
    DataFrame
        One row per (milestone, young cohort): :data:`PROJECTION_COLUMNS`.
        ``age_months`` is the latest complete age (-1: none yet);
        ``share_reported`` is ``q`` at that age; ``mature_cohorts`` the
        number of cohorts the prior and factors had at month K. Empty when no
        cohort is mature (no prior).
    """
    rng = np.random.default_rng(seed)
    frames = []
    for milestone in milestones:  # two milestones
        tri = triangle(follow_through_table, milestone=milestone, months=months)
        bf = bornhuetter_ferguson(tri)
        if not bf["mature"].any():
            continue
        lo, hi = _bootstrap(tri, draws=draws, level=level, rng=rng)
        bf["pi_low"], bf["pi_high"] = lo, hi
        bf["milestone"] = milestone
        bf["rate_so_far"] = bf["reached_so_far"] / bf["leads"]
        bf["mature_cohorts"] = int(bf["mature"].sum())
        frames.append(bf.loc[~bf["mature"]])
    if not frames:
        text = ("milestone", "cohort")
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in text else "float64") for c in PROJECTION_COLUMNS}
        )
    return pd.concat(frames, ignore_index=True)[PROJECTION_COLUMNS]


TRACK_RECORD_COLUMNS = [
    "cut",
    "milestone",
    "cohort",
    "leads",
    "age_months_at_cut",
    "projected_rate",
    "pi_low",
    "pi_high",
    "actual_rate",
    "error_points",
    "covered",
]


class TrackRecord(NamedTuple):
    """Result of :func:`projection_track_record`.

    Attributes
    ----------
    table : DataFrame
        :data:`TRACK_RECORD_COLUMNS`, one row per (milestone, cohort) young at
        the cut whose month K is complete by ``as_of``; may be empty.
    cut : Timestamp
    mae_points : float
        Mean absolute error in percentage points (NaN when no rows).
    coverage : float
        Share of actual values inside the interval (NaN when no rows).
    reason : str
        Why the table is empty ("" when it is not).
    """

    table: pd.DataFrame
    cut: pd.Timestamp
    mae_points: float
    coverage: float
    reason: str


def projection_track_record(
    projected_at_cut: pd.DataFrame,
    follow_through_now: pd.DataFrame,
    *,
    cut,
    months: int = 12,
    reason: str = "",
) -> TrackRecord:
    """Compare a projection made at ``cut`` with the month-``months`` actuals now.

    Parameters
    ----------
    projected_at_cut : DataFrame
        :func:`projection` of ``follow_through`` on ``crm.as_known_at(cut)``
        (``as_of = cut``).
    follow_through_now : DataFrame
        :func:`~workbook.analyses.cohort.follow_through` at month grain at the
        report's ``as_of``.
    cut : date-like
    months : int
    reason : str
        Why no projection could be made at the cut, when that is known.

    Returns
    -------
    TrackRecord
        Rows only for cohorts whose cell ``months`` is complete now.
    """
    ft = follow_through_now
    sel = ft["months_since"] == months
    if "complete" in ft.columns:
        sel &= ft["complete"].astype(bool)
    actual = ft.loc[sel, ["milestone", "cohort", "rate"]].rename(columns={"rate": "actual_rate"})
    p = projected_at_cut.rename(columns={"age_months": "age_months_at_cut"})
    t = p.merge(actual, on=["milestone", "cohort"], how="inner")
    t["cut"] = np.full(len(t), pd.Timestamp(cut).date().isoformat(), dtype=object)
    t["error_points"] = (t["projected_rate"] - t["actual_rate"]) * 100
    tol = 1e-9  # a rate equal to a bound (e.g. nothing left to develop) is inside
    t["covered"] = (t["actual_rate"] >= t["pi_low"] - tol) & (
        t["actual_rate"] <= t["pi_high"] + tol
    )
    t = t[TRACK_RECORD_COLUMNS].reset_index(drop=True)
    if t.empty and not reason:
        reason = (
            f"no cohort young at the cut {pd.Timestamp(cut).date()} has a complete month "
            f"{months} by the as-of date"
            if len(projected_at_cut)
            else f"no projection could be made at the cut {pd.Timestamp(cut).date()}: no cohort "
            f"had {months} complete months by then"
        )
    mae = float(t["error_points"].abs().mean()) if len(t) else np.nan
    cov = float(t["covered"].mean()) if len(t) else np.nan
    return TrackRecord(t, pd.Timestamp(cut), mae, cov, "" if len(t) else reason)

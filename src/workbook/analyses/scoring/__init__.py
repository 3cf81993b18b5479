"""Score against win: does the marketing score predict wins, and where to set the handoff threshold.

Pure functions: DataFrames in, DataFrames out; ``as_of`` is always passed in.
The notebook ``notebooks/02_scoring.ipynb`` calls them one result at a
time; ``docs/reports/scoring.md`` documents every definition again for users.

Calendar-day convention
-----------------------
Every date comparison here is made on calendar days: timestamps are
normalised to midnight first, so a lead created at 15:00 on the ``as_of`` day
counts as created on or before ``as_of``, and ages are whole days.

Outcomes (:func:`lead_outcomes`)
--------------------------------
Population: leads with a non-blank score, created on or before ``as_of``.
A lead is *won* when its converted opportunity is closed and won with
``close_date <= as_of``; *lost* when its converted opportunity is closed and
not won with ``close_date <= as_of``, or when it has no converted opportunity
and its status is in ``disqualified_statuses``, or when it has no converted
opportunity and ``(as_of - created_at)`` in days is ``>= maturity_days``.
Every other lead is *unresolved* (counted, left out of the statistics).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.special import expit

from workbook.core.stats import add_wilson
from workbook.data.model import SCORE_RANGE

WON = "won"
LOST = "lost"
UNRESOLVED = "unresolved"

#: Minimum resolved leads and wins for a recommendation to be called reliable.
MIN_RESOLVED = 100
MIN_WINS = 20

OUTCOME_COLUMNS = [
    "lead_id",
    "created_at",
    "score",
    "status",
    "source",
    "owner_id",
    "converted_at",
    "converted_opportunity_id",
    "close_date",
    "amount",
    "age_days",
    "outcome",
    "outcome_reason",
    "resolved",
    "won",
    "outcome_end",
]

SWEEP_COLUMNS = [
    "threshold",
    "handed_off",
    "wins",
    "win_rate",
    "share_of_wins",
    "lift",
    "handed_off_per_month",
    "share_handed_off",
    "months",
]


# --------------------------------------------------------------------------
# outcomes
# --------------------------------------------------------------------------
def _day(values) -> pd.Series:
    """Datetime-like values normalised to calendar days (midnight)."""
    return pd.to_datetime(values).dt.normalize()


def lead_outcomes(
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    disqualified_statuses: Sequence[str] = ("Unqualified",),
    maturity_days: int = 180,
    score_range: tuple[float, float] = SCORE_RANGE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify every scored lead as won, lost or unresolved at ``as_of``.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` table.
    opportunities : DataFrame
        Canonical ``opportunities`` table.
    as_of : date-like
        Observation end date (inclusive).
    disqualified_statuses : sequence of str
        Lead statuses that make a lead without a converted opportunity lost.
        Compared exactly (case-sensitive).
    maturity_days : int
        A lead without a converted opportunity is lost once it is at least
        this old: ``(as_of - created_at)`` in calendar days ``>= maturity_days``.
    score_range : (float, float)
        Expected score range (both ends valid). Scores outside it are kept and
        counted (``kind="note"`` in ``exclusions``).

    Returns
    -------
    outcomes : DataFrame
        One row per lead in the population (non-blank score, created on or
        before ``as_of``), columns :data:`OUTCOME_COLUMNS`:

        ``outcome``
            ``won``, ``lost`` or ``unresolved``.
        ``outcome_reason``
            ``won``; ``opportunity lost``; ``disqualified``; ``matured``
            (lost); ``opportunity open`` (converted opportunity not closed, or
            closed after ``as_of``, or closed without a close date);
            ``too young`` (unresolved).  When several lost rules hold the
            first in this order is given: opportunity lost, disqualified,
            matured.
        ``resolved`` / ``won``
            booleans; ``won`` is missing (``<NA>``) for unresolved leads.
        ``amount``, ``close_date``
            of the converted opportunity, when there is one.
        ``age_days``
            ``(as_of - created_at)`` in calendar days.
        ``outcome_end``
            the date a lead's story ends, used by the decay what-if. With a
            converted opportunity: the conversion date when known, else the
            opportunity's close date when it closed on or before ``as_of``,
            else ``as_of``. Without one: ``created_at + maturity_days`` (the
            day the lead matures; its outcome is settled by then at the
            latest). Always capped at ``as_of`` and never before
            ``created_at``.
    exclusions : DataFrame
        Columns ``kind`` (``excluded``, ``fix-up``, ``unresolved``, ``note``),
        ``reason`` and ``n``.  Exclusions are counted in order: created after
        ``as_of``, then blank score among the rest.  Fix-ups: a
        ``converted_opportunity_id`` that is not in ``opportunities``, or whose
        opportunity was created after ``as_of``, is treated as no converted
        opportunity.  Unresolved leads are counted by reason.

    Notes
    -----
    A converted opportunity counts only if it exists in ``opportunities`` and
    was created on or before ``as_of``: what was not known at ``as_of`` does
    not decide an outcome.
    """
    as_of = pd.Timestamp(as_of).normalize()
    disq = [str(s) for s in disqualified_statuses]
    lead = leads.copy()
    created = _day(lead["created_at"])
    after = created.isna() | (created > as_of)
    blank = ~after & lead["score"].isna()
    keep = ~after & ~blank
    lead = lead.loc[keep].copy()
    lead["created_at"] = created[keep]

    opp_cols = ["opportunity_id", "created_at", "close_date", "is_closed", "is_won", "amount"]
    opp = opportunities[opp_cols].rename(
        columns={"opportunity_id": "converted_opportunity_id", "created_at": "opp_created_at"}
    )
    opp = opp.drop_duplicates("converted_opportunity_id")
    lead["converted_opportunity_id"] = lead["converted_opportunity_id"].astype("string")
    opp["converted_opportunity_id"] = opp["converted_opportunity_id"].astype("string")
    merged = lead.merge(opp, on="converted_opportunity_id", how="left", indicator=True)

    has_id = merged["converted_opportunity_id"].notna()
    found = merged["_merge"].eq("both")
    opp_created = _day(merged["opp_created_at"])
    opp_future = found & (opp_created > as_of)
    has_opp = found & ~opp_future
    missing_opp = has_id & ~found

    close = _day(merged["close_date"])
    closed = merged["is_closed"].astype("boolean").fillna(False).astype(bool)
    is_won = merged["is_won"].astype("boolean").fillna(False).astype(bool)
    closed_by = has_opp & closed & close.notna() & (close <= as_of)
    won = closed_by & is_won
    opp_lost = closed_by & ~is_won

    age = (as_of - merged["created_at"]).dt.days
    status = merged["status"].astype("string")
    disqualified = ~has_opp & status.isin(disq).fillna(False).astype(bool)
    matured = ~has_opp & (age >= maturity_days)

    reason = np.select(
        [won, opp_lost, disqualified, matured, has_opp],
        ["won", "opportunity lost", "disqualified", "matured", "opportunity open"],
        default="too young",
    )
    outcome = np.select([won, opp_lost | disqualified | matured], [WON, LOST], default=UNRESOLVED)
    resolved = outcome != UNRESOLVED

    out = pd.DataFrame(
        {
            "lead_id": merged["lead_id"],
            "created_at": merged["created_at"],
            "score": merged["score"].astype("float64"),
            "status": status,
            "source": merged["source"] if "source" in merged else pd.NA,
            "owner_id": merged["owner_id"] if "owner_id" in merged else pd.NA,
            "converted_at": _day(merged["converted_at"]),
            "converted_opportunity_id": merged["converted_opportunity_id"].where(has_opp),
            "close_date": close.where(has_opp),
            "amount": merged["amount"].astype("float64").where(has_opp),
            "age_days": age.astype("int64"),
            "outcome": pd.Series(outcome, index=merged.index, dtype="string"),
            "outcome_reason": pd.Series(reason, index=merged.index, dtype="string"),
            "resolved": resolved,
        }
    )
    out["won"] = pd.array(np.where(outcome == WON, True, False), dtype="boolean")
    out.loc[~resolved, "won"] = pd.NA
    # Without a converted opportunity the outcome is settled maturity_days after
    # creation at the latest (matured), so the lead's story ends there.
    settled = out["created_at"] + pd.Timedelta(days=int(maturity_days))
    converted_end = out["converted_at"].where(out["converted_at"].notna(), close.where(closed_by))
    end = converted_end.where(has_opp.to_numpy(), settled)
    end = end.where(end.notna(), as_of)
    out["outcome_end"] = end.where(end <= as_of, as_of)
    # A conversion recorded before creation would give a negative window.
    out["outcome_end"] = out["outcome_end"].where(
        out["outcome_end"] >= out["created_at"], out["created_at"]
    )
    out = out[OUTCOME_COLUMNS].reset_index(drop=True)

    unresolved_counts = pd.Series(reason[~resolved]).value_counts()
    rows = [
        ("excluded", "created after as_of (or no created_at)", int(after.sum())),
        ("excluded", "blank score", int(blank.sum())),
        ("fix-up", "converted opportunity id not found; treated as none", int(missing_opp.sum())),
        (
            "fix-up",
            "converted opportunity created after as_of; treated as none",
            int(opp_future.sum()),
        ),
        (
            "unresolved",
            "converted opportunity still open at as_of",
            int(unresolved_counts.get("opportunity open", 0)),
        ),
        (
            "unresolved",
            f"no converted opportunity, younger than {maturity_days} days",
            int(unresolved_counts.get("too young", 0)),
        ),
    ]
    lo, hi = score_range
    outside = int(((out["score"] < lo) | (out["score"] > hi)).sum())
    rows.append(("note", f"score outside {lo:g}-{hi:g}; kept as is", outside))
    exclusions = pd.DataFrame(rows, columns=["kind", "reason", "n"])
    return out, exclusions


def resolved_leads(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The resolved rows of :func:`lead_outcomes` with ``won`` as a plain bool."""
    res = outcomes.loc[outcomes["resolved"].astype(bool)].copy()
    res["won"] = res["won"].astype(bool)
    return res.reset_index(drop=True)


def outcome_counts(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Counts by outcome and reason (columns ``outcome``, ``outcome_reason``, ``n``, ``share``).

    ``share`` is the share of the whole population (resolved and unresolved).
    """
    counts = (
        outcomes.groupby(["outcome", "outcome_reason"], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    order = {WON: 0, LOST: 1, UNRESOLVED: 2}
    counts = counts.sort_values(
        ["outcome", "n"], key=lambda s: s.map(order) if s.name == "outcome" else -s
    )
    total = counts["n"].sum()
    counts["share"] = counts["n"] / total if total else np.nan
    return counts.reset_index(drop=True)


def data_sufficiency(
    outcomes: pd.DataFrame, *, min_resolved: int = MIN_RESOLVED, min_wins: int = MIN_WINS
) -> dict:
    """Is there enough resolved data for a reliable recommendation?

    Returns a dict with ``n_resolved``, ``n_wins``, ``n_unresolved``,
    ``reliable`` (True when ``n_resolved >= min_resolved`` and
    ``n_wins >= min_wins``), ``shortfall`` (plain text naming only the
    limit(s) not met, e.g. ``"12 wins (at least 20 needed)"``) and
    ``message`` (plain text; both empty when reliable).
    """
    res = outcomes["resolved"].astype(bool)
    n_resolved = int(res.sum())
    n_wins = int(outcomes.loc[res, "won"].astype(bool).sum())
    reliable = n_resolved >= min_resolved and n_wins >= min_wins
    short = []
    if n_resolved < min_resolved:
        short.append(f"{n_resolved:,} resolved leads (at least {min_resolved:,} needed)")
    if n_wins < min_wins:
        short.append(f"{n_wins:,} wins (at least {min_wins:,} needed)")
    shortfall = " and ".join(short)
    message = ""
    if not reliable:
        message = (
            f"Thin data: only {shortfall}, out of {n_resolved:,} resolved leads. "
            "The numbers below are shown for orientation; the recommended threshold is not reliable."
        )
    return {
        "n_resolved": n_resolved,
        "n_wins": n_wins,
        "n_unresolved": int((~res).sum()),
        "reliable": reliable,
        "shortfall": shortfall,
        "message": message,
    }


# --------------------------------------------------------------------------
# threshold sweep
# --------------------------------------------------------------------------
def calendar_months(created_at: pd.Series) -> int:
    """Calendar months from the first to the last date, inclusive (0 when empty).

    Jan 31 to Feb 1 is 2 months; any dates within one month give 1.
    """
    dates = pd.to_datetime(created_at).dropna()
    if dates.empty:
        return 0
    first = dates.min().to_period("M")
    last = dates.max().to_period("M")
    return (last - first).n + 1


def default_thresholds(
    scores, *, step: float = 5, score_range: tuple[float, float] | None = SCORE_RANGE
) -> np.ndarray:
    """Grid every ``step`` points across the observed scores.

    From ``floor(lo / step) * step`` up to ``hi`` inclusive, where ``lo`` and
    ``hi`` are the lowest and highest score, clipped to ``score_range`` (the
    valid range; default :data:`workbook.data.model.SCORE_RANGE`, None = no clip)
    so one stray score of 140 does not stretch the grid.
    """
    s = pd.Series(scores, dtype="float64").dropna()
    if s.empty:
        return np.array([], dtype="float64")
    lo, hi = float(s.min()), float(s.max())
    if score_range is not None:
        lo = min(max(lo, score_range[0]), score_range[1])
        hi = max(min(hi, score_range[1]), score_range[0])
    lo = math.floor(lo / step) * step
    n = int(math.floor((hi - lo) / step + 1e-9)) + 1
    return lo + step * np.arange(n, dtype="float64")


def threshold_sweep(
    outcomes: pd.DataFrame,
    *,
    thresholds: Sequence[float] | None = None,
    step: float = 5,
    score_column: str = "score",
    score_range: tuple[float, float] | None = SCORE_RANGE,
) -> pd.DataFrame:
    """Volume and win rate of handing off resolved leads with score >= t, for each t.

    Parameters
    ----------
    outcomes : DataFrame
        Output of :func:`lead_outcomes`; only resolved rows are used.
    thresholds : sequence of float, optional
        The grid; None or empty gives :func:`default_thresholds` of the
        resolved scores with ``step``.
    step : float
        Grid step for the default grid.
    score_range : (float, float) or None
        Valid score range the default grid is clipped to (scores outside it
        still count as handed off at every threshold they pass).
    score_column : str
        Column holding the score (the decay what-if passes ``decayed_score``).

    Returns
    -------
    DataFrame
        One row per threshold, columns :data:`SWEEP_COLUMNS`:
        ``handed_off`` = resolved leads with score >= t (ties at t are handed
        off); ``wins`` = won leads with score >= t; ``win_rate`` = wins /
        handed_off; ``share_of_wins`` = wins / all wins; ``lift`` = win_rate /
        base win rate (all wins / all resolved); ``months`` = calendar months
        from the first to the last ``created_at`` of the resolved population,
        inclusive; ``handed_off_per_month`` = handed_off / months;
        ``share_handed_off`` = handed_off / resolved. Ratios with a zero
        denominator are NaN.
    """
    res = resolved_leads(outcomes)
    grid = (
        np.asarray(sorted(set(float(t) for t in thresholds)), dtype="float64")
        if thresholds is not None and len(thresholds)
        else default_thresholds(
            outcomes.loc[outcomes["resolved"].astype(bool), "score"],
            step=step,
            score_range=score_range,
        )
    )
    scores = np.sort(res[score_column].to_numpy(dtype="float64"))
    won_scores = np.sort(res.loc[res["won"], score_column].to_numpy(dtype="float64"))
    n, n_wins = len(scores), len(won_scores)
    handed = n - np.searchsorted(scores, grid, side="left")
    wins = n_wins - np.searchsorted(won_scores, grid, side="left")
    months = calendar_months(res["created_at"])
    return sweep_from_counts(grid, handed, wins, n=n, n_wins=n_wins, months=months)


def sweep_from_counts(grid, handed, wins, *, n: int, n_wins: int, months: int) -> pd.DataFrame:
    """The threshold sweep table from its counts; the ratios are defined here once.

    Parameters
    ----------
    grid, handed, wins : array-like
        Thresholds, and per threshold the resolved leads and won leads with
        score >= threshold.
    n, n_wins : int
        Resolved leads and won leads in the whole population.
    months : int
        Calendar months spanned by the resolved population (see
        :func:`calendar_months`).

    Returns
    -------
    DataFrame
        Columns :data:`SWEEP_COLUMNS`, as documented in :func:`threshold_sweep`.
    """
    grid = np.asarray(grid, dtype="float64")
    handed = np.asarray(handed, dtype="int64")
    wins = np.asarray(wins, dtype="int64")
    base = n_wins / n if n else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        win_rate = np.where(handed > 0, wins / np.maximum(handed, 1), np.nan)
        out = pd.DataFrame(
            {
                "threshold": grid,
                "handed_off": handed,
                "wins": wins,
                "win_rate": win_rate,
                "share_of_wins": wins / n_wins if n_wins else np.full(len(grid), np.nan),
                "lift": win_rate / base if base and not np.isnan(base) else np.nan,
                "handed_off_per_month": handed / months if months else np.nan,
                "share_handed_off": handed / n if n else np.nan,
                "months": months,
            }
        )
    return out[SWEEP_COLUMNS]


def recommend_threshold(sweep: pd.DataFrame, *, capacity_per_month: float) -> float:
    """Lowest grid threshold whose ``handed_off_per_month`` is <= ``capacity_per_month``.

    Returns NaN when no grid threshold fits (even the highest hands off more
    than the capacity) or the sweep is empty.
    """
    fits = sweep.loc[sweep["handed_off_per_month"] <= capacity_per_month, "threshold"]
    return float(fits.min()) if len(fits) else float("nan")


def threshold_comparison(
    outcomes: pd.DataFrame,
    *,
    thresholds: dict[str, float],
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Hand-off numbers at named thresholds, with bootstrap CIs.

    Parameters
    ----------
    outcomes : DataFrame
        Output of :func:`lead_outcomes`.
    thresholds : dict of str to float
        e.g. ``{"current": 60, "recommended": 70}``; NaN thresholds give NaN rows.
    n_boot, seed, alpha
        Percentile bootstrap over resolved leads (resampled with replacement,
        drawn as multinomial counts over the (score, won) cells, see
        :func:`cell_bootstrap_interval`), deterministic for a seed.

    Returns
    -------
    DataFrame
        Columns ``label``, ``threshold``, ``handed_off``, ``wins``,
        ``handed_off_per_month``, ``win_rate``, ``win_rate_ci_low``,
        ``win_rate_ci_high``, ``share_of_wins``, ``share_of_wins_ci_low``,
        ``share_of_wins_ci_high``. Definitions as in :func:`threshold_sweep`.
    """
    res = resolved_leads(outcomes)
    labels = list(thresholds)
    ts = np.array([thresholds[k] for k in labels], dtype="float64")
    months = calendar_months(res["created_at"])
    scores = res["score"].to_numpy(dtype="float64")
    won = res["won"].to_numpy(dtype=bool)
    levels, counts = score_cells(scores, won)
    first = np.searchsorted(levels, ts, side="left")  # first level >= t; NaN t -> none
    k = len(ts)

    def rates(c: np.ndarray) -> np.ndarray:
        wr, share, _, _ = threshold_rates_from_cells(c, first)
        return np.concatenate([wr, share], axis=-1)

    _, _, handed, wins = threshold_rates_from_cells(counts, first)
    point = np.concatenate([rates(counts), handed, wins])
    if len(res):
        low, high = cell_bootstrap_interval(rates, counts, n_boot=n_boot, alpha=alpha, seed=seed)
    else:
        low = high = np.full(2 * k, np.nan)
    nan_t = np.isnan(ts)
    out = pd.DataFrame(
        {
            "label": labels,
            "threshold": ts,
            "handed_off": np.where(nan_t, np.nan, point[2 * k : 3 * k]),
            "wins": np.where(nan_t, np.nan, point[3 * k :]),
            "handed_off_per_month": np.where(nan_t, np.nan, point[2 * k : 3 * k] / months)
            if months
            else np.nan,
            "win_rate": np.where(nan_t, np.nan, point[:k]),
            "win_rate_ci_low": np.where(nan_t, np.nan, low[:k]),
            "win_rate_ci_high": np.where(nan_t, np.nan, high[:k]),
            "share_of_wins": np.where(nan_t, np.nan, point[k : 2 * k]),
            "share_of_wins_ci_low": np.where(nan_t, np.nan, low[k : 2 * k]),
            "share_of_wins_ci_high": np.where(nan_t, np.nan, high[k : 2 * k]),
        }
    )
    return out


def _fmt_t(t: float) -> str:
    t = float(t) + 0.0  # -0.0 + 0.0 is 0.0: never print "-0"
    return f"{t:,.0f}" if t.is_integer() else f"{t:,.1f}"


def _fmt_n(x: float) -> str:
    """A count per month: one decimal below 10, else a whole number with separators."""
    return f"{x:,.1f}" if abs(x) < 10 else f"{x:,.0f}"


def tradeoff_sentence(comparison: pd.DataFrame, *, capacity_per_month: float) -> str:
    """One plain sentence comparing the current and recommended thresholds.

    ``comparison`` is :func:`threshold_comparison` output with labels
    ``current`` and ``recommended``.
    """
    rows = comparison.set_index("label")
    cur = rows.loc["current"]
    rec = rows.loc["recommended"]
    cap = _fmt_n(capacity_per_month)
    now = (
        f"At {_fmt_t(cur['threshold'])} you hand off {_fmt_n(cur['handed_off_per_month'])} leads a month "
        f"and win {cur['win_rate']:.0%}"
    )
    if np.isnan(rec["threshold"]):
        return f"{now}; no threshold on the grid fits a capacity of {cap} a month."
    if rec["threshold"] == cur["threshold"]:
        fits = "fits" if cur["handed_off_per_month"] <= capacity_per_month else "exceeds"
        return f"{now}, which {fits} capacity {cap} and is already the recommended threshold."
    return (
        f"{now}; at {_fmt_t(rec['threshold'])} you would hand off "
        f"{_fmt_n(rec['handed_off_per_month'])} (fits capacity {cap}) and win {rec['win_rate']:.0%}, "
        f"keeping {rec['share_of_wins']:.0%} of wins."
    )


# --------------------------------------------------------------------------
# discrimination, logistic fit, correlations
# --------------------------------------------------------------------------
def score_cells(scores, won) -> tuple[np.ndarray, np.ndarray]:
    """Distinct score levels and the (score level, won) cell counts of resolved leads.

    Parameters
    ----------
    scores : array-like of float
        One score per resolved lead (no NaN).
    won : array-like of bool
        Whether each lead was won.

    Returns
    -------
    levels : ndarray, shape (L,)
        The distinct scores, ascending.
    counts : ndarray of int64, shape (L, 2)
        ``counts[i, 0]`` lost leads and ``counts[i, 1]`` won leads with score
        ``levels[i]``.
    """
    scores = np.asarray(scores, dtype="float64")
    won = np.asarray(won, dtype=bool)
    levels, codes = np.unique(scores, return_inverse=True)
    cells = codes.astype(np.int64).ravel() * 2 + won
    counts = np.bincount(cells, minlength=2 * len(levels)).reshape(-1, 2)
    return levels, counts.astype(np.int64)


def auc_from_cells(counts: np.ndarray) -> np.ndarray:
    """AUC from (score level, won) cell counts, ties counted half.

    ``counts`` has shape ``(..., L, 2)`` (levels ascending, column 0 lost,
    column 1 won; leading axes are resamples). With ``pos``/``neg`` the won/lost
    counts per level, ``2U = sum_k pos_k * (2 * (lost leads below level k) +
    neg_k)`` in exact integer arithmetic, and AUC = ``U / (n_won * n_lost)``:
    the Mann-Whitney U of won against lost scores over the leads the counts
    describe. NaN where there are no wins or no losses.
    """
    counts = np.asarray(counts, dtype=np.int64)
    neg, pos = counts[..., 0], counts[..., 1]
    below = np.cumsum(neg, axis=-1) - neg
    two_u = (pos * (2 * below + neg)).sum(axis=-1)
    denom = pos.sum(axis=-1) * neg.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom > 0, (two_u / 2) / np.maximum(denom, 1), np.nan)


def threshold_rates_from_cells(counts: np.ndarray, first: np.ndarray):
    """Win rate, share of wins, handed-off and wins at thresholds, from cell counts.

    Parameters
    ----------
    counts : ndarray, shape (..., L, 2)
        Cell counts as from :func:`score_cells` (leading axes are resamples).
    first : ndarray of int, shape (k,)
        Per threshold t, the index of the first level ``>= t``
        (``np.searchsorted(levels, t, side="left")``; ``L`` hands off nobody).

    Returns
    -------
    (win_rate, share_of_wins, handed_off, wins) : ndarrays, shape (..., k)
        ``handed_off`` = leads with score >= t and ``wins`` = won leads with
        score >= t (suffix sums over levels); ``win_rate`` = wins / handed_off
        (NaN when nobody is handed off); ``share_of_wins`` = wins / all wins
        (NaN when there are no wins).
    """
    counts = np.asarray(counts, dtype=np.int64)
    shape = counts.shape[:-2]
    tail = np.zeros((*shape, counts.shape[-2] + 1, 2), dtype=np.int64)
    tail[..., :-1, :] = np.flip(np.cumsum(np.flip(counts, axis=-2), axis=-2), axis=-2)
    at = tail[..., first, :]
    wins = at[..., 1]
    handed = at[..., 0] + wins
    total = counts[..., 1].sum(axis=-1)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        win_rate = np.where(handed > 0, wins / np.maximum(handed, 1), np.nan)
        share = np.where(total > 0, wins / np.maximum(total, 1), np.nan)
    return win_rate, share, handed, wins


#: Largest (resamples x cells) count matrix drawn at once by the cell bootstrap.
BOOT_CHUNK_CELLS = 4_000_000


def cell_bootstrap_interval(
    statistic,
    counts: np.ndarray,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap of a statistic of (score level, won) cell counts.

    Resampling the ``n`` leads with replacement gives cell counts that are
    multinomial(``n``, cell count / ``n``), so each resample is drawn directly
    as such counts over the non-empty cells (``rng.multinomial``, at most
    :data:`BOOT_CHUNK_CELLS` resamples x cells at a time): O(cells) per
    resample instead of O(n). Deterministic for a seed; the interval is the
    ``alpha / 2`` and ``1 - alpha / 2`` quantiles of the resampled statistic,
    NaN resamples skipped.

    Parameters
    ----------
    statistic : callable
        Takes counts of shape ``(B, L, 2)`` and returns shape ``(B,)`` or
        ``(B, k)``.
    counts : ndarray, shape (L, 2)
        Cell counts of the sample (:func:`score_cells`); must total > 0.

    Returns
    -------
    (low, high) : float or ndarray shaped like one resample's statistic
    """
    counts = np.asarray(counts, dtype=np.int64)
    flat = counts.ravel()
    nz = np.flatnonzero(flat)
    n = int(flat.sum())
    p = flat[nz] / n
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, BOOT_CHUNK_CELLS // max(len(flat), 1)))
    draws = []
    for start in range(0, n_boot, chunk):  # loop over chunks of resamples, not rows
        b = min(chunk, n_boot - start)
        full = np.zeros((b, len(flat)), dtype=np.int64)
        full[:, nz] = rng.multinomial(n, p, size=b)
        draws.append(np.asarray(statistic(full.reshape(b, *counts.shape)), dtype="float64"))
    stat = np.concatenate(draws, axis=0)
    low = np.nanquantile(stat, alpha / 2, axis=0)
    high = np.nanquantile(stat, 1 - alpha / 2, axis=0)
    return low, high


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    u = sps.mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic").statistic
    return float(u) / (len(pos) * len(neg))


def auc_with_ci(
    outcomes: pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
    score_column: str = "score",
) -> pd.DataFrame:
    """ROC AUC of score against won over resolved leads, with a bootstrap CI.

    AUC = P(score of a random won lead > score of a random lost lead) +
    0.5 * P(equal scores), computed as the Mann-Whitney U statistic of won
    against lost scores (:func:`scipy.stats.mannwhitneyu`, which counts ties
    half) divided by ``n_won * n_lost``.  The interval is a percentile
    bootstrap over resolved leads (:func:`cell_bootstrap_interval`: each
    resample is drawn as multinomial counts over the (score, won) cells and
    its AUC is the same U from those counts, :func:`auc_from_cells`);
    resamples with no wins or no losses are skipped (NaN).

    Returns
    -------
    DataFrame
        One row: ``n_won``, ``n_lost``, ``auc``, ``ci_low``, ``ci_high``,
        ``ci_contains_half`` (no evidence the score discriminates), ``method``.
    """
    res = resolved_leads(outcomes)
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


def logit_fit(outcomes: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Logistic regression of won on score over resolved leads (statsmodels ``Logit``).

    Model: ``logit P(won) = intercept + slope * score``, fitted by maximum
    likelihood. ``slope_ci_*`` is the Wald interval; ``odds_ratio_per_10_points``
    is ``exp(10 * slope)`` with ``exp(10 * CI)``; ``pseudo_r2`` is McFadden's;
    ``brier_score`` is the mean squared difference between the fitted
    probability and won (0/1).

    Returns
    -------
    DataFrame
        One row, columns :data:`LOGIT_COLUMNS`. All numbers are NaN and
        ``converged`` False when there are fewer than 2 resolved leads, only
        one outcome, or the data are perfectly separated.
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    res = resolved_leads(outcomes)
    y = res["won"].to_numpy(dtype="float64")
    x = res["score"].to_numpy(dtype="float64")
    row = dict.fromkeys(LOGIT_COLUMNS, float("nan"))
    row["n"] = len(res)
    row["converged"] = False
    if len(res) >= 2 and 0 < y.sum() < len(y) and np.ptp(x) > 0:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PerfectSeparationWarning)
                warnings.simplefilter("ignore", ConvergenceWarning)
                fit = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=0)
        except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError):
            fit = None
        if fit is not None:
            ci = np.asarray(fit.conf_int(alpha=alpha))
            b0, b1 = (float(v) for v in fit.params)
            p = expit(b0 + b1 * x)
            row.update(
                intercept=b0,
                slope=b1,
                slope_ci_low=float(ci[1, 0]),
                slope_ci_high=float(ci[1, 1]),
                slope_p_value=float(fit.pvalues[1]),
                odds_ratio_per_10_points=math.exp(10 * b1),
                odds_ratio_ci_low=math.exp(10 * ci[1, 0]),
                odds_ratio_ci_high=math.exp(10 * ci[1, 1]),
                pseudo_r2=float(fit.prsquared),
                brier_score=float(np.mean((p - y) ** 2)),
                converged=bool(fit.mle_retvals.get("converged", False)),
            )
    return pd.DataFrame([row])[LOGIT_COLUMNS]


def predicted_win_probability(scores, fit: pd.DataFrame) -> np.ndarray:
    """Fitted P(won) = expit(intercept + slope * score) from :func:`logit_fit` output."""
    f = fit.iloc[0]
    return expit(f["intercept"] + f["slope"] * np.asarray(scores, dtype="float64"))


def calibration_table(
    outcomes: pd.DataFrame, fit: pd.DataFrame, *, bins: int = 10, alpha: float = 0.05
) -> pd.DataFrame:
    """Reliability table of the logistic model: predicted against observed win rate.

    Resolved leads are split into up to ``bins`` equal-count bins of the fitted
    probability (:func:`pandas.qcut`; leads with equal scores always share a
    bin, so fewer bins are possible).

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
    res = resolved_leads(outcomes)
    if res.empty or np.isnan(fit.iloc[0]["slope"]):
        return pd.DataFrame(columns=cols)
    res["predicted"] = predicted_win_probability(res["score"], fit)
    codes = pd.qcut(res["predicted"], q=bins, labels=False, duplicates="drop")
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


def correlations(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Correlation of score with winning and with won deal size, with p-values.

    Rows:

    * ``point-biserial`` score vs won (0/1) over resolved leads
      (:func:`scipy.stats.pointbiserialr`);
    * ``spearman`` score vs won over resolved leads (:func:`scipy.stats.spearmanr`);
    * ``spearman`` score vs amount over won leads with a non-missing amount
      (this is ``spearman_score_amount`` in summary.json).

    Returns
    -------
    DataFrame
        Columns ``measure``, ``x``, ``y``, ``population``, ``n``,
        ``coefficient``, ``p_value``; NaN when n < 3 or a variable is constant.
    """
    res = resolved_leads(outcomes)
    won_deals = res.loc[res["won"] & res["amount"].notna()]
    specs = [
        ("point-biserial", "won", res, sps.pointbiserialr, "resolved leads"),
        ("spearman", "won", res, sps.spearmanr, "resolved leads"),
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


def score_amount(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Won deals with a positive amount: ``lead_id``, ``score``, ``amount``, ``source``."""
    res = resolved_leads(outcomes)
    deals = res.loc[res["won"] & (res["amount"] > 0), ["lead_id", "score", "amount", "source"]]
    return deals.reset_index(drop=True)


def score_amount_trend(deals: pd.DataFrame, *, points: int = 50) -> pd.DataFrame:
    """Least-squares trend of deal amount on score, for the scatter chart.

    When amounts are skewed (sample skewness > 1 and all positive) the trend
    is fitted on ``log10(amount)`` (a geometric-mean trend) and ``log_scale``
    is True; otherwise on the amount itself. Fitted by
    :func:`scipy.stats.linregress`.

    Returns
    -------
    DataFrame
        ``points`` rows spanning the observed scores: ``score``,
        ``trend_amount``, ``log_scale``, ``slope`` (per point, on the fitted
        scale), ``p_value``. Empty with fewer than 3 deals or constant scores.
    """
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


# --------------------------------------------------------------------------
# bands and segments
# --------------------------------------------------------------------------
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
    outcomes : DataFrame
        Output of :func:`lead_outcomes`; resolved rows are used.
    width : float
        Band width in score points.
    segment_by : str, optional
        Repeat the table per value of this lead column (blank shows as
        ``(blank)``).
    score_range : (float, float) or None
        Valid score range (None: no range, plain floor bands).

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


def segment_auc(
    outcomes: pd.DataFrame,
    *,
    segment_by: str = "source",
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per-segment win rate and AUC with a bootstrap CI; flags segments where score does not predict.

    Returns
    -------
    DataFrame
        Columns ``segment``, ``n``, ``wins``, ``win_rate``, ``auc``,
        ``auc_ci_low``, ``auc_ci_high`` (as :func:`auc_with_ci` within the
        segment), ``score_predicts`` (False when the AUC CI contains 0.5, NA
        when the segment has no wins or no losses) and ``flag`` (plain text).
    """
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
    cols = [
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
    if not parts:
        return pd.DataFrame(columns=cols)
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
    return out[cols]


# --------------------------------------------------------------------------
# decay what-if
# --------------------------------------------------------------------------
def parse_decay_points(value) -> int | str:
    """``"reset"`` (score becomes 0) or an integer number of points added to the score.

    Accepts an int or a string such as ``"-100"``, ``"reset"``; anything else
    raises ValueError.
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
        Output of :func:`lead_outcomes` (``lead_id``, ``created_at``, ``outcome_end``).
    lead_activity : DataFrame
        At least ``lead_id`` and ``occurred_at`` (one row per activity).

    Returns
    -------
    DataFrame
        ``lead_id``, ``n_activities`` (inside the window), ``longest_gap_days``.
    """
    base = outcomes[["lead_id", "created_at", "outcome_end"]]
    acts = lead_activity[["lead_id", "occurred_at"]].dropna().copy()
    acts["lead_id"] = acts["lead_id"].astype("string")
    acts["t"] = _day(acts["occurred_at"])
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

    Returns
    -------
    DataFrame
        :func:`lead_outcomes` output plus ``n_activities``,
        ``longest_gap_days``, ``decayed`` and ``decayed_score``.
    """
    from workbook.core.links import lead_activities

    points = parse_decay_points(decay_points)
    outcomes, _ = lead_outcomes(
        leads,
        opportunities,
        as_of=as_of,
        disqualified_statuses=disqualified_statuses,
        maturity_days=maturity_days,
    )
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

    Returns
    -------
    DataFrame
        :data:`SWEEP_COLUMNS` plus ``scenario`` (``current scores`` or
        ``after decay``).
    """
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

    Returns
    -------
    DataFrame
        Two rows (``current scores``, ``after decay``): ``scenario``,
        ``threshold``, ``handed_off``, ``handed_off_per_month``, ``wins``,
        ``win_rate``, ``share_of_wins`` (as :func:`threshold_sweep` at exactly
        ``threshold``), ``decayed_leads`` (resolved leads whose score was
        reduced) and ``decayed_wins`` (of them, won).
    """
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


# --------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------
def summary_figures(
    *,
    outcomes: pd.DataFrame,
    auc: pd.DataFrame,
    logit: pd.DataFrame,
    correlations: pd.DataFrame,
    comparison: pd.DataFrame,
    capacity_per_month: float,
    decay: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    decay_after_days: int | None = None,
    decay_points: int | str | None = None,
    min_resolved: int = MIN_RESOLVED,
    min_wins: int = MIN_WINS,
) -> dict:
    """Key figures for ``summary.json``, from the outputs of the functions above.

    Keys: ``n_resolved``, ``n_unresolved``, ``n_wins``, ``base_win_rate``
    (wins / resolved), ``auc``, ``auc_ci`` ([low, high]), ``logit_slope``,
    ``logit_slope_ci``, ``odds_ratio_per_10_points``, ``point_biserial``,
    ``point_biserial_p``, ``spearman_score_won``, ``spearman_score_amount``,
    ``spearman_score_amount_p``, ``current_threshold``,
    ``recommended_threshold`` (None when no grid threshold fits),
    ``capacity_per_month``, ``recommendation_reliable`` (False on thin data),
    ``thin_data_message``, ``thin_data_shortfall``, the trade-off numbers at both thresholds
    (``handed_off_per_month_*``, ``win_rate_*`` and ``share_of_wins_*`` with
    ``*_ci``), ``tradeoff_sentence``, the decay what-if (``decay_*``) and
    ``segments_not_predicting`` (segments whose AUC CI contains 0.5).
    """
    suff = data_sufficiency(outcomes, min_resolved=min_resolved, min_wins=min_wins)
    a = auc.iloc[0]
    lg = logit.iloc[0]
    corr = correlations.reset_index(drop=True)
    comp = comparison.set_index("label")
    n_res = suff["n_resolved"]

    def num(x):
        x = float(x)
        return None if math.isnan(x) else x

    figs: dict[str, object] = {
        "n_resolved": n_res,
        "n_unresolved": suff["n_unresolved"],
        "n_wins": suff["n_wins"],
        "base_win_rate": suff["n_wins"] / n_res if n_res else None,
        "auc": num(a["auc"]),
        "auc_ci": [num(a["ci_low"]), num(a["ci_high"])],
        "auc_ci_contains_half": None
        if pd.isna(a["ci_contains_half"])
        else bool(a["ci_contains_half"]),
        "logit_slope": num(lg["slope"]),
        "logit_slope_ci": [num(lg["slope_ci_low"]), num(lg["slope_ci_high"])],
        "logit_slope_p_value": num(lg["slope_p_value"]),
        "odds_ratio_per_10_points": num(lg["odds_ratio_per_10_points"]),
        "odds_ratio_per_10_points_ci": [
            num(lg["odds_ratio_ci_low"]),
            num(lg["odds_ratio_ci_high"]),
        ],
        "point_biserial": num(corr.loc[0, "coefficient"]),
        "point_biserial_p": num(corr.loc[0, "p_value"]),
        "spearman_score_won": num(corr.loc[1, "coefficient"]),
        "spearman_score_won_p": num(corr.loc[1, "p_value"]),
        "spearman_score_amount": num(corr.loc[2, "coefficient"]),
        "spearman_score_amount_p": num(corr.loc[2, "p_value"]),
        "spearman_score_amount_n": int(corr.loc[2, "n"]),
        "capacity_per_month": capacity_per_month,
        "recommendation_reliable": bool(suff["reliable"]),
        "thin_data_message": suff["message"],
        "thin_data_shortfall": suff["shortfall"],
        "tradeoff_sentence": tradeoff_sentence(comparison, capacity_per_month=capacity_per_month),
    }
    for label in ("current", "recommended"):
        row = comp.loc[label]
        figs[f"{label}_threshold"] = num(row["threshold"])
        figs[f"handed_off_per_month_{label}"] = num(row["handed_off_per_month"])
        figs[f"win_rate_{label}"] = num(row["win_rate"])
        figs[f"win_rate_{label}_ci"] = [num(row["win_rate_ci_low"]), num(row["win_rate_ci_high"])]
        figs[f"share_of_wins_{label}"] = num(row["share_of_wins"])
        figs[f"share_of_wins_{label}_ci"] = [
            num(row["share_of_wins_ci_low"]),
            num(row["share_of_wins_ci_high"]),
        ]
    if decay is not None and len(decay):
        d = decay.set_index("scenario")
        figs["decay_after_days"] = decay_after_days
        figs["decay_points"] = None if decay_points is None else parse_decay_points(decay_points)
        figs["decay_threshold"] = num(d.loc["current scores", "threshold"])
        figs["decay_resolved_leads_decayed"] = int(d["decayed_leads"].iloc[0])
        figs["decay_wins_decayed"] = int(d["decayed_wins"].iloc[0])
        for key, scen in (("before", "current scores"), ("after", "after decay")):
            figs[f"decay_handed_off_per_month_{key}"] = num(d.loc[scen, "handed_off_per_month"])
            figs[f"decay_win_rate_{key}"] = num(d.loc[scen, "win_rate"])
            figs[f"decay_share_of_wins_{key}"] = num(d.loc[scen, "share_of_wins"])
    if segments is not None and len(segments):
        flagged = segments.loc[segments["score_predicts"].eq(False).fillna(False), "segment"]
        figs["segments_not_predicting"] = [str(s) for s in flagged]
    return figs


def _pct(x) -> str:
    return "–" if x is None else f"{x:.0%}"


def summary_sentences(figures: dict) -> list[str]:
    """3-5 plain-text sentences built from :func:`summary_figures` output.

    The first sentence is the thin-data warning when the data are thin.
    """
    f = figures
    out: list[str] = []
    if not f["recommendation_reliable"]:
        out.append(
            f"Thin data: only {f['thin_data_shortfall']}, too few for a reliable threshold "
            "recommendation; treat every number here as indicative."
        )
    out.append(
        f"{f['n_resolved']:,} scored leads are resolved ({f['n_wins']:,} won, base win rate "
        f"{_pct(f['base_win_rate'])}); {f['n_unresolved']:,} are still unresolved and left out."
    )
    if f["auc"] is None:
        out.append("The score's AUC cannot be computed: there are no wins or no losses.")
    else:
        lo, hi = f["auc_ci"]
        ci = f"95% CI {lo:.2f}–{hi:.2f}" if lo is not None else "no CI"
        if f.get("auc_ci_contains_half"):
            out.append(
                f"The score does not reliably separate wins from losses: AUC {f['auc']:.2f} "
                f"({ci}) includes 0.5, a coin flip."
            )
        else:
            odds = f["odds_ratio_per_10_points"]
            tail = f"; every 10 points multiply the odds of winning by {odds:.2f}" if odds else ""
            out.append(
                f"The score separates wins from losses with AUC {f['auc']:.2f} ({ci}){tail}."
            )
    trade = f["tradeoff_sentence"]
    out.append(trade if f["recommendation_reliable"] else f"Indicative only: {trade}")
    if (
        f.get("decay_win_rate_after") is not None
        and f.get("decay_handed_off_per_month_before") is not None
    ):
        pts = f["decay_points"]
        rule = "resetting scores to 0" if pts == "reset" else f"changing scores by {pts:+,} points"
        out.append(
            f"{rule.capitalize()} after {f['decay_after_days']:,} days without activity would move "
            f"hand-offs at {_fmt_t(f['decay_threshold'])} from "
            f"{_fmt_n(f['decay_handed_off_per_month_before'])} to "
            f"{_fmt_n(f['decay_handed_off_per_month_after'])} a month and the win rate from "
            f"{_pct(f['decay_win_rate_before'])} to {_pct(f['decay_win_rate_after'])}."
        )
    if len(out) < 5 and f.get("spearman_score_amount") is not None:
        rho, p = f["spearman_score_amount"], f["spearman_score_amount_p"]
        meaning = (
            "higher-scored leads do bring bigger deals"
            if p < 0.05 and rho > 0
            else "a higher score does not mean a bigger deal"
        )
        out.append(
            f"Among won deals, score and amount have a Spearman correlation of {rho:.2f} "
            f"(p = {p:.2g}): {meaning}."
        )
    if len(out) < 5 and f.get("segments_not_predicting"):
        segs = f["segments_not_predicting"]
        out.append(
            f"In {len(segs):,} segment(s) the score does not predict wins (AUC CI contains 0.5): "
            + ", ".join(segs[:5])
            + ("…" if len(segs) > 5 else "")
            + "."
        )
    return out[:5]


def headline_cards(figures: dict) -> list:
    """The 5 headline cards of the report (:class:`workbook.present.report.Card`), from summary figures.

    Resolved leads, base win rate, AUC, odds ratio per 10 points and the
    recommended threshold (shown with "(indicative)" in its label on thin data).
    """
    from workbook.core.text import Card

    rec_label = "Recommended threshold"
    if not figures["recommendation_reliable"]:
        rec_label += " (indicative, thin data)"
    return [
        Card("n_resolved", "Resolved leads", figures["n_resolved"], "{:,}"),
        Card("base_win_rate", "Base win rate", figures["base_win_rate"], "{:.1%}"),
        Card("auc", "AUC of score against win", figures["auc"], "{:.2f}"),
        Card(
            "odds_ratio_per_10_points",
            "Odds ratio per 10 points",
            figures["odds_ratio_per_10_points"],
            "{:.2f}",
        ),
        Card("recommended_threshold", rec_label, figures["recommended_threshold"], "{:,.0f}"),
    ]

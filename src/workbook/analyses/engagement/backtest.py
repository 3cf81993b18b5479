"""The out-of-time skill gate of the win model.

:func:`backtest_win_model`:

1. ``cut`` = the last month-end at least ``horizon_days`` before ``as_of``
   (:func:`workbook.core.calendar.last_month_end_before`);
2. fit :func:`~workbook.analyses.engagement.win_model.fit_win_model` on
   ``crm.as_known_at(cut)``;
3. score **every** deal open at the cut, at its age then, from the data
   known at the cut;
4. label: won with close day in ``(cut, cut + horizon_days]`` in the full
   data. A deal still open at ``as_of``, closed lost, or won later counts as
   not won; no deal is left out for not having closed.

Measures on the scored deals:

* Brier score ``mean((score - y)^2)``; the reference forecasts the base
  rate known at the cut (the share of won training rows) for every deal;
  Brier skill score ``BSS = 1 - Brier / Brier_ref``, with a percentile
  bootstrap CI over deals (``scipy.stats.bootstrap``, paired, seeded);
* calibration slope: the coefficient of ``logit(score)`` in a Logit of
  ``y``; calibration intercept: the constant of a Binomial GLM of ``y`` with
  ``logit(score)`` as offset (calibration in the large; 0 is perfect);
* expected calibration error (ECE): deals in :data:`RELIABILITY_BINS`
  equal-count bins of the score (``pandas.qcut``, ties merged), ``sum_b n_b / N
  |mean score_b - observed rate_b|``; the reliability table has one row per
  bin with a Wilson CI of the observed rate.

The gate is **open** when the model was fitted at the cut and the lower
bound of the BSS CI is > 0; then (and only then) the live model's scores are
called probabilities and the variance flags appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.discrete_model import Logit
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from workbook.analyses.engagement.common import flag, open_at
from workbook.analyses.engagement.snapshots import FeatureIndex
from workbook.analyses.engagement.win_model import REFUSED, WinModel, fit_win_model, score_deals
from workbook.core.calendar import as_of_end, last_month_end_before
from workbook.core.memory import release_arrow_pages
from workbook.core.stats import wilson_interval

__all__ = [
    "BACKTEST_COLUMNS",
    "RELIABILITY_BINS",
    "Backtest",
    "backtest_win_model",
    "brier_skill",
    "not_fitted",
]

#: Equal-count score bins of the reliability table and the ECE.
RELIABILITY_BINS = 10
#: Resamples per vectorised call of the bootstrap: memory is batch x deals, the
#: draws and the CI are the same as in one call (one random stream, taken in order).
_BOOT_BATCH = 100

#: Columns of ``model_backtest.csv`` (one row, always written).
BACKTEST_COLUMNS = [
    "cut",
    "horizon_days",
    "status",
    "reason",
    "train_rows",
    "train_deals",
    "train_won_deals",
    "parameters",
    "events_per_parameter",
    "scored_deals",
    "won_deals",
    "base_rate",
    "brier",
    "brier_reference",
    "brier_skill",
    "brier_skill_ci_low",
    "brier_skill_ci_high",
    "calibration_intercept",
    "calibration_slope",
    "ece",
    "gate_open",
]


@dataclass
class Backtest:
    """Result of :func:`backtest_win_model`.

    Attributes
    ----------
    gate_open : bool
        Fitted at the cut and the BSS CI lower bound > 0.
    sentence : str
        One plain sentence on the outcome of the check.
    table : DataFrame
        One row, :data:`BACKTEST_COLUMNS` (``model_backtest.csv``).
    reliability : DataFrame
        ``bin``, ``deals``, ``mean_score``, ``observed``, ``ci_low``, ``ci_high``.
    scored : DataFrame
        ``opportunity_id``, ``age_days``, ``score``, ``won`` per deal open at the cut.
    model : WinModel
        The model fitted at the cut.
    ece : float
        Expected calibration error (0-1; NaN when not measured).
    """

    gate_open: bool
    sentence: str
    table: pd.DataFrame
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    scored: pd.DataFrame = field(default_factory=pd.DataFrame)
    model: WinModel | None = None
    ece: float = float("nan")

    @property
    def row(self) -> dict:
        """The one row of :attr:`table` as a dict."""
        return self.table.iloc[0].to_dict()


def brier_skill(score, won, base_rate: float, axis: int = -1):
    """``1 - mean((score - won)^2) / mean((base_rate - won)^2)`` along ``axis`` (NaN if 0/0)."""
    s = np.asarray(score, dtype=float)
    y = np.asarray(won, dtype=float)
    ref = np.mean((base_rate - y) ** 2, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - np.mean((s - y) ** 2, axis=axis) / ref


def _calibration(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(y) < 3 or y.min() == y.max():
        return np.nan, np.nan
    lp = np.log(np.clip(score, 1e-6, 1 - 1e-6) / np.clip(1 - score, 1e-6, 1))
    slope = Logit(y, add_constant(lp, has_constant="add")).fit(disp=0).params[1]
    glm = GLM(y, np.ones((len(y), 1)), family=Binomial(), offset=lp).fit()
    return float(glm.params[0]), float(slope)


def _reliability(score: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    bins = pd.qcut(pd.Series(score).rank(method="first"), RELIABILITY_BINS, labels=False)
    bins = bins if len(score) >= RELIABILITY_BINS else pd.Series(np.zeros(len(score), int))
    table = (
        pd.DataFrame({"bin": bins.to_numpy() + 1, "score": score, "y": y})
        .groupby("bin")
        .agg(deals=("y", "size"), mean_score=("score", "mean"), won=("y", "sum"))
        .reset_index()
    )
    table["observed"] = table["won"] / table["deals"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["won"], table["deals"])
    table["won"] = table["won"].astype("int64")
    return table[["bin", "deals", "won", "mean_score", "observed", "ci_low", "ci_high"]]


def _labels(crm, ids: pd.Series, *, cut, horizon_days: int) -> np.ndarray:
    opps = crm.opportunities.drop_duplicates("opportunity_id").set_index("opportunity_id")
    won = flag(opps["is_won"]) & flag(opps["is_closed"])
    end = as_of_end(cut) + pd.Timedelta(days=int(horizon_days))
    won &= (opps["close_date"] >= as_of_end(cut)) & (opps["close_date"] < end)
    return ids.map(won).fillna(False).to_numpy(dtype=bool).astype(float)


def _row(cut, horizon_days, model: WinModel, **figures) -> pd.DataFrame:
    epp = model.epp
    row = dict.fromkeys(BACKTEST_COLUMNS, np.nan)
    row.update(
        cut=pd.Timestamp(cut).date().isoformat(),
        horizon_days=int(horizon_days),
        status=model.status,
        reason=model.reason,
        train_rows=model.n_rows,
        train_deals=model.n_deals,
        train_won_deals=model.won_deals,
        parameters=epp.n_parameters if epp else np.nan,
        events_per_parameter=epp.per_parameter if epp else np.nan,
        gate_open=False,
    )
    row.update(figures)
    return pd.DataFrame([row], columns=BACKTEST_COLUMNS)


def backtest_win_model(
    crm,
    *,
    horizon_days: int = 180,
    snapshot_days: int = 14,
    account_window_days: int = 30,
    n_boot: int = 1000,
    seed: int = 0,
) -> Backtest:
    """Fit at the cut, score every deal open then, measure skill and calibration (module doc).

    Parameters
    ----------
    crm : CrmData
        The full data (``crm.as_of`` is the observation end).
    horizon_days, snapshot_days, account_window_days : int
        As for :func:`~workbook.analyses.engagement.win_model.fit_win_model`.
    n_boot : int, default 1000
        Bootstrap resamples of the BSS CI.
    seed : int, default 0

    Returns
    -------
    Backtest
    """
    cut = last_month_end_before(crm.as_of, horizon_days)
    past = crm.as_known_at(cut)
    # the cut's activities are loaded rows, unchanged: the index reads them where they are
    # (no copy of millions of text ids), and holds every feature the model reads from them
    rows = past.tables.rows("activities")
    index = FeatureIndex(past.opportunities, crm.activities, as_of=cut, rows=rows)
    del rows
    release_arrow_pages()
    model = fit_win_model(
        past.opportunities,
        None,
        as_of=cut,
        snapshot_days=snapshot_days,
        horizon_days=horizon_days,
        account_window_days=account_window_days,
        index=index,
    )
    n_open = int(open_at(past.opportunities, as_of=cut).sum())
    if not model.fitted:
        sentence = (
            f"The win model was not checked out of time at the cut {cut.date()}. {model.reason}"
        )
        table = _row(cut, horizon_days, model, scored_deals=n_open)
        return Backtest(False, sentence, table, model=model)
    scored = score_deals(model, past.opportunities, None, as_of=cut, index=index)
    del index, past
    release_arrow_pages()  # the cut's text columns, before the labels and the bootstrap
    scored = scored.loc[scored["score"].notna()].reset_index(drop=True)
    scored["won"] = _labels(crm, scored["opportunity_id"], cut=cut, horizon_days=horizon_days)
    y, s = scored["won"].to_numpy(), scored["score"].to_numpy()
    base = model.base_rate
    bss = float(brier_skill(s, y, base))
    if len(y) >= 2 and np.isfinite(bss):
        boot = stats.bootstrap(
            (s, y),
            lambda a, b, axis=-1: brier_skill(a, b, base, axis=axis),
            paired=True,
            vectorized=True,
            n_resamples=n_boot,
            batch=_BOOT_BATCH,
            method="percentile",
            random_state=np.random.default_rng(seed),
        )
        lo, hi = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
    else:
        lo = hi = np.nan
    intercept, slope = _calibration(s, y)
    reliability = _reliability(s, y) if len(y) else pd.DataFrame()
    ece = (
        float(
            (
                reliability["deals"] * (reliability["mean_score"] - reliability["observed"]).abs()
            ).sum()
            / len(y)
        )
        if len(y)
        else np.nan
    )
    gate = bool(np.isfinite(lo) and lo > 0)
    table = _row(
        cut,
        horizon_days,
        model,
        scored_deals=len(y),
        won_deals=int(y.sum()),
        base_rate=base,
        brier=float(np.mean((s - y) ** 2)) if len(y) else np.nan,
        brier_reference=float(np.mean((base - y) ** 2)) if len(y) else np.nan,
        brier_skill=bss,
        brier_skill_ci_low=lo,
        brier_skill_ci_high=hi,
        calibration_intercept=intercept,
        calibration_slope=slope,
        ece=ece,
        gate_open=gate,
    )
    if gate:
        sentence = (
            f"Out of time the win model beats the base rate: fitted on the data known at "
            f"{cut.date()} and scored on all {len(y):,} deals open then, its Brier skill is "
            f"{bss:.2f} (95% CI {lo:.2f} to {hi:.2f}), calibration slope {slope:.2f}."
        )
    else:
        sentence = (
            f"The win model showed no skill on held-out deals (Brier skill {bss:.2f}, 95% CI "
            f"{lo:.2f} to {hi:.2f}, on the {len(y):,} deals open at {cut.date()}), so it "
            "recommends nothing and no deal is flagged for win-probability variance."
        )
    return Backtest(gate, sentence, table, reliability, scored, model, ece)


def not_fitted(
    crm,
    *,
    reason: str,
    horizon_days: int = 180,
    snapshot_days: int = 14,
    account_window_days: int = 30,
) -> tuple[WinModel, Backtest]:
    """A refused model and its unchecked backtest, when the model must not be fitted at all.

    Used when a table the model learns from is absent (no ``activities``):
    nothing is fitted, the backtest row says why (``reason``), and the gate
    stays closed.

    Parameters
    ----------
    crm : CrmData
        The data (``crm.as_of`` and ``crm.opportunities``).
    reason : str
        Why the model was not fitted, as a full sentence.
    horizon_days, snapshot_days, account_window_days : int
        As for :func:`backtest_win_model`.

    Returns
    -------
    (WinModel, Backtest)
    """
    cut = last_month_end_before(crm.as_of, horizon_days)
    settings = dict(
        horizon_days=horizon_days, snapshot_days=snapshot_days,
        account_window_days=account_window_days,
    )  # fmt: skip
    live = WinModel(status=REFUSED, reason=reason, as_of=pd.Timestamp(crm.as_of), **settings)
    at_cut = WinModel(status=REFUSED, reason=reason, as_of=cut, **settings)
    n_open = int(open_at(crm.opportunities, as_of=cut).sum())
    table = _row(cut, horizon_days, at_cut, scored_deals=n_open)
    return live, Backtest(False, reason, table, model=at_cut)

"""Track record of the recommendation, and an out-of-time calibration of the logit.

**Track record.** At each cut ``k`` months before ``as_of`` (month-ends,
:func:`workbook.core.calendar.month_end_cuts`), the recommended threshold is
computed from ``crm.as_known_at(cut)`` exactly as today's, then the full data
show what happened in the 3 complete months after the cut at that threshold:
the monthly counts of scored leads with score >= threshold, and whether each
went over capacity. Only months complete at ``as_of`` are counted. Scores are
today's scores: a CRM keeps no history of them (``docs/time_travel.md``).
The recommendation at a cut needs only the inflow known then (when each
scored lead came, and its score), and ``as_known_at`` drops leads by
``created_at`` alone and keeps every score, so :func:`track_record` takes
that inflow from today's outcomes (the scored leads created on or before
the cut) instead of rebuilding each past view.

**Out-of-time calibration.** The logit of won on score is fitted on the leads
matured by a cut (``created_at <= cut - horizon_days``, outcomes as known at
the cut) and checked on the leads that matured after it and by ``as_of``
(``cut - horizon_days < created_at <= as_of - horizon_days``, outcomes from
the full data).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import logit

from workbook.analyses.scoring.capacity import (
    capacity_months_table,
    capacity_table,
    complete_months,
    recommend_threshold,
)
from workbook.analyses.scoring.discrimination import (
    Patterns,
    logit_fit_patterns,
    patterns,
    predicted_win_probability,
    weighted_logit,
)
from workbook.analyses.scoring.outcomes import matured_leads
from workbook.analyses.scoring.relational import crm_outcome_table, score_won_frame
from workbook.analyses.scoring.thresholds import default_thresholds
from workbook.core import calendar

__all__ = [
    "FOLLOW_MONTHS",
    "TRACK_COLUMNS",
    "out_of_time_calibration",
    "recommendation_at",
    "track_record",
]

#: Months after a cut in which the recommendation is checked.
FOLLOW_MONTHS = 3

TRACK_COLUMNS = [
    "cut",
    "months_before",
    "recommended_threshold",
    "predicted_p_over_capacity",
    "month",
    "count",
    "over_capacity",
]


def recommendation_at(
    crm,
    *,
    thresholds,
    score_range,
    capacity_per_month,
    capacity_months,
    overflow_risk,
    horizon_days,
    inflow: pd.DataFrame | None = None,
) -> tuple[float, float]:
    """The recommended threshold and its ``p_over_capacity`` computed from ``crm`` (often a past view).

    ``inflow``, when given, is ``created_at`` (day) and ``score`` of the
    scored leads of ``crm`` created by ``crm.as_of`` (the rows of its
    outcome table, in any order); it is computed from ``crm`` otherwise.

    Returns
    -------
    (threshold, p_over_capacity)
        NaN, NaN when no grid threshold qualifies.
    """
    if inflow is None:
        # the inflow needs only when each scored lead came and its score: two columns
        rows, eng = crm_outcome_table(crm, horizon_days=horizon_days)
        inflow = eng.frame(
            rows.select("created_at", "score"),
            types={"created_at": "datetime64[ns]", "score": "float64"},
        )
    grid = (
        np.asarray(sorted({float(t) for t in thresholds}))
        if thresholds is not None and len(thresholds)
        else default_thresholds(inflow["score"], score_range=score_range)
    )
    cap = capacity_table(
        capacity_months_table(
            inflow, thresholds=grid, as_of=crm.as_of, capacity_months=capacity_months
        ),
        capacity_per_month=capacity_per_month,
    )
    rec = recommend_threshold(cap, overflow_risk=overflow_risk)
    p = cap.loc[cap["threshold"] == rec, "p_over_capacity"]
    return rec, float(p.iloc[0]) if len(p) else float("nan")


def track_record(
    crm,
    outcomes: pd.DataFrame,
    *,
    backtest_months: Sequence[int] = (3, 6, 9, 12),
    thresholds=None,
    score_range=None,
    capacity_per_month: float = 40.0,
    capacity_months: int = 6,
    overflow_risk: float = 0.10,
    horizon_days: int = 180,
) -> pd.DataFrame:
    """What the recommendation made at each earlier month-end cut would have done.

    Parameters
    ----------
    crm : CrmData
        The full data (``as_of`` today).
    outcomes : DataFrame
        :func:`~workbook.analyses.scoring.lead_outcomes` ``.outcomes`` of the
        full data (every scored lead, for today's inflow counts).
    backtest_months : sequence of int
        Cut ``k`` is the last day of the month ``k`` months before ``as_of``'s month.
    thresholds, score_range, capacity_per_month, capacity_months, overflow_risk, horizon_days
        As in :class:`~workbook.analyses.scoring.Params`.

    Returns
    -------
    DataFrame
        Columns :data:`TRACK_COLUMNS`: one row per cut and month that follows
        it (up to :data:`FOLLOW_MONTHS` months complete at ``as_of``);
        ``count`` is the scored leads of that month with score >= the
        recommended threshold; ``over_capacity`` is ``count >
        capacity_per_month``. A cut with no recommendation has one row with
        NaN month figures.
    """
    as_of = calendar.day(crm.as_of)
    done = complete_months(as_of, 1)[-1]
    rows = []
    scored = outcomes[["created_at", "score"]]
    for k, cut in zip(
        backtest_months, calendar.month_end_cuts(as_of, backtest_months), strict=True
    ):
        rec, p = recommendation_at(  # one cut at a time: a handful, not a loop over rows
            crm.as_known_at(cut),
            # the inflow known at the cut: today's scored leads created by then (module docstring)
            inflow=scored.loc[scored["created_at"] <= cut],
            thresholds=thresholds,
            score_range=score_range,
            capacity_per_month=capacity_per_month,
            capacity_months=capacity_months,
            overflow_risk=overflow_risk,
            horizon_days=horizon_days,
        )
        head = {"cut": cut, "months_before": int(k), "recommended_threshold": rec,
                "predicted_p_over_capacity": p}  # fmt: skip
        after = pd.period_range(cut.to_period("M") + 1, periods=FOLLOW_MONTHS, freq="M")
        after = after[after <= done]
        if np.isnan(rec) or not len(after):
            rows.append({**head, "month": None, "count": np.nan, "over_capacity": pd.NA})
            continue
        months = capacity_months_table(
            outcomes, thresholds=[rec], as_of=after[-1].end_time.normalize(),
            capacity_months=len(after),
        )  # fmt: skip
        for m, c in zip(months["month"], months["count"], strict=True):
            rows.append({**head, "month": m, "count": int(c),
                         "over_capacity": bool(c > capacity_per_month)})  # fmt: skip
    out = pd.DataFrame(rows, columns=TRACK_COLUMNS)
    out["over_capacity"] = out["over_capacity"].astype("boolean")
    return out


CALIBRATION_COLUMNS = [
    "cut",
    "n_train",
    "n_test",
    "wins_test",
    "base_rate_train",
    "calibration_intercept",
    "calibration_intercept_ci_low",
    "calibration_intercept_ci_high",
    "calibration_slope",
    "calibration_slope_ci_low",
    "calibration_slope_ci_high",
    "brier",
    "brier_base_rate",
    "brier_skill",
]


def out_of_time_calibration(
    crm, outcomes: pd.DataFrame, *, cut, horizon_days: int = 180, alpha: float = 0.05
) -> pd.DataFrame:
    """Fit the logit on leads matured by ``cut``, check it on leads that matured after it.

    Training: :func:`~workbook.analyses.scoring.logit_fit` on the matured
    leads of ``crm.as_known_at(cut)``. Test: the matured leads of today's
    ``outcomes`` created after ``cut - horizon_days``. On the test leads,
    with ``p`` the predicted probability and ``y`` won within the horizon:

    * ``calibration_intercept``: the intercept of a logistic GLM of ``y``
      with offset ``logit(p)`` (calibration in the large; 0 is ideal);
    * ``calibration_slope``: the slope of a logistic GLM of ``y`` on
      ``logit(p)`` (1 is ideal; below 1, predictions are too extreme);
      both with Wald intervals;
    * ``brier`` = mean((p - y)²); ``brier_base_rate`` = the same with the
      training base rate for every lead; ``brier_skill`` = 1 - brier /
      brier_base_rate (above 0: better than the base rate).

    Returns
    -------
    DataFrame
        One row, columns ``cut``, ``n_train``, ``n_test``, ``wins_test``,
        ``base_rate_train``, the figures above and their intervals; NaN when
        either side has no wins or no losses, or the fit fails.
    """
    cut = calendar.day(cut)
    past = crm.as_known_at(cut)
    # the training fit needs only the matured leads and wins per score, counted by the engine
    rows, eng = crm_outcome_table(past, as_of=cut, horizon_days=horizon_days)
    counts = score_won_frame(rows, engine=eng)
    fit = logit_fit_patterns(Patterns.from_counts(counts["score"], counts["n"], counts["wins"]))
    n_train = int(fit.iloc[0]["n"])
    base = float(counts["wins"].sum() / n_train) if n_train else np.nan
    test = matured_leads(outcomes)
    test = test.loc[test["created_at"] > cut - pd.Timedelta(days=int(horizon_days))]
    y = test["won"].to_numpy(dtype="float64")
    row = dict.fromkeys(CALIBRATION_COLUMNS, np.nan)
    row.update(cut=cut, n_train=n_train, n_test=len(test), wins_test=int(y.sum()),
               base_rate_train=base)  # fmt: skip
    if bool(fit.iloc[0]["converged"]) and 0 < y.sum() < len(y):
        # both GLMs depend on the test leads only through (score, won): fit them on the
        # distinct patterns with frequency weights (IRLS, as the row-level GLMs were)
        cells = patterns(test["score"].to_numpy(dtype="float64"), y.astype(bool))
        p = np.clip(predicted_win_probability(cells.x, fit), 1e-12, 1 - 1e-12)
        lp = logit(p)
        icpt = weighted_logit(None, cells.won, cells.n, offset=lp, method="irls")
        slope = weighted_logit(lp, cells.won, cells.n, method="irls")
        ci_i = np.asarray(icpt.conf_int(alpha=alpha))
        ci_s = np.asarray(slope.conf_int(alpha=alpha))
        n = cells.n.sum()
        brier = float(np.sum(cells.n * (p - cells.won) ** 2) / n)
        ref = float(np.sum(cells.n * (base - cells.won) ** 2) / n)
        row.update(
            calibration_intercept=float(icpt.params[0]),
            calibration_intercept_ci_low=float(ci_i[0, 0]),
            calibration_intercept_ci_high=float(ci_i[0, 1]),
            calibration_slope=float(slope.params[1]),
            calibration_slope_ci_low=float(ci_s[1, 0]),
            calibration_slope_ci_high=float(ci_s[1, 1]),
            brier=brier,
            brier_base_rate=ref,
            brier_skill=1 - brier / ref if ref > 0 else np.nan,
        )

    return pd.DataFrame([row])[CALIBRATION_COLUMNS]

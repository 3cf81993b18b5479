"""The win-probability model and the gap between rep and model probability.

Win model (:func:`fit_win_model`)
---------------------------------
A statsmodels ``Logit`` of ``is_won`` on closed opportunities (``is_closed``
true, ``close_date`` on or before ``as_of``) with features known both for a
closed and an open deal: ``log1p(age_days)``, ``log1p(amount)``,
``log1p(activities)`` and ``log1p(meetings)``. For a closed deal the age is
``close_date - created_at`` and activities are those linked by
``opportunity_id`` up to the end of the close day; for an open deal the age
is ``as_of - created_at`` and activities up to ``as_of``. The stage is **not**
a feature: a closed deal's stage is ``Closed Won``/``Closed Lost``, which is
the label itself, and the CRM keeps no stage history from which the furthest
stage reached could be derived. Features with no variance are dropped (and
listed). The model refuses (flags nothing, says why) when fewer than
``min_closed`` closed deals exist, when all closed deals share one outcome,
on perfect separation, a singular design or no convergence.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from workbook.analyses.engagement import _docs  # noqa: F401  (registers doc fragments)
from workbook.analyses.engagement.common import end_of_day, flag
from workbook.analyses.engagement.effectiveness import opp_activity_stats
from workbook.core.calendar import as_of_end
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

__all__ = [
    "FITTED",
    "MODEL_FEATURES",
    "REFUSED",
    "WinModel",
    "closed_deal_features",
    "fit_win_model",
    "probability_variance",
]

MODEL_FEATURES = ("log_age_days", "log_amount", "log_activities", "log_meetings")

FITTED = "fitted"
REFUSED = "refused"

_DAY = pd.Timedelta(days=1)


@dataclass
class WinModel:
    """Result of :func:`fit_win_model`.

    Attributes
    ----------
    status : str
        ``"fitted"`` or ``"refused"``.
    reason : str
        Why it was refused (empty when fitted).
    n_closed, n_won : int
        Closed deals with an amount (those used in the fit) and the won ones.
    min_closed : int
        The ``min_closed`` asked for.
    features : list of str
        Features in the fit.
    dropped_features : list of str
        Features left out for having no variance.
    excluded_missing : int
        Closed deals without an amount (left out of the fit).
    coefficients : DataFrame
        ``term``, ``coef``, ``std_err``, ``z``, ``p_value``, ``ci_low``,
        ``ci_high``, ``odds_ratio`` (empty when refused).
    result : statsmodels results or None
        The fitted Logit.
    """

    status: str
    reason: str
    n_closed: int
    n_won: int
    min_closed: int
    features: list[str] = field(default_factory=list)
    dropped_features: list[str] = field(default_factory=list)
    excluded_missing: int = 0
    coefficients: pd.DataFrame = field(default_factory=pd.DataFrame)
    result: object | None = None

    @property
    def fitted(self) -> bool:
        """True when the model was fitted (not refused)."""
        return self.status == FITTED


def _features(age_days, amount, activities, meetings) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "log_age_days": np.log1p(np.clip(np.asarray(age_days, dtype="float64"), 0, None)),
            "log_amount": np.log1p(np.clip(np.asarray(amount, dtype="float64"), 0, None)),
            "log_activities": np.log1p(np.asarray(activities, dtype="float64")),
            "log_meetings": np.log1p(np.asarray(meetings, dtype="float64")),
        }
    )


@shared_docs
def closed_deal_features(
    opportunities: pd.DataFrame, activities: pd.DataFrame, *, as_of
) -> pd.DataFrame:
    """Model features of every closed deal (``close_date`` on or before ``as_of``).

    Parameters
    ----------
    {engagement_opportunities}
    activities : DataFrame
        Canonical ``activities``.
    {as_of}

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``won`` (0/1), ``age_days`` (float, close -
        created), ``amount``, ``activities``, ``meetings`` (up to the end of
        the close day), then the :data:`MODEL_FEATURES` columns.
    """
    require_frame(opportunities, "opportunities", ["opportunity_id", "is_closed", "close_date"])
    require_frame(activities, "activities", ["opportunity_id", "occurred_at", "type"])
    end_all = as_of_end(as_of)
    closed = opportunities.loc[
        (flag(opportunities["is_closed"]) & (opportunities["close_date"] < end_all)).to_numpy(
            dtype=bool
        )
    ].reset_index(drop=True)
    end = end_of_day(closed["close_date"]).clip(upper=end_all).to_numpy()
    stats = opp_activity_stats(activities, closed, end)
    out = pd.DataFrame(
        {
            "opportunity_id": closed["opportunity_id"],
            "won": flag(closed["is_won"]).astype("int64"),
            "age_days": ((closed["close_date"] - closed["created_at"]) / _DAY).clip(lower=0),
            "amount": closed["amount"].astype("float64"),
            "activities": stats["activities"].to_numpy(),
            "meetings": stats["meetings"].to_numpy(),
        }
    )
    feats = _features(out["age_days"], out["amount"], out["activities"], out["meetings"])
    return pd.concat([out, feats], axis=1)


def _coefficients(result) -> pd.DataFrame:
    ci = result.conf_int()
    coefs = pd.DataFrame(
        {
            "term": list(result.params.index),
            "coef": result.params.to_numpy(),
            "std_err": result.bse.to_numpy(),
            "z": result.tvalues.to_numpy(),
            "p_value": result.pvalues.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
        }
    )
    coefs["odds_ratio"] = np.exp(coefs["coef"])
    return coefs


@shared_docs
def fit_win_model(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    as_of,
    min_closed: int = 50,
) -> WinModel:
    """Fit the win-probability Logit on closed deals, or refuse and say why.

    See the module docstring for the features and the refusal rules.
    ``n_closed`` counts closed deals with an amount (those used in the fit).

    Parameters
    ----------
    {engagement_opportunities}
    activities : DataFrame
        Canonical ``activities``.
    {as_of}
    min_closed : int, default 50
        Fewer closed deals with an amount: refuse.

    Returns
    -------
    WinModel
    """
    data = closed_deal_features(opportunities, activities, as_of=as_of)
    missing = int(data["amount"].isna().sum())
    data = data.loc[data["amount"].notna()].reset_index(drop=True)
    n, won = len(data), int(data["won"].sum())
    base = dict(n_closed=n, n_won=won, min_closed=int(min_closed), excluded_missing=missing)
    if n < min_closed:
        return WinModel(
            REFUSED,
            f"only {n} closed deals with an amount; the model needs at least {min_closed}",
            **base,
        )
    if won in (0, n):
        return WinModel(REFUSED, "all closed deals have the same outcome", **base)
    feats = [f for f in MODEL_FEATURES if data[f].nunique() > 1]
    dropped = [f for f in MODEL_FEATURES if f not in feats]
    base.update(features=feats, dropped_features=dropped)
    x = sm.add_constant(data[feats], has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(data["won"].astype("float64"), x).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
            return WinModel(REFUSED, f"the fit failed: {exc}", **base)
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return WinModel(REFUSED, "the features separate won and lost deals perfectly", **base)
    converged = bool(result.mle_retvals.get("converged", False))
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return WinModel(REFUSED, "the fit did not converge", **base)
    return WinModel(FITTED, "", coefficients=_coefficients(result), result=result, **base)


def probability_variance(
    effectiveness: pd.DataFrame, model: WinModel, *, threshold: float = 30
) -> pd.DataFrame:
    """Rep probability against model probability for every open opportunity.

    ``model_probability`` is the Logit prediction in points (0-100) from the
    open deal's current age, amount, activities and meetings (columns of
    :func:`workbook.analyses.engagement.effectiveness.opportunity_effectiveness`);
    ``variance = probability - model_probability``; ``flagged`` when
    ``|variance| >= threshold`` (inclusive). Nothing is flagged, and the
    model columns are NaN, when the model was refused; a blank rep
    probability or amount is never flagged.

    Parameters
    ----------
    effectiveness : DataFrame
        Output of ``opportunity_effectiveness``.
    model : WinModel
        Output of :func:`fit_win_model`.
    threshold : float, default 30
        Points of ``|variance|`` that flag a deal.

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``owner_id``, ``stage``, ``amount``,
        ``probability``, ``model_probability``, ``variance``, ``flagged``.
    """
    require_frame(
        effectiveness,
        "effectiveness",
        ["opportunity_id", "owner_id", "stage", "amount", "probability", "age_days"],
    )
    if not isinstance(model, WinModel):
        raise TypeError(f"model must be a WinModel (fit_win_model), got {type(model).__name__}")
    out = effectiveness[
        ["opportunity_id", "owner_id", "stage", "amount", "probability"]
    ].reset_index(drop=True)
    if model.fitted and len(out):
        feats = _features(
            effectiveness["age_days"],
            effectiveness["amount"],
            effectiveness["activities"],
            effectiveness["meetings"],
        )
        x = sm.add_constant(feats[model.features], has_constant="add")
        pred = np.asarray(model.result.predict(x), dtype="float64") * 100
        pred = np.where(effectiveness["amount"].isna().to_numpy(), np.nan, pred)
    else:
        pred = np.full(len(out), np.nan)
    out["model_probability"] = pred
    out["variance"] = out["probability"].astype("float64") - out["model_probability"]
    out["flagged"] = (out["variance"].abs() >= threshold).to_numpy(dtype=bool)
    return out

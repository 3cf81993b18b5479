"""The win model: a snapshot Logit with a fixed horizon, its scores, and rep-vs-model variance.

Fit (:func:`fit_win_model`)
---------------------------
A Logit of ``won`` (won within ``horizon_days`` after the
snapshot day) on the snapshot rows of
:func:`workbook.analyses.engagement.snapshots.snapshot_rows`: one row per
deal and age ``0, snapshot_days, ...`` strictly before its close, while the
snapshot day + ``horizon_days`` is on or before the fitting day. Features are
those known at that age (:data:`~workbook.analyses.engagement.snapshots.FEATURES`,
a constant added); a feature with no variance is dropped. Standard errors are
clustered by deal (``cov_type="cluster"``): one deal gives several rows. The
fit is :func:`workbook.core.logit.clustered_logit`, statsmodels' Newton
``Logit(...).fit(cov_type="cluster")`` to rounding, without its copies of the
2M+ snapshot rows.

The model is **refused** (scores nothing, and says why) when the smaller
outcome class has fewer than 10 deals per parameter
(:func:`workbook.core.models.events_per_parameter_ok`, counting deals: a
deal is an event when any of its rows is won), on perfect separation, a
singular design or no convergence.

Whether a score may be called a probability, and whether the variance flags
appear, is decided out of time by
:func:`workbook.analyses.engagement.backtest.backtest_win_model`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from workbook.analyses.engagement.common import open_at
from workbook.analyses.engagement.snapshots import (
    FEATURES,
    FeatureIndex,
    _day_numbers,
    deal_features,
    snapshot_design,
)
from workbook.core.calendar import day
from workbook.core.checks import require_frame
from workbook.core.logit import ClusteredLogit, clustered_logit
from workbook.core.models import EventsPerParameter, events_per_parameter_ok

__all__ = [
    "FITTED",
    "REFUSED",
    "WinModel",
    "fit_win_model",
    "probability_variance",
    "score_deals",
]

FITTED = "fitted"
REFUSED = "refused"


@dataclass
class WinModel:
    """Result of :func:`fit_win_model`.

    Attributes
    ----------
    status : str
        ``"fitted"`` or ``"refused"``.
    reason : str
        Why it was refused, as a full sentence (empty when fitted).
    as_of : Timestamp
        The fitting day (labels known up to it).
    horizon_days, snapshot_days, account_window_days : int
        The horizon of the label, the step between snapshot ages and the
        window of the account-engagement feature.
    n_rows, n_deals : int
        Snapshot rows and deals with at least one row.
    won_deals : int
        Deals with a won row (the event class, counted in deals).
    epp : EventsPerParameter or None
        The events-per-parameter check (None when there was no row).
    features, dropped_features : list of str
        Features in the fit; features left out for having no variance.
    excluded_missing : int
        Deals left out for a blank ``created_at`` or ``amount``.
    coefficients : DataFrame
        ``term``, ``coef``, ``std_err`` (clustered by deal), ``z``,
        ``p_value``, ``ci_low``, ``ci_high``, ``odds_ratio``; empty when refused.
    base_rate : float
        Share of won training rows (NaN when refused).
    result : ClusteredLogit or None
        The fit (:func:`workbook.core.logit.clustered_logit`, statsmodels'
        Newton Logit with clustered SEs); it keeps no training row and
        predicts from a given design (a constant column first).
    """

    status: str
    reason: str
    as_of: pd.Timestamp
    horizon_days: int
    snapshot_days: int
    account_window_days: int
    n_rows: int = 0
    n_deals: int = 0
    won_deals: int = 0
    epp: EventsPerParameter | None = None
    features: list[str] = field(default_factory=list)
    dropped_features: list[str] = field(default_factory=list)
    excluded_missing: int = 0
    coefficients: pd.DataFrame = field(default_factory=pd.DataFrame)
    base_rate: float = float("nan")
    result: object | None = None

    @property
    def fitted(self) -> bool:
        """True when the model was fitted (not refused)."""
        return self.status == FITTED


def _coefficients(result: ClusteredLogit, terms: list[str]) -> pd.DataFrame:
    ci = result.conf_int()
    coefs = pd.DataFrame(
        {
            "term": terms,
            "coef": result.params,
            "std_err": result.bse,
            "z": result.tvalues,
            "p_value": result.pvalues,
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }
    )
    coefs["odds_ratio"] = np.exp(coefs["coef"])
    return coefs


def fit_win_model(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame | None,
    *,
    as_of,
    snapshot_days: int = 14,
    horizon_days: int = 180,
    account_window_days: int = 30,
    index: FeatureIndex | None = None,
) -> WinModel:
    """Fit the snapshot win Logit on the data known at ``as_of``, or refuse and say why.

    See the module docstring for the rows, features and refusal rules.

    Parameters
    ----------
    opportunities, activities : DataFrame
        Canonical tables as known at ``as_of`` (``crm.as_known_at(cut)``).
    as_of : date-like
        The fitting day.
    snapshot_days, horizon_days, account_window_days : int
        See :func:`workbook.analyses.engagement.snapshots.snapshot_rows`.
    index : FeatureIndex, optional
        Of these tables at ``as_of``, when already built (share it with
        :func:`score_deals` on the same tables). With it, ``activities``
        may be None: the index holds everything the features read from them.

    Returns
    -------
    WinModel
    """
    snap = snapshot_design(
        opportunities,
        activities,
        as_of=as_of,
        snapshot_days=snapshot_days,
        horizon_days=horizon_days,
        account_window_days=account_window_days,
        index=index,
    )
    base = dict(
        as_of=day(as_of),
        horizon_days=int(horizon_days),
        snapshot_days=int(snapshot_days),
        account_window_days=int(account_window_days),
        n_rows=len(snap),
        n_deals=snap.deals,
        excluded_missing=snap.excluded_missing,
    )
    if not len(snap):
        return WinModel(REFUSED, "No deal has a snapshot whose horizon has passed.", **base)
    # won per deal: any won row (a blank id is no deal, as in a groupby)
    named = snap.deal >= 0
    counts = np.bincount(snap.deal[named], minlength=snap.n_deal_codes)
    wins = np.bincount(snap.deal[named], weights=snap.won[named], minlength=snap.n_deal_codes)
    per_deal = (wins[counts > 0] > 0).astype(np.int64)
    del named, counts, wins
    base["won_deals"] = int(per_deal.sum())
    keep = [j for j in range(len(FEATURES)) if _varies(snap.design[:, 1 + j])]
    feats = [FEATURES[j] for j in keep]
    dropped = [f for f in FEATURES if f not in feats]
    epp = events_per_parameter_ok(
        per_deal, n_parameters=1 + len(feats), event="won", non_event="never won"
    )
    base.update(epp=epp, features=feats, dropped_features=dropped)
    if not epp.ok:
        return WinModel(REFUSED, epp.sentence, **base)
    x = snap.design
    if len(keep) < len(FEATURES):  # a constant feature: the design without it (a copy)
        x = np.asfortranarray(x[:, [0, *(1 + j for j in keep)]])
    won, groups = snap.won, snap.deal
    del snap
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = clustered_logit(won, x, groups, maxiter=200)
        except np.linalg.LinAlgError as exc:
            return WinModel(REFUSED, f"The fit failed: {exc}.", **base)
    del x, groups
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return WinModel(REFUSED, "The features separate won and lost deals perfectly.", **base)
    if not result.converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return WinModel(REFUSED, "The fit did not converge.", **base)
    coefficients = _coefficients(result, ["const", *feats])
    return WinModel(
        FITTED,
        "",
        coefficients=coefficients,
        base_rate=result.endog_mean,
        result=result,
        **base,
    )


def _varies(column: np.ndarray) -> bool:
    """More than one distinct non-missing value (``Series.nunique() > 1``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all missing
        return bool(np.nanmax(column) > np.nanmin(column)) if len(column) else False


def score_deals(
    model: WinModel,
    opportunities: pd.DataFrame,
    activities: pd.DataFrame | None,
    *,
    as_of,
    index: FeatureIndex | None = None,
) -> pd.DataFrame:
    """Score every deal open at ``as_of`` at its current age (snapshot day = ``as_of``).

    Parameters
    ----------
    model : WinModel
        A fitted model (:func:`fit_win_model`); a refused one gives NaN scores.
    opportunities, activities : DataFrame
        The tables known at ``as_of``.
    as_of : date-like
    index : FeatureIndex, optional
        Of these tables at ``as_of``, when already built (then ``activities``
        may be None).

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``age_days``, ``score`` (0-1; NaN when the model
        is refused or the amount is blank), one row per open deal, in input
        order.
    """
    if not isinstance(model, WinModel):
        raise TypeError(f"model must be a WinModel (fit_win_model), got {type(model).__name__}")
    deals = opportunities.loc[open_at(opportunities, as_of=as_of)].reset_index(drop=True)
    d = np.full(len(deals), _day_numbers([day(as_of)])[0])
    out = pd.DataFrame(
        {
            "opportunity_id": deals["opportunity_id"].to_numpy(),
            "age_days": (d - _day_numbers(deals["created_at"])),
        }
    )
    if not model.fitted or not len(deals):
        return out.assign(score=np.nan)
    feats = deal_features(
        deals,
        d,
        opportunities=opportunities,
        activities=activities,
        as_of=as_of,
        account_window_days=model.account_window_days,
        index=index,
    )
    x = np.column_stack([np.ones(len(feats)), feats[model.features].to_numpy(dtype="float64")])
    score = model.result.predict(x)
    out["score"] = np.where(deals["amount"].isna().to_numpy(), np.nan, score)
    return out


def probability_variance(
    effectiveness: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    gate_open: bool,
    threshold: float,
) -> pd.DataFrame:
    """Rep probability against the model's for every open deal, flagged only behind the gate.

    ``model_probability`` = score × 100 (points), ``variance = probability -
    model_probability``, ``flagged`` when ``|variance| > threshold`` (strict),
    ``impact = amount × |variance| / 100``; flagged deals first, largest
    impact first. When ``gate_open`` is false (the model showed no skill out
    of time) the model columns are absent: the table holds only the rep's
    side and nothing is flagged.

    Parameters
    ----------
    effectiveness : DataFrame
        :func:`workbook.analyses.engagement.effectiveness.opportunity_effectiveness`.
    scores : DataFrame
        :func:`score_deals` at the same ``as_of``.
    gate_open : bool
        The out-of-time skill gate of the backtest.
    threshold : float
        Points; the pipeline passes max(``probability_variance_threshold``,
        the backtest's expected calibration error in points).

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``owner_id``, ``stage``, ``amount``,
        ``probability`` and, behind the gate, ``model_probability``,
        ``variance``, ``impact``, ``flagged``.
    """
    require_frame(
        effectiveness,
        "effectiveness",
        ["opportunity_id", "owner_id", "stage", "amount", "probability"],
    )
    require_frame(scores, "scores", ["opportunity_id", "score"])
    out = effectiveness[
        ["opportunity_id", "owner_id", "stage", "amount", "probability"]
    ].reset_index(drop=True)
    if not gate_open:
        return out
    model = out["opportunity_id"].map(scores.set_index("opportunity_id")["score"]) * 100
    out["model_probability"] = model.astype("float64")
    out["variance"] = out["probability"].astype("float64") - out["model_probability"]
    out["impact"] = out["amount"].astype("float64") * out["variance"].abs() / 100
    out["flagged"] = (out["variance"].abs() > threshold).to_numpy(dtype=bool)
    out = out.sort_values(
        ["flagged", "impact", "opportunity_id"],
        ascending=[False, False, True],
        kind="stable",
        na_position="last",
    )
    return out.reset_index(drop=True)

"""Headline figures: the numbers of ``summary.json``, taken from the report's tables.

Nothing is computed here that a table does not already hold; each key is read
from one row of one table (and :func:`data_sufficiency`), with NaN written as
``None``.
"""

from __future__ import annotations

import math

import pandas as pd

from workbook.analyses.scoring.decay import parse_decay_points
from workbook.analyses.scoring.narrative import tradeoff_sentence
from workbook.analyses.scoring.outcomes import MIN_RESOLVED, MIN_WINS, data_sufficiency
from workbook.core.checks import require_frame

__all__ = ["summary_figures"]


def _num(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _discrimination_figures(auc: pd.DataFrame, logit: pd.DataFrame, correlations) -> dict:
    a = auc.iloc[0]
    lg = logit.iloc[0]
    corr = correlations.reset_index(drop=True)
    return {
        "auc": _num(a["auc"]),
        "auc_ci": [_num(a["ci_low"]), _num(a["ci_high"])],
        "auc_ci_contains_half": None
        if pd.isna(a["ci_contains_half"])
        else bool(a["ci_contains_half"]),
        "logit_slope": _num(lg["slope"]),
        "logit_slope_ci": [_num(lg["slope_ci_low"]), _num(lg["slope_ci_high"])],
        "logit_slope_p_value": _num(lg["slope_p_value"]),
        "odds_ratio_per_10_points": _num(lg["odds_ratio_per_10_points"]),
        "odds_ratio_per_10_points_ci": [
            _num(lg["odds_ratio_ci_low"]),
            _num(lg["odds_ratio_ci_high"]),
        ],
        "point_biserial": _num(corr.loc[0, "coefficient"]),
        "point_biserial_p": _num(corr.loc[0, "p_value"]),
        "spearman_score_won": _num(corr.loc[1, "coefficient"]),
        "spearman_score_won_p": _num(corr.loc[1, "p_value"]),
        "spearman_score_amount": _num(corr.loc[2, "coefficient"]),
        "spearman_score_amount_p": _num(corr.loc[2, "p_value"]),
        "spearman_score_amount_n": int(corr.loc[2, "n"]),
    }


def _threshold_figures(comparison: pd.DataFrame) -> dict:
    comp = comparison.set_index("label")
    figs: dict[str, object] = {}
    for label in ("current", "recommended"):
        row = comp.loc[label]
        figs[f"{label}_threshold"] = _num(row["threshold"])
        figs[f"handed_off_per_month_{label}"] = _num(row["handed_off_per_month"])
        figs[f"win_rate_{label}"] = _num(row["win_rate"])
        figs[f"win_rate_{label}_ci"] = [
            _num(row["win_rate_ci_low"]),
            _num(row["win_rate_ci_high"]),
        ]
        figs[f"share_of_wins_{label}"] = _num(row["share_of_wins"])
        figs[f"share_of_wins_{label}_ci"] = [
            _num(row["share_of_wins_ci_low"]),
            _num(row["share_of_wins_ci_high"]),
        ]
    return figs


def _decay_figures(decay: pd.DataFrame, *, decay_after_days, decay_points) -> dict:
    d = decay.set_index("scenario")
    figs: dict[str, object] = {
        "decay_after_days": decay_after_days,
        "decay_points": None if decay_points is None else parse_decay_points(decay_points),
        "decay_threshold": _num(d.loc["current scores", "threshold"]),
        "decay_resolved_leads_decayed": int(d["decayed_leads"].iloc[0]),
        "decay_wins_decayed": int(d["decayed_wins"].iloc[0]),
    }
    for key, scen in (("before", "current scores"), ("after", "after decay")):
        figs[f"decay_handed_off_per_month_{key}"] = _num(d.loc[scen, "handed_off_per_month"])
        figs[f"decay_win_rate_{key}"] = _num(d.loc[scen, "win_rate"])
        figs[f"decay_share_of_wins_{key}"] = _num(d.loc[scen, "share_of_wins"])
    return figs


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
    """Key figures for ``summary.json``, from the report's tables.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`~workbook.analyses.scoring.lead_outcomes` ``.outcomes``.
    auc, logit, correlations, comparison : DataFrame
        :func:`~workbook.analyses.scoring.auc_with_ci`,
        :func:`~workbook.analyses.scoring.logit_fit`,
        :func:`~workbook.analyses.scoring.correlations` and
        :func:`~workbook.analyses.scoring.threshold_comparison` (labels
        ``current`` and ``recommended``) output.
    capacity_per_month : float
        Handed-off leads sales can follow up per month.
    decay : DataFrame, optional
        :func:`~workbook.analyses.scoring.decay_summary` output; adds the
        ``decay_*`` keys, with ``decay_after_days`` and ``decay_points``.
    segments : DataFrame, optional
        :func:`~workbook.analyses.scoring.segment_auc` output; adds
        ``segments_not_predicting``.
    min_resolved, min_wins : int
        Limits of :func:`~workbook.analyses.scoring.data_sufficiency`.

    Returns
    -------
    dict
        ``n_resolved``, ``n_unresolved``, ``n_wins``, ``base_win_rate``
        (wins / resolved), ``auc``, ``auc_ci`` ([low, high]),
        ``logit_slope``, ``logit_slope_ci``, ``odds_ratio_per_10_points``,
        ``point_biserial``, ``point_biserial_p``, ``spearman_score_won``,
        ``spearman_score_amount``, ``spearman_score_amount_p``,
        ``current_threshold``, ``recommended_threshold`` (None when no grid
        threshold fits), ``capacity_per_month``, ``recommendation_reliable``
        (False on thin data), ``thin_data_message``, ``thin_data_shortfall``,
        the trade-off numbers at both thresholds (``handed_off_per_month_*``,
        ``win_rate_*`` and ``share_of_wins_*`` with ``*_ci``),
        ``tradeoff_sentence``, the decay what-if (``decay_*``) and
        ``segments_not_predicting`` (segments whose AUC CI contains 0.5).
    """
    for name, frame in (("auc", auc), ("logit", logit), ("correlations", correlations)):
        require_frame(frame, name)
    require_frame(comparison, "comparison", ("label",))
    suff = data_sufficiency(outcomes, min_resolved=min_resolved, min_wins=min_wins)
    n_res = suff["n_resolved"]
    figs: dict[str, object] = {
        "n_resolved": n_res,
        "n_unresolved": suff["n_unresolved"],
        "n_wins": suff["n_wins"],
        "base_win_rate": suff["n_wins"] / n_res if n_res else None,
        **_discrimination_figures(auc, logit, correlations),
        "capacity_per_month": capacity_per_month,
        "recommendation_reliable": bool(suff["reliable"]),
        "thin_data_message": suff["message"],
        "thin_data_shortfall": suff["shortfall"],
        "tradeoff_sentence": tradeoff_sentence(comparison, capacity_per_month=capacity_per_month),
        **_threshold_figures(comparison),
    }
    if decay is not None and len(decay):
        figs.update(
            _decay_figures(decay, decay_after_days=decay_after_days, decay_points=decay_points)
        )
    if segments is not None and len(segments):
        flagged = segments.loc[segments["score_predicts"].eq(False).fillna(False), "segment"]
        figs["segments_not_predicting"] = [str(s) for s in flagged]
    return figs

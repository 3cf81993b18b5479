"""Headline figures: the numbers of ``summary.json``, taken from the report's tables.

Nothing is computed here that a table does not already hold; each key is read
from one row of one table (and :func:`data_sufficiency`), with NaN written as
``None``. The keys are documented in ``docs/reports/scoring.md``.
"""

from __future__ import annotations

import math

import pandas as pd

from workbook.analyses.scoring import narrative
from workbook.analyses.scoring.outcomes import MIN_MATURED, MIN_WINS, data_sufficiency
from workbook.analyses.scoring.params import parse_decay_points

__all__ = ["summary_figures"]


def _num(x) -> float | None:
    if x is None or x is pd.NA:
        return None
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


def _threshold_figures(comparison: pd.DataFrame, capacity: pd.DataFrame) -> dict:
    comp = comparison.set_index("label")
    cap = capacity.set_index("threshold")
    figs: dict[str, object] = {}
    for label in ("current", "recommended"):
        row = comp.loc[label]
        t = _num(row["threshold"])
        figs[f"{label}_threshold"] = t
        at = cap.loc[t] if t is not None and t in cap.index else None
        vol = None if at is None else _num(at["monthly_volume"])
        figs[f"monthly_volume_{label}"] = vol
        figs[f"handed_off_per_month_{label}"] = vol
        figs[f"p_over_capacity_{label}"] = None if at is None else _num(at["p_over_capacity"])
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


def _band_figures(band: pd.DataFrame) -> dict:
    b = band.iloc[0]
    return {
        "band_lower": _num(b["lower"]),
        "band_upper": _num(b["upper"]),
        "band_matured": int(b["matured"]),
        "band_win_rate": _num(b["win_rate"]),
        "band_win_rate_ci": [_num(b["ci_low"]), _num(b["ci_high"])],
        "band_ratio_to_base": _num(b["ratio_to_base"]),
        "band_leads_per_year": _num(b["leads_per_year"]),
    }


def _track_figures(track: pd.DataFrame, backtest_months) -> dict:
    months = track.dropna(subset=["count"])
    return {
        "track_record_cuts": int(track["cut"].nunique()),
        "backtest_months_text": [str(int(k)) for k in backtest_months],
        "track_record_months": int(len(months)),
        "track_record_months_within": int((~months["over_capacity"].astype(bool)).sum()),
    }


def _calibration_figures(cal: pd.DataFrame) -> dict:
    c = cal.iloc[0]
    skill = _num(c["brier_skill"])
    ci_s = (_num(c["calibration_slope_ci_low"]), _num(c["calibration_slope_ci_high"]))
    ci_i = (_num(c["calibration_intercept_ci_low"]), _num(c["calibration_intercept_ci_high"]))
    calibrated = (
        skill is not None and skill > 0 and ci_s[0] <= 1 <= ci_s[1] and ci_i[0] <= 0 <= ci_i[1]
    )
    return {
        "oot_cut": str(pd.Timestamp(c["cut"]).date()),
        "oot_n_train": int(c["n_train"]),
        "oot_n_test": int(c["n_test"]),
        "oot_brier": _num(c["brier"]),
        "oot_brier_base_rate": _num(c["brier_base_rate"]),
        "oot_brier_skill": skill,
        "oot_calibration_slope": _num(c["calibration_slope"]),
        "oot_calibration_slope_ci": list(ci_s),
        "oot_calibration_intercept": _num(c["calibration_intercept"]),
        "oot_calibration_intercept_ci": list(ci_i),
        "oot_calibrated": bool(calibrated),
    }


def _decay_figures(comparison, handoff, *, decay_after_days, decay_points) -> dict:
    figs: dict[str, object] = {
        "decay_computed": comparison is not None,
        "decay_after_days": decay_after_days,
        "decay_points": parse_decay_points(decay_points),
    }
    if comparison is None:
        return figs
    c = comparison.set_index("group")
    d = handoff.set_index("scenario")
    figs.update(
        decay_landmark_leads=int(c.loc["quiet minus active", "leads"]),
        decay_quiet_leads=int(c.loc["quiet", "leads"]),
        decay_win_rate_quiet=_num(c.loc["quiet", "win_rate"]),
        decay_win_rate_quiet_ci=[_num(c.loc["quiet", "ci_low"]), _num(c.loc["quiet", "ci_high"])],
        decay_win_rate_active=_num(c.loc["active", "win_rate"]),
        decay_win_rate_active_ci=[
            _num(c.loc["active", "ci_low"]),
            _num(c.loc["active", "ci_high"]),
        ],
        decay_difference=_num(c.loc["quiet minus active", "win_rate"]),
        decay_difference_ci=[
            _num(c.loc["quiet minus active", "ci_low"]),
            _num(c.loc["quiet minus active", "ci_high"]),
        ],
        decay_threshold=_num(d.loc["current scores", "threshold"]),
        decay_handed_off_before=int(d.loc["current scores", "handed_off"]),
        decay_handed_off_after=int(d.loc["after decay", "handed_off"]),
        decay_win_rate_before=_num(d.loc["current scores", "win_rate"]),
        decay_win_rate_after=_num(d.loc["after decay", "win_rate"]),
    )
    return figs


def _segment_figures(segments: pd.DataFrame) -> dict:
    def named(verdict):
        return [str(s) for s in segments.loc[segments["verdict"] == verdict, "segment"]]

    return {
        "segments_predictive": named("predictive"),
        "segments_not_predicting": named("not predictive"),
        "segments_inconclusive": named("inconclusive"),
    }


def summary_figures(
    *,
    outcomes: pd.DataFrame,
    tables: dict,
    params,
    recommendation_reason: str = "",
    segment_rates_sentence: str = "",
    min_matured: int = MIN_MATURED,
    min_wins: int = MIN_WINS,
) -> dict:
    """Key figures for ``summary.json``, from the report's tables.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`~workbook.analyses.scoring.lead_outcomes` ``.outcomes``.
    tables : dict
        The pipeline's tables: ``auc``, ``logit_fit``, ``correlations``,
        ``threshold_comparison``, ``capacity``, ``band_given_up``,
        ``track_record``, ``out_of_time_calibration``, ``segments`` and,
        when an activities table was given, ``decay_landmark`` and
        ``decay_handoff``.
    params : Params
    recommendation_reason : str
        Why there is no recommendation (empty when there is one).
    segment_rates_sentence : str
        :func:`~workbook.analyses.scoring.segment_rates` sentence.

    Returns
    -------
    dict
        The keys listed in ``docs/reports/scoring.md`` (Summary keys).
    """
    p = params
    suff = data_sufficiency(outcomes, min_matured=min_matured, min_wins=min_wins)
    n = suff["n_matured"]
    figs: dict[str, object] = {
        "horizon_days": p.horizon_days,
        "n_matured": n,
        "n_not_matured": suff["n_not_matured"],
        "n_wins": suff["n_wins"],
        "n_wins_by_as_of": suff["n_wins_by_as_of"],
        "share_of_wins_within_horizon": suff["n_wins"] / suff["n_wins_by_as_of"]
        if suff["n_wins_by_as_of"]
        else None,
        "base_win_rate": suff["n_wins"] / n if n else None,
        **_discrimination_figures(tables["auc"], tables["logit_fit"], tables["correlations"]),
        "capacity_per_month": p.capacity_per_month,
        "capacity_months": p.capacity_months,
        "overflow_risk": p.overflow_risk,
        "recommendation_reason": recommendation_reason,
        "recommendation_reliable": bool(suff["reliable"]),
        "thin_data_message": suff["message"],
        "thin_data_shortfall": suff["shortfall"],
        **_threshold_figures(tables["threshold_comparison"], tables["capacity"]),
        **_band_figures(tables["band_given_up"]),
        **_track_figures(tables["track_record"], p.backtest_months),
        **_calibration_figures(tables["out_of_time_calibration"]),
        **_decay_figures(
            tables.get("decay_landmark"),
            tables.get("decay_handoff"),
            decay_after_days=p.decay_after_days,
            decay_points=p.decay_points,
        ),
        **_segment_figures(tables["segments"]),
        "segment_rates_sentence": segment_rates_sentence,
    }
    figs["tradeoff_sentence"] = narrative.capacity_sentence(figs)
    figs["band_sentence"] = narrative.band_sentence(
        tables["band_given_up"].iloc[0].to_dict(),
        current=p.current_threshold,
        recommended=figs["recommended_threshold"],
    )
    figs["track_record_sentence"] = narrative.track_record_sentence(figs)
    figs["calibration_sentence"] = narrative.calibration_sentence(figs)
    figs["decay_sentence"] = narrative.decay_sentence(figs)
    return figs

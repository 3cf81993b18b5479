"""The headline figures of the engagement report (the report's keys of ``summary.json``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement.actions import PROBABILITY_VARIANCE
from workbook.analyses.engagement.backtest import Backtest
from workbook.analyses.engagement.levels import DORMANT, HIGH, MEDIUM
from workbook.analyses.engagement.win_model import WinModel
from workbook.core.checks import require_frame

__all__ = ["summary_figures"]


def _count(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].sum()) if len(frame) else 0


def summary_figures(
    *,
    basis: dict,
    levels: pd.DataFrame,
    at_risk_accounts: pd.DataFrame,
    effectiveness: pd.DataFrame,
    stale_leads: pd.DataFrame,
    not_worked: pd.DataFrame,
    handed_off: int,
    recommendations: pd.DataFrame,
    model: WinModel,
    archive: pd.DataFrame,
    unowned: pd.DataFrame,
    backtest: Backtest | None = None,
    variance_threshold: float = float("nan"),
    won_at_own_age: pd.DataFrame | None = None,
    high_min_records_default: int | None = None,
    min_deals: int = 20,
) -> dict:
    """Key figures for ``summary.json``.

    Parameters
    ----------
    basis : dict
        :func:`workbook.analyses.engagement.window.window_basis`.
    levels : DataFrame
        :func:`workbook.analyses.engagement.levels.engagement_levels`.
    at_risk_accounts : DataFrame
        :func:`workbook.analyses.engagement.levels.at_risk` with no ``top_n``
        (all dormant accounts with open pipeline).
    effectiveness : DataFrame
        :func:`workbook.analyses.engagement.effectiveness.opportunity_effectiveness`.
    stale_leads, not_worked : DataFrame
        :func:`workbook.analyses.engagement.leads.stale_leads` and
        :func:`workbook.analyses.engagement.leads.handoff_not_worked`.
    handed_off : int
        :func:`workbook.analyses.engagement.leads.handed_off_count`.
    recommendations : DataFrame
        :func:`workbook.analyses.engagement.actions.recommendations`.
    model : WinModel
        :func:`workbook.analyses.engagement.win_model.fit_win_model`.
    archive, unowned : DataFrame
        :func:`workbook.analyses.engagement.hygiene.archive_candidates` and
        :func:`workbook.analyses.engagement.hygiene.unowned_open_leads`.
    backtest : Backtest, optional
        :func:`workbook.analyses.engagement.backtest.backtest_win_model`.
    variance_threshold : float
        The variance threshold used, in points.
    won_at_own_age : DataFrame, optional
        :func:`workbook.analyses.engagement.benchmark.won_deals_at_own_age`.
    high_min_records_default : int, optional
        The data-derived ``high_min_records``.

    Returns
    -------
    dict
        Plain numbers and strings: ``window_days``, ``window_source``,
        ``mean_cycle_days``, ``high_min_records``, ``accounts``,
        ``dormant_accounts``, ``medium_accounts``, ``high_accounts``,
        ``dormant_share``, ``at_risk_accounts``, ``at_risk_pipeline``,
        ``open_opportunities``, ``stale_opportunities``,
        ``below_benchmark_opportunities``, ``overdue_opportunities``,
        ``open_leads``, ``stale_leads``, ``handed_off_leads``,
        ``handed_off_not_worked``, ``recommendations``,
        ``opportunities_with_recommendations``, ``win_model_status``,
        ``win_model_reason``, ``win_model_training_deals``,
        ``win_model_training_rows``, ``probability_variance_flags`` (0 unless
        the skill gate is open), ``archive_candidates``,
        ``unowned_open_leads``, ``backtest_cut``, ``backtest_status`` (the
        model at the cut: fitted or refused), ``backtest_deals``, ``brier``,
        ``brier_skill``, ``brier_skill_ci_low``, ``brier_skill_ci_high``,
        ``calibration_intercept``, ``calibration_slope``, ``ece``,
        ``skill_gate_open``, ``variance_threshold``,
        ``won_below_benchmark_share`` (won deals with at least ``min_deals``
        age-matched won deals that are below benchmark at their own age),
        ``high_min_records_default`` (the data-derived threshold) and
        ``cut_points`` (``{"high_min_records", "window_days"}``).
    """
    for name, frame in (
        ("levels", levels),
        ("at_risk_accounts", at_risk_accounts),
        ("effectiveness", effectiveness),
        ("stale_leads", stale_leads),
        ("not_worked", not_worked),
        ("recommendations", recommendations),
        ("archive", archive),
        ("unowned", unowned),
    ):
        require_frame(frame, name)
    return {
        **_account_figures(basis, levels, at_risk_accounts),
        **_work_figures(effectiveness, stale_leads, not_worked, handed_off),
        **_action_figures(recommendations, model, archive, unowned),
        **_model_figures(backtest, variance_threshold),
        "won_below_benchmark_share": _own_age_share(won_at_own_age, min_deals),
        "high_min_records_default": high_min_records_default,
        "cut_points": {
            "high_min_records": levels.attrs.get("high_min_records"),
            "window_days": int(basis["window_days"]),
        },
    }


def _account_figures(basis: dict, levels: pd.DataFrame, at_risk_accounts: pd.DataFrame) -> dict:
    level = levels["level"].astype("str")
    n = len(levels)
    dormant = int((level == DORMANT).sum())
    return {
        "window_days": int(basis["window_days"]),
        "window_source": basis["source"],
        "mean_cycle_days": basis["mean_cycle_days"],
        "high_min_records": levels.attrs.get("high_min_records"),
        "accounts": n,
        "dormant_accounts": dormant,
        "medium_accounts": int((level == MEDIUM).sum()),
        "high_accounts": int((level == HIGH).sum()),
        "dormant_share": dormant / n if n else None,
        "at_risk_accounts": len(at_risk_accounts),
        "at_risk_pipeline": float(at_risk_accounts["open_pipeline"].sum()),
    }


def _work_figures(effectiveness, stale_leads, not_worked, handed_off) -> dict:
    return {
        "open_opportunities": len(effectiveness),
        "stale_opportunities": _count(effectiveness, "stale"),
        "below_benchmark_opportunities": _count(effectiveness, "below_benchmark"),
        "overdue_opportunities": _count(effectiveness, "close_date_passed"),
        "open_leads": len(stale_leads),
        "stale_leads": _count(stale_leads, "stale"),
        "handed_off_leads": int(handed_off),
        "handed_off_not_worked": len(not_worked),
    }


def _action_figures(recommendations, model: WinModel, archive, unowned) -> dict:
    rules = recommendations["rule"] if len(recommendations) else pd.Series([], dtype="str")
    return {
        "recommendations": len(recommendations),
        "opportunities_with_recommendations": int(recommendations["opportunity_id"].nunique()),
        "win_model_status": model.status,
        "win_model_reason": model.reason,
        "win_model_training_deals": int(model.n_deals),
        "win_model_training_rows": int(model.n_rows),
        "probability_variance_flags": int((rules == PROBABILITY_VARIANCE).sum()),
        "archive_candidates": len(archive),
        "unowned_open_leads": len(unowned),
    }


def _number(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _model_figures(backtest: Backtest | None, threshold: float) -> dict:
    keys = (
        "brier",
        "brier_skill",
        "brier_skill_ci_low",
        "brier_skill_ci_high",
        "calibration_intercept",
        "calibration_slope",
        "ece",
    )
    if backtest is None:
        return {
            "backtest_cut": None,
            "backtest_deals": 0,
            **dict.fromkeys(keys),
            "skill_gate_open": False,
            "variance_threshold": _number(threshold),
        }
    row = backtest.row
    return {
        "backtest_cut": row["cut"],
        "backtest_status": row["status"],
        "backtest_deals": int(row["scored_deals"]) if np.isfinite(row["scored_deals"]) else 0,
        **{k: _number(row[k]) for k in keys},
        "skill_gate_open": bool(backtest.gate_open),
        "variance_threshold": _number(threshold),
    }


def _own_age_share(won: pd.DataFrame | None, min_deals: int) -> float | None:
    if won is None:
        return None
    judged = won.loc[won["benchmark_deals"] >= min_deals]
    return float(judged["below_benchmark"].mean()) if len(judged) else None

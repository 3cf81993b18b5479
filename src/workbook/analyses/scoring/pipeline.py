"""The scoring report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.scoring.backtest import out_of_time_calibration, track_record
from workbook.analyses.scoring.bands import band_table
from workbook.analyses.scoring.capacity import (
    capacity_months_table,
    capacity_table,
    recommend_threshold,
    top_reached_threshold,
)
from workbook.analyses.scoring.decay import decay_handoff, landmark_comparison, landmark_leads
from workbook.analyses.scoring.discrimination import (
    auc_with_ci,
    calibration_table,
    correlations,
    logit_fit,
    score_amount,
    score_amount_trend,
)
from workbook.analyses.scoring.figures import summary_figures
from workbook.analyses.scoring.narrative import findings, headline_cards, summary_sentences
from workbook.analyses.scoring.outcomes import data_sufficiency, matured_once
from workbook.analyses.scoring.params import Params
from workbook.analyses.scoring.relational import crm_outcomes, outcome_counts
from workbook.analyses.scoring.results import Results
from workbook.analyses.scoring.segments import segment_auc, segment_rates
from workbook.analyses.scoring.thresholds import (
    band_between,
    default_thresholds,
    threshold_comparison,
    threshold_sweep,
)
from workbook.core import calendar
from workbook.core.checks import require_crm
from workbook.core.findings import attach_findings
from workbook.core.results import leadership_sentences
from workbook.engine import for_crm

__all__ = ["run"]


def _score_range(p: Params, crm=None):
    """The declared score range: the ``score_range`` parameter, else the load's, else ``None``."""
    own = tuple(float(v) for v in p.score_range)
    if own:
        return own
    return getattr(crm, "score_range", None)


def _grid(outcomes: pd.DataFrame, p: Params, crm=None) -> np.ndarray:
    if len(p.thresholds):
        return np.asarray(sorted({float(t) for t in p.thresholds}), dtype="float64")
    return default_thresholds(outcomes["score"], score_range=_score_range(p, crm))


def _capacity_tables(crm, outcomes, grid, p: Params) -> dict:
    # the current threshold is always in the capacity table; only grid thresholds are recommended
    ts = np.union1d(grid, [p.current_threshold])
    months = capacity_months_table(
        outcomes, thresholds=ts, as_of=crm.as_of, capacity_months=p.capacity_months
    )
    cap = capacity_table(months, capacity_per_month=p.capacity_per_month)
    cap["on_grid"] = cap["threshold"].isin(grid)
    rec = recommend_threshold(cap.loc[cap["on_grid"]], overflow_risk=p.overflow_risk)
    return {"capacity": cap, "capacity_months": months, "recommended_threshold": rec}


def _discrimination_tables(outcomes: pd.DataFrame, p: Params) -> dict:
    logit = logit_fit(outcomes)
    deals = score_amount(outcomes)
    return {
        "auc": auc_with_ci(outcomes, n_boot=p.n_boot, seed=p.seed),
        "logit_fit": logit,
        "calibration": calibration_table(outcomes, logit),
        "correlations": correlations(outcomes),
        "deals": deals,
        "amount_trend": score_amount_trend(deals),
    }


def _backtest_tables(crm, outcomes, p: Params) -> dict:
    common = dict(horizon_days=p.horizon_days)
    track = track_record(
        crm,
        outcomes,
        backtest_months=p.backtest_months,
        thresholds=p.thresholds,
        score_range=_score_range(p, crm),
        capacity_per_month=p.capacity_per_month,
        capacity_months=p.capacity_months,
        overflow_risk=p.overflow_risk,
        **common,
    )
    cut = calendar.month_end_cut(crm.as_of, max(p.backtest_months))
    oot = out_of_time_calibration(crm, outcomes, cut=cut, **common)
    return {"track_record": track, "out_of_time_calibration": oot}


def _decay_tables(crm, outcomes, p: Params) -> dict:
    if "activities" not in crm:
        return {}
    pop = landmark_leads(
        outcomes,
        crm.leads,
        crm.activities,
        crm.opportunities,
        decay_after_days=p.decay_after_days,
        engine=for_crm(crm),
    )
    return {
        "landmark_leads": pop,
        "decay_landmark": landmark_comparison(pop),
        "decay_handoff": decay_handoff(
            outcomes, pop, threshold=p.current_threshold, decay_points=p.decay_points
        ),
    }


def _recommendation(rec: float, oot: pd.DataFrame, cap: pd.DataFrame, p: Params):
    skill = oot.iloc[0]["brier_skill"]
    if np.isnan(rec):
        reason = (
            f"no threshold on the grid keeps the chance of more than "
            f"{p.capacity_per_month:,.0f} hand-offs next month at or below {p.overflow_risk:.0%}"
        )
        top, volume = top_reached_threshold(cap.loc[cap["on_grid"]])
        if np.isnan(top):
            return rec, f"{reason}: no scored lead arrived in the last {p.capacity_months} months"
        return rec, (
            f"{reason} while still sending leads: even at {top:,.6g}, the highest threshold "
            f"any lead reached in the last {p.capacity_months} months, about {volume:,.0f} "
            "a month arrive. Check the capacity: the score alone cannot bring the inflow down to it"
        )
    if not (skill > 0):
        return float("nan"), "the score shows no out-of-time skill (Brier skill not above 0)"
    return rec, ""


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Run the score-against-win report on loaded data.

    Parameters
    ----------
    crm : CrmData
        From :func:`workbook.load` (or ``crm.as_known_at(cut)``); uses
        ``leads``, ``opportunities``, ``activities`` (optional: without it
        only the decay what-if is skipped), ``as_of`` and ``score_range``
        (the load's declared score range: the default grid and bands cover
        it unless the ``score_range`` parameter is set).
    params : Params, optional
        The parameters (default ``Params()``).
    **overrides
        Parameter values replacing those of ``params``, e.g.
        ``capacity_per_month=50``; checked like ``Params``.

    Returns
    -------
    Results
        Every table the notebook shows or exports, the headline figures of
        ``summary.json`` (``figures``), the summary ``sentences`` and ``cards``.

    Raises
    ------
    TypeError
        ``crm`` is not a :class:`~workbook.data.model.CrmData`, or ``params``
        is not a :class:`Params`.
    ParamError
        An override names no parameter or has a value that is not allowed.
    """
    require_crm(crm)
    p = Params.resolve(params, overrides)
    found, rows, eng = crm_outcomes(
        crm, horizon_days=p.horizon_days, score_range=_score_range(p, crm)
    )
    outcomes = found.outcomes
    with matured_once(outcomes):  # the tables share one selection of the matured rows
        return _run(crm, p, found, rows, eng)


def _run(crm, p: Params, found, rows, eng) -> Results:
    """:func:`run` once the outcomes are known."""
    outcomes = found.outcomes
    grid = _grid(outcomes, p, crm)
    cap = _capacity_tables(crm, outcomes, grid, p)
    back = _backtest_tables(crm, outcomes, p)
    rec, reason = _recommendation(
        cap.pop("recommended_threshold"), back["out_of_time_calibration"], cap["capacity"], p
    )
    vol = cap["capacity"].set_index("threshold")["monthly_volume"]
    band_month = (
        abs(vol.get(p.current_threshold, np.nan) - vol.get(rec, np.nan))
        if not np.isnan(rec)
        else np.nan
    )
    segments = segment_auc(outcomes, segment_by=p.segment_by, n_boot=p.n_boot, seed=p.seed)
    # The counts over the outcome rows already fetched, registered in-process without a copy,
    # rather than the outcome query run again; a warehouse counts its own rows.
    counted = outcomes if eng.embedded else rows
    tables = {
        "outcomes": outcomes,
        "exclusions": found.exclusions,
        "outcome_counts": outcome_counts(counted, engine=eng),
        "threshold_sweep": threshold_sweep(counted, thresholds=grid, engine=eng),
        "threshold_comparison": threshold_comparison(
            outcomes,
            thresholds={"current": p.current_threshold, "recommended": rec},
            n_boot=p.n_boot,
            seed=p.seed,
        ),
        "band_given_up": band_between(
            outcomes,
            lower=p.current_threshold,
            upper=p.current_threshold if np.isnan(rec) else rec,
            leads_per_month=band_month,
        ),
        **cap,
        **back,
        **_discrimination_tables(outcomes, p),
        "score_bands": band_table(outcomes, score_range=_score_range(p, crm)),
        "segment_bands": band_table(
            outcomes, segment_by=p.segment_by, score_range=_score_range(p, crm)
        ),
        "segments": segments,
        **_decay_tables(crm, outcomes, p),
    }
    what = {"source": "sources", "status": "statuses", "owner_id": "owners"}[p.segment_by]
    figures = summary_figures(
        outcomes=outcomes,
        tables=tables,
        params=p,
        recommendation_reason=reason,
        segment_rates_sentence=segment_rates(segments, what=what).sentence if len(segments) else "",
    )
    declared = _score_range(p, crm)
    figures["score_range"] = list(declared) if declared else None
    figures["score_range_from"] = (
        "the score_range parameter" if len(p.score_range)
        else "load_options.score_range" if declared
        else "the observed scores"
    )  # fmt: skip
    res = Results(
        params=p,
        as_of=crm.as_of,
        figures=figures,
        **leadership_sentences(summary_sentences(figures)),
        cards=headline_cards(figures),
        sufficiency=data_sufficiency(outcomes),
        recommended_threshold=rec,
        grid=[float(t) for t in grid],
        **tables,
    )
    return attach_findings(res, findings(res))

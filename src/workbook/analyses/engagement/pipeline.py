"""The engagement report in one call: ``run(crm, params) -> Results``.

Exactly what ``notebooks/05_engagement.ipynb`` shows and exports: the
window, the engagement levels, opportunity and lead activity effectiveness,
the win model and recommended actions, pipeline hygiene, then the headline
figures, sentences and cards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import (
    actions,
    backtest,
    benchmark,
    effectiveness,
    figures,
    hygiene,
    leads,
    levels,
    narrative,
    records,
    snapshots,
    track_record,
    win_model,
    window,
)
from workbook.analyses.engagement.params import Params
from workbook.analyses.engagement.results import Results
from workbook.core.checks import require_crm
from workbook.core.findings import attach_findings
from workbook.core.names import Names

__all__ = ["run"]


def _engagement(crm, params: Params, parts: dict) -> None:
    """Window, levels, groups, sensitivity, at-risk and unmatched records."""
    as_of = crm.as_of
    tables = (crm.accounts, crm.activities, crm.opportunities, crm.leads)
    basis = window.window_basis(crm.opportunities, as_of=as_of, window_days=params.window_days)
    days = basis["window_days"]
    lv = levels.engagement_levels(
        *tables, as_of=as_of, window_days=days, high_min_records=params.high_min_records or None
    )
    parts.update(
        basis=basis,
        levels=lv,
        accounts=lv[levels.ACCOUNT_EXPORT_COLUMNS],
        level_counts=levels.level_counts(lv),
        levels_by_owner=levels.levels_by(lv, by="owner_id"),
        levels_by_industry=levels.levels_by(lv, by="industry"),
        window_sensitivity=levels.window_sensitivity(*tables, as_of=as_of, window_days=days),
        at_risk=levels.at_risk(lv),
        unmatched_records=records.unmatched_records(*tables, as_of=as_of, window_days=days),
        high_min_records=lv.attrs["high_min_records"],
        high_min_records_default=levels.high_threshold(lv["recent_records"]),
    )


def _opportunities(crm, params: Params, parts: dict) -> None:
    """Effectiveness, the age-matched benchmark, the win model behind its gate, actions."""
    as_of = crm.as_of
    eff = effectiveness.opportunity_effectiveness(
        crm.opportunities,
        crm.activities,
        as_of=as_of,
        stale_days=params.stale_days,
        min_benchmark_deals=params.min_benchmark_deals,
    )
    index = benchmark._Offsets(crm.opportunities, crm.activities, as_of=as_of)
    reference = benchmark.won_reference(crm.opportunities, as_of=as_of)
    own_age = benchmark.won_deals_at_own_age(
        reference, index, min_benchmark_deals=params.min_benchmark_deals
    )
    compared = eff[["age_days", "below_benchmark"]]
    model_args = dict(
        snapshot_days=params.snapshot_days,
        horizon_days=params.horizon_days,
        account_window_days=parts["basis"]["window_days"],
    )
    check = backtest.backtest_win_model(crm, n_boot=params.bootstrap_draws, seed=0, **model_args)
    features = snapshots.FeatureIndex(crm.opportunities, crm.activities, as_of=as_of)
    model = win_model.fit_win_model(
        crm.opportunities, crm.activities, as_of=as_of, index=features, **model_args
    )
    gate = check.gate_open and model.fitted
    ece_points = check.ece * 100 if np.isfinite(check.ece) else 0.0
    threshold = max(params.probability_variance_threshold, ece_points)
    scores = win_model.score_deals(
        model, crm.opportunities, crm.activities, as_of=as_of, index=features
    )
    del features
    variance = win_model.probability_variance(eff, scores, gate_open=gate, threshold=threshold)
    recs = actions.recommendations(eff, variance, contacts=crm.get("contacts"))
    parts.update(
        opportunity_effectiveness=eff,
        effectiveness_by_owner=effectiveness.effectiveness_by(eff, by="owner_id"),
        effectiveness_by_stage=effectiveness.effectiveness_by(eff, by="stage"),
        activity_benchmark=benchmark.benchmark_by_age_band(compared, reference, index),
        won_at_own_age=own_age,
        model=model,
        backtest=check,
        gate_open=gate,
        variance_threshold=threshold,
        model_backtest=check.table,
        model_reliability=check.reliability,
        model_coefficients=model.coefficients,
        probability_variance=variance,
        actions=recs,
        recommendations=recs[actions.RECOMMENDATION_COLUMNS],
        recommendation_counts=actions.recommendation_counts(recs, by="rule"),
    )


def _track_record(crm, params: Params, parts: dict) -> None:
    """The levels' track record and the win rates by owner, industry and source."""
    record, sentence = track_record.level_track_record(
        crm,
        outcome_months=params.outcome_months,
        window_days=parts["basis"]["window_days"],
        high_min_records=parts["high_min_records"],
    )
    deals = track_record.segment_deals(crm, period_days=params.win_rate_days)
    rates = {d: track_record.win_rates_by(deals, dimension=d) for d in track_record.SEGMENTS}
    overall = deals["won"].mean() if len(deals) else np.nan
    biggest = max((len(r.table) and r.table["closed"].max()) or 1 for r in rates.values())
    parts.update(
        level_track_record=record,
        track_record_note=sentence,
        win_rates=pd.concat([r.table for r in rates.values()], ignore_index=True),
        win_rate_funnel=track_record.funnel_curve(biggest, overall),
        win_rate_notes={d: r.sentence for d, r in rates.items()},
        overall_win_rate=float(overall),
    )


def _leads(crm, params: Params, parts: dict) -> None:
    """Lead activity effectiveness and pipeline hygiene."""
    as_of = crm.as_of
    lead_tables = (crm.leads, crm.activities, crm.opportunities)
    stale = leads.stale_leads(*lead_tables, as_of=as_of, stale_days=params.stale_days)
    not_worked = leads.handoff_not_worked(*lead_tables, as_of=as_of)
    parts.update(
        stale_leads=stale,
        handoff_not_worked=not_worked,
        handed_off=leads.handed_off_count(crm.leads, as_of=as_of),
        lead_effectiveness_by_owner=leads.lead_effectiveness_by_owner(stale, not_worked),
        lead_status=hygiene.lead_status_counts(crm.leads, as_of=as_of),
        lead_funnel=hygiene.lead_funnel(crm.leads, as_of=as_of),
        archive_candidates=hygiene.archive_candidates(
            *lead_tables, as_of=as_of, archive_after_days=params.archive_after_days
        ),
        unowned_leads=hygiene.unowned_open_leads(crm.leads, as_of=as_of),
    )


def _name_exports(crm, parts: dict) -> None:
    """Names beside the ids of every exported table; the recommendations also in words."""
    names = Names.of(crm)
    recs = parts["recommendations"]
    stages = parts["opportunity_effectiveness"].set_index("opportunity_id")["stage"]
    words = actions.action_words(parts["actions"], account_names=names.accounts, stages=stages)
    parts["recommendations"] = recs.assign(action=words.to_numpy())
    for name, meta in Results.table_fields().items():
        if meta["export"] and isinstance(parts.get(name), pd.DataFrame):
            parts[name] = names.beside_ids(parts[name])


def _story(params: Params, parts: dict) -> dict:
    """Figures, sentences, cards and notes from the computed parts."""
    figs = figures.summary_figures(
        basis=parts["basis"],
        levels=parts["levels"],
        at_risk_accounts=parts["at_risk"],
        effectiveness=parts["opportunity_effectiveness"],
        stale_leads=parts["stale_leads"],
        not_worked=parts["handoff_not_worked"],
        handed_off=parts["handed_off"],
        recommendations=parts["actions"],
        model=parts["model"],
        archive=parts["archive_candidates"],
        unowned=parts["unowned_leads"],
        backtest=parts["backtest"],
        variance_threshold=parts["variance_threshold"],
        won_at_own_age=parts["won_at_own_age"],
        high_min_records_default=parts["high_min_records_default"],
        min_deals=params.min_benchmark_deals,
    )
    threshold = parts["variance_threshold"]
    return dict(
        figures=figs,
        sentences=narrative.summary_sentences(
            figs,
            at_risk_accounts=parts["at_risk"],
            stale_days=params.stale_days,
            probability_variance_threshold=threshold,
        ),
        cards=narrative.headline_cards(figs),
        window_note=narrative.window_note(parts["basis"]),
        level_note=narrative.level_note(
            parts["high_min_records"],
            default=parts["high_min_records_default"],
            pinned=bool(params.high_min_records),
        ),
        model_note=narrative.model_note(
            parts["model"], parts["backtest"], gate_open=parts["gate_open"], threshold=threshold
        ),
    )


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Run the engagement report on loaded data.

    Parameters
    ----------
    crm : CrmData
        From :func:`workbook.load`; uses ``accounts``, ``leads``,
        ``opportunities``, ``activities`` and, when loaded, ``contacts``.
        ``crm.as_of`` is the observation end.
    params : Params, optional
        The report's parameters (default ``Params()``).
    **overrides
        Parameter values replacing those of ``params``, checked like
        ``Params`` (e.g. ``run(crm, stale_days=30)``).

    Returns
    -------
    Results
        Every table the notebook shows or exports, the headline figures
        (``summary.json``), sentences and cards.

    Raises
    ------
    TypeError
        ``crm`` is not a ``CrmData`` or ``params`` not a ``Params``.
    workbook.core.params.ParamError
        An override is unknown or not allowed.

    Examples
    --------
    >>> import workbook
    >>> from workbook.analyses import engagement
    >>> res = engagement.run(workbook.load(), stale_days=30)  # doctest: +SKIP
    >>> res.at_risk.head()  # doctest: +SKIP
    """
    require_crm(crm)
    params = Params.resolve(params, overrides)
    parts: dict = {}
    _engagement(crm, params, parts)
    _opportunities(crm, params, parts)
    _track_record(crm, params, parts)
    _leads(crm, params, parts)
    story = _story(params, parts)
    _name_exports(crm, parts)
    res = Results(params=params, as_of=crm.as_of, **parts, **story)
    return attach_findings(res, narrative.findings(res))

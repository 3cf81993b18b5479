"""The engagement report in one call: ``run(crm, params) -> Results``.

Exactly what ``notebooks/05_engagement.ipynb`` shows and exports: the
window, the engagement levels, opportunity and lead activity effectiveness,
the win model and recommended actions, pipeline hygiene, then the headline
figures, sentences and cards.

Optional tables (issue 17)
--------------------------
The report needs ``accounts`` and ``opportunities``. Without ``activities``
(not loaded, or no row) it still shows the open pipeline (amount, stage,
close date, deals past their close date, and the close-date and
decision-maker actions), the win rates and the lead hygiene; it skips
every part that counts activities (:data:`SKIPPED`): the engagement levels
and their track record, the accounts at risk, the stale, below-benchmark
and no-meeting flags of open deals (left blank, never ``False``), the win
model, lead activity effectiveness and the stalled-lead archive candidates.
Without ``leads`` the lead sections are skipped. Each skipped part is
named in the summary and in its section (``Results.skipped``).
"""

from __future__ import annotations

import dataclasses

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
from workbook.core.memory import release_arrow_pages
from workbook.core.names import Names
from workbook.data.coercion import empty_table
from workbook.engine import for_crm

__all__ = ["SKIPPED", "run"]

#: The optional tables, and what is skipped without each, in words (the summary's "Skipped:").
SKIPPED = {
    "activities": "the engagement levels, the accounts at risk and the levels' track record, "
    "the stale, below-benchmark and no-meeting flags of open deals, the win model and lead "
    "activity effectiveness (no activities loaded)",
    "leads": "lead activity effectiveness and the lead hygiene tables (no leads loaded)",
}
#: Per missing table, the note each section of the notebook shows (``Results.skipped``).
SECTION_NOTES = {
    "activities": {
        "levels": "Skipped: the engagement levels, the window sensitivity and the dormant "
        "accounts at risk count activities, and the export has no activities table.",
        "opportunities": "The open deals are shown with their amount, stage and close date "
        "only: the stale, below-benchmark and no-meeting flags count activities, and the "
        "export has no activities table (those columns are left blank).",
        "leads": "Skipped: stale and never-worked leads are judged by activities, and the "
        "export has no activities table.",
        "track_record": "Skipped: the levels' track record needs the engagement levels, "
        "which count activities; the export has no activities table.",
        "hygiene": "Archive candidates list only unqualified leads: a stalled lead is judged "
        "by its last activity, and the export has no activities table.",
    },
    "leads": {
        "leads": "Skipped: lead activity effectiveness needs leads, and the export has no "
        "leads table.",
        "hygiene": "Skipped: the lead funnel, lead statuses, archive candidates and unowned "
        "leads need leads, and the export has no leads table.",
    },
}
#: Why the win model is not fitted without activities (its note and backtest row).
MODEL_SKIPPED = "The win model learns from activities, and the export has no activities table."
#: Per missing table, the tables of :class:`Results` left empty (their columns kept).
_EMPTIED = {
    "activities": (
        "levels", "accounts", "level_counts", "levels_by_owner", "levels_by_industry",
        "window_sensitivity", "at_risk", "level_track_record", "activity_benchmark",
        "won_at_own_age", "stale_leads", "handoff_not_worked", "lead_effectiveness_by_owner",
    ),
    "leads": (
        "stale_leads", "handoff_not_worked", "lead_effectiveness_by_owner", "lead_status",
        "lead_funnel", "archive_candidates", "unowned_leads",
    ),
}  # fmt: skip
#: Columns of the open-deal tables that count activities (blank without activities).
_ACTIVITY_COLUMNS = {
    "opportunity_effectiveness": (
        "activities", "meetings", "last_activity_at", "days_since_activity",
        "activity_rate_30d", "benchmark_deals", "benchmark_percentile", "stale",
        "below_benchmark",
    ),
    "effectiveness_by_owner": (
        "stale", "below_benchmark", "stale_share", "below_benchmark_share",
    ),
    "effectiveness_by_stage": (
        "stale", "below_benchmark", "stale_share", "below_benchmark_share",
    ),
}  # fmt: skip
#: Figures that count activities (or leads): ``None`` when the table is missing.
_FIGURES = {
    "activities": (
        "high_min_records", "accounts", "dormant_accounts", "medium_accounts", "high_accounts",
        "dormant_share", "at_risk_accounts", "at_risk_pipeline", "stale_opportunities",
        "below_benchmark_opportunities", "stale_leads", "handed_off_not_worked",
        "won_below_benchmark_share", "high_min_records_default",
    ),
    "leads": ("open_leads", "stale_leads", "handed_off_leads", "handed_off_not_worked",
              "archive_candidates", "unowned_open_leads"),
}  # fmt: skip


def _has(crm, name: str) -> bool:
    frame = crm.get(name)
    return frame is not None and len(frame) > 0


def _with_empty(crm, missing: list[str]):
    """``crm`` with an empty canonical table for each missing optional table."""
    if not missing:
        return crm
    tables = {**crm.tables, **{t: empty_table(t) for t in missing}}
    return dataclasses.replace(crm, tables=tables)


def _engagement(crm, params: Params, parts: dict) -> None:
    """Window, levels, groups, sensitivity, at-risk and unmatched records."""
    as_of = crm.as_of
    tables = (crm.accounts, crm.activities, crm.opportunities, crm.leads)
    engine = for_crm(crm)
    basis = window.window_basis(crm.opportunities, as_of=as_of, window_days=params.window_days)
    days = basis["window_days"]
    lv = levels.engagement_levels(
        *tables,
        as_of=as_of,
        window_days=days,
        high_min_records=params.high_min_records or None,
        engine=engine,
    )
    parts.update(
        basis=basis,
        levels=lv,
        accounts=lv[levels.ACCOUNT_EXPORT_COLUMNS],
        level_counts=levels.level_counts(lv),
        levels_by_owner=levels.levels_by(lv, by="owner_id"),
        levels_by_industry=levels.levels_by(lv, by="industry"),
        window_sensitivity=levels.window_sensitivity(
            *tables,
            as_of=as_of,
            window_days=days,
            known={days: lv["recent_records"]},
            engine=engine,
        ),
        at_risk=levels.at_risk(lv),
        unmatched_records=records.unmatched_records(
            *tables, as_of=as_of, window_days=days, engine=engine
        ),
        high_min_records=lv.attrs["high_min_records"],
        high_min_records_default=levels.high_threshold(lv["recent_records"]),
    )


def _opportunities(crm, params: Params, parts: dict, *, fit_model: bool = True) -> None:
    """Effectiveness, the age-matched benchmark, the win model behind its gate, actions."""
    as_of = crm.as_of
    index = benchmark._Offsets(crm.opportunities, crm.activities, as_of=as_of)
    eff = effectiveness.opportunity_effectiveness(
        crm.opportunities,
        crm.activities,
        as_of=as_of,
        stale_days=params.stale_days,
        min_benchmark_deals=params.min_benchmark_deals,
        offsets=index,
    )
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
    if fit_model:
        check = backtest.backtest_win_model(
            crm, n_boot=params.bootstrap_draws, seed=0, **model_args
        )
        features = snapshots.FeatureIndex(crm.opportunities, crm.activities, as_of=as_of)
        model = win_model.fit_win_model(
            crm.opportunities, crm.activities, as_of=as_of, index=features, **model_args
        )
    else:
        features = None  # no activities: nothing to index, and the model is not fitted
        model, check = backtest.not_fitted(crm, reason=MODEL_SKIPPED, **model_args)
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
    engine = for_crm(crm)
    stale = leads.stale_leads(*lead_tables, as_of=as_of, stale_days=params.stale_days, engine=engine)
    release_arrow_pages()
    not_worked = leads.handoff_not_worked(*lead_tables, as_of=as_of, engine=engine)
    release_arrow_pages()
    archive = hygiene.archive_candidates(
        *lead_tables, as_of=as_of, archive_after_days=params.archive_after_days, engine=engine
    )
    release_arrow_pages()
    parts.update(
        stale_leads=stale,
        handoff_not_worked=not_worked,
        handed_off=leads.handed_off_count(crm.leads, as_of=as_of),
        lead_effectiveness_by_owner=leads.lead_effectiveness_by_owner(stale, not_worked),
        lead_status=hygiene.lead_status_counts(crm.leads, as_of=as_of),
        lead_funnel=hygiene.lead_funnel(crm.leads, as_of=as_of),
        archive_candidates=archive,
        unowned_leads=hygiene.unowned_open_leads(crm.leads, as_of=as_of),
    )


def _skip(parts: dict, missing: list[str]) -> None:
    """Empty the parts that need a missing table; blank the activity columns of open deals."""
    for table in missing:
        for name in _EMPTIED[table]:
            parts[name] = parts[name].iloc[:0].copy()
    if "activities" not in missing:
        return
    for name, columns in _ACTIVITY_COLUMNS.items():
        frame = parts[name].copy()
        for column in columns:
            frame[column] = _blank(frame[column])
        parts[name] = frame
    recs = parts["actions"]
    keep = ~recs["rule"].isin([actions.NO_RECENT_ACTIVITY, actions.NO_MEETING])
    parts["actions"] = recs.loc[keep].reset_index(drop=True)
    parts["recommendations"] = parts["actions"][actions.RECOMMENDATION_COLUMNS]
    parts["recommendation_counts"] = actions.recommendation_counts(parts["actions"], by="rule")
    archive = parts["archive_candidates"]
    parts["archive_candidates"] = archive.loc[archive["reason"] == "unqualified"].reset_index(
        drop=True
    )
    parts["track_record_note"] = SECTION_NOTES["activities"]["track_record"]


def _blank(column: pd.Series) -> pd.Series:
    """The same rows, every value missing, in a dtype that can hold a blank."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return pd.Series(pd.NaT, index=column.index, dtype=column.dtype)
    if pd.api.types.is_bool_dtype(column.dtype):
        return pd.Series(pd.NA, index=column.index, dtype="boolean")
    if pd.api.types.is_integer_dtype(column.dtype):
        return pd.Series(pd.NA, index=column.index, dtype="Int64")
    return pd.Series(np.nan, index=column.index, dtype="float64")


def _name_exports(crm, parts: dict) -> None:
    """Names beside the ids of every exported table and of the shown actions; the recommendations also in words."""
    names = Names.of(crm)
    recs = parts["recommendations"]
    stages = parts["opportunity_effectiveness"].set_index("opportunity_id")["stage"]
    words = actions.action_words(parts["actions"], account_names=names.accounts, stages=stages)
    parts["recommendations"] = recs.assign(action=words.to_numpy())
    # the shown recommendations (amount included) read in words and names too
    parts["actions"] = parts["actions"].assign(action=words.to_numpy())
    for name, meta in Results.table_fields().items():
        shown = meta["export"] or name == "actions"
        if shown and isinstance(parts.get(name), pd.DataFrame):
            parts[name] = names.beside_ids(parts[name])


def _story(params: Params, parts: dict, missing: list[str]) -> dict:
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
    for table in missing:
        figs.update(dict.fromkeys(_FIGURES[table]))
    figs["missing_tables"] = list(missing)
    figs["skipped"] = [SKIPPED[t] for t in missing]
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
        window_note="" if "activities" in missing else narrative.window_note(parts["basis"]),
        level_note=""
        if "activities" in missing
        else narrative.level_note(
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
    missing = [t for t in SKIPPED if not _has(crm, t)]
    work = _with_empty(crm, missing)
    parts: dict = {}
    _engagement(work, params, parts)
    release_arrow_pages()
    _opportunities(work, params, parts, fit_model="activities" not in missing)
    release_arrow_pages()
    _track_record(work, params, parts)
    release_arrow_pages()
    _leads(work, params, parts)
    release_arrow_pages()
    _skip(parts, missing)
    story = _story(params, parts, missing)
    _name_exports(work, parts)
    skipped = {}
    for table in missing:
        skipped.update(SECTION_NOTES[table])
    res = Results(params=params, as_of=crm.as_of, **parts, **story, skipped=skipped)
    return attach_findings(res, narrative.findings(res))

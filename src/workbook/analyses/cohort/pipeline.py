"""The cohort report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

import pandas as pd

from workbook.analyses.cohort.compare import cohort_comparison
from workbook.analyses.cohort.figures import extra_figures, summary_figures
from workbook.analyses.cohort.follow_through import equal_age, follow_through, partial_equal_age
from workbook.analyses.cohort.handoff import (
    add_owner_names,
    handoff_tables,
    owner_comparison,
    owner_names,
)
from workbook.analyses.cohort.milestones import lead_milestones, lead_milestones_with_exclusions
from workbook.analyses.cohort.narrative import findings, headline_cards, summary_sentences
from workbook.analyses.cohort.outcomes import lead_outcomes, outcomes
from workbook.analyses.cohort.params import Params
from workbook.analyses.cohort.periods import period_kpis, period_views
from workbook.analyses.cohort.projection import (
    PROJECTED_MILESTONES,
    projection,
    projection_track_record,
)
from workbook.analyses.cohort.relational import FACT_INPUTS
from workbook.analyses.cohort.results import Results
from workbook.analyses.cohort.time_to_event import kaplan_meier
from workbook.core.calendar import month_end_cut
from workbook.core.checks import require_crm
from workbook.core.findings import attach_findings
from workbook.core.names import Names
from workbook.core.results import leadership_sentences
from workbook.data.coercion import empty_table
from workbook.data.model import ACTIVITIES, OPPORTUNITIES
from workbook.engine import for_crm

__all__ = ["run"]

#: What is skipped without each optional table (issue 17).
SKIPPED = {
    "activities": "first touch, meetings and the handoff SLA (no activities loaded)",
    "opportunities": "the opportunity and won milestones, outcomes and the projection "
    "(no opportunities loaded)",
}
#: The milestones each optional table gives (the others come without it).
_NEEDS = {"activities": ("touched", "meeting"), "opportunities": ("opportunity", "won")}


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Compute every table, figure and sentence of the cohort report.

    The per-lead milestone table is computed once and shared by the
    follow-through triangle, the equal-age comparison, the time-to-event
    curves and the period views; the handoff tables share one
    :func:`~workbook.core.links.lead_handoff_status`.

    Parameters
    ----------
    crm : CrmData
        From :func:`workbook.load`, with ``leads``, ``activities`` and
        ``opportunities``; its ``as_of`` is the observation end.
    params : Params, optional
        The report's parameters (default ``Params()``).
    **overrides
        Parameter values replacing those of ``params``
        (``run(crm, grain="quarter")``), checked like ``Params``.

    Returns
    -------
    Results
        Tables ``follow_through``, ``equal_age``, ``time_to_event``,
        ``time_to_event_summary``, ``handoff_followup``, ``not_followed_up``,
        ``period_views`` (exported as ``period_vs_cohort``), ``period_kpis``,
        ``exclusions``; shown only: ``period_view`` (one grain),
        ``handoff_status``, ``milestones``; plus ``figures``, ``sentences``
        and ``cards``.

    Raises
    ------
    TypeError
        ``crm`` is not a CrmData, or ``params`` not a :class:`Params`.
    ParamError
        An override is unknown or not allowed.
    """
    require_crm(crm)
    params = Params.resolve(params, overrides)
    missing = [t for t in ("activities", "opportunities") if not _has(crm, t)]
    tables, extras = _tables(crm, params, missing)
    tables.update(_projection_tables(crm, params, tables, missing, extras))
    figures = _figures(tables, params)
    figures.update(
        extra_figures(
            tables,
            extras,
            params=params,
            skipped=[SKIPPED[t] for t in missing],
        )
    )
    cards = headline_cards(
        figures,
        milestone=params.milestone,
        grain=params.grain,
        periods=params.equal_age_periods,
        sla_days=params.sla_days,
    )
    res = Results(
        params=params,
        as_of=crm.as_of,
        figures=figures,
        **leadership_sentences(summary_sentences(figures)),
        cards=cards,
        **tables,
    )
    return attach_findings(res, findings(res))


def _has(crm, name: str) -> bool:
    frame = crm.get(name)
    return frame is not None and len(frame) > 0


def _tables(crm, params: Params, missing: list[str]) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every table of :class:`Results` but the projection ones, and the comparison objects."""
    leads = crm.leads
    activities = empty_table(ACTIVITIES) if "activities" in missing else crm.activities
    opportunities = empty_table(OPPORTUNITIES) if "opportunities" in missing else crm.opportunities
    frames = (leads, activities, opportunities)
    as_of = crm.as_of
    segment = params.segment_by or None
    skip = {m for t in missing for m in _NEEDS[t]}
    engine = for_crm(crm)
    ms = lead_milestones_with_exclusions(*frames, as_of=as_of, engine=engine)
    m = ms.milestones
    ft_all = follow_through(
        *frames,
        as_of=as_of,
        engine=engine,
        grain=params.grain,
        segment_by=segment,
        min_cell_leads=params.min_cell_leads,
        milestones=m,
    )
    ft = ft_all.loc[~ft_all["milestone"].isin(skip)].reset_index(drop=True)
    ea = equal_age(ft, periods=params.equal_age_periods, milestone=params.milestone)
    comparison = cohort_comparison(ea, min_cell_leads=params.min_cell_leads)
    km = kaplan_meier(
        *frames,
        as_of=as_of,
        by=params.km_by,
        grain=params.grain,
        events=[e for e in ("opportunity", "won") if e not in skip],
        milestones=m,
    )
    handoff_leads = leads.iloc[:0] if "activities" in missing else leads
    handoff = handoff_tables(
        handoff_leads,
        activities,
        opportunities,
        as_of=as_of,
        sla_days=params.sla_days,
        segment_by=segment,
        engine=engine,
    )
    names = owner_names(crm.get("users"))
    owners = owner_comparison(handoff.followup, names=names, min_trials=params.min_cell_leads)
    views = period_views(*frames, as_of=as_of, segment_by=segment, milestones=m)
    views = views.loc[~views["milestone"].isin(skip)].reset_index(drop=True)
    # period_views stacks period_vs_cohort at every grain: the report's grain is its slice
    view = views.loc[views["grain"] == params.grain].reset_index(drop=True)
    per_lead = lead_outcomes(m, opportunities, as_of=as_of)
    out_by = outcomes(
        m, opportunities, as_of=as_of, by=params.km_by, grain=params.grain, per_lead=per_lead
    )
    out_all = outcomes(m, opportunities, as_of=as_of, by="all", per_lead=per_lead)
    if "opportunities" in missing:
        out_by = out_by._replace(**{k: v.iloc[:0] for k, v in out_by._asdict().items()})
    owner_table = owners.table.rename(columns={"group": "owner_id", "label": "owner_name"})
    tables = {
        "follow_through": ft,
        "equal_age": ea,
        "cohort_comparison": comparison.table,
        "cohort_funnel": comparison.funnel,
        "time_to_event": km.curves,
        "time_to_event_summary": km.summary,
        "outcomes": out_by.incidence,
        "outcome_summary": out_by.summary,
        "outcome_curves": out_by.curves,
        "handoff_followup": add_owner_names(handoff.followup, names),
        "owner_followup_comparison": owner_table,
        "not_followed_up": Names.of(crm).beside_ids(
            add_owner_names(handoff.not_followed_up, names)
        ),
        "period_views": views,
        "period_kpis": period_kpis(views),
        "exclusions": ms.exclusions,
        "period_view": view,
        "handoff_status": handoff.status,
        "milestones": m,
    }
    extras = {
        "comparison": comparison,
        "owners": owners,
        "outcomes_all": out_all,
        "partial_equal_age": partial_equal_age(
            ft, periods=params.equal_age_periods, milestone=params.milestone
        ),
        "no_opportunities": "opportunities" in missing,
        # the month-grain, unsegmented triangle the projection takes, when it is this one
        "month_follow_through": ft_all if params.grain == "month" and not segment else None,
    }
    return tables, extras


def _month_follow_through(m: pd.DataFrame, *, as_of, engine) -> pd.DataFrame:
    return follow_through(None, None, None, as_of=as_of, grain="month", milestones=m, engine=engine)


def _projection_tables(crm, params: Params, tables, missing, extras) -> dict[str, pd.DataFrame]:
    """``projection`` now and its ``projection_track_record`` from the month-end 12 months back."""
    k = params.projection_months
    cut = month_end_cut(crm.as_of, 12)
    if "opportunities" in missing:
        empty = projection(tables["follow_through"].iloc[:0], months=k)
        tr = projection_track_record(
            empty, tables["follow_through"], cut=cut, months=k, reason=SKIPPED["opportunities"]
        )
        extras["track"] = tr
        return {"projection": empty, "projection_track_record": tr.table}
    engine = for_crm(crm)
    ft_now = extras["month_follow_through"]
    if ft_now is None:
        ft_now = _month_follow_through(tables["milestones"], as_of=crm.as_of, engine=engine)
    now = projection(ft_now, months=k, draws=params.projection_draws)
    past = crm.as_known_at(cut)
    # The cut's tables with only the columns the milestones read (the projection takes
    # nothing else from them): the cut copies no other column of its rows.
    leads = _known_at(crm, past, "leads")
    reason = ""
    if not len(leads):
        reason = f"no lead was known at the cut {cut.date()}"
        at_cut = now.iloc[:0]
    else:
        # The projection reads only the cells of PROJECTED_MILESTONES, which come from
        # leads and opportunities; the activities give only touched and meeting, so the
        # cut's activities are read only if those were projected (else they stay blank).
        activities = None
        if set(PROJECTED_MILESTONES) & set(_NEEDS["activities"]) and "activities" not in missing:
            activities = _known_at(crm, past, "activities")
        if activities is None:
            activities = empty_table(ACTIVITIES)
        m_cut = lead_milestones(
            leads, activities, _known_at(crm, past, "opportunities"), as_of=cut, engine=engine
        )
        at_cut = projection(
            _month_follow_through(m_cut, as_of=cut, engine=engine),
            months=k,
            draws=params.projection_draws,
        )
    tr = projection_track_record(at_cut, ft_now, cut=cut, months=k, reason=reason)
    extras["track"] = tr
    return {"projection": now, "projection_track_record": tr.table}


def _known_at(crm, past, name: str) -> pd.DataFrame | None:
    """Table ``name`` of ``past`` (a cut of ``crm``) with the columns :func:`lead_milestones` reads.

    Those of them the table has, with the same rows and values as
    ``past.tables[name]``; None when the table is not loaded.
    """
    frame = crm.get(name)
    if frame is None:
        return None
    return past.tables.select(name, [c for c in FACT_INPUTS[name] if c in frame.columns])


def _figures(t: dict[str, pd.DataFrame], params: Params) -> dict:
    """The headline figures of ``summary.json`` from the tables of :func:`_tables`."""
    return summary_figures(
        follow_through=t["follow_through"],
        equal_age=t["equal_age"],
        period_vs_cohort=t["period_view"],
        handoff=t["handoff_followup"],
        not_followed_up=t["not_followed_up"],
        exclusions=t["exclusions"],
        milestone=params.milestone,
        periods=params.equal_age_periods,
        sla_days=params.sla_days,
        segment_by=params.segment_by or None,
    )

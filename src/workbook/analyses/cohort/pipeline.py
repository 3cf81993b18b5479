"""The cohort report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

import pandas as pd

from workbook.analyses.cohort.figures import summary_figures
from workbook.analyses.cohort.follow_through import equal_age, follow_through
from workbook.analyses.cohort.handoff import handoff_tables
from workbook.analyses.cohort.milestones import lead_milestones_with_exclusions
from workbook.analyses.cohort.narrative import headline_cards, summary_sentences
from workbook.analyses.cohort.params import Params
from workbook.analyses.cohort.periods import period_kpis, period_views, period_vs_cohort
from workbook.analyses.cohort.results import Results
from workbook.analyses.cohort.time_to_event import kaplan_meier
from workbook.core.checks import require_crm

__all__ = ["run"]


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
    tables = _tables(crm, params)
    figures = _figures(tables, params)
    cards = headline_cards(
        figures,
        milestone=params.milestone,
        grain=params.grain,
        periods=params.equal_age_periods,
        sla_days=params.sla_days,
    )
    return Results(
        params=params,
        as_of=crm.as_of,
        figures=figures,
        sentences=summary_sentences(figures),
        cards=cards,
        **tables,
    )


def _tables(crm, params: Params) -> dict[str, pd.DataFrame]:
    """Every table of :class:`Results`, by field name (what the notebook computed)."""
    frames = (crm.leads, crm.activities, crm.opportunities)
    as_of = crm.as_of
    segment = params.segment_by or None
    ms = lead_milestones_with_exclusions(*frames, as_of=as_of)
    m = ms.milestones
    ft = follow_through(
        *frames,
        as_of=as_of,
        grain=params.grain,
        segment_by=segment,
        min_cell_leads=params.min_cell_leads,
        milestones=m,
    )
    km = kaplan_meier(*frames, as_of=as_of, by=params.km_by, grain=params.grain, milestones=m)
    handoff = handoff_tables(*frames, as_of=as_of, sla_days=params.sla_days, segment_by=segment)
    views = period_views(*frames, as_of=as_of, segment_by=segment, milestones=m)
    return {
        "follow_through": ft,
        "equal_age": equal_age(ft, periods=params.equal_age_periods, milestone=params.milestone),
        "time_to_event": km.curves,
        "time_to_event_summary": km.summary,
        "handoff_followup": handoff.followup,
        "not_followed_up": handoff.not_followed_up,
        "period_views": views,
        "period_kpis": period_kpis(views),
        "exclusions": ms.exclusions,
        "period_view": period_vs_cohort(
            *frames, as_of=as_of, grain=params.grain, segment_by=segment, milestones=m
        ),
        "handoff_status": handoff.status,
        "milestones": m,
    }


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
        min_cell_leads=params.min_cell_leads,
        segment_by=params.segment_by or None,
    )

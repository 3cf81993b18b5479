"""The cohort report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

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
    tables = (crm.leads, crm.activities, crm.opportunities)
    as_of = crm.as_of
    segment = params.segment_by or None

    ms = lead_milestones_with_exclusions(*tables, as_of=as_of)
    m = ms.milestones
    ft = follow_through(
        *tables,
        as_of=as_of,
        grain=params.grain,
        segment_by=segment,
        min_cell_leads=params.min_cell_leads,
        milestones=m,
    )
    same_age = equal_age(ft, periods=params.equal_age_periods, milestone=params.milestone)
    km = kaplan_meier(*tables, as_of=as_of, by=params.km_by, grain=params.grain, milestones=m)
    handoff = handoff_tables(*tables, as_of=as_of, sla_days=params.sla_days, segment_by=segment)
    view = period_vs_cohort(
        *tables, as_of=as_of, grain=params.grain, segment_by=segment, milestones=m
    )
    views = period_views(*tables, as_of=as_of, segment_by=segment, milestones=m)

    figures = summary_figures(
        follow_through=ft,
        equal_age=same_age,
        period_vs_cohort=view,
        handoff=handoff.followup,
        not_followed_up=handoff.not_followed_up,
        exclusions=ms.exclusions,
        milestone=params.milestone,
        periods=params.equal_age_periods,
        sla_days=params.sla_days,
        min_cell_leads=params.min_cell_leads,
        segment_by=segment,
    )
    cards = headline_cards(
        figures,
        milestone=params.milestone,
        grain=params.grain,
        periods=params.equal_age_periods,
        sla_days=params.sla_days,
    )
    return Results(
        params=params,
        as_of=as_of,
        figures=figures,
        sentences=summary_sentences(figures),
        cards=cards,
        follow_through=ft,
        equal_age=same_age,
        time_to_event=km.curves,
        time_to_event_summary=km.summary,
        handoff_followup=handoff.followup,
        not_followed_up=handoff.not_followed_up,
        period_views=views,
        period_kpis=period_kpis(views),
        exclusions=ms.exclusions,
        period_view=view,
        handoff_status=handoff.status,
        milestones=m,
    )

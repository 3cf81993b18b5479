"""Words of the cohort report: summary sentences, headline cards, age phrases.

Every number comes from :func:`~workbook.analyses.cohort.summary_figures`;
text is plain (the presentation layer escapes it). Nothing here imports
``workbook.present``, ``workbook.plots`` or ``workbook.widgets``.
"""

from __future__ import annotations

import pandas as pd

from workbook.core.findings import HIGH, MEDIUM, Finding
from workbook.core.text import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NEUTRAL,
    Card,
    one_or_many,
    plural,
    share_text,
)

__all__ = ["HANDOFF_ANCHOR", "age_phrase", "findings", "headline_cards", "summary_sentences"]

_WHAT = {
    "touched": "a first touch",
    "meeting": "a meeting",
    "opportunity": "an opportunity",
    "won": "a won deal",
}


def _pct(x) -> str:
    return "n/a" if x is None else share_text(x)


def _unit(grain: str | None, n: int | float = 2) -> str:
    word = {"month": "month", "quarter": "quarter", "year": "year"}.get(grain or "", "period")
    return one_or_many(n, word, f"{word}s")


def age_phrase(periods: int, grain: str | None) -> str:
    """Plain words for "at or before ``periods`` calendar periods after the cohort's period".

    Parameters
    ----------
    periods : int
        The age k, in whole calendar periods.
    grain : str or None
        ``month``, ``quarter`` or ``year`` (anything else reads "period").

    Returns
    -------
    str
        ``age_phrase(3, "month")`` is ``"within 3 calendar months after the
        acquisition month"`` (the acquisition month plus the next three);
        ``age_phrase(0, "month")`` is ``"in the acquisition month"``.
    """
    k = int(periods)
    one = _unit(grain, 1)
    if k == 0:
        return f"in the acquisition {one}"
    return f"within {k} calendar {_unit(grain, k)} after the acquisition {one}"


def _equal_age_sentence(f: dict) -> str:
    k = f["equal_age_periods"]
    what = _WHAT[f["equal_age_milestone"]]
    if f["equal_age_rate"] is None:
        return (
            f"{f['leads']:,} leads in {f['cohorts']:,} cohorts; none is old enough yet to "
            f"compare the share reaching {what} {age_phrase(k, f['grain'])}."
        )
    lo, hi = f["equal_age_rate_ci"]
    partial = ""
    if f.get("equal_age_partial_cohorts"):
        n = f["equal_age_partial_cohorts"]
        partial = (
            f" ({plural(n, 'partly observed cohort')} left out: "
            f"{one_or_many(n, 'its', 'their')} {_unit(f['grain'], 1)} {k} has not ended)"
        )
    return (
        f"Of {f['leads']:,} leads acquired {f['first_cohort']} to {f['last_cohort']}, "
        f"{_pct(f['equal_age_rate'])} (95% CI {_pct(lo)}-{_pct(hi)}) of the "
        f"leads in the {plural(f['equal_age_cohorts'], 'cohort')} old enough reached {what} "
        f"{age_phrase(k, f['grain'])}{partial}."
    )


def _projection_sentence(f: dict) -> str | None:
    k = f.get("projection_months")
    if not f.get("projected_cohorts") and not f.get("track_record_rows"):
        reason = f.get("track_record_reason")
        return f"No projection of young cohorts: {reason}." if reason else None
    text = (
        f"{f['projected_cohorts']:,} young cohorts are projected to month {k} "
        f"(Bornhuetter-Ferguson, {f['projection_level']:.0%} prediction intervals in the table)"
    )
    if f.get("track_record_rows"):
        text += (
            f"; projected from the data as known at {f['track_record_cut']}, the "
            f"{f['track_record_rows']:,} cohort values since completed were off by "
            f"{f['projection_mae_points']:.1f} points on average, with "
            f"{_pct(f['projection_coverage'])} inside their intervals"
        )
    else:
        text += f"; no track record yet ({f['track_record_reason']})"
    return text + "."


def _outcome_sentence(f: dict) -> str | None:
    if f.get("won_by_365_days") is None:
        return None
    lo, hi = f["won_by_365_days_ci"]
    llo, lhi = f["lost_by_365_days_ci"]
    half = ""
    if f.get("days_to_50pct_of_wins") is not None:
        half = (
            f"; half of the wins seen so far came within {f['days_to_50pct_of_wins']:,.0f} "
            f"days (a quarter within {f['days_to_25pct_of_wins']:,.0f})"
        )
    return (
        f"Within 365 days of acquisition {_pct(f['won_by_365_days'])} of leads were won "
        f"(95% CI {_pct(lo)}-{_pct(hi)}) and {_pct(f['lost_by_365_days'])} lost "
        f"({_pct(llo)}-{_pct(lhi)}); {f['disqualified_no_opportunity']:,} were disqualified "
        f"without an opportunity and {f['still_open']:,} are still open{half}."
    )


def _period_sentences(f: dict) -> list[str]:
    out = []
    if f["meetings_latest_from_earlier_share"] is not None:
        per = _unit(f["grain"], 1)
        out.append(
            f"{_pct(f['meetings_latest_from_earlier_share'])} of the "
            f"{f['meetings_latest_period']:,} first meetings in {f['latest_period']} came from leads "
            f"acquired in an earlier {per} ({_pct(f['meetings_from_earlier_share'])} over all "
            f"{_unit(f['grain'])}); a single-{per} KPI hides which cohort earned them."
        )
    if f["opportunities_late_share"] is not None:
        out.append(
            f"{_pct(f['opportunities_late_share'])} of {f['opportunities']:,} opportunities were "
            f"created {f['equal_age_periods']} or more calendar {_unit(f['grain'])} after the "
            f"lead's acquisition {_unit(f['grain'], 1)}."
        )
    return out


def _handoff_sentence(f: dict) -> str:
    if f.get("skipped") and any("SLA" in x for x in f["skipped"]):
        return None
    if not f["handed_off"]:
        return "No lead was handed off to sales on or before the as-of date."
    sla = f["sla_days"]
    sla_txt = f"{sla:g} day" if sla == 1 else f"{sla:g} days"
    tail = f" {f['owner_sentence']}" if f.get("owner_sentence") else ""
    wait = ""
    if f["not_followed_up_never_touched"]:
        wait = (
            f"; {f['not_followed_up_never_touched']:,} were never touched, the oldest "
            f"waiting {f['longest_wait_days']:,.0f} days"
        )
    pending = ""
    if f.get("handoff_pending"):
        n = f["handoff_pending"]
        pending = (
            f" ({n:,} more {one_or_many(n, 'is', 'are')} pending: "
            f"{one_or_many(n, 'its', 'their')} window ends after the as-of date)"
        )
    return (
        f"Sales followed up {_pct(f['followup_rate'])} of {f['handoff_due']:,} handed-off "
        f"leads within {sla_txt}{pending}; {f['not_followed_up']:,} missed the "
        f"window{wait}.{tail}"
    )


def _exclusions_sentence(f: dict) -> str | None:
    parts = []
    if f["leads_excluded"]:
        one = f["leads_excluded"] == 1
        parts.append(
            f"{f['leads_excluded']:,} {'lead' if one else 'leads'} "
            "created after the as-of date (or undated) "
            f"{'was' if one else 'were'} excluded"
        )
    if f["events_ignored"]:
        parts.append(
            f"{f['events_ignored']:,} milestone events dated before the lead was "
            "created or after the as-of date were ignored"
        )
    if not parts:
        return None
    text = " and ".join(parts)
    return text[0].upper() + text[1:] + "."


def summary_sentences(figures: dict) -> list[str]:
    """3-5 plain-text sentences built from :func:`~workbook.analyses.cohort.summary_figures`.

    Parameters
    ----------
    figures : dict
        The output of ``summary_figures``.

    Returns
    -------
    list of str
        The equal-age comparison (partial cohorts left out, counted); the
        noise test and trend (cohorts named only beyond noise); the
        projection and its track record; won/lost outcomes; the handoff
        follow-up (pending counted, owners named only beyond noise); where
        there are events, the share of the latest period's first meetings
        from earlier cohorts and the share of late opportunities; what was
        excluded or ignored; what was skipped for a missing table.
        Text is plain (the report escapes it); numbers come only from
        ``figures``.
    """
    f = figures
    out = [_equal_age_sentence(f)]
    if f.get("cohort_sentence"):
        out.append(f["cohort_sentence"])
    out += [_projection_sentence(f), _outcome_sentence(f), _handoff_sentence(f)]
    out += _period_sentences(f)
    out.append(_exclusions_sentence(f))
    if f.get("skipped"):
        out.append("Skipped: " + "; ".join(f["skipped"]) + ".")
    return [s for s in out if s]


def headline_cards(
    figures: dict, *, milestone: str, grain: str, periods: int, sla_days: float
) -> list[Card]:
    """The five headline cards shown above the summary sentences.

    Parameters
    ----------
    figures : dict
        The output of :func:`~workbook.analyses.cohort.summary_figures`.
    milestone, grain, periods, sla_days
        The report's ``milestone``, ``grain``, ``equal_age_periods`` and
        ``sla_days`` (they appear in the labels as given).

    Returns
    -------
    list of Card
        Leads in scope, the equal-age rate, the share of meetings from
        earlier cohorts, the follow-up rate and the handoffs that missed the
        window.
    """
    f = figures
    return [
        Card("leads", "Leads in scope", f["leads"], "{:,}", NEUTRAL, on_index=True),
        Card(
            "equal_age_rate",
            f"Reached {milestone} by {grain} {periods}",
            f["equal_age_rate"],
            "{:.1%}",
            HIGHER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "meetings_from_earlier_share",
            "First meetings from earlier cohorts",
            f["meetings_from_earlier_share"],
            "{:.1%}",
            NEUTRAL,
        ),
        Card(
            "followup_rate",
            f"Handoffs followed up within {sla_days} days",
            f["followup_rate"],
            "{:.1%}",
            HIGHER_IS_BETTER,
            on_index=True,
        ),
        Card(
            "not_followed_up",
            "Handoffs that missed the window",
            f["not_followed_up"],
            "{:,}",
            LOWER_IS_BETTER,
            on_index=True,
        ),
    ]


#: The report section holding the handoff evidence (nbconvert's heading id).
HANDOFF_ANCHOR = "Handoff-follow-up"


def _days(n: float) -> str:
    return f"{n:g}-day"


def findings(res) -> list[Finding]:
    """The cohort findings for the executive brief.

    * **Handed-off leads nobody touched**: the leads whose follow-up window
      (``sla_days``) ended on or before ``as_of`` without any touch since
      the handoff (``not_followed_up_never_touched``), named by the company
      of the one waiting longest. Its count is those leads. Each lead is a
      recorded fact, so there is no chance to rule out; the rule that keeps
      a handful off the brief is the report's small-count rule: the finding
      passes only with at least ``min_cell_leads`` such leads.
    * **A rep whose follow-up rate is outside noise**: every owner that
      :func:`workbook.core.noise.name_extremes` named below the funnel
      limits (``owners_named_low``; none when the owners differ within
      noise). Its count is that rep's handoffs that missed the window.

    ``res`` is the report's ``Results``; ``res.figures``, ``res.params``,
    ``res.not_followed_up`` and ``res.owner_followup_comparison`` are read.
    """
    f = res.figures
    out: list[Finding] = []
    if f.get("skipped") and any("SLA" in x for x in f["skipped"]):
        return out
    sla = _days(f["sla_days"])
    never = int(f.get("not_followed_up_never_touched") or 0)
    if never:
        nfu = res.not_followed_up
        waiting = nfu.loc[nfu["first_touch_after_handoff"].isna() & ~nfu["pending"].astype(bool)]
        oldest = waiting.sort_values("days_waiting", ascending=False, kind="stable").iloc[0]
        company = str(oldest["company"]) if pd.notna(oldest["company"]) else str(oldest["lead_id"])
        leads = "the lead" if never == 1 else f"the {never:,} leads"
        out.append(
            Finding(
                report="cohort",
                anchor=HANDOFF_ANCHOR,
                title="Handed-off leads nobody touched",
                subject=company,
                action=(
                    f"Work or close {leads} handed to sales and never touched since, oldest "
                    f"first: {company} has waited {oldest['days_waiting']:,.0f} days; "
                    f"{f['not_followed_up']:,} of {f['handoff_due']:,} handoffs missed the "
                    f"{sla} follow-up window."
                ),
                severity=HIGH,
                count=never,
                unit="leads never touched",
                passed=never >= res.params.min_cell_leads,
            )
        )
    low = list(f.get("owners_named_low") or [])
    if low:
        table = res.owner_followup_comparison.set_index("owner_name")
        for name in low:
            row = table.loc[name]
            missed = int(row["trials"] - row["successes"])
            out.append(
                Finding(
                    report="cohort",
                    anchor=HANDOFF_ANCHOR,
                    title="Handoff follow-up of a rep outside noise",
                    subject=name,
                    action=(
                        f"Review how {name} follows up handoffs: {int(row['successes']):,} of "
                        f"{int(row['trials']):,} within the {sla} window ({row['rate']:.0%}), below the "
                        "funnel limits of the overall rate."
                    ),
                    severity=MEDIUM,
                    count=missed,
                    unit="handoffs missed",
                )
            )
    return out

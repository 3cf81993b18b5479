"""Outcomes: which scored leads are won, lost or still unresolved at ``as_of``.

Population: leads with a non-blank score, created on or before ``as_of``.
A lead is *won* when its converted opportunity is closed and won with
``close_date <= as_of``; *lost* when its converted opportunity is closed and
not won with ``close_date <= as_of``, or when it has no converted opportunity
and its status is in ``disqualified_statuses``, or when it has no converted
opportunity and ``(as_of - created_at)`` in days is ``>= maturity_days``.
Every other lead is *unresolved* (counted, left out of the statistics).
Dates are compared as calendar days (:mod:`workbook.core.calendar`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.narrative import thin_data_message, thin_data_shortfall
from workbook.core import calendar
from workbook.core.checks import require_frame
from workbook.data.model import SCORE_RANGE

__all__ = [
    "LOST",
    "MIN_RESOLVED",
    "MIN_WINS",
    "OUTCOME_COLUMNS",
    "UNRESOLVED",
    "WON",
    "LeadOutcomes",
    "data_sufficiency",
    "lead_outcomes",
    "outcome_counts",
    "require_outcomes",
    "resolved_leads",
]

WON = "won"
LOST = "lost"
UNRESOLVED = "unresolved"

#: Minimum resolved leads and wins for a recommendation to be called reliable.
MIN_RESOLVED = 100
MIN_WINS = 20

OUTCOME_COLUMNS = [
    "lead_id",
    "created_at",
    "score",
    "status",
    "source",
    "owner_id",
    "converted_at",
    "converted_opportunity_id",
    "close_date",
    "amount",
    "age_days",
    "outcome",
    "outcome_reason",
    "resolved",
    "won",
    "outcome_end",
]

LEAD_COLUMNS = (
    "lead_id",
    "created_at",
    "score",
    "status",
    "converted_opportunity_id",
    "converted_at",
)
OPPORTUNITY_COLUMNS = (
    "opportunity_id",
    "created_at",
    "close_date",
    "is_closed",
    "is_won",
    "amount",
)


class LeadOutcomes(NamedTuple):
    """What :func:`lead_outcomes` returns.

    Attributes
    ----------
    outcomes : DataFrame
        One row per lead in the population, columns :data:`OUTCOME_COLUMNS`.
    exclusions : DataFrame
        ``kind``, ``reason``, ``n``: exclusions, fix-ups, unresolved counts, notes.
    """

    outcomes: pd.DataFrame
    exclusions: pd.DataFrame


def require_outcomes(value: object, name: str = "outcomes") -> pd.DataFrame:
    """Return ``value`` when it is an outcomes DataFrame; else a ``TypeError`` naming ``name``.

    Passing the whole :class:`LeadOutcomes` instead of its ``.outcomes`` is
    the likely mistake, so the message says so.

    Parameters
    ----------
    value : object
        The argument to check.
    name : str
        The argument's name, for the message.

    Returns
    -------
    DataFrame
        ``value`` itself.

    Raises
    ------
    TypeError
        ``value`` is not a DataFrame.
    """
    if isinstance(value, LeadOutcomes):
        raise TypeError(f"{name} must be a pandas DataFrame, got LeadOutcomes; pass its .outcomes")
    return require_frame(value, name)


class _Links(NamedTuple):
    """Masks over the lead rows after joining their converted opportunity."""

    has_opp: pd.Series  # a known converted opportunity (exists, created by as_of)
    opp_future: pd.Series  # converted opportunity created after as_of
    missing_opp: pd.Series  # converted opportunity id not in opportunities
    closed_by: pd.Series  # the known opportunity closed on or before as_of
    won: pd.Series
    opp_lost: pd.Series
    close: pd.Series  # close day of the converted opportunity


def _population(leads: pd.DataFrame, as_of: pd.Timestamp):
    """Leads in the population (created day set), and the masks of the two exclusions."""
    created = calendar.days(leads["created_at"])
    after = ~calendar.on_or_before(created, as_of)
    blank = ~after & leads["score"].isna()
    keep = ~after & ~blank
    lead = leads.loc[keep].copy()
    lead["created_at"] = created[keep]
    return lead, after, blank


def _join_opportunities(lead: pd.DataFrame, opportunities: pd.DataFrame, as_of: pd.Timestamp):
    """The leads merged with their converted opportunity, and the :class:`_Links` masks."""
    opp = opportunities[list(OPPORTUNITY_COLUMNS)].rename(
        columns={"opportunity_id": "converted_opportunity_id", "created_at": "opp_created_at"}
    )
    opp = opp.drop_duplicates("converted_opportunity_id")
    lead["converted_opportunity_id"] = lead["converted_opportunity_id"].astype("string")
    opp["converted_opportunity_id"] = opp["converted_opportunity_id"].astype("string")
    merged = lead.merge(opp, on="converted_opportunity_id", how="left", indicator=True)

    has_id = merged["converted_opportunity_id"].notna()
    found = merged["_merge"].eq("both")
    opp_future = found & (calendar.days(merged["opp_created_at"]) > as_of)
    has_opp = found & ~opp_future
    close = calendar.days(merged["close_date"])
    closed = merged["is_closed"].astype("boolean").fillna(False).astype(bool)
    is_won = merged["is_won"].astype("boolean").fillna(False).astype(bool)
    closed_by = has_opp & closed & close.notna() & (close <= as_of)
    links = _Links(
        has_opp=has_opp,
        opp_future=opp_future,
        missing_opp=has_id & ~found,
        closed_by=closed_by,
        won=closed_by & is_won,
        opp_lost=closed_by & ~is_won,
        close=close,
    )
    return merged, links


def _outcome_frame(merged, links: _Links, *, as_of, disqualified_statuses, maturity_days):
    """Classify each merged lead row: the outcomes frame without ``outcome_end``."""
    disq = [str(s) for s in disqualified_statuses]
    age = calendar.age_days(merged["created_at"], as_of=as_of)
    status = merged["status"].astype("string")
    has_opp = links.has_opp
    disqualified = ~has_opp & status.isin(disq).fillna(False).astype(bool)
    matured = ~has_opp & (age >= maturity_days)
    reason = np.select(
        [links.won, links.opp_lost, disqualified, matured, has_opp],
        ["won", "opportunity lost", "disqualified", "matured", "opportunity open"],
        default="too young",
    )
    outcome = np.select(
        [links.won, links.opp_lost | disqualified | matured], [WON, LOST], default=UNRESOLVED
    )
    resolved = outcome != UNRESOLVED
    out = pd.DataFrame(
        {
            "lead_id": merged["lead_id"],
            "created_at": merged["created_at"],
            "score": merged["score"].astype("float64"),
            "status": status,
            "source": merged["source"] if "source" in merged else pd.NA,
            "owner_id": merged["owner_id"] if "owner_id" in merged else pd.NA,
            "converted_at": calendar.days(merged["converted_at"]),
            "converted_opportunity_id": merged["converted_opportunity_id"].where(has_opp),
            "close_date": links.close.where(has_opp),
            "amount": merged["amount"].astype("float64").where(has_opp),
            "age_days": age.astype("int64"),
            "outcome": pd.Series(outcome, index=merged.index, dtype="string"),
            "outcome_reason": pd.Series(reason, index=merged.index, dtype="string"),
            "resolved": resolved,
        }
    )
    out["won"] = pd.array(np.where(outcome == WON, True, False), dtype="boolean")
    out.loc[~resolved, "won"] = pd.NA
    return out


def _outcome_end(out: pd.DataFrame, links: _Links, *, as_of, maturity_days: int) -> pd.Series:
    """The day each lead's story ends (see :func:`lead_outcomes`, ``outcome_end``)."""
    # Without a converted opportunity the outcome is settled maturity_days after
    # creation at the latest (matured), so the lead's story ends there.
    settled = out["created_at"] + pd.Timedelta(days=int(maturity_days))
    close_by = links.close.where(links.closed_by)
    converted_end = out["converted_at"].where(out["converted_at"].notna(), close_by)
    end = converted_end.where(links.has_opp.to_numpy(), settled)
    end = end.where(end.notna(), as_of)
    end = end.where(end <= as_of, as_of)
    # A conversion recorded before creation would give a negative window.
    return end.where(end >= out["created_at"], out["created_at"])


def _exclusions(out, links: _Links, *, after, blank, maturity_days, score_range):
    """The ``exclusions`` table of :func:`lead_outcomes`."""
    unresolved = out.loc[~out["resolved"], "outcome_reason"].value_counts()
    lo, hi = score_range
    outside = int(((out["score"] < lo) | (out["score"] > hi)).sum())
    rows = [
        ("excluded", "created after as_of (or no created_at)", int(after.sum())),
        ("excluded", "blank score", int(blank.sum())),
        (
            "fix-up",
            "converted opportunity id not found; treated as none",
            int(links.missing_opp.sum()),
        ),
        (
            "fix-up",
            "converted opportunity created after as_of; treated as none",
            int(links.opp_future.sum()),
        ),
        (
            "unresolved",
            "converted opportunity still open at as_of",
            int(unresolved.get("opportunity open", 0)),
        ),
        (
            "unresolved",
            f"no converted opportunity, younger than {maturity_days} days",
            int(unresolved.get("too young", 0)),
        ),
        ("note", f"score outside {lo:g}-{hi:g}; kept as is", outside),
    ]
    return pd.DataFrame(rows, columns=["kind", "reason", "n"])


@shared_docs
def lead_outcomes(
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    disqualified_statuses: Sequence[str] = ("Unqualified",),
    maturity_days: int = 180,
    score_range: tuple[float, float] = SCORE_RANGE,
) -> LeadOutcomes:
    """Classify every scored lead as won, lost or unresolved at ``as_of``.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` table.
    opportunities : DataFrame
        Canonical ``opportunities`` table.
    {as_of}
    {scoring_lead_rules}
    score_range : (float, float)
        Expected score range (both ends valid). Scores outside it are kept and
        counted (``kind="note"`` in ``exclusions``).

    Returns
    -------
    LeadOutcomes
        A named pair (it still unpacks as ``outcomes, exclusions``):

        ``outcomes`` : DataFrame
            One row per lead in the population (non-blank score, created on or
            before ``as_of``), columns :data:`OUTCOME_COLUMNS`.
            ``outcome`` is ``won``, ``lost`` or ``unresolved``.
            ``outcome_reason`` is ``won``; ``opportunity lost``;
            ``disqualified``; ``matured`` (lost); ``opportunity open``
            (converted opportunity not closed, or closed after ``as_of``, or
            closed without a close date); ``too young`` (unresolved). When
            several lost rules hold the first in this order is given:
            opportunity lost, disqualified, matured.
            ``resolved`` / ``won`` are booleans; ``won`` is missing (``<NA>``)
            for unresolved leads. ``amount``, ``close_date`` are those of the
            converted opportunity, when there is one. ``age_days`` is
            ``(as_of - created_at)`` in calendar days. ``outcome_end`` is the
            date a lead's story ends, used by the decay what-if. With a
            converted opportunity: the conversion date when known, else the
            opportunity's close date when it closed on or before ``as_of``,
            else ``as_of``. Without one: ``created_at + maturity_days`` (the
            day the lead matures; its outcome is settled by then at the
            latest). Always capped at ``as_of`` and never before
            ``created_at``.
        ``exclusions`` : DataFrame
            Columns ``kind`` (``excluded``, ``fix-up``, ``unresolved``,
            ``note``), ``reason`` and ``n``. Exclusions are counted in order:
            created after ``as_of``, then blank score among the rest. Fix-ups:
            a ``converted_opportunity_id`` that is not in ``opportunities``,
            or whose opportunity was created after ``as_of``, is treated as no
            converted opportunity. Unresolved leads are counted by reason.

    Notes
    -----
    A converted opportunity counts only if it exists in ``opportunities`` and
    was created on or before ``as_of``: what was not known at ``as_of`` does
    not decide an outcome.
    """
    require_frame(leads, "leads", LEAD_COLUMNS)
    require_frame(opportunities, "opportunities", OPPORTUNITY_COLUMNS)
    as_of = calendar.day(as_of)
    lead, after, blank = _population(leads, as_of)
    merged, links = _join_opportunities(lead, opportunities, as_of)
    out = _outcome_frame(
        merged,
        links,
        as_of=as_of,
        disqualified_statuses=disqualified_statuses,
        maturity_days=maturity_days,
    )
    out["outcome_end"] = _outcome_end(out, links, as_of=as_of, maturity_days=maturity_days)
    exclusions = _exclusions(
        out, links, after=after, blank=blank, maturity_days=maturity_days, score_range=score_range
    )
    return LeadOutcomes(out[OUTCOME_COLUMNS].reset_index(drop=True), exclusions)


def resolved_leads(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The resolved rows of :func:`lead_outcomes` with ``won`` as a plain bool.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes`` (at least ``resolved`` and ``won``).

    Returns
    -------
    DataFrame
        The resolved rows, index reset.
    """
    require_outcomes(outcomes)
    res = outcomes.loc[outcomes["resolved"].astype(bool)].copy()
    res["won"] = res["won"].astype(bool)
    return res.reset_index(drop=True)


def outcome_counts(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Counts by outcome and reason.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes``.

    Returns
    -------
    DataFrame
        Columns ``outcome``, ``outcome_reason``, ``n``, ``share``: won, lost,
        then unresolved, each by descending ``n``; ``share`` is the share of
        the whole population (resolved and unresolved).
    """
    require_outcomes(outcomes)
    counts = (
        outcomes.groupby(["outcome", "outcome_reason"], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    order = {WON: 0, LOST: 1, UNRESOLVED: 2}
    counts = counts.sort_values(
        ["outcome", "n"], key=lambda s: s.map(order) if s.name == "outcome" else -s
    )
    total = counts["n"].sum()
    counts["share"] = counts["n"] / total if total else np.nan
    return counts.reset_index(drop=True)


def data_sufficiency(
    outcomes: pd.DataFrame, *, min_resolved: int = MIN_RESOLVED, min_wins: int = MIN_WINS
) -> dict:
    """Is there enough resolved data for a reliable recommendation?

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes``.
    min_resolved, min_wins : int
        The limits (inclusive) for a reliable recommendation.

    Returns
    -------
    dict
        ``n_resolved``, ``n_wins``, ``n_unresolved``, ``reliable`` (True when
        ``n_resolved >= min_resolved`` and ``n_wins >= min_wins``),
        ``shortfall`` (plain text naming only the limit(s) not met, e.g.
        ``"12 wins (at least 20 needed)"``) and ``message`` (plain text; both
        empty when reliable; wording in :mod:`.narrative`).
    """
    require_outcomes(outcomes)
    res = outcomes["resolved"].astype(bool)
    n_resolved = int(res.sum())
    n_wins = int(outcomes.loc[res, "won"].astype(bool).sum())
    shortfall = thin_data_shortfall(
        n_resolved, n_wins, min_resolved=min_resolved, min_wins=min_wins
    )
    return {
        "n_resolved": n_resolved,
        "n_wins": n_wins,
        "n_unresolved": int((~res).sum()),
        "reliable": n_resolved >= min_resolved and n_wins >= min_wins,
        "shortfall": shortfall,
        "message": thin_data_message(shortfall, n_resolved),
    }

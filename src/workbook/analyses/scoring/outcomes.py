"""Outcomes: which scored leads are matured, and which of those were won within the horizon.

Population: leads with a non-blank score, created on or before ``as_of``
(every such lead counts towards the inflow of :mod:`.capacity`).

* **Matured**: ``created_at <= as_of - horizon_days``, compared as calendar
  days (:mod:`workbook.core.calendar`). Only matured leads enter the
  statistics, so whether a lead is in the population never depends on its
  outcome.
* **Won within the horizon**: the lead's converted opportunity exists, was
  created on or before ``as_of``, has ``is_closed`` and ``is_won`` true and a
  non-blank ``close_date`` on or before the lead's created day +
  ``horizon_days``. Every other matured lead is **not won**, whether lost,
  disqualified or still open.

The rules are computed by the relational engine, once, in :mod:`.relational`
(:func:`~workbook.analyses.scoring.relational.lead_outcomes`); this module
keeps their names, the result type and the helpers on the returned rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

import pandas as pd

from workbook.analyses.scoring.narrative import thin_data_message, thin_data_shortfall
from workbook.core.checks import require_frame

__all__ = [
    "MIN_MATURED",
    "MIN_WINS",
    "NOT_MATURED",
    "NOT_WON",
    "OUTCOME_COLUMNS",
    "WON",
    "LeadOutcomes",
    "REASONS",
    "data_sufficiency",
    "matured_leads",
    "matured_once",
    "require_outcomes",
]

WON = "won"
NOT_WON = "not won"
NOT_MATURED = "not matured"

#: Minimum matured leads and wins for a recommendation to be called reliable.
MIN_MATURED = 100
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
    "opportunity_created_at",
    "close_date",
    "amount",
    "age_days",
    "outcome",
    "outcome_reason",
    "matured",
    "won",
    "won_by_as_of",
]

LEAD_COLUMNS = ("lead_id", "created_at", "score", "converted_opportunity_id", "converted_at")
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
        One row per scored lead created by ``as_of``, columns :data:`OUTCOME_COLUMNS`.
    exclusions : DataFrame
        ``kind``, ``reason``, ``n``: exclusions, fix-ups, not-matured counts, notes.
    """

    outcomes: pd.DataFrame
    exclusions: pd.DataFrame


def require_outcomes(value: object, name: str = "outcomes") -> pd.DataFrame:
    """Return ``value`` when it is an outcomes DataFrame; else a ``TypeError`` naming ``name``.

    Passing the whole :class:`LeadOutcomes` instead of its ``.outcomes`` is
    the likely mistake, so the message says so.
    """
    if isinstance(value, LeadOutcomes):
        raise TypeError(f"{name} must be a pandas DataFrame, got LeadOutcomes; pass its .outcomes")
    return require_frame(value, name)


#: ``outcome_reason`` values, in the order of the conditions of :func:`lead_outcomes`.
REASONS = (
    "too young",
    "won",
    "won after the horizon",
    "opportunity lost",
    "opportunity open",
    "no opportunity",
)


def matured_leads(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The matured rows of :func:`lead_outcomes` with ``won`` as a plain bool.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes`` (at least ``matured`` and ``won``).

    Returns
    -------
    DataFrame
        The matured rows, index reset.
    """
    require_outcomes(outcomes)
    memo = _MATURED.get()
    if memo is not None and memo[0] is outcomes:
        if len(memo) == 1:
            memo.append(_matured(outcomes))
        # a shallow copy: with copy-on-write, what a caller changes stays in its copy
        return memo[1].copy(deep=False)
    return _matured(outcomes)


def _matured(outcomes: pd.DataFrame) -> pd.DataFrame:
    res = outcomes.loc[outcomes["matured"].astype(bool)].copy()
    res["won"] = res["won"].astype(bool)
    return res.reset_index(drop=True)


#: ``[outcomes]`` or ``[outcomes, matured rows]`` inside :func:`matured_once`.
_MATURED: ContextVar[list | None] = ContextVar("matured_leads", default=None)


@contextmanager
def matured_once(outcomes: pd.DataFrame) -> Iterator[None]:
    """Inside the block, :func:`matured_leads` of ``outcomes`` is worked out once.

    A report's tables each take the matured rows of the same outcomes (a
    dozen times per run); inside the block they share one selection (each
    call returns its own shallow copy). ``outcomes`` must not be changed in
    the block: the selection is not redone.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes``; other frames are not affected.
    """
    token = _MATURED.set([outcomes])
    try:
        yield
    finally:
        _MATURED.reset(token)


def data_sufficiency(
    outcomes: pd.DataFrame, *, min_matured: int = MIN_MATURED, min_wins: int = MIN_WINS
) -> dict:
    """Is there enough matured data for a reliable recommendation?

    Parameters
    ----------
    outcomes : DataFrame
        :func:`lead_outcomes` ``.outcomes``.
    min_matured, min_wins : int
        The limits (inclusive) for a reliable recommendation.

    Returns
    -------
    dict
        ``n_matured``, ``n_wins`` (won within the horizon), ``n_not_matured``,
        ``n_wins_by_as_of`` (matured leads won by ``as_of``, horizon or not),
        ``reliable`` (``n_matured >= min_matured`` and ``n_wins >= min_wins``),
        ``shortfall`` and ``message`` (plain text; both empty when reliable).
    """
    require_outcomes(outcomes)
    mat = outcomes["matured"].astype(bool)
    n_matured = int(mat.sum())
    n_wins = int(outcomes.loc[mat, "won"].astype(bool).sum())
    shortfall = thin_data_shortfall(n_matured, n_wins, min_matured=min_matured, min_wins=min_wins)
    return {
        "n_matured": n_matured,
        "n_wins": n_wins,
        "n_not_matured": int((~mat).sum()),
        "n_wins_by_as_of": int(outcomes.loc[mat, "won_by_as_of"].astype(bool).sum()),
        "reliable": n_matured >= min_matured and n_wins >= min_wins,
        "shortfall": shortfall,
        "message": thin_data_message(shortfall, n_matured),
    }

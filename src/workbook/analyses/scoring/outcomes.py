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
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from workbook.analyses.scoring._docs import shared_docs
from workbook.analyses.scoring.narrative import thin_data_message, thin_data_shortfall
from workbook.core import calendar
from workbook.core.checks import require_frame
from workbook.data.validate import positions

__all__ = [
    "MIN_MATURED",
    "MIN_WINS",
    "NOT_MATURED",
    "NOT_WON",
    "OUTCOME_COLUMNS",
    "WON",
    "LeadOutcomes",
    "data_sufficiency",
    "lead_outcomes",
    "matured_leads",
    "outcome_counts",
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


def _bool(s: pd.Series) -> pd.Series:
    return s.astype("boolean").fillna(False).astype(bool)


def _take(values: pd.Series, at: np.ndarray) -> pd.Series:
    """``values`` at positions ``at`` (missing where ``at`` is -1), as a new Series."""
    return pd.Series(values.array.take(at, allow_fill=True))


def _labels(labels: tuple[str, ...], codes: np.ndarray) -> pd.Series:
    """``labels[code]`` per code, in the ``string`` dtype, built in Arrow (no Python strings)."""
    arrow = pa.array(labels, type=pa.string()).take(pa.array(codes, type=pa.int64()))
    return pd.Series(pd.array(arrow, dtype="string"))


@shared_docs
def lead_outcomes(
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    horizon_days: int = 180,
    score_range: tuple[float, float] | None = None,
) -> LeadOutcomes:
    """Mark every scored lead as matured or not, and matured leads as won within the horizon or not.

    Parameters
    ----------
    leads : DataFrame
        Canonical ``leads`` table.
    opportunities : DataFrame
        Canonical ``opportunities`` table.
    {as_of}
    {scoring_horizon}
    score_range : (float, float), optional
        Declared score range (both ends valid). Scores outside it are kept and
        counted (``kind="note"`` in ``exclusions``); None: no such note.

    Returns
    -------
    LeadOutcomes
        A named pair (it still unpacks as ``outcomes, exclusions``):

        ``outcomes`` : DataFrame
            One row per lead with a non-blank score created on or before
            ``as_of``, columns :data:`OUTCOME_COLUMNS`. ``matured`` is
            ``created_at <= as_of - horizon_days`` (calendar days).
            ``won`` (boolean, ``<NA>`` when not matured) is "won within the
            horizon": the converted opportunity is closed and won with a
            ``close_date`` on or before ``created_at + horizon_days``.
            ``won_by_as_of`` (boolean, ``<NA>`` when not matured) is the same
            with no horizon (closed won on or before ``as_of``): it shows
            which wins the horizon leaves out. ``outcome`` is ``won``,
            ``not won`` or ``not matured``; ``outcome_reason`` is ``won``,
            ``won after the horizon``, ``opportunity lost``, ``opportunity
            open`` (not closed, or closed without a close date),
            ``no opportunity`` or ``too young``. ``amount``, ``close_date``
            and ``opportunity_created_at`` are those of the converted
            opportunity, when there is one. ``age_days`` is ``as_of -
            created_at`` in calendar days.
        ``exclusions`` : DataFrame
            Columns ``kind`` (``excluded``, ``fix-up``, ``not matured``,
            ``note``), ``reason`` and ``n``. Excluded, in order: created after
            ``as_of`` (or no ``created_at``), then blank score. Fix-ups: a
            ``converted_opportunity_id`` that is not in ``opportunities``, or
            whose opportunity was created after ``as_of``, is treated as none.

    Notes
    -----
    A converted opportunity counts only if it exists in ``opportunities`` and
    was created on or before ``as_of``: what was not known at ``as_of`` does
    not decide an outcome. The lead's ``status`` is never used: it is a
    snapshot taken later than the horizon.
    """
    require_frame(leads, "leads", LEAD_COLUMNS)
    require_frame(opportunities, "opportunities", OPPORTUNITY_COLUMNS)
    as_of = calendar.day(as_of)
    horizon = pd.Timedelta(days=int(horizon_days))
    created = calendar.days(leads["created_at"])
    after = ~calendar.on_or_before(created, as_of)
    blank = ~after & leads["score"].isna()
    keep = ~after & ~blank
    used = [c for c in (*LEAD_COLUMNS, "status", "source", "owner_id") if c in leads.columns]
    m = leads.loc[keep.to_numpy(dtype=bool), used].reset_index(drop=True)
    m["created_at"] = created[keep].to_numpy(dtype="datetime64[ns]")
    m["converted_opportunity_id"] = m["converted_opportunity_id"].astype("string")

    # The converted opportunity by position (first row holding the id), not by a merge.
    at = positions(m["converted_opportunity_id"], opportunities["opportunity_id"].astype("string"))
    found = pd.Series(at >= 0)
    opp = {c: _take(opportunities[c], at) for c in OPPORTUNITY_COLUMNS[1:]}
    opp_created = calendar.days(opp["created_at"])
    opp_future = found & (opp_created > as_of)
    has_opp = found & ~opp_future
    close = calendar.days(opp["close_date"])
    closed = has_opp & _bool(opp["is_closed"]) & close.notna()
    won_ever = closed & _bool(opp["is_won"]) & (close <= as_of)
    lost = closed & ~_bool(opp["is_won"]) & (close <= as_of)
    matured = (m["created_at"] <= as_of - horizon).to_numpy()
    won = won_ever & (close <= m["created_at"] + horizon)

    reason = np.select(
        [~matured, won, won_ever, lost, has_opp], [0, 1, 2, 3, 4], default=len(REASONS) - 1
    )
    outcome = np.select([~matured, won], [0, 1], default=2)
    out = pd.DataFrame(
        {
            "lead_id": m["lead_id"],
            "created_at": m["created_at"],
            "score": m["score"].astype("float64"),
            "status": m["status"].astype("string") if "status" in m else pd.NA,
            "source": m["source"] if "source" in m else pd.NA,
            "owner_id": m["owner_id"] if "owner_id" in m else pd.NA,
            "converted_at": calendar.days(m["converted_at"]),
            "converted_opportunity_id": m["converted_opportunity_id"].where(has_opp),
            "opportunity_created_at": opp_created.where(has_opp),
            "close_date": close.where(has_opp),
            "amount": opp["amount"].astype("float64").where(has_opp),
            "age_days": calendar.age_days(m["created_at"], as_of=as_of).astype("int64"),
            "outcome": _labels((NOT_MATURED, WON, NOT_WON), outcome),
            "outcome_reason": _labels(REASONS, reason),
            "matured": matured,
        }
    )
    out["won"] = pd.array(won.to_numpy(), dtype="boolean")
    out["won_by_as_of"] = pd.array(won_ever.to_numpy(), dtype="boolean")
    out.loc[~matured, ["won", "won_by_as_of"]] = pd.NA

    rows = [
        ("excluded", "created after the as-of date (or no creation date)", int(after.sum())),
        ("excluded", "blank score", int(blank.sum())),
        (
            "fix-up",
            "converted opportunity id not found; treated as none",
            int((m["converted_opportunity_id"].notna() & ~found).sum()),
        ),
        (
            "fix-up",
            "converted opportunity created after the as-of date; treated as none",
            int(opp_future.sum()),
        ),
        (
            "not matured",
            f"created less than {int(horizon_days)} days before the as-of date (counted in the inflow only)",
            int((~matured).sum()),
        ),
    ]
    if score_range is not None:
        lo, hi = score_range
        outside = int(((out["score"] < lo) | (out["score"] > hi)).sum())
        rows.append(("note", f"score outside {lo:g}-{hi:g}; kept as is", outside))
    exclusions = pd.DataFrame(rows, columns=["kind", "reason", "n"])
    return LeadOutcomes(out[OUTCOME_COLUMNS].reset_index(drop=True), exclusions)


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
    res = outcomes.loc[outcomes["matured"].astype(bool)].copy()
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
        Columns ``outcome``, ``outcome_reason``, ``n``, ``share``: won, not
        won, then not matured, each by descending ``n``; ``share`` is the
        share of all scored leads (matured or not).
    """
    require_outcomes(outcomes)
    counts = (
        outcomes.groupby(["outcome", "outcome_reason"], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    order = {WON: 0, NOT_WON: 1, NOT_MATURED: 2}
    counts = counts.sort_values(
        ["outcome", "n"], key=lambda s: s.map(order) if s.name == "outcome" else -s
    )
    total = counts["n"].sum()
    counts["share"] = counts["n"] / total if total else np.nan
    return counts.reset_index(drop=True)


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

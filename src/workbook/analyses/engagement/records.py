"""Recent records of each account: activities, new opportunities and converted leads.

For each account, the number of distinct records in the window
``(as_of - window_days, as_of]``:

* activities whose ``account_id`` is the account, or whose
  ``opportunity_id`` is an opportunity of the account. An activity counts
  **once per distinct account** it is linked to: linked to account A both
  directly and through an opportunity of A, it counts once for A; linked
  directly to A and through an opportunity of B, it counts once for A and
  once for B;
* opportunities of the account with ``created_at`` in the window;
* leads with ``converted_account_id`` equal to the account and
  ``created_at`` in the window.

Records that point to an account id not in ``accounts`` are not counted;
:func:`unmatched_records` counts them.

The definitions are written once, as Ibis expressions
(:mod:`workbook.analyses.engagement.relational`); the functions here run them
on an engine (embedded DuckDB by default) over the given frames and return
one row per account of ``accounts``, in its order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import (
    _docs,  # noqa: F401  (registers doc fragments)
    relational,
)
from workbook.core.calendar import in_window
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.data.validate import positions
from workbook.engine import default as default_engine
from workbook.engine import frame_for

__all__ = [
    "ACTIVITY_COLUMNS",
    "LEAD_COLUMNS",
    "RECORD_COLUMNS",
    "activity_account_pairs",
    "recent_records",
    "recent_records_by_window",
    "unmatched_records",
    "window_activities",
]

#: Count columns of :func:`recent_records` (after ``account_id``).
RECORD_COLUMNS = ["recent_activities", "recent_opportunities", "recent_leads", "recent_records"]

#: The activity columns :func:`recent_records` reads.
ACTIVITY_COLUMNS = relational.INPUTS["activities"]
#: The lead columns :func:`recent_records` reads.
LEAD_COLUMNS = relational.INPUTS["leads"]


def _check(accounts, activities, opportunities, leads) -> None:
    require_frame(accounts, "accounts", ["account_id"])
    require_frame(activities, "activities", list(ACTIVITY_COLUMNS))
    require_frame(opportunities, "opportunities", ["opportunity_id", "account_id", "created_at"])
    require_frame(leads, "leads", list(LEAD_COLUMNS))


def _inputs(engine, **frames: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The frames the expressions read, by table name (:func:`workbook.engine.frame_for`)."""
    return {
        name: frame_for(engine, frame, name, relational.INPUTS[name])
        for name, frame in frames.items()
    }


def _tables(engine, frames: dict[str, pd.DataFrame]) -> dict:
    return {name: engine.table(frame, name) for name, frame in frames.items()}


def activity_account_pairs(
    activities: pd.DataFrame, opportunities: pd.DataFrame, *, engine=None
) -> pd.DataFrame:
    """The activity-account pairs (:func:`~workbook.analyses.engagement.relational.activity_accounts`).

    Run by ``engine`` (default :func:`workbook.engine.default`), in no
    particular order: ``activity_id``, ``account_id``, ``occurred_at``.
    """
    engine = engine or default_engine()
    frames = _inputs(engine, activities=activities, opportunities=opportunities)
    expr = relational.activity_accounts(**_tables(engine, frames))
    return engine.frame(expr, types={"activity_id": "string", "account_id": "string"})


def window_activities(activities: pd.DataFrame, rows, *, as_of, window_days) -> pd.DataFrame:
    """The activities at ``rows`` (positions in ``activities``) that :func:`recent_records` reads.

    :data:`ACTIVITY_COLUMNS` of those rows dated in the window (a pair's date
    is its activity's, so the records of a window come from the window's
    activities alone). ``recent_records`` of the result equals
    ``recent_records`` of ``activities.iloc[rows]`` (e.g. a cut's activities,
    read from the loaded table: ``crm.as_known_at(cut).tables.rows("activities")``).
    """
    rows = np.asarray(rows, dtype=np.int64)
    when = activities["occurred_at"].iloc[rows]
    rows = rows[in_window(when, as_of=as_of, window_days=window_days).to_numpy(dtype=bool)]
    return activities[list(ACTIVITY_COLUMNS)].iloc[rows].reset_index(drop=True)


def _per_account(accounts: pd.DataFrame, counted: pd.DataFrame, window_days) -> pd.DataFrame:
    """The :func:`recent_records` table of one window from the engine's per-account counts."""
    out = accounts[["account_id"]].reset_index(drop=True)
    at = positions(out["account_id"], counted["account_id"]) if len(counted) else None
    for kind, column in zip(relational.COUNT_KINDS, RECORD_COLUMNS, strict=False):
        values = np.zeros(len(out), dtype=np.int64)
        if at is not None:
            hit = at >= 0
            source = counted[relational.count_column(kind, window_days)].to_numpy(dtype=np.int64)
            values[hit] = source[at[hit]]
        out[column] = values
    out["recent_records"] = (
        out["recent_activities"] + out["recent_opportunities"] + out["recent_leads"]
    )
    return out


@shared_docs
def recent_records(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: float,
    engine=None,
) -> pd.DataFrame:
    """Count each account's records in the window ``(as_of - window_days, as_of]``.

    See the module docstring for the exact rules (activities once per
    distinct account, direct or through an opportunity of the account;
    opportunities and converted leads by ``created_at``).

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    {engagement_window}
    engine : workbook.engine.Engine, optional
        Where :func:`~workbook.analyses.engagement.relational.record_counts`
        runs (default :func:`workbook.engine.default`, embedded DuckDB).

    Returns
    -------
    DataFrame
        One row per account in input order: ``account_id``,
        ``recent_activities``, ``recent_opportunities``, ``recent_leads``,
        ``recent_records`` (their sum), all int64.
    """
    return recent_records_by_window(
        accounts,
        activities,
        opportunities,
        leads,
        as_of=as_of,
        windows=[window_days],
        engine=engine,
    )[window_days]


@shared_docs
def recent_records_by_window(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    windows,
    engine=None,
) -> dict:
    """:func:`recent_records` for several window lengths, counted in one query.

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    windows : sequence of float
        Window lengths in days (each positive).
    engine : workbook.engine.Engine, optional
        Where the counts run (default :func:`workbook.engine.default`).

    Returns
    -------
    dict
        Window length -> the :func:`recent_records` table of that window.
    """
    windows = list(dict.fromkeys(windows))
    for window_days in windows:
        if window_days <= 0:
            raise ValueError(f"window_days must be positive, got {window_days!r}")
    _check(accounts, activities, opportunities, leads)
    if not windows:
        return {}
    engine = engine or default_engine()
    frames = _inputs(engine, activities=activities, opportunities=opportunities, leads=leads)
    expr = relational.record_counts(**_tables(engine, frames), as_of=as_of, windows=windows)
    counted = engine.frame(expr, types={"account_id": "string"})
    return {w: _per_account(accounts, counted, w) for w in windows}


@shared_docs
def unmatched_records(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: float,
    engine=None,
) -> pd.DataFrame:
    """Records in the window that point to an account id missing from ``accounts``.

    They are not counted by :func:`recent_records`; this says how many there
    are so the report can show them
    (:func:`~workbook.analyses.engagement.relational.unmatched_counts`).

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    {engagement_window}
    engine : workbook.engine.Engine, optional
        Where the counts run (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        Columns ``table`` (activities, opportunities, leads) and ``records``
        (distinct record ids in the window whose account link is not a known
        account; an activity is counted when none of its links is known).
    """
    _check(accounts, activities, opportunities, leads)
    engine = engine or default_engine()
    frames = _inputs(
        engine, accounts=accounts, activities=activities, opportunities=opportunities, leads=leads
    )
    expr = relational.unmatched_counts(
        **_tables(engine, frames), as_of=as_of, window_days=window_days
    )
    row = engine.frame(expr).iloc[0]
    return pd.DataFrame(
        {
            "table": list(relational.COUNT_KINDS),
            "records": [int(row[kind]) for kind in relational.COUNT_KINDS],
        }
    )

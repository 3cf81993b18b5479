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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import _docs  # noqa: F401  (registers doc fragments)
from workbook.core.calendar import in_window
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.core.links import strictly_increasing
from workbook.data.validate import positions

__all__ = [
    "ACTIVITY_COLUMNS",
    "LEAD_COLUMNS",
    "RECORD_COLUMNS",
    "recent_records",
    "recent_records_by_window",
    "unmatched_records",
    "window_activities",
]

#: Count columns of :func:`recent_records` (after ``account_id``).
RECORD_COLUMNS = ["recent_activities", "recent_opportunities", "recent_leads", "recent_records"]


def _check(accounts, activities, opportunities, leads) -> None:
    require_frame(accounts, "accounts", ["account_id"])
    require_frame(activities, "activities", ["activity_id", "occurred_at", "account_id"])
    require_frame(opportunities, "opportunities", ["opportunity_id", "account_id", "created_at"])
    require_frame(leads, "leads", list(LEAD_COLUMNS))


#: The activity columns :func:`_activity_accounts` and :func:`recent_records` read.
ACTIVITY_COLUMNS = ("activity_id", "occurred_at", "account_id", "opportunity_id")
#: The lead columns :func:`recent_records` reads.
LEAD_COLUMNS = ("created_at", "converted_account_id")


def _activity_accounts(activities: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Distinct (activity_id, account_id, occurred_at) pairs, direct or via the opportunity."""
    act = activities[list(ACTIVITY_COLUMNS)]
    direct = act.loc[act["account_id"].notna(), ["activity_id", "occurred_at", "account_id"]]
    via = act.loc[act["opportunity_id"].notna()].rename(columns={"account_id": "direct_account_id"})
    deals = opportunities[["opportunity_id", "account_id"]].dropna()
    if len(via) and len(deals) and deals["opportunity_id"].is_unique:
        # The inner merge on unique deal ids, by Arrow hash lookup: each activity keeps
        # its row order and gets its deal's account (a merge factorizes 5M text ids).
        pos = positions(via["opportunity_id"], deals["opportunity_id"])
        hit = pos >= 0
        via = via.loc[hit].reset_index(drop=True)
        via["account_id"] = deals["account_id"].array.take(pos[hit])
    else:
        via = via.merge(deals, on="opportunity_id")
    if strictly_increasing(act["activity_id"]):
        # Unique ids: a pair can only repeat when the opportunity's account is the
        # activity's own account, so drop those via rows instead of running
        # drop_duplicates on two text columns (2.6 s -> 1 s CPU on 5M activities).
        same = (via["account_id"] == via["direct_account_id"]).fillna(False)
        via = via.loc[~same.to_numpy(dtype=bool), ["activity_id", "occurred_at", "account_id"]]
        return pd.concat([direct, via], ignore_index=True)
    via = via[["activity_id", "occurred_at", "account_id"]]
    both = pd.concat([direct, via], ignore_index=True)
    return both.drop_duplicates(["activity_id", "account_id"])


def window_activities(activities: pd.DataFrame, rows, *, as_of, window_days) -> pd.DataFrame:
    """The activities at ``rows`` (positions in ``activities``) that :func:`recent_records` reads.

    :data:`ACTIVITY_COLUMNS` of those rows. With strictly increasing activity
    ids the records of a window come from the window's activities alone
    (:func:`_in_window`), so only those rows are copied; otherwise all of
    them. ``recent_records`` of the result equals ``recent_records`` of
    ``activities.iloc[rows]`` (e.g. a cut's activities, read from the loaded
    table: ``crm.as_known_at(cut).tables.rows("activities")``).
    """
    rows = np.asarray(rows, dtype=np.int64)
    if strictly_increasing(activities["activity_id"]):  # so are the ids at any rows, in order
        when = activities["occurred_at"].iloc[rows]
        rows = rows[in_window(when, as_of=as_of, window_days=window_days).to_numpy(dtype=bool)]
    return activities[list(ACTIVITY_COLUMNS)].iloc[rows].reset_index(drop=True)


def _in_window(activities, opportunities, leads, *, as_of, window_days):
    """Activity-account pairs, opportunities and converted leads in the window."""
    if strictly_increasing(activities["activity_id"]):
        # Unique ids: a pair's day is its activity's, so keep the window's activities
        # first and pair only those (the same pairs, from a fraction of the rows).
        recent = in_window(activities["occurred_at"], as_of=as_of, window_days=window_days)
        # only the columns the pairs read are copied (not every column of the window's rows)
        acts = _activity_accounts(activities.loc[recent, list(ACTIVITY_COLUMNS)], opportunities)
    else:
        acts = _activity_accounts(activities, opportunities)
        acts = acts.loc[in_window(acts["occurred_at"], as_of=as_of, window_days=window_days)]
    # the callers count account links only (and a shorter window reads the dates)
    opps = opportunities.loc[
        in_window(opportunities["created_at"], as_of=as_of, window_days=window_days),
        ["account_id", "created_at"],
    ]
    conv = leads.loc[
        leads["converted_account_id"].notna()
        & in_window(leads["created_at"], as_of=as_of, window_days=window_days),
        ["converted_account_id", "created_at"],
    ]
    return acts, opps, conv


def _within(records, *, as_of, window_days):
    """The activity pairs, opportunities and leads of :func:`_in_window` in a shorter window."""
    acts, opps, conv = records
    return (
        acts.loc[in_window(acts["occurred_at"], as_of=as_of, window_days=window_days)],
        opps.loc[in_window(opps["created_at"], as_of=as_of, window_days=window_days)],
        conv.loc[in_window(conv["created_at"], as_of=as_of, window_days=window_days)],
    )


def _counts(accounts, acts, opps, conv) -> pd.DataFrame:
    """The table of :func:`recent_records` from the records of one window."""
    out = accounts[["account_id"]].reset_index(drop=True)
    for column, ids in (
        ("recent_activities", acts["account_id"]),
        ("recent_opportunities", opps["account_id"]),
        ("recent_leads", conv["converted_account_id"]),
    ):
        counts = ids.value_counts()
        out[column] = out["account_id"].map(counts).fillna(0).astype("int64")
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

    Returns
    -------
    DataFrame
        One row per account in input order: ``account_id``,
        ``recent_activities``, ``recent_opportunities``, ``recent_leads``,
        ``recent_records`` (their sum), all int64.
    """
    return recent_records_by_window(
        accounts, activities, opportunities, leads, as_of=as_of, windows=[window_days]
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
) -> dict:
    """:func:`recent_records` for several window lengths, the records found once.

    The records of the longest window are found (activities paired with their
    accounts, opportunities, converted leads) and each shorter window keeps
    those dated inside it: the same counts as one :func:`recent_records` per
    window.

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    windows : sequence of float
        Window lengths in days (each positive).

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
    longest = max(windows)
    found = _in_window(activities, opportunities, leads, as_of=as_of, window_days=longest)
    return {
        w: _counts(
            accounts,
            *(found if w == longest else _within(found, as_of=as_of, window_days=w)),
        )
        for w in windows
    }


@shared_docs
def unmatched_records(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: float,
) -> pd.DataFrame:
    """Records in the window that point to an account id missing from ``accounts``.

    They are not counted by :func:`recent_records`; this says how many there
    are so the report can show them.

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    {engagement_window}

    Returns
    -------
    DataFrame
        Columns ``table`` (activities, opportunities, leads) and ``records``
        (distinct record ids in the window whose account link is not a known
        account; an activity is counted when none of its links is known).
    """
    _check(accounts, activities, opportunities, leads)
    known = accounts["account_id"].dropna()
    acts, opps, conv = _in_window(
        activities, opportunities, leads, as_of=as_of, window_days=window_days
    )

    def isin(values: pd.Series, keys: pd.Series) -> np.ndarray:
        # ``values.isin(keys)`` by Arrow's hash lookup: Series.isin on Arrow strings
        # builds one Arrow scalar per key (4.9 s on the large sample)
        return positions(values, keys) >= 0 if len(values) and len(keys) else values.isin(keys)

    acts_known = isin(acts["account_id"], known)
    matched = acts.loc[acts_known, "activity_id"]
    n_acts = acts.loc[~isin(acts["activity_id"], matched), "activity_id"].nunique()
    return pd.DataFrame(
        {
            "table": ["activities", "opportunities", "leads"],
            "records": [
                int(n_acts),
                int((~isin(opps["account_id"], known)).sum()),
                int((~isin(conv["converted_account_id"], known)).sum()),
            ],
        }
    )

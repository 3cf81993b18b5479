"""Opportunity activity effectiveness: stale deals, activity rate against won deals, overdue.

Every opportunity open at ``as_of``
(:func:`workbook.analyses.engagement.common.open_at`) gets its activities
up to ``as_of``, its age, and three flags (stale, below the won-deal
age-matched benchmark, close date passed); :func:`effectiveness_by` sums the flags per
owner or per stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.engagement import (
    _docs,  # noqa: F401  (registers doc fragments)
    benchmark,
)
from workbook.analyses.engagement.common import closed_after, label, open_at
from workbook.core.calendar import age_days, as_of_end, window_start
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.data.validate import positions

__all__ = [
    "EFFECTIVENESS_COLUMNS",
    "OPPORTUNITY_FIELDS",
    "effectiveness_by",
    "opportunity_effectiveness",
]

#: Opportunity fields carried into :func:`opportunity_effectiveness`.
OPPORTUNITY_FIELDS = [
    "opportunity_id",
    "account_id",
    "owner_id",
    "stage",
    "amount",
    "probability",
    "created_at",
    "close_date",
]

#: Columns of :func:`opportunity_effectiveness`.
EFFECTIVENESS_COLUMNS = [
    *OPPORTUNITY_FIELDS,
    "age_days",
    "activities",
    "meetings",
    "last_activity_at",
    "days_since_activity",
    "activity_rate_30d",
    "benchmark_deals",
    "benchmark_percentile",
    "stale",
    "below_benchmark",
    "close_date_passed",
    "days_overdue",
]

_DAY = pd.Timedelta(days=1)


def opp_activity_stats(activities: pd.DataFrame, opps: pd.DataFrame, end) -> pd.DataFrame:
    """Per opportunity: activities and meetings with ``occurred_at < end`` (end per opp), last one.

    Parameters
    ----------
    activities : DataFrame
        Canonical ``activities`` (``opportunity_id``, ``occurred_at``, ``type``).
    opps : DataFrame
        The opportunities, one row each (``opportunity_id``).
    end : array-like of datetime
        Exclusive end per row of ``opps``.

    Returns
    -------
    DataFrame
        One row per row of ``opps``, in order: ``opportunity_id``,
        ``activities``, ``meetings`` (int64), ``last_activity_at``.
    """
    ids = opps["opportunity_id"]
    if len(ids) and bool(ids.notna().all()) and ids.is_unique:
        return _stats_by_position(activities, ids, np.asarray(end, dtype="datetime64[ns]"))
    act = activities.loc[
        activities["opportunity_id"].notna(), ["opportunity_id", "occurred_at", "type"]
    ]
    act = act.merge(
        pd.DataFrame({"opportunity_id": opps["opportunity_id"], "_end": end}), on="opportunity_id"
    )
    act = act.loc[act["occurred_at"] < act["_end"]]
    grouped = (
        act.assign(_meeting=_is_meeting(act["type"]))
        .groupby("opportunity_id")
        .agg(
            activities=("occurred_at", "size"),
            meetings=("_meeting", "sum"),
            last_activity_at=("occurred_at", "max"),
        )
    )
    out = pd.DataFrame({"opportunity_id": opps["opportunity_id"].to_numpy()})
    out = out.merge(grouped, left_on="opportunity_id", right_index=True, how="left")
    out["activities"] = out["activities"].fillna(0).astype("int64")
    out["meetings"] = out["meetings"].fillna(0).astype("int64")
    out["last_activity_at"] = out["last_activity_at"].astype("datetime64[ns]")
    return out


def _is_meeting(types: pd.Series) -> np.ndarray:
    """Type ``meeting`` after trimming and lower-casing, each distinct type normalised once."""
    codes, uniques = pd.factorize(types)  # a blank type coded -1: not a meeting
    hit = (pd.Series(uniques).astype("str").str.strip().str.lower() == "meeting").to_numpy(bool)
    return np.append(hit, False)[codes]


def _stats_by_position(activities: pd.DataFrame, ids: pd.Series, end: np.ndarray) -> pd.DataFrame:
    """:func:`opp_activity_stats` for distinct, present ``ids``: each activity's deal by position.

    The same counts as the merge on ``opportunity_id``, from one hash lookup of
    the activities' ids among the deals' and integer sums per position.
    """
    pos = positions(activities["opportunity_id"], ids)  # -1: no deal among ids
    when = activities["occurred_at"].to_numpy(dtype="datetime64[ns]")
    hit = pos >= 0
    hit[hit] = when[hit] < end[pos[hit]]  # a blank date is not before any end
    rows = pos[hit]
    n = len(ids)
    meeting = _is_meeting(activities["type"])[hit]
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, rows, when[hit].view(np.int64))
    counts = np.bincount(rows, minlength=n)
    out = pd.DataFrame({"opportunity_id": pd.Series(ids.to_numpy(), dtype=object)})  # as merged
    out["activities"] = counts.astype("int64")
    out["meetings"] = np.bincount(rows, weights=meeting, minlength=n).astype("int64")
    out["last_activity_at"] = np.where(counts > 0, last, np.iinfo(np.int64).min).view(
        "datetime64[ns]"
    )
    return out


def _check(opportunities, activities) -> None:
    require_frame(opportunities, "opportunities", ["opportunity_id", "created_at", "is_closed"])
    require_frame(activities, "activities", ["opportunity_id", "occurred_at", "type"])


def _activity_columns(out: pd.DataFrame, stats: pd.DataFrame, *, as_of, stale_days) -> None:
    """Add activity counts, recency, staleness and the 30-day rate to ``out`` (in place)."""
    out["activities"] = stats["activities"].to_numpy()
    out["meetings"] = stats["meetings"].to_numpy()
    out["last_activity_at"] = stats["last_activity_at"].to_numpy()
    out["days_since_activity"] = age_days(out["last_activity_at"], as_of=as_of)
    recent = out["last_activity_at"] >= window_start(as_of, stale_days)
    out["stale"] = ((out["age_days"] >= stale_days) & ~recent).to_numpy(dtype=bool)
    out["activity_rate_30d"] = out["activities"] / out["age_days"].clip(lower=1) * 30


@shared_docs
def opportunity_effectiveness(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    as_of,
    stale_days: int = 14,
    min_benchmark_deals: int = 20,
    offsets: benchmark._Offsets | None = None,
) -> pd.DataFrame:
    """Activity effectiveness of every open opportunity.

    Definitions
    -----------
    * Open opportunity: open at ``as_of``
      (:func:`workbook.analyses.engagement.common.open_at`): created on or
      before ``as_of`` and ``is_closed`` false or blank, or closed with a
      ``close_date`` after ``as_of``. For such a deal the recorded
      ``probability`` is the post-close 0/100, not the forecast at ``as_of``,
      so it is blanked (NaN); its ``stage`` is shown as recorded.
    * Its activities: activities with ``opportunity_id`` equal to it and
      ``occurred_at`` on or before ``as_of`` (account-only activities are not
      opportunity work). ``meetings`` counts those of type ``meeting``.
    * ``age_days`` = ``(as_of day - created_at day)`` in whole days.
    * ``stale``: ``age_days >= stale_days`` (a younger deal is not stale yet)
      and no activity in ``(as_of - stale_days, as_of]``.
      ``days_since_activity`` = ``as_of day - last activity day`` (NaN when
      there is none).
    * ``activity_rate_30d`` = activities / ``max(1, age_days)`` * 30.
    * ``benchmark_percentile``, ``benchmark_deals``, ``below_benchmark``:
      the age-matched benchmark
      (:mod:`workbook.analyses.engagement.benchmark`): the deal's mid-rank
      percentile of activities among the won deals that lived at least its
      age, counting their activities within their first ``age_days`` days;
      below when the percentile is < 0.25 with at least
      ``min_benchmark_deals`` such won deals.
    * ``close_date_passed``: ``close_date`` day strictly before the ``as_of``
      day; ``days_overdue`` = ``as_of day - close_date day`` (0 otherwise).

    Parameters
    ----------
    {engagement_opportunities}
    activities : DataFrame
        Canonical ``activities``.
    {as_of}
    stale_days : int, default 14
        Days without activity that make a deal stale.
    min_benchmark_deals : int, default 20
        Fewer age-matched won deals: never below benchmark.
    offsets : optional
        ``benchmark._Offsets(opportunities, activities, as_of=as_of)`` when the
        caller already built it (the pipeline shares it with the benchmark
        tables); built here otherwise.

    Returns
    -------
    DataFrame
        One row per open opportunity, columns :data:`EFFECTIVENESS_COLUMNS`,
        sorted by ``opportunity_id``.
    """
    _check(opportunities, activities)
    is_open = open_at(opportunities, as_of=as_of)
    later = closed_after(opportunities, as_of=as_of)[is_open]
    opps = opportunities.loc[is_open].reset_index(drop=True)
    stats = opp_activity_stats(activities, opps, np.full(len(opps), as_of_end(as_of)))
    out = opps.reindex(columns=OPPORTUNITY_FIELDS)
    out["probability"] = out["probability"].astype("float64").where(~later)
    out["age_days"] = age_days(out["created_at"], as_of=as_of).astype("int64")
    _activity_columns(out, stats, as_of=as_of, stale_days=stale_days)
    if offsets is None:
        offsets = benchmark._Offsets(opportunities, activities, as_of=as_of)
    else:
        offsets.check(opportunities, activities, as_of=as_of)
    index = offsets
    compared = benchmark.age_matched_percentile(
        out[["opportunity_id", "age_days"]],
        benchmark.won_reference(opportunities, as_of=as_of),
        index,
        min_benchmark_deals=min_benchmark_deals,
    )
    out["benchmark_deals"] = compared["benchmark_deals"].to_numpy()
    out["benchmark_percentile"] = compared["benchmark_percentile"].to_numpy()
    out["below_benchmark"] = compared["below_benchmark"].to_numpy(dtype=bool)
    overdue = age_days(out["close_date"], as_of=as_of)
    out["close_date_passed"] = (overdue > 0).to_numpy(dtype=bool)
    out["days_overdue"] = overdue.clip(lower=0).fillna(0).astype("int64")
    out = out.sort_values("opportunity_id", kind="stable").reset_index(drop=True)
    return out[EFFECTIVENESS_COLUMNS]


def effectiveness_by(effectiveness: pd.DataFrame, *, by: str = "owner_id") -> pd.DataFrame:
    """Opportunity effectiveness flags per owner or per stage.

    Parameters
    ----------
    effectiveness : DataFrame
        Output of :func:`opportunity_effectiveness`.
    by : str
        ``"owner_id"`` or ``"stage"``; blanks are grouped as ``"(none)"``.

    Returns
    -------
    DataFrame
        ``<by>``, ``open_opportunities``, ``open_amount``, ``stale``,
        ``below_benchmark``, ``close_date_passed`` (counts), and the shares
        ``stale_share``, ``below_benchmark_share``,
        ``close_date_passed_share`` (of open opportunities); sorted by open
        opportunities descending, then group.
    """
    require_frame(
        effectiveness, "effectiveness", [by, "stale", "below_benchmark", "close_date_passed"]
    )
    group = label(effectiveness[by]).rename(by)
    table = (
        effectiveness.groupby(group)
        .agg(
            open_opportunities=("opportunity_id", "size"),
            open_amount=("amount", "sum"),
            stale=("stale", "sum"),
            below_benchmark=("below_benchmark", "sum"),
            close_date_passed=("close_date_passed", "sum"),
        )
        .reset_index()
    )
    for col in ("stale", "below_benchmark", "close_date_passed"):
        table[col] = table[col].astype("int64")
        table[f"{col}_share"] = table[col] / table["open_opportunities"]
    table = table.sort_values(["open_opportunities", by], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)

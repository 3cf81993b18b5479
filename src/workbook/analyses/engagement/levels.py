"""Engagement levels of accounts, their open pipeline, window sensitivity and at-risk accounts.

Levels (:func:`engagement_levels`): ``dormant`` when recent records
(:func:`workbook.analyses.engagement.records.recent_records`) = 0; ``high``
when recent records >= ``high_min_records``; ``medium`` otherwise. The
default ``high_min_records`` is ``ceil(p75)`` where ``p75`` is the 75th
percentile of the *positive* counts computed with :func:`numpy.percentile`
(``method="linear"``, the NumPy default).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbook.analyses.engagement import _docs  # noqa: F401  (registers doc fragments)
from workbook.analyses.engagement.common import label, open_at, round_half_up
from workbook.analyses.engagement.records import (
    RECORD_COLUMNS,
    recent_records,
    recent_records_by_window,
)
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

__all__ = [
    "ACCOUNT_EXPORT_COLUMNS",
    "DORMANT",
    "HIGH",
    "LEVELS",
    "LEVEL_COLUMNS",
    "MEDIUM",
    "at_risk",
    "engagement_levels",
    "high_threshold",
    "level_counts",
    "levels_by",
    "open_pipeline",
    "window_sensitivity",
]

DORMANT = "dormant"
MEDIUM = "medium"
HIGH = "high"
#: Level order, lowest first.
LEVELS = (DORMANT, MEDIUM, HIGH)

#: Export contract of ``OUT/engagement/accounts.csv``.
ACCOUNT_EXPORT_COLUMNS = [
    "account_id",
    "name",
    "level",
    "recent_records",
    "window_days",
    "owner_id",
    "open_pipeline",
]

#: Columns of :func:`engagement_levels` (the export columns first).
LEVEL_COLUMNS = [
    *ACCOUNT_EXPORT_COLUMNS,
    "industry",
    "recent_activities",
    "recent_opportunities",
    "recent_leads",
    "open_opportunities",
]

_AT_RISK_COLUMNS = [
    "account_id",
    "name",
    "owner_id",
    "industry",
    "open_opportunities",
    "open_pipeline",
]


def high_threshold(counts) -> int | None:
    """Default ``high_min_records``: ceil of the 75th percentile of the positive counts.

    Uses :func:`numpy.percentile` with ``method="linear"``. Returns None when
    no count is positive (then no account is high).

    Parameters
    ----------
    counts : array-like of int
        Recent records per account.

    Returns
    -------
    int or None

    Examples
    --------
    >>> high_threshold([0, 1, 2, 3, 4])   # p75 of [1, 2, 3, 4] = 3.25
    4
    """
    arr = np.asarray(counts, dtype="float64")
    positive = arr[arr > 0]
    if positive.size == 0:
        return None
    return int(math.ceil(np.percentile(positive, 75, method="linear")))


def _level(counts: pd.Series, high_min: int | None) -> pd.Series:
    high = counts >= high_min if high_min is not None else pd.Series(False, index=counts.index)
    level = np.select([counts == 0, high], [DORMANT, HIGH], default=MEDIUM)
    return pd.Series(
        pd.Categorical(level, categories=list(LEVELS), ordered=True), index=counts.index
    )


@shared_docs
def open_pipeline(accounts: pd.DataFrame, opportunities: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Open pipeline per account: the sum of ``amount`` over its open opportunities.

    Open means open at ``as_of``
    (:func:`workbook.analyses.engagement.common.open_at`: created on or
    before ``as_of`` and not closed by then; the same open deals as
    :func:`workbook.analyses.engagement.effectiveness.opportunity_effectiveness`).
    A blank amount adds 0 (the opportunity still counts in
    ``open_opportunities``).

    Parameters
    ----------
    accounts : DataFrame
        Canonical ``accounts``.
    {engagement_opportunities}
    {as_of}

    Returns
    -------
    DataFrame
        ``account_id``, ``open_pipeline`` (float), ``open_opportunities``
        (int), one row per account in input order.
    """
    require_frame(accounts, "accounts", ["account_id"])
    require_frame(opportunities, "opportunities", ["account_id", "amount"])
    open_opps = opportunities.loc[open_at(opportunities, as_of=as_of)]
    grouped = open_opps.groupby("account_id")["amount"].agg(["sum", "size"])
    out = accounts[["account_id"]].reset_index(drop=True)
    out["open_pipeline"] = out["account_id"].map(grouped["sum"]).fillna(0.0).astype("float64")
    out["open_opportunities"] = out["account_id"].map(grouped["size"]).fillna(0).astype("int64")
    return out


def _given_counts(accounts: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Precomputed counts matched to ``accounts`` by id; an account without a row counts 0."""
    require_frame(counts, "counts", ["account_id", *RECORD_COLUMNS])
    out = (
        accounts[["account_id"]]
        .reset_index(drop=True)
        .merge(counts[["account_id", *RECORD_COLUMNS]], on="account_id", how="left")
    )
    out[RECORD_COLUMNS] = out[RECORD_COLUMNS].fillna(0).astype("int64")
    return out


@shared_docs
def engagement_levels(
    accounts: pd.DataFrame,
    activities: pd.DataFrame | None,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: int,
    high_min_records: int | None = None,
    counts: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """Engagement level of every account.

    ``dormant`` when ``recent_records``
    (:func:`workbook.analyses.engagement.records.recent_records`) is 0;
    ``high`` when it is >= ``high_min_records``; ``medium`` otherwise.

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    {engagement_window}
    high_min_records : int, optional
        Threshold for ``high``; None or 0 uses :func:`high_threshold`
        (ceil of the linear 75th percentile of the positive counts).
    counts : DataFrame, optional
        Precomputed ``recent_records`` for the same ``as_of`` and
        ``window_days``, e.g. :func:`workbook.analyses.pushdown.account_activity_aggregates`
        (activities counted in a database). Rows are matched to ``accounts``
        by ``account_id``; an account without a row counts 0. When given,
        ``activities`` is not read and may be None.
    engine : workbook.engine.Engine, optional
        Where the counts run (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        One row per account (every account, input order), columns
        :data:`LEVEL_COLUMNS`; ``level`` is an ordered categorical
        (dormant < medium < high). ``attrs["high_min_records"]`` holds the
        threshold used.
    """
    require_frame(accounts, "accounts", ["account_id", "name"])
    if counts is None:
        counts = recent_records(
            accounts,
            activities,
            opportunities,
            leads,
            as_of=as_of,
            window_days=window_days,
            engine=engine,
        )
    else:
        counts = _given_counts(accounts, counts)
    threshold = (
        int(high_min_records) if high_min_records else high_threshold(counts["recent_records"])
    )
    pipe = open_pipeline(accounts, opportunities, as_of=as_of)
    base = accounts.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "account_id": base["account_id"],
            "name": base["name"],
            "level": _level(counts["recent_records"], threshold),
            "recent_records": counts["recent_records"],
            "window_days": np.int64(window_days),
            "owner_id": base["owner_id"] if "owner_id" in base else pd.NA,
            "open_pipeline": pipe["open_pipeline"],
            "industry": base["industry"] if "industry" in base else pd.NA,
            "recent_activities": counts["recent_activities"],
            "recent_opportunities": counts["recent_opportunities"],
            "recent_leads": counts["recent_leads"],
            "open_opportunities": pipe["open_opportunities"],
        }
    )
    out.attrs["high_min_records"] = threshold
    return out[LEVEL_COLUMNS]


def _levels_frame(levels: object) -> pd.DataFrame:
    return require_frame(levels, "levels", ["account_id", "level", "open_pipeline"])


def level_counts(levels: pd.DataFrame) -> pd.DataFrame:
    """Accounts per level.

    Parameters
    ----------
    levels : DataFrame
        Output of :func:`engagement_levels`.

    Returns
    -------
    DataFrame
        ``level`` (dormant, medium, high, always all three), ``accounts``,
        ``share`` (of all accounts), ``open_pipeline``.
    """
    _levels_frame(levels)
    grouped = levels.groupby("level", observed=False).agg(
        accounts=("account_id", "size"), open_pipeline=("open_pipeline", "sum")
    )
    grouped = grouped.reindex(list(LEVELS), fill_value=0).reset_index()
    total = grouped["accounts"].sum()
    grouped["share"] = grouped["accounts"] / total if total else np.nan
    return grouped[["level", "accounts", "share", "open_pipeline"]]


def levels_by(levels: pd.DataFrame, *, by: str = "owner_id") -> pd.DataFrame:
    """Level distribution per group (owner or industry).

    Parameters
    ----------
    levels : DataFrame
        Output of :func:`engagement_levels`.
    by : str
        Grouping column, ``"owner_id"`` or ``"industry"``; blanks are grouped
        as ``"(none)"``.

    Returns
    -------
    DataFrame
        One row per group: ``<by>``, ``dormant``, ``medium``, ``high``,
        ``accounts``, ``dormant_share`` (dormant / accounts),
        ``open_pipeline``; sorted by accounts descending, then group.
    """
    require_frame(levels, "levels", ["level", "open_pipeline", by])
    group = label(levels[by])
    table = pd.crosstab(group, levels["level"]).reindex(columns=list(LEVELS), fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table.index.name = by
    table = table.reset_index()
    table["accounts"] = table[list(LEVELS)].sum(axis=1)
    table["dormant_share"] = table[DORMANT] / table["accounts"]
    pipe = levels.groupby(group)["open_pipeline"].sum()
    table["open_pipeline"] = table[by].map(pipe).astype("float64")
    table = table.sort_values(["accounts", by], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


@shared_docs
def window_sensitivity(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: int,
    factors=(0.5, 1.0, 2.0),
    known: Mapping[int, pd.Series] | None = None,
    engine=None,
) -> pd.DataFrame:
    """Dormant accounts when the window is scaled by each factor.

    The scaled window is ``max(1, round_half_up(factor * window_days))``.

    Parameters
    ----------
    {engagement_tables}
    {as_of}
    {engagement_window}
    factors : sequence of float
        Scale factors, in the order of the output rows.
    known : mapping of int to Series, optional
        Counts already made, by window length in days: the ``recent_records``
        column of :func:`~workbook.analyses.engagement.records.recent_records`
        of these tables at ``as_of`` with that window (one value per account),
        e.g. the levels' own window (``engagement_levels(...)["recent_records"]``).
        Those windows are not counted again.
    engine : workbook.engine.Engine, optional
        Where the counts run (default :func:`workbook.engine.default`).

    Returns
    -------
    DataFrame
        ``factor``, ``window_days``, ``dormant``, ``accounts``,
        ``dormant_share``; one row per factor in the given order.
    """
    scaled = [max(1, round_half_up(factor * window_days)) for factor in factors]
    counted = {days: counts for days, counts in (known or {}).items() if days in scaled}
    missing = [days for days in scaled if days not in counted]
    if missing:  # the windows not given, their records found once
        made = recent_records_by_window(
            accounts,
            activities,
            opportunities,
            leads,
            as_of=as_of,
            windows=missing,
            engine=engine,
        )
        counted.update({days: table["recent_records"] for days, table in made.items()})
    rows = []
    for factor, days in zip(factors, scaled, strict=True):  # a handful of windows, not rows
        counts = counted[days]
        dormant = int((counts == 0).sum())
        rows.append((float(factor), days, dormant, len(counts)))
    out = pd.DataFrame(rows, columns=["factor", "window_days", "dormant", "accounts"])
    out["dormant_share"] = out["dormant"] / out["accounts"].where(out["accounts"] > 0)
    return out


def at_risk(levels: pd.DataFrame, *, top_n: int | None = None) -> pd.DataFrame:
    """Dormant accounts that still have open pipeline, largest first.

    Rows of :func:`engagement_levels` with ``level == "dormant"`` and
    ``open_pipeline > 0``, sorted by ``open_pipeline`` descending then
    ``account_id``.

    Parameters
    ----------
    levels : DataFrame
        Output of :func:`engagement_levels`.
    top_n : int, optional
        Keep the first rows (None keeps all).

    Returns
    -------
    DataFrame
        ``account_id``, ``name``, ``owner_id``, ``industry``,
        ``open_opportunities``, ``open_pipeline``.
    """
    _levels_frame(levels)
    sel = levels.loc[(levels["level"] == DORMANT) & (levels["open_pipeline"] > 0)]
    sel = sel.sort_values(["open_pipeline", "account_id"], ascending=[False, True], kind="stable")
    sel = sel[_AT_RISK_COLUMNS].reset_index(drop=True)
    return sel.head(top_n) if top_n else sel

"""Account engagement levels and opportunity activity effectiveness.

Pure functions: DataFrames in, DataFrames out; ``as_of`` is always passed in.
The notebook ``notebooks/05_engagement.ipynb`` calls them one result at a
time; lead and pipeline hygiene and the recommended actions live in
:mod:`workbook.analyses.engagement.hygiene`. ``docs/reports/engagement.md`` repeats every
definition for users.

Calendar-day convention
-----------------------
``as_of`` is a calendar day and is inclusive, as in :mod:`workbook.core.links`: an
event is "on or before ``as_of``" when ``ts < as_of_end`` where ``as_of_end``
is midnight after the ``as_of`` day. A window of ``d`` days,
``(as_of - d, as_of]``, holds the ``d`` calendar days ending with ``as_of``:
``as_of_end - d days <= ts < as_of_end``. So with midnight dates a record
dated exactly ``as_of - d`` is **outside**, a record dated ``as_of`` is
**inside**, and a record at 15:00 on ``as_of - d`` is outside too.

Window (:func:`default_window_days`)
------------------------------------
``round_half_up(mean(close_date - created_at, in days) / 4)`` over
opportunities that are closed (won or lost) with ``close_date`` in the 365
days up to ``as_of`` (the window convention above with ``d = 365``). Cycle
lengths are fractional days; opportunities with a negative cycle
(``close_date`` before ``created_at``) are left out and counted by
:func:`window_basis`. Rounding is half-up (``floor(x + 0.5)``), so 7.5 gives
8 and 6.5 gives 7 (Python's ``round`` would give 8 and 6). The result is at
least 1 day.

Recent records (:func:`recent_records`)
---------------------------------------
For each account, the number of distinct records in the window:

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

Levels (:func:`engagement_levels`)
----------------------------------
``dormant`` when recent records = 0; ``high`` when recent records >=
``high_min_records``; ``medium`` otherwise. The default ``high_min_records``
is ``ceil(p75)`` where ``p75`` is the 75th percentile of the *positive*
counts computed with :func:`numpy.percentile` (``method="linear"``, the
NumPy default).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from workbook.core.calendar import as_of_end, in_window, window_start
from workbook.core.links import strictly_increasing

DORMANT = "dormant"
MEDIUM = "medium"
HIGH = "high"
#: Level order, lowest first.
LEVELS = (DORMANT, MEDIUM, HIGH)

#: Days in the look-back for the default window's closed opportunities.
CYCLE_LOOKBACK_DAYS = 365
#: Window used when no closed opportunity qualifies for the default formula.
FALLBACK_WINDOW_DAYS = 30
#: Blank group label in "by owner" / "by industry" tables.
NO_GROUP = "(none)"

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
    "benchmark_rate_30d",
    "stale",
    "below_benchmark",
    "close_date_passed",
    "days_overdue",
]

_DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------
# small shared helpers
# --------------------------------------------------------------------------
def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves away from zero for x >= 0 (7.5 -> 8, 6.5 -> 7)."""
    return int(math.floor(float(x) + 0.5))


def _flag(series: pd.Series) -> pd.Series:
    """A nullable boolean column as plain bool, missing = False."""
    return series.astype("boolean").fillna(False).astype(bool)


def _label(series: pd.Series) -> pd.Series:
    """Group labels with blanks shown as :data:`NO_GROUP`."""
    s = series.astype("str").where(series.notna(), NO_GROUP)
    return s.where(s.str.strip() != "", NO_GROUP)


def _closed_after(opportunities: pd.DataFrame, *, as_of) -> np.ndarray:
    """Closed in the export, but with a close date after the ``as_of`` day."""
    closed = _flag(opportunities["is_closed"]).to_numpy(dtype=bool)
    return closed & (opportunities["close_date"] >= as_of_end(as_of)).to_numpy(dtype=bool)


def open_at(opportunities: pd.DataFrame, *, as_of) -> np.ndarray:
    """Boolean mask of the opportunities open at ``as_of``.

    Open at ``as_of``: created on or before the ``as_of`` day, and not closed by
    then, i.e. ``is_closed`` false or blank, or ``is_closed`` true with a
    ``close_date`` after the ``as_of`` day (a run with an ``as_of`` before the
    export sees the deals that were still open then). A closed deal with a
    blank ``close_date`` cannot be placed in time and counts as closed.
    """
    created = (opportunities["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)
    not_closed = ~_flag(opportunities["is_closed"]).to_numpy(dtype=bool)
    return created & (not_closed | _closed_after(opportunities, as_of=as_of))


# --------------------------------------------------------------------------
# window
# --------------------------------------------------------------------------
def _closed_cycles(opportunities: pd.DataFrame, *, as_of) -> pd.Series:
    """Cycle lengths in days of closed opportunities closing in the last 365 days."""
    opp = opportunities
    mask = _flag(opp["is_closed"]) & in_window(
        opp["close_date"], as_of=as_of, window_days=CYCLE_LOOKBACK_DAYS
    )
    sel = opp.loc[mask]
    return ((sel["close_date"] - sel["created_at"]) / _DAY).dropna()


def default_window_days(opportunities: pd.DataFrame, *, as_of) -> int:
    """Default engagement window: a quarter of the mean recent sales cycle, in days.

    ``round_half_up(mean(close_date - created_at in days) / 4)``, at least 1,
    over opportunities with ``is_closed`` true (won or lost) and
    ``close_date`` in ``(as_of - 365 days, as_of]`` (calendar days, ``as_of``
    inclusive; a deal closed exactly 365 days before ``as_of`` is out).
    Opportunities with a negative cycle are left out.

    Parameters
    ----------
    opportunities : DataFrame
        Canonical ``opportunities`` (``created_at``, ``close_date``,
        ``is_closed``).
    as_of : date-like
        Observation end day.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When no closed opportunity qualifies (use :func:`window_basis` for a
        documented fallback instead).
    """
    cycles = _closed_cycles(opportunities, as_of=as_of)
    cycles = cycles[cycles >= 0]
    if cycles.empty:
        raise ValueError(
            "no closed opportunity has a close_date in the 365 days up to as_of; "
            "pass window_days explicitly"
        )
    return max(1, round_half_up(cycles.mean() / 4))


def window_basis(opportunities: pd.DataFrame, *, as_of, window_days: int = 0) -> dict:
    """The window used by the report and where it came from.

    Parameters
    ----------
    opportunities : DataFrame
        Canonical ``opportunities``.
    as_of : date-like
        Observation end day.
    window_days : int, default 0
        A positive value overrides the formula; 0 means "use
        :func:`default_window_days`". When no closed opportunity qualifies
        the window falls back to :data:`FALLBACK_WINDOW_DAYS` (30) and
        ``source`` says so.

    Returns
    -------
    dict
        ``window_days`` (int), ``source`` (``"parameter"``, ``"formula"`` or
        ``"fallback"``), ``closed_deals`` (deals in the mean),
        ``mean_cycle_days`` (float or None), ``negative_cycles_excluded``
        (int).
    """
    cycles = _closed_cycles(opportunities, as_of=as_of)
    negative = int((cycles < 0).sum())
    cycles = cycles[cycles >= 0]
    mean = float(cycles.mean()) if len(cycles) else None
    if window_days and window_days > 0:
        days, source = int(window_days), "parameter"
    elif mean is None:
        days, source = FALLBACK_WINDOW_DAYS, "fallback"
    else:
        days, source = default_window_days(opportunities, as_of=as_of), "formula"
    return {
        "window_days": days,
        "source": source,
        "closed_deals": int(len(cycles)),
        "mean_cycle_days": mean,
        "negative_cycles_excluded": negative,
    }


# --------------------------------------------------------------------------
# recent records and levels
# --------------------------------------------------------------------------
def _activity_accounts(activities: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Distinct (activity_id, account_id, occurred_at) pairs, direct or via the opportunity."""
    act = activities[["activity_id", "occurred_at", "account_id", "opportunity_id"]]
    direct = act.loc[act["account_id"].notna(), ["activity_id", "occurred_at", "account_id"]]
    via = (
        act.loc[act["opportunity_id"].notna()]
        .rename(columns={"account_id": "direct_account_id"})
        .merge(opportunities[["opportunity_id", "account_id"]].dropna(), on="opportunity_id")
    )
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
    accounts, activities, opportunities, leads : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day (inclusive).
    window_days : float
        Window length in days (> 0).

    Returns
    -------
    DataFrame
        One row per account in input order: ``account_id``,
        ``recent_activities``, ``recent_opportunities``, ``recent_leads``,
        ``recent_records`` (their sum), all int64.
    """
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, got {window_days!r}")
    acts = _activity_accounts(activities, opportunities)
    acts = acts.loc[in_window(acts["occurred_at"], as_of=as_of, window_days=window_days)]
    opps = opportunities.loc[
        in_window(opportunities["created_at"], as_of=as_of, window_days=window_days)
    ]
    conv = leads.loc[
        leads["converted_account_id"].notna()
        & in_window(leads["created_at"], as_of=as_of, window_days=window_days)
    ]
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

    Returns
    -------
    DataFrame
        Columns ``table`` (activities, opportunities, leads) and ``records``
        (distinct record ids in the window whose account link is not a known
        account; an activity is counted when none of its links is known).
    """
    known = set(accounts["account_id"].dropna())
    acts = _activity_accounts(activities, opportunities)
    acts = acts.loc[in_window(acts["occurred_at"], as_of=as_of, window_days=window_days)]
    acts_known = acts["account_id"].isin(known)
    n_acts = acts.loc[
        ~acts["activity_id"].isin(acts.loc[acts_known, "activity_id"]), "activity_id"
    ].nunique()
    opps = opportunities.loc[
        in_window(opportunities["created_at"], as_of=as_of, window_days=window_days)
    ]
    conv = leads.loc[
        leads["converted_account_id"].notna()
        & in_window(leads["created_at"], as_of=as_of, window_days=window_days)
    ]
    return pd.DataFrame(
        {
            "table": ["activities", "opportunities", "leads"],
            "records": [
                int(n_acts),
                int((~opps["account_id"].isin(known)).sum()),
                int((~conv["converted_account_id"].isin(known)).sum()),
            ],
        }
    )


def high_threshold(counts) -> int | None:
    """Default ``high_min_records``: ceil of the 75th percentile of the positive counts.

    Uses :func:`numpy.percentile` with ``method="linear"``. Returns None when
    no count is positive (then no account is high).

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


def open_pipeline(accounts: pd.DataFrame, opportunities: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Open pipeline per account: the sum of ``amount`` over its open opportunities.

    Open means open at ``as_of`` (:func:`open_at`: created on or before
    ``as_of`` and not closed by then; the same open deals as
    :func:`opportunity_effectiveness`). A blank amount adds 0 (the
    opportunity still counts in ``open_opportunities``).

    Returns
    -------
    DataFrame
        ``account_id``, ``open_pipeline`` (float), ``open_opportunities``
        (int), one row per account in input order.
    """
    open_opps = opportunities.loc[open_at(opportunities, as_of=as_of)]
    grouped = open_opps.groupby("account_id")["amount"].agg(["sum", "size"])
    out = accounts[["account_id"]].reset_index(drop=True)
    out["open_pipeline"] = out["account_id"].map(grouped["sum"]).fillna(0.0).astype("float64")
    out["open_opportunities"] = out["account_id"].map(grouped["size"]).fillna(0).astype("int64")
    return out


def engagement_levels(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: int,
    high_min_records: int | None = None,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Engagement level of every account.

    ``dormant`` when ``recent_records`` (:func:`recent_records`) is 0;
    ``high`` when it is >= ``high_min_records``; ``medium`` otherwise.

    Parameters
    ----------
    accounts, activities, opportunities, leads : DataFrame
        Canonical tables.
    as_of : date-like
        Observation end day (inclusive).
    window_days : int
        Window length in days (see :func:`window_basis` for the default).
    high_min_records : int, optional
        Threshold for ``high``; None or 0 uses :func:`high_threshold`
        (ceil of the linear 75th percentile of the positive counts).
    counts : DataFrame, optional
        Precomputed :func:`recent_records` for the same ``as_of`` and
        ``window_days``, e.g. :func:`workbook.data.pushdown.account_activity_aggregates`
        (activities counted in a database). Rows are matched to ``accounts``
        by ``account_id``; an account without a row counts 0. When given,
        ``activities`` is not read and may be None.

    Returns
    -------
    DataFrame
        One row per account (every account, input order), columns
        :data:`LEVEL_COLUMNS`; ``level`` is an ordered categorical
        (dormant < medium < high). ``attrs["high_min_records"]`` holds the
        threshold used.
    """
    columns = ["recent_activities", "recent_opportunities", "recent_leads", "recent_records"]
    if counts is None:
        counts = recent_records(
            accounts, activities, opportunities, leads, as_of=as_of, window_days=window_days
        )
    else:
        counts = (
            accounts[["account_id"]]
            .reset_index(drop=True)
            .merge(counts[["account_id", *columns]], on="account_id", how="left")
        )
        counts[columns] = counts[columns].fillna(0).astype("int64")
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


def level_counts(levels: pd.DataFrame) -> pd.DataFrame:
    """Accounts per level: ``level``, ``accounts``, ``share`` (of all accounts), ``open_pipeline``."""
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
    group = _label(levels[by])
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


def window_sensitivity(
    accounts: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    leads: pd.DataFrame,
    *,
    as_of,
    window_days: int,
    factors=(0.5, 1.0, 2.0),
) -> pd.DataFrame:
    """Dormant accounts when the window is scaled by each factor.

    The scaled window is ``max(1, round_half_up(factor * window_days))``.

    Returns
    -------
    DataFrame
        ``factor``, ``window_days``, ``dormant``, ``accounts``,
        ``dormant_share``; one row per factor in the given order.
    """
    rows = []
    for factor in factors:  # a handful of windows, not rows of data
        days = max(1, round_half_up(factor * window_days))
        counts = recent_records(
            accounts, activities, opportunities, leads, as_of=as_of, window_days=days
        )
        dormant = int((counts["recent_records"] == 0).sum())
        rows.append((float(factor), days, dormant, len(counts)))
    out = pd.DataFrame(rows, columns=["factor", "window_days", "dormant", "accounts"])
    out["dormant_share"] = out["dormant"] / out["accounts"].where(out["accounts"] > 0)
    return out


def at_risk(levels: pd.DataFrame, *, top_n: int | None = None) -> pd.DataFrame:
    """Dormant accounts that still have open pipeline, largest first.

    Rows of :func:`engagement_levels` with ``level == "dormant"`` and
    ``open_pipeline > 0``, sorted by ``open_pipeline`` descending then
    ``account_id``; ``top_n`` keeps the first rows (None keeps all).

    Returns
    -------
    DataFrame
        ``account_id``, ``name``, ``owner_id``, ``industry``,
        ``open_opportunities``, ``open_pipeline``.
    """
    sel = levels.loc[(levels["level"] == DORMANT) & (levels["open_pipeline"] > 0)]
    sel = sel.sort_values(["open_pipeline", "account_id"], ascending=[False, True], kind="stable")
    cols = ["account_id", "name", "owner_id", "industry", "open_opportunities", "open_pipeline"]
    sel = sel[cols].reset_index(drop=True)
    return sel.head(top_n) if top_n else sel


# --------------------------------------------------------------------------
# opportunity activity effectiveness
# --------------------------------------------------------------------------
def _opp_activity_stats(
    activities: pd.DataFrame, opps: pd.DataFrame, end: pd.Series
) -> pd.DataFrame:
    """Per opportunity: activities and meetings with ``occurred_at < end`` (end per opp), last one."""
    act = activities.loc[
        activities["opportunity_id"].notna(), ["opportunity_id", "occurred_at", "type"]
    ]
    act = act.merge(
        pd.DataFrame({"opportunity_id": opps["opportunity_id"], "_end": end}), on="opportunity_id"
    )
    act = act.loc[act["occurred_at"] < act["_end"]]
    is_meeting = act["type"].astype("str").str.strip().str.lower() == "meeting"
    grouped = (
        act.assign(_meeting=is_meeting.to_numpy())
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


def won_activity_rates(
    opportunities: pd.DataFrame, activities: pd.DataFrame, *, as_of
) -> pd.Series:
    """Lifetime activities per 30 days of every won deal closed on or before ``as_of``.

    Rate = activities linked by ``opportunity_id`` with ``occurred_at`` before
    the end of the close day and on or before ``as_of``, divided by
    ``max(1, cycle days)`` and multiplied by 30, where cycle days =
    ``(close_date - created_at)`` in days. Indexed by ``opportunity_id``.
    """
    end_all = as_of_end(as_of)
    won = opportunities.loc[
        _flag(opportunities["is_won"])
        & _flag(opportunities["is_closed"])
        & (opportunities["close_date"] < end_all)
    ]
    end = (won["close_date"].dt.normalize() + _DAY).clip(upper=end_all)
    stats = _opp_activity_stats(activities, won, end.to_numpy())
    cycle = ((won["close_date"] - won["created_at"]) / _DAY).clip(lower=1).to_numpy()
    return pd.Series(
        stats["activities"].to_numpy() / cycle * 30,
        index=won["opportunity_id"].to_numpy(),
        name="activity_rate_30d",
    )


def opportunity_effectiveness(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    as_of,
    stale_days: int = 14,
) -> pd.DataFrame:
    """Activity effectiveness of every open opportunity.

    Definitions
    -----------
    * Open opportunity: open at ``as_of`` (:func:`open_at`): created on or
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
    * ``benchmark_rate_30d``: the median of :func:`won_activity_rates`, the
      lifetime rate of every won deal closed on or before ``as_of``. Closed
      deals carry the stage ``Closed Won`` and the CRM keeps no stage
      history, so a stage-matched benchmark is not derivable; the same
      benchmark applies to every stage. NaN when there is no won deal.
    * ``below_benchmark``: ``activity_rate_30d < benchmark_rate_30d``
      (strict; False when the benchmark is NaN).
    * ``close_date_passed``: ``close_date`` day strictly before the ``as_of``
      day; ``days_overdue`` = ``as_of day - close_date day`` (0 otherwise).

    Returns
    -------
    DataFrame
        One row per open opportunity, columns :data:`EFFECTIVENESS_COLUMNS`,
        sorted by ``opportunity_id``.
    """
    end = as_of_end(as_of)
    day = pd.Timestamp(as_of).normalize()
    is_open = open_at(opportunities, as_of=as_of)
    later = _closed_after(opportunities, as_of=as_of)[is_open]
    opps = opportunities.loc[is_open].reset_index(drop=True)
    stats = _opp_activity_stats(activities, opps, np.full(len(opps), end))
    out = opps.reindex(columns=OPPORTUNITY_FIELDS)
    out["probability"] = out["probability"].astype("float64").where(~later)
    out["age_days"] = ((day - out["created_at"].dt.normalize()) / _DAY).astype("int64")
    out["activities"] = stats["activities"].to_numpy()
    out["meetings"] = stats["meetings"].to_numpy()
    out["last_activity_at"] = stats["last_activity_at"].to_numpy()
    out["days_since_activity"] = (day - out["last_activity_at"].dt.normalize()) / _DAY
    recent = out["last_activity_at"] >= window_start(as_of, stale_days)
    out["stale"] = ((out["age_days"] >= stale_days) & ~recent).to_numpy(dtype=bool)
    out["activity_rate_30d"] = out["activities"] / out["age_days"].clip(lower=1) * 30
    rates = won_activity_rates(opportunities, activities, as_of=as_of)
    bench = float(rates.median()) if len(rates) else np.nan
    out["benchmark_rate_30d"] = bench
    out["below_benchmark"] = (out["activity_rate_30d"] < bench).to_numpy(dtype=bool)
    overdue = (day - out["close_date"].dt.normalize()) / _DAY
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
    group = _label(effectiveness[by]).rename(by)
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


# --------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------
def _count(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].sum()) if len(frame) else 0


def summary_figures(
    *,
    basis: dict,
    levels: pd.DataFrame,
    at_risk_accounts: pd.DataFrame,
    effectiveness: pd.DataFrame,
    stale_leads: pd.DataFrame,
    not_worked: pd.DataFrame,
    handed_off: int,
    recommendations: pd.DataFrame,
    model,
    archive: pd.DataFrame,
    unowned: pd.DataFrame,
) -> dict:
    """Key figures for ``summary.json``.

    Parameters
    ----------
    basis : dict
        :func:`window_basis`.
    levels : DataFrame
        :func:`engagement_levels`.
    at_risk_accounts : DataFrame
        :func:`at_risk` with no ``top_n`` (all dormant accounts with open
        pipeline).
    effectiveness : DataFrame
        :func:`opportunity_effectiveness`.
    stale_leads, not_worked : DataFrame
        :func:`workbook.analyses.engagement.hygiene.stale_leads` and
        :func:`workbook.analyses.engagement.hygiene.handoff_not_worked`.
    handed_off : int
        :func:`workbook.analyses.engagement.hygiene.handed_off_count`.
    recommendations : DataFrame
        :func:`workbook.analyses.engagement.hygiene.recommendations`.
    model : workbook.analyses.engagement.hygiene.WinModel
        :func:`workbook.analyses.engagement.hygiene.fit_win_model`.
    archive, unowned : DataFrame
        :func:`workbook.analyses.engagement.hygiene.archive_candidates` and
        :func:`workbook.analyses.engagement.hygiene.unowned_open_leads`.

    Returns
    -------
    dict
        Plain numbers and strings: ``window_days``, ``window_source``,
        ``mean_cycle_days``, ``high_min_records``, ``accounts``,
        ``dormant_accounts``, ``medium_accounts``, ``high_accounts``,
        ``dormant_share``, ``at_risk_accounts``, ``at_risk_pipeline``,
        ``open_opportunities``, ``stale_opportunities``,
        ``below_benchmark_opportunities``, ``overdue_opportunities``,
        ``open_leads``, ``stale_leads``, ``handed_off_leads``,
        ``handed_off_not_worked``, ``recommendations``,
        ``opportunities_with_recommendations``, ``win_model_status``,
        ``win_model_reason``, ``win_model_closed_deals``,
        ``probability_variance_flags``, ``archive_candidates``,
        ``unowned_open_leads``.
    """
    level = levels["level"].astype("str")
    n = len(levels)
    dormant = int((level == DORMANT).sum())
    rules = recommendations["rule"] if len(recommendations) else pd.Series([], dtype="str")
    return {
        "window_days": int(basis["window_days"]),
        "window_source": basis["source"],
        "mean_cycle_days": basis["mean_cycle_days"],
        "high_min_records": levels.attrs.get("high_min_records"),
        "accounts": n,
        "dormant_accounts": dormant,
        "medium_accounts": int((level == MEDIUM).sum()),
        "high_accounts": int((level == HIGH).sum()),
        "dormant_share": dormant / n if n else None,
        "at_risk_accounts": len(at_risk_accounts),
        "at_risk_pipeline": float(at_risk_accounts["open_pipeline"].sum()),
        "open_opportunities": len(effectiveness),
        "stale_opportunities": _count(effectiveness, "stale"),
        "below_benchmark_opportunities": _count(effectiveness, "below_benchmark"),
        "overdue_opportunities": _count(effectiveness, "close_date_passed"),
        "open_leads": len(stale_leads),
        "stale_leads": _count(stale_leads, "stale"),
        "handed_off_leads": int(handed_off),
        "handed_off_not_worked": len(not_worked),
        "recommendations": len(recommendations),
        "opportunities_with_recommendations": int(recommendations["opportunity_id"].nunique()),
        "win_model_status": model.status,
        "win_model_reason": model.reason,
        "win_model_closed_deals": int(model.n_closed),
        "probability_variance_flags": int((rules == "win_probability_variance").sum()),
        "archive_candidates": len(archive),
        "unowned_open_leads": len(unowned),
    }


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def summary_sentences(
    figures: dict,
    *,
    at_risk_accounts: pd.DataFrame,
    stale_days: int,
    probability_variance_threshold: float,
) -> list[str]:
    """Four or five plain-text sentences built from :func:`summary_figures`.

    Account names are plain text here; :class:`workbook.present.report.Report`
    escapes them when rendering.
    """
    f = figures
    w = f["window_days"]
    if f["window_source"] == "formula":
        why = f"a quarter of the {f['mean_cycle_days']:,.0f}-day average sales cycle"
    elif f["window_source"] == "parameter":
        why = "set by the window_days parameter"
    else:
        why = "a fallback, as no deal closed in the last year"
    out = [
        f"{f['dormant_accounts']:,} of {f['accounts']:,} accounts "
        f"({_pct(f['dormant_accounts'], f['accounts'])}) are dormant: no activity, new "
        f"opportunity or converted lead in the last {w} days ({why}); "
        f"{f['high_accounts']:,} are highly engaged."
    ]
    if len(at_risk_accounts):
        top = at_risk_accounts.iloc[0]
        out.append(
            f"{top['name']} is the dormant account with the most open pipeline "
            f"({_money(top['open_pipeline'])}); {f['at_risk_accounts']:,} dormant accounts "
            f"hold {_money(f['at_risk_pipeline'])} of open pipeline in total."
        )
    else:
        out.append("No dormant account has open pipeline.")
    out.append(
        f"{f['stale_opportunities']:,} of {f['open_opportunities']:,} open opportunities "
        f"({_pct(f['stale_opportunities'], f['open_opportunities'])}) had no activity in the "
        f"last {stale_days} days, and {f['overdue_opportunities']:,} are past their close date."
    )
    out.append(
        f"{f['stale_leads']:,} of {f['open_leads']:,} open leads had no touch in "
        f"{stale_days} days, and {f['handed_off_not_worked']:,} of "
        f"{f['handed_off_leads']:,} handed-off leads were never worked after the handoff."
    )
    if f["win_model_status"] == "fitted":
        out.append(
            f"The win model, fitted on {f['win_model_closed_deals']:,} closed deals, differs "
            f"from the rep's probability by {probability_variance_threshold:g} points or more "
            f"on {f['probability_variance_flags']:,} open opportunities."
        )
    else:
        out.append(f"The win-probability check flags nothing: {f['win_model_reason']}.")
    return out


def window_note(basis: dict) -> str:
    """One plain-text sentence saying which window is used and why (:func:`window_basis`)."""
    w = basis["window_days"]
    if basis["source"] == "parameter":
        text = f"Window: {w} days, set by the window_days parameter."
    elif basis["source"] == "fallback":
        text = (
            f"Window: {w} days, a fallback: no closed deal has a close date in the 365 days "
            "up to the as-of date, so the default formula cannot be computed."
        )
    else:
        text = (
            f"Window: {w} days = round half-up of a quarter of the {basis['mean_cycle_days']:,.1f}"
            f"-day mean sales cycle of {basis['closed_deals']:,} deals closed in the 365 days "
            "up to the as-of date."
        )
    if basis["negative_cycles_excluded"]:
        text += (
            f" {basis['negative_cycles_excluded']:,} closed deal(s) with a close date before "
            "their creation date were left out of the mean."
        )
    return text

"""Snapshot rows of deals for the win model: features known at each age, label in a fixed horizon.

Expansion (:func:`snapshot_rows`)
---------------------------------
Each opportunity of a CRM seen at ``as_of`` (usually ``crm.as_known_at(cut)``)
contributes one row per snapshot age ``a = 0, snapshot_days, 2 * snapshot_days, ...``
with snapshot day ``d = created day + a``, while

* ``d`` is strictly before its close day (closed deals; an open deal has no
  close yet), and
* ``d + horizon_days <= as_of`` (the label is known).

The label ``won`` is 1 when the deal was won with close day ``<= d +
horizon_days``. Deals with a blank ``created_at`` or ``amount`` give no row
(counted in ``attrs``).

Features at day ``d`` (:data:`FEATURES`, :func:`deal_features`), using only
what was recorded on or before ``d``:

* ``log_age_days`` = ``log1p(d - created day)``;
* ``log_activities``, ``log_activities_14d``, ``log_activities_30d``:
  ``log1p`` of the activities linked to the deal (``opportunity_id``) with
  day ``<= d``, and within ``(d - 14, d]`` and ``(d - 30, d]``;
* ``log_days_since_activity`` = ``log1p(d - last activity day)``, from the
  creation day when there is none;
* ``log_amount`` = ``log1p(amount)`` (the amount as exported: the CRM keeps
  no history of it);
* ``owner_win_rate``: the owner's won / closed over deals with close day
  strictly before ``d`` (so never this deal, which closes after ``d``),
  shrunk towards the rate of all deals closed before ``d`` with the weight
  of :data:`OWNER_PRIOR_DEALS` deals: ``(won + m p) / (closed + m)``; the
  pooled rate of every closed deal known when nothing closed before ``d``;
* ``log_account_activities``: ``log1p`` of the activities linked to the
  deal's account (directly or through any of its opportunities, as in
  :mod:`workbook.analyses.engagement.records`) in ``(d - window, d]``, the
  engagement window.

The rep's ``probability`` is never a feature (it is what the model is
compared with), nor is ``stage`` (a closed deal's stage is its outcome).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook.analyses.engagement.common import flag
from workbook.analyses.engagement.records import activity_account_pairs
from workbook.core.calendar import day
from workbook.core.checks import require_frame
from workbook.core.links import strictly_increasing
from workbook.data.validate import cached_positions, positions

__all__ = [
    "FEATURES",
    "OWNER_PRIOR_DEALS",
    "FeatureIndex",
    "SnapshotDesign",
    "deal_features",
    "snapshot_design",
    "snapshot_rows",
]

FEATURES = (
    "log_age_days",
    "log_activities",
    "log_activities_14d",
    "log_activities_30d",
    "log_days_since_activity",
    "log_amount",
    "owner_win_rate",
    "log_account_activities",
)

#: Weight, in deals, of the pooled rate in the owner's shrunk win rate.
OWNER_PRIOR_DEALS = 10

_EPOCH = pd.Timestamp("1970-01-01")
_SPAN = np.int64(1_000_000)  # day numbers per key in the composite (key, day) index


_DAY_NS = 86_400_000_000_000


def _day_numbers(ts) -> np.ndarray:
    """Calendar day numbers since 1970 (float, NaN for missing)."""
    values = ts.to_numpy() if isinstance(ts, (pd.Series, pd.Index)) else ts
    if isinstance(values, np.ndarray) and values.dtype == np.dtype("datetime64[ns]"):
        # naive nanoseconds: the day is the floor of ns / day (normalize, then whole days)
        ns = values.view(np.int64)
        days = np.floor_divide(ns, _DAY_NS).astype(float)
        days[np.isnat(values)] = np.nan
        return days
    return ((pd.to_datetime(pd.Series(ts)).dt.normalize() - _EPOCH).dt.days).to_numpy(float)


def _positions(keys, categories) -> np.ndarray:
    """Position of each key among the distinct ``categories`` (``-1``: absent or missing).

    ``Index.get_indexer``'s answer, from Arrow's hash lookup: it stays fast
    for millions of text ids.
    """
    return positions(
        pd.Series(
            np.asarray(keys, dtype=object) if not isinstance(keys, (pd.Series, pd.Index)) else keys
        ),
        pd.Series(categories),
    )


class _DayIndex:
    """Events as sorted (key, day) pairs: vectorised counts and last day per (key, day range)."""

    def __init__(self, keys, days_, categories, weights=None, codes=None):
        # ``codes``: the keys' positions among ``categories`` when the caller has them
        codes = _positions(keys, categories) if codes is None else np.asarray(codes)
        days_ = np.asarray(days_, dtype=float)
        keep = (codes >= 0) & np.isfinite(days_)
        comp = codes[keep] * _SPAN + days_[keep].astype(np.int64)
        if weights is None:
            # unit weights: the sum over positions [a, b) is b - a, so neither the sort order
            # nor a cumulative array is kept (the keys are sorted in place)
            comp.sort()
            self.comp, self.cum = comp, None
        else:
            order = np.argsort(comp, kind="stable")
            self.comp = comp[order]
            self.cum = np.concatenate([[0.0], np.cumsum(np.asarray(weights, float)[keep][order])])
        self.categories = categories

    def codes(self, keys) -> np.ndarray:
        return _positions(keys, self.categories)

    def _pos(self, codes, days_, side):
        return np.searchsorted(self.comp, codes * _SPAN + days_.astype(np.int64), side=side)

    def start(self, codes, lo) -> np.ndarray:
        """Position of each query's first event with day ``>= lo``."""
        return self._pos(codes, lo, "left")

    def end(self, codes, hi) -> np.ndarray:
        """Position after each query's last event with day ``<= hi``."""
        return self._pos(codes, hi, "right")

    def between(self, codes, a, b) -> np.ndarray:
        """Sum of weights of the events at positions ``[a, b)`` (0 for an unknown key)."""
        summed = (b - a).astype(float) if self.cum is None else self.cum[b] - self.cum[a]
        return np.where(codes >= 0, summed, 0.0)

    def total(self, codes, lo, hi) -> np.ndarray:
        """Sum of weights of events with day in ``[lo, hi]`` (inclusive) for each query."""
        return self.between(codes, self.start(codes, lo), self.end(codes, hi))

    def last_before(self, codes, b) -> np.ndarray:
        """Day of the event just before position ``b`` when it is the query's (NaN otherwise)."""
        b = b - 1
        safe = np.clip(b, 0, max(len(self.comp) - 1, 0))
        if not len(self.comp):
            return np.full(len(codes), np.nan)
        found = (b >= 0) & (self.comp[safe] // _SPAN == codes) & (codes >= 0)
        return np.where(found, (self.comp[safe] % _SPAN).astype(float), np.nan)

    def last_day(self, codes, hi) -> np.ndarray:
        """Latest event day ``<= hi`` per query (NaN when none)."""
        return self.last_before(codes, self.end(codes, hi))


def _closed(opportunities: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Deals closed on or before ``as_of`` with their close day number and outcome."""
    end = day(as_of) + pd.Timedelta(days=1)
    closed = flag(opportunities["is_closed"]) & (opportunities["close_date"] < end)
    out = opportunities.loc[closed.to_numpy(dtype=bool), ["owner_id", "is_won", "close_date"]]
    return pd.DataFrame(
        {
            "owner_id": out["owner_id"].astype("object").to_numpy(),
            "won": flag(out["is_won"]).to_numpy(dtype=float),
            "close_day": _day_numbers(out["close_date"]),
        }
    )


def _account_pairs(
    activities: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    days: np.ndarray,
    act_deal: np.ndarray,
    unique_deals: bool,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """The (account, day) pairs of :func:`~workbook.analyses.engagement.relational.activity_accounts`.

    Returns each pair's account as a position among the returned distinct
    accounts, and its day number. With unique activity and deal ids the pairs
    are found on integer positions (``act_deal``: each activity's row among the
    opportunities with an id): a direct pair for an activity with an account, a
    pair through its deal when the deal's account is another one. Otherwise
    the text pairs are built and coded. ``rows``: the activities are those
    rows of ``activities`` (``days`` and ``act_deal`` are theirs).
    """
    if not (unique_deals and strictly_increasing(activities["activity_id"])):
        if rows is not None:  # repeated ids: the text pairs of the activities at rows
            activities = activities.iloc[rows].reset_index(drop=True)
        pairs = activity_account_pairs(activities, opportunities)
        codes, uniques = pd.factorize(pairs["account_id"])
        return codes, _day_numbers(pairs["occurred_at"]), pd.Index(uniques)
    # accounts coded in order of appearance: the activities', then the other deals' (with
    # rows, of every activity given: a code only labels an account, the pairs are the rows')
    direct, uniques = pd.factorize(activities["account_id"])
    if rows is not None:
        direct = direct[rows]
    deal_accounts = opportunities.loc[opportunities["opportunity_id"].notna(), "account_id"]
    deal_code = _positions(deal_accounts, uniques)
    new = (deal_code < 0) & deal_accounts.notna().to_numpy(dtype=bool)
    more_codes, more = pd.factorize(deal_accounts[new])
    deal_code[new] = len(uniques) + more_codes
    accounts = pd.Index(uniques).append(pd.Index(more))
    via = np.full(len(direct), -1, dtype=np.int64)
    has_deal = act_deal >= 0
    via[has_deal] = deal_code[act_deal[has_deal]]
    del has_deal, deal_code
    # a pair through the deal repeats the direct pair when the deal's account is the activity's
    via_pair = (via >= 0) & (via != direct)
    direct_pair = direct >= 0
    codes = np.concatenate([direct[direct_pair], via[via_pair]])
    return codes, np.concatenate([days[direct_pair], days[via_pair]]), accounts


class FeatureIndex:
    """The lookups :func:`deal_features` reads, built once for one data view.

    Activities per deal and per account (direct or through the account's
    opportunities), and the closed-deal history per owner and pooled, of the
    ``opportunities`` and ``activities`` known at ``as_of``. Fitting the win
    model and scoring the open deals on the same view share one index
    instead of indexing millions of activities twice.
    """

    def __init__(
        self,
        opportunities: pd.DataFrame,
        activities: pd.DataFrame,
        *,
        as_of,
        rows: np.ndarray | None = None,
    ):
        """Index ``opportunities`` and ``activities`` as known at ``as_of``.

        ``rows``: the positions in ``activities`` of the activities known at
        ``as_of``, when ``activities`` holds more (the loaded table, and
        ``crm.as_known_at(cut).tables.rows("activities")``, whose activities
        are those rows unchanged): the index reads those rows without copying
        them into a frame of their own.
        """
        with_id = opportunities.loc[opportunities["opportunity_id"].notna(), ["opportunity_id"]]
        opp_ids = pd.Index(with_id["opportunity_id"].unique())
        days = _day_numbers(activities["occurred_at"])
        # each activity's deal among opp_ids (-1: none or unknown), also used for its account;
        # when every deal has its own id, opp_ids is the loaded column itself: its lookup is
        # shared (validate.cached_positions)
        if len(opp_ids) == len(opportunities) and rows is None:
            act_deal = cached_positions(
                activities["opportunity_id"], opportunities["opportunity_id"]
            ).astype(np.int64)
        else:
            act_deal = _positions(activities["opportunity_id"], opp_ids)
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
            days, act_deal = days[rows], act_deal[rows]
        self.deal = _DayIndex(None, days, opp_ids, codes=act_deal)
        acc_codes, acc_days, acc_ids = _account_pairs(
            activities,
            opportunities,
            days=days,
            act_deal=act_deal,
            unique_deals=len(opp_ids) == len(with_id),
            rows=rows,
        )
        del act_deal, days
        self.account = _DayIndex(None, acc_days, acc_ids, codes=acc_codes)
        del acc_codes, acc_days
        closed = _closed(opportunities, as_of=as_of)
        owners = pd.Index(closed["owner_id"].dropna().unique())
        self.owner_closed = _DayIndex(closed["owner_id"], closed["close_day"], owners)
        self.owner_won = _DayIndex(
            closed["owner_id"], closed["close_day"], owners, weights=closed["won"]
        )
        by_day = closed.sort_values("close_day", kind="stable")
        self.close_days = by_day["close_day"].to_numpy()
        self.won_cum = np.concatenate([[0.0], np.cumsum(by_day["won"].to_numpy())])
        self.pooled = closed["won"].mean() if len(closed) else 0.5
        self.key = (id(opportunities), id(activities), day(as_of))

    def check(self, opportunities: pd.DataFrame, activities: pd.DataFrame | None, *, as_of) -> None:
        """``ValueError`` unless this index was built from these very tables at ``as_of``.

        ``activities`` may be None: the index holds all the features read from
        them, so a caller may drop the activities once the index is built.
        """
        opps_id, acts_id, at = self.key
        same_acts = activities is None or acts_id == id(activities)
        if not (opps_id == id(opportunities) and same_acts and at == day(as_of)):
            raise ValueError("the FeatureIndex was built for other tables or another as_of")


def deal_features(
    deals: pd.DataFrame,
    at_day: np.ndarray,
    *,
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    as_of,
    account_window_days: int,
    rows: np.ndarray | None = None,
    index: FeatureIndex | None = None,
) -> pd.DataFrame:
    """The :data:`FEATURES` of each row of ``deals`` at its day ``at_day`` (see module doc).

    Parameters
    ----------
    deals : DataFrame
        Opportunity rows (``opportunity_id``, ``account_id``, ``owner_id``,
        ``created_at``, ``amount``), one per snapshot; or, with ``rows``,
        one per deal.
    at_day : array of float
        The snapshot day number (days since 1970) of each snapshot.
    opportunities, activities : DataFrame
        Every opportunity and activity known at ``as_of``: the owner's
        history and the account's activities are taken from them.
        ``activities`` may be None when ``index`` is given.
    as_of : date-like
        The data's observation end (closed deals = close day on or before it).
    account_window_days : int
        The engagement window of ``log_account_activities``.
    rows : array of int, optional
        The position in ``deals`` of each snapshot (one deal, many
        snapshots): the deal's ids are looked up once, not once per snapshot.
    index : FeatureIndex, optional
        ``FeatureIndex(opportunities, activities, as_of=as_of)`` when the
        caller already built it; built here otherwise.

    Returns
    -------
    DataFrame
        One row per snapshot (per row of ``deals``, or of ``rows``), columns
        :data:`FEATURES`; indexed like ``deals`` (a range with ``rows``).
    """
    d = np.asarray(at_day, dtype=float)
    row_index = deals.index if rows is None else pd.RangeIndex(len(d))
    out = np.empty((len(d), len(FEATURES)), order="F")
    _features_into(
        out,
        deals,
        d,
        opportunities=opportunities,
        activities=activities,
        as_of=as_of,
        account_window_days=account_window_days,
        rows=rows,
        index=index,
    )
    return pd.DataFrame(out, columns=list(FEATURES), index=row_index, copy=False)


def _features_into(
    out: np.ndarray,
    deals: pd.DataFrame,
    d: np.ndarray,
    *,
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    as_of,
    account_window_days: int,
    rows: np.ndarray | None,
    index: FeatureIndex | None,
) -> None:
    """Write the :data:`FEATURES` of :func:`deal_features` into the columns of ``out`` (in order).

    Each column is written as soon as it is computed, so no second copy of
    the features is held (``out`` may be a view into a larger design).
    """
    take = np.arange(len(deals)) if rows is None else np.asarray(rows, dtype=np.int64)
    created = _day_numbers(deals["created_at"])[take]
    if index is None:
        if activities is None:
            raise TypeError("activities is required without a FeatureIndex")
        index = FeatureIndex(opportunities, activities, as_of=as_of)
    else:
        index.check(opportunities, activities, as_of=as_of)
    column = {f: j for j, f in enumerate(FEATURES)}

    def put(name, values):
        out[:, column[name]] = values

    put("log_age_days", np.log1p(np.clip(d - created, 0, None)))
    # Every search that does not depend on the snapshot day is made once per deal, and
    # the searches a snapshot shares (its day in the deal's activities; the owner's
    # closed deals, which are also the won ones) once per snapshot.
    floor = np.full(len(deals), -(10**5), dtype=float)
    deal_idx = index.deal
    deal_codes = deal_idx.codes(deals["opportunity_id"])
    codes = deal_codes[take]
    first = deal_idx.start(deal_codes, floor)[take]
    upto = deal_idx.end(codes, d)
    put("log_activities", np.log1p(deal_idx.between(codes, first, upto)))
    del first
    put(
        "log_activities_14d", np.log1p(deal_idx.between(codes, deal_idx.start(codes, d - 13), upto))
    )
    put(
        "log_activities_30d", np.log1p(deal_idx.between(codes, deal_idx.start(codes, d - 29), upto))
    )
    last = deal_idx.last_before(codes, upto)
    del upto
    since = d - np.where(np.isnan(last), created, last)
    del last, created
    put("log_days_since_activity", np.log1p(np.clip(since, 0, None)))
    del since, codes, deal_codes
    amount = np.log1p(np.clip(deals["amount"].to_numpy(dtype=float), 0, None))
    put("log_amount", amount[take])

    # owner_won indexes the same (owner, close day) pairs as owner_closed, in the same
    # order (FeatureIndex): the positions of one are the positions of the other.
    own_n, own_w = index.owner_closed, index.owner_won
    owner_codes = own_n.codes(deals["owner_id"])
    oc = owner_codes[take]
    a = own_n.start(owner_codes, floor)[take]
    b = own_n.end(oc, d - 1)
    n_o = own_n.between(oc, a, b)
    w_o = own_w.between(oc, a, b)
    del oc, a, b, owner_codes
    won_cum = index.won_cum
    k = np.searchsorted(index.close_days, d, side="left")  # closed strictly before d
    pooled_all = index.pooled
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(k > 0, won_cum[k] / np.maximum(k, 1), pooled_all)
    del k
    m = OWNER_PRIOR_DEALS
    put("owner_win_rate", (w_o + m * p) / (n_o + m))
    del n_o, w_o, p

    acc_idx = index.account
    acc_codes = acc_idx.codes(deals["account_id"])[take]
    put(
        "log_account_activities",
        np.log1p(acc_idx.total(acc_codes, d - (account_window_days - 1), d)),
    )


def snapshot_rows(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    as_of,
    snapshot_days: int = 14,
    horizon_days: int = 180,
    account_window_days: int = 30,
    index: FeatureIndex | None = None,
) -> pd.DataFrame:
    """One training row per deal and snapshot age (see the module docstring).

    Parameters
    ----------
    opportunities, activities : DataFrame
        Canonical tables as known at ``as_of`` (``crm.as_known_at(cut)``:
        deals closed after the cut are open in them).
    as_of : date-like
        The fitting cut.
    snapshot_days : int, default 14
        Step between snapshot ages.
    horizon_days : int, default 180
        The label horizon.
    account_window_days : int, default 30
        Window of ``log_account_activities``.
    index : FeatureIndex, optional
        Of these tables at ``as_of``, when already built (then
        ``activities`` may be None).

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``owner_id``, ``age_days``, ``snapshot_date``,
        ``won`` (0/1), then :data:`FEATURES`; rows ordered by deal (input
        order) then age. ``attrs``: ``deals`` (deals with a row),
        ``excluded_missing`` (deals left out for a blank created date or
        amount).
    """
    _check_snapshot_args(opportunities, activities, snapshot_days, horizon_days, index)
    snap = _expand(
        opportunities,
        as_of=as_of,
        snapshot_days=snapshot_days,
        horizon_days=horizon_days,
    )
    opps, rows, d = snap.opps, snap.rows, snap.day
    feats = deal_features(
        opps,
        d,
        opportunities=opportunities,
        activities=activities,
        as_of=as_of,
        account_window_days=account_window_days,
        rows=rows,
        index=index,
    )
    out = pd.DataFrame(
        {
            "opportunity_id": opps["opportunity_id"].to_numpy()[rows],
            "owner_id": opps["owner_id"].to_numpy()[rows],
            "age_days": snap.age.astype(np.int64),
            "snapshot_date": _EPOCH + pd.to_timedelta(d, unit="D"),
            "won": snap.won.astype(np.int64),
        }
    )
    out = pd.concat([out, feats], axis=1)
    out.attrs.update(deals=snap.deals, excluded_missing=snap.excluded_missing)
    return out


@dataclass(frozen=True)
class _Expansion:
    """The snapshot rows of :func:`snapshot_rows` as positions, before any feature."""

    opps: pd.DataFrame  # the opportunities, index reset
    rows: np.ndarray  # position in ``opps`` of each snapshot's deal
    age: np.ndarray  # snapshot age in days (float)
    day: np.ndarray  # snapshot day number
    won: np.ndarray  # bool: won within the horizon
    deals: int
    excluded_missing: int


def _expand(opportunities: pd.DataFrame, *, as_of, snapshot_days: int, horizon_days: int):
    """One entry per deal and snapshot age (module docstring), ordered by deal then age."""
    opps = opportunities.reset_index(drop=True)
    cut = _day_numbers([day(as_of)])[0]
    created = _day_numbers(opps["created_at"])
    end = day(as_of) + pd.Timedelta(days=1)
    closed = (flag(opps["is_closed"]) & (opps["close_date"] < end)).to_numpy(dtype=bool)
    close_day = np.where(closed, _day_numbers(opps["close_date"]), np.inf)
    usable = np.isfinite(created) & opps["amount"].notna().to_numpy()
    last = np.minimum(close_day - 1, cut - horizon_days)
    n = np.where(usable & (last >= created), np.floor((last - created) / snapshot_days) + 1, 0)
    n = np.nan_to_num(n).astype(np.int64)
    rows = np.repeat(np.arange(len(opps)), n)
    starts = np.repeat(np.cumsum(n) - n, n)
    age = (np.arange(rows.size) - starts) * snapshot_days
    del starts
    d = created[rows] + age
    # Per deal first, then repeated by position: a deal has many snapshots.
    won_deal = flag(opps["is_won"]).to_numpy(dtype=bool) & closed
    won = won_deal[rows]
    won &= close_day[rows] <= d + horizon_days
    return _Expansion(
        opps, rows, age, d, won, deals=int((n > 0).sum()), excluded_missing=int((~usable).sum())
    )


@dataclass(frozen=True)
class SnapshotDesign:
    """The snapshot rows of :func:`snapshot_rows` as arrays, for fitting (:func:`snapshot_design`).

    Attributes
    ----------
    design : ndarray, shape (n, 1 + len(FEATURES))
        Float64, column-major: a constant column of ones, then :data:`FEATURES` in order.
    won : ndarray of float, shape (n,)
        The label (0/1).
    deal : ndarray of int64, shape (n,)
        The deal of each row as a code of its ``opportunity_id``
        (:func:`pandas.factorize` of the ids; ``-1`` for a blank id).
    n_deal_codes : int
        Distinct ids among the opportunities (the codes are below it).
    deals, excluded_missing : int
        As in ``snapshot_rows(...).attrs``.
    """

    design: np.ndarray
    won: np.ndarray
    deal: np.ndarray
    n_deal_codes: int
    deals: int
    excluded_missing: int

    def __len__(self) -> int:
        return len(self.won)


def snapshot_design(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    as_of,
    snapshot_days: int = 14,
    horizon_days: int = 180,
    account_window_days: int = 30,
    index: FeatureIndex | None = None,
) -> SnapshotDesign:
    """The rows of :func:`snapshot_rows` as a design matrix with a constant, the label and the deal.

    The same rows in the same order and the same values as
    ``snapshot_rows(...)[["won", *FEATURES]]``, without the text ids and
    dates: the features are written straight into one float64 array (the
    only ``n x k`` copy a fit needs).

    Parameters
    ----------
    opportunities, activities, as_of, snapshot_days, horizon_days, account_window_days, index
        As for :func:`snapshot_rows`.

    Returns
    -------
    SnapshotDesign
    """
    _check_snapshot_args(opportunities, activities, snapshot_days, horizon_days, index)
    snap = _expand(
        opportunities, as_of=as_of, snapshot_days=snapshot_days, horizon_days=horizon_days
    )
    design = np.empty((len(snap.rows), 1 + len(FEATURES)), order="F")
    design[:, 0] = 1.0
    _features_into(
        design[:, 1:],
        snap.opps,
        snap.day,
        opportunities=opportunities,
        activities=activities,
        as_of=as_of,
        account_window_days=account_window_days,
        rows=snap.rows,
        index=index,
    )
    codes, uniques = pd.factorize(snap.opps["opportunity_id"])
    return SnapshotDesign(
        design=design,
        won=snap.won.astype("float64"),
        deal=codes.astype(np.int64)[snap.rows],
        n_deal_codes=len(uniques),
        deals=snap.deals,
        excluded_missing=snap.excluded_missing,
    )


def _check_snapshot_args(opportunities, activities, snapshot_days, horizon_days, index) -> None:
    require_frame(
        opportunities,
        "opportunities",
        ["opportunity_id", "owner_id", "account_id", "created_at", "close_date", "amount"],
    )
    if activities is not None or index is None:
        require_frame(activities, "activities", ["opportunity_id", "occurred_at", "account_id"])
    if snapshot_days < 1 or horizon_days < 0:
        raise ValueError("need snapshot_days >= 1 and horizon_days >= 0")

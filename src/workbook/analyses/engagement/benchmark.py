"""The age-matched activity benchmark: is a deal worked less than won deals were at its age?

Definitions
-----------
* A deal's **activity offsets**: for each activity linked to it by
  ``opportunity_id`` on or before ``as_of``, activity day - creation day.
  Its activities **within its first a days** are those with offset ``<= a``
  (an open deal aged ``a`` = as-of day - creation day has exactly its
  activities up to ``as_of``).
* The **reference** of age ``a``: won deals (closed won on or before
  ``as_of``) that **lived at least a days** (close day - creation day
  ``>= a``), each with its activities within its first ``a`` days; the deal
  being compared is left out of its own reference.
* Its **mid-rank percentile** = ``(fewer + 0.5 * equal) / n`` where
  ``fewer`` and ``equal`` count the reference deals with fewer and with the
  same number of activities, and ``n`` the reference deals.
* **Below benchmark**: percentile ``< 0.25`` with ``n >= min_benchmark_deals``
  (too small a reference: never below, percentile still shown).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from workbook.analyses.engagement.common import flag
from workbook.analyses.engagement.snapshots import _day_numbers, _positions
from workbook.core.calendar import as_of_end
from workbook.core.checks import require_frame
from workbook.data.validate import cached_positions

__all__ = [
    "AGE_BANDS",
    "BELOW_PERCENTILE",
    "age_matched_percentile",
    "benchmark_by_age_band",
    "won_deals_at_own_age",
    "won_reference",
]

#: Percentile below which a deal is below benchmark (strict).
BELOW_PERCENTILE = 0.25
#: Lower edges (days) of the age bands of :func:`benchmark_by_age_band`.
AGE_BANDS = (0, 14, 30, 60, 90, 180, 365)

_SHIFT = 100_000  # offsets may be negative (activity dated before the deal)
_SPAN = 1_000_000
_CELLS = 1 << 22  # most cells of one block of the (count bucket x age) table of _rank_counts


class _Offsets:
    """Activity offsets per deal as sorted (deal, offset) pairs."""

    def __init__(self, opportunities: pd.DataFrame, activities: pd.DataFrame, *, as_of):
        mask = (
            activities["opportunity_id"].notna() & (activities["occurred_at"] < as_of_end(as_of))
        ).to_numpy(dtype=bool)
        created = opportunities.drop_duplicates("opportunity_id").set_index("opportunity_id")
        self.ids = pd.Index(created.index)
        if len(created) == len(opportunities):  # distinct ids: the loaded column's shared lookup
            ids = opportunities["opportunity_id"]
            codes = cached_positions(activities["opportunity_id"], ids)[mask].astype(np.int64)
        else:
            codes = _positions(activities.loc[mask, "opportunity_id"], self.ids)
        # the deal's creation day by position (the ids were just looked up; no second map)
        created_day = np.append(_day_numbers(created["created_at"]), np.nan)[codes]
        when = activities["occurred_at"].to_numpy(dtype="datetime64[ns]")[mask]
        offset = np.asarray(_day_numbers(when) - created_day, dtype="float64")
        keep = (codes >= 0) & np.isfinite(offset)
        self.comp = np.sort(codes[keep] * _SPAN + (offset[keep] + _SHIFT).astype(np.int64))
        self.key = (id(opportunities), id(activities), as_of_end(as_of))

    def check(self, opportunities: pd.DataFrame, activities: pd.DataFrame, *, as_of) -> None:
        """``ValueError`` unless this index was built from these very tables at ``as_of``."""
        if self.key != (id(opportunities), id(activities), as_of_end(as_of)):
            raise ValueError("the activity offsets were built for other tables or another as_of")

    def codes(self, ids) -> np.ndarray:
        return _positions(ids, self.ids)

    def count(self, codes, ages) -> np.ndarray:
        """Activities with offset <= age, broadcasting ``codes`` against ``ages``."""
        codes = np.asarray(codes, dtype=np.int64)
        ages = np.asarray(ages, dtype=np.int64)
        hi = np.searchsorted(self.comp, codes * _SPAN + ages + _SHIFT, side="right")
        lo = np.searchsorted(self.comp, codes * _SPAN, side="left")
        return np.where(codes >= 0, hi - lo, 0)


def won_reference(opportunities: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Won deals closed on or before ``as_of``: ``opportunity_id``, ``cycle_days``."""
    require_frame(opportunities, "opportunities", ["opportunity_id", "is_won", "is_closed"])
    won = (
        flag(opportunities["is_won"])
        & flag(opportunities["is_closed"])
        & (opportunities["close_date"] < as_of_end(as_of))
    )
    ref = opportunities.loc[won.to_numpy(dtype=bool)]
    cycle = _day_numbers(ref["close_date"]) - _day_numbers(ref["created_at"])
    out = pd.DataFrame({"opportunity_id": ref["opportunity_id"].to_numpy(), "cycle_days": cycle})
    return out.loc[np.isfinite(cycle)].reset_index(drop=True)


def _block(index: _Offsets, ref_codes, ref_cycle, ages):
    """Reference counts (W x k) and eligibility for a block of ages."""
    counts = index.count(ref_codes[:, None], ages[None, :]).astype(float)
    elig = ref_cycle[:, None] >= ages[None, :]
    return counts, elig


def _rank_counts(index: _Offsets, ref_codes, ref_cycle, age, x):
    """Per query (age ``a``, activities ``x``): reference deals alive at ``a`` with fewer, with as many.

    A reference deal is alive at age ``a`` when its cycle is ``>= a``; its
    count is its activities with offset ``<= a`` (:meth:`_Offsets.count`).
    Returns three float arrays, one value per query: ``fewer`` (alive, count
    ``< x``), ``equal`` (alive, count ``== x``) and ``alive``.

    A deal's count is a step function of the age: it holds ``v`` activities
    from its ``v``-th offset up to the day before its next one, so each deal
    is a few age intervals, one per count it takes, ending at its cycle. The
    intervals give, for every queried age at once, how many alive deals hold
    each count (a difference table over the distinct queried ages, summed
    along the ages), and a query reads its fewer and equal deals there. The
    counts are bucketed by the distinct queried ``x`` (a bucket per ``x`` and
    one between each two), and the ages taken in blocks of at most
    :data:`_CELLS` cells.
    """
    codes = np.asarray(ref_codes, dtype=np.int64)
    cycle = np.floor(np.asarray(ref_cycle, dtype=float))  # alive at integer a <=> a <= floor(cycle)
    comp = index.comp
    has = codes >= 0
    lo = np.zeros(len(codes), dtype=np.int64)
    lo[has] = np.searchsorted(comp, codes[has] * _SPAN, side="left")
    hi = lo.copy()
    hi[has] = np.searchsorted(comp, (codes[has] + 1) * _SPAN, side="left")
    del has
    # one interval per deal and count v = 0 .. m (its m offsets, in order)
    size = hi - lo + 1
    deal = np.repeat(np.arange(len(codes)), size)
    v = np.arange(len(deal)) - np.repeat(np.cumsum(size) - size, size)
    del size
    at = lo[deal] + v  # the deal's next offset after its v-th: at its v-th, 0-based
    base = codes[deal] * _SPAN + _SHIFT
    last = max(len(comp) - 1, 0)
    comp_at = comp[np.clip(at, 0, last)] if len(comp) else np.zeros(len(at), dtype=np.int64)
    comp_before = comp[np.clip(at - 1, 0, last)] if len(comp) else comp_at
    lowest, highest = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    start = np.where(v == 0, lowest, comp_before - base)
    end = np.where(at >= hi[deal], highest, comp_at - base - 1)
    del comp_at, comp_before, base, at
    alive_to = cycle[deal]
    end = np.where(end > alive_to, alive_to, end)  # float: NaN cycle (never alive) below
    del alive_to, deal
    ages_u, col = np.unique(age, return_inverse=True)
    first = np.searchsorted(ages_u, start, side="left")
    stop = np.searchsorted(ages_u, end, side="right")
    keep = (stop > first) & ~np.isnan(end)
    first, stop = first[keep], stop[keep]
    del start, end
    # count buckets: 2 i + 1 holds the i-th distinct queried x, 2 i the counts just below it
    xs_u, xcol = np.unique(np.asarray(x, dtype=np.int64), return_inverse=True)
    i = np.searchsorted(xs_u, v[keep], side="left")
    hit = xs_u[np.minimum(i, len(xs_u) - 1)] == v[keep] if len(xs_u) else np.zeros(len(i), bool)
    bucket = 2 * i + hit
    del v, keep, i, hit
    buckets = 2 * len(xs_u) + 1
    fewer = np.zeros(len(col))
    equal = np.zeros(len(col))
    alive = np.zeros(len(col))
    step = max(1, _CELLS // buckets)
    for a0 in range(0, len(ages_u), step):  # blocks of distinct ages, not rows
        width = min(step, len(ages_u) - a0)
        s = np.clip(first, a0, a0 + width) - a0
        e = np.clip(stop, a0, a0 + width) - a0
        inside = e > s
        cells = buckets * (width + 1)
        diff = np.bincount(bucket[inside] * (width + 1) + s[inside], minlength=cells)
        diff -= np.bincount(bucket[inside] * (width + 1) + e[inside], minlength=cells)
        held = np.cumsum(diff.reshape(buckets, width + 1), axis=1)[:, :width]
        upto = np.cumsum(held, axis=0)  # deals with a count in bucket <= b
        sel = (col >= a0) & (col < a0 + width)
        j = col[sel] - a0
        b = 2 * xcol[sel] + 1
        fewer[sel] = upto[b - 1, j]
        equal[sel] = held[b, j]
        alive[sel] = upto[-1, j]
    return fewer, equal, alive


def age_matched_percentile(
    query: pd.DataFrame,
    reference: pd.DataFrame,
    index: _Offsets,
    *,
    min_benchmark_deals: int = 20,
) -> pd.DataFrame:
    """Mid-rank percentile of each query deal among the age-matched won deals (module doc).

    Parameters
    ----------
    query : DataFrame
        ``opportunity_id``, ``age_days`` (whole days >= 0).
    reference : DataFrame
        :func:`won_reference`.
    index : _Offsets
        The activity offsets of every deal.
    min_benchmark_deals : int, default 20

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``age_days``, ``activities`` (within its first
        ``age_days`` days), ``benchmark_deals`` (n), ``benchmark_percentile``
        (NaN when n = 0), ``below_benchmark``; in query order.
    """
    q_ids = query["opportunity_id"].to_numpy()
    age = np.nan_to_num(query["age_days"].to_numpy(dtype=float), nan=-1).astype(np.int64)
    q_codes = index.codes(q_ids)
    x = index.count(q_codes, age).astype(float)
    ref_codes = index.codes(reference["opportunity_id"])
    ref_cycle = reference["cycle_days"].to_numpy(dtype=float)
    ref_pos = pd.Series(np.arange(len(reference)), index=reference["opportunity_id"].to_numpy())
    self_pos = pd.Series(q_ids).map(ref_pos[~ref_pos.index.duplicated()]).to_numpy(dtype=float)
    less, equal, n = _rank_counts(index, ref_codes, ref_cycle, age, x)
    w = len(reference)
    # leave the deal itself out of its own reference
    has = np.isfinite(self_pos) & (age >= 0)
    own = np.where(has, self_pos, 0).astype(np.int64)
    mine = has & (ref_cycle[own] >= age) if w else np.zeros(len(q_ids), bool)
    own_count = index.count(ref_codes[own] if w else q_codes, age)
    less -= mine & (own_count < x)
    equal -= mine & (own_count == x)
    n -= mine
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 0, (less + 0.5 * equal) / np.where(n > 0, n, 1), np.nan)
    valid = age >= 0
    pct = np.where(valid, pct, np.nan)
    return pd.DataFrame(
        {
            "opportunity_id": q_ids,
            "age_days": query["age_days"].to_numpy(),
            "activities": x.astype(np.int64),
            "benchmark_deals": np.where(valid, n, 0).astype(np.int64),
            "benchmark_percentile": pct,
            "below_benchmark": (n >= min_benchmark_deals) & (pct < BELOW_PERCENTILE) & valid,
        }
    )


def won_deals_at_own_age(
    reference: pd.DataFrame, index: _Offsets, *, min_benchmark_deals: int = 20
) -> pd.DataFrame:
    """Each won deal at its own age (its cycle) against the other won deals that lived as long.

    The check of the benchmark's construction: with a percentile rule of 0.25,
    about a quarter (fewer with ties) of won deals should be below it.

    Returns
    -------
    DataFrame
        As :func:`age_matched_percentile`, one row per won deal.
    """
    query = pd.DataFrame(
        {"opportunity_id": reference["opportunity_id"], "age_days": reference["cycle_days"]}
    )
    return age_matched_percentile(query, reference, index, min_benchmark_deals=min_benchmark_deals)


def benchmark_by_age_band(
    compared: pd.DataFrame,
    reference: pd.DataFrame,
    index: _Offsets,
    *,
    bands=AGE_BANDS,
) -> pd.DataFrame:
    """The benchmark by age band, and the open deals below it.

    Parameters
    ----------
    compared : DataFrame
        :func:`age_matched_percentile` of the open deals.
    reference, index
        As for :func:`age_matched_percentile`.
    bands : sequence of int
        Lower edges in days; the last band is open-ended.

    Returns
    -------
    DataFrame
        ``band`` (e.g. ``"14-29"``, ``"365 and above"``), ``age_from``, ``won_deals``
        (won deals that lived at least ``age_from`` days), ``p25_activities``
        and ``median_activities`` (their activities within the first
        ``age_from`` days), ``open_deals``, ``below_benchmark``,
        ``below_share``.
    """
    edges = np.asarray(bands, dtype=np.int64)
    uppers = [f"{e}-{nxt - 1}" for e, nxt in zip(edges[:-1], edges[1:], strict=True)]
    labels = [*uppers, f"{edges[-1]} and above"]
    ref_codes = index.codes(reference["opportunity_id"])
    counts, elig = _block(index, ref_codes, reference["cycle_days"].to_numpy(float), edges)
    masked = np.where(elig, counts, np.nan)
    with warnings.catch_warnings():  # an all-NaN column (no won deal that old) gives NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        p25, p50 = (
            np.nanquantile(masked, [0.25, 0.5], axis=0)
            if len(masked)
            else (
                np.full(len(edges), np.nan),
                np.full(len(edges), np.nan),
            )
        )
    band = pd.cut(compared["age_days"].astype(float), [*edges, np.inf], right=False, labels=labels)
    per = compared.groupby(band, observed=False)["below_benchmark"].agg(["size", "sum"])
    per = per.reindex(labels, fill_value=0)
    out = pd.DataFrame(
        {
            "band": labels,
            "age_from": edges,
            "won_deals": elig.sum(axis=0).astype(np.int64),
            "p25_activities": p25,
            "median_activities": p50,
            "open_deals": per["size"].to_numpy(dtype=np.int64),
            "below_benchmark": per["sum"].to_numpy(dtype=np.int64),
        }
    )
    out["below_share"] = out["below_benchmark"] / out["open_deals"].where(out["open_deals"] > 0)
    return out

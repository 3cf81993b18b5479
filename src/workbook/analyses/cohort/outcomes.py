"""Outcomes, not "censored": won and lost as competing risks (Aalen-Johansen).

Definitions
-----------
Time origin
    Each lead's ``created_at`` day; time is calendar days since then
    (leads enter at their own creation date: staggered entry on the calendar,
    time 0 on this scale).
Won
    The converted opportunity closed won, dated by its ``close_date``
    (the ``won`` milestone of :func:`~workbook.analyses.cohort.lead_milestones`).
Lost
    The converted opportunity closed lost (``is_closed`` and not ``is_won``),
    dated by its ``close_date``, on or after the lead's creation day and on or
    before the ``as_of`` day (a later close is not known yet: still open).
Disqualified without opportunity
    ``status == "Unqualified"`` and no won or lost event. They have no event
    date: counted and shown, and censored at ``as_of`` in the curves.
Still open
    Every other lead: no outcome by ``as_of`` (truly censored at ``as_of``).
Cumulative incidence
    ``statsmodels.duration.survfunc.CumIncidenceRight`` (the Aalen-Johansen
    estimator for right-censored competing risks, with delta-method standard
    errors); the 95% CI is ``cif ± 1.96 se`` clipped to [0, 1]. A horizon
    longer than the group's longest follow-up has no value (NaN).
Time to 25% / 50% of eventual wins
    The first day at which the won incidence reaches 25% (50%) of its value at
    the group's longest follow-up: when a quarter (half) of the wins seen so
    far had happened. It exists even when wins never reach half of the leads
    (where a Kaplan-Meier median does not).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import CumIncidenceRight

from workbook.analyses.cohort.common import (
    BLANK,
    freq_of,
    group_rows,
    labels,
    ordinals,
    segment_values,
)
from workbook.core.calendar import as_of_end, day, days
from workbook.core.links import strictly_increasing
from workbook.data.validate import positions

__all__ = ["HORIZONS", "OUTCOMES", "Outcomes", "lead_outcomes", "outcomes"]

#: Horizons (days since creation) of the cumulative incidence table.
HORIZONS: tuple[int, ...] = (30, 90, 180, 365)
#: Competing events, in the status code order of CumIncidenceRight (1, 2).
OUTCOMES: tuple[str, ...] = ("won", "lost")
_DAY = pd.Timedelta(days=1)


class Outcomes(NamedTuple):
    """Tables of :func:`outcomes`.

    Attributes
    ----------
    incidence : DataFrame
        One row per (group, outcome, horizon): ``group, outcome,
        horizon_days, cif, ci_low, ci_high, leads``.
    summary : DataFrame
        One row per group: ``group, leads, won, lost,
        disqualified_no_opportunity, still_open, max_days, days_to_25pct_of_wins,
        days_to_50pct_of_wins``.
    curves : DataFrame
        One row per (group, outcome, distinct time): ``group, outcome, days,
        cif, se`` (for the chart).
    """

    incidence: pd.DataFrame
    summary: pd.DataFrame
    curves: pd.DataFrame


def lead_outcomes(milestones: pd.DataFrame, opportunities: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Per lead: ``days`` since creation to its outcome (or to ``as_of``) and ``outcome``.

    ``outcome`` is ``won``, ``lost``, ``disqualified`` (no event, censored)
    or ``open`` (censored); ``status`` is 1 (won), 2 (lost) or 0. Same rows
    and order as ``milestones``.
    """
    created = days(milestones["created_at"])
    won_at = days(milestones["won_at"])
    opps = opportunities.reindex(columns=["opportunity_id", "close_date", "is_closed", "is_won"])
    if "is_closed" not in opportunities.columns:  # minimal tables: a close date means closed
        opps = opps.assign(is_closed=opps["close_date"].notna())
    conv = _converted_deals(milestones["converted_opportunity_id"], opps)
    close = days(conv["close_date"]).set_axis(milestones.index)
    closed = conv["is_closed"].fillna(False).astype(bool).to_numpy()
    won_flag = conv["is_won"].fillna(False).astype(bool).to_numpy()
    lost = (
        closed
        & ~won_flag
        & close.notna().to_numpy()
        & (close >= created).to_numpy()
        & (close < as_of_end(as_of)).to_numpy()
    )
    won = won_at.notna().to_numpy()
    status = np.select([won, lost], [1, 2], default=0)
    end = won_at.where(won, close.where(lost, day(as_of)))
    unqualified = (
        milestones["status"].astype("string").eq("Unqualified").fillna(False).to_numpy(bool)
        if "status" in milestones.columns
        else np.zeros(len(milestones), bool)
    )
    outcome = np.select(
        [status == 1, status == 2, unqualified], ["won", "lost", "disqualified"], default="open"
    )
    return pd.DataFrame(
        {
            "days": ((end - created) / _DAY).to_numpy(dtype="float64"),
            "status": status.astype("int64"),
            "outcome": outcome,
        },
        index=milestones.index,
    )


def _converted_deals(converted: pd.Series, opps: pd.DataFrame) -> pd.DataFrame:
    """The ``opps`` row of each converted opportunity id: a left merge of ``converted`` on the id.

    One row per id, in order (index 0, 1, ...), missing values where no row
    matches. Ids of ``opps`` in strictly increasing order (unique, as
    validation requires) are found by one Arrow hash lookup, not a merge of text.
    """
    ids = opps["opportunity_id"]
    if not len(opps) or not strictly_increasing(ids):
        conv = converted.to_frame("converted_opportunity_id")
        return conv.merge(
            opps, left_on="converted_opportunity_id", right_on="opportunity_id", how="left"
        )
    pos = positions(converted, ids)
    found = pos >= 0
    deals = opps.drop(columns="opportunity_id").iloc[np.where(found, pos, 0)]
    deals = deals.reset_index(drop=True)
    return deals.where(np.broadcast_to(found[:, None], deals.shape))


def _groups(m: pd.DataFrame, by: str, grain: str) -> pd.Series:
    if by == "cohort":
        freq = freq_of(grain)
        return pd.Series(labels(ordinals(m["created_at"], freq), freq), index=m.index)
    if by in ("", "all"):
        return pd.Series("all leads", index=m.index)
    return segment_values(m, by).fillna(BLANK)


def _fit_group(group, sub: pd.DataFrame, horizons: Sequence[int]):
    """One Aalen-Johansen fit: curve rows, horizon rows, the summary row."""
    n = len(sub)
    counts = sub["outcome"].value_counts()
    max_days = float(sub["days"].max())
    row = {
        "group": group,
        "leads": n,
        "won": int(counts.get("won", 0)),
        "lost": int(counts.get("lost", 0)),
        "disqualified_no_opportunity": int(counts.get("disqualified", 0)),
        "still_open": int(counts.get("open", 0)),
        "max_days": max_days,
        "days_to_25pct_of_wins": np.nan,
        "days_to_50pct_of_wins": np.nan,
    }
    status = sub["status"].to_numpy()
    h = np.asarray(horizons, dtype=float)
    if not (status > 0).any():
        zero = np.where(h <= max_days, 0.0, np.nan)
        inc = pd.DataFrame(
            {
                "group": group,
                "outcome": np.repeat(OUTCOMES, len(h)),
                "horizon_days": np.tile(h.astype(int), 2),
                "cif": np.tile(zero, 2),
                "ci_low": np.tile(zero, 2),
                "ci_high": np.tile(zero, 2),
                "leads": n,
            }
        )
        return pd.DataFrame(), inc, row
    # status codes must run 1..J: pad a missing "lost" with an empty cause.
    fit = CumIncidenceRight(sub["days"].to_numpy(dtype=float), status)
    times = np.asarray(fit.times, dtype=float)
    curves, incs = [], []
    for j, name in enumerate(OUTCOMES):  # two causes, not rows
        if j < len(fit.cinc):
            cif, se = np.asarray(fit.cinc[j]), np.asarray(fit.cinc_se[j])
        else:
            cif, se = np.zeros_like(times), np.zeros_like(times)
        curves.append(
            pd.DataFrame({"group": group, "outcome": name, "days": times, "cif": cif, "se": se})
        )
        pos = np.searchsorted(times, h, side="right") - 1
        at = np.where(pos >= 0, cif[np.maximum(pos, 0)], 0.0)
        at_se = np.where(pos >= 0, se[np.maximum(pos, 0)], 0.0)
        ok = h <= max_days
        incs.append(
            pd.DataFrame(
                {
                    "group": group,
                    "outcome": name,
                    "horizon_days": h.astype(int),
                    "cif": np.where(ok, at, np.nan),
                    "ci_low": np.where(ok, np.clip(at - 1.96 * at_se, 0, 1), np.nan),
                    "ci_high": np.where(ok, np.clip(at + 1.96 * at_se, 0, 1), np.nan),
                    "leads": n,
                }
            )
        )
        if name == "won" and cif[-1] > 0:
            for q, key in ((0.25, "days_to_25pct_of_wins"), (0.5, "days_to_50pct_of_wins")):
                row[key] = float(times[np.argmax(cif >= q * cif[-1] - 1e-12)])
    return pd.concat(curves, ignore_index=True), pd.concat(incs, ignore_index=True), row


def outcomes(
    milestones: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    by: str = "source",
    grain: str = "month",
    horizons: Sequence[int] = HORIZONS,
    per_lead: pd.DataFrame | None = None,
) -> Outcomes:
    """Cumulative incidence of won and lost per group, with counts of every outcome.

    See the module docstring for the exact definitions.

    Parameters
    ----------
    milestones : DataFrame
        :func:`~workbook.analyses.cohort.lead_milestones` (needs ``created_at``,
        ``won_at``, ``converted_opportunity_id`` and, for the disqualified
        count, ``status``).
    opportunities : DataFrame
        Canonical opportunities (``opportunity_id, close_date, is_closed, is_won``).
    as_of : date-like
        Observation end day, inclusive (the censoring date).
    by : str, default "source"
        ``"cohort"`` (at ``grain``), ``"all"`` or a leads column.
    grain : str, default "month"
    horizons : sequence of int, default (30, 90, 180, 365)
    per_lead : DataFrame, optional
        :func:`lead_outcomes` of the same ``milestones``, ``opportunities``
        and ``as_of``, when already computed (the report groups the same leads
        twice); not modified. The result is the same as without it.

    Returns
    -------
    Outcomes
    """
    if per_lead is None:
        per_lead = lead_outcomes(milestones, opportunities, as_of=as_of)
    curves, incs, rows = [], [], []
    for group, at in group_rows(_groups(milestones, by, grain)):  # a handful of groups
        c, i, r = _fit_group(group, per_lead.iloc[at], horizons)
        curves.append(c)
        incs.append(i)
        rows.append(r)
    summary_cols = [
        "group",
        "leads",
        "won",
        "lost",
        "disqualified_no_opportunity",
        "still_open",
        "max_days",
        "days_to_25pct_of_wins",
        "days_to_50pct_of_wins",
    ]
    inc_cols = ["group", "outcome", "horizon_days", "cif", "ci_low", "ci_high", "leads"]
    curve_cols = ["group", "outcome", "days", "cif", "se"]
    incs = [i for i in incs if len(i)]
    curves = [c for c in curves if len(c)]
    return Outcomes(
        pd.concat(incs, ignore_index=True)[inc_cols] if incs else pd.DataFrame(columns=inc_cols),
        pd.DataFrame(rows, columns=summary_cols),
        pd.concat(curves, ignore_index=True)[curve_cols]
        if curves
        else pd.DataFrame(columns=curve_cols),
    )

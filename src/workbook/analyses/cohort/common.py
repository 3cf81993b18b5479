"""Constants, period helpers and the shared ``milestones=`` doc of the cohort report.

Every topic module of :mod:`workbook.analyses.cohort` imports from here: the
milestone names and grains, the export column contracts, period ordinals and
labels, and segment labels. Importing it registers the ``{milestones}``
numpydoc fragment (:mod:`workbook.core.docs`) used by every function that
accepts a precomputed milestone table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses.cohort.constants import GRAINS, MILESTONES
from workbook.core.docs import register

__all__ = [
    "ALL_OWNERS",
    "BLANK",
    "FOLLOW_THROUGH_COLUMNS",
    "GRAINS",
    "HANDOFF_FOLLOWUP_COLUMNS",
    "MILESTONES",
    "NOT_FOLLOWED_UP_COLUMNS",
    "TIME_TO_EVENT_COLUMNS",
    "TIME_TO_EVENT_SUMMARY_COLUMNS",
]

#: Export contract of follow_through.csv (extra columns follow these).
FOLLOW_THROUGH_COLUMNS = [
    "cohort",
    "milestone",
    "months_since",
    "leads",
    "reached",
    "rate",
    "ci_low",
    "ci_high",
]
#: Export contract of handoff_followup.csv (extra columns follow these).
HANDOFF_FOLLOWUP_COLUMNS = [
    "owner_id",
    "handed_off",
    "followed_up",
    "rate",
    "median_days_to_first_touch",
]
#: Export contract of not_followed_up.csv (extra columns follow these).
NOT_FOLLOWED_UP_COLUMNS = ["lead_id", "owner_id", "handed_off_at", "days_waiting"]
#: Columns of time_to_event.csv.
TIME_TO_EVENT_COLUMNS = [
    "event",
    "group",
    "days",
    "surv_prob",
    "surv_prob_se",
    "n_risk",
    "n_events",
    "reached",
    "leads",
    "max_days",
]
#: Columns of time_to_event_summary.csv.
TIME_TO_EVENT_SUMMARY_COLUMNS = [
    "event",
    "group",
    "leads",
    "events",
    "not_reached",
    "median_days",
    "reached_by_horizon",
    "horizon_days",
]
#: Label used for a blank segment value or a blank owner.
BLANK = "(blank)"
#: owner_id of the all-owners row of :func:`~workbook.analyses.cohort.handoff_followup`.
ALL_OWNERS = "(all owners)"

register(
    milestones="""milestones : DataFrame, optional
        A precomputed :func:`~workbook.analyses.cohort.lead_milestones` table
        for the same ``as_of`` (compute it once and pass it to every cohort
        function), e.g. from :func:`workbook.analyses.cohort.milestones_from_aggregates`
        (activities aggregated in a database). When given, it is used as is
        and ``leads``, ``activities`` and ``opportunities`` are not read (they
        may be None); the result is the same as without it.""",
)


def freq_of(grain: str) -> str:
    """The pandas Period frequency of ``grain``; ``ValueError`` naming the choices."""
    try:
        return GRAINS[grain]
    except KeyError:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}, got {grain!r}") from None


def ordinals(dates: pd.Series, freq: str) -> np.ndarray:
    """Period ordinals of ``dates`` at ``freq`` as float (NaN for NaT).

    Those of pandas ``Period`` (months, quarters or years since 1970-01,
    1970Q1, 1970). Naive datetimes at ``M``, ``Q`` or ``Y`` are counted from
    the datetime64 values (months since 1970 by numpy's flooring cast, a
    quarter being three of them, years likewise), without building Periods.
    """
    values = pd.Series(dates)
    if freq in ("M", "Q", "Y") and isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        d = values.to_numpy(dtype="datetime64[ns]")
        counted = d.astype("datetime64[Y]" if freq == "Y" else "datetime64[M]").astype(np.int64)
        out = (counted // 3 if freq == "Q" else counted).astype("float64")
        out[np.isnat(d)] = np.nan
        return out
    periods = values.dt.to_period(freq)
    out = periods.array.asi8.astype("float64")
    out[periods.isna().to_numpy()] = np.nan
    return out


def labels(ords, freq: str) -> np.ndarray:
    """Period labels (``YYYY-MM``, ``YYYYQn``, ``YYYY``) for integer ordinals."""
    idx = pd.PeriodIndex.from_ordinals(np.asarray(ords, dtype="int64"), freq=freq)
    return np.asarray(idx.astype(str), dtype=object)


def segment_values(frame: pd.DataFrame, segment_by: str | None) -> pd.Series | None:
    """Segment labels as text, blanks as :data:`BLANK`; None when not segmenting."""
    if not segment_by:
        return None
    if segment_by not in frame.columns:
        raise KeyError(f"segment_by={segment_by!r} is not a leads column")
    col = frame[segment_by]
    text = col.astype("str").where(col.notna(), BLANK)
    return text.where(text.str.strip() != "", BLANK)


def segment_of_leads(leads: pd.DataFrame, segment_by: str, lead_ids: pd.Series) -> np.ndarray:
    """The ``segment_by`` label (see :func:`segment_values`) of each of ``lead_ids``.

    A duplicated ``lead_id`` in ``leads`` takes its first row's label.
    """
    seg = segment_values(leads, segment_by)
    seg_map = pd.Series(seg.to_numpy(), index=leads["lead_id"].to_numpy())
    seg_map = seg_map[~seg_map.index.duplicated()]
    return lead_ids.map(seg_map).to_numpy()


def group_rows(labels) -> list[tuple[object, np.ndarray]]:
    """Each distinct label, in sorted order, with the positions of its rows (in row order).

    The groups of ``groupby(labels, sort=True)`` (missing labels in none), from
    one factorize of the labels, for a handful of groups over millions of rows:
    no frame of text is built and grouped per table.

    Parameters
    ----------
    labels : Series or array-like
        One label per row.

    Returns
    -------
    list of (label, ndarray of int)
    """
    codes, uniques = pd.factorize(labels, sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return [(uniques[k], order[bounds[k] : bounds[k + 1]]) for k in range(len(uniques))]


def milestone_col(m: str) -> str:
    """Column of the milestone table holding milestone ``m``'s date."""
    return f"{m}_at"


def check_milestone(milestone: str) -> None:
    """``ValueError`` unless ``milestone`` is one of :data:`MILESTONES`."""
    if milestone not in MILESTONES:
        raise ValueError(f"milestone must be one of {MILESTONES}, got {milestone!r}")


def milestone_order(milestone: pd.Series) -> pd.Series:
    """Funnel position (0 = touched) of each milestone name, for sorting."""
    return milestone.map({n: i for i, n in enumerate(MILESTONES)})

"""Guards on impossible values: amounts that are not finite or too large, hijacked dates.

Run by :func:`workbook.data.io.load` on every table right after coercion.

Errors (``DataValidationError``, exit 2), each naming file, column and example ids
    ``bad_amount``
        ``inf``, ``-inf``, or an absolute value above ``max_amount`` (default
        :data:`MAX_AMOUNT`, 1e12) in an amount column (:data:`AMOUNT_COLUMNS`).
        Negative amounts stay the counted warning ``negative_amount``.
    ``date_literal``
        A date cell reading ``now``, ``today`` or ``yesterday`` (any case):
        they would parse as the clock time and make re-runs on the same
        data differ.
    ``future_date``
        An event date (:data:`EVENT_COLUMNS`; ``close_date`` only of closed
        deals, an open deal's is an expected date) on a calendar day after
        the load's clock day + 1. One such date would otherwise become the
        default ``as_of``.

Warning
    ``before_min_date``
        An event date before ``min_date`` (default :data:`MIN_DATE`,
        1990-01-01), counted with example ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.data import model
from workbook.data.coercion import example_labels
from workbook.data.validate import WARNING, Issue, Problem, problem

__all__ = [
    "AMOUNT_COLUMNS",
    "DATE_LITERALS",
    "EVENT_COLUMNS",
    "MAX_AMOUNT",
    "MIN_DATE",
    "guard_settings",
    "guard_table",
]

MAX_AMOUNT = 1e12
MIN_DATE = "1990-01-01"
DATE_LITERALS = ("now", "today", "yesterday")

#: Money columns checked for finite, bounded values.
AMOUNT_COLUMNS = {
    model.OPPORTUNITIES: ("amount",),
    model.PURCHASES: ("amount",),
    model.PRODUCTS: ("list_price",),
}

#: Event dates that may not lie in the future (plus closed deals' ``close_date``).
EVENT_COLUMNS = ("created_at", "occurred_at", "purchased_at", "converted_at", "handed_off_at")


def guard_settings(*, max_amount=None, min_date=None) -> dict:
    """The keyword arguments of :func:`guard_table` for one load, the clock read once.

    The same for :func:`workbook.data.io.load` and its as-of pre-scan
    (:func:`workbook.data.io.resolve_as_of`), so a date the load refuses can
    never become the run's default ``as_of``.

    Parameters
    ----------
    max_amount : float, optional
        ``load_options.max_amount`` (default :data:`MAX_AMOUNT`).
    min_date : date-like, optional
        ``load_options.min_date`` (default :data:`MIN_DATE`; ``""`` too).

    Returns
    -------
    dict
        ``clock_day`` (today, as a day), ``max_amount``, ``min_date``.
    """
    return {
        "clock_day": pd.Timestamp.now().normalize(),  # the load's clock, read once
        "max_amount": MAX_AMOUNT if max_amount is None else float(max_amount),
        "min_date": MIN_DATE if min_date in (None, "") else min_date,
    }


def _literal_mask(raw: pd.Series) -> np.ndarray:
    text = raw.astype("string")
    arrow = pa.chunked_array(pa.array(text.array))
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(arrow))
    hit = pc.is_in(lowered, value_set=pa.array(DATE_LITERALS))
    return hit.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def guard_table(
    raw: pd.DataFrame,
    frame: pd.DataFrame,
    table: str,
    *,
    file: str | None,
    clock_day: pd.Timestamp,
    max_amount: float = MAX_AMOUNT,
    min_date=MIN_DATE,
) -> tuple[list[Problem], list[Issue]]:
    """Errors and warnings on one coerced table (``raw``: the same rows as read, as text).

    Returns
    -------
    (problems, warnings)
    """
    problems: list[Problem] = []
    warnings: list[Issue] = []
    spec = model.SPECS[table]
    for column in AMOUNT_COLUMNS.get(table, ()):
        if column not in frame.columns:
            continue
        values = frame[column].to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isinf(values) | (np.abs(np.nan_to_num(values, posinf=0, neginf=0)) > max_amount)
        if bad.any():
            problems.append(
                problem(
                    "bad_amount", table=table, column=column, count=int(bad.sum()),
                    examples=example_labels(frame, table, bad), file=file,
                    detail=f"{int(bad.sum())} amount(s) infinite or beyond max_amount "
                    f"{max_amount:g}", values=[f"{v:g}" for v in values[bad][:3]],
                )
            )  # fmt: skip
    cutoff = pd.Timestamp(clock_day).normalize() + pd.Timedelta(days=2)
    lowest = pd.Timestamp(min_date)
    for column in spec.columns_of_kind("date"):
        if column not in frame.columns:
            continue
        if column in raw.columns and not pd.api.types.is_datetime64_any_dtype(raw[column].dtype):
            literal = _literal_mask(raw[column])
            if literal.any():
                problems.append(
                    problem(
                        "date_literal", table=table, column=column, count=int(literal.sum()),
                        examples=example_labels(frame, table, literal), file=file,
                        detail=f"{int(literal.sum())} date(s) written as "
                        f"{'/'.join(DATE_LITERALS)}, which are not dates",
                    )
                )  # fmt: skip
        is_event = column in EVENT_COLUMNS or (
            table == model.OPPORTUNITIES and column == "close_date"
        )
        if not is_event:
            continue
        dates = frame[column]
        if table == model.OPPORTUNITIES and column == "close_date" and "is_closed" in frame:
            dates = dates.where(frame["is_closed"].fillna(False).astype(bool))
        future = (dates >= cutoff).fillna(False).to_numpy(dtype=bool)
        if future.any():
            problems.append(
                problem(
                    "future_date", table=table, column=column, count=int(future.sum()),
                    examples=example_labels(frame, table, future), file=file,
                    detail=f"{int(future.sum())} event date(s) after the clock day + 1 "
                    f"({cutoff - pd.Timedelta(days=1):%Y-%m-%d})",
                    values=[f"{d:%Y-%m-%d}" for d in dates[future].head(3)],
                )
            )  # fmt: skip
        early = (dates < lowest).fillna(False).to_numpy(dtype=bool)
        if early.any():
            n = int(early.sum())
            warnings.append(
                Issue(
                    "before_min_date", table, column, n, example_labels(frame, table, early),
                    f"{n} date(s) before min_date {lowest:%Y-%m-%d}", WARNING,
                )
            )  # fmt: skip
    return problems, warnings


def as_of_source(tables) -> dict | None:
    """Which record sets the default as_of: ``{table, column, id, date}`` of the latest event.

    The same dates as :func:`workbook.data.io.default_as_of` (event dates of
    :data:`workbook.data.model.EVENT_DATE_COLUMNS`, closed deals' ``close_date``);
    ``None`` when there is none. ``workbook validate`` prints it.
    """
    candidates = [(t, c, None) for t, c in model.EVENT_DATE_COLUMNS.items()]
    candidates.append((model.OPPORTUNITIES, "close_date", "is_closed"))
    best = None
    for table, column, flag in candidates:
        df = tables.get(table)
        if df is None or column not in df.columns or len(df) == 0:
            continue
        dates = df[column]
        if flag is not None and flag in df.columns:
            dates = dates.where(df[flag].fillna(False).astype(bool))
        if dates.notna().any():
            pos = int(np.argmax(dates.fillna(pd.Timestamp.min).to_numpy(dtype="datetime64[ns]")))
            mask = np.zeros(len(df), dtype=bool)
            mask[pos] = True
            found = {
                "table": table,
                "column": column,
                "date": dates.iloc[pos],
                "id": example_labels(df, table, mask)[0],
            }
            if best is None or found["date"] > best["date"]:
                best = found
    return best

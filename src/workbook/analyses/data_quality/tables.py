"""Tables: rows per loaded table and the span of every date column."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbook.core.docs import register, shared_docs
from workbook.data import model

__all__ = ["DATE_RANGE_COLUMNS", "ROW_COUNT_COLUMNS", "date_ranges", "row_counts"]

ROW_COUNT_COLUMNS = ["table", "rows", "optional", "date_column", "first_date", "last_date"]
DATE_RANGE_COLUMNS = ["table", "column", "rows", "with_date", "missing", "first_date", "last_date"]

register(
    crm_tables="""tables : mapping of str to DataFrame
        Canonical tables (``crm.tables``); tables that were not loaded are
        simply absent.""",
)


def require_tables(tables: object, name: str = "tables") -> Mapping[str, pd.DataFrame]:
    """Return ``tables`` when it is a mapping of table name to DataFrame; else ``TypeError``.

    The likely mistake is passing the ``CrmData`` itself instead of ``crm.tables``.
    """
    if not isinstance(tables, Mapping) or not all(
        isinstance(v, pd.DataFrame) for v in tables.values()
    ):
        hint = " (pass crm.tables)" if isinstance(tables, model.CrmData) else ""
        raise TypeError(
            f"{name} must be a mapping of table name to DataFrame{hint}, "
            f"got {type(tables).__name__}"
        )
    return tables


def _ordered(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    return [t for t in model.TABLES if t in tables]


@shared_docs
def row_counts(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per loaded table, with the span of its main date column.

    Parameters
    ----------
    {crm_tables}

    Returns
    -------
    DataFrame
        One row per loaded table, in canonical order, columns:
        ``table``; ``rows`` (all rows, including ones with warnings);
        ``optional`` (the table may be absent from an export); ``date_column``
        (:func:`workbook.data.model.main_date_column`: the event-date column of
        :data:`workbook.data.model.EVENT_DATE_COLUMNS`, else the table's first
        date column, else missing); ``first_date`` and ``last_date`` (minimum
        and maximum of that column, missing dates ignored; both missing when
        the column is empty or absent). Records dated after ``as_of`` are
        included: they are a validation warning, not an exclusion.
    """
    tables = require_tables(tables)
    rows = []
    for table in _ordered(tables):
        frame = tables[table]
        column = model.main_date_column(table, frame.columns)
        dates = frame[column] if column is not None else pd.Series([], dtype="datetime64[ns]")
        rows.append(
            {
                "table": table,
                "rows": len(frame),
                "optional": model.SPECS[table].optional,
                "date_column": column,
                "first_date": dates.min(),
                "last_date": dates.max(),
            }
        )
    out = pd.DataFrame(rows, columns=ROW_COUNT_COLUMNS)
    return out.astype({"rows": "int64", "optional": "bool"}).assign(
        first_date=lambda d: pd.to_datetime(d["first_date"]),
        last_date=lambda d: pd.to_datetime(d["last_date"]),
    )


@shared_docs
def date_ranges(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Span and completeness of every canonical date column of every loaded table.

    Parameters
    ----------
    {crm_tables}

    Returns
    -------
    DataFrame
        One row per (table, date column present), canonical order, columns:
        ``table``, ``column``, ``rows`` (table rows), ``with_date`` (rows
        with a date), ``missing`` (rows without one), ``first_date`` and
        ``last_date`` (minimum and maximum over the rows with a date).
    """
    tables = require_tables(tables)
    rows = []
    for table in _ordered(tables):
        frame = tables[table]
        for column in model.SPECS[table].columns_of_kind("date"):
            if column not in frame.columns:
                continue
            dates = frame[column]
            present = int(dates.notna().sum())
            rows.append(
                {
                    "table": table,
                    "column": column,
                    "rows": len(frame),
                    "with_date": present,
                    "missing": len(frame) - present,
                    "first_date": dates.min(),
                    "last_date": dates.max(),
                }
            )
    out = pd.DataFrame(rows, columns=DATE_RANGE_COLUMNS)
    return out.astype({"rows": "int64", "with_date": "int64", "missing": "int64"}).assign(
        first_date=lambda d: pd.to_datetime(d["first_date"]),
        last_date=lambda d: pd.to_datetime(d["last_date"]),
    )

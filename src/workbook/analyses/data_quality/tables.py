"""Tables: rows per loaded table and the span of every date column."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbook.core.docs import register, shared_docs
from workbook.data import model
from workbook.data.validate import EXCLUDED, FIXUP, WARNING

__all__ = [
    "DATE_RANGE_COLUMNS",
    "ROW_COUNT_COLUMNS",
    "WARNINGS_BY_TABLE_COLUMNS",
    "date_ranges",
    "row_counts",
    "warnings_by_table",
]

ROW_COUNT_COLUMNS = ["table", "rows", "optional", "date_column", "first_date", "last_date"]
DATE_RANGE_COLUMNS = ["table", "column", "rows", "with_date", "missing", "first_date", "last_date"]
WARNINGS_BY_TABLE_COLUMNS = [
    "table", "rows", "warning_kinds", "warning_rows", "fixup_rows", "excluded_rows",
    "warning_share",
]  # fmt: skip

#: ``severity`` of a validation issue -> its column in :func:`warnings_by_table`.
_SEVERITY_COLUMNS = {WARNING: "warning_rows", FIXUP: "fixup_rows", EXCLUDED: "excluded_rows"}

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


def warnings_by_table(warnings: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The validation issues of each loaded table, counted by kind.

    Parameters
    ----------
    warnings : DataFrame
        :meth:`workbook.data.validate.DataQuality.to_frame`: one row per kind
        of issue, columns ``check``, ``table``, ``count`` (affected rows) and
        ``severity`` (``"warning"``, ``"fixup"`` or ``"excluded"``) among others.
    counts : DataFrame
        :func:`row_counts` (columns ``table`` and ``rows``): the loaded tables.

    Returns
    -------
    DataFrame
        One row per table of ``counts``, in its order, then any other table an
        issue names (rows missing), columns :data:`WARNINGS_BY_TABLE_COLUMNS`:
        ``rows`` (the table's rows), ``warning_kinds`` (kinds of warning, i.e.
        distinct ``check`` of severity ``"warning"``), ``warning_rows``,
        ``fixup_rows`` and ``excluded_rows`` (the sum of ``count`` per
        severity: a row with two kinds of warning counts twice), and
        ``warning_share`` (``warning_rows / rows``; missing without rows).
        Tables without issues have zeros.
    """
    issues = warnings.loc[
        warnings["severity"].isin(list(_SEVERITY_COLUMNS)) & (warnings["count"] > 0)
    ]
    by_kind = (
        issues.pivot_table(
            index="table", columns="severity", values="count", aggfunc="sum", fill_value=0
        )
        .reindex(columns=list(_SEVERITY_COLUMNS), fill_value=0)
        .rename(columns=_SEVERITY_COLUMNS)
    )
    kinds = issues.loc[issues["severity"] == WARNING].groupby("table")["check"].nunique()
    order = list(counts["table"]) + sorted(set(by_kind.index) - set(counts["table"]))
    out = (
        by_kind.reindex(order, fill_value=0)
        .assign(
            warning_kinds=kinds.reindex(order, fill_value=0),
            rows=counts.set_index("table")["rows"].reindex(order).astype("Int64"),
        )
        .rename_axis("table")
        .reset_index()
    )
    out.columns.name = None
    out = out.astype({c: "int64" for c in (*_SEVERITY_COLUMNS.values(), "warning_kinds")})
    rows = out["rows"].astype("Float64")
    out["warning_share"] = (out["warning_rows"] / rows.where(rows > 0)).astype("float64")
    return out[WARNINGS_BY_TABLE_COLUMNS]

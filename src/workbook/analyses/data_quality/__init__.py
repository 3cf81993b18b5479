"""Summaries for the data-quality report: row counts, date ranges, integrity, hierarchy.

Pure functions over the canonical tables (``CrmData.tables``); no IO, printing
or plotting. The validation warnings themselves come from
:class:`workbook.data.validate.DataQuality`; ultimate parents come from
:func:`workbook.core.families.ultimate_parents`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbook.core.text import Card
from workbook.data import model
from workbook.data.validate import positions

ROW_COUNT_COLUMNS = ["table", "rows", "optional", "date_column", "first_date", "last_date"]
DATE_RANGE_COLUMNS = ["table", "column", "rows", "with_date", "missing", "first_date", "last_date"]
INTEGRITY_COLUMNS = [
    "table",
    "column",
    "references",
    "checked",
    "rows",
    "rows_with_value",
    "unknown_rows",
    "unknown_ids",
    "unknown_share",
    "examples",
]
DEPTH_COLUMNS = ["depth", "label", "accounts", "share"]

#: Distinct unknown ids listed per reference in :func:`referential_integrity`.
MAX_EXAMPLES = 5


def _date_column(table: str, frame: pd.DataFrame) -> str | None:
    """The table's event-date column, else its first canonical date column present."""
    event = model.EVENT_DATE_COLUMNS.get(table)
    if event is not None and event in frame.columns:
        return event
    for column in model.SPECS[table].columns_of_kind("date"):
        if column in frame.columns:
            return column
    return None


def _ordered(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    return [t for t in model.TABLES if t in tables]


def row_counts(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per loaded table, with the span of its main date column.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Canonical tables; tables that were not loaded are simply absent.

    Returns
    -------
    DataFrame
        One row per loaded table, in canonical order, columns:
        ``table``; ``rows`` (all rows, including ones with warnings);
        ``optional`` (the table may be absent from an export); ``date_column``
        (the event-date column of :data:`workbook.data.model.EVENT_DATE_COLUMNS`,
        else the table's first date column, else missing); ``first_date`` and
        ``last_date`` (minimum and maximum of that column, missing dates
        ignored; both missing when the column is empty or absent). Records
        dated after ``as_of`` are included: they are a validation warning, not
        an exclusion.
    """
    rows = []
    for table in _ordered(tables):
        frame = tables[table]
        column = _date_column(table, frame)
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


def date_ranges(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Span and completeness of every canonical date column of every loaded table.

    Returns
    -------
    DataFrame
        One row per (table, date column present), canonical order, columns:
        ``table``, ``column``, ``rows`` (table rows), ``with_date`` (rows
        with a date), ``missing`` (rows without one), ``first_date`` and
        ``last_date`` (minimum and maximum over the rows with a date).
    """
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


def referential_integrity(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Check every id reference of :data:`workbook.data.model.REFERENCES`.

    A reference ``table.column -> target.target_column`` is *checked* when
    both tables are loaded and have those columns; otherwise its row says
    ``checked = False`` and the counts are missing (for example owner ids
    when the optional ``users`` table is absent).

    Returns
    -------
    DataFrame
        One row per reference, in :data:`~workbook.data.model.REFERENCES` order:

        ``table``, ``column``
            The referring column.
        ``references``
            ``"<target>.<target_column>"``.
        ``checked``
            Whether both sides were available.
        ``rows``
            Rows of ``table``.
        ``rows_with_value``
            Rows whose ``column`` is not missing (blank means "no reference"
            and is never an error).
        ``unknown_rows``
            Rows with a value that is not among the target's ids.
        ``unknown_ids``
            Distinct such values.
        ``unknown_share``
            ``unknown_rows / rows_with_value`` (missing when no row has a value).
        ``examples``
            Up to :data:`MAX_EXAMPLES` distinct unknown values, sorted as
            text, joined with ", ".
    """
    rows = []
    for table, column, target, target_column in model.REFERENCES:
        row = {
            "table": table,
            "column": column,
            "references": f"{target}.{target_column}",
            "checked": False,
        }
        source, ref = tables.get(table), tables.get(target)
        if (
            source is not None
            and ref is not None
            and column in source.columns
            and target_column in ref.columns
        ):
            values = source[column].astype("string")
            has_value = values.notna()
            # Arrow hash lookup: Series.isin on Arrow strings took 25 s for 5M activities.
            known = positions(values, ref[target_column].astype("string").dropna()) >= 0
            unknown = values[has_value & ~known]
            distinct = pd.Series(unknown.unique(), dtype="string").sort_values()
            n_value = int(has_value.sum())
            row.update(
                checked=True,
                rows=len(source),
                rows_with_value=n_value,
                unknown_rows=len(unknown),
                unknown_ids=len(distinct),
                unknown_share=len(unknown) / n_value if n_value else float("nan"),
                examples=", ".join(distinct.head(MAX_EXAMPLES).tolist()),
            )
        rows.append(row)
    out = pd.DataFrame(rows, columns=INTEGRITY_COLUMNS)
    counts = ["rows", "rows_with_value", "unknown_rows", "unknown_ids"]
    return out.astype({c: "Int64" for c in counts} | {"unknown_share": "float64"}).astype(
        {"checked": "bool", "examples": "string"}
    )


def depth_distribution(tree: pd.DataFrame) -> pd.DataFrame:
    """Accounts per hierarchy depth, from :func:`workbook.core.families.ultimate_parents`.

    Parameters
    ----------
    tree : DataFrame
        Output of ``ultimate_parents(accounts)``.

    Returns
    -------
    DataFrame
        Columns ``depth`` (``Int64``: steps from the account up to its
        ultimate parent, 0 for a top-level account; missing for accounts on
        or leading into a parent cycle), ``label`` (``"0 (top level)"``,
        ``"1"``, ..., ``"cycle"``), ``accounts`` and ``share`` of all
        accounts. Sorted by depth, the cycle row (if any) last.
    """
    depth = tree["depth"].astype("Int64")
    counts = depth.value_counts(dropna=False).rename("accounts").reset_index()
    counts = counts.rename(columns={"index": "depth"})
    counts["depth"] = counts["depth"].astype("Int64")
    counts = counts.sort_values("depth", na_position="last").reset_index(drop=True)
    label = counts["depth"].astype("string")
    label = label.mask(counts["depth"].eq(0).fillna(False), "0 (top level)").fillna("cycle")
    total = int(counts["accounts"].sum())
    return pd.DataFrame(
        {
            "depth": counts["depth"],
            "label": label,
            "accounts": counts["accounts"].astype("int64"),
            "share": counts["accounts"] / total if total else counts["accounts"] * 0.0,
        },
        columns=DEPTH_COLUMNS,
    )


def headline(
    counts: pd.DataFrame,
    warnings: pd.DataFrame,
    integrity: pd.DataFrame,
    faults: pd.DataFrame,
) -> tuple[list[str], list[Card]]:
    """Executive-summary sentences and cards for the data-quality report.

    Parameters
    ----------
    counts : DataFrame
        :func:`row_counts`.
    warnings : DataFrame
        ``DataQuality.to_frame()``: one row per kind of warning or fix-up,
        with ``severity`` and ``count`` (affected rows).
    integrity : DataFrame
        :func:`referential_integrity`.
    faults : DataFrame
        :func:`workbook.core.families.hierarchy_issues` (one row per faulty account).

    Returns
    -------
    (sentences, cards)
        Cards ``tables`` (tables loaded), ``rows`` (total rows),
        ``warnings`` (affected rows over all warning kinds, fix-ups excluded),
        ``hierarchy_faults`` (accounts on a cycle or with a missing parent);
        and 3-5 sentences built from these numbers.
    """
    n_tables = len(counts)
    n_rows = int(counts["rows"].sum())
    is_warning = warnings["severity"].eq("warning") if len(warnings) else pd.Series([], dtype=bool)
    warn = warnings[is_warning]
    fix = warnings[~is_warning]
    n_warn_rows = int(warn["count"].sum())
    n_faults = len(faults)
    checked = integrity[integrity["checked"]]
    bad_refs = checked[checked["unknown_rows"].fillna(0) > 0]
    cards = [
        Card("tables", "Tables loaded", n_tables, "{:,}"),
        Card("rows", "Total rows", n_rows, "{:,}"),
        Card("warnings", "Rows with warnings", n_warn_rows, "{:,}"),
        Card("hierarchy_faults", "Hierarchy faults", n_faults, "{:,}"),
    ]
    largest = counts.sort_values(["rows", "table"], ascending=[False, True]).head(1)
    sentences = [
        f"{n_tables} table(s) loaded with {n_rows:,} rows in total; the largest is "
        f"{largest['table'].iloc[0]} with {int(largest['rows'].iloc[0]):,} rows."
        if n_tables
        else "No tables were loaded.",
        f"Validation found {len(warn)} kind(s) of warning affecting {n_warn_rows:,} row(s)"
        + (f", and applied {len(fix)} kind(s) of fix-up." if len(fix) else "."),
    ]
    if len(bad_refs):
        worst = bad_refs.sort_values(["unknown_rows", "table"], ascending=[False, True]).iloc[0]
        sentences.append(
            f"{len(bad_refs)} of {len(checked)} checked reference(s) point to unknown ids; "
            f"the most affected is {worst['table']}.{worst['column']} with "
            f"{int(worst['unknown_rows']):,} row(s)."
        )
    else:
        sentences.append(f"All {len(checked)} checked reference(s) point to known ids.")
    n_cycle = int(faults["issue"].eq("cycle").sum()) if n_faults else 0
    sentences.append(
        f"The account hierarchy has {n_faults} fault(s): {n_cycle} account(s) on a parent "
        f"cycle and {n_faults - n_cycle} with a parent missing from the accounts."
        if n_faults
        else "The account hierarchy has no cycles and no missing parents."
    )
    return sentences, cards

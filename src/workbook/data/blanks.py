"""Blank required cells: the one place that decides which rows are left out, and why.

Rule (issue 18)
---------------
A row whose cell in a required column (:attr:`workbook.data.model.Column.required`)
is blank after coercion is **left out** of its table, so it reaches no report
that uses the table. It is counted, never silent:

* one ``blank_required`` issue (severity ``"excluded"``) per table and column
  in :class:`~workbook.data.validate.DataQuality`, with the number of rows
  and up to five example ids: the primary key; when the id itself is blank,
  ``line N`` (the CSV line where the record starts), or ``row N`` (the
  1-based data row as read) for other sources or when lines cannot be told;
  ``account_id/product_id`` for purchases. A row blank in several required columns is counted once,
  under the first of them in the table's column order, and the message says
  how many of those rows are blank elsewhere too; so the counts of a table
  add up to the rows left out, and loaded + left out = rows read;
* the rows themselves in :attr:`workbook.data.model.CrmData.excluded`.

Exceptions and limits

* Conditionally required columns (:data:`workbook.data.model.REQUIRED_WHEN`):
  ``opportunities.close_date`` only when ``is_closed`` is true (an open
  deal's close date is an expected date and may be blank), and
  ``opportunities.amount`` only when ``is_won`` is true (a won deal's amount
  is revenue; an open or lost deal's is an estimate). Their blanks on the
  other rows are kept and counted as the warning ``blank_allowed``. A blank
  ``is_closed`` or ``is_won`` leaves the row out (under that column).
* A blank boolean is never read as false; it is a blank like any other.
  Only a value map that lists ``""`` (``values: {opportunities: {is_won:
  {"": false}}}``) gives blank cells a value, before this rule runs.
* A table that has rows but is left with none is an error
  (``no_usable_rows``, exit 2) naming the file, table and columns. A
  header-only table stays the warning ``no_rows``.

Left-out rows still count for the default ``as_of`` (the latest event date of
the export; :func:`workbook.data.io.default_as_of` runs before this rule, as
the cheap pre-scan of :func:`workbook.data.io.resolve_as_of` does).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.data import model
from workbook.data.coercion import example_labels, row_labels
from workbook.data.validate import EXCLUDED, WARNING, DataValidationError, Issue, Problem

__all__ = [
    "BLANK_ALLOWED",
    "BLANK_REQUIRED",
    "NO_USABLE_ROWS",
    "Exclusion",
    "blank_masks",
    "exclude_blank_required",
    "exclude_tables",
]

BLANK_REQUIRED = "blank_required"
BLANK_ALLOWED = "blank_allowed"
NO_USABLE_ROWS = "no_usable_rows"


class Exclusion(NamedTuple):
    """What :func:`exclude_blank_required` gives.

    Attributes
    ----------
    frame : DataFrame
        The usable rows (index reset); ``frame`` itself when nothing is left out.
    excluded : DataFrame
        The rows left out: the canonical columns, ``row`` (1-based data row of
        the table as read) and ``blank`` (comma-separated blank required columns).
    issues : list of Issue
        One ``blank_required`` issue per column that left rows out, and one
        ``blank_allowed`` warning per conditionally required column with
        blanks where they are allowed (on the usable rows).
    problems : list of Problem
        ``no_usable_rows`` when every row is left out.
    """

    frame: pd.DataFrame
    excluded: pd.DataFrame
    issues: list[Issue]
    problems: list[Problem]


def blank_masks(frame: pd.DataFrame, table: str) -> dict[str, np.ndarray]:
    """``{column: blank mask}`` per required column of ``table`` present in ``frame``.

    A conditionally required column (:data:`workbook.data.model.REQUIRED_WHEN`)
    counts as blank only where its flag is true.
    """
    out = {}
    for column in model.SPECS[table].required_columns:
        if column not in frame.columns:
            continue
        blank = frame[column].isna().to_numpy(dtype=bool, copy=True)
        flag = model.REQUIRED_WHEN.get((table, column))
        if flag is not None and flag in frame.columns:
            blank &= frame[flag].fillna(False).to_numpy(dtype=bool)
        out[column] = blank
    return out


def _examples(frame, table, rows: np.ndarray, lines) -> tuple[str, ...]:
    """Up to five labels: the id, else ``line N`` when the reader knows it, else ``row N``."""
    picked = np.flatnonzero(rows)[:5]
    labels = row_labels(frame.iloc[picked], table).tolist()  # the index keeps positions
    pk = model.SPECS[table].primary_key
    blank = (
        frame[pk].isna().to_numpy()[picked] if pk in frame.columns else np.zeros(len(picked), bool)
    )
    return tuple(
        f"line {lines[int(p)]}" if b and int(p) in lines else str(label)
        for p, b, label in zip(picked, blank, labels, strict=True)
    )


def _issue(table: str, column: str, rows: np.ndarray, masks, frame, lines) -> Issue:
    n = int(rows.sum())
    also = [
        f"{c} {int((m & rows).sum()):,}"
        for c, m in masks.items()
        if c != column and (m & rows).any()
    ]
    flag = model.REQUIRED_WHEN.get((table, column))
    what = f"{n:,} row(s) with a blank {column}"
    if flag is not None:
        what = f"{n:,} row(s) with {flag} true and a blank {column}"
    message = f"{what} left out of {table} (every report that uses {table})"
    if also:
        message += f"; of these, also blank: {', '.join(also)}"
    return Issue(
        BLANK_REQUIRED, table, column, n, _examples(frame, table, rows, lines), message, EXCLUDED
    )


def exclude_blank_required(
    frame: pd.DataFrame, table: str, *, file: str | None = None, lines=None
) -> Exclusion:
    """Leave out the rows of a coerced table with a blank required cell; count them.

    Parameters
    ----------
    frame : DataFrame
        A canonical table (after :func:`workbook.data.coercion.coerce_frame`).
    table : str
        Its name in :data:`workbook.data.model.SPECS`.
    file : str, optional
        Where it came from, named in the ``no_usable_rows`` error.
    lines : mapping of int to int, optional
        ``{row position: file line}`` of rows whose id is blank, from the CSV
        reader (:data:`workbook.data.readers.raw.RECORD_LINES`).

    Returns
    -------
    Exclusion
        See the module docstring for the rule.
    """
    masks = blank_masks(frame, table)
    empty = frame.iloc[:0].assign(row=pd.Series(dtype="int64"), blank=pd.Series(dtype="string"))
    if not masks:
        return Exclusion(frame, empty, [], [])
    any_blank = np.logical_or.reduce(list(masks.values()))
    allowed = _allowed_blanks(frame, table, ~any_blank)
    if not any_blank.any():
        return Exclusion(frame, empty, allowed, [])
    issues, seen = [], np.zeros(len(frame), dtype=bool)
    for column, blank in masks.items():
        rows = blank & ~seen
        if rows.any():
            issues.append(_issue(table, column, rows, masks, frame, lines or {}))
        seen |= blank
    out = frame[any_blank].copy()
    out["row"] = np.flatnonzero(any_blank) + 1
    names = pd.Series("", index=out.index, dtype="string")
    for column, blank in masks.items():
        hit = blank[any_blank]
        names = names.where(~hit, names.str.cat(pd.Series(column, index=out.index), sep=", "))
    out["blank"] = names.str.lstrip(", ")
    # take() on positions: about twice as fast as a boolean mask on Arrow strings
    kept = frame.take(np.flatnonzero(~any_blank)).reset_index(drop=True)
    problems = []
    if len(kept) == 0:
        counts = ", ".join(f"{i.column} {i.count:,}" for i in issues)
        where = f"{file} (table {table})" if file else table
        problems.append(
            Problem(
                NO_USABLE_ROWS, table, ", ".join(i.column for i in issues), len(frame),
                _examples(frame, table, any_blank, lines or {}), file or "",
                f"{where}: no usable row: every one of the {len(frame):,} row(s) has a blank "
                f"required cell (rows per column: {counts}); check the column mapping "
                f"(columns: {{{table}: {{{issues[0].column}: <your column>}}}}) or fill the cells",
            )
        )  # fmt: skip
    return Exclusion(kept, out.reset_index(drop=True), issues + allowed, problems)


def _allowed_blanks(frame: pd.DataFrame, table: str, usable: np.ndarray) -> list[Issue]:
    """``blank_allowed`` warnings: conditional columns blank where their flag is false (kept)."""
    out = []
    for (name, column), flag in model.REQUIRED_WHEN.items():
        if name != table or column not in frame.columns or flag not in frame.columns:
            continue
        off = ~frame[flag].fillna(True).to_numpy(dtype=bool)
        rows = usable & off & frame[column].isna().to_numpy(dtype=bool)
        n = int(rows.sum())
        if n:
            out.append(
                Issue(
                    BLANK_ALLOWED, table, column, n, example_labels(frame, table, rows),
                    f"{n:,} row(s) with {flag} false and a blank {column}, kept: a blank "
                    f"{column} is allowed there (it is required only when {flag} is true)",
                    WARNING,
                )
            )  # fmt: skip
    return out


def exclude_tables(
    frames: dict[str, pd.DataFrame],
    files: dict[str, str] | None = None,
    lines: dict[str, dict[int, int]] | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[Issue]]:
    """:func:`exclude_blank_required` on every table; ``no_usable_rows`` of all tables raised once.

    Returns
    -------
    (frames, excluded, issues)
        The usable rows per table, the rows left out per table (only tables
        with some), and the ``blank_required`` issues.

    Raises
    ------
    DataValidationError
        A table with rows is left with none.
    """
    files = files or {}
    kept, excluded, issues, problems = {}, {}, [], []
    for table, frame in frames.items():
        result = exclude_blank_required(
            frame, table, file=files.get(table), lines=(lines or {}).get(table)
        )
        kept[table] = result.frame
        if len(result.excluded):
            excluded[table] = result.excluded
        issues += result.issues
        problems += result.problems
    if problems:
        raise DataValidationError(problems)
    return kept, excluded, issues

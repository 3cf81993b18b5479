"""The mapping options of :func:`workbook.data.io.load` beyond columns and values.

* :func:`check_names`: strict mapping. Every table and canonical column named
  in ``paths``, ``columns``, ``values``, ``constants``, ``filters`` or
  ``date_formats`` must exist; otherwise a ``DataValidationError``
  (``unknown_name``, exit 2) says "did you mean".
* :func:`apply_filters`: ``filters={table: {source_column: [raw values]}}``
  keeps only rows whose raw (stripped) value is listed; the rows left out
  are a counted fix-up (``rows_filtered``).
* :func:`apply_constants`: ``constants={table: {canonical_column: value}}``
  fills a canonical column the file does not have (``constant_column``
  fix-up, counted on every row).
* :func:`owner_from_opportunities`: ``account_owner="from_opportunities"``
  fills a blank account ``owner_id`` from the account's most recent
  opportunity (``owner_from_opportunity`` fix-up).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from workbook.core.text import and_join
from workbook.data import model
from workbook.data.readers.raw import RECORD_LINES
from workbook.data.validate import FIXUP, DataValidationError, Issue, Problem

__all__ = [
    "ACCOUNT_OWNER_CHOICES",
    "MISSING_CHOICES",
    "absent_columns_problem",
    "apply_constants",
    "apply_filters",
    "check_names",
    "did_you_mean",
    "excluded_problem",
    "owner_from_opportunities",
    "plan_tables",
    "requested_tables",
]

#: ``load(account_owner=...)``.
ACCOUNT_OWNER_CHOICES = ("from_opportunities",)
#: ``load(missing=...)``: a requested table without a file is an error, or left out.
MISSING_CHOICES = ("error", "skip")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, or a list of the valid names."""
    candidates = sorted(set(candidates))
    close = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; valid: {', '.join(candidates)}"


def _unknown(option: str, what: str, name, candidates) -> Problem:
    message = f"load_options.{option}: unknown {what} {name!r}{did_you_mean(name, candidates)}"
    return Problem("unknown_name", "", "", 1, (str(name),), "", message)


def _per_table(option: str, value, problems: list[Problem]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(
            Problem("unknown_name", "", "", 1, (), "", f"load_options.{option} must be a mapping")
        )
        return {}
    out = {}
    for table, entry in value.items():
        if table not in model.SPECS:
            problems.append(_unknown(option, "table", table, model.SPECS))
        else:
            out[table] = entry
    return out


def _columns_of(option, table, entry, problems, *, kind=None) -> None:
    if not isinstance(entry, Mapping):
        problems.append(
            Problem(
                "unknown_name", table, "", 1, (), "",
                f"load_options.{option}.{table} must be a mapping of column names",
            )
        )  # fmt: skip
        return
    spec = model.SPECS[table]
    valid = spec.columns_of_kind(kind) if kind else spec.column_names
    for column in entry:
        if column not in valid:
            what = f"{kind} column of {table}" if kind else f"column of {table}"
            problems.append(_unknown(f"{option}.{table}", what, column, valid))


def check_names(
    *, paths=None, columns=None, values=None, constants=None, filters=None, date_formats=None,
    account_owner=None, missing="error",
) -> None:  # fmt: skip
    """Raise ``DataValidationError`` (``unknown_name``) for every name that is not canonical.

    ``columns`` may also hold flat ``{canonical: source}`` entries: their key
    must be a column of some table. Source column names (the values of
    ``columns``, the keys under ``filters``) are checked against the files
    when they are read.
    """
    problems: list[Problem] = []
    _per_table("paths", paths, problems)
    if isinstance(columns, Mapping):
        every_column = {c for s in model.SPECS.values() for c in s.column_names}
        for key, entry in columns.items():
            if isinstance(entry, Mapping):
                if key not in model.SPECS:
                    problems.append(_unknown("columns", "table", key, model.SPECS))
                else:
                    _columns_of("columns", key, entry, problems)
            elif key not in every_column:
                problems.append(
                    _unknown("columns", "table or column", key, set(model.SPECS) | every_column)
                )
    for table, entry in _per_table("values", values, problems).items():
        _columns_of("values", table, entry, problems)
    for table, entry in _per_table("constants", constants, problems).items():
        _columns_of("constants", table, entry, problems)
    for table, entry in _per_table("date_formats", date_formats, problems).items():
        _columns_of("date_formats", table, entry, problems, kind="date")
    _per_table("filters", filters, problems)
    if account_owner not in (None, "", *ACCOUNT_OWNER_CHOICES):
        problems.append(
            Problem(
                "unknown_name", model.ACCOUNTS, "owner_id", 1, (), "",
                f"load_options.account_owner: unknown value {account_owner!r}; "
                f"valid: {', '.join(ACCOUNT_OWNER_CHOICES)}",
            )
        )  # fmt: skip
    if missing not in MISSING_CHOICES:
        raise ValueError(f"missing must be one of {', '.join(MISSING_CHOICES)}, got {missing!r}")
    if problems:
        raise DataValidationError(problems)


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip()


def apply_filters(
    frame: pd.DataFrame, table: str, rules: Mapping | None, *, file: str = ""
) -> tuple[pd.DataFrame, Issue | None, Problem | None]:
    """Keep the rows whose raw value in every filtered source column is listed.

    ``rules`` is ``{source_column: [raw values]}`` for this table; values are
    compared as stripped text (``""`` keeps blank cells). Returns the kept
    rows (index reset), the ``rows_filtered`` fix-up (``None`` when none
    was left out) and a ``missing_source_column`` problem for a filter
    column absent from the file.
    """
    if not rules:
        return frame, None, None
    header = frame.attrs.get("header", list(frame.columns))
    absent = [c for c in rules if c not in frame.columns]
    if absent:
        return frame, None, absent_columns_problem(table, "filters", absent, header, file)
    keep = np.ones(len(frame), dtype=bool)
    for column, allowed in rules.items():
        allowed = [allowed] if isinstance(allowed, str) or not isinstance(allowed, Iterable) else allowed
        listed = {"" if v is None else str(v).strip() for v in allowed}
        keep &= _text(frame[column]).fillna("").isin(listed).to_numpy(dtype=bool)
    n_out = int((~keep).sum())
    kept = frame[keep].reset_index(drop=True)
    kept.attrs = dict(frame.attrs)
    if RECORD_LINES in frame.attrs:  # the kept rows' new positions
        position = np.cumsum(keep) - 1
        lines = frame.attrs[RECORD_LINES]
        kept.attrs[RECORD_LINES] = {int(position[p]): n for p, n in lines.items() if keep[p]}
    if not n_out:
        return kept, None, None
    shown = "; ".join(
        f"{c} in {', '.join(repr(str(v)) for v in (a if isinstance(a, list) else [a]))}"
        for c, a in rules.items()
    )
    fix = Issue(
        "rows_filtered", table, ", ".join(map(str, rules)), n_out, (),
        f"{n_out} of {len(frame)} row(s) left out by load_options.filters ({shown} kept)",
        FIXUP,
    )  # fmt: skip
    return kept, fix, None


def absent_columns_problem(table, option, absent, header, file) -> Problem:
    shown = ", ".join(repr(str(c)) for c in list(header)[:30])
    more = f" (+{len(header) - 30} more)" if len(header) > 30 else ""
    where = f"{file} (table {table})" if file else table
    return Problem(
        "missing_source_column", table, ", ".join(map(str, absent)), len(absent),
        tuple(map(str, absent)), file,
        f"{where}: load_options.{option} names column(s) {', '.join(map(repr, absent))} "
        f"that the file does not have; columns found: {shown or 'none'}{more}",
    )  # fmt: skip


def apply_constants(
    frame: pd.DataFrame, table: str, constants: Mapping | None, *, file: str = ""
) -> tuple[pd.DataFrame, list[Issue], list[Problem]]:
    """Fill canonical columns with one value (as text, coerced like any cell afterwards).

    A constant for a column the file already gives (mapped or by name) is an
    error (``constant_conflict``): one column, one source.
    """
    entry = (constants or {}).get(table)
    if not entry:
        return frame, [], []
    clash = [c for c in entry if c in frame.columns]
    if clash:
        where = f"{file} (table {table})" if file else table
        return frame, [], [
            Problem(
                "constant_conflict", table, ", ".join(clash), len(clash), tuple(clash), file,
                f"{where}: load_options.constants sets {', '.join(clash)}, which the file "
                "already gives; drop the constant or the column mapping",
            )
        ]  # fmt: skip
    frame = frame.copy()
    fixups = []
    for column, value in entry.items():
        text = "" if value is None else str(value)
        frame[column] = pd.Series(text, index=frame.index, dtype="string")
        fixups.append(
            Issue(
                "constant_column", table, column, len(frame), (),
                f"{column} set to {value!r} on every row by load_options.constants",
                FIXUP,
            )
        )  # fmt: skip
    return frame, fixups, []


def owner_from_opportunities(
    tables: dict[str, pd.DataFrame], *, as_of=None
) -> Issue | None:
    """Fill blank ``accounts.owner_id`` with the owner of each account's most recent opportunity.

    Most recent: the latest ``created_at`` (on or before ``as_of`` when
    given; ties broken by the larger ``opportunity_id``) among the account's
    opportunities with an ``owner_id``. Changes ``tables["accounts"]`` in
    place and returns the ``owner_from_opportunity`` fix-up (``None`` when
    nothing was filled or either table is absent).
    """
    accounts, opps = tables.get(model.ACCOUNTS), tables.get(model.OPPORTUNITIES)
    if accounts is None or opps is None or accounts.empty:
        return None
    pool = opps[opps["owner_id"].notna() & opps["account_id"].notna()]
    if as_of is not None:
        cutoff = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        pool = pool[~(pool["created_at"] >= cutoff).fillna(False)]
    latest = (
        pool.sort_values(["account_id", "created_at", "opportunity_id"], na_position="first")
        .drop_duplicates("account_id", keep="last")
        .set_index("account_id")["owner_id"]
    )
    blank = accounts["owner_id"].isna()
    filled = accounts["account_id"].map(latest).astype("string")
    fill = (blank & filled.notna()).to_numpy(dtype=bool)
    n = int(fill.sum())
    if not n:
        return None
    accounts["owner_id"] = accounts["owner_id"].where(~fill, filled)
    examples = tuple(accounts.loc[fill, "account_id"].head(5).astype(str))
    return Issue(
        "owner_from_opportunity", model.ACCOUNTS, "owner_id", n, examples,
        f"{n} account owner(s) taken from the account's most recent opportunity "
        "(load_options.account_owner: from_opportunities)",
        FIXUP,
    )  # fmt: skip


# --------------------------------------------------------------------------- tables
def requested_tables(tables) -> list[str]:
    """Canonical table names in model order (all when ``None``); unknown names are a ``ValueError``."""
    if tables is None:
        return list(model.TABLES)
    if isinstance(tables, str):
        tables = [tables]
    unknown = [t for t in tables if t not in model.SPECS]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; valid tables: {', '.join(model.TABLES)}")
    return [t for t in model.TABLES if t in set(tables)]


def excluded_problem(tables: list[str]) -> Problem:
    """One ``missing_table`` error for the used tables that ``load_options.tables`` leaves out."""
    detail = f"needs {and_join(tables)}; the export has none (load_options.tables)"
    return Problem("missing_table", ", ".join(tables), "", len(tables), tuple(tables), "", detail)


def plan_tables(tables, uses, missing) -> tuple[list[str], list[str], list[str]]:
    """``(requested, must exist, excluded)`` for :func:`load`'s ``tables``, ``uses``, ``missing``.

    ``requested`` is read when present. A non-optional requested table must
    exist when the user named it in ``tables``, or when ``missing`` is
    ``"error"``. ``excluded``: non-optional tables in ``uses`` that
    ``tables`` leaves out, an error unless ``missing="skip"``.
    """
    given = requested_tables(tables)
    if uses is None:
        requested = given
        excluded = []
    else:
        wanted = requested_tables(uses)
        requested = [t for t in wanted if t in given]
        excluded = [
            t for t in wanted
            if t not in given and not model.SPECS[t].optional and missing == "error"
        ]  # fmt: skip
    must_exist = [
        t for t in requested
        if not model.SPECS[t].optional and (tables is not None or missing == "error")
    ]  # fmt: skip
    return requested, must_exist, excluded

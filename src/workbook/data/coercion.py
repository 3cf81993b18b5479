"""Coercion: put a frame with canonical column names into the canonical kinds of a table.

Every reader ends in :func:`coerce_table` (or :func:`coerce_frame`, which
collects instead of raising), so all tables share the same kinds: ids and
text are pandas ``string`` dtype, dates are timezone-naive ``datetime64[ns]``
in UTC, booleans are nullable ``boolean``, numbers are ``float64``. Blank or
whitespace-only strings become missing.

Values that cannot be converted (a date that does not parse, an amount that is
not a number, a boolean spelled some other way) are never coerced to missing:
they are collected and raised as one
:class:`~workbook.data.validate.DataValidationError` naming the file, table,
column, count and example ids.

This module depends on :mod:`workbook.data.model` (the specs), never the
other way round; :func:`empty_table` lives here for that reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.data import dates, model
from workbook.data.validate import (
    FIXUP,
    DataValidationError,
    Issue,
    Problem,
    example_ids,
    missing_columns_problem,
    problem,
)

__all__ = [
    "ACTIVITY_TYPE_SYNONYMS",
    "BOOL_SPELLINGS",
    "DATE_DTYPE",
    "FALSE_VALUES",
    "STRING_DTYPE",
    "TRUE_VALUES",
    "Coerced",
    "as_text",
    "coerce_frame",
    "coerce_table",
    "date_rules",
    "empty_table",
    "example_labels",
    "parse_bools",
    "parse_dates",
    "parse_numbers",
    "row_labels",
]

#: Accepted boolean spellings (compared after stripping and lower-casing).
TRUE_VALUES = ("true", "t", "yes", "y", "1", "1.0")
FALSE_VALUES = ("false", "f", "no", "n", "0", "0.0")
#: Every accepted spelling and the boolean it means.
BOOL_SPELLINGS = {**dict.fromkeys(TRUE_VALUES, True), **dict.fromkeys(FALSE_VALUES, False)}

#: Activity type spellings mapped before unknown types become ``other``.
ACTIVITY_TYPE_SYNONYMS = {"listemail": "email", "e-mail": "email", "event": "meeting"}

STRING_DTYPE = "string"
DATE_DTYPE = "datetime64[ns]"


# --------------------------------------------------------------------------- text
def as_text(s: pd.Series) -> pd.Series:
    """Strip whitespace; blank strings become missing. Returns ``string`` dtype.

    Arrow-backed text is trimmed with ``pyarrow.compute`` and only rebuilt
    when a value is blank after trimming: on 5M activity ids this is about
    ten times faster than ``str.strip`` followed by ``mask``.
    """
    out = s.astype(STRING_DTYPE)
    if isinstance(out.array, pd.arrays.ArrowStringArray):
        arrow = pa.chunked_array(pa.array(out.array))
        trimmed = pc.utf8_trim_whitespace(arrow)
        if _text_bytes(trimmed) == _text_bytes(arrow):
            # Trimming only removes characters: the same number of bytes means that
            # nothing was trimmed. Keep the original buffers (shared with the frame
            # read) instead of a copy: a table's text is then held once, not twice.
            trimmed = arrow
        blank = pc.equal(trimmed, "")
        if pc.any(blank).as_py():
            trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
        return pd.Series(pd.arrays.ArrowStringArray(trimmed), index=s.index, name=s.name)
    out = out.str.strip()
    return out.mask(out == "")


def _text_bytes(values: pa.ChunkedArray) -> int:
    """The bytes of text in ``values`` (a string or large_string chunked array), read off its offsets.

    No per-value array is made: each chunk's first and last offsets bound its
    values' bytes.
    """
    total = 0
    for chunk in values.chunks:
        if len(chunk) == 0:
            continue
        kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=kind)  # a view, not a copy
        total += int(offsets[chunk.offset + len(chunk)]) - int(offsets[chunk.offset])
    return total


def row_labels(df: pd.DataFrame, table: str) -> pd.Series:
    """Labels for rows: the primary key, else ``row N`` (1-based data row).

    Purchases (no primary key) are labelled ``account_id/product_id``. Call it
    on the few offending rows only (``df[mask]``); it formats row numbers.
    """
    pk = model.SPECS[table].primary_key
    positions = pd.Series(df.index, index=df.index)
    rows = positions.map(lambda i: f"row {int(i) + 1}").astype(STRING_DTYPE)
    if pk and pk in df.columns:
        return as_text(df[pk]).fillna(rows)
    if table == model.PURCHASES and {"account_id", "product_id"} <= set(df.columns):
        pair = as_text(df["account_id"]) + "/" + as_text(df["product_id"])
        return pair.fillna(rows)
    return rows


def example_labels(df: pd.DataFrame, table: str, mask: np.ndarray) -> tuple[str, ...]:
    """Up to five example labels of the rows in ``mask``.

    A row's label is its primary key, else ``account_id/product_id`` for
    purchases, else ``row N`` (1-based data row).
    """
    return example_ids(row_labels(df[mask].head(50), table))


# --------------------------------------------------------------------------- parsers
def _arrow_cast(text: pd.Series, target: pa.DataType) -> pa.ChunkedArray | None:
    """Cast Arrow text with ``pyarrow.compute.cast``, or None when any value does not cast.

    The fast path for dates and numbers read from CSV: Arrow's ISO 8601 and
    float parsers are strict (no zone offsets, no ``03/01/2024``, no
    ``1,000``, no out-of-range dates), and whatever they refuse goes through
    the pandas parsers below, which apply the documented rules and report
    the bad values. About 5 s -> 1 s on the large sample's CSV files.
    """
    if not isinstance(text.array, pd.arrays.ArrowStringArray):
        return None
    try:
        return pc.cast(pa.chunked_array(pa.array(text.array)), target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def parse_dates(
    s: pd.Series, *, fmt: str | None = None, order: str = dates.MONTHFIRST
) -> tuple[pd.Series, np.ndarray]:
    """Parse a column to timezone-naive UTC ``datetime64[ns]`` under one rule.

    ISO 8601 values (``2024-03-01``, ``2024-03-01 10:00``, Salesforce
    ``2024-03-01T10:00:00.000Z``, offsets such as ``+0900``) are read as ISO;
    values with an offset or ``Z`` are converted to UTC, values without are
    taken as they are. Values with the year last (``03/01/2024``) are read
    month-first, or day-first with ``order="dayfirst"``, never a mix; ``fmt``
    (a strptime format) replaces both. A time of day may follow any date.
    See :mod:`workbook.data.dates`.

    Returns
    -------
    (Series, ndarray of bool)
        The parsed dates and a mask of non-blank values that did not parse
        (or fall outside the ``datetime64[ns]`` range).
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype(DATE_DTYPE), np.zeros(len(s), dtype=bool)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.astype(DATE_DTYPE), np.zeros(len(s), dtype=bool)
    text = as_text(s)
    if not fmt:
        fast = _arrow_cast(text, pa.timestamp("ns"))
        if fast is not None:
            # Arrow parsed every value as a plain ISO date/time (no offset, valid day, in range).
            out = pd.Series(fast.to_numpy(), index=s.index).astype(DATE_DTYPE)
            return out, np.zeros(len(s), dtype=bool)
    naive = dates.parse_dates(text, fmt=fmt, order=order)
    bad = (text.notna() & naive.isna()).to_numpy(dtype=bool)
    return naive.astype(DATE_DTYPE), bad


def parse_numbers(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Convert to ``float64``; returns the values and a mask of non-blank non-numbers.

    Only plain numbers parse (``1234.5``, ``-3``, ``1e3``); thousands
    separators or currency signs are reported, not guessed.
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64"), np.zeros(len(s), dtype=bool)
    if pd.api.types.is_numeric_dtype(s.dtype):
        out = pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index)
        return out, np.zeros(len(s), dtype=bool)
    text = as_text(s)
    fast = _arrow_cast(text, pa.float64())
    if fast is not None:
        values = pd.Series(fast.to_numpy(), index=s.index, dtype="float64")
        return values, (text.notna() & values.isna()).to_numpy(dtype=bool)
    num = pd.to_numeric(text, errors="coerce")
    values = pd.Series(
        pd.array(num).to_numpy(dtype="float64", na_value=np.nan), index=s.index, dtype="float64"
    )
    bad = (text.notna() & values.isna()).to_numpy(dtype=bool)
    return values, bad


def parse_bools(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Convert to nullable ``boolean``; see :data:`TRUE_VALUES` / :data:`FALSE_VALUES`.

    Spellings are compared case-insensitively after stripping; blanks are
    missing. Returns the values and a mask of unrecognised non-blank values.
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean"), np.zeros(len(s), dtype=bool)
    text = as_text(s).str.lower()
    mapped = text.map(BOOL_SPELLINGS)
    bad = (text.notna() & mapped.isna()).to_numpy(dtype=bool)
    return mapped.astype("boolean"), bad


#: Per column kind: its parser, the words of its error and its check name.
_PARSERS = {
    "date": (parse_dates, "unparseable date(s)", "bad_date"),
    "number": (parse_numbers, "non-numeric value(s)", "not_numeric"),
    "bool": (
        parse_bools,
        f"unrecognised boolean(s) (accepted: {'/'.join(TRUE_VALUES + FALSE_VALUES)})",
        "bad_bool",
    ),
}


def _empty(kind: str, index) -> pd.Series:
    if kind == "date":
        return pd.Series(pd.NaT, index=index, dtype=DATE_DTYPE)
    if kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if kind == "number":
        return pd.Series(np.nan, index=index, dtype="float64")
    return pd.Series(pd.NA, index=index, dtype=STRING_DTYPE)


# --------------------------------------------------------------------------- activity types
def _activity_types(values: pd.Series, df: pd.DataFrame) -> tuple[pd.Series, Issue | None]:
    """Lower-case activity types, map synonyms, and unknown types to ``other`` (a fix-up)."""
    lowered = values.str.lower()
    if isinstance(lowered.array, pd.arrays.ArrowStringArray):
        present = pc.drop_null(pa.chunked_array(pa.array(lowered.array)))
    else:
        present = pa.array(lowered.dropna().to_numpy(dtype=object), type=pa.string())
    if pc.all(pc.is_in(present, value_set=pa.array(model.ACTIVITY_TYPES))).as_py() is not False:
        # Fast path: every type is already canonical (no synonym, nothing unknown).
        return lowered.astype(STRING_DTYPE), None
    lowered = lowered.replace(ACTIVITY_TYPE_SYNONYMS)
    unknown = (lowered.notna() & ~lowered.isin(model.ACTIVITY_TYPES)).to_numpy(dtype=bool)
    fix = None
    if unknown.any():
        n = int(unknown.sum())
        kinds = ", ".join(repr(v) for v in values[unknown].drop_duplicates().head(5).tolist())
        fix = Issue(
            "activity_type_other",
            model.ACTIVITIES,
            "type",
            n,
            example_labels(df, model.ACTIVITIES, unknown),
            f"{n} activity type(s) not in {', '.join(model.ACTIVITY_TYPES)} mapped to 'other' "
            f"(types {kinds})",
            FIXUP,
        )
        lowered = lowered.mask(unknown, "other")
    return lowered.astype(STRING_DTYPE), fix


# --------------------------------------------------------------------------- tables
class Coerced(NamedTuple):
    """What :func:`coerce_frame` gives: the frame, the fix-ups made and the problems found."""

    frame: pd.DataFrame
    fixups: list[Issue]
    problems: list[Problem]


def _needs_order(s: pd.Series) -> bool:
    """Whether a raw date column holds text that is not all plain ISO (so order matters)."""
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(s.dtype):
        return False
    return _arrow_cast(as_text(s), pa.timestamp("ns")) is None


def date_rules(
    df: pd.DataFrame,
    table: str,
    names: Iterable[str],
    *,
    formats: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    file: str | None = None,
) -> tuple[dict[str, dict], list[Issue], list[Problem]]:
    """The one rule each date column of a file is read under (see :mod:`workbook.data.dates`).

    ``formats[column]`` (``load_options.date_formats``) wins; then
    ``dayfirst`` (``load_options.dayfirst``) for every other column; without
    either, each column's year-last values decide (:func:`dates.infer_order`):

    * first field > 12 somewhere and second field > 12 nowhere: day-first,
      with a counted warning ``date_dayfirst``;
    * both kinds: error ``mixed_date_order`` naming the column and an
      example of each;
    * neither: the order the other date columns of the same file show, else
      month-first with a counted warning ``date_order_assumed`` (only when
      ambiguous values exist) that suggests ``dayfirst``.

    Returns
    -------
    (rules, warnings, problems)
        ``rules[column]`` holds the keyword arguments of :func:`parse_dates`.
    """
    formats = dict(formats or {})
    columns = [c for c in names if c in df.columns]
    rules: dict[str, dict] = {}
    evidence: dict[str, dates.DateOrder] = {}
    for column in columns:
        if column in formats:
            rules[column] = {"fmt": formats[column]}
        elif dayfirst is not None:
            rules[column] = {"order": dates.DAYFIRST if dayfirst else dates.MONTHFIRST}
        elif _needs_order(df[column]):
            evidence[column] = dates.infer_order(as_text(df[column]))
        else:
            rules[column] = {}
    warnings: list[Issue] = []
    problems: list[Problem] = []
    for column, own in evidence.items():
        if own.mixed:
            problems.append(
                Problem(
                    "mixed_date_order",
                    table,
                    column,
                    own.n_dayfirst + own.n_monthfirst,
                    (own.example_dayfirst, own.example_monthfirst),
                    file or "",
                    f"{file + ' (table ' + table + ')' if file else table}: column '{column}' "
                    f"mixes day-first dates ({own.n_dayfirst}, e.g. {own.example_dayfirst!r}) "
                    f"and month-first dates ({own.n_monthfirst}, e.g. "
                    f"{own.example_monthfirst!r}); give its format with "
                    f"date_formats: {{{table}: {{{column}: '%d-%m-%Y'}}}} or fix the file",
                )
            )
            continue
        others = {c: o for c, o in evidence.items() if c != column}
        order, why = dates.choose_order(own, others)
        rules[column] = {"order": order}
        n = own.n_dayfirst + own.n_monthfirst + own.n_ambiguous
        labels = example_labels(df, table, as_text(df[column]).str.match(dates.YEAR_LAST)
                                .fillna(False).to_numpy(dtype=bool))  # fmt: skip
        if order == dates.DAYFIRST:
            reason = (
                f"{own.n_dayfirst} have a first field above 12"
                if why == "evidence"
                else "the other date columns of the file are day-first"
            )
            warnings.append(
                Issue(
                    "date_dayfirst", table, column, n, labels,
                    f"{n} date(s) read day-first (DD-MM-YYYY) because {reason}; "
                    "set dayfirst or date_formats to state it",
                )
            )  # fmt: skip
        elif why == "default" and own.n_ambiguous:
            warnings.append(
                Issue(
                    "date_order_assumed", table, column, own.n_ambiguous, labels,
                    f"{own.n_ambiguous} date(s) could be day-first or month-first and were read "
                    "month-first (MM-DD-YYYY); if the export writes DD-MM-YYYY set "
                    "load_options.dayfirst: true",
                )
            )  # fmt: skip
    return rules, warnings, problems


def _coerce_column(df, table, name, kind, file, rule=None):
    """One column: (values, fix-up or None, problem or None)."""
    raw = df[name]
    if kind not in _PARSERS:
        values = as_text(raw)
        if table == model.ACTIVITIES and name == "type":
            values, fix = _activity_types(values, df)
            return values, fix, None
        return values, None, None
    parser, what, check = _PARSERS[kind]
    values, bad = parser(raw, **(rule or {})) if kind == "date" else parser(raw)
    if not bad.any():
        return values, None, None
    n = int(bad.sum())
    found = problem(
        check,
        table=table,
        column=name,
        count=n,
        examples=example_labels(df, table, bad),
        file=file,
        detail=f"{n} {what}",
        values=as_text(raw)[bad].head(3).tolist(),
    )
    return values, None, found


def coerce_frame(
    df: pd.DataFrame,
    table: str,
    *,
    file: str | None = None,
    keep_extra: bool = False,
    subset: Iterable[str] | None = None,
    date_formats: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
) -> Coerced:
    """:func:`coerce_table`, collecting fix-ups and problems instead of raising.

    ``subset`` coerces only those canonical columns (present ones; required
    columns are then not checked): the loader's cheap as-of pre-scan.
    ``date_formats`` (``{column: strptime format}``) and ``dayfirst`` set the
    date rules (:func:`date_rules`; the evidence is taken from every date
    column of ``df``, also under ``subset``).
    """
    spec = model.SPECS[table]
    df = df.reset_index(drop=True)
    problems: list[Problem] = []
    fixups: list[Issue] = []
    if subset is None:
        missing = [c for c in spec.required_columns if c not in df.columns]
        if missing:
            return Coerced(
                df, fixups, [missing_columns_problem(table, missing, list(df.columns), file)]
            )
        names = spec.column_names
    else:
        names = [c for c in spec.column_names if c in set(subset)]
    rules, warnings, order_problems = date_rules(
        df, table, spec.columns_of_kind("date"), formats=date_formats, dayfirst=dayfirst, file=file
    )
    wanted = set(names)
    fixups += [w for w in warnings if w.column in wanted]
    problems += [p for p in order_problems if p.column in wanted]
    out: dict[str, pd.Series] = {}
    for name in names:
        kind = spec.column(name).kind
        if name not in df.columns:
            out[name] = _empty(kind, df.index)
            continue
        if kind == "date" and name not in rules:  # a mixed column: reported above
            out[name] = _empty(kind, df.index)
            continue
        out[name], fix, found = _coerce_column(df, table, name, kind, file, rules.get(name))
        fixups += [fix] if fix is not None else []
        problems += [found] if found is not None else []
    frame = pd.DataFrame(out, index=df.index, copy=False)  # CoW: no copy of the columns
    if keep_extra and subset is None:
        extra = [c for c in df.columns if c not in out]
        frame = pd.concat([frame, df[extra]], axis=1)
    return Coerced(frame, fixups, problems)


def coerce_table(
    df: pd.DataFrame,
    table: str,
    *,
    file: str | None = None,
    keep_extra: bool = False,
    return_fixups: bool = False,
):
    """Put a raw frame into the canonical columns, order and dtypes of ``table``.

    Parameters
    ----------
    df : DataFrame
        Columns already named canonically (see
        :func:`workbook.data.mapping.map_columns`); any dtypes.
    table : str
        A name from :data:`workbook.data.model.SPECS`.
    file : str, optional
        Source file, named in error messages.
    keep_extra : bool, default False
        Keep non-canonical columns (unchanged, after the canonical ones).
        By default they are dropped.
    return_fixups : bool, default False
        Also return the list of fix-ups (:class:`~workbook.data.validate.Issue`).

    Returns
    -------
    DataFrame, or (DataFrame, list of Issue)
        Columns in :attr:`TableSpec.column_names` order: ``id``/``text``/``category``
        as ``string`` (stripped, blank -> missing); ``date`` as naive UTC
        ``datetime64[ns]`` (see :func:`parse_dates`); ``bool`` as ``boolean``
        (see :func:`parse_bools`); ``number`` as ``float64``. Missing optional
        columns are added all-missing. Activity ``type`` is lower-cased, and
        values outside :data:`workbook.data.model.ACTIVITY_TYPES` become ``other``
        (a counted fix-up, check ``activity_type_other``). The index is reset.

    Raises
    ------
    DataValidationError
        A required column is missing, or values do not convert (``bad_date``,
        ``not_numeric``, ``bad_bool``); all problems of the table at once.
    """
    frame, fixups, problems = coerce_frame(df, table, file=file, keep_extra=keep_extra)
    if problems:
        raise DataValidationError(problems)
    return (frame, fixups) if return_fixups else frame


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the canonical columns and dtypes of table ``name``."""
    spec = model.SPECS[name]
    return coerce_table(pd.DataFrame({c: [] for c in spec.column_names}), name)

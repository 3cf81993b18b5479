"""Readers: put any supported CRM export into the canonical tables of :mod:`workbook.data.model`.

Sources
-------
* nothing (``load()``): the bundled small sample, :func:`workbook.data.sample.generate`;
* a directory of ``<table>.csv`` / ``<table>.parquet`` files (Parquet wins when both exist);
* explicit files, ``paths={table: path}``;
* ``preset="salesforce"``: a standard Salesforce data-export directory (``Account.csv`` ...);
* SQL, ``sql_url=`` plus ``queries={table: "SELECT ..."}`` through SQLAlchemy.

Every reader ends in :func:`coerce_table`, so all tables share the same kinds:
ids and text are pandas ``string`` dtype, dates are timezone-naive
``datetime64[ns]`` in UTC, booleans are nullable ``boolean``, numbers are
``float64``. Blank or whitespace-only strings become missing. Columns that are
not in the canonical table are dropped (only mapped columns are read).

Values that cannot be converted (a date that does not parse, an amount that is
not a number, a boolean spelled some other way) are never coerced to missing:
they are collected and raised as one :class:`~workbook.data.validate.DataValidationError`
naming the file, table, column, count and example ids.

Input files are only ever opened for reading.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.data import model
from workbook.data.validate import (
    FIXUP,
    DataQuality,
    DataValidationError,
    Issue,
    Problem,
    duplicate_id_problems,
    example_ids,
    missing_columns_problem,
    problem,
)
from workbook.data.validate import validate as _validate

#: Accepted boolean spellings (compared after stripping and lower-casing).
TRUE_VALUES = ("true", "t", "yes", "y", "1", "1.0")
FALSE_VALUES = ("false", "f", "no", "n", "0", "0.0")
_BOOL_MAP = {**dict.fromkeys(TRUE_VALUES, True), **dict.fromkeys(FALSE_VALUES, False)}

#: Activity type spellings mapped before unknown types become ``other``.
ACTIVITY_TYPE_SYNONYMS = {"listemail": "email", "e-mail": "email", "event": "meeting"}

#: Encodings charset-normalizer may propose for Japanese text; CP932 is the
#: superset that Japanese Excel actually writes.
_JAPANESE = {"cp932": "cp932", "shift_jis": "cp932", "shift_jis_2004": "cp932", "euc_jp": "euc_jp"}

_CHUNK = 1 << 20
_SAMPLE_BYTES = 256 * 1024

STRING_DTYPE = "string"
DATE_DTYPE = "datetime64[ns]"


# =========================================================================== coercion
def _as_text(s: pd.Series) -> pd.Series:
    """Strip whitespace; blank strings become missing. Returns ``string`` dtype.

    Arrow-backed text is trimmed with ``pyarrow.compute`` and only rebuilt
    when a value is blank after trimming: on 5M activity ids this is about
    ten times faster than ``str.strip`` followed by ``mask``.
    """
    out = s.astype(STRING_DTYPE)
    if isinstance(out.array, pd.arrays.ArrowStringArray):
        arrow = pa.chunked_array(pa.array(out.array))
        trimmed = pc.utf8_trim_whitespace(arrow)
        blank = pc.equal(trimmed, "")
        if pc.any(blank).as_py():
            trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
        return pd.Series(pd.arrays.ArrowStringArray(trimmed), index=s.index, name=s.name)
    out = out.str.strip()
    return out.mask(out == "")


def _labels(df: pd.DataFrame, table: str) -> pd.Series:
    """Example labels for rows: the primary key, else ``row N`` (1-based data row).

    Purchases (no primary key) are labelled ``account_id/product_id``. Call it
    on the few offending rows only (``df[mask]``); it formats row numbers.
    """
    pk = model.SPECS[table].primary_key
    positions = pd.Series(df.index, index=df.index)
    rows = positions.map(lambda i: f"row {int(i) + 1}").astype(STRING_DTYPE)
    if pk and pk in df.columns:
        return _as_text(df[pk]).fillna(rows)
    if table == model.PURCHASES and {"account_id", "product_id"} <= set(df.columns):
        pair = _as_text(df["account_id"]) + "/" + _as_text(df["product_id"])
        return pair.fillna(rows)
    return rows


def _examples(df: pd.DataFrame, table: str, mask: np.ndarray) -> tuple[str, ...]:
    """Up to five example labels of the rows in ``mask`` (see :func:`_labels`)."""
    return example_ids(_labels(df[mask].head(50), table))


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


def parse_dates(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse a column to timezone-naive UTC ``datetime64[ns]``.

    Strings are parsed as ISO 8601 first (``2024-03-01``, ``2024-03-01 10:00``,
    Salesforce ``2024-03-01T10:00:00.000Z``, offsets such as ``+0900``), each
    value on its own; values that are not ISO are retried with
    ``format="mixed"`` (month first for ``03/01/2024``). Values with an offset
    or ``Z`` are converted to UTC; values without are taken as they are.

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
    text = _as_text(s)
    fast = _arrow_cast(text, pa.timestamp("ns"))
    if fast is not None:
        # Arrow parsed every value as a plain ISO date/time (no offset, valid day, in range).
        out = pd.Series(fast.to_numpy(), index=s.index).astype(DATE_DTYPE)
        return out, np.zeros(len(s), dtype=bool)
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    retry = (text.notna() & parsed.isna()).to_numpy(dtype=bool)
    if retry.any():
        again = pd.to_datetime(text[retry], format="mixed", utc=True, errors="coerce")
        parsed = parsed.where(~retry, again.reindex(parsed.index))
    naive = parsed.dt.tz_localize(None)
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    in_range = naive.isna() | ((naive >= lo) & (naive <= hi))
    naive = naive.where(in_range)
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
    text = _as_text(s)
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
    text = _as_text(s).str.lower()
    mapped = text.map(_BOOL_MAP)
    bad = (text.notna() & mapped.isna()).to_numpy(dtype=bool)
    return mapped.astype("boolean"), bad


def _empty(kind: str, n: int, index) -> pd.Series:
    if kind == "date":
        return pd.Series(pd.NaT, index=index, dtype=DATE_DTYPE)
    if kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if kind == "number":
        return pd.Series(np.nan, index=index, dtype="float64")
    return pd.Series(pd.NA, index=index, dtype=STRING_DTYPE)


def _coerce(
    df: pd.DataFrame,
    table: str,
    *,
    file: str | None = None,
    keep_extra: bool = False,
    subset: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, list[Issue], list[Problem]]:
    """Coerce, collecting fix-ups and problems instead of raising."""
    spec = model.SPECS[table]
    df = df.reset_index(drop=True)
    problems: list[Problem] = []
    fixups: list[Issue] = []
    if subset is None:
        missing = [c for c in spec.required_columns if c not in df.columns]
        if missing:
            return df, fixups, [missing_columns_problem(table, missing, list(df.columns), file)]
        names = spec.column_names
    else:
        names = [c for c in spec.column_names if c in set(subset)]
    out: dict[str, pd.Series] = {}
    for name in names:
        kind = spec.column(name).kind
        if name not in df.columns:
            out[name] = _empty(kind, len(df), df.index)
            continue
        raw = df[name]
        if kind == "date":
            values, bad = parse_dates(raw)
            what = "unparseable date(s)"
            check = "bad_date"
        elif kind == "number":
            values, bad = parse_numbers(raw)
            what = "non-numeric value(s)"
            check = "not_numeric"
        elif kind == "bool":
            values, bad = parse_bools(raw)
            what = f"unrecognised boolean(s) (accepted: {'/'.join(TRUE_VALUES + FALSE_VALUES)})"
            check = "bad_bool"
        else:
            values, bad = _as_text(raw), None
            if table == model.ACTIVITIES and name == "type":
                values, fix = _activity_types(values, df)
                if fix is not None:
                    fixups.append(fix)
        if bad is not None and bad.any():
            n = int(bad.sum())
            problems.append(
                problem(
                    check,
                    table=table,
                    column=name,
                    count=n,
                    examples=_examples(df, table, bad),
                    file=file,
                    detail=f"{n} {what}",
                    values=_as_text(raw)[bad].head(3).tolist(),
                )
            )
        out[name] = values
    frame = pd.DataFrame(out, index=df.index)
    if keep_extra and subset is None:
        extra = [c for c in df.columns if c not in out]
        frame = pd.concat([frame, df[extra]], axis=1)
    return frame, fixups, problems


def _activity_types(values: pd.Series, df: pd.DataFrame) -> tuple[pd.Series, Issue | None]:
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
            _examples(df, model.ACTIVITIES, unknown),
            f"{n} activity type(s) not in {', '.join(model.ACTIVITY_TYPES)} mapped to 'other' "
            f"(types {kinds})",
            FIXUP,
        )
        lowered = lowered.mask(unknown, "other")
    return lowered.astype(STRING_DTYPE), fix


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
        Columns already named canonically (see :func:`map_columns`); any dtypes.
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
    frame, fixups, problems = _coerce(df, table, file=file, keep_extra=keep_extra)
    if problems:
        raise DataValidationError(problems)
    return (frame, fixups) if return_fixups else frame


# =========================================================================== mapping
def table_mapping(table: str, columns: Mapping | None) -> dict[str, str]:
    """The ``{canonical: source}`` column mapping that applies to ``table``.

    ``columns`` may be per table (``{"accounts": {"account_id": "Id"}}``), flat
    (``{"account_id": "Id"}``, applied to every table that has the canonical
    column), or both; per-table entries win.
    """
    if not columns:
        return {}
    spec_cols = set(model.SPECS[table].column_names)
    flat = {k: v for k, v in columns.items() if not isinstance(v, Mapping) and k in spec_cols}
    per_table = columns.get(table)
    if isinstance(per_table, Mapping):
        flat.update(per_table)
    return {str(k): str(v) for k, v in flat.items()}


def source_columns(table: str, mapping: Mapping[str, str]) -> set[str]:
    """Source column names worth reading for ``table`` (mapped names plus canonical names)."""
    cols = set(model.SPECS[table].column_names)
    return cols | {mapping[c] for c in cols if c in mapping}


def map_columns(raw: pd.DataFrame, table: str, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Rename source columns to canonical ones.

    A mapped source column that exists is used (one source may feed several
    canonical columns); otherwise a column already carrying the canonical name
    is used. Other columns are dropped.
    """
    data = {}
    for name in model.SPECS[table].column_names:
        src = mapping.get(name)
        if src is not None and src in raw.columns:
            data[name] = raw[src]
        elif name in raw.columns:
            data[name] = raw[name]
    return pd.DataFrame(data, index=raw.index)


def map_values(
    frame: pd.DataFrame, table: str, values: Mapping | None
) -> tuple[pd.DataFrame, list[Issue]]:
    """Apply ``values={table: {column: {raw: canonical}}}`` to canonical columns.

    Raw values are matched after stripping whitespace. Unlisted values are
    kept, except in a ``bool`` column: there a non-blank value that is neither
    listed nor a boolean spelling becomes ``False`` (so ``{"Closed Won":
    True}`` on a stage column works), counted as fix-up ``value_unmapped``.
    """
    fixups: list[Issue] = []
    if not values or not isinstance(values.get(table), Mapping):
        return frame, fixups
    frame = frame.copy()
    for column, mapping in values[table].items():
        if column not in frame.columns or not mapping:
            continue
        mapping = {str(k).strip(): v for k, v in mapping.items()}
        text = _as_text(frame[column])
        listed = text.isin(list(mapping)).to_numpy(dtype=bool)
        target = text.map({k: str(v) for k, v in mapping.items()})
        result = text.where(~listed, target)
        if model.SPECS[table].column(column).kind == "bool":
            known = result.str.lower().isin(list(_BOOL_MAP)).to_numpy(dtype=bool)
            unmapped = result.notna().to_numpy(dtype=bool) & ~known
            if unmapped.any():
                n = int(unmapped.sum())
                seen = ", ".join(repr(v) for v in text[unmapped].drop_duplicates().head(5))
                fixups.append(
                    Issue(
                        "value_unmapped",
                        table,
                        column,
                        n,
                        _examples(frame, table, unmapped),
                        f"{n} value(s) not listed in the value mapping set to false ({seen})",
                        FIXUP,
                    )
                )
                result = result.mask(unmapped, "false")
        frame[column] = result
    return frame, fixups


# =========================================================================== files
@dataclass
class RawTable:
    """A table as read, before coercion."""

    frame: pd.DataFrame
    file: str
    digest: str = ""
    encoding: str | None = None
    fixups: list[Issue] = field(default_factory=list)


def _detect_encoding(head: bytes, utf8_ok: bool) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if utf8_ok:
        return "utf-8"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(head[:_SAMPLE_BYTES]))
    names = [m.encoding for m in matches]
    for name in names:
        if name in _JAPANESE:
            return _JAPANESE[name]
    if "cp1252" in names:
        return "cp1252"
    if names:
        return names[0]
    return "cp932"


def sniff_file(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Hash a file and detect its text encoding in one read-only pass.

    Detection: a UTF-8 BOM gives ``utf-8-sig`` (a UTF-16 BOM ``utf-16``);
    else the whole file is checked as UTF-8; else charset-normalizer looks at
    the first 256 KiB, preferring a Japanese match (returned as ``cp932``,
    the superset Japanese Excel writes), then ``cp1252``, then its best guess.
    ``encoding`` forces the answer.

    Returns
    -------
    (encoding, sha256 hex digest)
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    head = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if not head:
                head = chunk
            if utf8_ok and encoding is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok and encoding is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if encoding is None:
        encoding = _detect_encoding(head, utf8_ok)
    return encoding, digest.hexdigest()


def _read_csv_arrow(path: Path, header: list[str], wanted: list[str]) -> pd.DataFrame | None:
    """UTF-8 CSV through PyArrow's multi-threaded reader, every cell as text.

    Same result as the pandas reader below (blank cells stay ``""``, quoted
    fields may hold commas and newlines) in about a tenth of the time on the
    large sample (activities: 40 s -> 4 s). Returns None, and the caller falls
    back to pandas, when the header repeats a name (pandas renames those) or
    PyArrow rejects the file (e.g. a row with a different number of fields).
    """
    import pyarrow.csv as pacsv

    if len(set(header)) != len(header) or any(h.startswith("Unnamed: ") for h in header):
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=wanted,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.column_names != wanted:
        return None
    return table.to_pandas()


def read_csv_raw(
    path: Path, *, encoding: str | None = None, usecols: set[str] | None = None
) -> RawTable:
    """Read a CSV as text columns (nothing interpreted), detecting its encoding.

    Every cell is read as a string (``keep_default_na=False``: only blank cells
    become missing later; ``NA`` stays a name). Quoted fields may hold commas
    and newlines. Only ``usecols`` columns are kept when given.
    """
    path = Path(path)
    enc, digest = sniff_file(path, encoding)
    options = dict(dtype=str, keep_default_na=False, encoding=enc, encoding_errors="strict")
    try:
        header = pd.read_csv(path, nrows=0, **options).columns
        wanted = [c for c in header if usecols is None or c in usecols]
        frame = _read_csv_arrow(path, list(header), wanted) if wanted and enc == "utf-8" else None
        if frame is None and wanted:
            frame = pd.read_csv(path, usecols=wanted, **options)
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [
                Problem(
                    "bad_encoding",
                    path.stem,
                    "",
                    1,
                    (),
                    str(path),
                    f"{path}: cannot be read as {enc} ({exc.reason}); "
                    "pass encoding= (for example 'cp932' or 'utf-8')",
                )
            ]
        ) from None
    if frame is None:
        frame = pd.DataFrame(index=range(0))
    frame.attrs["header"] = list(header)
    return RawTable(frame, str(path), digest, enc)


def read_parquet_raw(path: Path, *, usecols: set[str] | None = None) -> RawTable:
    """Read a Parquet file, only the ``usecols`` columns when given."""
    import pyarrow.parquet as pq

    path = Path(path)
    _, digest = sniff_file(path, encoding="binary")
    names = pq.read_schema(path).names
    wanted = [c for c in names if usecols is None or c in usecols]
    frame = pd.read_parquet(path, columns=wanted)
    frame.attrs["header"] = list(names)
    return RawTable(frame, str(path), digest, None)


def _read_file(path: Path, *, encoding=None, usecols=None) -> RawTable:
    if Path(path).suffix.lower() in (".parquet", ".pq"):
        return read_parquet_raw(path, usecols=usecols)
    return read_csv_raw(path, encoding=encoding, usecols=usecols)


def table_file(directory: Path, table: str) -> Path | None:
    """``<table>.parquet`` if it exists, else ``<table>.csv``, else None."""
    for suffix in (".parquet", ".csv"):
        candidate = Path(directory) / f"{table}{suffix}"
        if candidate.is_file():
            return candidate
    return None


# =========================================================================== salesforce
#: Default Salesforce field for each canonical column; tuples list candidates,
#: the first present is used. ``columns={table: {...}}`` overrides them.
SALESFORCE_COLUMNS: dict[str, dict[str, str | tuple[str, ...]]] = {
    model.ACCOUNTS: {
        "account_id": "Id",
        "parent_id": "ParentId",
        "name": "Name",
        "owner_id": "OwnerId",
        "industry": "Industry",
        "created_at": "CreatedDate",
    },
    model.LEADS: {
        "lead_id": "Id",
        "created_at": "CreatedDate",
        "source": "LeadSource",
        "status": "Status",
        "score": "pi__score__c",
        "owner_id": "OwnerId",
        "handed_off_at": ("MQL_Date__c", "MQL_Date_Time__c"),
        "converted_at": "ConvertedDate",
        "converted_account_id": "ConvertedAccountId",
        "converted_opportunity_id": "ConvertedOpportunityId",
        "company": "Company",
    },
    model.OPPORTUNITIES: {
        "opportunity_id": "Id",
        "account_id": "AccountId",
        "created_at": "CreatedDate",
        "close_date": "CloseDate",
        "stage": "StageName",
        "is_closed": "IsClosed",
        "is_won": "IsWon",
        "amount": "Amount",
        "probability": "Probability",
        "owner_id": "OwnerId",
    },
    model.PRODUCTS: {
        "product_id": "Id",
        "name": "Name",
        "family": "Family",
        "list_price": ("List_Price__c", "ListPrice", "UnitPrice"),
    },
    model.CONTACTS: {
        "contact_id": "Id",
        "account_id": "AccountId",
        "title": "Title",
        "is_decision_maker": ("Decision_Maker__c", "Is_Decision_Maker__c"),
    },
    model.USERS: {
        "owner_id": "Id",
        "name": "Name",
        "team": "Department",
        "started_at": "CreatedDate",
    },
}

SALESFORCE_FILES = {
    model.ACCOUNTS: "Account.csv",
    model.LEADS: "Lead.csv",
    model.OPPORTUNITIES: "Opportunity.csv",
    model.PRODUCTS: "Product2.csv",
    model.CONTACTS: "Contact.csv",
    model.USERS: "User.csv",
}

#: Salesforce key prefixes (first three characters of an id).
SF_LEAD_PREFIX, SF_ACCOUNT_PREFIX, SF_OPPORTUNITY_PREFIX = "00Q", "001", "006"


def _sf_file(directory: Path, name: str) -> Path | None:
    exact = directory / name
    if exact.is_file():
        return exact
    lowered = name.lower()
    for candidate in directory.iterdir():
        if candidate.name.lower() == lowered and candidate.is_file():
            return candidate
    return None


def _coalesce(frame: pd.DataFrame, names: Iterable[str]) -> tuple[pd.Series, pd.Series]:
    """First non-blank value over ``names``; also which name supplied it."""
    out = pd.Series(pd.NA, index=frame.index, dtype=STRING_DTYPE)
    origin = pd.Series(pd.NA, index=frame.index, dtype=STRING_DTYPE)
    for name in names:
        if name in frame.columns:
            value = _as_text(frame[name])
            take = out.isna() & value.notna()
            out = out.mask(take, value)
            origin = origin.mask(take, name)
    return out, origin


def _sf_mapping(table: str, header: Iterable[str], columns: Mapping | None) -> dict[str, str]:
    header = set(header)
    mapping = {}
    for canonical, candidates in SALESFORCE_COLUMNS[table].items():
        candidates = (candidates,) if isinstance(candidates, str) else candidates
        present = [c for c in candidates if c in header]
        mapping[canonical] = present[0] if present else candidates[0]
    mapping.update(table_mapping(table, columns))
    return mapping


def _fallback_fixup(table, column, origin, primary, labels, what) -> Issue | None:
    used = (origin.notna() & ~origin.isin(list(primary))).to_numpy(dtype=bool)
    if not used.any():
        return None
    n = int(used.sum())
    return Issue(
        f"{column}_fallback",
        table,
        column,
        n,
        example_ids(labels[used]),
        f"{n} row(s) had no {'/'.join(primary)}; {what}",
        FIXUP,
    )


def read_salesforce(
    directory: Path, tables: Iterable[str], *, columns=None, encoding=None
) -> dict[str, RawTable]:
    """Read a Salesforce data export into raw tables with canonical column names.

    Mappings (see :data:`SALESFORCE_COLUMNS` for the simple tables):

    * ``activities`` from ``Task.csv`` and ``Event.csv``: ``occurred_at`` is
      ``ActivityDateTime``, else ``ActivityDate``, else ``CreatedDate`` (a
      counted fix-up); ``type`` is ``TaskSubtype`` else ``Type`` for tasks and
      ``meeting`` for every event; ``WhoId`` starting ``00Q`` gives
      ``lead_id``; ``WhatId`` starting ``006`` gives ``opportunity_id`` and
      starting ``001`` gives ``account_id`` (else ``AccountId``).
    * ``purchases`` from ``Asset.csv`` (``AccountId``, ``Product2Id``,
      ``PurchaseDate`` else ``InstallDate`` else ``CreatedDate`` (fix-up),
      ``Price``, ``Discount__c``/``Discount``), or, without it, from
      ``OpportunityLineItem.csv`` joined to ``Opportunity.csv``: won
      opportunities only (other lines counted as fix-up ``line_item_not_won``),
      ``purchased_at`` = ``CloseDate``, ``amount`` = ``TotalPrice`` else
      ``UnitPrice * Quantity``, ``discount_pct`` = ``Discount``.
    * ``users.team`` is the role name from ``UserRole.csv`` (via
      ``UserRoleId``) when present, else ``Department``.

    Ids are kept as text, so 15- and 18-character ids survive.
    """
    directory = Path(directory)
    tables = list(tables)
    out: dict[str, RawTable] = {}
    cache: dict[str, RawTable] = {}

    def read(name: str) -> RawTable | None:
        if name not in cache:
            path = _sf_file(directory, name)
            if path is None:
                return None
            cache[name] = read_csv_raw(path, encoding=encoding)
        return cache[name]

    for table in tables:
        if table in SALESFORCE_FILES:
            raw = read(SALESFORCE_FILES[table])
            if raw is None:
                continue
            mapping = _sf_mapping(table, raw.frame.columns, columns)
            frame = map_columns(raw.frame, table, mapping)
            if table == model.USERS:
                frame = _sf_user_teams(frame, raw.frame, read("UserRole.csv"))
            out[table] = RawTable(frame, raw.file, raw.digest, raw.encoding)
        elif table == model.ACTIVITIES:
            acts = _sf_activities(read("Task.csv"), read("Event.csv"))
            if acts is not None:
                out[table] = acts
        elif table == model.PURCHASES:
            purchases = _sf_purchases(
                read("Asset.csv"), read("OpportunityLineItem.csv"), read("Opportunity.csv")
            )
            if purchases is not None:
                out[table] = purchases
    return out


def _sf_user_teams(frame: pd.DataFrame, raw: pd.DataFrame, roles: RawTable | None):
    if roles is None or "UserRoleId" not in raw.columns:
        return frame
    names = roles.frame.set_index("Id")["Name"]
    names = names[~names.index.duplicated()]
    role = _as_text(raw["UserRoleId"]).map(names)
    team = frame["team"] if "team" in frame.columns else pd.Series(pd.NA, index=frame.index)
    return frame.assign(team=_as_text(role).fillna(_as_text(team)))


def _sf_activities(task: RawTable | None, event: RawTable | None) -> RawTable | None:
    parts, files, fixups, digests = [], [], [], []
    for raw, is_event in ((task, False), (event, True)):
        if raw is None:
            continue
        f = raw.frame
        ids = _as_text(f["Id"]) if "Id" in f.columns else pd.Series(pd.NA, index=f.index)
        primary = ("ActivityDateTime", "ActivityDate")
        occurred, origin = _coalesce(f, (*primary, "CreatedDate"))
        fix = _fallback_fixup(
            model.ACTIVITIES, "occurred_at", origin, primary, ids, "CreatedDate used"
        )
        if fix is not None:
            fixups.append(fix)
        if is_event:
            kind = pd.Series("meeting", index=f.index, dtype=STRING_DTYPE)
        else:
            kind, _ = _coalesce(f, ("TaskSubtype", "Type"))
        who, _ = _coalesce(f, ("WhoId",))
        what, _ = _coalesce(f, ("WhatId",))
        account, _ = _coalesce(f, ("AccountId",))
        what_account = what.where(what.str.startswith(SF_ACCOUNT_PREFIX).fillna(False))
        part = pd.DataFrame(
            {
                "activity_id": ids,
                "occurred_at": occurred,
                "type": kind,
                "lead_id": who.where(who.str.startswith(SF_LEAD_PREFIX).fillna(False)),
                "account_id": what_account.fillna(account),
                "opportunity_id": what.where(
                    what.str.startswith(SF_OPPORTUNITY_PREFIX).fillna(False)
                ),
                "owner_id": _coalesce(f, ("OwnerId",))[0],
            }
        )
        parts.append(part)
        files.append(raw.file)
        digests.append(raw.digest)
    if not parts:
        return None
    frame = pd.concat(parts, ignore_index=True)
    return RawTable(
        frame, " + ".join(files), "".join(digests), task.encoding if task else None, fixups
    )


def _sf_purchases(asset, line_items, opportunities) -> RawTable | None:
    if asset is not None:
        f = asset.frame
        labels = _as_text(f["Id"]) if "Id" in f.columns else _labels(f, model.PURCHASES)
        primary = ("PurchaseDate", "InstallDate")
        purchased, origin = _coalesce(f, (*primary, "CreatedDate"))
        fixups = [
            _fallback_fixup(
                model.PURCHASES, "purchased_at", origin, primary, labels, "CreatedDate used"
            )
        ]
        frame = pd.DataFrame(
            {
                "account_id": _coalesce(f, ("AccountId",))[0],
                "product_id": _coalesce(f, ("Product2Id",))[0],
                "purchased_at": purchased,
                "amount": _coalesce(f, ("Price",))[0],
                "discount_pct": _coalesce(f, ("Discount__c", "Discount"))[0],
            }
        )
        return RawTable(frame, asset.file, asset.digest, asset.encoding, [x for x in fixups if x])
    if line_items is None or opportunities is None:
        return None
    li = line_items.frame
    opp = opportunities.frame
    opp_cols = pd.DataFrame(
        {
            "OpportunityId": _as_text(opp["Id"]),
            "_account": _coalesce(opp, ("AccountId",))[0],
            "_close": _coalesce(opp, ("CloseDate",))[0],
            "_won": _as_text(opp["IsWon"]).str.lower().isin(TRUE_VALUES)
            if "IsWon" in opp.columns
            else False,
        }
    ).drop_duplicates("OpportunityId")
    joined = li.assign(OpportunityId=_as_text(li["OpportunityId"])).merge(
        opp_cols, on="OpportunityId", how="left"
    )
    won = joined["_won"].fillna(False).to_numpy(dtype=bool)
    labels = _as_text(joined["Id"]) if "Id" in joined.columns else joined["OpportunityId"]
    fixups = []
    if (~won).any():
        n = int((~won).sum())
        fixups.append(
            Issue(
                "line_item_not_won",
                model.PURCHASES,
                "account_id",
                n,
                example_ids(labels[~won]),
                f"{n} opportunity line item(s) of open, lost or unknown opportunities "
                "not counted as purchases",
                FIXUP,
            )
        )
    joined = joined[won]
    file = f"{line_items.file} + {opportunities.file}"
    if "TotalPrice" in joined.columns:
        amount = _as_text(joined["TotalPrice"])
    else:
        price, bad_p = parse_numbers(joined.get("UnitPrice", pd.Series(index=joined.index)))
        qty, bad_q = parse_numbers(joined.get("Quantity", pd.Series(1.0, index=joined.index)))
        bad = bad_p | bad_q
        if bad.any():
            raise DataValidationError(
                [
                    problem(
                        "not_numeric",
                        table=model.PURCHASES,
                        column="amount",
                        count=int(bad.sum()),
                        examples=example_ids(labels[won][bad]),
                        file=line_items.file,
                        detail=f"{int(bad.sum())} non-numeric UnitPrice/Quantity value(s)",
                    )
                ]
            )
        amount = price * qty
    frame = pd.DataFrame(
        {
            "account_id": joined["_account"],
            "product_id": _coalesce(joined, ("Product2Id",))[0],
            "purchased_at": joined["_close"],
            "amount": amount,
            "discount_pct": _coalesce(joined, ("Discount",))[0],
        }
    ).reset_index(drop=True)
    digest = line_items.digest + opportunities.digest
    return RawTable(frame, file, digest, line_items.encoding, fixups)


# =========================================================================== SQL
def read_sql(
    sql_url: str, queries: Mapping[str, str], tables: Iterable[str]
) -> dict[str, RawTable]:
    """Run one query per requested table through SQLAlchemy (``pandas.read_sql``)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(sql_url)
    label = sqlalchemy.engine.make_url(sql_url).render_as_string(hide_password=True)
    out = {}
    try:
        with engine.connect() as conn:
            for table in tables:
                query = (queries or {}).get(table)
                if not query:
                    continue
                frame = pd.read_sql(sqlalchemy.text(query), conn)
                out[table] = RawTable(frame, f"{label} [{table} query]", _frame_digest(frame))
    finally:
        engine.dispose()
    return out


# =========================================================================== sample
@functools.lru_cache(maxsize=1)
def _sample_tables() -> dict[str, pd.DataFrame]:
    from workbook.data import sample

    return sample.generate(scale="small", seed=0)


def _sample_as_of() -> pd.Timestamp:
    from workbook.data import sample

    return pd.Timestamp(sample.SAMPLE_AS_OF)


def _frame_digest(frame: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, frame.columns)).encode())
    if len(frame):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


# =========================================================================== load
def _requested(tables) -> list[str]:
    if tables is None:
        return list(model.TABLES)
    if isinstance(tables, str):
        tables = [tables]
    unknown = [t for t in tables if t not in model.SPECS]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; valid tables: {', '.join(model.TABLES)}")
    return [t for t in model.TABLES if t in set(tables)]


def _read_files(source, requested, *, paths, columns, encoding, date_only=False):
    """Directory and explicit-path reader; ``date_only`` reads just as_of columns."""
    out: dict[str, RawTable] = {}
    for table in requested:
        path = (paths or {}).get(table)
        if path is None and source is not None:
            path = table_file(Path(source), table)
        if path is None:
            continue
        mapping = table_mapping(table, columns)
        if date_only:
            wanted_canonical = _as_of_columns(table)
            usecols = {mapping.get(c, c) for c in wanted_canonical} | set(wanted_canonical)
        else:
            usecols = source_columns(table, mapping)
        raw = _read_file(Path(path), encoding=encoding, usecols=usecols)
        header = raw.frame.attrs.get("header", list(raw.frame.columns))
        frame = map_columns(raw.frame, table, mapping)
        frame.attrs["header"] = header
        out[table] = RawTable(frame, raw.file, raw.digest, raw.encoding)
    return out


def _as_of_columns(table: str) -> list[str]:
    """Columns read to find the default as_of: the dates, plus the id for error examples."""
    cols = []
    if table in model.EVENT_DATE_COLUMNS:
        if model.SPECS[table].primary_key:
            cols.append(model.SPECS[table].primary_key)
        cols.append(model.EVENT_DATE_COLUMNS[table])
    if table == model.OPPORTUNITIES:
        cols += ["close_date", "is_closed"]
    return cols


def default_as_of(tables: Mapping[str, pd.DataFrame]) -> pd.Timestamp | None:
    """The latest event date in the data, as a day (time dropped).

    Considers :data:`workbook.data.model.EVENT_DATE_COLUMNS` of every loaded table
    plus ``close_date`` of closed opportunities (``is_closed`` true; open
    deals' expected close dates are future plans, not events). Returns
    ``None`` when no such date exists.
    """
    latest = []
    for table, column in model.EVENT_DATE_COLUMNS.items():
        df = tables.get(table)
        if df is not None and column in df.columns:
            latest.append(df[column].max())
    opps = tables.get(model.OPPORTUNITIES)
    if opps is not None and {"close_date", "is_closed"} <= set(opps.columns):
        closed = opps["is_closed"].fillna(False).to_numpy(dtype=bool)
        latest.append(opps.loc[closed, "close_date"].max())
    latest = [t for t in latest if not pd.isna(t)]
    return max(latest).normalize() if latest else None


def snapshot_as_of(source) -> pd.Timestamp | None:
    """The snapshot date declared by a directory written with ``workbook sample``.

    Such a directory holds ``sample.json`` with the sample's ``as_of``; its
    deliberately future-dated fault records must not move the default as_of.
    Returns ``None`` for any other source.
    """
    if source is None:
        return None
    manifest = Path(source) / "sample.json"
    if not manifest.is_file():
        return None
    declared = json.loads(manifest.read_text(encoding="utf-8")).get("as_of")
    return pd.Timestamp(declared).normalize() if declared else None


def _is_sample(source, *, paths=None, sql_url=None, preset=None) -> bool:
    return source is None and not paths and not sql_url and not preset


def resolve_as_of(source=None, **load_options) -> pd.Timestamp | None:
    """The as_of a :func:`load` with the same arguments would use, cheaply.

    The given ``as_of`` if any; the sample's ``SAMPLE_AS_OF`` for the bundled
    sample; for directories and explicit paths only the date columns are
    read; other sources (Salesforce preset, SQL) are loaded without validation.
    """
    unknown = sorted(set(load_options) - set(_LOAD_OPTIONS))
    if unknown:
        raise TypeError(
            f"unknown load option(s) {', '.join(unknown)}; valid: {', '.join(_LOAD_OPTIONS)}"
        )
    as_of = load_options.get("as_of")
    if as_of is not None and as_of != "":
        return pd.Timestamp(as_of).normalize()
    paths, sql_url, preset = (load_options.get(k) for k in ("paths", "sql_url", "preset"))
    if _is_sample(source, paths=paths, sql_url=sql_url, preset=preset):
        return _sample_as_of()
    if not paths and not sql_url and (snapshot := snapshot_as_of(source)) is not None:
        return snapshot
    requested = [t for t in _requested(load_options.get("tables")) if _as_of_columns(t)]
    if sql_url or preset:
        options = {k: v for k, v in load_options.items() if k not in ("validate", "tables")}
        crm = load(source, tables=requested, validate=False, **options)
        return crm.as_of
    source, paths = _check_source(source, paths, requested)
    raws = _read_files(
        source,
        requested,
        paths=paths,
        columns=load_options.get("columns"),
        encoding=load_options.get("encoding"),
        date_only=True,
    )
    frames, problems = {}, []
    for table, raw in raws.items():
        frame, _, probs = _coerce(raw.frame, table, file=raw.file, subset=_as_of_columns(table))
        problems += probs
        frames[table] = frame
    if problems:
        raise DataValidationError(problems)
    return default_as_of(frames)


def load(
    source=None,
    *,
    tables=None,
    as_of=None,
    preset=None,
    columns=None,
    values=None,
    paths=None,
    encoding=None,
    sql_url=None,
    queries=None,
    score_range=None,
    validate=True,
) -> model.CrmData:
    """Load, coerce and validate CRM tables.

    Parameters
    ----------
    source : str or Path, optional
        A directory of ``<table>.csv`` / ``<table>.parquet`` files (Parquet
        preferred), or with ``preset="salesforce"`` a Salesforce export
        directory. ``None`` (and no ``paths``/``sql_url``) loads the bundled
        small sample.
    tables : list of str, optional
        Tables to load (default all). Required tables among them must exist;
        optional ones (contacts, users) are loaded when present.
    as_of : date-like, optional
        Observation end. Default: the sample's snapshot date for the sample,
        else :func:`default_as_of`.
    preset : {"salesforce"}, optional
    columns : dict, optional
        Column mapping, per table ``{table: {canonical: source}}`` and/or flat
        ``{canonical: source}``; see :func:`table_mapping`.
    values : dict, optional
        Value mapping ``{table: {column: {raw: canonical}}}``; see :func:`map_values`.
    paths : dict, optional
        Explicit file per table (CSV or Parquet); overrides ``source`` for those tables.
    encoding : str, optional
        Force one text encoding for every CSV (default: detected per file).
    sql_url : str, optional
        SQLAlchemy URL; with ``queries={table: "SELECT ..."}``.
    score_range : (float, float), optional
        Valid lead scores (default :data:`workbook.data.model.SCORE_RANGE`).
    validate : bool, default True
        Run :func:`workbook.data.validate.validate` and set ``quality``.
        Conversion errors are raised either way.

    Returns
    -------
    CrmData
        With ``tables``, ``as_of``, ``quality``, ``source``, ``fingerprint``
        (first 12 hex digits of a sha256 over the files' bytes, or over the
        frames for SQL and the sample) and ``metadata`` (reader, preset,
        files, encodings).

    Raises
    ------
    DataValidationError
        Missing required table or column, duplicated id, unparseable date,
        non-numeric number or unrecognised boolean; all problems at once.
    """
    requested = _requested(tables)
    if preset and source is not None and not Path(source).is_dir():
        raise DataValidationError(
            [Problem("missing_source", "", "", 1, (), str(source), f"{source}: no such directory")]
        )
    if preset not in (None, "", "salesforce"):
        raise ValueError(f"unknown preset {preset!r}; the only preset is 'salesforce'")
    sample = _is_sample(source, paths=paths, sql_url=sql_url, preset=preset)
    if sql_url:
        reader, label = "sql", None
        raws = read_sql(sql_url, queries or {}, requested)
        raws = {
            t: RawTable(map_columns(r.frame, t, table_mapping(t, columns)), r.file, r.digest, None)
            for t, r in raws.items()
        }
    elif preset:
        if source is None:
            raise ValueError("preset='salesforce' needs the export directory as source")
        reader, label = "salesforce", str(source)
        raws = read_salesforce(Path(source), requested, columns=columns, encoding=encoding)
    elif sample:
        reader, label = "sample", "bundled sample (scale=small, seed=0)"
        raws = {
            t: RawTable(frame.copy(), f"sample:{t}", "")
            for t, frame in _sample_tables().items()
            if t in requested
        }
    else:
        reader, label = "files", str(source) if source is not None else "paths"
        source, paths = _check_source(source, paths, requested)
        raws = _read_files(source, requested, paths=paths, columns=columns, encoding=encoding)
    if sql_url:
        label = next(iter(raws.values())).file.split(" [")[0] if raws else "sql"

    problems: list[Problem] = []
    for table in requested:
        if table not in raws and not model.SPECS[table].optional:
            problems.append(_missing_table_problem(table, reader, source, paths))

    frames: dict[str, pd.DataFrame] = {}
    fixups: list[Issue] = []
    for table in requested:
        raw = raws.get(table)
        if raw is None:
            continue
        frame, value_fixups = map_values(raw.frame, table, values)
        if "header" in raw.frame.attrs:
            frame.attrs["header"] = raw.frame.attrs["header"]
        if not set(model.SPECS[table].required_columns) <= set(frame.columns):
            found = frame.attrs.get("header", list(frame.columns))
            missing = [c for c in model.SPECS[table].required_columns if c not in frame.columns]
            problems.append(missing_columns_problem(table, missing, found, raw.file))
            continue
        coerced, table_fixups, table_problems = _coerce(frame, table, file=raw.file)
        problems += table_problems
        problems += duplicate_id_problems(coerced, table, raw.file)
        fixups += raw.fixups + value_fixups + table_fixups
        frames[table] = coerced
    if problems:
        raise DataValidationError(problems)

    if as_of is not None and as_of != "":
        as_of_ts = pd.Timestamp(as_of).normalize()
    elif sample:
        as_of_ts = _sample_as_of()
    elif reader != "sql" and not paths and (snapshot := snapshot_as_of(source)) is not None:
        as_of_ts = snapshot
    else:
        as_of_ts = default_as_of(frames)

    if sample or reader == "sql":
        digests = {t: _frame_digest(frames[t]) for t in frames}
    else:
        digests = {t: raws[t].digest for t in frames}
    fingerprint = hashlib.sha256(
        "\n".join(f"{t}:{d}" for t, d in sorted(digests.items())).encode()
    ).hexdigest()[:12]

    files = {t: raws[t].file for t in frames}
    quality = None
    if validate:
        quality = _validate(
            frames,
            as_of=as_of_ts,
            score_range=tuple(score_range) if score_range else model.SCORE_RANGE,
            files=files,
            fixups=fixups,
            check_duplicate_ids=False,  # checked above, per table, before raising
        )
    metadata = {
        "reader": reader,
        "preset": preset or None,
        "files": files,
        "encodings": {t: raws[t].encoding for t in frames if raws[t].encoding},
        "tables_requested": requested,
        "fixups": [f.check for f in fixups],
    }
    return model.CrmData(
        tables=frames,
        source=label,
        fingerprint=fingerprint,
        quality=quality,
        as_of=as_of_ts,
        metadata=metadata,
    )


def _check_source(source, paths, requested):
    """A missing source is an error; a single file serves a single requested table."""
    if source is None:
        return source, paths
    path = Path(source)
    if path.is_dir():
        return source, paths
    if path.is_file() and len(requested) == 1:
        return None, {**(paths or {}), requested[0]: path}
    if path.is_file():
        detail = (
            f"{path}: is a file; pass a directory, or paths={{table: file}}, "
            "or request exactly one table"
        )
    else:
        detail = f"{path}: no such directory"
    raise DataValidationError([Problem("missing_source", "", "", 1, (), str(path), detail)])


_LOAD_OPTIONS = (
    "tables",
    "as_of",
    "preset",
    "columns",
    "values",
    "paths",
    "encoding",
    "sql_url",
    "queries",
    "score_range",
    "validate",
)


def _missing_table_problem(table, reader, source, paths) -> Problem:
    if reader == "salesforce":
        hint = {
            model.ACTIVITIES: "Task.csv or Event.csv",
            model.PURCHASES: "Asset.csv, or OpportunityLineItem.csv with Opportunity.csv",
        }.get(table, SALESFORCE_FILES.get(table, ""))
        where = f"{source}: no {hint} for required table '{table}'"
    elif reader == "sql":
        where = f"no query for required table '{table}' (queries: {{{table}: 'SELECT ...'}})"
    elif reader == "sample":
        where = f"the sample has no table '{table}'"
    else:
        where = (
            f"{source}: required table '{table}' not found "
            f"(expected {table}.csv or {table}.parquet, or paths: {{{table}: <file>}})"
        )
    return Problem("missing_table", table, "", 1, (), str(source or ""), where)


__all__ = [
    "DataQuality",
    "DataValidationError",
    "coerce_table",
    "default_as_of",
    "load",
    "map_columns",
    "map_values",
    "parse_bools",
    "parse_dates",
    "parse_numbers",
    "read_salesforce",
    "read_sql",
    "resolve_as_of",
    "table_mapping",
]

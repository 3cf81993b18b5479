"""File reader: a directory of ``<table>.csv`` / ``<table>.parquet`` files, or explicit paths.

Parquet wins when both files of a table exist. CSV cells are read as text
(nothing interpreted) in the detected encoding (:func:`sniff_file`); only the
columns the table can use are read. Input files are only ever opened for
reading.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa

from workbook.data.mapping import map_columns, source_columns, table_mapping
from workbook.data.options import absent_columns_problem, apply_filters
from workbook.data.readers.raw import RawTable
from workbook.data.validate import FIXUP, DataValidationError, Issue, Problem

__all__ = [
    "check_source",
    "check_sources",
    "read_csv_raw",
    "read_file",
    "read_files",
    "read_parquet_raw",
    "sniff_file",
    "table_file",
]

#: Encodings charset-normalizer may propose for Japanese text; CP932 is the
#: superset that Japanese Excel actually writes.
_JAPANESE = {"cp932": "cp932", "shift_jis": "cp932", "shift_jis_2004": "cp932", "euc_jp": "euc_jp"}

_CHUNK = 1 << 20
_SAMPLE_BYTES = 256 * 1024


# --------------------------------------------------------------------------- encodings
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


# --------------------------------------------------------------------------- CSV and Parquet
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


def _bad_encoding(path: Path, enc: str, exc: UnicodeDecodeError) -> DataValidationError:
    detail = (
        f"{path}: cannot be read as {enc} ({exc.reason}); "
        "pass encoding= (for example 'cp932' or 'utf-8')"
    )
    return DataValidationError([Problem("bad_encoding", path.stem, "", 1, (), str(path), detail)])


def read_csv_raw(
    path: Path, *, encoding: str | None = None, usecols: set[str] | None = None
) -> RawTable:
    """Read a CSV as text columns (nothing interpreted), detecting its encoding.

    Every cell is read as a string (``keep_default_na=False``: only blank cells
    become missing later; ``NA`` stays a name). Quoted fields may hold commas
    and newlines. Only ``usecols`` columns are kept when given.

    Raises
    ------
    DataValidationError
        ``bad_encoding``: the file does not decode in the detected or given
        encoding.
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
        raise _bad_encoding(path, enc, exc) from None
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


def read_file(path: Path, *, encoding=None, usecols=None) -> RawTable:
    """A ``.parquet``/``.pq`` file with :func:`read_parquet_raw`, anything else as CSV."""
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


# --------------------------------------------------------------------------- tables
def read_files(
    source,
    tables: Iterable[str],
    *,
    paths: Mapping | None = None,
    columns: Mapping | None = None,
    encoding: str | None = None,
    only: Mapping[str, Iterable[str]] | None = None,
    filters: Mapping | None = None,
) -> dict[str, RawTable]:
    """Read each table from ``paths[table]``, else from ``source``'s :func:`table_file`.

    Parameters
    ----------
    source : str or Path or None
        The directory; tables without a file are absent from the result.
    tables : iterable of str
        The requested canonical tables.
    paths : mapping, optional
        Explicit file per table; wins over ``source``. A relative path is
        taken inside the ``source`` directory when the file is there, else
        relative to the working directory.
    columns : mapping, optional
        Column mapping (:func:`workbook.data.mapping.table_mapping`).
    encoding : str, optional
        Force one text encoding for every CSV.
    only : mapping of str to iterable of str, optional
        Read just these canonical columns of each table (the as-of pre-scan);
        by default every column the table can use.
    filters : mapping, optional
        ``{table: {source_column: [raw values]}}``: only rows whose raw value
        is listed are kept (:func:`workbook.data.options.apply_filters`),
        before the columns are mapped; the rows left out are a fix-up.

    Returns
    -------
    dict of str to RawTable
        Frames with canonical column names; ``attrs["header"]`` keeps the
        file's header.

    Raises
    ------
    DataValidationError
        ``missing_source_column``: a per-table ``columns`` entry or a filter
        names a column the file does not have (the message lists the
        columns found). When the file has a column carrying the canonical
        name instead, that column is used and a ``column_fallback`` fix-up
        says so.
    """
    out: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for table in tables:
        path = _explicit_path((paths or {}).get(table), source)
        if path is None and source is not None:
            path = table_file(Path(source), table)
        if path is None:
            continue
        mapping = table_mapping(table, columns)
        if only is not None:
            wanted = list(only.get(table, ()))
            usecols = {mapping.get(c, c) for c in wanted} | set(wanted)
        else:
            usecols = source_columns(table, mapping)
        rules = (filters or {}).get(table) or {}
        raw = read_file(Path(path), encoding=encoding, usecols=usecols | set(rules))
        header = raw.frame.attrs.get("header", list(raw.frame.columns))
        fallbacks, absent = check_sources(table, columns, header)
        if absent:
            problems.append(absent_columns_problem(table, "columns", absent, header, raw.file))
            continue
        kept, filtered, bad_filter = apply_filters(raw.frame, table, rules, file=raw.file)
        if bad_filter is not None:
            problems.append(bad_filter)
            continue
        frame = map_columns(kept, table, mapping)
        frame.attrs["header"] = header
        fixups = [f for f in (filtered, *fallbacks) if f is not None]
        out[table] = RawTable(frame, raw.file, raw.digest, raw.encoding, fixups)
    if problems:
        raise DataValidationError(problems)
    return out


def check_sources(table: str, columns: Mapping | None, header) -> tuple[list[Issue], list[str]]:
    """Per-table mapped source columns absent from ``header``: fall-backs used, and the rest.

    A missing source column whose canonical name is in the file falls back to
    it (reported as a ``column_fallback`` fix-up); otherwise it is absent.
    Flat mappings (applied to every table) are checked by the loader.
    """
    entry = (columns or {}).get(table)
    if not isinstance(entry, Mapping):
        return [], []
    present = set(header)
    fallbacks, absent = [], []
    for canonical, source in entry.items():
        if str(source) in present:
            continue
        if canonical in present:
            fallbacks.append(
                Issue(
                    "column_fallback", table, str(canonical), 0, (),
                    f"mapped column {str(source)!r} is not in the file; used its column "
                    f"{canonical!r} instead",
                    FIXUP,
                )
            )  # fmt: skip
        else:
            absent.append(str(source))
    return fallbacks, absent


def _explicit_path(path, source) -> Path | None:
    """A ``paths`` entry; a relative one that exists under the ``source`` directory is taken there."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_absolute() and source is not None and Path(source).is_dir():
        inside = Path(source) / path
        if inside.exists():
            return inside
    return path


def check_source(source, paths, requested):
    """A missing source is an error; a single file serves a single requested table.

    Returns
    -------
    (source, paths)
        Unchanged for a directory (or no source); ``(None, {table: file})``
        for one file and one requested table.

    Raises
    ------
    DataValidationError
        ``missing_source``: no such directory, or a file for several tables.
    """
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

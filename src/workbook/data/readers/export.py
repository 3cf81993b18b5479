"""The tables of a file export: a directory of ``<table>.csv`` / ``<table>.parquet``, or paths.

A table may also be a folder of Parquet parts (``<table>/part-00000.parquet``
..., as ``workbook sample --scale xlarge`` writes), read as one table.
Parquet wins when both files of a table exist; each file is read by
:func:`workbook.data.readers.files.read_file`. Input files are only ever
opened for reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from workbook.data import model
from workbook.data.mapping import map_columns, source_columns, table_mapping
from workbook.data.options import absent_columns_problem, apply_filters
from workbook.data.readers.files import parquet_parts, read_file
from workbook.data.readers.raw import RECORD_LINES, RawTable
from workbook.data.validate import FIXUP, DataValidationError, Issue, Problem

__all__ = ["check_source", "check_sources", "read_files", "table_file"]


def table_file(directory: Path, table: str) -> Path | None:
    """``<table>.parquet`` if it exists, else a folder ``<table>/`` of Parquet parts, else
    ``<table>.csv``, else None.

    ``<table>.parquet`` may itself be a folder of parts. A ``.parquet`` or
    ``.csv`` folder without parts is returned too: the reader then says it is a
    directory where a file was expected, instead of the table seeming absent.
    A ``<table>/`` folder without parts is not the table.
    """
    directory = Path(directory)
    candidate = directory / f"{table}.parquet"
    if candidate.exists():
        return candidate
    folder = directory / table
    if folder.is_dir() and parquet_parts(folder):
        return folder
    candidate = directory / f"{table}.csv"
    return candidate if candidate.exists() else None


# --------------------------------------------------------------------------- tables
def read_files(
    source,
    tables: Iterable[str],
    *,
    paths: Mapping | None = None,
    columns: Mapping | None = None,
    encoding: str | None = None,
    only: Mapping[str, Iterable[str]] | None = None,
    on_bad_rows: str = "error",
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
        pk = model.SPECS[table].primary_key
        raw = read_file(
            Path(path), encoding=encoding, usecols=usecols | set(rules), table=table,
            id_column=mapping.get(pk, pk) if pk else None, on_bad_rows=on_bad_rows,
        )  # fmt: skip
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
        if RECORD_LINES in kept.attrs:
            frame.attrs[RECORD_LINES] = kept.attrs[RECORD_LINES]
        fixups = [*raw.fixups, *(f for f in (filtered, *fallbacks) if f is not None)]
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

"""Reading one file: a CSV (every record accounted for) or a Parquet file, as text cells.

A folder of Parquet parts (``leads/part-00000.parquet`` ...) is read as one
Parquet table (:func:`read_parquet_parts`).

The tables of an export (a directory or explicit paths) are read by
:mod:`workbook.data.readers.export`. CSV cells are read as text
(nothing interpreted) in the detected encoding (:func:`sniff_file`); only the
columns the table can use are read. Input files are only ever opened for
reading.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.data.readers.raw import RECORD_LINES, RawTable
from workbook.data.validate import FIXUP, WARNING, DataValidationError, Issue, Problem

__all__ = [
    "BAD_ROW_POLICIES",
    "blank_id_lines",
    "has_controls",
    "physical_lines",
    "read_csv_raw",
    "read_file",
    "parquet_parts",
    "read_parquet_parts",
    "read_parquet_raw",
    "sniff_file",
    "strip_controls",
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
#: Accepted values of ``on_bad_rows``: a malformed row stops the load, or is skipped and counted.
BAD_ROW_POLICIES = ("error", "skip")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _BadRow(NamedTuple):
    line: int | None
    expected: int
    actual: int
    text: str


def _bad_encoding(path: Path, enc: str, exc: UnicodeDecodeError) -> DataValidationError:
    detail = (
        f"{path}: cannot be read as {enc} ({exc.reason}); "
        "pass encoding= (for example 'cp932' or 'utf-8')"
    )
    return DataValidationError([Problem("bad_encoding", path.stem, "", 1, (), str(path), detail)])


def _to_utf8(data: bytes, enc: str, path: Path, *, checked: bool) -> bytes:
    """The file's bytes as UTF-8, so one reader serves every encoding.

    ``checked``: :func:`sniff_file` already found the bytes valid UTF-8.
    """
    try:
        if enc == "utf-8":
            if not checked:
                data.decode("utf-8")
            return data
        return data.decode(enc).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad_encoding(path, enc, exc) from None


def _header(data: bytes) -> list[str]:
    """The first record's fields, named as pandas would (repeats ``x.1``, blanks ``Unnamed: i``)."""
    first = next(csv.reader(io.StringIO(data[: 1 << 20].decode("utf-8", "replace"))), [])
    names, seen = [], {}
    for i, name in enumerate(first):
        name = name or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _header_lines(data: bytes) -> int:
    """Physical lines the header takes (1, more when a quoted name holds a line break)."""
    reader = csv.reader(io.StringIO(data[: 1 << 20].decode("utf-8", "replace")))
    next(reader, None)
    return max(reader.line_num, 1)


def physical_lines(data: bytes, *, exact: bool = True) -> int:
    """Non-empty physical lines of a text file (``\\n`` or ``\\r\\n`` endings).

    Counted with ``bytes.count`` (memchr speed). With ``exact`` (default),
    empty lines, which CSV readers skip, are found with NumPy and not
    counted; ``exact=False`` counts every line (the fast first look).
    """
    n = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 10))
    n += 0 if not data or data.endswith(b"\n") else 1
    if exact and (b"\n\n" in data or b"\n\r\n" in data or data.startswith((b"\n", b"\r\n"))):
        arr = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(arr == 10)
        starts = np.concatenate([[0], ends[:-1] + 1])
        length = ends - starts
        cr = arr[np.maximum(ends - 1, 0)] == 13
        n -= int(((length == 0) | ((length == 1) & cr)).sum())
    return n


def has_controls(data: bytes) -> bool:
    """Whether the bytes hold a C0 control other than tab, LF and CR (NUL included).

    One NumPy pass counts bytes below 32; only when that exceeds the line
    feeds are tabs and CRs counted too.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    low = int(np.count_nonzero(arr < 32))
    newlines = int(np.count_nonzero(arr == 10))
    return low > newlines and low > newlines + data.count(b"\t") + data.count(b"\r")


def _unclosed_quote(data: bytes) -> int | None:
    """Byte offset of a quote opened at a field start and never closed, else None.

    Quote characters toggle the quoted state (``""`` inside a field toggles
    twice), so an odd count leaves the file inside a quote; the last quote is
    then the opener. A lone quote inside an unquoted field (``5" screen``) is
    literal text for the reader and is not reported.
    """
    if int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 34)) % 2 == 0:
        return None
    pos = data.rindex(b'"')
    if pos == 0 or data[pos - 1 : pos] in (b",", b"\n", b"\r"):
        return pos
    return None


def _parse(data: bytes, header, wanted, *, threads: bool):
    import pyarrow.csv as pacsv

    bad: list[_BadRow] = []

    def handler(row) -> str:
        bad.append(_BadRow(row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(
            block_size=1 << 24, column_names=header, skip_rows=1, use_threads=threads
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            include_columns=wanted,
        ),
    )
    return table, bad


def _row_id(text: str, position: int | None) -> str | None:
    if position is None:
        return None
    fields = next(csv.reader(io.StringIO(text)), [])
    value = fields[position].strip() if position < len(fields) else ""
    return value[:40] or None


def _describe(row: _BadRow, id_name, position) -> str:
    rid = _row_id(row.text, position)
    where = f"line {row.line}" if row.line else "a line"
    what = (
        "a quote left open to the end of the file"
        if row.actual < 0
        else f"{row.actual} field(s), expected {row.expected}"
    )
    return f"{where}{f' ({id_name} {rid})' if rid else ''}: {what}"


def read_csv_raw(
    path: Path,
    *,
    encoding: str | None = None,
    usecols: set[str] | None = None,
    table: str | None = None,
    id_column: str | None = None,
    on_bad_rows: str = "error",
) -> RawTable:
    """Read a CSV as text columns (nothing interpreted), accounting for every record.

    Every cell is read as a string (only blank cells become missing later;
    ``NA`` stays a name) by PyArrow's multi-threaded reader; files in other
    encodings are transcoded to UTF-8 first, so one reader (and one set of
    checks) serves every file. Quoted fields may hold commas and newlines.
    Only ``usecols`` columns are kept when given; a repeated header name is
    renamed ``name.1`` as pandas does.

    Row accounting: a record with more or fewer fields than the header, and a
    quote opened at a field start and left open to the end of the file, are
    malformed. With ``on_bad_rows="error"`` (default) they raise; with
    ``"skip"`` they are dropped and reported as the fix-up ``bad_row_skipped``
    (count and example lines). Then the physical lines of the file (empty
    lines excepted) must equal header + loaded rows + skipped lines + line
    breaks held inside quoted values; those are counted as the warning
    ``multiline_value`` (a quote closed on a later line can swallow a row).
    NUL and other C0 control characters except tab and newline are removed
    from the text, counted as the fix-up ``control_characters``.

    Raises
    ------
    DataValidationError
        ``bad_encoding``: the file does not decode in the detected or given
        encoding; ``bad_row``: malformed records, naming the file, the line,
        the row's id when readable, and what was wrong.
    """
    if on_bad_rows not in BAD_ROW_POLICIES:
        raise ValueError(f"on_bad_rows must be one of {BAD_ROW_POLICIES}, not {on_bad_rows!r}")
    path = Path(path)
    enc, digest = sniff_file(path, encoding)
    data = _to_utf8(path.read_bytes(), enc, path, checked=encoding is None)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    name = table or path.stem
    if not data.strip():
        detail = (
            f"{path}: the file is empty ({path.stat().st_size} bytes); "
            "a table needs at least its header row"
        )
        raise DataValidationError([Problem("empty_file", name, "", 1, (), str(path), detail)])
    header = _header(data)
    wanted = [c for c in header if usecols is None or c in usecols]
    frame = pd.DataFrame(index=range(0))
    fixups: list[Issue] = []
    if header and wanted:
        frame, fixups = _read_records(data, header, wanted, path, name, id_column, on_bad_rows)
    if len(frame) == 0:
        fixups.append(
            Issue("no_rows", name, "", 0, (), f"0 rows: {path.name} holds a header only", WARNING)
        )
    frame.attrs["header"] = list(header)
    return RawTable(frame, str(path), digest, enc, fixups)


def _read_records(data, header, wanted, path, table, id_column, on_bad_rows):
    position = header.index(id_column) if id_column in header else None
    original = data
    bad: list[_BadRow] = []
    opener = _unclosed_quote(data)
    while opener is not None:
        start = data.rfind(b"\n", 0, opener) + 1
        stop = data.find(b"\n", opener)
        stop = len(data) if stop < 0 else stop + 1
        line = data.count(b"\n", 0, start) + 1
        bad.append(_BadRow(line, len(header), -1, data[start:stop].decode("utf-8", "replace")))
        if on_bad_rows == "error":
            break
        data = data[:start] + data[stop:]
        opener = _unclosed_quote(data)
    if not (bad and on_bad_rows == "error"):
        parsed, found = _parse(data, header, wanted, threads=True)
        if found and any(b.line is None for b in found):
            parsed, found = _parse(data, header, wanted, threads=False)
        bad = sorted(bad + found, key=lambda b: b.line or 0)
    if bad and on_bad_rows == "error":
        shown = "; ".join(_describe(b, id_column, position) for b in bad[:5])
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        detail = (
            f"{path}: {len(bad)} malformed row(s): {shown}{more}. Fix the file, or set "
            "load_options: {on_bad_rows: skip} to skip such rows (they are counted)"
        )
        examples = tuple(_describe(b, id_column, position) for b in bad[:5])
        raise DataValidationError(
            [Problem("bad_row", table, "", len(bad), examples, str(path), detail)]
        )
    frame = parsed.to_pandas()
    fixups = []
    if bad:
        lines = sum(b.text.count("\n") + 1 for b in bad if b.actual >= 0)
        lines += sum(1 for b in bad if b.actual < 0)
        fixups.append(
            Issue(
                "bad_row_skipped", table, "", len(bad),
                tuple(_describe(b, id_column, position) for b in bad[:5]),
                f"{len(bad)} malformed row(s) skipped, {lines} line(s) of {path.name} "
                "(on_bad_rows: skip)",
                FIXUP,
            )
        )  # fmt: skip
    else:
        lines = 0
    fixups += _line_accounting(original, frame, header, lines, path, table, id_column)
    if data is original and id_column in frame.columns:
        found = blank_id_lines(data, frame[id_column], [b.line for b in bad])
        if found:
            frame.attrs[RECORD_LINES] = found
    if has_controls(data):
        frame, fix = strip_controls(frame, table, id_column)
        fixups += [fix] if fix is not None else []
    return frame, fixups


#: At most this many blank-id rows get their line looked up (examples need five).
MAX_RECORD_LINES = 200


def blank_id_lines(data: bytes, ids: pd.Series, skipped=()) -> dict[int, int]:
    """``{row position: 1-based line}`` of the first rows whose id cell is blank.

    The line where each record starts is found from the bytes: a line feed
    outside quotes (an even number of ``"`` before it) ends a record; empty
    lines are not records; the header is the first record; records skipped
    as malformed (their lines ``skipped``) are dropped. Only run when some
    id is blank, so a blank id can be named by its line; ``{}`` when the
    records do not line up with ``ids`` (the caller then names the row).
    """
    arrow = pa.chunked_array(pa.array(ids.astype("string").array))
    blank = pc.equal(pc.utf8_trim_whitespace(arrow), "").fill_null(True)
    positions = np.flatnonzero(blank.to_numpy(zero_copy_only=False))[:MAX_RECORD_LINES]
    if not len(positions):
        return {}
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    inside = np.bitwise_xor.accumulate((arr == 34).astype(np.uint8))
    ends = newlines[inside[newlines] == 0]
    if not len(ends) or ends[-1] != len(arr) - 1:
        ends = np.append(ends, len(arr))
    starts = np.concatenate([[0], ends[:-1] + 1])
    length = ends - starts
    empty = (length == 0) | ((length == 1) & (arr[np.minimum(starts, len(arr) - 1)] == 13))
    lines = (np.searchsorted(newlines, starts) + 1)[~empty][1:]  # the header is record 1
    if len(skipped):
        lines = lines[~np.isin(lines, np.asarray(list(skipped), dtype=np.int64))]
    if len(lines) != len(ids):
        return {}
    return {int(p): int(lines[p]) for p in positions}


def _line_accounting(data, frame, header, skipped_lines, path, table, id_column) -> list[Issue]:
    """Physical lines = header + rows + skipped lines + line breaks inside values; else raise."""
    expected = _header_lines(data) + len(frame) + skipped_lines
    if physical_lines(data, exact=False) == expected:
        return []
    inside = physical_lines(data) - expected
    if inside == 0:
        return []
    if inside < 0:
        detail = (
            f"{path}: {physical_lines(data)} non-empty line(s) but {len(frame)} row(s) loaded "
            f"and {skipped_lines} skipped: the reader lost track of the records"
        )
        raise DataValidationError([Problem("bad_row", table, "", -inside, (), str(path), detail)])
    multi = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        arrow = pa.chunked_array(pa.array(frame[col].array))
        multi |= pc.match_substring(arrow, "\n").to_numpy(zero_copy_only=False).astype(bool)
    labels = (
        frame[id_column]
        if id_column in frame.columns
        else pd.Series([f"row {i + 1}" for i in np.flatnonzero(multi)[:5]], dtype="string")
    )
    examples = (
        tuple(labels[multi].head(5).tolist()) if id_column in frame.columns else tuple(labels)
    )
    n = max(int(multi.sum()), 1)
    return [
        Issue(
            "multiline_value", table, "", n, examples,
            f"{n} record(s) hold {inside} line break(s) inside quoted values ({path.name}); "
            "legitimate in CSV, but a missing closing quote also looks like this",
        )
    ]  # fmt: skip


def strip_controls(frame: pd.DataFrame, table: str, id_column: str | None = None):
    """Remove NUL and other C0 control characters (tab and newline kept) from text cells.

    Returns the frame and a ``control_characters`` fix-up (or None) counting
    the cells changed, with example row ids.
    """
    changed = np.zeros(len(frame), dtype=bool)
    cells = 0
    out = {}
    for col in frame.columns:
        s = frame[col]
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            out[col] = s
            continue
        arrow = pa.chunked_array(pa.array(s.astype("string").array))
        hit = pc.match_substring_regex(arrow, _CONTROL.pattern).to_numpy(zero_copy_only=False)
        hit = hit.astype(bool)
        if hit.any():
            cleaned = pc.replace_substring_regex(arrow, _CONTROL.pattern, "")
            out[col] = pd.Series(pd.arrays.ArrowStringArray(cleaned), index=s.index, name=col)
            changed |= hit
            cells += int(hit.sum())
        else:
            out[col] = s
    if not cells:
        return frame, None
    cleaned = pd.DataFrame(out, index=frame.index)
    cleaned.attrs = dict(frame.attrs)
    ids = frame[id_column] if id_column in frame.columns else None
    examples = (
        tuple(ids[changed].head(5).astype(str).tolist())
        if ids is not None
        else tuple(f"row {i + 1}" for i in np.flatnonzero(changed)[:5])
    )
    fix = Issue(
        "control_characters", table, "", cells, examples,
        f"{cells} cell(s) held NUL or other control characters; removed", FIXUP,
    )  # fmt: skip
    return cleaned, fix


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


_PARQUET_SUFFIXES = (".parquet", ".pq")


def parquet_parts(folder: Path) -> list[Path]:
    """The Parquet parts of a folder: its ``*.parquet`` / ``*.pq`` files, in name order.

    Hidden files (``.`` or ``_`` first, such as Spark's ``_SUCCESS``) are not parts.
    """
    return sorted(
        p
        for p in Path(folder).iterdir()
        if p.suffix.lower() in _PARQUET_SUFFIXES and p.is_file() and p.name[0] not in "._"
    )


def _bad_part(table: str, part: Path, detail: str) -> DataValidationError:
    return DataValidationError([Problem("unreadable_file", table, "", 1, (), str(part), detail)])


def read_parquet_parts(
    folder: Path, *, usecols: set[str] | None = None, table: str | None = None
) -> RawTable:
    """Read a folder of Parquet parts as one table, only the ``usecols`` columns when given.

    The parts (:func:`parquet_parts`) are concatenated in name order, and the
    frame equals reading the same rows from one file with
    :func:`read_parquet_raw`. Every part must be a readable Parquet file with
    the columns and types of the first; the digest covers every part's bytes.

    Raises
    ------
    DataValidationError
        ``unreadable_file`` naming the part that cannot be read as Parquet, or
        whose columns or types differ from the first part's.
    """
    import pyarrow.parquet as pq

    folder = Path(folder)
    table = table or folder.name.split(".")[0]
    parts = parquet_parts(folder)
    digest = hashlib.sha256()
    first: pa.Schema | None = None
    for part in parts:
        try:
            _, part_digest = sniff_file(part, encoding="binary")
            schema = pq.read_schema(part).remove_metadata()
        except (OSError, pa.ArrowException) as exc:
            detail = f"{part}: cannot be read as a Parquet part of {folder} ({exc})"
            raise _bad_part(table, part, detail) from None
        digest.update(part_digest.encode())
        if first is None:
            first = schema
        elif not schema.equals(first):
            detail = (
                f"{part}: its columns or types differ from {parts[0].name}'s "
                f"({', '.join(f'{f.name}: {f.type}' for f in schema)} against "
                f"{', '.join(f'{f.name}: {f.type}' for f in first)})"
            )
            raise _bad_part(table, part, detail)
    wanted = [c for c in first.names if usecols is None or c in usecols]
    try:
        frame = pd.read_parquet([str(p) for p in parts], columns=wanted)
    except (OSError, pa.ArrowException) as exc:
        detail = f"{folder}: a Parquet part cannot be read ({exc})"
        raise _bad_part(table, folder, detail) from None
    frame.attrs["header"] = list(first.names)
    return RawTable(frame, str(folder), digest.hexdigest(), None)


def read_file(path: Path, *, encoding=None, usecols=None, **csv_options) -> RawTable:
    """A ``.parquet``/``.pq`` file with :func:`read_parquet_raw`, anything else as CSV.

    A folder holding Parquet parts is read as one table with
    :func:`read_parquet_parts`. ``csv_options`` (``table``, ``id_column``,
    ``on_bad_rows``) go to :func:`read_csv_raw`. Any other folder, or a file
    that cannot be opened, is a ``unreadable_file`` error naming it.
    """
    path = Path(path)
    table = csv_options.get("table") or path.stem
    if path.is_dir():
        if parquet_parts(path):
            return read_parquet_parts(path, usecols=usecols, table=table)
        detail = (
            f"{path}: is a directory; expected a CSV or Parquet file, "
            "or a folder of Parquet parts (*.parquet)"
        )
        raise DataValidationError([Problem("unreadable_file", table, "", 1, (), str(path), detail)])
    try:
        if path.suffix.lower() in _PARQUET_SUFFIXES:
            return read_parquet_raw(path, usecols=usecols)
        return read_csv_raw(path, encoding=encoding, usecols=usecols, **csv_options)
    except OSError as exc:
        detail = f"{path}: cannot be read ({exc.strerror or exc})"
        raise DataValidationError(
            [Problem("unreadable_file", table, "", 1, (), str(path), detail)]
        ) from None

"""The loader: any supported CRM export into the canonical tables of :mod:`workbook.data.model`.

Sources (one reader each, under :mod:`workbook.data.readers`)
--------------------------------------------------------------
* nothing (``load()``): the bundled small sample, :func:`workbook.data.sample.generate`;
* a directory of ``<table>.csv`` / ``<table>.parquet`` files (Parquet wins when
  both exist), or explicit files, ``paths={table: path}``
  (:mod:`~workbook.data.readers.files`);
* ``preset="salesforce"``: a standard Salesforce data-export directory
  (:mod:`~workbook.data.readers.salesforce`);
* SQL, ``sql_url=`` plus ``queries={table: "SELECT ..."}`` through SQLAlchemy
  (:mod:`~workbook.data.readers.sql`).

Then every table goes through the same steps: column mapping and value
mapping (:mod:`workbook.data.mapping`), coercion to the canonical kinds
(:mod:`workbook.data.coercion`), the id checks, and validation
(:mod:`workbook.data.validate`). Errors are collected over all tables and
raised once as :class:`~workbook.data.validate.DataValidationError`.

:func:`resolve_as_of` answers "which as_of would :func:`load` use?" cheaply
(only the date columns are read), for the runner's up-front checks.

The readers', mapping and coercion functions that used to live here are
re-exported under their old names (``workbook.data.io.coerce_table`` ...).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from workbook.core.calendar import day
from workbook.core.docs import register, shared_docs
from workbook.data import model
from workbook.data import snapshot as _snapshot
from workbook.data.coercion import (
    coerce_frame,
    coerce_table,
    parse_bools,
    parse_dates,
    parse_numbers,
)
from workbook.data.guards import MAX_AMOUNT, MIN_DATE, guard_table
from workbook.data.mapping import map_columns, map_values, table_mapping
from workbook.data.readers.files import check_source, read_files
from workbook.data.readers.raw import RawTable, frame_digest
from workbook.data.readers.salesforce import missing_file_hint, read_salesforce
from workbook.data.readers.sql import read_sql
from workbook.data.validate import (
    DataQuality,
    DataValidationError,
    Issue,
    Problem,
    duplicate_id_problems,
    missing_columns_problem,
)
from workbook.data.validate import validate as _validate

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
    "snapshot_as_of",
    "table_mapping",
]

#: The keyword arguments of :func:`load` (and so of ``load_options``).
LOAD_OPTIONS = (
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
    "on_bad_rows",
    "max_amount",
    "min_date",
    "snapshot",
)

SAMPLE_LABEL = "bundled sample (scale=small, seed=0)"

register(
    load_parameters="""source : str or Path, optional
        A directory of ``<table>.csv`` / ``<table>.parquet`` files (Parquet
        preferred when both exist); a single CSV or Parquet file when exactly
        one table is requested; with ``preset="salesforce"`` a Salesforce
        export directory. ``None`` (and no ``paths`` / ``sql_url``) loads the
        bundled small sample.
    tables : str or list of str, optional
        Tables to load (default all of :data:`workbook.data.model.TABLES`).
        Required tables among them must exist; optional ones (contacts,
        users) are loaded when present.
    as_of : date-like, optional
        Observation end (a day; a time of day is dropped). Default: the
        sample's snapshot date for the sample, the ``as_of`` that a
        ``workbook sample`` directory declares in ``sample.json``, else
        :func:`default_as_of` (the latest event date in the data). ``""``
        means the default.
    preset : {"salesforce"}, optional
        Read ``source`` as a Salesforce data export (``Account.csv``,
        ``Lead.csv``, ``Task.csv`` ...; see
        :func:`workbook.data.readers.salesforce.read_salesforce`).
    columns : dict, optional
        Column mapping, per table ``{table: {canonical: source}}`` and/or
        flat ``{canonical: source}`` (applied to every table that has the
        canonical column); see :func:`workbook.data.mapping.table_mapping`.
    values : dict, optional
        Value mapping ``{table: {column: {raw: canonical}}}``, applied
        before coercion; see :func:`workbook.data.mapping.map_values`.
    paths : dict, optional
        Explicit file per table (CSV or Parquet), ``{table: path}``;
        overrides ``source`` for those tables.
    encoding : str, optional
        Force one text encoding for every CSV (default: detected per file,
        :func:`workbook.data.readers.files.sniff_file`).
    sql_url : str, optional
        SQLAlchemy URL of a database; with ``queries``.
    queries : dict, optional
        ``{table: "SELECT ..."}``, one query per table, for ``sql_url``.
    score_range : (float, float), optional
        Valid lead scores, both ends included (default
        :data:`workbook.data.model.SCORE_RANGE`, 0-100); scores outside are
        a warning.
    validate : bool, default True
        Run :func:`workbook.data.validate.validate` and set ``quality``.
        Conversion errors are raised either way.
    on_bad_rows : {"error", "skip"}, default "error"
        A CSV record with too many or too few fields, or a quote left open
        to the end of the file, stops the load (naming file, line and id);
        ``"skip"`` drops such records instead, counted with example lines as
        the fix-up ``bad_row_skipped`` in every report.
    max_amount : float, default 1e12
        Largest absolute amount accepted; ``inf``, ``-inf`` and larger
        amounts are errors naming file, column and ids
        (:mod:`workbook.data.guards`).
    min_date : date-like, default "1990-01-01"
        Event dates before it are a counted warning (``before_min_date``).
    snapshot : str or Path, optional
        A folder written by :func:`workbook.data.snapshot.write` (the
        runner's validated load). Its tables, ``as_of`` and ``quality`` are
        read as saved: no file is parsed, mapped or validated again. A
        ``source`` that is such a folder is read the same way.""",
)


# =========================================================================== as_of
def _requested(tables) -> list[str]:
    if tables is None:
        return list(model.TABLES)
    if isinstance(tables, str):
        tables = [tables]
    unknown = [t for t in tables if t not in model.SPECS]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; valid tables: {', '.join(model.TABLES)}")
    return [t for t in model.TABLES if t in set(tables)]


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
    return day(max(latest)) if latest else None


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
    try:
        declared = json.loads(manifest.read_text(encoding="utf-8")).get("as_of")
        return day(declared) if declared else None
    except (ValueError, AttributeError, UnicodeDecodeError) as exc:
        detail = (
            f"{manifest}: is not a valid workbook sample manifest ({exc}); "
            "rewrite it with `workbook sample` or delete it and pass as_of"
        )
        raise DataValidationError(
            [Problem("bad_manifest", "", "", 1, (), str(manifest), detail)]
        ) from None


def _is_sample(source, *, paths=None, sql_url=None, preset=None) -> bool:
    return source is None and not paths and not sql_url and not preset


@functools.lru_cache(maxsize=1)
def _sample_tables() -> dict[str, pd.DataFrame]:
    from workbook.data import sample

    return sample.generate(scale="small", seed=0)


def _sample_as_of() -> pd.Timestamp:
    from workbook.data import sample

    return pd.Timestamp(sample.SAMPLE_AS_OF)


@shared_docs
def resolve_as_of(source=None, **load_options) -> pd.Timestamp | None:
    """The as_of a :func:`load` with the same arguments would use, cheaply.

    The given ``as_of`` if any; the sample's ``SAMPLE_AS_OF`` for the bundled
    sample; the declared date of a ``workbook sample`` directory; for
    directories and explicit paths only the date columns are read; other
    sources (Salesforce preset, SQL) are loaded without validation. The
    keyword arguments are exactly those of :func:`load` (:data:`LOAD_OPTIONS`).

    Parameters
    ----------
    {load_parameters}

    Raises
    ------
    TypeError
        An option that :func:`load` does not take.
    DataValidationError
        A date that does not parse (with example ids), a missing source.
    """
    unknown = sorted(set(load_options) - set(LOAD_OPTIONS))
    if unknown:
        raise TypeError(
            f"unknown load option(s) {', '.join(unknown)}; valid: {', '.join(LOAD_OPTIONS)}"
        )
    as_of = load_options.get("as_of")
    if as_of is not None and as_of != "":
        return day(as_of)
    if load_options.get("snapshot") or _snapshot.is_snapshot(source):
        return _snapshot.read(load_options.get("snapshot") or source, tables=[]).as_of
    paths, sql_url, preset = (load_options.get(k) for k in ("paths", "sql_url", "preset"))
    if _is_sample(source, paths=paths, sql_url=sql_url, preset=preset):
        return _sample_as_of()
    if not paths and not sql_url and (snapshot := snapshot_as_of(source)) is not None:
        return snapshot
    requested = [t for t in _requested(load_options.get("tables")) if _as_of_columns(t)]
    if sql_url or preset:
        options = {k: v for k, v in load_options.items() if k not in ("validate", "tables")}
        return load(source, tables=requested, validate=False, **options).as_of
    return _prescan_as_of(source, requested, paths, load_options)


def _prescan_as_of(source, requested, paths, load_options) -> pd.Timestamp | None:
    """:func:`default_as_of` of files, reading and coercing only their date columns."""
    source, paths = check_source(source, paths, requested)
    raws = read_files(
        source,
        requested,
        paths=paths,
        columns=load_options.get("columns"),
        encoding=load_options.get("encoding"),
        only={t: _as_of_columns(t) for t in requested},
        on_bad_rows=load_options.get("on_bad_rows") or "error",
    )
    frames, problems = {}, []
    for table, raw in raws.items():
        coerced = coerce_frame(raw.frame, table, file=raw.file, subset=_as_of_columns(table))
        problems += coerced.problems
        frames[table] = coerced.frame
    if problems:
        raise DataValidationError(problems)
    return default_as_of(frames)


# =========================================================================== read
class _Read(NamedTuple):
    """What a reader gave: which reader, the source label, raw tables, and the source used."""

    reader: str
    label: str
    raws: dict[str, RawTable]
    source: object
    paths: Mapping | None


def _read(
    source, requested, *, preset, columns, paths, encoding, sql_url, queries, on_bad_rows="error"
) -> _Read:
    """Pick the reader for the arguments of :func:`load` and read the raw tables."""
    if preset and source is not None and not Path(source).is_dir():
        raise DataValidationError(
            [Problem("missing_source", "", "", 1, (), str(source), f"{source}: no such directory")]
        )
    if preset not in (None, "", "salesforce"):
        raise ValueError(f"unknown preset {preset!r}; the only preset is 'salesforce'")
    if sql_url:
        raws = {
            t: RawTable(map_columns(r.frame, t, table_mapping(t, columns)), r.file, r.digest, None)
            for t, r in read_sql(sql_url, queries or {}, requested).items()
        }
        label = next(iter(raws.values())).file.split(" [")[0] if raws else "sql"
        return _Read("sql", label, raws, source, paths)
    if preset:
        if source is None:
            raise ValueError("preset='salesforce' needs the export directory as source")
        raws = read_salesforce(Path(source), requested, columns=columns, encoding=encoding)
        return _Read("salesforce", str(source), raws, source, paths)
    if _is_sample(source, paths=paths):
        raws = {
            t: RawTable(frame.copy(), f"sample:{t}", "")
            for t, frame in _sample_tables().items()
            if t in requested
        }
        return _Read("sample", SAMPLE_LABEL, raws, source, paths)
    label = str(source) if source is not None else "paths"
    source, paths = check_source(source, paths, requested)
    raws = read_files(
        source, requested, paths=paths, columns=columns, encoding=encoding,
        on_bad_rows=on_bad_rows,
    )  # fmt: skip
    return _Read("files", label, raws, source, paths)


def _missing_table_problem(table: str, read: _Read) -> Problem:
    source = read.source
    if read.reader == "salesforce":
        where = f"{source}: no {missing_file_hint(table)} for required table '{table}'"
    elif read.reader == "sql":
        where = f"no query for required table '{table}' (queries: {{{table}: 'SELECT ...'}})"
    elif read.reader == "sample":
        where = f"the sample has no table '{table}'"
    else:
        where = (
            f"{source}: required table '{table}' not found "
            f"(expected {table}.csv or {table}.parquet, or paths: {{{table}: <file>}})"
        )
    return Problem("missing_table", table, "", 1, (), str(source or ""), where)


def _canonical(
    read: _Read, requested, values, guards=None
) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Map values, check columns, coerce and check ids of every table; raise all problems."""
    problems: list[Problem] = [
        _missing_table_problem(t, read)
        for t in requested
        if t not in read.raws and not model.SPECS[t].optional
    ]
    frames: dict[str, pd.DataFrame] = {}
    fixups: list[Issue] = []
    for table in requested:
        raw = read.raws.get(table)
        if raw is None:
            continue
        frame, value_fixups = map_values(raw.frame, table, values)
        if "header" in raw.frame.attrs:
            frame.attrs["header"] = raw.frame.attrs["header"]
        required = model.SPECS[table].required_columns
        if not set(required) <= set(frame.columns):
            found = frame.attrs.get("header", list(frame.columns))
            missing = [c for c in required if c not in frame.columns]
            problems.append(missing_columns_problem(table, missing, found, raw.file))
            continue
        coerced = coerce_frame(frame, table, file=raw.file)
        problems += coerced.problems
        problems += duplicate_id_problems(coerced.frame, table, raw.file)
        fixups += raw.fixups + value_fixups + coerced.fixups
        if guards is not None:
            found, warned = guard_table(frame, coerced.frame, table, file=raw.file, **guards)
            problems += found
            fixups += warned
        frames[table] = coerced.frame
    if problems:
        raise DataValidationError(problems)
    return frames, fixups


def _observation_end(as_of, read: _Read, frames) -> pd.Timestamp | None:
    if as_of is not None and as_of != "":
        return day(as_of)
    if read.reader == "sample":
        return _sample_as_of()
    if read.reader != "sql" and not read.paths:
        snapshot = snapshot_as_of(read.source)
        if snapshot is not None:
            return snapshot
    return default_as_of(frames)


def _fingerprint(read: _Read, frames) -> str:
    """First 12 hex digits of a sha256 over the files' digests (the frames' for SQL, sample)."""
    if read.reader in ("sample", "sql"):
        digests = {t: frame_digest(frames[t]) for t in frames}
    else:
        digests = {t: read.raws[t].digest for t in frames}
    text = "\n".join(f"{t}:{d}" for t, d in sorted(digests.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _metadata(read: _Read, requested, preset, frames, fixups) -> dict:
    return {
        "reader": read.reader,
        "preset": preset or None,
        "files": {t: read.raws[t].file for t in frames},
        "encodings": {t: read.raws[t].encoding for t in frames if read.raws[t].encoding},
        "tables_requested": requested,
        "fixups": [f.check for f in fixups],
    }


# =========================================================================== load
@shared_docs
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
    on_bad_rows="error",
    max_amount=None,
    min_date=None,
    snapshot=None,
) -> model.CrmData:
    """Load, coerce and validate CRM tables: the first call of every analysis.

    Parameters
    ----------
    {load_parameters}

    Returns
    -------
    CrmData
        With ``tables`` (one DataFrame per loaded table, canonical columns
        and dtypes; also ``crm.leads`` ...), ``as_of``, ``quality`` (the
        :class:`~workbook.data.validate.DataQuality` warnings, or ``None``
        without validation), ``source``, ``fingerprint`` (first 12 hex digits
        of a sha256 over the files' bytes, or over the frames for SQL and the
        sample) and ``metadata`` (reader, preset, files, encodings, fix-ups).

    Raises
    ------
    DataValidationError
        Missing source, required table or column, duplicated id,
        unparseable date, non-numeric number, unrecognised boolean or
        undecodable file; every problem of every table at once, each naming
        file, table, column, count and example ids. The CLI (``workbook run``,
        ``workbook validate``) prints them and exits with status 2.
    ValueError
        An unknown table name or preset.

    Examples
    --------
    >>> import workbook
    >>> crm = workbook.load()                      # the bundled sample
    >>> crm.leads.shape[1]
    11
    >>> crm = workbook.load("export/", as_of="2024-03-31")           # doctest: +SKIP
    >>> crm = workbook.load("sf_export/", preset="salesforce")       # doctest: +SKIP
    >>> crm = workbook.load(snapshot="run.tmp/snapshot")              # doctest: +SKIP
    >>> crm = workbook.load(
    ...     sql_url="sqlite:///crm.db",
    ...     queries={{"leads": "SELECT * FROM lead"}},
    ...     tables=["leads"],
    ... )                                                            # doctest: +SKIP
    """
    if snapshot is not None or _snapshot.is_snapshot(source):
        return _snapshot.read(snapshot or source, tables=tables, as_of=as_of)
    requested = _requested(tables)
    read = _read(
        source, requested, preset=preset, columns=columns, paths=paths, encoding=encoding,
        sql_url=sql_url, queries=queries, on_bad_rows=on_bad_rows,
    )  # fmt: skip
    guards = {
        "clock_day": pd.Timestamp.now().normalize(),  # the load's clock, read once
        "max_amount": MAX_AMOUNT if max_amount is None else float(max_amount),
        "min_date": MIN_DATE if min_date in (None, "") else min_date,
    }
    frames, fixups = _canonical(read, requested, values, guards)
    as_of_ts = _observation_end(as_of, read, frames)
    files = {t: read.raws[t].file for t in frames}
    quality = None
    if validate:
        score_range = tuple(score_range) if score_range else model.SCORE_RANGE
        # Duplicate ids were checked above, per table, before raising.
        quality = _validate(
            frames, as_of=as_of_ts, score_range=score_range, files=files, fixups=fixups,
            check_duplicate_ids=False,
        )  # fmt: skip
    return model.CrmData(
        tables=frames,
        source=read.label,
        fingerprint=_fingerprint(read, frames),
        quality=quality,
        as_of=as_of_ts,
        metadata=_metadata(read, requested, preset, frames, fixups),
    )

"""The loader: any supported CRM export into the canonical tables of :mod:`workbook.data.model`.

Sources (one reader each, under :mod:`workbook.data.readers`)
--------------------------------------------------------------
* nothing (``load()``): the bundled small sample, :func:`workbook.data.sample.generate`;
* a directory of ``<table>.csv`` / ``<table>.parquet`` files or ``<table>/``
  folders of Parquet parts (Parquet wins when both exist), or explicit files
  or part folders, ``paths={table: path}``
  (:mod:`~workbook.data.readers.export`, each file by :mod:`~workbook.data.readers.files`);
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

import dataclasses
import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from workbook.core.calendar import day
from workbook.core.docs import register, shared_docs
from workbook.core.engine_url import is_url, redact_url
from workbook.data import model
from workbook.data import snapshot as _snapshot
from workbook.data._load_docs import LOAD_PARAMETERS
from workbook.data.blanks import exclude_tables
from workbook.data.coercion import (
    coerce_frame,
    coerce_table,
    parse_bools,
    parse_dates,
    parse_numbers,
)
from workbook.data.guards import guard_settings, guard_table
from workbook.data.mapping import map_columns, map_values, table_mapping
from workbook.data.options import (
    absent_columns_problem,
    apply_constants,
    check_names,
    excluded_problem,
    owner_from_opportunities,
    plan_tables,
    requested_tables,
)
from workbook.data.readers.database import read_database
from workbook.data.readers.export import check_source, read_files
from workbook.data.readers.raw import RECORD_LINES, RawTable, frame_digest
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
    "date_formats",
    "dayfirst",
    "filters",
    "constants",
    "account_owner",
    "missing",
    "on_bad_rows",
    "max_amount",
    "min_date",
    "snapshot",
    "engine",
)

SAMPLE_LABEL = "bundled sample (scale=small, seed=0)"

register(load_parameters=LOAD_PARAMETERS)


# =========================================================================== as_of
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
    _check_options(load_options)
    requested = [t for t in requested_tables(load_options.get("tables")) if _as_of_columns(t)]
    if sql_url or preset or is_url(source):
        # Dates only: no engine is reached for them.
        skip = ("validate", "tables", "engine")
        options = {k: v for k, v in load_options.items() if k not in skip}
        return load(source, tables=requested, validate=False, engine="", **options).as_of
    return _prescan_as_of(source, requested, paths, load_options)


def _check_options(options: Mapping) -> None:
    check_names(
        paths=options.get("paths"), columns=options.get("columns"), values=options.get("values"),
        constants=options.get("constants"), filters=options.get("filters"),
        date_formats=options.get("date_formats"), account_owner=options.get("account_owner"),
        missing=options.get("missing") or "error",
    )  # fmt: skip


def _prescan_as_of(source, requested, paths, load_options) -> pd.Timestamp | None:
    """:func:`default_as_of` of files, reading and coercing only their date columns.

    The same mapping as :func:`load` applies (columns, filters, constants,
    values, date rules), so the pre-scan sees the rows and values the full
    load will see; so do the load's date guards (:mod:`workbook.data.guards`):
    an event date after the clock day + 1 or a ``now``/``today`` cell is an
    error naming file, column and ids, never the default ``as_of``.
    """
    source, paths = check_source(source, paths, requested)
    raws = read_files(
        source,
        requested,
        paths=paths,
        columns=load_options.get("columns"),
        encoding=load_options.get("encoding"),
        only={t: _as_of_columns(t) + _date_columns(t) for t in requested},
        filters=load_options.get("filters"),
        on_bad_rows=load_options.get("on_bad_rows") or "error",
    )
    frames, problems = {}, []
    guards = guard_settings(
        max_amount=load_options.get("max_amount"), min_date=load_options.get("min_date")
    )
    for table, raw in raws.items():
        subset = list(dict.fromkeys(_as_of_columns(table) + _date_columns(table)))
        frame, _, found = _prepare(raw, table, load_options, subset=subset)
        problems += found
        if frame is not None:  # the load's guards: no future or literal date sets as_of
            problems += guard_table(raw.frame, frame, table, file=raw.file, **guards)[0]
            frames[table] = frame
    if problems:
        raise DataValidationError(problems)
    return default_as_of(frames)


def _date_columns(table: str) -> list[str]:
    """Every date column: the pre-scan reads them so the date rules see the same evidence."""
    return model.SPECS[table].columns_of_kind("date")


def _prepare(raw: RawTable, table: str, options: Mapping, *, subset=None):
    """Constants, value maps and coercion under the date rules: one table, as :func:`load` does.

    Returns ``(frame or None, fix-ups, problems)``; ``subset`` coerces only
    those columns (the pre-scan) and skips the required-column check.
    """
    frame, const_fixups, problems = apply_constants(
        raw.frame, table, options.get("constants"), file=raw.file
    )
    if problems:
        return None, [], problems
    frame, value_fixups = map_values(frame, table, options.get("values"))
    if "header" in raw.frame.attrs:
        frame.attrs["header"] = raw.frame.attrs["header"]
    if subset is None:
        required = model.SPECS[table].required_columns
        if not set(required) <= set(frame.columns):
            found = frame.attrs.get("header", list(frame.columns))
            missing = [c for c in required if c not in frame.columns]
            return None, [], [missing_columns_problem(table, missing, found, raw.file)]
    coerced = coerce_frame(
        frame, table, file=raw.file, subset=subset,
        date_formats=(options.get("date_formats") or {}).get(table),
        dayfirst=options.get("dayfirst"),
    )  # fmt: skip
    return coerced.frame, const_fixups + value_fixups + coerced.fixups, coerced.problems


# =========================================================================== read
class _Read(NamedTuple):
    """What a reader gave: which reader, the source label, raw tables, and the source used."""

    reader: str
    label: str
    raws: dict[str, RawTable]
    source: object
    paths: Mapping | None


def _read(
    source, requested, *, preset, columns, paths, encoding, sql_url, queries, filters=None,
    on_bad_rows="error",
) -> _Read:
    """Pick the reader for the arguments of :func:`load` and read the raw tables."""
    database = is_url(source)
    if filters and (sql_url or preset or database):
        detail = (
            "load_options.filters applies to files and paths; filter in the SQL query "
            "(or a view, for a database source), or export the rows you need"
        )
        raise DataValidationError([Problem("unsupported_option", "", "", 1, (), "", detail)])
    if preset and source is not None and not Path(source).is_dir():
        raise DataValidationError(
            [Problem("missing_source", "", "", 1, (), str(source), f"{source}: no such directory")]
        )
    if preset not in (None, "", "salesforce"):
        raise ValueError(f"unknown preset {preset!r}; the only preset is 'salesforce'")
    if sql_url:
        raws = _renamed(read_sql(sql_url, queries or {}, requested), columns)
        label = next(iter(raws.values())).file.split(" [")[0] if raws else "sql"
        return _Read("sql", label, raws, source, paths)
    if database:  # the tables where they live; paths name them (readers/database.py)
        raws = _renamed(read_database(source, requested, names=paths, columns=columns), columns)
        return _Read("database", redact_url(source), raws, source, None)
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
        source, requested, paths=paths, columns=columns, encoding=encoding, filters=filters,
        on_bad_rows=on_bad_rows,
    )  # fmt: skip
    _check_flat_columns(columns, raws)
    return _Read("files", label, raws, source, paths)


def _renamed(raws: Mapping[str, RawTable], columns) -> dict[str, RawTable]:
    """Raw tables of a SQL or database reader with the ``columns`` mapping applied.

    The files reader maps as it reads; these two read first. A table's own
    header (``frame.attrs["header"]``), when the reader knows it, is kept.
    """
    out = {}
    for t, r in raws.items():
        mapped = map_columns(r.frame, t, table_mapping(t, columns))
        if "header" in r.frame.attrs:
            mapped.attrs["header"] = r.frame.attrs["header"]
        out[t] = RawTable(mapped, r.file, r.digest, None)
    return out


def _check_flat_columns(columns, raws: Mapping[str, RawTable]) -> None:
    """A flat ``columns`` entry whose source column is in none of the files is an error."""
    if not isinstance(columns, Mapping):
        return
    problems = []
    for canonical, source in columns.items():
        if isinstance(source, Mapping):
            continue
        tables = [t for t in raws if canonical in model.SPECS[t].column_names]
        headers = {t: raws[t].frame.attrs.get("header", []) for t in tables}
        if tables and not any(str(source) in h or canonical in h for h in headers.values()):
            seen = sorted({c for h in headers.values() for c in h})
            problems.append(
                absent_columns_problem(
                    ", ".join(tables), "columns", [str(source)], seen, ", ".join(
                        raws[t].file for t in tables)
                )
            )
    if problems:
        raise DataValidationError(problems)


def _missing_table_problem(table: str, read: _Read) -> Problem:
    source = read.source
    if read.reader == "salesforce":
        where = f"{source}: no {missing_file_hint(table)} for required table '{table}'"
    elif read.reader == "sql":
        where = f"no query for required table '{table}' (queries: {{{table}: 'SELECT ...'}})"
    elif read.reader == "sample":
        where = f"the sample has no table '{table}'"
    elif read.reader == "database":
        where = (
            f"{read.label}: required table '{table}' not found in the database "
            f"(a table or view named {table}, or paths: {{{table}: <schema.table>}})"
        )
    else:
        where = (
            f"{source}: required table '{table}' not found "
            f"(expected {table}.csv, {table}.parquet or a folder {table}/ of Parquet parts, "
            f"or paths: {{{table}: <file>}})"
        )
    return Problem("missing_table", table, "", 1, (), str(source or ""), where)


def _canonical(
    read: _Read, requested, options: Mapping, *, must_exist, excluded=(), guards=None
) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Map values, check columns, coerce and check ids of every table; raise all problems."""
    problems: list[Problem] = [excluded_problem(list(excluded))] if excluded else []
    problems += [_missing_table_problem(t, read) for t in must_exist if t not in read.raws]
    frames: dict[str, pd.DataFrame] = {}
    fixups: list[Issue] = []
    for table in requested:
        raw = read.raws.get(table)
        if raw is None:
            continue
        frame, table_fixups, found = _prepare(raw, table, options)
        problems += found
        if frame is None:
            continue
        problems += duplicate_id_problems(frame, table, raw.file)
        fixups += raw.fixups + table_fixups
        if guards is not None:  # raw and coerced rows align: constants and values drop none
            found, warned = guard_table(raw.frame, frame, table, file=raw.file, **guards)
            problems += found
            fixups += warned
        frames[table] = frame
        # Only the raw table's attrs, file and digest are needed from here on:
        # drop its rows, so the load holds one copy of each table, not two.
        read.raws[table] = _without_rows(raw)
        del raw
        pa.default_memory_pool().release_unused()  # hand the freed buffers back now
    if problems:
        raise DataValidationError(problems)
    return frames, fixups


def _without_rows(raw: RawTable) -> RawTable:
    """``raw`` with an empty frame of the same columns and ``attrs`` (a new frame, no view)."""
    empty = pd.DataFrame(columns=raw.frame.columns)
    empty.attrs = dict(raw.frame.attrs)
    return dataclasses.replace(raw, frame=empty)


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
    if read.reader in ("sample", "sql", "database"):
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
    date_formats=None,
    dayfirst=None,
    filters=None,
    constants=None,
    account_owner=None,
    missing="error",
    on_bad_rows="error",
    max_amount=None,
    min_date=None,
    snapshot=None,
    engine=None,
    uses=None,
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
        An unknown table name or preset; an ``engine`` that cannot be
        reached (the message names its URL, password hidden).

    Examples
    --------
    >>> import workbook
    >>> crm = workbook.load()                      # the bundled sample
    >>> crm.leads.shape[1]
    11
    >>> crm = workbook.load("export/", as_of="2024-03-31")           # doctest: +SKIP
    >>> crm = workbook.load("sf_export/", preset="salesforce")       # doctest: +SKIP
    >>> crm = workbook.load(
    ...     sql_url="sqlite:///crm.db",
    ...     queries={{"leads": "SELECT * FROM lead"}},
    ...     tables=["leads"],
    ... )                                                            # doctest: +SKIP
    >>> crm = workbook.load(snapshot="run.tmp/snapshot")              # doctest: +SKIP
    >>> crm = workbook.load("export/", engine="postgres://ana@db/crm")  # doctest: +SKIP
    """
    engine = _engine(engine)
    if snapshot is not None or _snapshot.is_snapshot(source):
        # The runner's validated snapshot: the tables this caller uses (or asks for).
        wanted = tables if tables is not None else uses
        return _bound(_snapshot.read(snapshot or source, tables=wanted, as_of=as_of), engine)
    missing = missing or "error"
    check_names(
        paths=paths, columns=columns, values=values, constants=constants, filters=filters,
        date_formats=date_formats, account_owner=account_owner, missing=missing,
    )  # fmt: skip
    requested, must_exist, excluded = plan_tables(tables, uses, missing)
    read = _read(
        source, requested, preset=preset, columns=columns, paths=paths, encoding=encoding,
        sql_url=sql_url, queries=queries, filters=filters, on_bad_rows=on_bad_rows,
    )  # fmt: skip
    shaping = {
        "values": values, "constants": constants, "date_formats": date_formats,
        "dayfirst": dayfirst,
    }  # fmt: skip
    guards = guard_settings(max_amount=max_amount, min_date=min_date)
    frames, fixups = _canonical(
        read, requested, shaping, must_exist=must_exist, excluded=excluded, guards=guards
    )
    # The default as_of sees every row read (as the pre-scan does); then rows with a
    # blank required cell are left out, counted (workbook.data.blanks).
    as_of_ts = _observation_end(as_of, read, frames)
    frames, excluded, left_out = exclude_tables(
        frames, {t: read.raws[t].file for t in frames},
        {t: read.raws[t].frame.attrs.get(RECORD_LINES, {}) for t in frames},
    )  # fmt: skip
    fixups += left_out
    if account_owner == "from_opportunities":
        filled = owner_from_opportunities(frames, as_of=as_of_ts)
        fixups += [filled] if filled is not None else []
    files = {t: read.raws[t].file for t in frames}
    quality = None
    if validate:
        # Duplicate ids were checked above, per table, before raising.
        quality = _validate(
            frames, as_of=as_of_ts, score_range=tuple(score_range or model.SCORE_RANGE),
            files=files, fixups=fixups,
            check_duplicate_ids=False, engine=engine,
        )  # fmt: skip
    metadata = _metadata(read, requested, preset, frames, fixups)
    if score_range:  # the declared range: the scoring report's default grid and bands
        metadata["score_range"] = [float(v) for v in score_range]
    crm = model.CrmData(
        tables=frames,
        source=read.label,
        fingerprint=_fingerprint(read, frames),
        quality=quality,
        as_of=as_of_ts,
        metadata=metadata,
        excluded=excluded,
    )
    return _bound(crm, engine)


def _engine(engine):
    """The :class:`~workbook.engine.Engine` that ``engine=`` names, reached now; ``None`` for DuckDB.

    ``None`` is ``$WORKBOOK_ENGINE`` (:func:`workbook.core.engine_url.engine_url`),
    which the runner sets in each kernel to the run's ``--engine``. Connected
    before any file is read, so a wrong URL fails at once.
    """
    from workbook.core.engine_url import engine_url

    if not hasattr(engine, "backend"):  # a URL, a name or None; else an Engine
        engine = engine_url(engine)
        if engine is None:
            return None
    from workbook.engine import for_url

    return for_url(engine)


def _bound(crm: model.CrmData, engine) -> model.CrmData:
    """``crm`` bound to ``engine`` (:func:`workbook.engine.bind`), when :func:`_engine` named one."""
    if engine is None:
        return crm
    from workbook.engine import bind

    return bind(crm, engine)

"""Connections and table registration for :mod:`workbook.engine`."""

from __future__ import annotations

import collections
import io
import itertools
import os
import tempfile
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlglot as sg

from workbook.core.engine_url import EMBEDDED, engine_url, redact_url

__all__ = [
    "EMBEDDED",
    "Engine",
    "bind",
    "canonical_columns",
    "canonical_table",
    "canonical_tables",
    "connect",
    "default",
    "for_crm",
    "for_url",
    "frame_for",
    "set_default",
    "timestamp_literal",
]

#: Environment variable with the embedded DuckDB's thread count (:func:`connect`).
THREADS_ENV = "WORKBOOK_DUCKDB_THREADS"
#: DuckDB's memory limit when none is given (``WORKBOOK_DUCKDB_MEMORY`` overrides).
DEFAULT_MEMORY_LIMIT = "4GB"

_names = itertools.count(1)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table: no index, columns as they are."""
    return pa.Table.from_pandas(frame, preserve_index=False)


#: Growth of the process during one embedded query, in MB, above which
#: :meth:`Engine.arrow` restarts DuckDB's workers (:meth:`Engine.release_worker_memory`).
RELEASE_AFTER_MB = 64.0

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0


def _resident_private_mb() -> float:
    """Resident memory not backed by files (``/proc/self/statm``: resident - shared), in MB.

    0 where ``/proc`` is absent, so the restart is then never triggered.
    """
    try:
        with open("/proc/self/statm") as f:
            fields = f.read().split()
        return (int(fields[1]) - int(fields[2])) * _PAGE_MB
    except (OSError, IndexError, ValueError):
        return 0.0


def _nanoseconds(table: pa.Table) -> pa.Table:
    """``table`` with every timestamp column in nanoseconds (the pandas ``date`` dtype)."""
    schema = pa.schema(
        [
            f.with_type(pa.timestamp("ns", f.type.tz))
            if pa.types.is_timestamp(f.type) and f.type.unit != "ns"
            else f
            for f in table.schema
        ],
        metadata=table.schema.metadata,
    )
    return table if schema.equals(table.schema) else table.cast(schema)


def _copy_to_postgres(
    backend, name: str, data: pa.Table, batch_rows: int = 200_000, *, temporary: bool = True
) -> None:
    """Temporary table ``name`` holding ``data`` in PostgreSQL, filled with ``COPY``.

    ``temporary=False`` makes a table that outlives the connection (``name``
    may then be ``schema.table``): how the tests put canonical tables in a
    database for the database reader.

    ibis's own ``create_table`` inserts an Arrow table row by row
    (``executemany``) into a second temporary table, which it leaves behind
    (its drop is the sqlglot fault of docs/performance.md); COPY of Arrow's CSV
    is vectorised (about 20x faster on the sample's 58k activities). Arrow
    quotes every string and leaves NULL unquoted, which is what ``COPY ... CSV``
    reads as NULL (an empty quoted string stays an empty string).
    """
    untyped = [f.name for f in data.schema if pa.types.is_null(f.type)]
    if untyped:
        raise TypeError(
            f"columns {untyped} have no type (all missing, object dtype): PostgreSQL needs one; "
            "give them a dtype first (the canonical tables always have one)"
        )
    schema, _, bare = name.rpartition(".") if not temporary else ("", "", name)
    quoted = sg.table(bare, db=schema or None, quoted=True)
    columns = ibis.Schema.from_pyarrow(data.schema).to_sqlglot_column_defs(backend.dialect)
    properties = [sg.exp.TemporaryProperty()] if temporary else []
    create = sg.exp.Create(
        kind="TABLE",
        this=sg.exp.Schema(this=quoted, expressions=columns),
        properties=sg.exp.Properties(expressions=properties),
    ).sql(backend.dialect)
    options = pa_csv.WriteOptions(include_header=False)
    con = backend.con
    with con.cursor() as cursor, con.transaction():
        cursor.execute(create)
        with cursor.copy(f"COPY {quoted.sql(backend.dialect)} FROM STDIN (FORMAT csv)") as copy:
            for batch in data.to_batches(max_chunksize=batch_rows):
                sink = io.BytesIO()
                pa_csv.write_csv(batch, sink, options)
                copy.write(sink.getvalue())


@dataclass(eq=False)
class Engine:
    """Where Ibis expressions run.

    Parameters
    ----------
    backend : ibis backend
        A connected Ibis backend (``ibis.duckdb.connect()``, ``ibis.postgres.connect(...)``).
    name : str
        ``"duckdb"`` for the embedded default, else the backend's name.
    url : str or None
        The connection string the engine was made from (``None`` for the default).

    Notes
    -----
    Registered frames are remembered per frame object (by identity, with a weak
    reference), so asking twice for the tables of one ``CrmData`` registers
    nothing new, and a frame that is garbage collected is dropped from the
    engine too. So an expression must not outlive the frames it was built on
    (a ``CrmData``'s tables live as long as it does).

    The drop is deferred: the weak reference's callback only notes the table,
    and the engine drops it at its next use (:meth:`table`, :meth:`arrow`,
    :meth:`sql_arrow` or :meth:`drop_collected`), outside any query. The
    callback runs wherever the frame happens to be freed: in another thread
    (a kernel's I/O threads collect garbage too) or inside a query that calls
    back into Python, and dropping a table on a connection that is running a
    query deadlocks DuckDB, or closes the query under it ("Attempting to
    execute an unsuccessful or closed pending query result").
    """

    backend: object
    name: str = "duckdb"
    url: str | None = None
    _registered: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: (key, name) of registered frames that were garbage collected, not yet dropped.
    _collected: collections.deque = field(default_factory=collections.deque, repr=False)

    @property
    def embedded(self) -> bool:
        """True for in-process DuckDB (frames can be registered without copying)."""
        return self.name == "duckdb"

    # -- tables --------------------------------------------------------------
    def table(self, frame: pd.DataFrame, label: str = "t") -> ibis.Table:
        """``frame`` as an Ibis table in this engine (registered once per frame object)."""
        self.drop_collected()
        key = id(frame)
        with self._lock:
            hit = self._registered.get(key)
            if hit is not None and hit[0]() is frame:
                return self.backend.table(hit[1])
            name = f"wb_{label}_{next(_names)}"
            data = _arrow(frame)
            if self.embedded:
                self.backend.con.register(name, data)
            elif self.name == "postgres":
                _copy_to_postgres(self.backend, name, data)
            else:
                self.backend.create_table(name, data, temp=True)
            ref = weakref.ref(frame, lambda _r, n=name, k=key: self._collected.append((k, n)))
            self._registered[key] = (ref, name)
        return self.backend.table(name)

    def drop_collected(self) -> int:
        """Drop the tables of registered frames that were garbage collected; how many.

        Called by every method that uses the connection, before it does (see
        the class notes on why a collected frame's table is not dropped at once).
        """
        dropped = 0
        while self._collected:
            try:
                key, name = self._collected.popleft()
            except IndexError:  # another thread took the last one
                break
            with self._lock:
                hit = self._registered.get(key)
                if hit is not None and hit[1] == name:
                    del self._registered[key]
            self._drop(name)
            dropped += 1
        return dropped

    def _drop(self, name: str) -> None:
        try:
            if self.embedded:
                self.backend.con.unregister(name)
            else:
                # Not backend.drop_table: with sqlglot >= 30.18 ibis 12.0 renders it as a
                # nameless "DROP TABLE IF EXISTS" (see docs/performance.md).
                quoted = sg.to_identifier(name, quoted=True).sql(self.backend.dialect)
                cursor = self.backend.raw_sql(f"DROP TABLE IF EXISTS {quoted}")
                getattr(cursor, "close", lambda: None)()
        except Exception:  # noqa: BLE001 - the connection may be closed at exit
            pass

    def tables(self, crm, names=None) -> dict[str, ibis.Table]:
        """The canonical tables of ``crm`` (all loaded ones, or ``names``) as Ibis tables."""
        wanted = list(crm.tables) if names is None else [n for n in names if n in crm.tables]
        return {n: self.table(crm.tables[n], n) for n in wanted}

    # -- results -------------------------------------------------------------
    def arrow(self, expr) -> pa.Table:
        """Execute ``expr`` here; the result as an Arrow table.

        On the embedded engine, when the process grew by more than
        :data:`RELEASE_AFTER_MB` during the query, the worker threads are then
        restarted (:meth:`release_worker_memory`). Small queries skip it: a
        restart costs the next query its warm threads (about 5% on the
        scoring and cohort stages when done after every query).
        """
        return self._run(lambda: self.backend.to_pyarrow(expr))

    def sql_arrow(self, sql: str) -> pa.Table:
        """Run DuckDB SQL text on the embedded connection; the result as an Arrow table.

        For SQL compiled once and reused (:func:`workbook.core.families.ultimate_parents`),
        which Ibis would otherwise parse again on every call. Run as :meth:`arrow` runs
        an expression (collected tables dropped first, the workers restarted after a
        large query).
        """
        if not self.embedded:
            raise TypeError(f"sql_arrow runs DuckDB SQL; this engine is {self.name}")
        return self._run(lambda: self.backend.con.sql(sql).to_arrow_table())

    def _run(self, query) -> pa.Table:
        """``query()``, after dropping collected tables; the workers restarted if it grew the process."""
        self.drop_collected()
        before = _resident_private_mb()
        out = query()
        if _resident_private_mb() - before > RELEASE_AFTER_MB:
            self.release_worker_memory()
        return out

    def release_worker_memory(self) -> None:
        """Restart embedded DuckDB's worker threads, so what they keep after a query is freed.

        A DuckDB worker keeps the memory of the hash tables and partitions it
        built until it exits (``duckdb_memory()`` shows none of it): after one
        link query over the large sample's 6M activities, about 600 MB per
        process. Setting ``threads`` to another count and back ends and
        restarts the workers, which frees it; it takes well under a
        millisecond. A warehouse engine does nothing here.
        """
        if not self.embedded:
            return
        con = self.backend.con
        threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
        # Any change of the count restarts the threads; with one thread (a kernel of
        # `run --jobs 2` on 2 cores) the round trip goes through 2 instead of 1, and frees
        # as much: 117 MB after engagement's last-touch query on the large sample.
        con.execute(f"SET threads = {1 if threads > 1 else 2}")
        con.execute(f"SET threads = {threads}")

    def frame(self, expr, *, types: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Execute ``expr`` here; the result as a DataFrame (through Arrow).

        ``types`` casts result columns (``{"lead_id": "string"}``) so that they
        match the pandas dtypes of the canonical tables. Timestamps always come
        back as ``datetime64[ns]``, the canonical ``date`` dtype, whatever the
        engine's own precision (PostgreSQL keeps microseconds).
        """
        out = _nanoseconds(self.arrow(expr)).to_pandas()
        for column, dtype in (types or {}).items():
            if column in out.columns:
                out[column] = out[column].astype(dtype)
        return out

    def sql(self, expr, dialect: str | None = None) -> str:
        """The SQL of ``expr`` for this engine (or for ``dialect``)."""
        return str(ibis.to_sql(expr, dialect=dialect or self.name))


def _env_threads() -> int | None:
    """:data:`THREADS_ENV` as a positive int, or None (unset, blank, or not a positive number)."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def connect(
    url: str | None = None,
    *,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
) -> Engine:
    """Make an :class:`Engine`.

    Parameters
    ----------
    url : str, optional
        ``None`` or ``"duckdb"``: in-process DuckDB. Otherwise an Ibis
        connection string such as ``postgres://user@host:5432/db``.
    memory_limit : str, optional
        DuckDB's ``memory_limit`` (default ``WORKBOOK_DUCKDB_MEMORY`` or
        :data:`DEFAULT_MEMORY_LIMIT`).
    temp_directory : str, optional
        Where DuckDB spills (default a ``workbook-duckdb`` folder in the system
        temporary folder).
    threads : int, optional
        DuckDB threads (default ``WORKBOOK_DUCKDB_THREADS``, else DuckDB's
        own: one per core). ``workbook run --jobs N`` sets the variable in
        each kernel to the cores divided by the kernels running at once
        (:func:`workbook.run.kernels.kernel_env`).
    """
    if url is None or url in EMBEDDED:
        limit = memory_limit or os.environ.get("WORKBOOK_DUCKDB_MEMORY") or DEFAULT_MEMORY_LIMIT
        spill = temp_directory or os.path.join(tempfile.gettempdir(), "workbook-duckdb")
        kwargs = {"memory_limit": limit, "temp_directory": spill}
        threads = threads or _env_threads()
        if threads:
            kwargs["threads"] = threads
        backend = ibis.duckdb.connect(**kwargs)
        # Never fetch an extension at run time: these machines reach only package registries.
        backend.raw_sql("SET autoinstall_known_extensions = false")
        backend.raw_sql("SET autoload_known_extensions = false")
        return Engine(backend, "duckdb", None)
    backend = ibis.connect(url)
    return Engine(backend, backend.name, url)


_default: Engine | None = None
_default_lock = threading.Lock()


def default() -> Engine:
    """The process's engine (made on first use with :func:`connect`'s defaults)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = connect()
        return _default


def set_default(engine: Engine | None) -> Engine | None:
    """Make ``engine`` the process default (``None``: make a fresh one on next use); returns the old one."""
    global _default
    with _default_lock:
        old, _default = _default, engine
        return old


_by_url: dict[str, Engine] = {}


def for_url(url: str | Engine | None) -> Engine:
    """The engine named by ``url``: :func:`default` for :data:`EMBEDDED`, else one connection per URL.

    A warehouse URL is connected on first use and the connection is kept for
    the process, so loading twice with the same ``engine=`` reuses it.

    Raises
    ------
    ValueError
        The engine cannot be reached or the URL is not one Ibis knows; the
        message names the URL with its password hidden
        (:func:`workbook.core.engine_url.redact_url`) and the driver's first line.
    """
    if isinstance(url, Engine):
        return url
    key = engine_url(url, environ={})
    if key is None:
        return default()
    with _default_lock:
        hit = _by_url.get(key)
    if hit is not None:
        return hit
    try:
        engine = connect(key)
        engine.arrow(ibis.literal(1).name("reached").as_table())  # reach it now, not mid-report
    except Exception as exc:  # noqa: BLE001 - any driver's error, one message
        first = next((ln for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        raise ValueError(f"engine {redact_url(key)}: cannot connect: {first.strip()}") from exc
    with _default_lock:
        return _by_url.setdefault(key, engine)


def bind(crm, engine: str | Engine | None):
    """``crm`` (a shallow copy) whose reports compute on ``engine`` (see :func:`for_url`).

    :func:`for_crm` reads the binding back, and cuts (``crm.as_known_at``)
    keep it. The tables are shared with ``crm``, not copied.
    """
    import dataclasses

    return dataclasses.replace(crm, metadata={**crm.metadata, "engine": for_url(engine)})


def for_crm(crm) -> Engine:
    """The engine a report uses for ``crm``: the load's (``metadata["engine"]``), else :func:`default`."""
    engine = getattr(crm, "metadata", {}).get("engine")
    return engine if isinstance(engine, Engine) else default()


#: Ibis type of each column kind of :mod:`workbook.data.model`.
KIND_TYPES = {
    "id": "string",
    "text": "string",
    "category": "string",
    "date": "timestamp",
    "bool": "boolean",
    "number": "float64",
}


def canonical_columns(table: ibis.Table, name: str, columns, keep=()) -> ibis.Table:
    """``columns`` of canonical table ``name``, cast where a column's type is not the model's.

    A frame column that is entirely missing arrives untyped (``null``); a
    cast gives every backend the types the joins compare. Columns of ``keep``
    that ``table`` has are passed through unchanged.
    """
    from workbook.data import model

    kinds = {c.name: c.kind for c in model.SPECS[name].columns}
    out = {}
    for c in columns:
        col, want = table[c], KIND_TYPES[kinds[c]]
        have = col.type()
        same = (
            (want == "string" and have.is_string())
            or (want == "timestamp" and have.is_timestamp())
            or (want == "boolean" and have.is_boolean())
            or (want == "float64" and have.is_numeric())
        )
        out[c] = col if same else col.cast(want)
    out.update({c: table[c] for c in keep if c in table.columns})
    return table.select(**out)


#: pandas dtype of each column kind, for columns a frame leaves untyped (all missing).
_KIND_DTYPES = {
    "id": "string",
    "text": "string",
    "category": "string",
    "date": "datetime64[ns]",
    "bool": "boolean",
    "number": "float64",
}


def frame_for(engine: Engine, frame: pd.DataFrame, table: str, columns) -> pd.DataFrame:
    """What to register for the ``columns`` of canonical table ``table`` that an expression reads.

    Embedded DuckDB reads ``frame`` itself (registered once per frame,
    shared with the other expressions over it). Another engine is sent only
    ``columns``, and a column that is entirely missing with no dtype
    (``object``) gets its canonical one, since a database column needs a
    type. Keep the result alive until the query has run (a frame's table is
    dropped from the engine when the frame is).
    """
    if engine.embedded:
        return frame
    from workbook.data import model

    kinds = {c.name: c.kind for c in model.SPECS[table].columns}
    out = frame[list(columns)]
    untyped = [c for c in out.columns if out[c].dtype == object and out[c].isna().all()]
    return out.astype({c: _KIND_DTYPES[kinds[c]] for c in untyped}) if untyped else out


def timestamp_literal(value) -> ibis.Value:
    """``value`` (anything :class:`pandas.Timestamp` reads) as an Ibis timestamp literal, no time zone."""
    return ibis.literal(pd.Timestamp(value).to_pydatetime(), type="timestamp")


def canonical_table(name: str) -> ibis.Table:
    """An unbound Ibis table with the canonical columns of table ``name``.

    Used to compile expressions without data (SQL snapshots for warehouse
    dialects, ``ibis.to_sql``).
    """
    from workbook.data import model

    spec = model.SPECS[name]
    return ibis.table({c.name: KIND_TYPES[c.kind] for c in spec.columns}, name=name)


def canonical_tables() -> dict[str, ibis.Table]:
    """:func:`canonical_table` for every table of the data model."""
    from workbook.data import model

    return {name: canonical_table(name) for name in model.SPECS}

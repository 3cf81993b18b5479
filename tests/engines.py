"""The engines that backend-parametrised tests run on (issue 21).

``any_engine`` (a fixture in ``conftest.py``) yields a fresh
:class:`workbook.engine.Engine` for each name in :data:`ENGINE_NAMES`, so a
test written as ``def test_x(any_engine): ...`` runs once per backend.
:func:`make` knows how to build each one:

``duckdb``
    Embedded DuckDB, spilling into the test's ``tmp_path``.
``postgres``
    A real PostgreSQL server (Debian's ``postgresql`` package, installed by
    ``scripts/test.sh``) on a throwaway data directory, listening on loopback
    only. One server per test process (so one per pytest-xdist worker), started
    on first use and stopped at the end of the session (the ``postgres_server``
    fixture's finalizer, and ``atexit`` as a backstop); each :func:`make` gets a
    fresh database in it. The data directory, its unix socket and the server
    log live in one temporary folder that is removed when the server stops.

A server that cannot start raises :class:`PostgresUnavailable` with the
server's log: backend tests fail, they are never skipped.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from workbook import engine as E

#: Backends every relational test runs on.
ENGINE_NAMES = ["duckdb", "postgres"]

#: Warehouse dialects the relational expressions are compiled for but not run
#: here (tests/engine/test_dialects.py keeps their SQL as reviewed snapshots);
#: postgres is also run, above.
WAREHOUSE_DIALECTS = ("snowflake", "bigquery", "databricks", "postgres")

#: Environment variable naming PostgreSQL's ``bin`` folder (default: the newest
#: ``/usr/lib/postgresql/<version>/bin``, where Debian installs it).
PG_BIN_ENV = "WORKBOOK_PG_BIN"


class PostgresUnavailable(RuntimeError):
    """The throwaway PostgreSQL server could not be started; the message holds its log."""


def make(name: str, tmp_path, request=None) -> E.Engine:
    """A fresh engine called ``name``.

    Parameters
    ----------
    name : str
        One of :data:`ENGINE_NAMES`.
    tmp_path : Path
        The test's folder; DuckDB spills into ``tmp_path / "duckdb-spill"``.
    request : pytest.FixtureRequest, optional
        For ``postgres``: the server comes from the session fixture
        ``postgres_server`` (stopped at session end) and the test's database is
        dropped when the test ends. Without it the process's server is used and
        the database lives until the server stops.
    """
    if name == "duckdb":
        return E.connect(memory_limit="1GB", temp_directory=str(tmp_path / "duckdb-spill"))
    if name == "postgres":
        server = request.getfixturevalue("postgres_server") if request else postgres_server()
        database = server.create_database()
        engine = E.connect(server.url(database))
        if request is not None:
            request.addfinalizer(lambda: _close(engine, server, database))
        return engine
    raise ValueError(f"unknown test engine {name!r}; known: {ENGINE_NAMES}")


def on(engine: E.Engine, crm):
    """``crm`` (a copy) bound to ``engine``: a report run on it computes there.

    :func:`workbook.engine.for_crm` reads ``metadata["engine"]``; cuts
    (``as_known_at``) keep it. So ``R.run(engines.on(any_engine, crm), params)``
    runs report ``R``'s relational core once per backend.
    """
    return E.bind(crm, engine)


def _close(engine: E.Engine, server: PostgresServer, database: str) -> None:
    engine.backend.disconnect()
    server.drop_database(database)


def pg_bin() -> Path:
    """PostgreSQL's ``bin`` folder (``WORKBOOK_PG_BIN``, else the newest Debian one)."""
    chosen = os.environ.get(PG_BIN_ENV)
    if chosen:
        return Path(chosen)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL is not installed: no /usr/lib/postgresql/<version>/bin/initdb "
            f"(install Debian's postgresql package, as scripts/test.sh does, or set {PG_BIN_ENV})"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One throwaway PostgreSQL server on loopback (see the module docstring).

    Use :meth:`start`; ``root`` is the temporary folder holding ``data/`` (the
    cluster), the unix socket and ``postgres.log``.
    """

    #: Start attempts on fresh ports when the chosen port is taken meanwhile.
    ATTEMPTS = 5

    def __init__(self, root: Path, bin_dir: Path):
        self.root = root
        self.bin = bin_dir
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port: int | None = None
        self._names = itertools.count(1)
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------
    @classmethod
    def start(cls) -> PostgresServer:
        """initdb a fresh cluster and start it on a free loopback port.

        Raises
        ------
        PostgresUnavailable
            initdb or the server failed (the message holds the output and log).
        """
        bin_dir = pg_bin()
        # Not pytest's tmp_path: its parents are private to root and the server
        # runs as the postgres user.
        root = Path(tempfile.mkdtemp(prefix="workbook-pg-"))
        server = cls(root, bin_dir)
        try:
            server._initdb()
            server._run_on_free_port()
        except BaseException:
            server.stop()
            raise
        return server

    def _as_owner(self, *args) -> list[str]:
        """``args`` run as the postgres user when we are root (initdb refuses root)."""
        return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + [
            str(a) for a in args
        ]

    def _initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres", group="postgres")
        proc = subprocess.run(
            self._as_owner(
                self.bin / "initdb",
                "--locale=C",  # byte-wise sort orders, as DuckDB's
                "--no-sync",  # a throwaway cluster
                "--encoding=UTF8",
                "-A",
                "trust",
                "-U",
                "postgres",
                "-D",
                self.data,
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise PostgresUnavailable(
                f"initdb failed (exit {proc.returncode}) in {self.data}:\n{proc.stdout}\n{proc.stderr}"
            )

    def _run_on_free_port(self) -> None:
        for _ in range(self.ATTEMPTS):
            port = _free_port()
            options = " ".join(
                [
                    f"-p {port}",
                    f"-k {self.root}",  # the unix socket stays in our folder
                    "-c listen_addresses=127.0.0.1",
                    # A throwaway cluster: no durability needed.
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                ]
            )
            proc = subprocess.run(
                self._as_owner(
                    self.bin / "pg_ctl", "start", "-w", "-t", "60",
                    "-D", self.data, "-l", self.log, "-o", options,
                ),
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode == 0:
                self.port = port
                return
            log = self.read_log()
            if "already in use" not in log:  # not a port clash: give up now
                raise PostgresUnavailable(
                    f"PostgreSQL did not start on 127.0.0.1:{port} (pg_ctl exit {proc.returncode}):\n"
                    f"{proc.stdout}{proc.stderr}\n--- {self.log}\n{log}"
                )
        raise PostgresUnavailable(
            f"PostgreSQL found no free port in {self.ATTEMPTS} attempts:\n--- {self.log}\n{log}"
        )

    def read_log(self) -> str:
        """The server log so far ('' when there is none)."""
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (if running) and remove the folder it was made in."""
        if self.port is not None:
            subprocess.run(
                self._as_owner(self.bin / "pg_ctl", "stop", "-m", "immediate", "-D", self.data),
                capture_output=True,
                check=False,
            )
            self.port = None
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases ---------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        """The connection string of ``database`` on this server (TCP on loopback)."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str):
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as con:
            cursor = con.execute(statement)
            return cursor.fetchone() if cursor.description else None

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        with self._lock:
            name = f"wb_test_{next(self._names)}"
        # file_copy (PostgreSQL 15 on): copying the tiny template beats WAL-logging it.
        fast = int(self._admin("SHOW server_version_num")[0]) >= 150000
        self._admin(f"CREATE DATABASE {name}" + (" STRATEGY file_copy" if fast else ""))
        return name

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` (closing any session still on it)."""
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


_server: PostgresServer | None = None
_server_error: PostgresUnavailable | None = None
_server_lock = threading.Lock()


def postgres_server() -> PostgresServer:
    """This process's PostgreSQL server, started on first use.

    A failed start is remembered, so every later test fails at once with the
    same log instead of trying again.
    """
    global _server, _server_error
    with _server_lock:
        if _server_error is not None:
            raise _server_error
        if _server is None:
            try:
                _server = PostgresServer.start()
            except PostgresUnavailable as exc:
                _server_error = exc
                raise
            atexit.register(stop_postgres)
        return _server


def stop_postgres() -> None:
    """Stop this process's PostgreSQL server, if one was started."""
    global _server
    with _server_lock:
        server, _server = _server, None
    if server is not None:
        server.stop()

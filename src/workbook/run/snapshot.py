"""Load and validate the export once per run, and decide which reports apply.

:func:`prepare` loads the union of the tables the chosen reports list in
their notebook metadata (``workbook.tables``) that the export has, validates
it once, and writes it to ``<tmp>/snapshot`` (:mod:`workbook.data.snapshot`,
Arrow IPC), all in a child process so that the runner itself stays small.
Every notebook then gets ``data=<snapshot>`` and empty
``load_options``: its unchanged ``workbook.load(data or None, ...)`` reads
the snapshot and parses no CSV.

A report whose *required* tables (:data:`REQUIRED_TABLES`) are not all in
the export is not applicable (status ``n/a``, with the reason); the other
tables it lists are optional for it (it shows what it can and says what it
skipped). data_quality runs on whatever exists.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbook.core.text import and_join
from workbook.run.discover import ReportSpec, UsageError

__all__ = ["REQUIRED_TABLES", "Prepared", "applicability", "load_and_write", "prepare", "required_tables"]

#: Tables without which a report cannot say anything (the rest of its
#: ``workbook.tables`` are optional for it). A notebook may declare its own
#: with metadata ``workbook.requires``.
REQUIRED_TABLES: dict[str, tuple[str, ...]] = {
    "data_quality": (),
    "cohort": ("leads",),
    "scoring": ("leads", "opportunities"),
    "engagement": ("opportunities", "accounts"),
    "hierarchy": ("accounts", "opportunities"),
    "whitespace": ("accounts", "products", "purchases"),
}


def required_tables(spec: ReportSpec) -> tuple[str, ...]:
    """The tables ``spec`` cannot run without (metadata ``requires``, else :data:`REQUIRED_TABLES`)."""
    if spec.requires is not None:
        return tuple(spec.requires)
    return REQUIRED_TABLES.get(spec.name, tuple(spec.tables))


def applicability(specs: Sequence[ReportSpec], present: Sequence[str]) -> dict[str, str]:
    """``{report: reason}`` for every report that is not applicable to an export with ``present``."""
    have = set(present)
    reasons = {}
    for spec in specs:
        need = required_tables(spec)
        missing = [t for t in need if t not in have]
        if missing:
            none = "none" if len(missing) == len(need) else f"no {and_join(missing)}"
            reasons[spec.name] = f"needs {and_join(need)}; the export has {none}"
    return reasons


@dataclass
class Prepared:
    """What :func:`prepare` did: the snapshot folder, the tables in it and their rows, the time.

    The loaded data itself is not kept: the notebooks read the snapshot, and
    the runner process stays small while they run (its workers and kernels
    are what the run's memory is spent on).
    """

    folder: Path | None
    tables: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _wanted(specs: Sequence[ReportSpec], load_options: Mapping) -> list[str]:
    from workbook.data import model

    wanted = {t for s in specs for t in s.tables}
    only = load_options.get("tables")
    if only:
        wanted &= {only} if isinstance(only, str) else set(only)
    return [t for t in model.TABLES if t in wanted]


def prepare(
    specs: Sequence[ReportSpec],
    *,
    data: str,
    as_of: str,
    load_options: Mapping,
    folder: Path,
    engine: str | None = None,
) -> Prepared:
    """Load, validate and snapshot the tables ``specs`` use that the export has.

    Tables the export lacks are found from the loader's own ``missing_table``
    problems and left out (their reports become ``n/a``); any other problem
    is raised as :class:`~workbook.data.validate.DataValidationError`, once
    for the whole run. With no table wanted (notebooks that load nothing)
    nothing is loaded and ``folder`` is ``None``.

    The load runs in a child process (:func:`_in_child`): the tables, the
    validation's intermediates and the allocator's freed pages go with it,
    so the runner stays small while the kernels run.

    ``engine`` (the run's ``--engine``) is reached there first, before any
    file is read: one that cannot be reached is a
    :class:`~workbook.run.discover.UsageError` (exit 2), and nothing runs.
    The snapshot itself never depends on it.
    """
    wanted = _wanted(specs, load_options)
    if not wanted:
        return Prepared(folder=None)
    options = {k: v for k, v in load_options.items() if k not in ("tables", "as_of", "validate")}
    started = time.perf_counter()
    rows = _in_child(
        load_and_write, wanted, data=data, as_of=as_of, options=options, folder=folder,
        engine=engine,
    )  # fmt: skip
    return Prepared(
        folder=folder, tables=list(rows), rows=rows, seconds=time.perf_counter() - started
    )


def load_and_write(
    wanted: Sequence[str],
    *,
    data: str,
    as_of: str,
    options: Mapping,
    folder: Path,
    engine: str | None = None,
) -> dict[str, int]:
    """Load and validate ``wanted`` (less the tables the export lacks); write the snapshot.

    Returns the rows of each table written. See :func:`prepare`.
    """
    import workbook
    from workbook.data import snapshot
    from workbook.data.errors import DataValidationError

    if engine is not None:  # reach it before the load, so a wrong URL fails at once
        from workbook.engine import for_url

        try:
            for_url(engine)
        except ValueError as exc:
            raise UsageError(f"--engine / engine: {exc}") from None

    tables = list(wanted)
    while True:
        try:
            # engine="": the load and the snapshot never use one ($WORKBOOK_ENGINE is the kernels').
            crm = workbook.load(
                data or None, tables=tables, as_of=as_of or None, engine="", **options
            )
            break
        except DataValidationError as exc:
            absent = {p.table for p in exc.problems if p.check == "missing_table"}
            others = [p for p in exc.problems if p.check != "missing_table"]
            if others or not absent or not (set(tables) - absent):
                if others:
                    raise DataValidationError(others) from None
                raise
            tables = [t for t in tables if t not in absent]
    snapshot.write(crm, folder)
    return {t: int(len(f)) for t, f in crm.tables.items()}


def _child_init() -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # die with the run (the parent cleans up)


def _in_child(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a fresh (spawned) process; its exception is raised here."""
    import concurrent.futures as cf
    import multiprocessing as mp

    pool = cf.ProcessPoolExecutor(
        max_workers=1, mp_context=mp.get_context("spawn"), initializer=_child_init
    )
    try:
        return pool.submit(fn, *args, **kwargs).result()
    except BaseException:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

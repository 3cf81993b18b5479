"""The relational engine: one Ibis definition per heavy aggregation, run where the data is.

Every computation whose cost grows with the rows of leads, opportunities,
activities or purchases is written once, as an Ibis expression over the
canonical tables (names and columns of :mod:`workbook.data.model`), in the
report's own ``relational`` module. This package only says *where* such an
expression runs and how its (small) result comes back to pandas:

- :func:`connect` makes an :class:`Engine`: in-process DuckDB by default
  (``memory_limit`` and ``temp_directory`` set, so that larger-than-memory work
  spills to disk), or a warehouse given by a URL (``postgres://...``).
- :meth:`Engine.tables` gives the canonical tables of a
  :class:`~workbook.data.model.CrmData` as Ibis tables. On embedded DuckDB the
  loaded frames are registered through Arrow (zero copy where the columns are
  Arrow-backed); a view of the data at an earlier cut
  (:meth:`CrmData.as_known_at`) registers its own frames.
- :meth:`Engine.frame` executes an expression and returns a DataFrame through
  Arrow (``to_pyarrow()``), never row by row.
- :func:`for_crm` is the engine a report uses for ``crm``: the one the load
  named (``workbook.load(..., engine=URL)``, which :func:`bind` records in
  ``crm.metadata["engine"]``), else the process default (:func:`default`).
  :func:`for_url` makes (once per URL and process) the engine a URL names.

See ``docs/performance.md`` ("Relational engine") for the version pins.
"""

from workbook.engine.core import (
    EMBEDDED,
    Engine,
    bind,
    canonical_columns,
    canonical_table,
    canonical_tables,
    connect,
    default,
    for_crm,
    for_url,
    frame_for,
    set_default,
    timestamp_literal,
)

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

"""Database reader: the canonical tables where they live, through the relational engine.

``workbook.load("postgres://ana@warehouse/crm")`` (or ``--data URL``) reads
each requested table from the database the URL names, through the Ibis
connection of :func:`workbook.engine.for_url` (one per URL and process, so a
run whose ``--engine`` is the same URL reads and computes on one
connection). No export file is needed:

* **Which table:** the canonical name (``leads``), or ``paths[table]``:
  ``{leads: crm.lead_v}`` names a table or view, ``schema.name`` when it is
  in another schema.
* **Which columns:** only those the table's canonical columns and the
  ``columns`` mapping name (:func:`workbook.data.mapping.source_columns`)
  are selected, so the mapping is a projection in the database and the rest
  of the table never travels; :func:`~workbook.data.mapping.map_columns`
  then renames them exactly as for files.
* **How it comes back:** through Arrow (``to_pyarrow()``), typed as the
  database types it; coercion, value maps, validation and the counted
  fix-ups are those of every other source.

A table that the database lacks is absent, as a missing file is (an error
for a required table, skipped for an optional one); a database that cannot
be reached is a missing source (``DataValidationError``, exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workbook.data.errors import DataValidationError, Problem
from workbook.data.mapping import source_columns, table_mapping
from workbook.data.readers.raw import RawTable, frame_digest

__all__ = ["read_database"]


def _table(backend, name: str):
    """Table or view ``name`` (``schema.name`` allowed) of ``backend``, or None when absent."""
    schema, _, bare = name.rpartition(".")
    try:
        listed = backend.list_tables(database=schema) if schema else backend.list_tables()
    except Exception:  # noqa: BLE001 - a schema that does not exist lists nothing
        return None
    if bare not in listed:
        return None
    return backend.table(bare, database=schema) if schema else backend.table(bare)


def read_database(
    url: str,
    tables: Iterable[str],
    *,
    names: Mapping[str, str] | None = None,
    columns: Mapping | None = None,
) -> dict[str, RawTable]:
    """Read the requested canonical tables from the database at ``url``.

    Parameters
    ----------
    url : str
        An Ibis connection string (``postgres://user@host:5432/db``).
    tables : iterable of str
        The requested canonical tables.
    names : mapping of str to str, optional
        Table or view per canonical table (``load``'s ``paths``); default the
        canonical name.
    columns : mapping, optional
        ``load``'s column mapping: which source columns to select.

    Returns
    -------
    dict of str to RawTable
        The selected columns under their database names, ``frame.attrs["header"]``
        the table's own columns; ``file`` is ``"<url, password hidden> [<table>]"``
        and ``digest`` hashes the frame.
    """
    from workbook.core.engine_url import redact_url
    from workbook.engine import for_url

    label = redact_url(url)
    try:
        backend = for_url(url).backend
    except ValueError as exc:  # the data source cannot be reached: a missing source, exit 2
        detail = str(exc).replace(f"engine {label}: ", "", 1)
        raise DataValidationError(
            [Problem("missing_source", "", "", 1, (), label, f"{label}: {detail}")]
        ) from None
    out = {}
    for table in tables:
        name = str((names or {}).get(table) or table)
        found = _table(backend, name)
        if found is None:
            continue
        wanted = source_columns(table, table_mapping(table, columns))
        picked = [c for c in found.columns if c in wanted]
        frame = backend.to_pyarrow(found.select(picked) if picked else found.limit(0)).to_pandas()
        frame.attrs["header"] = list(found.columns)
        out[table] = RawTable(frame, f"{label} [{name}]", frame_digest(frame))
    return out

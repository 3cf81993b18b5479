"""Unknown references, counted by the relational engine (validation's ``unknown_reference``).

For every ``(table, column, ref_table, ref_column)`` of
:data:`workbook.data.model.REFERENCES` whose two tables are loaded and whose
column exists: the rows with a non-missing ``column`` value that is not among
``ref_table.ref_column``. One expression finds them for every reference at
once (:func:`unknown_reference_table`): the positions of the unknown rows come
back, so pandas only reads those rows for the example ids and close-match
hints of :func:`workbook.data.validate.validate`.

Ids compare exactly (case and spaces matter), as everywhere in the workbook.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbook.data import model

__all__ = [
    "applicable_references",
    "unknown_reference_counts",
    "unknown_reference_rows",
    "unknown_reference_table",
]


def applicable_references(columns: Mapping[str, object]) -> list[tuple[str, str, str, str]]:
    """The references of :data:`~workbook.data.model.REFERENCES` that ``columns`` can check.

    ``columns`` maps each loaded table to its column names.
    """
    return [
        ref
        for ref in model.REFERENCES
        if ref[0] in columns and ref[2] in columns and ref[1] in columns[ref[0]]
    ]


def unknown_reference_table(tables: Mapping[str, object], references) -> object:
    """One row per unknown reference: ``i`` (the reference's position in ``references``), ``pos``.

    ``tables`` maps canonical names to Ibis tables holding the referencing and
    referenced columns and, in the referencing tables, ``_pos``: each row's
    position in the loaded table.
    """
    import ibis

    parts = []
    for i, (table, column, ref_table, ref_column) in enumerate(references):
        t, r = tables[table], tables[ref_table]
        values = t.select(v=t[column].cast("string"), pos=t["_pos"]).filter(lambda x: x.v.notnull())
        known = r.select(k=r[ref_column].cast("string")).filter(lambda x: x.k.notnull()).distinct()
        unknown = values.anti_join(known, values.v == known.k)
        parts.append(unknown.select(i=ibis.literal(i, type="int64"), pos=unknown.pos))
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def unknown_reference_rows(
    tables: Mapping[str, pd.DataFrame], *, engine=None
) -> dict[tuple[str, str], np.ndarray]:
    """``{(table, column): positions of its unknown rows}`` of every applicable reference.

    Found in ``engine`` by one query (default :func:`workbook.engine.default`,
    embedded DuckDB); only the id columns and a row position are registered
    there. Positions are sorted (row order); a reference with none has an
    empty array.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Canonical tables (any subset).
    engine : workbook.engine.Engine, optional
    """
    references = applicable_references({n: list(f.columns) for n, f in tables.items()})
    if not references:
        return {}
    from workbook import engine as E

    eng = engine or E.default()
    needed: dict[str, list[str]] = {}
    for table, column, ref_table, ref_column in references:
        needed.setdefault(table, []).append(column)
        needed.setdefault(ref_table, []).append(ref_column)
    referencing = {ref[0] for ref in references}
    frames = {}
    for name, cols in needed.items():
        frame = tables[name][list(dict.fromkeys(cols))].reset_index(drop=True)
        if name in referencing:
            frame["_pos"] = np.arange(len(frame), dtype=np.int64)
        frames[name] = frame  # kept alive here: a registered frame lives as long as it does
    bound = {n: eng.table(f, f"ref_{n}") for n, f in frames.items()}
    rows = eng.arrow(unknown_reference_table(bound, references))
    which = rows.column("i").to_numpy()
    pos = rows.column("pos").to_numpy()
    return {
        (ref[0], ref[1]): np.sort(pos[which == i]) for i, ref in enumerate(references)
    }


def unknown_reference_counts(
    tables: Mapping[str, pd.DataFrame], *, engine=None
) -> dict[tuple[str, str], int]:
    """``{(table, column): unknown rows}`` of every applicable reference (:func:`unknown_reference_rows`)."""
    return {k: len(v) for k, v in unknown_reference_rows(tables, engine=engine).items()}

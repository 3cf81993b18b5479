"""Mapping: source column names and values to the canonical ones.

``load(columns=...)`` renames source columns (:func:`table_mapping`,
:func:`map_columns`); ``load(values=...)`` rewrites source values
(:func:`map_values`). Both run before :mod:`workbook.data.coercion`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbook.data import model
from workbook.data.coercion import BOOL_SPELLINGS, as_text, example_labels
from workbook.data.validate import FIXUP, Issue

__all__ = ["map_columns", "map_values", "source_columns", "table_mapping"]


def table_mapping(table: str, columns: Mapping | None) -> dict[str, str]:
    """The ``{canonical: source}`` column mapping that applies to ``table``.

    ``columns`` may be per table (``{"accounts": {"account_id": "Id"}}``), flat
    (``{"account_id": "Id"}``, applied to every table that has the canonical
    column), or both; per-table entries win.
    """
    if not columns:
        return {}
    spec_cols = set(model.SPECS[table].column_names)
    flat = {k: v for k, v in columns.items() if not isinstance(v, Mapping) and k in spec_cols}
    per_table = columns.get(table)
    if isinstance(per_table, Mapping):
        flat.update(per_table)
    return {str(k): str(v) for k, v in flat.items()}


def source_columns(table: str, mapping: Mapping[str, str]) -> set[str]:
    """Source column names worth reading for ``table`` (mapped names plus canonical names)."""
    cols = set(model.SPECS[table].column_names)
    return cols | {mapping[c] for c in cols if c in mapping}


def map_columns(raw: pd.DataFrame, table: str, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Rename source columns to canonical ones.

    A mapped source column that exists is used (one source may feed several
    canonical columns); otherwise a column already carrying the canonical name
    is used. Other columns are dropped.
    """
    data = {}
    for name in model.SPECS[table].column_names:
        src = mapping.get(name)
        if src is not None and src in raw.columns:
            data[name] = raw[src]
        elif name in raw.columns:
            data[name] = raw[name]
    return pd.DataFrame(data, index=raw.index)


def _unmapped_bools(frame, table, column, text, result) -> tuple[pd.Series, Issue | None]:
    """In a ``bool`` column, unlisted non-boolean values become ``false`` (a fix-up)."""
    known = result.str.lower().isin(list(BOOL_SPELLINGS)).to_numpy(dtype=bool)
    unmapped = result.notna().to_numpy(dtype=bool) & ~known
    if not unmapped.any():
        return result, None
    n = int(unmapped.sum())
    seen = ", ".join(repr(v) for v in text[unmapped].drop_duplicates().head(5))
    fix = Issue(
        "value_unmapped",
        table,
        column,
        n,
        example_labels(frame, table, unmapped),
        f"{n} value(s) not listed in the value mapping set to false ({seen})",
        FIXUP,
    )
    return result.mask(unmapped, "false"), fix


def _mapped(value) -> str | None:
    """A value map's target as text; ``None`` and ``""`` stay blank."""
    return None if value is None or str(value).strip() == "" else str(value)


def map_values(
    frame: pd.DataFrame, table: str, values: Mapping | None
) -> tuple[pd.DataFrame, list[Issue]]:
    """Apply ``values={table: {column: {raw: canonical}}}`` to canonical columns.

    Raw values are matched after stripping whitespace; the key ``""`` maps
    blank cells (the only way a blank becomes a value), and a value mapped to
    ``None`` or ``""`` becomes blank. Unlisted values are kept, except in a
    ``bool`` column: there a non-blank value that is neither listed nor a
    boolean spelling becomes ``False`` (so ``{"Closed Won": True}`` on a
    stage column works), counted as fix-up ``value_unmapped``. A blank cell
    is never among them: it stays blank (so a blank boolean is never read
    as false) unless the map lists ``""``; a row whose required boolean is
    blank is then left out, counted (:mod:`workbook.data.blanks`).

    Returns
    -------
    (DataFrame, list of Issue)
        The mapped frame (a copy when anything applies) and its fix-ups.
    """
    fixups: list[Issue] = []
    if not values or not isinstance(values.get(table), Mapping):
        return frame, fixups
    frame = frame.copy()
    for column, mapping in values[table].items():
        if column not in frame.columns or not mapping:
            continue
        mapping = {str(k).strip(): v for k, v in mapping.items()}
        text = as_text(frame[column])
        listed = text.isin(list(mapping)).to_numpy(dtype=bool)
        # A value mapped to null (YAML ~) or "" becomes a blank cell, never "None".
        target = text.map({k: _mapped(v) for k, v in mapping.items()}).astype("string")
        result = text.where(~listed, target)
        if "" in mapping:
            # The user's explicit choice for blank cells (never implied).
            result = result.mask(text.isna(), _mapped(mapping[""]))
        if model.SPECS[table].column(column).kind == "bool":
            result, fix = _unmapped_bools(frame, table, column, text, result)
            fixups += [fix] if fix is not None else []
        frame[column] = result
    return frame, fixups

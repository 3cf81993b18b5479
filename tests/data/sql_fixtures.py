"""Shared builders for the SQL tests: a tiny hand-built CRM, Parquet and SQLite copies, frame equality.

Used by ``tests/analyses/test_pushdown.py`` (the reports' expressions in a database) and
``tests/benchmarks/test_duckdb_twins.py`` (the DuckDB twins), imported as
``data.sql_fixtures`` (``tests/`` is on ``sys.path``, see pyproject.toml).
Each module declares its own pytest fixtures over these functions.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from workbook.data import model
from workbook.data.coercion import coerce_table

AS_OF = "2024-03-31"


def table(name, rows):
    """A canonical table from row tuples in column order (missing trailing values blank)."""
    cols = model.SPECS[name].column_names
    frame = pd.DataFrame([dict(zip(cols, r, strict=False)) for r in rows], columns=cols)
    return coerce_table(frame.astype(object), name)


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Three accounts, four leads, two opportunities, eight activities (see test comments)."""
    return {
        "accounts": table(
            "accounts",
            [
                ("A1", "Acme <b>", None, "U1", "Retail", "2020-01-01"),
                ("A2", "Acme Sub", "A1", "U1", "Retail", "2020-01-01"),
                ("A3", "Other", None, "U2", None, "2020-01-01"),
            ],
        ),
        "leads": table(
            "leads",
            [
                # lead, created, source, status, score, owner, handed_off, converted_at,
                # converted_account, converted_opportunity
                (
                    "L1",
                    "2024-01-10",
                    "web",
                    "Converted",
                    80,
                    "U1",
                    "2024-01-12",
                    "2024-01-20",
                    "A1",
                    "O1",
                ),
                ("L2", "2024-02-01", "web", "Open", 40, "U1", None, None, None, None),
                ("L3", "2024-04-05", "event", "Open", 50, "U2", None, None, None, None),
                (
                    "L4",
                    "2024-03-25",
                    "event",
                    "Converted",
                    60,
                    "U2",
                    None,
                    "2024-03-25",
                    "A1",
                    None,
                ),
            ],
        ),
        "opportunities": table(
            "opportunities",
            [
                ("O1", "A1", "2024-01-20", "2024-03-01", "Closed Won", True, True, 100.0, 90, "U1"),
                ("O2", "A2", "2024-03-25", "2024-05-01", "Open", False, False, 50.0, 20, "U1"),
            ],
        ),
        "activities": table(
            "activities",
            [
                ("X1", "2024-01-05", "call", "L1", None, None, "U1"),
                ("X2", "2024-01-11", "email", "L1", None, None, "U1"),
                ("X3", "2024-01-25", "meeting", None, None, "O1", "U1"),
                ("X4", "2024-03-30", "call", "L1", "A1", "O1", "U1"),
                ("X5", "2024-04-02", "meeting", "L1", None, None, "U1"),
                ("X6", "2024-02-15", "task", "L2", None, None, "U1"),
                ("X7", "2024-03-28", "email", None, "A2", "O1", "U1"),
                ("X8", "2024-03-31 15:00", "call", None, "A3", None, "U2"),
            ],
        ),
        "products": table("products", [("P1", "Widget", "HW", 10.0), ("P2", "Gadget", "HW", 20.0)]),
        "purchases": table(
            "purchases",
            [("A1", "P1", "2023-05-01", 10.0, 0.0), ("A2", "P2", "2023-06-01", 20.0, 5.0)],
        ),
    }


def to_parquet(tables, directory):
    """Write each table as ``<directory>/<name>.parquet``; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(directory / f"{name}.parquet", index=False)
    return directory


def to_sqlite(tables, path):
    """Write each table into a SQLite file (nullable types as plain objects); returns the engine."""
    engine = sa.create_engine(f"sqlite:///{path}")
    for name, frame in tables.items():
        out = frame.copy()
        for c in out.columns:
            if str(out[c].dtype) == "boolean":
                out[c] = out[c].astype(object).where(out[c].notna(), None)
            elif str(out[c].dtype) in ("string", "str"):
                out[c] = out[c].astype(object).where(out[c].notna(), None)
        out.to_sql(name, engine, index=False)
    return engine


def same(actual, expected, **kw):
    """Frames equal ignoring index and dtype (values and column names must match)."""
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False, **kw
    )

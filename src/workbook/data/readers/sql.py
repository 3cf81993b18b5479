"""SQL reader: one query per requested table through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from workbook.data.readers.raw import RawTable, frame_digest

__all__ = ["read_sql"]


def read_sql(
    sql_url: str, queries: Mapping[str, str], tables: Iterable[str]
) -> dict[str, RawTable]:
    """Run one query per requested table through SQLAlchemy (``pandas.read_sql``).

    Parameters
    ----------
    sql_url : str
        SQLAlchemy URL (``sqlite:///crm.db``, ``postgresql://...``).
    queries : mapping of str to str
        ``{table: "SELECT ..."}``; a requested table without a query is skipped.
    tables : iterable of str
        The requested canonical tables.

    Returns
    -------
    dict of str to RawTable
        Columns as the query names them; ``file`` is ``"<url without password>
        [<table> query]"`` and ``digest`` hashes the frame.
    """
    import sqlalchemy

    engine = sqlalchemy.create_engine(sql_url)
    label = sqlalchemy.engine.make_url(sql_url).render_as_string(hide_password=True)
    out = {}
    try:
        with engine.connect() as conn:
            for table in tables:
                query = (queries or {}).get(table)
                if not query:
                    continue
                frame = pd.read_sql(sqlalchemy.text(query), conn)
                out[table] = RawTable(frame, f"{label} [{table} query]", frame_digest(frame))
    finally:
        engine.dispose()
    return out

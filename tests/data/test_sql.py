"""workbook.data.readers.sql: one query per table through SQLAlchemy."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from workbook.data import io as wio
from workbook.data.validate import DataValidationError

T = pd.Timestamp


# --------------------------------------------------------------------------- SQL
def test_sqlite_source(tmp_path):
    db = tmp_path / "crm.sqlite"
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE lead (id TEXT, created TEXT, score REAL, src TEXT);
        INSERT INTO lead VALUES ('L1', '2024-01-02T03:04:05Z', 55.0, 'web'),
                                ('L2', '2024-01-03', NULL, '');
        CREATE TABLE act (id INTEGER, at TEXT, kind TEXT, lead TEXT);
        INSERT INTO act VALUES (1, '2024-01-04 10:00:00', 'Call', 'L1'),
                               (2, '2024-01-05', 'fax', 'L2');
        """
    )
    con.commit()
    con.close()
    crm = wio.load(
        sql_url=f"sqlite:///{db}",
        queries={
            "leads": "SELECT id AS lead_id, created AS created_at, score, src AS source FROM lead",
            "activities": "SELECT id AS activity_id, at AS occurred_at, kind, lead FROM act",
        },
        columns={"activities": {"type": "kind", "lead_id": "lead"}},
        tables=["leads", "activities"],
    )
    assert crm.leads["created_at"].tolist() == [T("2024-01-02 03:04:05"), T("2024-01-03")]
    assert crm.leads["score"].tolist()[0] == 55.0 and pd.isna(crm.leads.loc[1, "score"])
    assert pd.isna(crm.leads.loc[1, "source"])
    assert crm.activities["activity_id"].tolist() == ["1", "2"]
    assert crm.activities["type"].tolist() == ["call", "other"]
    assert crm.as_of == T("2024-01-05")
    assert crm.metadata["reader"] == "sql"
    assert len(crm.fingerprint) == 12
    with pytest.raises(DataValidationError, match="no query for required table 'leads'"):
        wio.load(sql_url=f"sqlite:///{db}", queries={}, tables=["leads"])

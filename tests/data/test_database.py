"""data/readers/database.py: the canonical tables read from a database (PostgreSQL on loopback).

One tiny database, made by hand: ``leads`` with the score under a CRM's own
name and an extra column the workbook never reads, ``crm.deals`` holding the
opportunities, and no ``accounts`` table.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

import workbook
from workbook.data.errors import DataValidationError
from workbook.data.readers.database import read_database
from workbook.engine.core import _copy_to_postgres

LEADS = pa.table(
    {
        "lead_id": [" L1", "L2"],  # the loader trims ids, as for files
        "created_at": pd.to_datetime(["2024-01-05 10:00", "2024-02-01 00:00"]).astype("datetime64[us]"),
        "Lead_Score__c": [10.0, None],
        "notes": ["private", "private"],  # never selected
    }
)
DEALS = pa.table(
    {
        "opportunity_id": ["O1"],
        "account_id": ["A1"],
        "created_at": pd.to_datetime(["2024-01-10"]).astype("datetime64[us]"),
        "close_date": pd.to_datetime(["2024-02-09"]).astype("datetime64[us]"),
        "is_closed": [True],
        "is_won": [True],
        "amount": [100.0],
    }
)
MAPPING = {"leads": {"score": "Lead_Score__c"}}


@pytest.fixture(scope="module")
def url(postgres_server):
    database = postgres_server.create_database()
    from workbook import engine as E

    engine = E.connect(postgres_server.url(database))
    engine.backend.raw_sql("CREATE SCHEMA crm").close()
    _copy_to_postgres(engine.backend, "leads", LEADS, temporary=False)
    _copy_to_postgres(engine.backend, "crm.deals", DEALS, temporary=False)
    engine.backend.disconnect()
    yield postgres_server.url(database)
    postgres_server.drop_database(database)


def test_only_the_mapped_and_canonical_columns_travel(url):
    raws = read_database(url, ["leads", "accounts"], columns=MAPPING)
    assert list(raws) == ["leads"]  # no accounts table: absent, as a missing file is
    frame = raws["leads"].frame
    assert sorted(frame.columns) == ["Lead_Score__c", "created_at", "lead_id"]
    assert frame.attrs["header"] == ["lead_id", "created_at", "Lead_Score__c", "notes"]
    assert raws["leads"].file.endswith(" [leads]")


def test_load_reads_maps_and_coerces_as_for_files(url):
    crm = workbook.load(
        url, tables=["leads", "opportunities"], columns=MAPPING,
        paths={"opportunities": "crm.deals"}, as_of="2024-03-31",
    )  # fmt: skip
    assert crm.metadata["reader"] == "database" and crm.source == url
    leads = crm.leads
    assert leads["lead_id"].tolist() == ["L1", "L2"]
    assert leads["score"].tolist()[0] == 10.0 and pd.isna(leads["score"].tolist()[1])
    assert str(leads["created_at"].dtype) == "datetime64[ns]"
    assert "notes" not in leads.columns
    assert crm.opportunities["amount"].tolist() == [100.0]
    assert crm.metadata["files"]["opportunities"].endswith("[crm.deals]")
    # the as_of a run would use without --as-of: the latest event date
    assert workbook.data.io.resolve_as_of(
        url, tables=["leads", "opportunities"], columns=MAPPING,
        paths={"opportunities": "crm.deals"},
    ) == pd.Timestamp("2024-02-09")  # fmt: skip


def test_a_required_table_the_database_lacks_is_named(url):
    with pytest.raises(DataValidationError) as err:
        workbook.load(url, tables=["leads", "accounts"], columns=MAPPING)
    text = str(err.value)
    assert "required table 'accounts' not found in the database" in text
    assert "paths: {accounts: <schema.table>}" in text


def test_filters_are_for_files_and_say_where_to_filter_instead(url):
    with pytest.raises(DataValidationError, match="or a view, for a database source"):
        workbook.load(url, tables=["leads"], filters={"leads": {"notes": ["x"]}})


def test_a_database_that_cannot_be_reached_is_a_missing_source():
    with pytest.raises(DataValidationError) as err:
        workbook.load("postgres://ana:hidden@127.0.0.1:1/crm", tables=["leads"])
    problem = err.value.problems[0]
    assert problem.check == "missing_source"
    assert "postgres://ana:***@127.0.0.1:1/crm: cannot connect" in str(err.value)
    assert "hidden" not in str(err.value)

"""workbook.data.io: the loader (tables, errors together, fingerprint, as_of, sample) and its signature."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pandas as pd
import pytest

import workbook
from workbook.data import io as wio
from workbook.data.validate import DataValidationError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASIC = FIXTURES / "basic"
BAD = FIXTURES / "bad"
SF = FIXTURES / "salesforce"

T = pd.Timestamp


# --------------------------------------------------------------------------- tables
def test_load_reads_only_requested_tables_and_explicit_as_of():
    crm = wio.load(BASIC, tables=["leads", "activities", "users"], as_of="2024-02-20")
    assert set(crm.tables) == {"leads", "activities", "users"}
    assert crm.as_of == T("2024-02-20")
    # T4 (2024-03-05) is after as_of; T3 is on the day itself and is not
    assert crm.quality.count("after_as_of") == 1
    assert crm.quality.to_frame().query("check == 'after_as_of'")["examples"].item() == "T4"


def test_missing_required_table_named(tmp_path):
    shutil.copy(BASIC / "leads.csv", tmp_path / "leads.csv")
    with pytest.raises(DataValidationError) as info:
        wio.load(tmp_path, tables=["leads", "activities"])
    (p,) = info.value.problems
    assert (p.check, p.table) == ("missing_table", "activities")
    assert "activities.csv" in p.message
    # optional tables may be absent without error
    crm = wio.load(tmp_path, tables=["leads", "contacts"])
    assert set(crm.tables) == {"leads"}


def test_unknown_table_name_rejected():
    with pytest.raises(ValueError, match="unknown table"):
        wio.load(BASIC, tables=["deals"])


def test_fingerprint_changes_with_content(tmp_path):
    for f in BASIC.iterdir():
        shutil.copy(f, tmp_path / f.name)
    first = wio.load(tmp_path).fingerprint
    assert wio.load(tmp_path).fingerprint == first
    text = (tmp_path / "products.csv").read_text().replace("1200", "1300")
    (tmp_path / "products.csv").write_text(text)
    assert wio.load(tmp_path).fingerprint != first


# --------------------------------------------------------------------------- bad inputs
def test_bad_date_error_names_file_column_count_and_ids():
    path = BAD / "opportunities_bad_date.csv"
    with pytest.raises(DataValidationError) as info:
        wio.load(paths={"opportunities": path}, tables=["opportunities"])
    (p,) = info.value.problems
    assert (p.check, p.table, p.column, p.count) == ("bad_date", "opportunities", "close_date", 3)
    assert p.examples == ("O-17", "O-22", "O-90")
    assert p.file == str(path)
    msg = str(info.value)
    assert "opportunities_bad_date.csv" in msg
    assert (
        "column 'close_date' has 3 unparseable date(s), e.g. opportunity_id O-17, O-22, O-90" in msg
    )


def test_non_numeric_amount_error():
    path = BAD / "opportunities_non_numeric.csv"
    with pytest.raises(DataValidationError) as info:
        wio.load(paths={"opportunities": path}, tables=["opportunities"])
    (p,) = info.value.problems
    assert (p.check, p.column, p.count, p.examples) == ("not_numeric", "amount", 2, ("O-1", "O-3"))
    assert "'1,000'" in str(info.value) and "'abc'" in str(info.value)


def test_missing_column_error_lists_found_columns_and_hint():
    path = BAD / "opportunities_missing_column.csv"
    with pytest.raises(DataValidationError) as info:
        wio.load(paths={"opportunities": path}, tables=["opportunities"])
    (p,) = info.value.problems
    assert (p.check, p.column) == ("missing_column", "close_date")
    assert "opportunities_missing_column.csv" in p.message
    assert "'CloseDate'" in p.message and "columns" in p.message
    # the hinted mapping fixes it
    crm = wio.load(
        paths={"opportunities": path},
        tables=["opportunities"],
        columns={"opportunities": {"close_date": "CloseDate"}},
    )
    assert crm.opportunities.loc[0, "close_date"] == T("2024-02-01")


def test_duplicate_id_error():
    path = BAD / "accounts_duplicate_id.csv"
    with pytest.raises(DataValidationError) as info:
        wio.load(paths={"accounts": path}, tables=["accounts"])
    (p,) = info.value.problems
    assert (p.check, p.column, p.count, p.examples) == ("duplicate_id", "account_id", 1, ("A1",))
    assert "accounts_duplicate_id.csv" in p.message and "2 rows" not in p.message.split(":")[0]


def test_all_problems_reported_together():
    with pytest.raises(DataValidationError) as info:
        wio.load(
            paths={
                "opportunities": BAD / "opportunities_bad_date.csv",
                "accounts": BAD / "accounts_duplicate_id.csv",
            },
            tables=["accounts", "opportunities"],
        )
    assert sorted(p.check for p in info.value.problems) == ["bad_date", "duplicate_id"]
    assert str(info.value).startswith("2 data errors stop the load")


# --------------------------------------------------------------------------- as_of
def test_default_as_of_hand_built():
    tables = {
        "leads": pd.DataFrame(
            {"created_at": pd.to_datetime(["2024-01-01 00:00", "2024-02-01 13:00"])}
        ),
        "opportunities": pd.DataFrame(
            {
                "created_at": pd.to_datetime(["2024-01-15"]).repeat(2),
                "close_date": pd.to_datetime(["2024-02-10", "2024-09-01"]),
                "is_closed": pd.array([True, False], dtype="boolean"),
            }
        ),
    }
    assert wio.default_as_of(tables) == T("2024-02-10")
    assert wio.default_as_of({}) is None


def test_resolve_as_of_matches_load(tmp_path):
    assert wio.resolve_as_of(BASIC) == wio.load(BASIC).as_of == T("2024-04-15")
    assert wio.resolve_as_of(BASIC, as_of="2024-01-31") == T("2024-01-31")
    assert wio.resolve_as_of(SF, preset="salesforce") == T("2024-04-01")
    with pytest.raises(TypeError, match="unknown load option"):
        wio.resolve_as_of(BASIC, colums={})


def test_resolve_as_of_names_example_ids_for_bad_dates(tmp_path):
    shutil.copytree(BASIC, tmp_path / "export")
    shutil.copy(
        FIXTURES / "bad" / "opportunities_bad_date.csv", tmp_path / "export" / "opportunities.csv"
    )
    with pytest.raises(DataValidationError, match="opportunity_id O-17, O-22, O-90"):
        wio.resolve_as_of(tmp_path / "export")


def test_written_sample_directory_declares_its_snapshot_as_of(tmp_path):
    # A folder written by `workbook sample` carries sample.json; its future-dated
    # fault records (after 2024-04-15 here) must not move the default as_of.
    import json

    folder = tmp_path / "export"
    shutil.copytree(BASIC, folder)
    (folder / "sample.json").write_text(json.dumps({"as_of": "2024-03-31"}), encoding="utf-8")
    assert wio.snapshot_as_of(folder) == T("2024-03-31")
    assert wio.resolve_as_of(folder) == T("2024-03-31")
    assert wio.load(folder).as_of == T("2024-03-31")
    assert wio.load(folder, as_of="2024-04-15").as_of == T("2024-04-15")
    assert wio.snapshot_as_of(BASIC) is None


# --------------------------------------------------------------------------- sample
def test_sample_default_as_of_and_copies():
    from workbook.data import sample

    crm = wio.load(tables=["leads", "activities"])
    assert crm.as_of == T(sample.SAMPLE_AS_OF)
    assert wio.resolve_as_of() == T(sample.SAMPLE_AS_OF)
    assert set(crm.tables) == {"leads", "activities"}
    assert crm.metadata["reader"] == "sample"
    crm.leads.loc[0, "lead_id"] = "CHANGED"
    again = wio.load(tables=["leads"])
    assert again.leads.loc[0, "lead_id"] != "CHANGED"
    assert again.fingerprint == wio.load(tables=["leads"]).fingerprint


# --------------------------------------------------------------------------- analyst surface
def test_workbook_load_has_its_real_signature():
    sig = inspect.signature(workbook.load)
    kinds = {p.kind for p in sig.parameters.values()}
    assert inspect.Parameter.VAR_POSITIONAL not in kinds
    assert inspect.Parameter.VAR_KEYWORD not in kinds
    assert workbook.load is wio.load
    # ``uses`` is the calling notebook's list of tables, not a user's load option.
    assert list(sig.parameters) == ["source", *wio.LOAD_OPTIONS, "uses"]
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for name, p in sig.parameters.items()
        if name != "source"
    )


def test_workbook_load_docstring_documents_every_parameter():
    doc = inspect.getdoc(workbook.load)
    for name in inspect.signature(workbook.load).parameters:
        assert f"\n{name} : " in doc, name
    for section in ("Parameters", "Returns", "Raises", "Examples"):
        assert f"\n{section}\n---" in doc
    assert "DataValidationError" in doc and "status 2" in doc
    assert "{" + "load_parameters}" not in doc  # the shared fragment was filled in


def test_resolve_as_of_documents_the_same_options():
    doc = inspect.getdoc(wio.resolve_as_of)
    for name in wio.LOAD_OPTIONS:
        assert f"\n{name} : " in doc, name


def test_old_public_names_still_importable_from_io():
    from workbook.data import coercion, mapping
    from workbook.data.readers import salesforce, sql

    assert wio.coerce_table is coercion.coerce_table
    assert wio.map_values is mapping.map_values
    assert wio.read_salesforce is salesforce.read_salesforce
    assert wio.read_sql is sql.read_sql

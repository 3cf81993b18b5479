"""Loading: coercion, directories, encodings, mapping, Parquet, Salesforce, SQL, as_of."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.data import io as wio
from workbook.data import model
from workbook.data.validate import DataValidationError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASIC = FIXTURES / "basic"
BAD = FIXTURES / "bad"
ENC = FIXTURES / "encodings"
SF = FIXTURES / "salesforce"

SF_A1, SF_A2 = "0015g00000AbCdEAAV", "0015g00000AbCdFAAV"
SF_L1, SF_L2 = "00Q5g00000Le1AAAAA", "00Q5g00000Le2AAAAA"
SF_O1, SF_O2 = "0065g00000Op1AAAAA", "0065g00000Op2AAAAA"
SF_P1, SF_P2 = "01t5g00000Pr1AAAAA", "01t5g00000Pr2AAAAA"
SF_U1, SF_U2 = "0055g00000Xy1AAAAA", "0055g00000Xy2AAAAA"

T = pd.Timestamp


# --------------------------------------------------------------------------- coerce_table
def test_coerce_table_dtypes_dates_booleans_blanks():
    raw = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3", "O4"],
            "account_id": [" A1 ", "A2", "A3", "A4"],
            "created_at": [
                "2024-03-01T10:00:00.000Z",
                "2024-03-01T10:00:00+0900",
                "2024-03-01",
                "2024-03-01 23:15:00",
            ],
            "close_date": ["2024-04-01", "", "   ", "2024/05/02"],
            "is_closed": ["TRUE", "no", "1", "Y"],
            "is_won": ["t", "FALSE", "", "0"],
            "amount": ["1.5", "-2", "", "1e3"],
            "extra": ["x", "y", "z", "w"],
        }
    )
    out = wio.coerce_table(raw, model.OPPORTUNITIES)
    assert list(out.columns) == model.SPECS[model.OPPORTUNITIES].column_names
    assert out["opportunity_id"].dtype == "string"
    assert out["created_at"].dtype == "datetime64[ns]"
    assert out["is_closed"].dtype == "boolean"
    assert out["amount"].dtype == "float64"
    assert out["created_at"].tolist() == [
        T("2024-03-01 10:00"),
        T("2024-03-01 01:00"),  # 10:00 at +09:00 is 01:00 UTC
        T("2024-03-01"),
        T("2024-03-01 23:15"),
    ]
    assert out["close_date"].isna().tolist() == [False, True, True, False]
    assert out.loc[3, "close_date"] == T("2024-05-02")
    assert out["is_closed"].tolist() == [True, False, True, True]
    assert out["is_won"].tolist() == [True, False, pd.NA, False]
    assert out["amount"].iloc[[0, 1, 3]].tolist() == [1.5, -2.0, 1000.0]
    assert np.isnan(out["amount"].iloc[2])
    assert out["account_id"].iloc[0] == "A1"
    # optional columns added all-missing; extra columns dropped by default
    assert out["probability"].isna().all() and out["owner_id"].isna().all()
    assert "extra" not in out.columns
    kept = wio.coerce_table(raw, model.OPPORTUNITIES, keep_extra=True)
    assert list(kept.columns)[-1] == "extra"


def test_coerce_table_tz_aware_and_naive_datetimes():
    aware = pd.Series(pd.to_datetime(["2024-01-01 09:00"]).tz_localize("Asia/Tokyo"))
    raw = pd.DataFrame({"lead_id": ["L1"], "created_at": aware})
    out = wio.coerce_table(raw, model.LEADS)
    assert out.loc[0, "created_at"] == T("2024-01-01 00:00")
    assert out["created_at"].dt.tz is None


def test_coerce_table_activity_types_lowercased_and_unknown_counted():
    raw = pd.DataFrame(
        {
            "activity_id": ["1", "2", "3", "4"],
            "occurred_at": ["2024-01-01"] * 4,
            "type": ["Call", "EMAIL", "Demo", "webinar"],
            "lead_id": ["L1"] * 4,
        }
    )
    out, fixups = wio.coerce_table(raw, model.ACTIVITIES, return_fixups=True)
    assert out["type"].tolist() == ["call", "email", "other", "other"]
    assert len(fixups) == 1
    assert (fixups[0].check, fixups[0].count, fixups[0].examples) == (
        "activity_type_other",
        2,
        ("3", "4"),
    )
    assert fixups[0].severity == "fixup"


def test_coerce_table_collects_bad_values_with_examples():
    raw = pd.DataFrame(
        {
            "opportunity_id": ["O-1", "O-17", "O-22", "O-90"],
            "account_id": ["A"] * 4,
            "created_at": ["2024-01-01"] * 4,
            "close_date": ["2024-02-01", "2024-13-01", "nope", "2024-02-30"],
            "is_closed": ["true", "true", "maybe", "true"],
            "is_won": ["false"] * 4,
            "amount": ["1", "2", "3", "$4"],
        }
    )
    with pytest.raises(DataValidationError) as info:
        wio.coerce_table(raw, model.OPPORTUNITIES, file="opps.csv")
    checks = {p.check: p for p in info.value.problems}
    assert set(checks) == {"bad_date", "bad_bool", "not_numeric"}
    assert checks["bad_date"].count == 3
    assert checks["bad_date"].examples == ("O-17", "O-22", "O-90")
    assert checks["not_numeric"].examples == ("O-90",)
    assert checks["bad_bool"].examples == ("O-22",)
    msg = str(info.value)
    assert "opps.csv" in msg and "'close_date'" in msg and "3 unparseable date(s)" in msg
    assert "O-17, O-22, O-90" in msg and "'2024-13-01'" in msg


def test_coerce_table_missing_required_column_lists_found_columns():
    raw = pd.DataFrame({"lead_id": ["L1"], "CreatedDate": ["2024-01-01"]})
    with pytest.raises(DataValidationError) as info:
        wio.coerce_table(raw, model.LEADS)
    (p,) = info.value.problems
    assert p.check == "missing_column" and p.column == "created_at"
    assert "'CreatedDate'" in p.message and "columns" in p.message


def test_empty_table_has_canonical_dtypes():
    empty = model.empty_table(model.PURCHASES)
    assert len(empty) == 0
    assert empty.dtypes.astype(str).tolist() == [
        "string",
        "string",
        "datetime64[ns]",
        "float64",
        "float64",
    ]


# --------------------------------------------------------------------------- directory CSV
def test_load_directory_csv_values():
    crm = wio.load(BASIC)
    assert set(crm.tables) == {
        "accounts",
        "leads",
        "opportunities",
        "activities",
        "products",
        "purchases",
        "users",
    }  # contacts is optional and absent
    acc = crm.accounts.set_index("account_id")
    # quoted field with a comma and a newline survives intact
    assert acc.loc["A1", "name"] == "Acme, Inc.\nHead Office"
    assert acc.loc["A3", "name"] == "We <3 Dogs"
    assert pd.isna(acc.loc["A3", "parent_id"])  # whitespace-only -> missing
    assert acc.loc["A2", "created_at"] == T("2023-02-01 09:00")
    leads = crm.leads.set_index("lead_id")
    assert leads.loc["L1", "created_at"] == T("2024-01-10 10:00")
    assert leads.loc["L2", "created_at"] == T("2024-01-31 23:00")
    assert leads.loc["L2", "company"] == "NA"  # not read as missing
    assert leads["score"].tolist()[0] == 80.0 and pd.isna(leads.loc["L2", "score"])
    opps = crm.opportunities.set_index("opportunity_id")
    assert opps["is_closed"].tolist() == [True, True, False]
    assert opps["is_won"].tolist() == [True, False, False]
    assert crm.users.loc[1, "name"] == "鈴木 一郎"
    assert crm.activities["type"].tolist() == ["call", "email", "meeting", "other"]
    # default as_of: latest of event dates (2024-03-05 activity, 2024-04-10 purchase)
    # and close dates of closed deals (2024-04-15); open O3's 2024-06-30 is ignored
    assert crm.as_of == T("2024-04-15")
    assert crm.metadata["encodings"]["accounts"] == "utf-8"
    assert crm.metadata["files"]["leads"] == str(BASIC / "leads.csv")
    assert len(crm.fingerprint) == 12
    assert crm.quality.count("activity_type_other") == 1


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


def test_input_files_unchanged(tmp_path):
    for f in BASIC.iterdir():
        shutil.copy(f, tmp_path / f.name)
    before = {
        f.name: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
        for f in tmp_path.iterdir()
    }
    wio.load(tmp_path)
    after = {
        f.name: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
        for f in tmp_path.iterdir()
    }
    assert after == before


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
    assert str(info.value).startswith("2 data error(s)")


# --------------------------------------------------------------------------- encodings
def test_cp932_detected():
    path = ENC / "accounts_cp932.csv"
    assert "株式会社テスト".encode("cp932") in path.read_bytes()  # really CP932 on disk
    crm = wio.load(paths={"accounts": path}, tables=["accounts"])
    assert crm.accounts["name"].tolist() == ["株式会社テスト", "山田商事"]
    assert crm.accounts["industry"].tolist() == ["製造業", "小売"]
    assert crm.metadata["encodings"]["accounts"] == "cp932"
    assert crm.as_of is None  # accounts carry no event dates


def test_forced_encoding():
    path = ENC / "accounts_cp932.csv"
    crm = wio.load(paths={"accounts": path}, tables=["accounts"], encoding="shift_jis")
    assert crm.accounts.loc[0, "name"] == "株式会社テスト"
    with pytest.raises(DataValidationError, match="cannot be read as utf-8"):
        wio.load(paths={"accounts": path}, tables=["accounts"], encoding="utf-8")


def test_utf8_bom():
    path = ENC / "products_utf8_bom.csv"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    crm = wio.load(paths={"products": path}, tables=["products"])
    assert crm.products["product_id"].tolist() == ["P1", "P2"]  # no BOM in the header
    assert crm.products["name"].tolist() == ["Café Crème", "ชาไทย"]
    assert crm.products["list_price"].tolist() == [4.5, 3.0]
    assert crm.metadata["encodings"]["products"] == "utf-8-sig"


def test_sniff_file_cp1252(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("product_id,name\nP1,Señor Café Müller\n".encode("cp1252"))
    encoding, digest = wio.sniff_file(path)
    assert encoding == "cp1252"
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- mapping
def test_column_and_value_mapping(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "Deal,Company,Opened,Closes,Stage,Value\n"
        "D1,C1,2024-01-01,2024-02-01,Closed Won,100\n"
        "D2,C1,2024-01-05,2024-02-10,Closed Lost,50\n"
        "D3,C2,2024-01-07,2024-03-01,Proposal,70\n",
        encoding="utf-8",
    )
    crm = wio.load(
        paths={"opportunities": path},
        tables=["opportunities"],
        columns={
            "opportunities": {
                "opportunity_id": "Deal",
                "created_at": "Opened",
                "close_date": "Closes",
                "stage": "Stage",
                "is_won": "Stage",
                "is_closed": "Stage",
                "amount": "Value",
            },
            "account_id": "Company",  # flat entry, applied where the column exists
        },
        values={
            "opportunities": {
                "is_won": {"Closed Won": True},
                "is_closed": {"Closed Won": True, "Closed Lost": True, "Proposal": False},
            }
        },
    )
    opps = crm.opportunities
    assert opps["account_id"].tolist() == ["C1", "C1", "C2"]
    assert opps["stage"].tolist() == ["Closed Won", "Closed Lost", "Proposal"]
    assert opps["is_won"].tolist() == [True, False, False]
    assert opps["is_closed"].tolist() == [True, True, False]
    # is_won had two values outside the mapping, set to false and counted
    assert crm.quality.count("value_unmapped") == 2
    row = crm.quality.to_frame().query("check == 'value_unmapped'").iloc[0]
    assert (row["column"], row["examples"]) == ("is_won", "D2, D3")


def test_table_mapping_rules():
    columns = {"account_id": "Id", "leads": {"lead_id": "LeadKey"}, "nonsense": "X"}
    assert wio.table_mapping("accounts", columns) == {"account_id": "Id"}
    assert wio.table_mapping("leads", columns) == {"lead_id": "LeadKey"}
    assert wio.table_mapping("products", columns) == {}


# --------------------------------------------------------------------------- parquet
def test_parquet_preferred_and_only_mapped_columns_read(tmp_path):
    for f in BASIC.iterdir():
        shutil.copy(f, tmp_path / f.name)
    products = pd.DataFrame(
        {
            "product_id": ["P1", "P2", "P3"],
            "name": ["Core", "Add-on", "New"],
            "list_price": [1200.0, 300.0, 99.5],
            "internal_notes": ["a", "b", "c"],
        }
    )
    products.to_parquet(tmp_path / "products.parquet")
    stamp = pd.DataFrame(
        {
            "account_id": ["A1"],
            "product_id": ["P1"],
            "purchased_at": pd.to_datetime(["2024-03-01 09:00"]).tz_localize("Europe/Paris"),
        }
    )
    stamp.to_parquet(tmp_path / "purchases.parquet")
    crm = wio.load(tmp_path, tables=["products", "purchases"])
    assert crm.products["product_id"].tolist() == ["P1", "P2", "P3"]  # parquet, not csv
    assert crm.products["list_price"].tolist() == [1200.0, 300.0, 99.5]
    assert crm.products["family"].isna().all()
    assert crm.metadata["files"]["products"].endswith("products.parquet")
    assert crm.purchases.loc[0, "purchased_at"] == T("2024-03-01 08:00")
    raw = wio.read_parquet_raw(tmp_path / "products.parquet", usecols={"product_id", "name"})
    assert list(raw.frame.columns) == ["product_id", "name"]


# --------------------------------------------------------------------------- salesforce
def test_salesforce_preset():
    crm = wio.load(SF, preset="salesforce")
    assert set(crm.tables) == set(model.TABLES)
    acc = crm.accounts
    assert acc["account_id"].tolist() == [SF_A1, SF_A2]  # 18-char ids kept as text
    assert acc.loc[1, "parent_id"] == SF_A1
    assert acc.loc[1, "name"] == "Acme Sub, Ltd"
    assert acc.loc[1, "created_at"] == T("2023-02-05 03:00")
    leads = crm.leads
    assert leads["score"].tolist()[0] == 75.0 and pd.isna(leads.loc[1, "score"])
    assert leads.loc[0, "handed_off_at"] == T("2024-01-12")
    assert leads.loc[0, "converted_opportunity_id"] == SF_O1
    assert leads.loc[1, "created_at"] == T("2024-02-01 00:30")
    opps = crm.opportunities
    assert opps["is_won"].tolist() == [True, False]
    assert opps["amount"].tolist() == [1000.0, 250.0]
    acts = crm.activities.set_index("activity_id")
    assert acts["type"].tolist() == ["call", "email", "task", "other", "meeting"]
    assert acts["lead_id"].tolist() == [SF_L1, pd.NA, pd.NA, SF_L2, SF_L2]
    assert acts.loc["00T5g00000Ta2AAAAA", "opportunity_id"] == SF_O1
    assert acts.loc["00T5g00000Ta2AAAAA", "account_id"] == SF_A1
    assert acts.loc["00T5g00000Ta3AAAAA", "account_id"] == SF_A2
    assert acts.loc["00T5g00000Ta3AAAAA", "occurred_at"] == T("2024-02-10 08:00")
    assert acts.loc["00U5g00000Ev1AAAAA", "occurred_at"] == T("2024-02-05 01:00")
    purchases = crm.purchases
    assert purchases["product_id"].tolist() == [SF_P1, SF_P2]
    assert purchases["purchased_at"].tolist() == [T("2024-03-01"), T("2024-04-01")]
    assert purchases["discount_pct"].tolist() == [0.0, 15.0]
    assert crm.contacts["is_decision_maker"].tolist() == [True, False]
    assert crm.users["team"].tolist() == ["Enterprise AE", "Sales West"]
    assert crm.users["started_at"].tolist() == [T("2020-01-01"), T("2021-06-01")]
    q = crm.quality
    assert q.count("activity_type_other") == 1  # 'Send Letter'
    assert q.count("occurred_at_fallback") == 1  # task without ActivityDate
    assert q.count("purchased_at_fallback") == 1  # asset without PurchaseDate
    assert crm.metadata["preset"] == "salesforce"
    # closed O1 closes 2024-03-01; latest event is the asset of 2024-04-01
    assert crm.as_of == T("2024-04-01")


def test_salesforce_line_items_when_no_assets(tmp_path):
    for f in SF.iterdir():
        if f.name != "Asset.csv":
            shutil.copy(f, tmp_path / f.name)
    crm = wio.load(tmp_path, preset="salesforce", tables=["purchases", "opportunities"])
    p = crm.purchases
    assert len(p) == 1  # only the line of the won opportunity
    assert (p.loc[0, "account_id"], p.loc[0, "product_id"]) == (SF_A1, SF_P1)
    assert (p.loc[0, "purchased_at"], p.loc[0, "amount"], p.loc[0, "discount_pct"]) == (
        T("2024-03-01"),
        1000.0,
        10.0,
    )
    assert crm.quality.count("line_item_not_won") == 1


def test_salesforce_column_override(tmp_path):
    for f in SF.iterdir():
        shutil.copy(f, tmp_path / f.name)
    lead = pd.read_csv(tmp_path / "Lead.csv", dtype=str, keep_default_na=False)
    lead["Handoff__c"] = ["2024-01-15", ""]
    lead.to_csv(tmp_path / "Lead.csv", index=False)
    crm = wio.load(
        tmp_path,
        preset="salesforce",
        tables=["leads"],
        columns={"leads": {"handed_off_at": "Handoff__c"}},
    )
    assert crm.leads.loc[0, "handed_off_at"] == T("2024-01-15")


def test_salesforce_missing_file_named(tmp_path):
    shutil.copy(SF / "Lead.csv", tmp_path / "Lead.csv")
    with pytest.raises(DataValidationError) as info:
        wio.load(tmp_path, preset="salesforce", tables=["leads", "activities"])
    (p,) = info.value.problems
    assert p.table == "activities" and "Task.csv or Event.csv" in p.message


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


# --------------------------------------------------------------------------- sources, invariants
def test_missing_directory_and_single_file_source(tmp_path):
    with pytest.raises(DataValidationError, match="no such directory"):
        wio.load(tmp_path / "nope")
    crm = wio.load(BASIC / "leads.csv", tables=["leads"])
    assert crm.leads["lead_id"].tolist() == ["L1", "L2", "L3"]
    with pytest.raises(DataValidationError, match="is a file"):
        wio.load(BASIC / "leads.csv", tables=["leads", "activities"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["true", "FALSE", " yes ", "N", "t", "0", "1", ""]),
            st.sampled_from(["2024-01-02", "2024-01-02T03:04:05Z", "2024-01-02T12:00:00+0900", ""]),
            st.sampled_from(["1.5", "-2", "", "1e3", " 7 "]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_coerce_table_is_idempotent_and_maps_spellings(rows):
    flags, dates, amounts = zip(*rows, strict=True)
    raw = pd.DataFrame(
        {
            "opportunity_id": [f"O{i}" for i in range(len(rows))],
            "account_id": "A1",
            "created_at": list(dates),
            "close_date": list(dates),
            "is_closed": list(flags),
            "is_won": list(flags),
            "amount": list(amounts),
        }
    )
    once = wio.coerce_table(raw, model.OPPORTUNITIES)
    twice = wio.coerce_table(once, model.OPPORTUNITIES)
    pd.testing.assert_frame_equal(once, twice)
    expected = [
        None if f.strip() == "" else f.strip().lower() in ("true", "yes", "t", "1") for f in flags
    ]
    assert [None if pd.isna(v) else bool(v) for v in once["is_won"]] == expected
    assert once["created_at"].isna().tolist() == [d == "" for d in dates]

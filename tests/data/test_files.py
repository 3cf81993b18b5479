"""workbook.data.readers.files and .export: encodings, Parquet, directories and explicit paths."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbook.data import io as wio
from workbook.data.readers import files
from workbook.data.validate import DataValidationError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASIC = FIXTURES / "basic"
ENC = FIXTURES / "encodings"

T = pd.Timestamp


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
    encoding, digest = files.sniff_file(path)
    assert encoding == "cp1252"
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


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
    raw = files.read_parquet_raw(tmp_path / "products.parquet", usecols={"product_id", "name"})
    assert list(raw.frame.columns) == ["product_id", "name"]


# --------------------------------------------------------------------------- sources
def test_missing_directory_and_single_file_source(tmp_path):
    with pytest.raises(DataValidationError, match="no such directory"):
        wio.load(tmp_path / "nope")
    crm = wio.load(BASIC / "leads.csv", tables=["leads"])
    assert crm.leads["lead_id"].tolist() == ["L1", "L2", "L3"]
    with pytest.raises(DataValidationError, match="is a file"):
        wio.load(BASIC / "leads.csv", tables=["leads", "activities"])

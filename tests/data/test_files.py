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


# --------------------------------------------------------------------------- Parquet parts
def _write_parts(folder: Path, frame: pd.DataFrame, cuts) -> list[Path]:
    """``frame`` split at the row positions ``cuts``, one Parquet part per piece."""
    folder.mkdir(parents=True, exist_ok=True)
    bounds = [0, *cuts, len(frame)]
    paths = []
    for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        path = folder / f"part-{k:05d}.parquet"
        frame.iloc[lo:hi].to_parquet(path, index=False)
        paths.append(path)
    return paths


def _accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "name": ["Acme", "Acme EU", 'Quote "Co"', "ワン株式会社", "Line\nBreak"],
            "parent_id": [None, "A1", None, "A1", None],
            "owner_id": ["U1", "U1", None, "U2", "U2"],
            "industry": ["Retail", "Retail", "Software", None, "Logistics"],
            "created_at": pd.to_datetime(
                ["2024-01-05", "2024-02-01", None, "2024-03-31", "2024-04-01"]
            ),
        }
    )


def test_folder_of_parquet_parts_reads_as_the_one_file(tmp_path):
    frame = _accounts()
    one, parted = tmp_path / "one", tmp_path / "parted"
    one.mkdir()
    frame.to_parquet(one / "accounts.parquet", index=False)
    # Parts of 2, 0 and 3 rows: an empty part is a valid part.
    parts = _write_parts(parted / "accounts", frame, [2, 2])
    assert [len(pd.read_parquet(p)) for p in parts] == [2, 0, 3]
    (parted / "accounts" / "_SUCCESS").write_text("")  # not a part
    raw_one = files.read_file(one / "accounts.parquet")
    raw_parts = files.read_file(parted / "accounts")
    pd.testing.assert_frame_equal(raw_parts.frame, raw_one.frame)
    assert raw_parts.frame.attrs["header"] == list(frame.columns)
    assert raw_parts.file == str(parted / "accounts")
    # Only the wanted columns are read, as from one file.
    some = files.read_file(parted / "accounts", usecols={"account_id", "name"})
    assert list(some.frame.columns) == ["account_id", "name"]
    # The digest covers the bytes of every part: rewrite one, it changes.
    before = raw_parts.digest
    frame.iloc[:2].assign(name=["Acme", "Acme Europe"]).to_parquet(parts[0], index=False)
    assert files.read_file(parted / "accounts").digest != before

    # The loader finds the folder by the table's name and loads the same table.
    frame.iloc[:2].to_parquet(parts[0], index=False)
    from_one = wio.load(one, tables=["accounts"]).accounts
    from_parts = wio.load(parted, tables=["accounts"]).accounts
    pd.testing.assert_frame_equal(from_parts, from_one)
    assert len(from_parts) == 5 and from_parts["name"].iloc[3] == "ワン株式会社"


def test_parquet_file_wins_over_a_parts_folder_and_empty_folders_are_not_tables(tmp_path):
    from workbook.data.readers.export import table_file

    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "notes.txt").write_text("x")
    assert table_file(tmp_path, "accounts") is None  # a folder without parts
    _write_parts(tmp_path / "accounts", _accounts(), [3])
    assert table_file(tmp_path, "accounts") == tmp_path / "accounts"
    _accounts().to_csv(tmp_path / "accounts.csv", index=False)
    assert table_file(tmp_path, "accounts") == tmp_path / "accounts"  # Parquet before CSV
    _accounts().to_parquet(tmp_path / "accounts.parquet", index=False)
    assert table_file(tmp_path, "accounts") == tmp_path / "accounts.parquet"


def test_a_bad_part_is_an_error_naming_that_part(tmp_path):
    parts = _write_parts(tmp_path / "accounts", _accounts(), [2, 4])
    parts[1].write_bytes(b"account_id,name\nA3,not parquet\n")
    with pytest.raises(DataValidationError) as err:
        files.read_file(tmp_path / "accounts")
    (problem,) = err.value.problems
    assert problem.check == "unreadable_file" and problem.file == str(parts[1])
    assert "part-00001.parquet: cannot be read as a Parquet part" in str(err.value)
    # A part whose columns differ from the first part's is named too.
    _accounts().iloc[2:4].drop(columns="industry").to_parquet(parts[1], index=False)
    with pytest.raises(DataValidationError, match="part-00001.parquet: its columns or types"):
        wio.load(tmp_path, tables=["accounts"])


def test_validate_exits_2_naming_a_bad_part(tmp_path):
    from conftest import run_cli

    from workbook.data import sample

    data = tmp_path / "data"
    sample.write(data, formats=("parquet",))
    leads = pd.read_parquet(data / "leads.parquet")
    (data / "leads.parquet").unlink()
    parts = _write_parts(data / "leads", leads, [3000, 6000])
    ok = run_cli("validate", "--data", data)
    assert ok.returncode == 0, ok.stderr
    assert f"leads: {len(leads):,}" in ok.stdout
    parts[2].write_bytes(parts[2].read_bytes()[:100])  # truncated
    proc = run_cli("validate", "--data", data)
    assert proc.returncode == 2
    assert "part-00002.parquet" in proc.stderr and "Traceback" not in proc.stderr

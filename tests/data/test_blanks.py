"""Blank required cells are counted exclusions (issues 17 and 18): workbook.data.blanks."""

from __future__ import annotations

import pandas as pd
import pytest

import workbook
from workbook.cli import main
from workbook.data import blanks, model
from workbook.data import snapshot as snap
from workbook.data.io import resolve_as_of
from workbook.data.validate import DataQuality, DataValidationError, Issue

ACCOUNTS = "account_id,name\nA1,Acme\nA2,Beta\n"
HEADER = "opportunity_id,account_id,created_at,close_date,is_closed,is_won,amount\n"
# 10 deals. Blank account: O2, O5, O8 (3). O9 is won and closed with a blank close_date (1).
# Allowed blanks, kept: O10 is open with no close_date and no amount; O3 is lost with no amount.
OPPS = HEADER + (
    "O1,A1,2024-01-01,2024-02-01,true,true,100\n"
    "O2,,2024-01-02,2024-02-02,true,false,200\n"
    "O3,A2,2024-01-03,2024-02-03,true,false,\n"
    "O4,A1,2024-01-04,2024-02-04,false,false,400\n"
    "O5,,2024-01-05,2024-02-05,true,true,500\n"
    "O6,A2,2024-01-06,2024-02-06,true,true,600\n"
    "O7,A1,2024-01-07,2024-02-07,true,false,700\n"
    "O8,,2024-01-08,2024-02-08,false,false,800\n"
    "O9,A2,2024-01-09,,true,true,900\n"
    "O10,A1,2024-01-10,,false,false,\n"
)


def _export(tmp_path, opps=OPPS, accounts=ACCOUNTS):
    (tmp_path / "accounts.csv").write_text(accounts, encoding="utf-8")
    (tmp_path / "opportunities.csv").write_text(opps, encoding="utf-8")
    return tmp_path


def _load(folder, **options):
    options.setdefault("as_of", "2024-03-31")
    return workbook.load(folder, tables=["accounts", "opportunities"], **options)


def _issue(crm, check, column) -> Issue:
    (found,) = [i for i in crm.quality if i.check == check and i.column == column]
    return found


def test_planted_blanks_are_counted_with_example_ids_and_left_out(tmp_path):
    crm = _load(_export(tmp_path))
    # 10 rows - 3 blank accounts - 1 closed deal without close_date = 6 usable rows.
    assert crm.opportunities["opportunity_id"].tolist() == ["O1", "O3", "O4", "O6", "O7", "O10"]
    account = _issue(crm, "blank_required", "account_id")
    assert (account.count, account.examples, account.severity) == (
        3,
        ("O2", "O5", "O8"),
        "excluded",
    )
    assert "3 row(s) with a blank account_id left out of opportunities" in account.message
    close = _issue(crm, "blank_required", "close_date")
    assert (close.count, close.examples) == (1, ("O9",))
    assert "is_closed true and a blank close_date" in close.message
    # The rows left out are kept for inspection, with their data row and blank columns.
    out = crm.excluded["opportunities"]
    assert out["opportunity_id"].tolist() == ["O2", "O5", "O8", "O9"]
    assert out["row"].tolist() == [2, 5, 8, 9]
    assert out["blank"].tolist() == ["account_id", "account_id", "account_id", "close_date"]
    assert crm.quality.excluded_rows("opportunities") == 4
    assert crm.quality.to_dict()["excluded"] == 4
    assert "4 rows left out for blank required cells" in crm.quality.headline()
    # Loaded + left out = rows read.
    assert len(crm.opportunities) + crm.quality.excluded_rows("opportunities") == 10
    assert "accounts" not in crm.excluded and len(crm.accounts) == 2


def test_allowed_blanks_are_kept_and_counted(tmp_path):
    crm = _load(_export(tmp_path))
    close = _issue(crm, "blank_allowed", "close_date")
    assert (close.count, close.examples, close.severity) == (1, ("O10",), "warning")
    amount = _issue(crm, "blank_allowed", "amount")
    assert (amount.count, amount.examples) == (2, ("O3", "O10"))
    assert model.blank_rule("opportunities", "close_date") == "row left out when is_closed is true"
    assert model.blank_rule("opportunities", "account_id") == "row left out"
    assert model.blank_rule("opportunities", "stage") == "allowed"


def test_no_blanks_no_claims(tmp_path):
    clean = HEADER + "O1,A1,2024-01-01,2024-02-01,true,true,100\n"
    crm = _load(_export(tmp_path, clean))
    assert crm.excluded == {}
    assert not [i for i in crm.quality if i.check.startswith("blank_")]
    assert crm.quality.left_out().empty
    assert "left out" not in crm.quality.headline()


def test_a_row_blank_in_two_columns_is_counted_once(tmp_path):
    opps = HEADER + (
        "O1,A1,2024-01-01,2024-02-01,true,true,100\n"
        "O2,,,2024-02-02,true,false,200\n"  # blank account_id and created_at
        "O3,A1,,2024-02-03,true,false,300\n"  # blank created_at only
    )
    crm = _load(_export(tmp_path, opps))
    account = _issue(crm, "blank_required", "account_id")
    created = _issue(crm, "blank_required", "created_at")
    # O2 goes under account_id (first in column order), O3 under created_at.
    assert (account.count, account.examples) == (1, ("O2",))
    assert (created.count, created.examples) == (1, ("O3",))
    assert "also blank: created_at 1" in account.message
    assert crm.excluded["opportunities"]["blank"].tolist() == [
        "account_id, created_at",
        "created_at",
    ]
    assert crm.quality.excluded_rows("opportunities") == 2


def test_blank_primary_id_is_left_out_and_named_by_its_line(tmp_path):
    opps = HEADER + (
        "O1,A1,2024-01-01,2024-02-01,true,true,100\n,A1,2024-01-02,2024-02-02,true,false,200\n"
    )
    crm = _load(_export(tmp_path, opps))
    issue = _issue(crm, "blank_required", "opportunity_id")
    assert (issue.count, issue.examples) == (1, ("line 3",))  # header line 1, O1 line 2
    assert crm.opportunities["opportunity_id"].tolist() == ["O1"]
    assert crm.excluded["opportunities"]["row"].tolist() == [2]


def _leads(tmp_path, text, **options):
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8")
    return workbook.load(path, tables=["leads"], as_of="2024-02-01", **options)


def test_blank_id_lines_count_quoted_line_breaks_empty_lines_and_filters(tmp_path):
    text = (
        "lead_id,created_at,company,source\n"  # line 1
        'L1,2024-01-01,"a\nb",web\n'  # lines 2-3: one record
        "\n"  # line 4: empty, not a record
        ",2024-01-02,c,event\n"  # line 5: filtered out below
        ",2024-01-03,d,web\n"  # line 6
        "L4,2024-01-04,e,web\n"  # line 7
        ",2024-01-05,f,web"  # line 8, no final line feed
    )
    crm = _leads(tmp_path, text)
    assert _issue(crm, "blank_required", "lead_id").examples == ("line 5", "line 6", "line 8")
    kept = _leads(tmp_path, text, filters={"leads": {"source": ["web"]}})
    assert _issue(kept, "blank_required", "lead_id").examples == ("line 6", "line 8")
    assert kept.leads["lead_id"].tolist() == ["L1", "L4"]


def test_blank_id_falls_back_to_the_row_when_lines_cannot_be_told(tmp_path):
    # A lone quote inside an unquoted field is text for the reader but upsets a quote count.
    text = 'lead_id,created_at,company\nL1,2024-01-01,5" screen\n,2024-01-02,c\n'
    crm = _leads(tmp_path, text)
    assert crm.leads["company"].tolist() == ['5" screen']
    assert _issue(crm, "blank_required", "lead_id").examples == ("row 2",)


def test_a_table_left_with_no_usable_row_is_an_error(tmp_path):
    opps = HEADER + "O1,,2024-01-01,2024-02-01,true,true,100\nO2,,2024-01-02,,true,true,5\n"
    folder = _export(tmp_path, opps)
    with pytest.raises(DataValidationError) as info:
        _load(folder)
    (p,) = info.value.problems
    assert p.check == "no_usable_rows" and p.table == "opportunities"
    assert p.file == str(folder / "opportunities.csv") and p.column == "account_id"
    assert "no usable row: every one of the 2 row(s)" in p.message
    assert "account_id 2" in p.message


def test_header_only_table_is_not_an_error(tmp_path):
    crm = _load(_export(tmp_path, HEADER))
    assert len(crm.opportunities) == 0 and crm.excluded == {}


def test_blank_boolean_is_never_read_as_false(tmp_path):
    opps = HEADER + (
        "O1,A1,2024-01-01,2024-02-01,true,true,100\n"
        "O2,A1,2024-01-02,2024-02-02,true,,200\n"  # blank is_won: not a lost deal
        "O3,A1,2024-01-03,2024-02-03,,false,300\n"  # blank is_closed
    )
    crm = _load(_export(tmp_path, opps))
    assert crm.opportunities["opportunity_id"].tolist() == ["O1"]
    assert _issue(crm, "blank_required", "is_won").examples == ("O2",)
    assert _issue(crm, "blank_required", "is_closed").examples == ("O3",)
    assert not crm.opportunities["is_won"].isna().any()


def test_a_value_map_listing_blank_maps_it_explicitly(tmp_path):
    opps = HEADER + (
        "O1,A1,2024-01-01,2024-02-01,true,true,100\nO2,A1,2024-01-02,2024-02-02,true,,200\n"
    )
    values = {"opportunities": {"is_won": {"": False}}}
    crm = _load(_export(tmp_path, opps), values=values)
    assert crm.opportunities["is_won"].tolist() == [True, False]
    assert crm.excluded == {}


def test_stage_value_map_sets_unlisted_false_but_keeps_blank_blank(tmp_path):
    text = (
        "opportunity_id,account_id,created_at,close_date,stage,amount\n"
        "O1,A1,2024-01-01,2024-02-01,Won,100\n"
        "O2,A1,2024-01-02,2024-02-02,Lost,200\n"
        "O3,A1,2024-01-03,2024-02-03,,300\n"  # blank stage: neither won nor lost
    )
    options = {
        "columns": {"opportunities": {"is_won": "stage", "is_closed": "stage"}},
        "values": {
            "opportunities": {"is_won": {"Won": True}, "is_closed": {"Won": True, "Lost": True}}
        },
    }
    crm = _load(_export(tmp_path, text), **options)
    assert crm.opportunities["is_won"].tolist() == [True, False]
    assert _issue(crm, "value_unmapped", "is_won").count == 1  # 'Lost' -> false, counted
    # O3 is left out under is_closed (first blank required column in order).
    assert _issue(crm, "blank_required", "is_closed").examples == ("O3",)


def test_a_value_mapped_to_null_becomes_blank(tmp_path):
    opps = HEADER + (
        "O1,A1,2024-01-01,2024-02-01,true,true,100\nO2,A1,2024-01-02,2024-02-02,true,?,200\n"
    )
    crm = _load(_export(tmp_path, opps), values={"opportunities": {"is_won": {"?": None}}})
    assert _issue(crm, "blank_required", "is_won").examples == ("O2",)
    assert not [i for i in crm.quality if i.check == "value_unmapped"]


def test_rows_left_out_still_set_the_default_as_of(tmp_path):
    # The latest event is O5's created_at (blank account: left out); the pre-scan agrees.
    opps = HEADER + (
        "O1,A1,2024-01-01,2024-01-02,true,true,100\nO5,,2024-03-05,2024-03-06,false,false,1\n"
    )
    folder = _export(tmp_path, opps)
    crm = workbook.load(folder, tables=["accounts", "opportunities"])
    assert crm.as_of == pd.Timestamp("2024-03-05")
    assert resolve_as_of(folder, tables=["accounts", "opportunities"]) == crm.as_of


def test_as_known_at_and_snapshot_keep_the_exclusions(tmp_path):
    (tmp_path / "in").mkdir()
    crm = _load(_export(tmp_path / "in"))
    past = crm.as_known_at("2024-01-05")
    assert past.opportunities["opportunity_id"].tolist() == ["O1", "O3", "O4"]
    assert past.excluded["opportunities"]["opportunity_id"].tolist() == ["O2", "O5", "O8", "O9"]
    folder = snap.write(crm, tmp_path / "snap")
    back = workbook.load(snapshot=folder, tables=["opportunities"])
    pd.testing.assert_frame_equal(back.excluded["opportunities"], crm.excluded["opportunities"])
    assert back.quality.excluded_rows("opportunities") == 4


def test_left_out_table_and_for_tables(tmp_path):
    crm = _load(_export(tmp_path))
    table = crm.quality.left_out()
    assert list(table.columns) == ["table", "column", "rows left out", "why", "example ids"]
    assert table.to_dict("records") == [
        {
            "table": "opportunities", "column": "account_id", "rows left out": 3,
            "why": "blank account_id", "example ids": "O2, O5, O8",
        },
        {
            "table": "opportunities", "column": "close_date", "rows left out": 1,
            "why": "blank close_date", "example ids": "O9",
        },
    ]  # fmt: skip
    only_accounts = crm.quality.for_tables(["accounts"])
    assert only_accounts.left_out().empty and list(only_accounts.row_counts) == ["accounts"]
    assert isinstance(only_accounts, DataQuality)


def test_validate_lists_the_exclusions_and_exits_0(tmp_path, capsys):
    folder = _export(tmp_path)
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [accounts, opportunities]}\n", encoding="utf-8")
    code = main(["validate", "--data", str(folder), "-p", str(params), "--as-of", "2024-03-31"])
    out = capsys.readouterr().out
    assert code == 0
    assert "opportunities: 6 (4 left out: blank required cells)" in out
    assert "Counted and left out (4 rows):" in out
    assert "blank_required opportunities.account_id (3)" in out and "e.g. O2, O5, O8" in out
    assert "blank_required opportunities.close_date (1)" in out and "e.g. O9" in out


def test_validate_exits_2_when_no_usable_row(tmp_path, capsys):
    folder = _export(tmp_path, HEADER + "O1,,2024-01-01,2024-02-01,true,true,100\n")
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [accounts, opportunities]}\n", encoding="utf-8")
    code = main(["validate", "--data", str(folder), "-p", str(params), "--as-of", "2024-03-31"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(folder / "opportunities.csv") in err and "account_id" in err
    assert "no usable row" in err and "Traceback" not in err


def test_exclude_blank_required_on_a_frame_directly():
    frame = pd.DataFrame(
        {"lead_id": pd.array(["L1", None, "L3"], dtype="string"),
         "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", None])}
    )  # fmt: skip
    result = blanks.exclude_blank_required(frame, "leads")
    assert result.frame["lead_id"].tolist() == ["L1"]
    assert [(i.column, i.count, i.examples) for i in result.issues] == [
        ("lead_id", 1, ("row 2",)),
        ("created_at", 1, ("L3",)),
    ]
    assert result.problems == []

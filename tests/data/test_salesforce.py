"""workbook.data.readers.salesforce: the preset="salesforce" export reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbook.data import io as wio
from workbook.data import model
from workbook.data.validate import DataValidationError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SF = FIXTURES / "salesforce"

SF_A1, SF_A2 = "0015g00000AbCdEAAV", "0015g00000AbCdFAAV"
SF_L1, SF_L2 = "00Q5g00000Le1AAAAA", "00Q5g00000Le2AAAAA"
SF_O1, SF_O2 = "0065g00000Op1AAAAA", "0065g00000Op2AAAAA"
SF_P1, SF_P2 = "01t5g00000Pr1AAAAA", "01t5g00000Pr2AAAAA"
SF_U1, SF_U2 = "0055g00000Xy1AAAAA", "0055g00000Xy2AAAAA"

T = pd.Timestamp


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


def test_salesforce_opportunity_name_read_from_name_and_named_by_deal_when_blank(tmp_path):
    from workbook.core.names import Names

    crm = wio.load(SF, preset="salesforce")
    assert crm.opportunities["name"].tolist()[0] == "Acme KK – Renewal 2024"
    assert pd.isna(crm.opportunities["name"].tolist()[1])
    # O2 has no Name: its account (A2 "Acme Sub, Ltd"), amount 250 and stage Prospecting name it
    names = Names.of(crm).opportunities
    assert names[SF_O1] == "Acme KK – Renewal 2024"
    assert names[SF_O2] == "Acme Sub, Ltd, $250 (Prospecting)"
    # an export without the Name field loads; every deal is then named by account, amount, stage
    for f in SF.iterdir():
        shutil.copy(f, tmp_path / f.name)
    opp = pd.read_csv(SF / "Opportunity.csv", dtype=str).drop(columns="Name")
    opp.to_csv(tmp_path / "Opportunity.csv", index=False)
    crm = wio.load(tmp_path, preset="salesforce", tables=["accounts", "opportunities"])
    assert crm.opportunities["name"].isna().all()
    assert Names.of(crm).opportunities[SF_O1] == "Acme KK, $1k (Closed Won)"  # A1 is "Acme KK"


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


# --------------------------------------------------------------------------- strict mapping
def test_preset_alternative_is_used_and_reported(tmp_path):
    export = tmp_path / "sf"
    shutil.copytree(SF, export)
    lead = export / "Lead.csv"
    lead.write_text(lead.read_text().replace("MQL_Date__c", "MQL_Date_Time__c", 1))
    crm = wio.load(export, preset="salesforce", tables=["leads"])
    assert crm.leads["handed_off_at"].notna().any()
    (used,) = [i for i in crm.quality.issues if i.check == "column_alternative"]
    assert (used.table, used.column) == ("leads", "handed_off_at")
    assert "MQL_Date_Time__c" in used.message


def test_preset_override_naming_an_absent_field_is_an_error():
    with pytest.raises(DataValidationError) as info:
        wio.load(SF, preset="salesforce", tables=["leads"],
                 columns={"leads": {"score": "Lead_Score__c"}})  # fmt: skip
    (p,) = info.value.problems
    assert (p.check, p.table) == ("missing_source_column", "leads")
    assert "'Lead_Score__c'" in p.message and "'pi__score__c'" in p.message

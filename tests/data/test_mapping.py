"""workbook.data.mapping: column and value mapping."""

from __future__ import annotations

import pandas as pd

from workbook.data import io as wio
from workbook.data import mapping

T = pd.Timestamp


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
    assert mapping.table_mapping("accounts", columns) == {"account_id": "Id"}
    assert mapping.table_mapping("leads", columns) == {"lead_id": "LeadKey"}
    assert mapping.table_mapping("products", columns) == {}

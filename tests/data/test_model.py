"""The canonical data model: specs and CrmData access."""

import pandas as pd
import pytest

from workbook.data import model


def test_specs_mark_required_columns_and_keys():
    leads = model.SPECS["leads"]
    assert leads.required_columns == ["lead_id", "created_at"]
    assert leads.primary_key == "lead_id"
    assert model.SPECS["purchases"].primary_key is None
    assert set(model.REQUIRED_TABLES) == {
        "accounts",
        "leads",
        "opportunities",
        "activities",
        "products",
        "purchases",
    }
    # Every reference points at a real column of a real table.
    for table, column, ref_table, ref_column in model.REFERENCES:
        assert column in model.SPECS[table].column_names
        assert ref_column in model.SPECS[ref_table].column_names


def test_crmdata_attribute_access_and_missing_tables():
    leads = pd.DataFrame({"lead_id": ["L1"]})
    crm = model.CrmData(tables={"leads": leads})
    assert crm.leads is leads
    assert "leads" in crm and "users" not in crm
    assert crm.get("users") is None
    assert crm.row_counts() == {"leads": 1}
    with pytest.raises(AttributeError, match="optional or was not requested"):
        _ = crm.users
    with pytest.raises(AttributeError):
        _ = crm.not_a_table


def _crm():
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "created_at": pd.to_datetime(["2024-01-10 09:00", None, "2024-03-02 00:00"]),
        }
    )
    accounts = pd.DataFrame({"account_id": ["A1"], "created_at": pd.to_datetime(["2023-05-01"])})
    products = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["<b>Core</b>", "Add-on"]})
    return model.CrmData(
        tables={"accounts": accounts, "leads": leads, "products": products},
        source="export <dir>",
        fingerprint="abc123def456",
        as_of=pd.Timestamp("2024-03-31"),
    )


def test_main_date_column_is_the_event_date_else_the_first_date_column():
    assert model.main_date_column("leads", ["lead_id", "created_at"]) == "created_at"
    assert model.main_date_column("activities", ["occurred_at"]) == "occurred_at"
    # accounts have no event date: their first date column present is used.
    assert model.main_date_column("accounts", ["account_id", "created_at"]) == "created_at"
    assert model.main_date_column("users", ["owner_id", "started_at"]) == "started_at"
    assert model.main_date_column("products", ["product_id", "name"]) is None
    assert model.main_date_column("leads", ["lead_id"]) is None


def test_crmdata_repr_is_multiline_with_rows_and_date_ranges():
    text = repr(_crm())
    lines = text.splitlines()
    assert lines[0] == "CrmData"
    assert "  as_of:       2024-03-31" in lines
    assert "  source:      export <dir>" in lines
    assert "  fingerprint: abc123def456" in lines
    # leads: 3 rows, created_at from 2024-01-10 to 2024-03-02 (the missing date is ignored)
    leads = next(line for line in lines if line.strip().startswith("leads"))
    assert leads.split() == ["leads", "3", "created_at", "2024-01-10", "..", "2024-03-02"]
    products = next(line for line in lines if line.strip().startswith("products"))
    assert products.split() == ["products", "2"]  # no date column
    assert "DataFrame" not in text and "<b>" not in text


def test_crmdata_repr_html_shows_each_table_and_escapes():
    html = _crm()._repr_html_()
    assert (
        "<td>accounts</td><td>1</td><td>created_at</td><td>2023-05-01</td><td>2023-05-01</td>"
        in html
    )
    assert (
        "<td>leads</td><td>3</td><td>created_at</td><td>2024-01-10</td><td>2024-03-02</td>" in html
    )
    assert "<td>products</td><td>2</td><td></td><td></td><td></td>" in html
    assert "export &lt;dir&gt;" in html and "abc123def456" in html and "2024-03-31" in html


def test_crmdata_repr_names_the_quality_headline():
    import workbook

    crm = workbook.load(tables=["leads", "activities"])
    assert "quality:" in repr(crm)
    assert crm.quality.headline() in repr(crm)
    assert crm.quality.headline() in crm._repr_html_()


def test_data_model_docs_state_the_blank_rule_of_every_column():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "data_model.md").read_text("utf-8")
    seen = {}
    for section in re.split(r"\n### ", text)[1:]:
        table = re.match(r"`(\w+)`", section)
        if table is None or table.group(1) not in model.SPECS:
            continue
        for column, rule in re.findall(r"^\| `(\w+)` \| \w+ \| \*? *\| ([^|]+) \|", section, re.M):
            seen[table.group(1), column] = rule.strip()
    expected = {
        (t, c): model.blank_rule(t, c) for t, spec in model.SPECS.items() for c in spec.column_names
    }
    assert seen == expected
    assert expected["opportunities", "amount"] == "row left out when is_won is true"

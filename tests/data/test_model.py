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


def test_empty_table_has_canonical_columns_and_kinds():
    empty = model.empty_table("opportunities")
    assert list(empty.columns) == model.SPECS["opportunities"].column_names
    assert len(empty) == 0
    assert pd.api.types.is_datetime64_any_dtype(empty["close_date"])
    assert pd.api.types.is_float_dtype(empty["amount"])

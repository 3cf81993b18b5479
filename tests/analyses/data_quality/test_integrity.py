"""data_quality.integrity: unknown references (hand-built)."""

from __future__ import annotations

import math

import pandas as pd

from workbook.analyses import data_quality as qr


def test_referential_integrity_counts_unknown_rows_and_ids(tables):
    integrity = qr.referential_integrity(tables).set_index(["table", "column"])
    owner = integrity.loc[("accounts", "owner_id")]
    # 4 rows have an owner; U7 (2 rows) is not among the users: 2 unknown rows, 1 id.
    assert owner["checked"]
    assert (owner["rows"], owner["rows_with_value"]) == (5, 4)
    assert (owner["unknown_rows"], owner["unknown_ids"]) == (2, 1)
    assert owner["unknown_share"] == 0.5
    assert owner["examples"] == "U7"
    opp = integrity.loc[("opportunities", "account_id")]
    assert (opp["unknown_rows"], opp["unknown_ids"], opp["examples"]) == (2, 1, "A8")
    # leads is not loaded: its references are listed but not checked.
    leads = integrity.loc[("leads", "converted_account_id")]
    assert not leads["checked"] and pd.isna(leads["unknown_rows"])
    assert len(integrity) == 13  # every reference of the model is listed


def test_referential_integrity_lists_at_most_five_sorted_examples():
    tables = {
        "accounts": pd.DataFrame({"account_id": ["A1"]}).astype("string"),
        "opportunities": pd.DataFrame(
            {
                "opportunity_id": list("abcdefg"),
                "account_id": ["Z7", "Z1", "Z6", "Z2", "Z5", "Z3", "Z4"],
            }
        ).astype("string"),
    }
    row = (
        qr.referential_integrity(tables)
        .set_index(["table", "column"])
        .loc[("opportunities", "account_id")]
    )
    assert row["unknown_ids"] == 7
    assert row["examples"] == "Z1, Z2, Z3, Z4, Z5"
    assert math.isclose(row["unknown_share"], 1.0)

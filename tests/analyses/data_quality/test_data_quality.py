"""quality_report: row counts, date ranges, integrity, depth distribution, headline (hand-built)."""

from __future__ import annotations

import math

import pandas as pd

from workbook.analyses import data_quality as qr
from workbook.core import families


def _tables():
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "name": ["Root", "Child", "Grandchild", "Self loop", "Orphan"],
            "parent_id": [None, "A1", "A2", "A4", "A9"],
            "owner_id": ["U1", "U1", "U7", None, "U7"],
            "created_at": pd.to_datetime(["2024-01-05", None, "2023-12-31", None, None]),
        }
    ).astype({"account_id": "string", "parent_id": "string", "owner_id": "string"})
    users = pd.DataFrame({"owner_id": ["U1", "U2"]}).astype("string")
    opportunities = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3"],
            "account_id": ["A1", "A8", "A8"],
            "created_at": pd.to_datetime(["2024-02-01", "2024-03-15", "2024-01-10"]),
            "close_date": pd.to_datetime(["2024-04-01", None, "2024-05-01"]),
        }
    ).astype({"opportunity_id": "string", "account_id": "string"})
    return {"users": users, "opportunities": opportunities, "accounts": accounts}


def test_row_counts_in_canonical_order_with_event_date_span():
    counts = qr.row_counts(_tables())
    assert counts["table"].tolist() == ["accounts", "opportunities", "users"]
    assert counts["rows"].tolist() == [5, 3, 2]
    assert counts["optional"].tolist() == [False, False, True]
    acc = counts.iloc[0]
    # accounts has no event-date column, so its first date column (created_at) is used.
    assert acc["date_column"] == "created_at"
    assert acc["first_date"] == pd.Timestamp("2023-12-31")
    assert acc["last_date"] == pd.Timestamp("2024-01-05")
    opp = counts.iloc[1]
    assert opp["date_column"] == "created_at"
    assert (opp["first_date"], opp["last_date"]) == (
        pd.Timestamp("2024-01-10"),
        pd.Timestamp("2024-03-15"),
    )
    assert pd.isna(counts.iloc[2]["date_column"]) and pd.isna(counts.iloc[2]["last_date"])


def test_date_ranges_count_missing_dates_per_column():
    ranges = qr.date_ranges(_tables())
    assert ranges[["table", "column"]].values.tolist() == [
        ["accounts", "created_at"],
        ["opportunities", "created_at"],
        ["opportunities", "close_date"],
    ]
    assert ranges["with_date"].tolist() == [2, 3, 2]
    assert ranges["missing"].tolist() == [3, 0, 1]
    assert ranges.iloc[2]["last_date"] == pd.Timestamp("2024-05-01")


def test_referential_integrity_counts_unknown_rows_and_ids():
    integrity = qr.referential_integrity(_tables()).set_index(["table", "column"])
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


def test_depth_distribution_with_cycle_row_last():
    tree = families.ultimate_parents(_tables()["accounts"])
    depths = qr.depth_distribution(tree)
    # A1 root (0), A5 orphan treated as top level (0), A2 depth 1, A3 depth 2, A4 self-cycle.
    assert depths["label"].tolist() == ["0 (top level)", "1", "2", "cycle"]
    assert depths["accounts"].tolist() == [2, 1, 1, 1]
    assert depths["share"].tolist() == [0.4, 0.2, 0.2, 0.2]
    assert pd.isna(depths["depth"].iloc[-1])


def test_headline_cards_and_sentences_follow_the_numbers():
    tables = _tables()
    counts = qr.row_counts(tables)
    warnings = pd.DataFrame(
        {
            "check": ["unknown_reference", "negative_amount", "activity_type"],
            "severity": ["warning", "warning", "fixup"],
            "count": [2, 3, 4],
        }
    )
    integrity = qr.referential_integrity(tables)
    faults = families.hierarchy_issues(families.ultimate_parents(tables["accounts"]))
    sentences, cards = qr.headline(counts, warnings, integrity, faults)
    assert {c.key: c.value for c in cards} == {
        "tables": 3,
        "rows": 10,
        "warnings": 5,  # fix-ups are not warnings
        "hierarchy_faults": 2,  # A4 cycle, A5 missing parent
    }
    assert sentences[0] == (
        "3 table(s) loaded with 10 rows in total; the largest is accounts with 5 rows."
    )
    assert sentences[1] == (
        "Validation found 2 kind(s) of warning affecting 5 row(s), and applied 1 kind(s) of fix-up."
    )
    # Checked: accounts.owner_id and opportunities.account_id (opportunities has no owner_id
    # column here); both have 2 unknown rows, the tie goes to the table name (accounts).
    assert sentences[2].startswith("2 of 2 checked reference(s) point to unknown ids")
    assert "accounts.owner_id with 2 row(s)" in sentences[2]
    assert sentences[3] == (
        "The account hierarchy has 2 fault(s): 1 account(s) on a parent cycle "
        "and 1 with a parent missing from the accounts."
    )


def test_headline_without_problems():
    tables = {
        "accounts": pd.DataFrame({"account_id": ["A1"], "parent_id": [None]}).astype("string")
    }
    counts = qr.row_counts(tables)
    empty = pd.DataFrame({"check": [], "severity": [], "count": []})
    integrity = qr.referential_integrity(tables)
    faults = families.hierarchy_issues(families.ultimate_parents(tables["accounts"]))
    sentences, cards = qr.headline(counts, empty, integrity, faults)
    assert cards[2].value == 0 and cards[3].value == 0
    assert sentences[1] == "Validation found 0 kind(s) of warning affecting 0 row(s)."
    assert sentences[2] == "All 0 checked reference(s) point to known ids."
    assert sentences[3] == "The account hierarchy has no cycles and no missing parents."

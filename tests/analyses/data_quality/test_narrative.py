"""data_quality.narrative: headline cards and sentences follow the numbers (hand-built)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import data_quality as qr
from workbook.core import families


def test_headline_cards_and_sentences_follow_the_numbers(tables):
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
        "3 tables loaded with 10 rows in total; the largest is accounts with 5 rows."
    )
    assert sentences[1] == (
        "Validation found 2 kinds of warning affecting 5 rows, and applied 1 kind of fix-up."
    )
    # Checked: accounts.owner_id and opportunities.account_id (opportunities has no owner_id
    # column here); both have 2 unknown rows, the tie goes to the table name (accounts).
    assert sentences[2].startswith("2 of 2 checked references point to unknown ids")
    assert "accounts.owner_id with 2 rows" in sentences[2]
    assert sentences[3] == (
        "The account hierarchy has 2 faults: 1 account on a parent cycle "
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
    assert sentences[1] == "Validation found 0 kinds of warning affecting 0 rows."
    assert sentences[2] == "All 0 checked references point to known ids."
    assert sentences[3] == "The account hierarchy has no cycles and no missing parents."


def test_headline_is_a_named_result_and_checks_its_frames(tables):
    counts = qr.row_counts(tables)
    warnings = pd.DataFrame({"check": ["x"], "severity": ["fixup"], "count": [4]})
    integrity = qr.referential_integrity(tables)
    faults = families.hierarchy_issues(families.ultimate_parents(tables["accounts"]))
    result = qr.headline(counts, warnings, integrity, faults)
    assert isinstance(result, qr.Headline)
    assert result.sentences == qr.summary_sentences(counts, warnings, integrity, faults)
    assert result.cards == qr.headline_cards(counts, warnings, faults)
    assert [c.key for c in result.cards] == ["tables", "rows", "warnings", "hierarchy_faults"]
    with pytest.raises(TypeError, match="integrity must be a pandas DataFrame, got Headline"):
        qr.headline(counts, warnings, result, faults)


def test_no_tables_sentence():
    empty = pd.DataFrame({"table": [], "rows": []})
    assert (
        qr.summary_sentences(
            empty,
            pd.DataFrame({"severity": [], "count": []}),
            pd.DataFrame({"checked": pd.Series([], dtype=bool), "unknown_rows": []}),
            pd.DataFrame({"issue": []}),
        )[0]
        == "No tables were loaded."
    )


def test_warnings_sentence_counts_rows_left_out_apart_from_fix_ups():
    tables = {
        "accounts": pd.DataFrame({"account_id": ["A1"], "parent_id": [None]}).astype("string")
    }
    warnings = pd.DataFrame(
        {
            "check": ["negative_amount", "rows_filtered", "blank_required", "blank_required"],
            "severity": ["warning", "fixup", "excluded", "excluded"],
            "count": [2, 9, 3, 1],  # 3 blank account_id + 1 blank close_date = 4 left out
        }
    )
    counts = qr.row_counts(tables)
    integrity = qr.referential_integrity(tables)
    faults = families.hierarchy_issues(families.ultimate_parents(tables["accounts"]))
    sentences, _ = qr.headline(counts, warnings, integrity, faults)
    assert sentences[1] == (
        "Validation found 1 kind of warning affecting 2 rows, and applied 1 kind of "
        "fix-up; 4 rows were left out for a blank required cell."
    )

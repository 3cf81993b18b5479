"""data_quality.tables: rows per table and date-column spans (hand-built)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import data_quality as qr
from workbook.data import model


def test_row_counts_in_canonical_order_with_event_date_span(tables):
    counts = qr.row_counts(tables)
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


def test_date_ranges_count_missing_dates_per_column(tables):
    ranges = qr.date_ranges(tables)
    assert ranges[["table", "column"]].values.tolist() == [
        ["accounts", "created_at"],
        ["opportunities", "created_at"],
        ["opportunities", "close_date"],
    ]
    assert ranges["with_date"].tolist() == [2, 3, 2]
    assert ranges["missing"].tolist() == [3, 0, 1]
    assert ranges.iloc[2]["last_date"] == pd.Timestamp("2024-05-01")


def test_tables_must_be_a_mapping_of_frames(tables):
    crm = model.CrmData(tables=tables)
    with pytest.raises(TypeError, match=r"tables must be a mapping .* \(pass crm.tables\)"):
        qr.row_counts(crm)
    with pytest.raises(TypeError, match="got list"):
        qr.date_ranges([tables["accounts"]])


def _issues():
    # leads: two kinds of warning (3 + 2 rows) and one fix-up (4 rows); accounts: one
    # warning kind twice (unknown_reference on two columns: 1 + 1 rows) and a blank-required
    # exclusion (6 rows); a zero-count issue is ignored; users: nothing.
    return pd.DataFrame(
        {
            "check": ["after_as_of", "score_out_of_range", "type_mapped", "unknown_reference",
                      "unknown_reference", "blank_required", "negative_amount"],
            "table": ["leads", "leads", "leads", "accounts", "accounts", "accounts", "users"],
            "count": [3, 2, 4, 1, 1, 6, 0],
            "severity": ["warning", "warning", "fixup", "warning", "warning", "excluded",
                         "warning"],
        }
    )  # fmt: skip


def test_warnings_by_table_counts_rows_per_kind_of_issue():
    counts = pd.DataFrame({"table": ["accounts", "leads", "users"], "rows": [100, 50, 0]})
    got = qr.warnings_by_table(_issues(), counts)
    assert got.columns.tolist() == qr.WARNINGS_BY_TABLE_COLUMNS
    assert got["table"].tolist() == ["accounts", "leads", "users"]  # the order of counts
    assert got["warning_rows"].tolist() == [2, 5, 0]  # 1 + 1; 3 + 2; the zero row ignored
    assert got["warning_kinds"].tolist() == [1, 2, 0]  # unknown_reference once
    assert got["fixup_rows"].tolist() == [0, 4, 0]
    assert got["excluded_rows"].tolist() == [6, 0, 0]
    assert got["warning_share"].iloc[:2].tolist() == pytest.approx([2 / 100, 5 / 50])
    assert pd.isna(got["warning_share"].iloc[2])  # no rows: no share


def test_warnings_by_table_keeps_every_table_and_one_an_issue_names_alone():
    counts = pd.DataFrame({"table": ["leads"], "rows": [50]})
    none = qr.warnings_by_table(_issues().iloc[:0], counts)
    assert none[["warning_rows", "fixup_rows", "excluded_rows"]].to_numpy().tolist() == [[0, 0, 0]]
    assert none["warning_share"].tolist() == [0.0]
    extra = qr.warnings_by_table(_issues(), counts)
    # loaded first, then the others an issue names; users' only issue counts 0 rows
    assert extra["table"].tolist() == ["leads", "accounts"]
    assert pd.isna(extra["rows"].iloc[1]) and extra["warning_rows"].iloc[1] == 2

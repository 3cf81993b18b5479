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

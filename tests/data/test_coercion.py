"""workbook.data.coercion: canonical kinds, bad values collected, empty tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.data import coercion, model
from workbook.data.validate import DataValidationError

T = pd.Timestamp


# --------------------------------------------------------------------------- coerce_table
def test_coerce_table_dtypes_dates_booleans_blanks():
    raw = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3", "O4"],
            "account_id": [" A1 ", "A2", "A3", "A4"],
            "created_at": [
                "2024-03-01T10:00:00.000Z",
                "2024-03-01T10:00:00+0900",
                "2024-03-01",
                "2024-03-01 23:15:00",
            ],
            "close_date": ["2024-04-01", "", "   ", "2024/05/02"],
            "is_closed": ["TRUE", "no", "1", "Y"],
            "is_won": ["t", "FALSE", "", "0"],
            "amount": ["1.5", "-2", "", "1e3"],
            "extra": ["x", "y", "z", "w"],
        }
    )
    out = coercion.coerce_table(raw, model.OPPORTUNITIES)
    assert list(out.columns) == model.SPECS[model.OPPORTUNITIES].column_names
    assert out["opportunity_id"].dtype == "string"
    assert out["created_at"].dtype == "datetime64[ns]"
    assert out["is_closed"].dtype == "boolean"
    assert out["amount"].dtype == "float64"
    assert out["created_at"].tolist() == [
        T("2024-03-01 10:00"),
        T("2024-03-01 01:00"),  # 10:00 at +09:00 is 01:00 UTC
        T("2024-03-01"),
        T("2024-03-01 23:15"),
    ]
    assert out["close_date"].isna().tolist() == [False, True, True, False]
    assert out.loc[3, "close_date"] == T("2024-05-02")
    assert out["is_closed"].tolist() == [True, False, True, True]
    assert out["is_won"].tolist() == [True, False, pd.NA, False]
    assert out["amount"].iloc[[0, 1, 3]].tolist() == [1.5, -2.0, 1000.0]
    assert np.isnan(out["amount"].iloc[2])
    assert out["account_id"].iloc[0] == "A1"
    # optional columns added all-missing; extra columns dropped by default
    assert out["probability"].isna().all() and out["owner_id"].isna().all()
    assert "extra" not in out.columns
    kept = coercion.coerce_table(raw, model.OPPORTUNITIES, keep_extra=True)
    assert list(kept.columns)[-1] == "extra"


def test_coerce_table_tz_aware_and_naive_datetimes():
    aware = pd.Series(pd.to_datetime(["2024-01-01 09:00"]).tz_localize("Asia/Tokyo"))
    raw = pd.DataFrame({"lead_id": ["L1"], "created_at": aware})
    out = coercion.coerce_table(raw, model.LEADS)
    assert out.loc[0, "created_at"] == T("2024-01-01 00:00")
    assert out["created_at"].dt.tz is None


def test_coerce_table_activity_types_lowercased_and_unknown_counted():
    raw = pd.DataFrame(
        {
            "activity_id": ["1", "2", "3", "4"],
            "occurred_at": ["2024-01-01"] * 4,
            "type": ["Call", "EMAIL", "Demo", "webinar"],
            "lead_id": ["L1"] * 4,
        }
    )
    out, fixups = coercion.coerce_table(raw, model.ACTIVITIES, return_fixups=True)
    assert out["type"].tolist() == ["call", "email", "other", "other"]
    assert len(fixups) == 1
    assert (fixups[0].check, fixups[0].count, fixups[0].examples) == (
        "activity_type_other",
        2,
        ("3", "4"),
    )
    assert fixups[0].severity == "fixup"


def test_coerce_table_collects_bad_values_with_examples():
    raw = pd.DataFrame(
        {
            "opportunity_id": ["O-1", "O-17", "O-22", "O-90"],
            "account_id": ["A"] * 4,
            "created_at": ["2024-01-01"] * 4,
            "close_date": ["2024-02-01", "2024-13-01", "nope", "2024-02-30"],
            "is_closed": ["true", "true", "maybe", "true"],
            "is_won": ["false"] * 4,
            "amount": ["1", "2", "3", "$4"],
        }
    )
    with pytest.raises(DataValidationError) as info:
        coercion.coerce_table(raw, model.OPPORTUNITIES, file="opps.csv")
    checks = {p.check: p for p in info.value.problems}
    assert set(checks) == {"bad_date", "bad_bool", "not_numeric"}
    assert checks["bad_date"].count == 3
    assert checks["bad_date"].examples == ("O-17", "O-22", "O-90")
    assert checks["not_numeric"].examples == ("O-90",)
    assert checks["bad_bool"].examples == ("O-22",)
    msg = str(info.value)
    assert "opps.csv" in msg and "'close_date'" in msg and "3 unparseable date(s)" in msg
    assert "O-17, O-22, O-90" in msg and "'2024-13-01'" in msg


def test_coerce_table_missing_required_column_lists_found_columns():
    raw = pd.DataFrame({"lead_id": ["L1"], "CreatedDate": ["2024-01-01"]})
    with pytest.raises(DataValidationError) as info:
        coercion.coerce_table(raw, model.LEADS)
    (p,) = info.value.problems
    assert p.check == "missing_column" and p.column == "created_at"
    assert "'CreatedDate'" in p.message and "columns" in p.message


# --------------------------------------------------------------------------- empty_table
def test_empty_table_has_canonical_dtypes():
    empty = coercion.empty_table(model.PURCHASES)
    assert len(empty) == 0
    assert empty.dtypes.astype(str).tolist() == [
        "string",
        "string",
        "datetime64[ns]",
        "float64",
        "float64",
    ]


def test_empty_table_has_canonical_columns_and_kinds():
    empty = coercion.empty_table("opportunities")
    assert list(empty.columns) == model.SPECS["opportunities"].column_names
    assert len(empty) == 0
    assert pd.api.types.is_datetime64_any_dtype(empty["close_date"])
    assert pd.api.types.is_float_dtype(empty["amount"])


def test_model_does_not_import_coercion_or_io():
    # The dependency goes one way: coercion (and io) import model, never back.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(model))
    imported = {
        alias.name if isinstance(node, ast.Import) else f"{node.module}"
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not {
        m for m in imported if m and m.startswith(("workbook.data.io", "workbook.data.coercion"))
    }


# --------------------------------------------------------------------------- invariants
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["true", "FALSE", " yes ", "N", "t", "0", "1", ""]),
            st.sampled_from(["2024-01-02", "2024-01-02T03:04:05Z", "2024-01-02T12:00:00+0900", ""]),
            st.sampled_from(["1.5", "-2", "", "1e3", " 7 "]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_coerce_table_is_idempotent_and_maps_spellings(rows):
    flags, dates, amounts = zip(*rows, strict=True)
    raw = pd.DataFrame(
        {
            "opportunity_id": [f"O{i}" for i in range(len(rows))],
            "account_id": "A1",
            "created_at": list(dates),
            "close_date": list(dates),
            "is_closed": list(flags),
            "is_won": list(flags),
            "amount": list(amounts),
        }
    )
    once = coercion.coerce_table(raw, model.OPPORTUNITIES)
    twice = coercion.coerce_table(once, model.OPPORTUNITIES)
    pd.testing.assert_frame_equal(once, twice)
    expected = [
        None if f.strip() == "" else f.strip().lower() in ("true", "yes", "t", "1") for f in flags
    ]
    assert [None if pd.isna(v) else bool(v) for v in once["is_won"]] == expected
    assert once["created_at"].isna().tolist() == [d == "" for d in dates]


def _buffer_addresses(series: pd.Series) -> list[int]:
    arrow = pa.chunked_array(pa.array(series.array))
    return [chunk.buffers()[2].address for chunk in arrow.chunks]


def test_as_text_keeps_clean_text_in_its_own_buffers():
    # Nothing to trim and nothing blank: the loaded text is held once, not copied.
    clean = pd.Series(pd.array(["a1", "héllo", None, "b c"], dtype="string"))
    out = coercion.as_text(clean)
    assert out.tolist() == ["a1", "héllo", pd.NA, "b c"]
    assert _buffer_addresses(out) == _buffer_addresses(clean)


def test_as_text_still_trims_and_blanks_when_one_value_needs_it():
    # One byte to trim among many clean values (same count of values, fewer bytes).
    values = ["x"] * 1000 + ["y "]
    out = coercion.as_text(pd.Series(pd.array(values, dtype="string")))
    assert out.tolist()[-1] == "y" and out.tolist()[0] == "x"
    assert coercion.as_text(pd.Series(pd.array(["a", "   "], dtype="string"))).tolist() == [
        "a",
        pd.NA,
    ]


def test_text_bytes_reads_sliced_and_both_offset_widths():
    big = pa.chunked_array([pa.array(["ab", " c", None, ""], pa.large_string())])
    assert coercion._text_bytes(big) == 4
    assert coercion._text_bytes(big.slice(1, 3)) == 2  # " c", missing, ""
    small = pa.chunked_array([pa.array(["héllo"], pa.string()), pa.array([], pa.string())])
    assert coercion._text_bytes(small) == 6  # é is two bytes

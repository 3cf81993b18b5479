"""Tests for workbook.analyses.whitespace.relational, once per engine (tests/engines.py).

The tables are the shared book of conftest.py (and a few hand-built rows);
every expected number is worked out by hand beside it.
"""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from workbook.analyses.whitespace import book as wb
from workbook.analyses.whitespace import relational as R
from workbook.core.calendar import as_of_end
from workbook.engine import canonical_tables

END = as_of_end("2024-06-30")


def _codes(ids, column, code):
    return pd.DataFrame(
        {column: pd.array(ids, dtype="string"), code: pd.array(range(len(ids)), dtype="int64")}
    )


def test_window_counts_on_every_engine(any_engine, book):
    _, purchases, _, _ = book
    frame = wb.purchases_frame(purchases)  # registered while it lives
    t = any_engine.table(frame, "purchases")
    got = any_engine.arrow(R.window_counts(t, end=END)).to_pylist()
    # 9 rows, none missing a key; P2's 2024-07-15 row is after the as_of day (S1's
    # 15:00 row on the day is not).
    assert got == [{"rows": 9, "missing_key": 0, "after_as_of": 1}]


def test_a_row_missing_a_key_is_counted_once_whatever_its_date(any_engine, frames):
    purchases = frames.purchases(
        [
            ("A", None, "2024-09-01", 1.0),  # missing product and late: missing_key only
            (None, "T", "2024-01-01", 1.0),
            ("A", "T", None, 1.0),
            ("A", "T", "2024-09-01", 1.0),  # late
        ]
    )
    frame = wb.purchases_frame(purchases)
    t = any_engine.table(frame, "purchases")
    got = any_engine.arrow(R.window_counts(t, end=END)).to_pylist()
    assert got == [{"rows": 4, "missing_key": 3, "after_as_of": 1}]


def test_coded_rows_on_every_engine(any_engine, book):
    accounts, purchases, products, _ = book
    frame = wb.purchases_frame(purchases)
    acc = _codes(list(accounts["account_id"]), "account_id", "a")  # P1 P2 P3 P4 S1 -> 0..4
    prod = _codes(list(products["product_id"]), "product_id", "p")  # T U N V -> 0..3
    kept = R.kept_rows(any_engine.table(frame, "purchases"), end=END)
    rows = R.coded_rows(kept, any_engine.table(acc, "a"), any_engine.table(prod, "p"))
    got = any_engine.frame(rows)
    got = sorted(
        (int(a), -1 if pd.isna(p) else int(p), None if pd.isna(m) else float(m))
        for a, p, m in got.itertuples(index=False)
    )
    # 7 kept rows: the duplicate P1 T and the late P2 T go; S1's ZZ is not a product.
    assert got == [
        (0, 0, 1200.0),
        (0, 1, None),
        (2, 0, 400.0),
        (2, 0, 800.0),
        (4, -1, 10.0),
        (4, 0, 1000.0),
        (4, 3, 250.0),
    ]


def test_coded_rows_without_tables_number_the_rows_own_ids(any_engine, frames):
    purchases = frames.purchases(
        [("A", "T", "2024-01-01", 1.0), ("A", "T", "2024-02-01", 2.0), ("B", "U", "2024-01-01", None)]
    )
    frame = wb.purchases_frame(purchases)
    kept = R.kept_rows(any_engine.table(frame, "purchases"), end=END)
    got = any_engine.frame(R.coded_rows(kept))
    assert got["a"].notna().all() and got["p"].notna().all()
    # Two accounts and two products, each with one code: A's two rows share theirs.
    pairs = set(zip(got["a"].astype(int), got["p"].astype(int), strict=True))
    assert len(pairs) == 2 and got["a"].nunique() == 2 and got["p"].nunique() == 2
    assert sorted(got["amount"].fillna(-1).tolist()) == [-1.0, 1.0, 2.0]


def test_owned_pairs_on_every_engine(any_engine, book):
    _, purchases, _, _ = book
    frame = wb.purchases_frame(purchases)
    kept = R.kept_rows(any_engine.table(frame, "purchases"), end=END)
    got = any_engine.frame(R.owned_pairs(kept), types={"account_id": "string"})
    assert list(zip(got["account_id"], got["product_id"], strict=True)) == [
        ("P1", "T"),
        ("P1", "U"),
        ("P3", "T"),
        ("S1", "T"),
        ("S1", "V"),
        ("S1", "ZZ"),  # not checked against the catalogue here
    ]
    p3 = got.iloc[2]
    # P3's two purchases: 2024-03-01 (800) and 2024-05-01 (400).
    assert p3["purchase_rows"] == 2 and p3["amount"] == 1200.0
    assert p3["first_purchased_at"] == pd.Timestamp("2024-03-01")
    assert p3["last_purchased_at"] == pd.Timestamp("2024-05-01")
    assert pd.isna(got.iloc[1]["amount"])  # P1's U row has no amount
    assert got.iloc[0]["purchase_rows"] == 1  # P1's T row and its exact duplicate: one row


def test_gap_set_on_every_engine(any_engine):
    # Family 0 = accounts 0, 1, 2; family 3 = accounts 3, 4. Owned: 0 T(0), 0 U(1),
    # 2 T(0), 3 V(2). Gaps: 1 T and 1 U, 2 U (family 0); 4 V (family 3).
    members = pd.DataFrame({"a": [0, 1, 2, 3, 4], "root": [0, 0, 0, 3, 3]})
    fam = pd.DataFrame({"root": [0, 0, 3], "p": [0, 1, 2], "owners": [2, 1, 1]})
    owned = pd.DataFrame({"a": [0, 0, 2, 3], "p": [0, 1, 0, 2]})
    expr = R.gap_set(
        any_engine.table(members, "m"), any_engine.table(fam, "f"), any_engine.table(owned, "o")
    )
    got = sorted(any_engine.frame(expr).astype(int).itertuples(index=False, name=None))
    assert got == [(1, 0, 0, 2), (1, 1, 0, 1), (2, 1, 0, 1), (4, 2, 3, 1)]


def test_sql_examples_compile_for_the_warehouse_dialects():
    examples = R.sql_examples(canonical_tables())
    assert set(examples) == {"window_counts", "coded_rows", "owned_pairs", "gap_set"}
    assert list(examples["coded_rows"].columns) == ["a", "p", "amount"]
    for dialect in ("postgres", "snowflake", "bigquery", "databricks", "duckdb"):
        for name, expr in examples.items():
            assert "SELECT" in str(ibis.to_sql(expr, dialect=dialect)).upper(), (dialect, name)


def test_the_book_of_the_sample_is_the_same_on_every_engine(any_engine, sample_crm):
    crm = sample_crm
    here = wb.Book(crm.accounts, crm.purchases, crm.products, as_of=crm.as_of, engine=any_engine)
    ref = wb.Book(crm.accounts, crm.purchases, crm.products, as_of=crm.as_of)
    assert here.counts == ref.counts and sum(ref.counts.values()) > 0
    assert here.owned_key.tolist() == ref.owned_key.tolist()
    assert here.expected_value.tolist() == pytest.approx(ref.expected_value.tolist(), rel=1e-12)

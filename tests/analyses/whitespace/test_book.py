"""The integer-coded book (``whitespace.book``), on the shared hand-built book."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.whitespace import book as wb

AS_OF = "2024-06-30"


def test_ids_blank_to_missing():
    out = wb.ids(pd.Series([" A1 ", "", "  ", None, "B"]))
    assert out.tolist()[0] == "A1" and out.tolist()[4] == "B"
    assert out.isna().tolist() == [False, True, True, True, False]


def test_coded_purchases_count_and_keep_the_as_of_day(book):
    accounts, purchases, products, _ = book
    coded = wb.coded_purchases(
        purchases,
        as_of=AS_OF,
        account_ids=wb.ids(accounts["account_id"]),
        product_ids=wb.ids(products["product_id"]),
    )
    # 9 rows: P2's 2024-07-15 row is late, P1's T row is repeated exactly once, and S1's
    # ZZ row names a product the catalogue lacks.
    assert coded.counts == {
        "missing_key": 0,
        "after_as_of": 1,
        "duplicate_row": 1,
        "unknown_account": 0,
        "unknown_product": 1,
    }
    assert len(coded.a) == len(coded.p) == len(coded.amount) == 7
    assert (coded.p == -1).sum() == 1 and (coded.a >= 0).all()


def test_duplicates_are_the_duplicates_of_the_cleaned_text():
    # " A" and "A" are one id once cleaned: rows 0 and 1 are exact duplicates, row 2 differs
    # by amount, row 3 by account, row 4 has no account (missing key), row 5 is late.
    purchases = pd.DataFrame(
        {
            "account_id": [" A", "A", "A", "B", " ", "A"],
            "product_id": ["T", "T ", "T", "T", "T", "T"],
            "purchased_at": pd.to_datetime(
                ["2024-01-02", "2024-01-02", "2024-01-02", "2024-01-02", "2024-01-02", "2024-07-01"]
            ),
            "amount": [10.0, 10.0, 11.0, 10.0, 10.0, 10.0],
        }
    )
    coded = wb.coded_purchases(
        purchases, as_of=AS_OF, account_ids=pd.Series(["B", "A"]), product_ids=pd.Series(["T"])
    )
    assert coded.counts == {
        "missing_key": 1,
        "after_as_of": 1,
        "duplicate_row": 1,
        "unknown_account": 0,
        "unknown_product": 0,
    }
    # The text definition: pandas' duplicated on the cleaned text columns.
    text = purchases.assign(
        account_id=wb.ids(purchases["account_id"]), product_id=wb.ids(purchases["product_id"])
    ).loc[[0, 1, 2, 3]]
    assert text.duplicated().tolist() == [False, True, False, False]
    # The kept rows (in no set order): A (code 1) at 10 and 11, B (code 0) at 10.
    got = sorted(zip(coded.a.tolist(), coded.p.tolist(), coded.amount.tolist(), strict=True))
    assert got == [(0, 0, 10.0), (1, 0, 10.0), (1, 0, 11.0)]


def test_coded_purchases_of_a_hand_built_frame_read_objects_as_the_loader_would():
    # Object columns: ids as text, an amount in words is missing, dates as datetimes,
    # and an extra column of mixed objects compared as text.
    purchases = pd.DataFrame(
        {
            "account_id": pd.Series([1, 1, 2], dtype=object),
            "product_id": ["T", "T", "T"],
            "purchased_at": pd.Series(
                [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-02"), None], dtype=object
            ),
            "amount": pd.Series(["12.5", "12.5", "n/a"], dtype=object),
            "note": pd.Series([1, "1", None], dtype=object),
        }
    )
    coded = wb.coded_purchases(purchases, as_of=AS_OF, account_ids=pd.Series(["1", "2"]))
    # Row 2 has no date; rows 0 and 1 are one row once the note is read as text.
    assert coded.counts["missing_key"] == 1 and coded.counts["duplicate_row"] == 1
    assert coded.a.tolist() == [0] and coded.amount.tolist() == [12.5]


def test_an_id_repeated_in_its_table_is_refused():
    purchases = pd.DataFrame(
        {"account_id": ["A"], "product_id": ["T"], "purchased_at": pd.to_datetime(["2024-01-02"])}
    )
    with pytest.raises(ValueError, match="account_id repeats in its table.*A"):
        wb.coded_purchases(purchases, as_of=AS_OF, account_ids=pd.Series(["A", "B", "A"]))


def test_distinct_keys_are_np_unique_of_the_keys():
    rng = np.random.default_rng(3)
    a, p = rng.integers(0, 40, 500), rng.integers(0, 7, 500)
    assert wb.distinct_keys(a, p, 7, 40).tolist() == np.unique(a * 7 + p).tolist()


def test_book_codes_families_ownership_and_values(book):
    accounts, purchases, products, _ = book
    b = wb.Book(accounts, purchases, products, as_of=AS_OF)
    # Accounts P1, P2, P3, P4, S1 -> codes 0..4; the family of P1 has 4 members.
    assert b.root.tolist() == [0, 0, 0, 0, 4]
    assert b.family_size.tolist() == [4, 4, 4, 4, 1]
    # Products T, U, N, V -> 0..3. Owned: P1 T, P1 U, P3 T, S1 T, S1 V (ZZ is unknown).
    owned = set(zip(b.owned_a.tolist(), b.owned_p.tolist(), strict=True))
    assert owned == {(0, 0), (0, 1), (2, 0), (4, 0), (4, 3)}
    assert b.counts["unknown_product"] == 1 and b.counts["repeat_purchase"] == 1
    assert b.product_owners.tolist() == [3, 1, 0, 1]
    assert b.book_adoption.tolist() == pytest.approx([0.6, 0.2, 0.0, 0.2])
    # T: median of 1200, 800, 400, 1000 = 900; U no amount -> list price 500; N nobody -> 300;
    # V: S1's 250.
    assert b.expected_value.tolist() == [900.0, 500.0, 300.0, 250.0]
    assert b.value_source.tolist() == ["purchases", "list_price", "list_price", "purchases"]
    # Pets: P1, P2, S1 (T owned by P1 and S1); P4 has no industry.
    rate, size = b.peer_adoption(np.array([1, 3]), np.array([0, 0]))
    assert rate[0] == pytest.approx(2 / 3) and math.isnan(rate[1])
    assert size.tolist() == [3, 0]


def test_check_tables_names_the_wrong_argument(book):
    accounts, purchases, products, _ = book
    wb.check_tables(accounts, purchases, products)
    with pytest.raises(TypeError, match="products must be a pandas DataFrame, got list"):
        wb.check_tables(accounts, purchases, [products])
    with pytest.raises(ValueError, match="purchases lacks the column"):
        wb.check_tables(accounts, purchases.drop(columns="purchased_at"), products)


def test_index_codes_equal_get_indexer():
    index = pd.Index(pd.array(["a", "b", None, "c"], dtype="string"))
    values = pd.Series(["c", "x", None, "a", "a", "b", "x"], dtype="string")
    # c at 3, x unknown, missing matches the index's missing entry (as get_indexer does), ...
    np.testing.assert_array_equal(wb.index_codes(index, values), [3, -1, 2, 0, 0, 1, -1])
    np.testing.assert_array_equal(
        wb.index_codes(index, values), index.get_indexer(values.to_numpy())
    )
    no_missing = pd.Index(pd.array(["a", "b", "c"], dtype="string"))
    np.testing.assert_array_equal(wb.index_codes(no_missing, values), [2, -1, -1, 0, 0, 1, -1])


def test_text_ranks_by_hand():
    # Text order b < c < d (dense: the two "c" share rank 2); a missing id ranks last.
    ranks = wb.text_ranks(pd.Series(["d", "b", None, "c", "c"], dtype="string"))
    assert ranks.tolist() == [3, 1, 4, 2, 2] and ranks.dtype == np.int64


def test_book_text_takes_each_account_and_product_text_by_code(book):
    accounts, purchases, products, _ = book
    b = wb.Book(accounts, purchases, products, as_of=AS_OF)
    # Accounts P1, P2, P3, P4, S1 are codes 0..4; products T, U, N, V are 0..3.
    got = b.text("account_ids", np.array([4, 0, 0, 2]))
    assert got.tolist() == ["S1", "P1", "P1", "P3"] and str(got.dtype) == "string"
    assert b.text("product_ids", np.array([3, 1])).tolist() == ["V", "U"]
    assert b.text("value_source", np.array([0, 1])).tolist() == ["purchases", "list_price"]
    # The same values as converting each row's object (the text the tables had before).
    codes = np.array([1, 3, 3, 0])
    expect = pd.array(b.account_names[codes], dtype="string")
    pd.testing.assert_extension_array_equal(b.text("account_names", codes), expect)
    with pytest.raises(KeyError):
        b.text("root", codes)

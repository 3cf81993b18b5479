"""Family views (``whitespace.family_views``): matrix, grid, whitespace per family and product."""

from __future__ import annotations

import pytest

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def test_family_matrix_owner_counts(book):
    accounts, purchases, products, _ = book
    matrix = ws.family_matrix(accounts, purchases, products, as_of=AS_OF)
    assert list(matrix.columns) == ws.FAMILY_MATRIX_COLUMNS
    got = {
        (r.family_id, r.product_id): (r.family_members, r.owners, r.gaps)
        for r in matrix.itertuples()
    }
    assert got == {
        ("P1", "T"): (4, 2, 2),
        ("P1", "U"): (4, 1, 3),
        ("S1", "T"): (1, 1, 0),
        ("S1", "V"): (1, 1, 0),
    }
    assert matrix.loc[matrix["product_id"] == "U", "owner_share"].iloc[0] == 0.25


def test_family_grid_marks_owned_and_gaps(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    grid = ws.family_grid("P1", accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    assert list(grid.columns) == ws.GRID_COLUMNS
    assert len(grid) == 8  # 4 members x products owned in the family (T, U)
    assert list(grid["product_id"].iloc[:2]) == ["T", "U"]  # most-owned first
    status = {(r.account_id, r.product_id): r.status for r in grid.itertuples()}
    assert status[("P1", "T")] == "owned" and status[("P2", "T")] == "gap"
    assert sum(s == "gap" for s in status.values()) == 5
    p2t = grid[(grid["account_id"] == "P2") & (grid["product_id"] == "T")].iloc[0]
    assert p2t["priority"] == pytest.approx(588.0)  # see test_sibling_gaps_exact_rows_and_numbers
    assert grid.loc[grid["status"] == "owned", "priority"].isna().all()
    with pytest.raises(KeyError):
        ws.family_grid("P2", accounts, purchases, products, as_of=AS_OF, gaps=gaps)


def test_family_and_product_whitespace_totals(book):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=AS_OF)
    fam = ws.family_whitespace(gaps)
    assert len(fam) == 1
    row = fam.iloc[0]
    assert (row["family_id"], row["family_members"], row["accounts_with_gaps"], row["gaps"]) == (
        "P1",
        4,
        3,
        5,
    )
    # Two T gaps at 900 and three U gaps at the list price 500: 1800 + 1500 = 3300.
    assert row["whitespace_value"] == 2 * 900 + 3 * 500
    # Priorities 588 + 558 + 460/3 + 120 + 70 = 1336 + 153.33 = 1489.33
    assert row["priority_total"] == pytest.approx(588 + 558 + 460 / 3 + 120 + 70)

    prod = ws.product_whitespace(accounts, purchases, products, as_of=AS_OF, gaps=gaps)
    # Whitespace T 2 * 900 = 1800 > U 3 * 500 = 1500 > N = V = 0 (tie broken by product_id).
    assert list(prod["product_id"]) == ["T", "U", "N", "V"]
    t = prod.iloc[0]
    assert (t["owners"], t["gaps"], t["families_with_gaps"]) == (3, 2, 1)
    assert t["expected_value"] == 900.0
    assert t["whitespace_value"] == 1800.0
    assert t["priority_total"] == pytest.approx(588.0 + 558.0)
    n = prod[prod["product_id"] == "N"].iloc[0]
    assert (n["owners"], n["gaps"], n["whitespace_value"]) == (0, 0, 0.0)
    assert n["expected_value"] == 300.0  # nobody bought it: list price

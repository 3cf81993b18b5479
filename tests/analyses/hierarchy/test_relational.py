"""Tests for workbook.analyses.hierarchy.relational, once per engine (tests/engines.py).

Fixtures are the tiny tables of conftest.py; every expected number is worked
out by hand beside it.
"""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from workbook import engine as E
from workbook.analyses.hierarchy import relational as R
from workbook.core import families

START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def _tables(engine, accounts, opps):
    tree = families.ultimate_parents(accounts, engine=engine)
    return engine.table(tree, "tree"), engine.table(opps, "opportunities"), tree


def test_day_bounds_are_whole_days():
    assert R.day_bounds(START, END) == (START, pd.Timestamp("2026-07-01"))
    # A bound with a time of day: the day of 12:00 on 07-01 is not >= 07-01 12:00, so the
    # first counted day is 07-02; the last day is the day of the end bound.
    assert R.day_bounds("2025-07-01 12:00", "2026-06-30 08:00") == (
        pd.Timestamp("2025-07-02"),
        pd.Timestamp("2026-07-01"),
    )


def test_account_revenue_on_every_engine(any_engine, opps):
    _, o, _ = _tables(any_engine, _acc(), opps)
    got = any_engine.frame(R.account_revenue(o, start=START, end=END))
    # Sorted as text: 1: o2 500k; 10: o1 1M (o8 lost); 2: o3 600k (15:00 on the last day);
    # 20: o10 300k (o9 open, o11 before); 3: o4 400k; 4: o5 500k (o6, o7 a day out); 77: o13.
    assert got["account_id"].tolist() == ["1", "10", "2", "20", "3", "4", "77"]
    assert got["revenue"].tolist() == [5e5, 1e6, 6e5, 3e5, 4e5, 5e5, 123.0]


def _acc():
    """Accounts 1..4 (family 1), 10, 20, 30 (missing parent 99): the conftest hierarchy."""
    return pd.DataFrame(
        {
            "account_id": ["1", "2", "3", "4", "10", "20", "30"],
            "parent_id": [None, "1", "1", "2", None, None, "99"],
        }
    )


def test_family_revenue_on_every_engine(any_engine, opps):
    t, o, _ = _tables(any_engine, _acc(), opps)
    got = any_engine.frame(R.family_revenue(t, o, start=START, end=END)).set_index("root_id")
    assert got.index.tolist() == ["1", "10", "20", "30"]  # every root, sorted as text
    # Family 1: 500k (1) + 600k (2) + 400k (3) + 500k (4) = 2.0M, 4 members all buying.
    assert got.loc["1"].tolist() == [2_000_000.0, 4, 4]
    assert got.loc["10"].tolist() == [1_000_000.0, 1, 1]
    assert got.loc["20"].tolist() == [300_000.0, 1, 1]
    # 30 only won in 2024 (o12): a family with no revenue and no buyer.
    assert got.loc["30"].tolist() == [0.0, 1, 0]


def test_missing_amounts_add_nothing_and_missing_is_won_is_not_won(any_engine):
    accounts = pd.DataFrame({"account_id": ["a", "b"], "parent_id": [None, "a"]})
    opps = pd.DataFrame(
        {
            "opportunity_id": ["x1", "x2", "x3", "x4"],
            "account_id": ["a", "b", "b", "b"],
            "close_date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", None]),
            "is_closed": pd.array([True, True, True, True], dtype="boolean"),
            "is_won": pd.array([True, True, None, True], dtype="boolean"),
            "amount": [float("nan"), 10.0, 99.0, 77.0],
        }
    )
    t, o, _ = _tables(any_engine, accounts, opps)
    fam = any_engine.frame(R.family_revenue(t, o, start=START, end=END))
    # a: its one amount is missing -> 0 but a still buys; b: x2 10 (x3 not won, x4 no date).
    assert fam.to_dict("records") == [
        {"root_id": "a", "revenue": 10.0, "member_accounts": 2, "buying_accounts": 2}
    ]
    deals = any_engine.frame(R.won_deals(t, o, start=START, end=END).order_by("opportunity_id"))
    assert deals[["opportunity_id", "amount"]].values.tolist() == [["x1", 0.0], ["x2", 10.0]]
    basis = any_engine.arrow(
        R.revenue_basis(o, any_engine.table(accounts), start=START, end=END)
    ).to_pylist()[0]
    # x3 closed, is_won missing -> lost; x4 won without a date -> neither before nor after.
    assert basis == {
        "won_in_period": 2,
        "won_before_period": 0,
        "won_after_period": 0,
        "lost": 1,
        "open": 0,
        "won_missing_amount": 1,
        "won_unknown_account": 0,
    }


def test_won_deals_on_every_engine(any_engine, opps):
    t, o, _ = _tables(any_engine, _acc(), opps)
    deals = any_engine.frame(R.won_deals(t, o, start=START, end=END).order_by("opportunity_id"))
    # o1..o5 and o10 (o13 is on unknown account 77: no family, left out).
    assert deals["opportunity_id"].tolist() == ["o1", "o10", "o2", "o3", "o4", "o5"]
    assert deals["root_id"].tolist() == ["10", "20", "1", "1", "1", "1"]


def test_sql_examples_compile_for_warehouse_dialects():
    exprs = R.sql_examples(E.canonical_tables(), rounds=3)
    assert set(exprs) == {
        "tree",
        "account_revenue",
        "family_revenue",
        "won_deals",
        "revenue_basis",
        "discount_counts",
        "account_discounts",
        "line_ranges",
        "revenue_at_stake",
    }
    for dialect in ["duckdb", "postgres", "snowflake", "bigquery", "databricks"]:
        for name, expr in exprs.items():
            sql = str(ibis.to_sql(expr, dialect=dialect))
            assert "SELECT" in sql.upper(), (dialect, name)
    # Rounds are self-joins of common table expressions: the SQL grows linearly with them.
    three = len(str(ibis.to_sql(exprs["tree"], dialect="postgres")))
    six = len(str(ibis.to_sql(R.sql_examples(E.canonical_tables(), rounds=6)["tree"])))
    assert six < 1.5 * three


@pytest.mark.parametrize("rounds", [5, 9])
def test_sql_examples_run_on_duckdb(rounds, accounts, opps):
    """The unbound examples run once the canonical names exist (here as DuckDB views)."""
    eng = E.connect()
    full = accounts.reindex(columns=[c.name for c in _spec("accounts")])
    o = opps.reindex(columns=[c.name for c in _spec("opportunities")])
    for name, frame in {"accounts": full, "opportunities": o}.items():
        eng.backend.con.register(name, pd.DataFrame(frame))
    exprs = R.sql_examples(E.canonical_tables(), rounds=rounds)
    tree = eng.backend.con.sql(str(ibis.to_sql(exprs["tree"], dialect="duckdb"))).df()
    assert tree.set_index("account_id")["root_id"].to_dict() == {
        "1": "1", "10": "10", "2": "1", "20": "20", "3": "1", "30": "30", "4": "1"
    }  # fmt: skip
    fam = eng.backend.con.sql(str(ibis.to_sql(exprs["family_revenue"], dialect="duckdb"))).df()
    assert fam["revenue"].sum() == 3_300_000.0  # 2.0M + 1.0M + 300k; 77's 123 has no family


def _spec(name):
    from workbook.data import model

    return model.SPECS[name].columns


# -- sibling-discount lines ------------------------------------------------------------
D_START, D_END = pd.Timestamp("2024-07-01"), pd.Timestamp("2026-07-01")


def _lines_frame():
    """Purchase lines of accounts 1, 2 (family 1) and 30, plus the lines left out."""
    rows = [
        # account, product, purchased_at, discount_pct, amount
        ("1", "P", "2025-01-01", 10.0, 0.1),
        ("1", "P", "2025-02-01", 10.0, 0.2),  # 0.1 and 0.2 at 10%: exactly 10
        ("2", "P", "2025-03-01", 20.0, 100.0),
        ("2", "P", "2025-04-01", 30.0, 300.0),  # weighted (20*100 + 30*300) / 400 = 27.5
        ("2", "Q", "2025-04-01", 5.0, None),  # every weight 0: the plain mean, 5
        ("2", "Q", "2025-05-01", 5.0, -50.0),
        ("30", "P", "2026-06-30", 40.0, 10.0),  # on the as_of day, its own family
        ("99", "P", "2025-01-01", 1.0, 1.0),  # not in the tree: counted as used, no family
        ("1", "P", "2026-07-01", 1.0, 1.0),  # after as_of
        ("1", "P", "2024-06-30", 1.0, 1.0),  # before the lookback
        ("1", "P", None, 1.0, 1.0),  # no date
        ("1", "P", "2025-01-01", None, 1.0),  # no discount
        ("1", None, "2025-01-01", 3.0, None),  # used, no product: no member
    ]
    frame = pd.DataFrame(
        rows, columns=["account_id", "product_id", "purchased_at", "discount_pct", "amount"]
    )
    frame["purchased_at"] = pd.to_datetime(frame["purchased_at"])
    return frame.astype({"account_id": "string", "product_id": "string"})


def _discount_tables(engine):
    purchases = _lines_frame()
    tree = pd.DataFrame(
        {"account_id": ["1", "2", "30"], "root_id": ["1", "1", "30"]}, dtype="string"
    )
    frames = (purchases, tree)  # registered while they live
    p, t = engine.table(purchases, "purchases"), engine.table(tree, "tree")
    return frames, p, R.discount_lines(p, t, start=D_START, end=D_END)


def test_discount_counts_on_every_engine(any_engine):
    purchases = _lines_frame()
    p = any_engine.table(purchases, "purchases")
    got = any_engine.arrow(R.discount_counts(p, start=D_START, end=D_END)).to_pylist()
    assert got == [
        {
            "lines": 13,
            "after_as_of": 1,
            "before_lookback": 1,
            "missing_date": 1,
            "missing_discount": 1,
            "used": 9,  # every line of 1, 2, 30 and 99 in the window with a discount
            "used_missing_amount": 2,  # 2's Q line and 1's line without a product
        }
    ]


def test_account_discounts_on_every_engine(any_engine):
    frames, _, lines = _discount_tables(any_engine)
    got = any_engine.frame(R.account_discounts(lines), types={"account_id": "string"})
    assert got[["root_id", "product_id", "account_id"]].values.tolist() == [
        ["1", "P", "1"],
        ["1", "P", "2"],
        ["1", "Q", "2"],
        ["30", "P", "30"],
    ]
    assert got["lines"].tolist() == [2, 2, 2, 1]
    # 0.1 and 0.2 at 10%: exactly 10, where (0.1*10 + 0.2*10) / 0.3 is not.
    assert (0.1 * 10 + 0.2 * 10) / (0.1 + 0.2) != 10.0
    assert got["discount_pct"].tolist() == [10.0, 27.5, 5.0, 40.0]
    assert got["spend"].tolist() == pytest.approx([0.3, 400.0, -50.0, 10.0])


def test_line_ranges_and_revenue_at_stake_on_every_engine(any_engine):
    frames, _, lines = _discount_tables(any_engine)
    ranges = any_engine.frame(R.line_ranges(lines).order_by(["root_id", "product_id"]))
    assert ranges.values.tolist() == [
        ["1", "P", 10.0, 30.0],
        ["1", "Q", 5.0, 5.0],
        ["30", "P", 40.0, 40.0],
    ]
    # Family 1, product P: median 18.75 of members 10 and 27.5. Account 2's lines:
    # 20%: 100 * 1.25 / 80; 30%: 300 * 11.25 / 70. Account 1 is below the median: 0.
    members = pd.DataFrame(
        {
            "root_id": ["1", "1"],
            "product_id": ["P", "P"],
            "account_id": ["1", "2"],
            "family_median": [18.75, 18.75],
        },
    ).astype({"root_id": "string", "product_id": "string", "account_id": "string"})
    expr = R.revenue_at_stake(lines, any_engine.table(members, "members"))
    got = any_engine.frame(expr.order_by("account_id"), types={"account_id": "string"})
    assert got["account_id"].tolist() == ["1", "2"]
    assert got["revenue_at_stake"].tolist() == pytest.approx(
        [0.0, 100 * 1.25 / 80 + 300 * 11.25 / 70], rel=1e-12
    )

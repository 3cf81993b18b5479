"""Tests for workbook.analyses.hierarchy.discounts: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import hierarchy as h
from workbook.core.families import ultimate_parents

AS_OF = pd.Timestamp("2026-06-30")


def build_accounts(rows) -> pd.DataFrame:
    """rows: (account_id, name, parent_id, owner_id); ``None`` parent means a root."""
    frame = pd.DataFrame(rows, columns=["account_id", "name", "parent_id", "owner_id"])
    return frame.astype({"account_id": "str", "owner_id": "str"})


def build_purchases(rows) -> pd.DataFrame:
    """rows: (account_id, product_id, purchased_at, amount, discount_pct)."""
    frame = pd.DataFrame(
        rows, columns=["account_id", "product_id", "purchased_at", "amount", "discount_pct"]
    )
    return frame.assign(
        purchased_at=pd.to_datetime(frame["purchased_at"]),
        amount=frame["amount"].astype("float64"),
        discount_pct=frame["discount_pct"].astype("float64"),
    )


START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_sibling_discount_members_on_the_shared_fixture(accounts, tree, purchases, products):
    members = h.sibling_discount_members(accounts, purchases, products, as_of=AS_OF, tree=tree)
    p1 = members[members["product_id"] == "P1"].set_index("account_id")
    # Member 2's lines: 10% on 90,000 and 14% on 86,000, amount-weighted:
    # (10 * 90,000 + 14 * 86,000) / 176,000 = 2,104,000 / 176,000 = 11.9545...
    assert p1.loc["2", "discount_pct"] == pytest.approx(2_104_000 / 176_000)
    assert p1["discount_pct"].drop("2").to_dict() == {"1": 12.0, "3": 12.0, "4": 15.0}
    assert p1["lines"].to_dict() == {"1": 1, "2": 2, "3": 1, "4": 1}
    # Median of 11.95, 12, 12, 15 is 12; only member 2 has min_lines = 2 lines, so the
    # pair is not a tested group (1 eligible member < 3): nothing is scored or flagged.
    assert (p1["family_median"] == 12.0).all()
    assert p1["eligible"].to_dict() == {"1": False, "2": True, "3": False, "4": False}
    assert not p1["tested"].any()
    assert p1["robust_z"].isna().all()
    assert p1["scale"].isna().all()
    assert not members["outlier"].any()
    # Upper bound, lines above the median: 86,000 at 14% -> 86,000 * 2 / 86 = 2,000;
    # 85,000 at 15% -> 85,000 * 3 / 85 = 3,000.
    assert p1["revenue_at_stake"].to_dict() == pytest.approx(
        {"1": 0.0, "2": 2_000.0, "3": 0.0, "4": 3_000.0}
    )
    p2 = members[members["product_id"] == "P2"].set_index("account_id")
    assert (p2["family_median"] == 13.0).all()
    # 14%: 86,000 * 1 / 86 = 1,000; 30%: 70,000 * 17 / 70 = 17,000.
    assert p2["revenue_at_stake"].to_dict() == pytest.approx(
        {"1": 0.0, "2": 0.0, "3": 1_000.0, "4": 17_000.0}
    )
    assert set(members["product_id"]) == {"P1", "P2"}
    assert set(members["root_id"]) == {"1"}


# --------------------------------------------------------------------------- the small-group rule
def _family(rows, extra_accounts=()):
    """A family ``F`` (root ``f0``) whose members buy product ``P``.

    rows: (account_id, [discounts...]), one purchase line of 1,000 per discount,
    all on 2026-01-15. ``extra_accounts``: (account_id, parent_id) added as well.
    """
    ids = [a for a, _ in rows]
    account_rows = [("f0", "F root", None, "u1")] + [
        (a, f"Member {a}", "f0", "u1") for a in ids if a != "f0"
    ]
    account_rows += [(a, f"Other {a}", parent, "u1") for a, parent in extra_accounts]
    accounts = build_accounts(account_rows)
    lines = [(a, "P", "2026-01-15", 1_000, d) for a, discounts in rows for d in discounts]
    return accounts, build_purchases(lines)


PRODUCTS = pd.DataFrame({"product_id": ["P"], "name": ["Widget"], "list_price": 1.0})


def _members(accounts, purchases, **settings):
    tree = ultimate_parents(accounts)
    return h.sibling_discount_members(
        accounts, purchases, PRODUCTS, as_of=AS_OF, tree=tree, **settings
    ).set_index("account_id")


def test_three_members_at_5_6_and_25_percent_flag_the_25():
    accounts, purchases = _family([("f0", [5, 5]), ("a", [6, 6]), ("b", [25, 25])])
    m = _members(accounts, purchases)
    # Median 6, deviations 1, 0, 19 -> MAD 1. Product-wide (this family only) also MAD 1.
    # Scale = max(1.4826 * 1, 1 point, 1.4826 * 1) = 1.4826, from the family term.
    assert m["tested"].all()
    assert m["scale"].iloc[0] == pytest.approx(1.4826)
    assert set(m["scale_source"]) == {"family"}
    assert m.loc["b", "robust_z"] == pytest.approx(19 / 1.4826)  # 12.8 > 3
    assert m.loc["f0", "robust_z"] == pytest.approx(1 / 1.4826)  # 0.674
    assert m["outlier"].to_dict() == {"f0": False, "a": False, "b": True}
    # Both money figures: the 25% member's two lines of 1,000, priced at 6%:
    # 2 * 1,000 * 19 / 75 = 506.67; it is the only member above the median.
    spread = h.sibling_discounts(
        accounts, purchases, PRODUCTS, as_of=AS_OF, tree=ultimate_parents(accounts)
    )
    row = spread.iloc[0]
    assert row["revenue_at_stake"] == pytest.approx(2 * 1_000 * 19 / 75)
    assert row["outlier_revenue_at_stake"] == pytest.approx(2 * 1_000 * 19 / 75)
    assert (row["scale"], row["scale_source"], row["tested"]) == (
        pytest.approx(1.4826),
        "family",
        True,
    )


def test_two_members_form_no_group():
    accounts, purchases = _family([("f0", [5, 5]), ("a", [25, 25])])
    m = _members(accounts, purchases)
    # A pair is shown (spread 20 points) but 2 eligible members < min_members = 3.
    assert len(m) == 2
    assert not m["tested"].any()
    assert not m["outlier"].any()
    assert m["robust_z"].isna().all()
    # With min_members = 2 the group is tested: median 15, MAD 10, z = 10 / 14.826 = 0.67.
    two = _members(accounts, purchases, min_members=2)
    assert two["robust_z"].to_numpy() == pytest.approx([10 / 14.826, 10 / 14.826])
    assert not two["outlier"].any()


def test_mad_zero_with_a_083_point_difference_is_not_flagged_and_never_inf():
    accounts, purchases = _family([("f0", [10, 10]), ("a", [10, 10]), ("b", [10.83, 10.83])])
    m = _members(accounts, purchases)
    # Median 10, deviations 0, 0, 0.83 -> MAD 0 (and product MAD 0): the floor of 1 point
    # is the scale, so z = 0.83 / 1 = 0.83 <= 3.
    assert m["mad"].iloc[0] == 0.0
    assert set(m["scale_source"]) == {"floor"}
    assert m.loc["b", "robust_z"] == pytest.approx(0.83)
    assert not m["outlier"].any()
    assert np.isfinite(m["robust_z"]).all()
    assert np.isfinite(m["scale"]).all()


def test_a_single_line_member_is_never_flagged():
    accounts, purchases = _family([("f0", [5, 5]), ("a", [6, 6]), ("b", [7, 7]), ("c", [25])])
    m = _members(accounts, purchases)
    # c has one line (< min_lines = 2): shown, not scored. The other three form the group.
    assert not m.loc["c", "eligible"]
    assert m["eligible_members"].iloc[0] == 3
    assert m["tested"].all()
    assert pd.isna(m.loc["c", "robust_z"])
    assert not m.loc["c", "outlier"]
    assert not m["outlier"].any()
    # The family median is over all four members (5, 6, 7, 25 -> 6.5) and the upper bound
    # counts c's line: 1,000 * (25 - 6.5) / 75 = 246.67, plus b's two lines at 7%:
    # 2 * 1,000 * 0.5 / 93 = 10.75. Nothing flagged: 0 from outliers.
    spread = h.sibling_discounts(
        accounts, purchases, PRODUCTS, as_of=AS_OF, tree=ultimate_parents(accounts)
    )
    assert spread["revenue_at_stake"].iloc[0] == pytest.approx(1_000 * 18.5 / 75 + 1_000 / 93)
    assert spread["outlier_revenue_at_stake"].iloc[0] == 0.0


def test_a_wide_product_spread_elsewhere_widens_the_scale():
    # Family F: 5, 6, 25 as above. Family G (root g0) buys the same product at
    # 0, 10, 20, 30, 40: product-wide member discounts 0 5 6 10 20 25 30 40, median 15,
    # deviations 15 10 9 5 5 10 15 25 -> MAD 10, scale 14.826: z(25) = 19 / 14.826 = 1.28.
    accounts, purchases = _family(
        [("f0", [5, 5]), ("a", [6, 6]), ("b", [25, 25])],
        extra_accounts=[("g0", None), ("g1", "g0"), ("g2", "g0"), ("g3", "g0"), ("g4", "g0")],
    )
    more = build_purchases(
        [
            (a, "P", "2026-01-15", 1_000, d)
            for a, d in zip(["g0", "g1", "g2", "g3", "g4"], [0, 10, 20, 30, 40], strict=True)
            for _ in range(2)
        ]
    )
    m = _members(accounts, pd.concat([purchases, more], ignore_index=True))
    f = m[m["root_id"] == "f0"]
    assert set(f["scale_source"]) == {"product"}
    assert f.loc["b", "product_mad"] == 10.0
    assert f.loc["b", "robust_z"] == pytest.approx(19 / 14.826)
    assert not m["outlier"].any()


def test_member_discount_is_amount_weighted_and_the_lookback_is_inclusive():
    accounts = build_accounts(
        [("f0", "F root", None, "u1"), ("a", "A", "f0", "u1"), ("b", "B", "f0", "u1")]
    )
    purchases = build_purchases(
        [
            ("f0", "P", "2026-01-15", 3_000, 10),
            ("f0", "P", "2026-02-15", 1_000, 20),
            ("a", "P", "2024-07-01", 1_000, 8),  # first day of the 24-month window: in
            ("a", "P", "2024-06-30", 1_000, 90),  # the day before: out
            ("a", "P", "2026-01-01", 1_000, 8),
            ("b", "P", "2026-01-01", 1_000, 9),
        ]
    )
    m = _members(accounts, purchases)
    # (10 * 3,000 + 20 * 1,000) / 4,000 = 12.5.
    assert m.loc["f0", "discount_pct"] == pytest.approx(12.5)
    assert m.loc["a", "discount_pct"] == 8.0
    assert m["lines"].to_dict() == {"a": 2, "b": 1, "f0": 2}
    basis = h.discount_basis(purchases, as_of=AS_OF, tree=ultimate_parents(accounts))
    assert (basis["before_lookback"], basis["used"], basis["below_min_lines"]) == (1, 5, 1)
    # A 12-month lookback drops both of a's 2024 lines and f0's are still in.
    short = _members(accounts, purchases, discount_lookback_months=12)
    assert short.loc["a", "lines"] == 1


def test_sibling_discounts_spread_export(accounts, opps, tree, purchases, products):
    spread = h.sibling_discounts(accounts, purchases, products, as_of=AS_OF, tree=tree)
    assert spread["product_id"].tolist() == ["P2", "P1"]  # by revenue at stake
    p2, p1 = spread.iloc[0], spread.iloc[1]
    assert (p2["min_discount"], p2["median_discount"], p2["max_discount"]) == (10.0, 13.0, 30.0)
    assert p2["spread"] == 20.0
    assert p2["members"] == 4
    assert p2["lines"] == 4
    assert p2["revenue_at_stake"] == pytest.approx(18_000.0)
    assert p2["spend"] == 334_000.0
    assert p2["family_name"] == "Dogs Extraordinaire"
    assert p2["product_name"] == "Leash"
    # Member 2's amount-weighted 11.95% (10% on 90k, 14% on 86k) is the lowest member.
    assert (p1["min_discount"], p1["max_discount"]) == (pytest.approx(2_104_000 / 176_000), 15.0)
    assert p1["spread"] == pytest.approx(15.0 - 2_104_000 / 176_000)
    # The issue's "min, max and spread of discount_pct" over the lines themselves: P1's
    # lines are 12, 10, 14, 12, 15, so 10 .. 15, 5 pts.
    assert (p1["min_line_discount"], p1["max_line_discount"], p1["line_spread"]) == (
        10.0,
        15.0,
        5.0,
    )
    # P2's used lines are 10, 12, 14, 30 (the 90% line is after as_of, the blank one has
    # no discount): the same as the member discounts.
    assert (p2["min_line_discount"], p2["max_line_discount"], p2["line_spread"]) == (
        10.0,
        30.0,
        20.0,
    )
    assert p1["lines"] == 5
    assert p1["outlier_members"] == 0  # one eligible member: not a tested group
    assert not p1["tested"] and pd.isna(p1["scale"])
    assert p1["revenue_at_stake"] == pytest.approx(5_000.0)
    assert p1["outlier_revenue_at_stake"] == 0.0
    assert spread["family_rank"].isna().all()  # no ranking given
    top = h.top_customers(accounts, opps, start=START, end=END, tree=tree)
    ranked = h.sibling_discounts(accounts, purchases, products, as_of=AS_OF, tree=tree, ranking=top)
    assert ranked["family_rank"].tolist() == [1, 1]


def test_discount_basis_counts(purchases):
    assert h.discount_basis(purchases, as_of=AS_OF) == {
        "lines": 13,
        "after_as_of": 1,
        "before_lookback": 0,
        "missing_date": 0,
        "missing_discount": 1,
        "used": 11,
        "used_missing_amount": 0,
    }


def test_exclusions_table_and_outlier_list(accounts, opps, tree, purchases, products):
    table = h.exclusions(
        h.revenue_basis(opps, accounts, start=START, end=END),
        h.discount_basis(purchases, as_of=AS_OF),
    )
    assert table.columns.tolist() == ["table", "what", "rows", "treatment"]
    by_what = table.set_index("what")["rows"]
    assert by_what["lost (closed, not won)"] == 1
    assert by_what["won in the period, account not among the accounts"] == 1
    assert by_what["dated after the as-of date"] == 1
    # Nothing is flagged on the shared fixture (single-line members): an empty list.
    members = h.sibling_discount_members(accounts, purchases, products, as_of=AS_OF, tree=tree)
    assert h.discount_outliers(members).empty


def test_discount_lines_computed_once_give_the_same_tables(
    accounts, opps, tree, purchases, products
):
    from workbook.analyses.hierarchy.discount_lines import discount_lines, window_start

    lines = discount_lines(purchases, tree, as_of=AS_OF, months=24)
    # The shared fixture's used lines of accounts in the tree (test_sibling_discounts_spread_export)
    assert lines.counts["used"] == 11
    # The per-account lines are the used lines of accounts in the tree, by another route.
    start = window_start(AS_OF, 24)
    when = purchases["purchased_at"]
    used = purchases[
        (when >= start)
        & (when < pd.Timestamp(AS_OF) + pd.Timedelta(days=1))
        & purchases["discount_pct"].notna()
        & purchases["product_id"].notna()
    ]
    in_tree = used["account_id"].isin(tree["account_id"])
    assert 0 < in_tree.sum() <= 11
    assert lines.per_account["lines"].sum() == in_tree.sum()
    spans = used[in_tree].assign(
        root_id=used["account_id"].map(tree.set_index("account_id")["root_id"])
    )
    ranges = spans.groupby(["root_id", "product_id"])["discount_pct"].agg(["min", "max"])
    got = lines.line_range.set_index(["root_id", "product_id"]).sort_index()
    assert got["min_line_discount"].tolist() == ranges["min"].tolist()
    assert got["max_line_discount"].tolist() == ranges["max"].tolist()
    common = {"as_of": AS_OF, "tree": tree}
    members = h.sibling_discount_members(accounts, purchases, products, lines=lines, **common)
    pd.testing.assert_frame_equal(
        members, h.sibling_discount_members(accounts, purchases, products, **common)
    )
    pd.testing.assert_frame_equal(
        h.sibling_discounts(accounts, purchases, products, lines=lines, members=members, **common),
        h.sibling_discounts(accounts, purchases, products, **common),
    )
    assert h.discount_basis(purchases, as_of=AS_OF, tree=tree, lines=lines) == h.discount_basis(
        purchases, as_of=AS_OF, tree=tree
    )

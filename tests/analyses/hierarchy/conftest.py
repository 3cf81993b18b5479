"""Tiny hand-built CRM tables for the hierarchy tests (numbers worked out by hand in the tests).

The story: four accounts of Dogs Extraordinaire ($2.0M together) against the
$1.0M single account GalacticSpace, plus a stand-alone buyer (Solo), an
account with a missing parent (Orphan) and revenue on an unknown account.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.core.families import ultimate_parents


def build_accounts(rows) -> pd.DataFrame:
    """rows: (account_id, name, parent_id, owner_id); ``None`` parent means a root."""
    frame = pd.DataFrame(rows, columns=["account_id", "name", "parent_id", "owner_id"])
    return frame.astype({"account_id": "str", "parent_id": "str", "owner_id": "str"}).assign(
        parent_id=lambda f: f["parent_id"].where(f["parent_id"] != "None")
    )


def build_opps(rows) -> pd.DataFrame:
    """rows: (opportunity_id, account_id, close_date, is_closed, is_won, amount)."""
    frame = pd.DataFrame(
        rows,
        columns=["opportunity_id", "account_id", "close_date", "is_closed", "is_won", "amount"],
    )
    return frame.assign(
        account_id=frame["account_id"].astype("str"),
        close_date=pd.to_datetime(frame["close_date"], format="ISO8601"),
        is_closed=frame["is_closed"].astype("boolean"),
        is_won=frame["is_won"].astype("boolean"),
        amount=frame["amount"].astype("float64"),
    )


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


@pytest.fixture
def make_accounts():
    """The accounts builder (:func:`build_accounts`), for tests with their own hierarchy."""
    return build_accounts


@pytest.fixture
def make_opps():
    """The opportunities builder (:func:`build_opps`)."""
    return build_opps


@pytest.fixture
def accounts() -> pd.DataFrame:
    return build_accounts(
        [
            ("1", "Dogs Extraordinaire", None, "u1"),
            ("2", "Dogs Europe", "1", "u1"),
            ("3", "We <3 Dogs", "1", "u2"),
            ("4", "Dogs Asia 犬", "2", "u3"),
            ("10", "GalacticSpace", None, "u1"),
            ("20", "Solo", None, "u2"),
            ("30", "Orphan", "99", "u2"),
        ]
    )


@pytest.fixture
def opps() -> pd.DataFrame:
    return build_opps(
        [
            ("o1", "10", "2026-01-15", True, True, 1_000_000),
            ("o2", "1", "2025-07-01", True, True, 500_000),  # first day: in
            ("o3", "2", "2026-06-30 15:00", True, True, 600_000),  # last day, afternoon: in
            ("o4", "3", "2026-03-01", True, True, 400_000),
            ("o5", "4", "2025-12-01", True, True, 500_000),
            ("o6", "4", "2025-06-30", True, True, 999),  # day before start: out
            ("o7", "4", "2026-07-01", True, True, 888),  # day after end: out
            ("o8", "10", "2026-02-01", True, False, 5_000_000),  # lost: out
            ("o9", "20", "2026-02-01", False, False, 7_000_000),  # open: out
            ("o10", "20", "2026-02-01", True, True, 300_000),
            ("o11", "20", "2024-07-01", True, True, 2_000),  # previous period
            ("o12", "30", "2024-08-01", True, True, 50),  # previous period
            ("o13", "77", "2026-02-01", True, True, 123),  # unknown account
        ]
    )


@pytest.fixture
def tree(accounts) -> pd.DataFrame:
    return ultimate_parents(accounts)


@pytest.fixture
def products() -> pd.DataFrame:
    return pd.DataFrame(
        {"product_id": ["P1", "P2", "P3"], "name": ["Kennel", "Leash", "Bowl"], "list_price": 1.0}
    ).astype({"product_id": "str"})


@pytest.fixture
def purchases() -> pd.DataFrame:
    return build_purchases(
        [
            # P1: member discounts 12, mean(10, 14) = 12, 12, 15 -> median 12, MAD 0.
            ("1", "P1", "2026-01-01", 88_000, 12),
            ("2", "P1", "2026-01-01", 90_000, 10),
            ("2", "P1", "2026-02-01", 86_000, 14),
            ("3", "P1", "2026-01-01", 88_000, 12),
            ("4", "P1", "2026-01-01", 85_000, 15),
            # P2: 10, 12, 14, 30 -> median 13, deviations 3, 1, 1, 17 -> MAD 2.
            ("1", "P2", "2026-01-01", 90_000, 10),
            ("2", "P2", "2026-01-01", 88_000, 12),
            ("3", "P2", "2026-01-01", 86_000, 14),
            ("4", "P2", "2026-01-01", 70_000, 30),
            ("4", "P2", "2026-07-01", 1_000, 90),  # after as_of: out
            ("3", "P2", "2026-01-01", 1_000, None),  # no discount: out
            # P3 is bought by one member only: no spread.
            ("1", "P3", "2026-01-01", 5_000, 50),
            # Single-account families never appear.
            ("10", "P1", "2026-01-01", 50_000, 40),
        ]
    )


@pytest.fixture
def users() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "owner_id": ["u1", "u2", "u3"],
            "name": ["Ann Veteran", "Bo Unknown", "Cy Newcomer"],
            "started_at": pd.to_datetime(["2020-01-01", None, "2026-05-01"]),
        }
    ).astype({"owner_id": "str"})

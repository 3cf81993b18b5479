"""Fixtures for the data-quality tests: a hand-built CRM with one of each fault."""

from __future__ import annotations

import pandas as pd
import pytest


def hand_built_tables():
    """Five accounts (root, child, grandchild, self-loop A4, orphan A5), two users, three deals."""
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "name": ["Root", "Child", "Grandchild", "Self loop", "Orphan"],
            "parent_id": [None, "A1", "A2", "A4", "A9"],
            "owner_id": ["U1", "U1", "U7", None, "U7"],
            "created_at": pd.to_datetime(["2024-01-05", None, "2023-12-31", None, None]),
        }
    ).astype({"account_id": "string", "parent_id": "string", "owner_id": "string"})
    users = pd.DataFrame({"owner_id": ["U1", "U2"]}).astype("string")
    opportunities = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3"],
            "account_id": ["A1", "A8", "A8"],
            "created_at": pd.to_datetime(["2024-02-01", "2024-03-15", "2024-01-10"]),
            "close_date": pd.to_datetime(["2024-04-01", None, "2024-05-01"]),
        }
    ).astype({"opportunity_id": "string", "account_id": "string"})
    return {"users": users, "opportunities": opportunities, "accounts": accounts}


@pytest.fixture
def tables():
    return hand_built_tables()

"""Fixtures of the whitespace tests: tiny hand-built books with their numbers worked out by hand.

``frames`` builds canonical-looking tables from rows (``frames.accounts``,
``frames.products``, ``frames.purchases``, ``frames.opps``) and finds one gap
(``frames.gap``); ``book`` is the shared five-account book; ``summarize``
runs the summary figures and sentences on a book.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def _accounts(rows):
    frame = pd.DataFrame(rows, columns=["account_id", "name", "parent_id", "owner_id", "industry"])
    return frame.astype(
        {
            "account_id": "str",
            "name": "str",
            "parent_id": "str",
            "owner_id": "str",
            "industry": "str",
        }
    )


def _products(rows):
    frame = pd.DataFrame(rows, columns=["product_id", "name", "family", "list_price"])
    return frame.astype({"product_id": "str", "name": "str", "family": "str", "list_price": float})


def _purchases(rows):
    frame = pd.DataFrame(rows, columns=["account_id", "product_id", "purchased_at", "amount"])
    frame["purchased_at"] = pd.to_datetime(frame["purchased_at"], format="ISO8601").astype(
        "datetime64[ns]"
    )
    return frame.astype({"account_id": "str", "product_id": "str", "amount": float})


def _opps(rows):
    frame = pd.DataFrame(rows, columns=["opportunity_id", "account_id", "close_date", "amount"])
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    frame["is_won"] = pd.array([True] * len(frame), dtype="boolean")
    frame["is_closed"] = frame["is_won"]
    return frame.astype({"opportunity_id": "str", "account_id": "str"})


def _gap(gaps, account, product):
    row = gaps[(gaps["account_id"] == account) & (gaps["product_id"] == product)]
    assert len(row) == 1, (account, product, len(row))
    return row.iloc[0]


def _random_book(raw):
    """Tables from the raw draw of ``tests/analyses/whitespace/test_gaps.py``'s strategy."""
    accounts_rows, pairs = raw
    accounts = _accounts(accounts_rows)
    products = _products([(f"p{k}", f"p{k}", "F", 10.0) for k in range(4)])
    purchases = _purchases([(f"a{i}", f"p{k}", "2024-01-01", 5.0) for i, k in pairs])
    return accounts, purchases, products


@pytest.fixture(scope="session")
def frames():
    """Table builders (session-scoped, so hypothesis tests may use them)."""
    return SimpleNamespace(
        accounts=_accounts,
        products=_products,
        purchases=_purchases,
        opps=_opps,
        gap=_gap,
        random_book=_random_book,
        as_of=AS_OF,
    )


@pytest.fixture
def book():
    """Family of 4 under P1 plus the single-account family S1.

    P1 (PupsRUs, root) <- P2 (We <3 Dogs) <- P4; P1 <- P3.
    Owned on 2024-06-30: P1: T, U; P3: T; S1: T, V. Nobody owns N.
    """
    accounts = _accounts(
        [
            ("P1", "PupsRUs", None, "u9", "Pets"),
            ("P2", "We <3 Dogs", "P1", "u1", "Pets"),
            ("P3", "Pup Retail 株式会社", "P1", "u2", "Retail"),
            ("P4", "Pup Four", "P2", "u1", None),
            ("S1", "Solo", None, "u9", "Pets"),
        ]
    )
    products = _products(
        [
            ("T", "The Tangerine1000", "Fruit", 1000.0),
            ("U", "Umbrella", "Rain", 500.0),
            ("N", "Nobody", "Rain", 300.0),
            ("V", "Vet kit", "Care", 200.0),
        ]
    )
    purchases = _purchases(
        [
            ("P1", "T", "2024-01-10", 1200.0),
            ("P1", "T", "2024-01-10", 1200.0),  # exact duplicate: counted once
            ("P3", "T", "2024-03-01", 800.0),
            ("P3", "T", "2024-05-01", 400.0),  # repeat purchase: its own purchase amount
            ("P2", "T", "2024-07-15", 999.0),  # after as_of: ignored, P2 has a gap
            ("P1", "U", "2024-02-01", None),  # no amount: U falls back to list price
            ("S1", "V", "2024-05-01", 250.0),
            ("S1", "T", "2024-06-30 15:00", 1000.0),  # on the as_of day: counts
            ("S1", "ZZ", "2024-05-01", 10.0),  # unknown product
        ]
    )
    users = pd.DataFrame({"owner_id": ["u1", "u2", "u9"], "name": ["Ann", "Bo", "Cy"]}).astype(
        "str"
    )
    return accounts, purchases, products, users


def _summary(book, *, as_of=AS_OF):
    accounts, purchases, products, _ = book
    gaps = ws.sibling_gaps(accounts, purchases, products, as_of=as_of)
    peers = ws.peer_whitespace(accounts, purchases, products, as_of=as_of, gaps=gaps)
    lift = ws.co_purchase_lift(accounts, purchases, products, as_of=as_of)
    figures = ws.summary_figures(
        gaps=gaps,
        peers=peers,
        lift=lift,
        families=ws.family_whitespace(gaps),
        exclusions=ws.purchase_exclusions(
            purchases, as_of=as_of, accounts=accounts, products=products
        ),
        family_id="P1",
        family_name="PupsRUs",
        min_pair_owners=1,
    )
    return figures, ws.summary_sentences(figures)


@pytest.fixture(scope="session")
def summarize():
    """``summarize(book, as_of=...) -> (figures, sentences)`` with family P1 shown."""
    return _summary


#: The tables the whitespace notebook loads.
TABLES = ["accounts", "opportunities", "products", "purchases", "users"]


@pytest.fixture(scope="module")
def sample_crm():
    """The bundled sample, loaded as the notebook loads it."""
    import workbook

    return workbook.load(tables=TABLES)


@pytest.fixture(scope="module")
def sample_res(sample_crm):
    """``whitespace.run`` on the bundled sample with the default parameters."""
    return ws.run(sample_crm)

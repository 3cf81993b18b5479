"""Tiny hand-built engagement tables, as fixtures that return their builders.

Each fixture returns a function building a fresh copy (tests change them).
The two families: accounts/opportunities/activities/leads around
``AS_OF = 2024-03-31`` for levels and effectiveness, and the hygiene leads,
touches and open deals for leads, the win model and recommended actions.
Expected numbers are derived in the tests that use them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.engagement import actions as ra
from workbook.analyses.engagement import effectiveness as oe
from workbook.analyses.engagement import figures as fg
from workbook.analyses.engagement import hygiene as hy
from workbook.analyses.engagement import leads as ld
from workbook.analyses.engagement import levels as lvl
from workbook.analyses.engagement import narrative as nar
from workbook.analyses.engagement import win_model as wm
from workbook.analyses.engagement import window as win

AS_OF = pd.Timestamp("2024-03-31")


def _dates(values):
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")


def _accounts_fx():
    return pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "name": ["Dogs <3 Inc", "Beta", "株式会社", "Delta, Ltd", "Echo"],
            "parent_id": [None] * 5,
            "owner_id": ["u1", "u1", "u2", "u2", "u2"],
            "industry": ["Tech", "Retail", "Tech", None, "Retail"],
        }
    )


def _opportunities_fx():
    return pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3", "O4"],
            "account_id": ["A1", "A2", "A3", "A5"],
            "created_at": _dates(["2024-03-25", "2024-01-01", "2024-03-21", "2023-12-01"]),
            "close_date": _dates(["2024-04-30", "2024-05-01", "2024-03-30", "2024-06-01"]),
            "stage": ["Proposal", "Discovery", "Closed Won", "Proposal"],
            "is_closed": pd.array([False, False, True, False], dtype="boolean"),
            "is_won": pd.array([False, False, True, False], dtype="boolean"),
            "amount": [100.0, 500.0, 50.0, 300.0],
            "probability": [50.0, 20.0, 100.0, 40.0],
            "owner_id": ["u1", "u1", "u2", "u2"],
        }
    )


def _activities_fx():
    return pd.DataFrame(
        {
            "activity_id": ["X1", "X2", "X3", "X4", "X5", "X6", "X7"],
            "occurred_at": _dates(
                [
                    "2024-03-31",  # at as_of: inside
                    "2024-03-30",
                    "2024-03-21",  # exactly as_of - 10: outside
                    "2024-03-22",  # first day inside
                    "2024-03-28",
                    "2024-04-01",  # after as_of: outside
                    "2024-03-15",  # only inside the 2x (20-day) window
                ]
            ),
            "type": ["call", "email", "call", "meeting", "email", "call", "call"],
            "lead_id": [None] * 7,
            # X1: account A1 and opportunity O1 (of A1) -> counts once for A1.
            # X2: no account, opportunity O2 -> counts for A2 through the opportunity.
            # X5: account A4 and opportunity O1 (of A1) -> once for A4 and once for A1.
            "account_id": ["A1", None, "A3", "A3", "A4", "A1", "A5"],
            "opportunity_id": ["O1", "O2", None, None, "O1", None, None],
            "owner_id": ["u1"] * 7,
        }
    )


def _leads_fx():
    return pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "created_at": _dates(["2024-03-23", "2024-03-21", "2024-03-01"]),
            "converted_account_id": ["A1", "A2", None],
            # hygiene columns, used by the summary test
            "status": ["Converted", "Converted", "Open"],
            "owner_id": ["u1", "u1", None],
            "handed_off_at": _dates([None, None, "2024-03-02"]),
            "converted_at": _dates(["2024-03-25", "2024-03-25", None]),
            "converted_opportunity_id": [None, None, None],
            "company": ["a", "b", "c"],
            "source": ["web", "web", "web"],
        }
    )


def _tables_fx():
    return _accounts_fx(), _activities_fx(), _opportunities_fx(), _leads_fx()


def _closed_fx(cycles_and_close, *, extra_open=True):
    rows = []
    for i, (cycle, close) in enumerate(cycles_and_close):
        close = pd.Timestamp(close)
        rows.append((f"C{i}", close - pd.Timedelta(days=cycle), close, True))
    if extra_open:  # open deals never enter the mean
        rows.append(("OPEN", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"), False))
    frame = pd.DataFrame(rows, columns=["opportunity_id", "created_at", "close_date", "is_closed"])
    frame["is_closed"] = frame["is_closed"].astype("boolean")
    return frame


def _effectiveness_fx():
    opps = pd.DataFrame(
        {
            "opportunity_id": ["W1", "W2", "W3", "P1", "P2", "P3", "LOST"],
            "account_id": ["A1"] * 7,
            "created_at": _dates(
                [
                    "2024-01-01",
                    "2024-02-01",
                    "2024-02-01",
                    "2024-03-01",
                    "2024-03-21",
                    "2024-02-01",
                    "2024-01-01",
                ]
            ),
            "close_date": _dates(
                [
                    "2024-01-31",
                    "2024-02-16",
                    "2024-03-02",
                    "2024-04-30",
                    "2024-03-30",
                    "2024-03-31",
                    "2024-02-01",
                ]
            ),
            "stage": [
                "Closed Won",
                "Closed Won",
                "Closed Won",
                "Proposal",
                "Discovery",
                "Proposal",
                "Closed Lost",
            ],
            "is_closed": pd.array([True, True, True, False, False, False, True], dtype="boolean"),
            "is_won": pd.array([True, True, True, False, False, False, False], dtype="boolean"),
            "amount": [10.0, 20.0, 30.0, 1000.0, 200.0, 300.0, 5.0],
            "probability": [100.0, 100.0, 100.0, 90.0, 10.0, 50.0, 0.0],
            "owner_id": ["u1", "u1", "u1", "u1", "u2", "u2", "u2"],
        }
    )
    rows = (
        [("W1", "2024-01-05", "call")] * 3
        + [("W1", "2024-02-10", "call")]  # after W1 closed: not in its rate
        + [("W2", "2024-02-05", "email")]
        + [("W3", "2024-02-10", "call")] * 6
        + [("P1", "2024-03-05", "call"), ("P1", "2024-03-17", "email")]
        + [("P3", "2024-03-01", "call")] * 5
        + [("P3", "2024-03-18", "meeting")]
        + [("P3", "2024-04-02", "meeting")]  # after as_of: ignored
    )
    acts = pd.DataFrame(rows, columns=["opportunity_id", "occurred_at", "type"])
    acts.insert(0, "activity_id", [f"Y{i}" for i in range(len(acts))])
    acts["occurred_at"] = pd.to_datetime(acts["occurred_at"])
    acts["account_id"] = None
    acts["lead_id"] = None
    return opps, acts


def _summary_fx(acc, act, opp, lead):
    basis = win.window_basis(opp, as_of=AS_OF, window_days=10)
    levels = lvl.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    risk = lvl.at_risk(levels)
    eff = oe.opportunity_effectiveness(opp, act, as_of=AS_OF, stale_days=14)
    model = wm.fit_win_model(opp, act, as_of=AS_OF)
    scores = wm.score_deals(model, opp, act, as_of=AS_OF)
    var = wm.probability_variance(eff, scores, gate_open=False, threshold=30)
    recs = ra.recommendations(eff, var)
    stale = ld.stale_leads(lead, act, opp, as_of=AS_OF, stale_days=14)
    nw = ld.handoff_not_worked(lead, act, opp, as_of=AS_OF)
    figures = fg.summary_figures(
        basis=basis,
        levels=levels,
        at_risk_accounts=risk,
        effectiveness=eff,
        stale_leads=stale,
        not_worked=nw,
        handed_off=ld.handed_off_count(lead, as_of=AS_OF),
        recommendations=recs,
        model=model,
        archive=hy.archive_candidates(lead, act, opp, as_of=AS_OF),
        unowned=hy.unowned_open_leads(lead, as_of=AS_OF),
    )
    sentences = nar.summary_sentences(
        figures, at_risk_accounts=risk, stale_days=14, probability_variance_threshold=30
    )
    return figures, sentences


def _hygiene_leads_fx():
    rows = [
        # lead, status, created, owner, handed_off, converted_at
        ("L1", "Open", "2024-03-01", "u1", "2024-03-10", None),
        ("L2", "Working", "2024-03-01", "u1", "2024-03-20", None),
        ("L3", "Open", "2024-03-25", None, None, None),
        ("L4", "Converted", "2024-01-01", "u1", None, "2024-02-01"),
        ("L5", "Open", "2024-01-01", "u1", None, "2024-03-01"),  # converted_at wins
        ("L6", "Unqualified", "2023-06-01", "u2", None, None),
        ("L7", "Working", "2023-09-01", "u2", None, None),
        ("L8", "Nurture", "2023-01-01", "u2", None, None),
        ("L9", " open ", "2023-09-01", "u2", "2024-01-20", None),
        ("L10", "Open", "2024-04-05", "u1", "2024-04-06", None),  # after as_of
        ("L11", "Unqualified", "2023-10-03", "u2", None, None),  # exactly 180 days old
    ]
    frame = pd.DataFrame(
        rows,
        columns=["lead_id", "status", "created_at", "owner_id", "handed_off_at", "converted_at"],
    )
    for col in ("created_at", "handed_off_at", "converted_at"):
        frame[col] = _dates(frame[col])
    frame["company"] = [f"Co <{i}>" for i in range(len(frame))]
    frame["source"] = "web"
    frame["converted_opportunity_id"] = None
    frame["converted_account_id"] = None
    return frame


def _lead_activities_fx():
    rows = [
        ("T1", "L1", "2024-03-17"),  # as_of - 14: outside the stale window
        ("T2", "L2", "2024-03-18"),  # first day inside; before L2's handoff
        ("T3", "L7", "2023-10-01"),
        ("T4", "L9", "2024-01-15"),  # inside the 180-day window; before handoff
    ]
    frame = pd.DataFrame(rows, columns=["activity_id", "lead_id", "occurred_at"])
    frame["occurred_at"] = _dates(frame["occurred_at"])
    frame["type"] = "call"
    frame["account_id"] = None
    frame["opportunity_id"] = None
    frame["owner_id"] = "u1"
    return frame


def _open_deals_fx():
    return pd.DataFrame(
        {
            "opportunity_id": ["P1", "P2", "P3"],
            "account_id": ["A1", "A2", "A3"],
            "owner_id": ["u1", "u2", "u2"],
            "stage": ["Proposal", "Discovery", "Proposal"],
            "amount": [1000.0, 200.0, 300.0],
            "probability": [50.0, 20.0, 90.0],
            "created_at": _dates(["2024-01-01", "2024-03-01", "2024-02-01"]),
            "close_date": _dates(["2024-05-01", "2024-03-30", "2024-04-30"]),
            "age_days": [90, 30, 59],
            "activities": [3, 2, 6],
            "meetings": [0, 1, 2],
            "last_activity_at": _dates(["2024-03-10", "2024-03-29", "2024-03-30"]),
            "days_since_activity": [21.0, 2.0, 1.0],
            "activity_rate_30d": [1.0, 2.0, 3.0],
            "benchmark_deals": [25, 25, 25],
            "benchmark_percentile": [0.1, 0.2, 0.5],
            "stale": [True, False, False],
            "below_benchmark": [True, True, False],
            "close_date_passed": [False, True, False],
            "days_overdue": [0, 1, 0],
        }
    )


@pytest.fixture
def accounts_fx():
    """Five accounts A1-A5 (names with markup and CJK), two owners."""
    return _accounts_fx


@pytest.fixture
def opportunities_fx():
    """Opportunities O1-O4 of A1, A2, A3, A5 (O3 closed won)."""
    return _opportunities_fx


@pytest.fixture
def activities_fx():
    """Activities X1-X7 around the 10-day window ending AS_OF."""
    return _activities_fx


@pytest.fixture
def leads_fx():
    """Leads L1-L3 (two converted to A1/A2, L3 open and handed off)."""
    return _leads_fx


@pytest.fixture
def tables_fx():
    """(accounts, activities, opportunities, leads), fresh copies."""
    return _tables_fx


@pytest.fixture
def closed_fx():
    """Closed deals from (cycle days, close date) pairs, plus one open deal."""
    return _closed_fx


@pytest.fixture
def effectiveness_fx():
    """(opportunities, activities): won W1-W3, lost LOST, open P1-P3."""
    return _effectiveness_fx


@pytest.fixture
def summary_fx():
    """(figures, sentences) of the pipeline steps on the given tables."""
    return _summary_fx


@pytest.fixture
def hygiene_leads_fx():
    """Leads L1-L11 with every status, for the lead hygiene tests."""
    return _hygiene_leads_fx


@pytest.fixture
def lead_activities_fx():
    """Touches T1-T4 of the hygiene leads."""
    return _lead_activities_fx


@pytest.fixture
def open_deals_fx():
    """An opportunity_effectiveness frame of three open deals P1-P3."""
    return _open_deals_fx


@pytest.fixture(scope="session")
def sample_crm():
    """The bundled sample, loaded once (every table)."""
    import workbook

    return workbook.load()


@pytest.fixture(scope="session")
def sample_results(sample_crm):
    """``engagement.run`` on the bundled sample with the default parameters, once."""
    from workbook.analyses import engagement

    return engagement.run(sample_crm)


def _synthetic_crm_fx(*, signal: bool, n: int = 1500, seed: int = 0):
    """A small CRM whose deal wins follow recent activity (``signal``) or nothing at all.

    as_of 2026-06-30; ``n`` deals created uniformly over 2023-07-01 .. 2026-05-31
    for 3 owners and 30 accounts. With ``signal`` a deal is *worked* (activity
    every 3-8 days until it closes 20-90 days in, 85% won) or goes *quiet* (activity
    only in its first 5-15 days, closes 60-200 days in, 5% won), half and half.
    Without it every deal gets the same kind of stream (activity every 3-8 days
    for 10-60 days, close 20-150 days in, so always within a 180-day horizon) and
    wins with probability 0.4, independently of everything. Deals whose close date falls after as_of are open.
    """
    from workbook.data.model import CrmData

    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp("2026-06-30")
    created = pd.Timestamp("2023-07-01") + pd.to_timedelta(rng.integers(0, 1065, n), unit="D")
    if signal:
        worked = rng.random(n) < 0.5
        cycle = np.where(worked, rng.integers(20, 90, n), rng.integers(60, 200, n))
        active = np.where(worked, cycle, rng.integers(5, 15, n))
        won = np.where(worked, rng.random(n) < 0.85, rng.random(n) < 0.05)
    else:
        cycle = rng.integers(20, 150, n)  # every deal closes within the 180-day horizon
        active = np.minimum(rng.integers(10, 60, n), cycle)
        won = rng.random(n) < 0.4
    close = created + pd.to_timedelta(cycle, unit="D")
    closed = np.asarray(close <= as_of)
    ids = np.array([f"S{i:04d}" for i in range(n)])
    accounts = np.array([f"A{i:02d}" for i in range(30)])
    opps = pd.DataFrame(
        {
            "opportunity_id": ids,
            "account_id": accounts[rng.integers(0, 30, n)],
            "owner_id": np.array(["u1", "u2", "u3"])[rng.integers(0, 3, n)],
            "created_at": created,
            "close_date": close,
            "is_closed": pd.array(closed, dtype="boolean"),
            "is_won": pd.array(closed & won, dtype="boolean"),
            "stage": np.where(closed, np.where(won, "Closed Won", "Closed Lost"), "Proposal"),
            "amount": rng.integers(5, 100, n) * 1000.0,
            "probability": np.where(
                closed, np.where(won, 100.0, 0.0), rng.integers(1, 19, n) * 5.0
            ),
        }
    )
    # activity streams: gaps of 3-8 days from day 1 while day < active (and on or before as_of)
    gaps = rng.integers(3, 9, (n, 40)).cumsum(axis=1)
    keep = (gaps < active[:, None]) & (
        created.to_numpy()[:, None] + gaps * np.timedelta64(1, "D") <= as_of.to_datetime64()
    )
    deal, k = np.nonzero(keep)
    acts = pd.DataFrame(
        {
            "activity_id": [f"Y{i:05d}" for i in range(len(deal))],
            "occurred_at": created.to_numpy()[deal] + gaps[deal, k] * np.timedelta64(1, "D"),
            "type": "call",
            "opportunity_id": ids[deal],
            "account_id": None,
            "lead_id": None,
        }
    )
    account_frame = pd.DataFrame(
        {
            "account_id": accounts,
            "name": [f"Account {a}" for a in accounts],
            "parent_id": None,
            "owner_id": "u1",
            "industry": "Tech",
            "created_at": pd.Timestamp("2020-01-01"),
        }
    )
    return CrmData(
        tables={"accounts": account_frame, "opportunities": opps, "activities": acts},
        as_of=as_of,
    )


@pytest.fixture
def synthetic_crm():
    """Builder of a CRM with (``signal=True``) or without planted deal-win signal."""
    return _synthetic_crm_fx

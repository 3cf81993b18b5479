"""Fixtures of the scoring tests: a tiny hand-built CRM with its expected outcomes.

The tiny tables (``tiny``) have every outcome rule and boundary on purpose;
the comments beside the rows and in the tests derive the expected numbers by
hand. ``decay_data`` does the same for the decay what-if. ``sample_res`` is
one ``scoring.run`` on the bundled sample, shared by the pipeline and results
tests.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring

AS_OF = pd.Timestamp("2024-06-30")
NaT = pd.NaT


def _leads(rows):
    cols = [
        "lead_id",
        "created_at",
        "score",
        "status",
        "source",
        "converted_opportunity_id",
        "converted_at",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["created_at"] = pd.to_datetime(df["created_at"])
    df["converted_at"] = pd.to_datetime(df["converted_at"])
    df["score"] = df["score"].astype("float64")
    df["converted_opportunity_id"] = df["converted_opportunity_id"].astype("string")
    df["owner_id"] = pd.Series(["u1"] * len(df), dtype="string")
    df["handed_off_at"] = pd.NaT
    return df


def _opps(rows):
    cols = ["opportunity_id", "created_at", "close_date", "is_closed", "is_won", "amount"]
    df = pd.DataFrame(rows, columns=cols)
    df["created_at"] = pd.to_datetime(df["created_at"])
    df["close_date"] = pd.to_datetime(df["close_date"])
    df["is_closed"] = df["is_closed"].astype("boolean")
    df["is_won"] = df["is_won"].astype("boolean")
    df["amount"] = df["amount"].astype("float64")
    df["account_id"] = "a1"
    return df


def _acts(rows):
    df = pd.DataFrame(rows, columns=["activity_id", "occurred_at", "lead_id", "opportunity_id"])
    df["occurred_at"] = pd.to_datetime(df["occurred_at"])
    df["type"] = "call"
    df["account_id"] = pd.NA
    df["owner_id"] = "u1"
    return df


# as_of 2024-06-30 minus 180 days is 2024-01-02: a lead created that day is
# exactly maturity_days old (matured); one created 2024-01-03 is 179 days old.
OPPS = _opps(
    [
        ("O1", "2024-01-20", "2024-03-01", True, True, 1000),
        ("O2", "2024-01-25", "2024-04-01", True, True, 5000),
        ("O3", "2024-02-01", "2024-05-01", True, False, 800),
        ("O4", "2024-02-10", "2024-09-01", False, False, 700),  # open
        ("O5", "2024-03-10", "2024-07-15", True, True, 900),  # closes after as_of
        ("O6", "2024-01-10", "2024-02-10", True, True, 2000),
        ("O7", "2024-05-10", "2024-06-30", True, True, 3000),  # closes on as_of
        ("O8", "2023-10-20", "2024-03-15", True, False, 400),
    ]
)
LEADS = _leads(
    [
        ("L01", "2024-01-10", 90, "Converted", "web", "O1", "2024-01-20"),
        ("L02", "2024-01-15", 80, "Converted", "web", "O2", "2024-01-25"),
        ("L03", "2024-01-20", 80, "Converted", "event", "O3", "2024-02-01"),
        ("L04", "2024-02-01", 70, "Converted", "event", "O4", "2024-02-10"),
        ("L05", "2024-03-01", 60, "Converted", "web", "O5", "2024-03-10"),
        ("L06", "2024-01-05", 60, "Converted", "web", "O6", "2024-01-10"),
        ("L07", "2024-02-15", 60, "Open", "web", None, NaT),
        ("L08", "2023-12-01", 60, "Open", "event", None, NaT),
        ("L09", "2024-01-02", 50, "Working", "web", None, NaT),  # exactly 180 days
        ("L10", "2024-01-03", 50, "Working", "web", None, NaT),  # 179 days
        ("L11", "2024-04-01", 40, "Unqualified", "event", None, NaT),
        ("L12", "2024-05-01", 55, "Converted", "web", "O7", "2024-05-10"),
        ("L13", "2024-02-01", None, "Open", "web", None, NaT),  # blank score
        ("L14", "2024-07-05", 90, "Open", "web", None, NaT),  # after as_of
        ("L15", "2023-11-15", 30, "Nurture", "event", None, NaT),
        ("L16", "2023-10-01", 20, "Unqualified", None, "O8", "2023-10-20"),
        ("L17", "2024-03-10", 45, "Unqualified", "web", None, NaT),
        ("L18", "2024-02-20", 65, "Converted", "web", "O99", "2024-03-01"),  # dangling opp
        ("L19", "2023-12-20", 75, "Working", "event", None, NaT),
        ("L20", "2024-06-30", 85, "Open", "web", None, NaT),  # created on as_of
        ("L21", "2024-01-25", 35, "Working", "web", None, NaT),
    ]
)


# as_of 2024-06-30 minus 180 days is 2024-01-02: a lead created that day is
# exactly maturity_days old (matured); one created 2024-01-03 is 179 days old.
OPPS = _opps(
    [
        ("O1", "2024-01-20", "2024-03-01", True, True, 1000),
        ("O2", "2024-01-25", "2024-04-01", True, True, 5000),
        ("O3", "2024-02-01", "2024-05-01", True, False, 800),
        ("O4", "2024-02-10", "2024-09-01", False, False, 700),  # open
        ("O5", "2024-03-10", "2024-07-15", True, True, 900),  # closes after as_of
        ("O6", "2024-01-10", "2024-02-10", True, True, 2000),
        ("O7", "2024-05-10", "2024-06-30", True, True, 3000),  # closes on as_of
        ("O8", "2023-10-20", "2024-03-15", True, False, 400),
    ]
)
LEADS = _leads(
    [
        ("L01", "2024-01-10", 90, "Converted", "web", "O1", "2024-01-20"),
        ("L02", "2024-01-15", 80, "Converted", "web", "O2", "2024-01-25"),
        ("L03", "2024-01-20", 80, "Converted", "event", "O3", "2024-02-01"),
        ("L04", "2024-02-01", 70, "Converted", "event", "O4", "2024-02-10"),
        ("L05", "2024-03-01", 60, "Converted", "web", "O5", "2024-03-10"),
        ("L06", "2024-01-05", 60, "Converted", "web", "O6", "2024-01-10"),
        ("L07", "2024-02-15", 60, "Open", "web", None, NaT),
        ("L08", "2023-12-01", 60, "Open", "event", None, NaT),
        ("L09", "2024-01-02", 50, "Working", "web", None, NaT),  # exactly 180 days
        ("L10", "2024-01-03", 50, "Working", "web", None, NaT),  # 179 days
        ("L11", "2024-04-01", 40, "Unqualified", "event", None, NaT),
        ("L12", "2024-05-01", 55, "Converted", "web", "O7", "2024-05-10"),
        ("L13", "2024-02-01", None, "Open", "web", None, NaT),  # blank score
        ("L14", "2024-07-05", 90, "Open", "web", None, NaT),  # after as_of
        ("L15", "2023-11-15", 30, "Nurture", "event", None, NaT),
        ("L16", "2023-10-01", 20, "Unqualified", None, "O8", "2023-10-20"),
        ("L17", "2024-03-10", 45, "Unqualified", "web", None, NaT),
        ("L18", "2024-02-20", 65, "Converted", "web", "O99", "2024-03-01"),  # dangling opp
        ("L19", "2023-12-20", 75, "Working", "event", None, NaT),
        ("L20", "2024-06-30", 85, "Open", "web", None, NaT),  # created on as_of
        ("L21", "2024-01-25", 35, "Working", "web", None, NaT),
    ]
)


DECAY_LEADS = _leads(
    [
        ("D1", "2024-01-01", 80, "Working", "web", None, NaT),
        ("D2", "2024-01-01", 70, "Working", "web", None, NaT),
        ("D3", "2024-01-01", 90, "Converted", "web", "P3", "2024-03-31"),
        ("D4", "2024-01-01", 60, "Converted", "web", "P4", NaT),
        ("D5", "2024-03-01", 50, "Open", "web", None, NaT),
        ("D6", "2024-04-01", 40, "Open", "web", None, NaT),
        ("D7", "2024-04-01", 45, "Open", "web", None, NaT),
    ]
)
DECAY_OPPS = _opps(
    [
        ("P3", "2024-03-31", "2024-05-01", True, True, 100),
        ("P4", "2024-01-05", "2024-04-01", True, True, 100),
    ]
)
DECAY_ACTS = _acts(
    [
        ("A1", "2024-02-01", "D1", None),
        ("A2", "2024-04-01", "D1", None),
        ("A3", "2024-06-01", "D1", None),
        ("A4", "2024-01-01", "D3", None),
        ("A5", "2024-03-30", None, "P3"),  # on D3's converted opportunity
        ("A6", "2024-05-15", "D6", None),
        ("A7", "2024-07-10", "D6", None),  # after as_of: ignored
    ]
)


def _synthetic(n=5000, slope=0.05, intercept=-3.0, seed=42):
    rng = np.random.default_rng(seed)
    score = rng.uniform(0, 100, n).round()
    won = rng.random(n) < 1 / (1 + np.exp(-(intercept + slope * score)))
    return pd.DataFrame(
        {
            "lead_id": [f"S{i}" for i in range(n)],
            "created_at": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "score": score,
            "source": np.where(rng.random(n) < 0.5, "web", "event"),
            "amount": np.where(won, rng.lognormal(9, 1, n), np.nan),
            "resolved": True,
            "won": pd.array(won, dtype="boolean"),
        }
    )


def _figures(out, *, current=60, capacity=0.5, n_boot=100):
    sweep = scoring.threshold_sweep(out, step=5)
    rec = scoring.recommend_threshold(sweep, capacity_per_month=capacity)
    return scoring.summary_figures(
        outcomes=out,
        auc=scoring.auc_with_ci(out, n_boot=n_boot),
        logit=scoring.logit_fit(out),
        correlations=scoring.correlations(out),
        comparison=scoring.threshold_comparison(
            out, thresholds={"current": current, "recommended": rec}, n_boot=n_boot
        ),
        capacity_per_month=capacity,
        segments=scoring.segment_auc(out, n_boot=n_boot),
    )


REQUIRED_KEYS = {
    "n_resolved",
    "n_unresolved",
    "base_win_rate",
    "auc",
    "auc_ci",
    "logit_slope",
    "logit_slope_ci",
    "odds_ratio_per_10_points",
    "spearman_score_amount",
    "current_threshold",
    "recommended_threshold",
}


@pytest.fixture(scope="module")
def outcomes():
    """:func:`scoring.lead_outcomes` of the tiny tables (unpacks as ``out, exclusions``)."""
    return scoring.lead_outcomes(LEADS, OPPS, as_of=AS_OF)


@pytest.fixture
def tiny():
    """The tiny ``leads`` and ``opportunities`` tables and their ``as_of``."""
    return SimpleNamespace(leads=LEADS.copy(), opps=OPPS.copy(), as_of=AS_OF)


@pytest.fixture
def decay_data():
    """Leads, opportunities and activities of the decay what-if, with ``as_of``."""
    return SimpleNamespace(
        leads=DECAY_LEADS.copy(), opps=DECAY_OPPS.copy(), acts=DECAY_ACTS.copy(), as_of=AS_OF
    )


@pytest.fixture
def synthetic():
    """A factory of resolved leads with a planted logistic score effect."""
    return _synthetic


@pytest.fixture
def figures_of():
    """A factory: :func:`scoring.summary_figures` of an outcomes frame (no decay)."""
    return _figures


@pytest.fixture
def required_keys():
    """Keys summary.json must hold."""
    return set(REQUIRED_KEYS)


@pytest.fixture(scope="session")
def sample_res():
    """``scoring.run`` on the bundled sample with default parameters (run once)."""
    import workbook

    return scoring.run(workbook.load())

"""Fixtures of the scoring tests: a hand-built CRM of 25 leads with its expected outcomes, and synthetic CRMs.

``tiny`` has every horizon boundary on purpose (as_of 2024-06-30, horizon 180
days, so a lead is matured when created on or before 2024-01-02); the
comments beside the rows derive the expected numbers by hand. ``synthetic_crm``
builds a CrmData with a planted score effect and a chosen inflow, for the
planted-signal and no-signal tests. ``sample_res`` is one ``scoring.run`` on
the bundled sample, shared by the pipeline and results tests.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring
from workbook.data.model import CrmData

AS_OF = pd.Timestamp("2024-06-30")
NaT = pd.NaT


def _leads(rows):
    cols = ["lead_id", "created_at", "score", "status", "source", "converted_opportunity_id",
            "converted_at"]  # fmt: skip
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


# as_of 2024-06-30 - 180 days = 2024-01-02: L20 (created that day) is matured,
# L21 (a day later) is not. L02 closes won on its created day + 180 (won),
# L03 a day after it (not won, but won by as_of).
OPPS = _opps(
    [
        ("O01", "2023-07-20", "2023-08-20", True, True, 1000),
        ("O02", "2023-08-01", "2024-01-16", True, True, 5000),  # L02 created 07-20: +180 = 01-16
        ("O03", "2023-08-01", "2024-01-22", True, True, 800),  # L03 created 07-25: +181 = 01-22
        ("O04", "2023-08-10", "2023-10-01", True, False, 700),  # lost
        ("O05", "2023-08-20", "2023-10-01", True, True, 900),
        ("O07", "2023-09-01", "2024-09-01", False, False, 600),  # still open
        ("O09", "2023-09-15", "2023-11-01", True, True, 2000),
        ("O10", "2023-09-20", "2023-12-01", True, True, 3000),
        ("O12", "2023-10-01", "2023-12-01", True, False, 400),  # lost
        ("O14", "2023-10-20", "2023-12-20", True, True, 1500),
        ("O18", "2023-11-20", NaT, True, True, 100),  # closed won without a close date
        ("O21", "2024-01-10", "2024-02-01", True, True, 1200),  # L21: not matured
        ("O25", "2024-01-05", "2024-06-30", True, True, 1100),  # L25: +180 = 06-12, closes 06-30
    ]
)
LEADS = _leads(
    [
        ("L01", "2023-07-10", 95, "Converted", "web", "O01", "2023-07-20"),  # won
        (
            "L02",
            "2023-07-20",
            90,
            "Converted",
            "web",
            "O02",
            "2023-08-01",
        ),  # won on the horizon day
        ("L03", "2023-07-25", 90, "Converted", "event", "O03", "2023-08-01"),  # a day late: not won
        ("L04", "2023-08-01", 85, "Converted", "event", "O04", "2023-08-10"),  # lost
        ("L05", "2023-08-05", 80, "Converted", "web", "O05", "2023-08-20"),  # won
        ("L06", "2023-08-10", 80, "Nurture", "web", None, NaT),
        ("L07", "2023-08-15", 75, "Converted", "event", "O07", "2023-09-01"),  # open
        ("L08", "2023-08-20", 70, "Working", "web", None, NaT),
        ("L09", "2023-09-01", 65, "Converted", "web", "O09", "2023-09-15"),  # won
        ("L10", "2023-09-05", 60, "Converted", "event", "O10", "2023-09-20"),  # won, tie at 60
        ("L11", "2023-09-10", 60, "Unqualified", "web", None, NaT),  # tie at 60
        ("L12", "2023-09-15", 60, "Converted", "web", "O12", "2023-10-01"),  # lost, tie at 60
        ("L13", "2023-10-01", 55, "Nurture", "web", None, NaT),
        ("L14", "2023-10-05", 50, "Converted", "event", "O14", "2023-10-20"),  # won
        ("L15", "2023-10-10", 45, "Unqualified", "web", None, NaT),
        ("L16", "2023-10-15", 40, "Working", "event", None, NaT),
        ("L17", "2023-11-01", 35, "Open", "web", None, NaT),
        ("L18", "2023-11-10", 30, "Converted", "web", "O18", "2023-11-20"),  # no close date
        ("L19", "2023-12-01", 20, "Nurture", "event", None, NaT),
        ("L20", "2024-01-02", 70, "Working", "web", None, NaT),  # exactly 180 days: matured
        ("L21", "2024-01-03", 70, "Converted", "web", "O21", "2024-01-10"),  # 179 days: not
        ("L22", "2024-03-01", 85, "Open", "web", None, NaT),  # not matured
        ("L23", "2023-09-01", None, "Open", "web", None, NaT),  # blank score: excluded
        ("L24", "2024-07-05", 90, "Open", "web", None, NaT),  # after as_of: excluded
        ("L25", "2023-12-15", 10, "Converted", "event", "O25", "2024-01-05"),  # won after horizon
    ]
)
# Matured: L01-L20 and L25 = 21 leads. Won within 180 days: L01 L02 L05 L09 L10
# L14 = 6 (base rate 6/21). Won by as_of: those and L03, L25 = 8, so the
# horizon keeps 6/8 = 75% of the wins seen so far. Not matured: L21, L22.


def _synthetic(n=5000, slope=0.05, intercept=-3.0, seed=42):
    """Matured leads (outcomes frame) with a planted logistic score effect."""
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
            "matured": True,
            "won": pd.array(won, dtype="boolean"),
            "won_by_as_of": pd.array(won, dtype="boolean"),
        }
    )


def synthetic_crm(*, per_month=200, months=30, slope=0.05, intercept=-3.0, as_of="2026-06-30",
                  seed=1, activities=True):  # fmt: skip
    """A CrmData: ``per_month`` leads a month (Poisson) over ``months`` months up to ``as_of``.

    Scores are uniform whole numbers 0-100, so the true inflow at score >= t
    is ``per_month * (101 - t) / 101`` a month. A lead wins with probability
    ``expit(intercept + slope * score)``; winners convert 20 days after
    creation and close won 30 days later. Every lead has one activity on its
    created day.
    """
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(as_of)
    starts = pd.period_range(end=end.to_period("M"), periods=months, freq="M")
    counts = rng.poisson(per_month, len(starts))
    created = np.concatenate(
        [
            p.start_time + pd.to_timedelta(rng.integers(0, p.days_in_month, c), "D")
            for p, c in zip(starts, counts, strict=True)
        ]  # fmt: skip
    )
    created = pd.to_datetime(created)
    created = created[created <= end]
    n = len(created)
    score = rng.integers(0, 101, n).astype(float)
    won = rng.random(n) < 1 / (1 + np.exp(-(intercept + slope * score)))
    ids = pd.Series([f"L{i:06d}" for i in range(n)], dtype="string")
    conv = pd.Series(created + pd.Timedelta(days=20)).where(won)
    close = conv + pd.Timedelta(days=30)
    oid = pd.Series([f"O{i:06d}" for i in range(n)], dtype="string").where(won)
    leads = pd.DataFrame({"lead_id": ids, "created_at": created, "score": score,
                          "status": pd.Series(np.where(won, "Converted", "Working"), dtype="string"),
                          "source": pd.Series(np.where(rng.random(n) < 0.5, "Web", "Event"), dtype="string"),
                          "owner_id": pd.Series(["U01"] * n, dtype="string"),
                          "converted_opportunity_id": oid, "converted_at": conv,
                          "handed_off_at": pd.NaT})  # fmt: skip
    known = conv.notna() & (conv <= end)
    leads.loc[~known, ["converted_opportunity_id", "converted_at"]] = pd.NA
    o = won & known.to_numpy()
    closed = (close <= end).to_numpy()[o]
    opps = pd.DataFrame({"opportunity_id": oid[o].to_numpy(), "account_id": "A1",
                         "created_at": conv[o].to_numpy(), "close_date": close[o].to_numpy(),
                         "is_closed": pd.array(closed, dtype="boolean"),
                         "is_won": pd.array(closed, dtype="boolean"),
                         "amount": 1000.0 + 10 * score[o], "stage": "Closed Won", "probability": 100.0})  # fmt: skip
    opps["opportunity_id"] = opps["opportunity_id"].astype("string")
    tables = {"leads": leads, "opportunities": opps}
    if activities:
        tables["activities"] = pd.DataFrame({
            "activity_id": pd.Series([f"A{i:06d}" for i in range(n)], dtype="string"),
            "occurred_at": created, "type": "call", "lead_id": ids,
            "account_id": pd.Series([pd.NA] * n, dtype="string"),
            "opportunity_id": pd.Series([pd.NA] * n, dtype="string"),
            "owner_id": pd.Series(["U01"] * n, dtype="string")})  # fmt: skip
    return CrmData(tables=tables, source="synthetic", as_of=end)


def _figures(crm, **overrides):
    return scoring.run(crm, n_boot=50, backtest_months=[3, 6], **overrides).figures


REQUIRED_KEYS = {
    "horizon_days",
    "n_matured",
    "n_not_matured",
    "base_win_rate",
    "auc",
    "auc_ci",
    "logit_slope",
    "logit_slope_ci",
    "odds_ratio_per_10_points",
    "spearman_score_amount",
    "current_threshold",
    "recommended_threshold",
    "p_over_capacity_recommended",
    "track_record_months",
    "track_record_months_within",
    "oot_brier_skill",
}


@pytest.fixture(scope="module")
def outcomes():
    """:func:`scoring.lead_outcomes` of the tiny tables (unpacks as ``out, exclusions``)."""
    return scoring.lead_outcomes(LEADS, OPPS, as_of=AS_OF, horizon_days=180)


@pytest.fixture
def tiny():
    """The tiny ``leads`` and ``opportunities`` tables and their ``as_of``."""
    return SimpleNamespace(leads=LEADS.copy(), opps=OPPS.copy(), as_of=AS_OF, acts=_acts)


@pytest.fixture
def synthetic():
    """A factory of matured leads with a planted logistic score effect."""
    return _synthetic


@pytest.fixture(scope="session")
def crm_factory():
    """:func:`synthetic_crm`."""
    return synthetic_crm


@pytest.fixture(scope="session")
def planted_crm():
    """200 leads a month, a planted score effect: the true inflow at score >= 60 is 81 a month."""
    return synthetic_crm()


@pytest.fixture
def required_keys():
    """Keys summary.json must hold."""
    return set(REQUIRED_KEYS)


@pytest.fixture(scope="session")
def sample_res():
    """``scoring.run`` on the bundled sample with default parameters (run once)."""
    import workbook

    return scoring.run(workbook.load())

"""Tests for workbook.analyses.cohort.projection: chain ladder by hand, BF, backtest.

The planted-projection CRM draws leads whose later cohorts follow the same
development as the earlier ones, then backtests through ``co.run`` (which
projects from ``crm.as_known_at`` 12 months back).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import cohort as co
from workbook.data.coercion import empty_table
from workbook.data.model import CrmData

#: Cumulative counts of 4 cohorts of 100 leads at ages 0..3 (NaN: not complete).
TRIANGLE = pd.DataFrame(
    [[10, 15, 18, 20], [12, 18, 21, np.nan], [8, 12, np.nan, np.nan], [9, np.nan, np.nan, np.nan]],
    index=["2024-01", "2024-02", "2024-03", "2024-04"],
    columns=[0, 1, 2, 3],
)


def test_chain_ladder_factors_by_hand():
    f = co.development_factors(TRIANGLE)
    # f0 = (15 + 18 + 12) / (10 + 12 + 8) = 45 / 30; f1 = (18 + 21) / (15 + 18) = 39 / 33;
    # f2 = 20 / 18
    assert f.tolist() == pytest.approx([1.5, 39 / 33, 20 / 18])
    q = co.reporting_pattern(TRIANGLE)
    # q3 = 1; q2 = 18/20; q1 = q2 * 33/39; q0 = q1 * 30/45 (= 1 / cumulative factors)
    assert q.tolist() == pytest.approx([0.9 * 33 / 39 * 30 / 45, 0.9 * 33 / 39, 0.9, 1.0])
    assert q[0] == pytest.approx(1 / (1.5 * 39 / 33 * 20 / 18))


def _long(tri: pd.DataFrame, n: int = 100) -> pd.DataFrame:
    long = tri.stack(future_stack=True).rename("reached").reset_index()
    long.columns = ["cohort", "months_since", "reached"]
    long["complete"] = long["reached"].notna()
    long["reached"] = long["reached"].fillna(0)
    return long.assign(milestone="won", leads=n, rate=long["reached"] / n)


def test_bornhuetter_ferguson_by_hand():
    tri = co.triangle(_long(TRIANGLE), milestone="won", months=3)
    pd.testing.assert_frame_equal(tri.counts, TRIANGLE, check_names=False, check_dtype=False)
    bf = co.bornhuetter_ferguson(tri).set_index("cohort")
    # prior = the one mature cohort's month-3 rate 20/100; projected = C + (1 - q) prior n
    q = co.reporting_pattern(TRIANGLE)
    assert bf["prior_rate"].iloc[0] == pytest.approx(0.2)
    assert bf.loc["2024-02", "projected_rate"] == pytest.approx((21 + (1 - q[2]) * 20) / 100)
    assert bf.loc["2024-03", "projected_rate"] == pytest.approx((12 + (1 - q[1]) * 20) / 100)
    assert bf.loc["2024-04", "projected_rate"] == pytest.approx((9 + (1 - q[0]) * 20) / 100)
    # a young cohort with no event yet is projected at the prior, not at 0 (chain ladder)
    zero = TRIANGLE.copy()
    zero.loc["2024-04", 0] = 0
    bf0 = co.bornhuetter_ferguson(co.triangle(_long(zero), milestone="won", months=3))
    assert bf0.set_index("cohort").loc["2024-04", "projected_rate"] == pytest.approx(
        (1 - q[0]) * 0.2
    )
    p = co.projection(_long(TRIANGLE), months=3, milestones=["won"], draws=199)
    assert p["cohort"].tolist() == ["2024-02", "2024-03", "2024-04"]
    assert (p["pi_low"] <= p["projected_rate"]).all() and (
        p["projected_rate"] <= p["pi_high"]
    ).all()
    assert (p["pi_low"] >= p["rate_so_far"] - 1e-12).all()


def test_no_mature_cohort_no_projection_and_an_empty_track_record_with_a_reason():
    young = _long(TRIANGLE.iloc[1:])
    p = co.projection(young, months=3, milestones=["won"], draws=99)
    assert p.empty and list(p.columns) == co.PROJECTION_COLUMNS
    tr = co.projection_track_record(p, young, cut="2024-03-31", months=3)
    assert tr.table.empty and list(tr.table.columns) == co.TRACK_RECORD_COLUMNS
    assert "no projection could be made" in tr.reason
    assert np.isnan(tr.mae_points)


def _planted_crm(seed: int) -> CrmData:
    """36 monthly cohorts of 300 leads; the same development in every cohort.

    Each lead converts with probability 0.25 after 7 + exponential(60) days; a
    converted lead's deal closes 30 days later, won with probability 0.5.
    """
    rng = np.random.default_rng(seed)
    n = 36 * 300
    start = pd.Timestamp("2023-07-01")
    month = np.repeat(np.arange(36), 300)
    first = (start + pd.to_timedelta(month * 31, unit="D")).to_period("M").to_timestamp()
    created = first + pd.to_timedelta(rng.integers(0, 28, n), unit="D")
    converts = rng.random(n) < 0.25
    opp_at = created + pd.to_timedelta(7 + rng.exponential(60, n).round(), unit="D")
    won = rng.random(n) < 0.5
    ids = np.array([f"L{i:05d}" for i in range(n)])
    oids = np.array([f"O{i:05d}" for i in range(n)])
    leads = empty_table("leads").reindex(range(n))
    leads["lead_id"] = ids
    leads["created_at"] = created
    leads["status"] = np.where(converts, "Converted", "Open")
    leads["converted_opportunity_id"] = np.where(converts, oids, None)
    leads["converted_at"] = pd.Series(opp_at).where(converts)
    opps = empty_table("opportunities").reindex(range(int(converts.sum())))
    opps["opportunity_id"] = oids[converts]
    opps["created_at"] = opp_at[converts]
    opps["close_date"] = opp_at[converts] + pd.Timedelta(days=30)
    opps["is_closed"] = True
    opps["is_won"] = won[converts]
    as_of = pd.Timestamp("2026-06-30")
    keep = opps["created_at"] <= as_of
    opps = opps.loc[keep].reset_index(drop=True)
    leads.loc[
        ~leads["converted_opportunity_id"].isin(opps["opportunity_id"]),
        ["converted_opportunity_id", "converted_at"],
    ] = None
    late = opps["close_date"] > as_of
    opps.loc[late, ["is_closed", "is_won"]] = False
    tables = {"leads": leads, "activities": empty_table("activities"), "opportunities": opps}
    return CrmData(tables=tables, as_of=as_of)


def test_planted_projection_backtest_is_accurate_and_calibrated():
    rows = []
    for seed in (0, 1, 2):
        res = co.run(_planted_crm(seed), projection_draws=199)
        tr = res.projection_track_record
        assert len(tr) == 24  # 12 cohorts young at 2025-06-30, both milestones
        assert res.figures["projection_mae_points"] < 2
        rows.append(tr)
    tr = pd.concat(rows)
    assert tr["error_points"].abs().mean() < 2
    # 90% intervals: 72 checks, binomial sd about 3.5 points around the nominal 90%
    # (measured 88.9%); within about 3 sd on both sides
    assert 0.80 <= tr["covered"].mean() <= 0.99

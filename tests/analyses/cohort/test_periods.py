"""Tests for workbook.analyses.cohort.periods: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def test_period_vs_cohort_counts(crm):
    pv = co.period_vs_cohort(*crm, as_of=AS_OF, grain="month")
    t = pv[pv["milestone"] == "touched"].set_index(["period", "cohort"])
    assert t["count"].to_dict() == {
        ("2024-02", "2024-01"): 1,  # L1
        ("2024-02", "2024-02"): 1,  # L3
        ("2024-03", "2024-01"): 1,  # L6
    }
    assert t.loc[("2024-02", "2024-01"), "share_from_earlier_cohorts"] == 0.5
    assert t.loc[("2024-03", "2024-01"), "share_from_earlier_cohorts"] == 1.0
    assert t.loc[("2024-02", "2024-02"), "share"] == 0.5
    meet = pv[pv["milestone"] == "meeting"]
    assert list(zip(meet["period"], meet["cohort"], meet["count"], strict=True)) == [
        ("2024-02", "2024-01", 1),
        ("2024-03", "2024-02", 1),
    ]
    won = pv[pv["milestone"] == "won"]
    assert list(zip(won["period"], won["cohort"], won["count"], strict=True)) == [
        ("2024-03", "2024-01", 1)
    ]
    # every reached milestone is counted once: 3 touched + 2 meetings + 2 opps + 1 won
    assert pv["count"].sum() == 8


def test_period_vs_cohort_quarter(crm):
    pv = co.period_vs_cohort(*crm, as_of=AS_OF, grain="quarter")
    assert set(pv["period"]) == {"2024Q1"}
    assert set(pv["cohort"]) == {"2024Q1"}
    assert (pv["share_from_earlier_cohorts"] == 0).all()
    assert pv.set_index("milestone")["count"].to_dict() == {
        "touched": 3,
        "meeting": 2,
        "opportunity": 2,
        "won": 1,
    }


def test_age_band_edges():
    got = co.age_band([0, 1, 2, 3, 4, 6, 7, 12, 13, 40]).tolist()
    assert got == ["0", "1", "2-3", "2-3", "4-6", "4-6", "7-12", "7-12", "13+", "13+"]


def test_period_vs_cohort_age_band(crm):
    pv = co.period_vs_cohort(*crm, as_of=AS_OF)
    won = pv[pv["milestone"] == "won"].iloc[0]
    assert (won["periods_since"], won["age_band"]) == (2, "2-3")  # Jan cohort, won in Mar


def test_period_kpis_by_grain(crm):
    kpi = co.period_kpis(co.period_views(*crm, as_of=AS_OF))
    assert list(zip(kpi["grain"], kpi["period"], strict=True)) == [
        ("year", "2024"),
        ("quarter", "2024Q1"),
        ("month", "2024-02"),
        ("month", "2024-03"),
    ]
    assert list(kpi.columns) == [
        "grain",
        "period",
        "meeting",
        "meeting_from_earlier_share",
        "opportunity",
        "opportunity_from_earlier_share",
        "won",
        "won_from_earlier_share",
    ]
    k = kpi.set_index(["grain", "period"])
    # Feb: meeting L1 (Jan cohort), opportunity O1 (Jan cohort), no win
    assert k.loc[("month", "2024-02"), ["meeting", "opportunity", "won"]].tolist() == [1, 1, 0]
    assert k.loc[("month", "2024-02"), "meeting_from_earlier_share"] == 1.0
    assert np.isnan(k.loc[("month", "2024-02"), "won_from_earlier_share"])
    # Mar: meeting L3 (Feb cohort), opportunity O6 and win O1 (Jan cohort)
    assert k.loc[("month", "2024-03"), ["meeting", "opportunity", "won"]].tolist() == [1, 1, 1]
    # one quarter / one year: every lead is of the same period, nothing from earlier
    assert k.loc[("quarter", "2024Q1"), ["meeting", "opportunity", "won"]].tolist() == [2, 2, 1]
    assert k.loc[("year", "2024"), "opportunity_from_earlier_share"] == 0.0
    # each lead's milestone counts once whatever the grain
    assert kpi.groupby("grain")["meeting"].sum().to_dict() == {"month": 2, "quarter": 2, "year": 2}
    seg = co.period_kpis(co.period_views(*crm, as_of=AS_OF, segment_by="source"))
    assert list(seg.columns[:3]) == ["grain", "segment", "period"]
    # Mar meeting is L3 (event source); Feb meeting is L1 (web)
    s = seg.set_index(["grain", "segment", "period"])
    assert s.loc[("month", "event", "2024-03"), "meeting"] == 1
    assert s.loc[("month", "web", "2024-02"), "meeting"] == 1
    assert s.loc[("month", "web", "2024-03"), ["meeting", "opportunity", "won"]].tolist() == [
        0,
        1,
        1,
    ]
    touched = co.period_kpis(co.period_vs_cohort(*crm, as_of=AS_OF), milestones=("touched",))
    # Feb touches: L1 (Jan cohort) and L3 (Feb cohort) -> 2, half from earlier
    assert touched.set_index("period").loc[
        "2024-02", ["touched", "touched_from_earlier_share"]
    ].tolist() == [2, 0.5]


def test_period_views_stacks_grains(crm):
    pv = co.period_views(*crm, as_of=AS_OF)
    assert pv.groupby("grain")["count"].sum().to_dict() == {"month": 8, "quarter": 8, "year": 8}
    assert set(pv.loc[pv["grain"] == "year", "period"]) == {"2024"}


def test_period_kpis_rejects_a_wrong_type(crm):
    with pytest.raises(TypeError, match="period_views"):
        co.period_kpis(tuple(crm))


def test_segment_codes_in_text_order():
    import pandas as pd

    from workbook.analyses.cohort.periods import _segment_codes

    m = pd.DataFrame({"source": pd.array(["web", None, "ads", "web"], dtype="string")})
    codes, names = _segment_codes(m, "source")
    # labels of segment_values ("(blank)" for a blank), sorted as text
    assert names.tolist() == ["(blank)", "ads", "web"]
    assert codes.tolist() == [2, 0, 1, 2]
    assert _segment_codes(m, None) is None

"""Tests for workbook.analyses.cohort.follow_through: tiny hand-built tables, expected numbers by hand.

The shared six-lead fixture ``crm`` and its derivation are in conftest.py.
"""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def test_follow_through_contract_and_censoring(crm):
    ft = co.follow_through(*crm, as_of=AS_OF, grain="month")
    assert list(ft.columns[:8]) == co.FOLLOW_THROUGH_COLUMNS
    # observed cells only: Jan k=0..2, Feb k=0..1, Mar k=0; 4 milestones each
    assert len(ft) == (3 + 2 + 1) * 4
    ks = ft.groupby("cohort")["months_since"].max().to_dict()
    assert ks == {"2024-01": 2, "2024-02": 1, "2024-03": 0}
    # unobserved cell absent, never 0
    assert ft[(ft["cohort"] == "2024-02") & (ft["months_since"] == 2)].empty
    assert ft.groupby("cohort")["leads"].first().to_dict() == {
        "2024-01": 3,
        "2024-02": 1,
        "2024-03": 1,
    }


def test_follow_through_cumulative_reached(crm, cells):
    ft = co.follow_through(*crm, as_of=AS_OF, grain="month")
    assert cells(ft, "touched") == [0, 1, 2]  # L1 at k=1 (Jan 31 -> Feb 1), L6 at k=2
    assert cells(ft, "meeting") == [0, 1, 1]  # L1 via O1
    assert cells(ft, "opportunity") == [0, 1, 2]
    assert cells(ft, "won") == [0, 0, 1]
    assert cells(ft, "touched", "2024-02") == [1, 1]
    assert cells(ft, "meeting", "2024-02") == [0, 1]
    assert cells(ft, "touched", "2024-03") == [0]
    row = ft[(ft["cohort"] == "2024-01") & (ft["milestone"] == "touched")].iloc[2]
    assert row["rate"] == pytest.approx(2 / 3)
    assert row["period"] == "2024-03"


def test_month_boundary_jan31_to_feb1(make_leads, make_acts, make_opps, cells):
    leads = make_leads([("L1", "2024-01-31", "web", "U1", None, None)])
    acts = make_acts([("A1", "2024-02-01", "call", "L1", None)])
    opps = make_opps([])
    ft = co.follow_through(leads, acts, opps, as_of="2024-02-01")
    assert cells(ft, "touched") == [0, 1]
    assert ft["cohort"].unique().tolist() == ["2024-01"]


def test_wilson_bounds_match_statsmodels(crm):
    ft = co.follow_through(*crm, as_of=AS_OF)
    row = ft[(ft["cohort"] == "2024-01") & (ft["milestone"] == "touched")].iloc[1]
    lo, hi = proportion_confint(1, 3, alpha=0.05, method="wilson")
    assert (row["reached"], row["leads"]) == (1, 3)
    assert row["ci_low"] == pytest.approx(lo)
    assert row["ci_high"] == pytest.approx(hi)
    assert 0 < row["ci_low"] < 1 / 3 < row["ci_high"] < 1


def test_wilson_bounds_hand_computed(crm):
    # 1 of 3 (2024-01 touched at k=1). Wilson with z = 1.959964, z^2 = 3.841459:
    # denom = 1 + z^2/3 = 2.280486; centre = (1/3 + z^2/6) / denom = 0.426915;
    # half = z * sqrt((1/3)(2/3)/3 + z^2/36) / denom = 0.365424 -> 0.06149 .. 0.79234.
    ft = co.follow_through(*crm, as_of=AS_OF)
    row = ft[(ft["cohort"] == "2024-01") & (ft["milestone"] == "touched")].iloc[1]
    assert (row["reached"], row["leads"], row["rate"]) == (1, 3, pytest.approx(1 / 3))
    assert row["ci_low"] == pytest.approx(0.06149, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.79234, abs=1e-5)


def test_touched_counts_only_lead_activities(make_leads, make_acts, make_opps, cells):
    # E1's only activities are on its converted opportunity OE: a meeting Feb 3.
    # touched = activity whose lead_id is the lead -> none; meeting counts via OE.
    leads = make_leads([("E1", "2024-01-15", "web", "U1", None, "OE")])
    acts = make_acts([("A1", "2024-02-03", "meeting", None, "OE")])
    opps = make_opps([("OE", "2024-02-01", "2024-02-20", False)])
    ft = co.follow_through(leads, acts, opps, as_of="2024-02-29")
    assert cells(ft, "touched") == [0, 0]
    assert cells(ft, "meeting") == [0, 1]
    assert cells(ft, "opportunity") == [0, 1]
    assert cells(ft, "won") == [0, 0]  # closed lost


def test_small_n_flag(crm):
    ft = co.follow_through(*crm, as_of=AS_OF, min_cell_leads=2)
    flags = ft.groupby("cohort")["small_n"].first().to_dict()
    assert flags == {"2024-01": False, "2024-02": True, "2024-03": True}


def test_quarter_and_year_grains(make_leads, make_acts, make_opps, cells):
    # Dec 31 -> Jan 1 crosses a quarter and a year: periods_since 1 in both.
    leads = make_leads(
        [
            ("L1", "2023-12-31", "web", "U1", None, None),
            ("L2", "2024-02-10", "web", "U1", None, None),
        ]
    )
    acts = make_acts(
        [
            ("A1", "2024-01-01", "call", "L1", None),
            ("A2", "2024-04-02", "call", "L2", None),
        ]
    )
    opps = make_opps([])
    q = co.follow_through(leads, acts, opps, as_of="2024-05-01", grain="quarter")
    assert sorted(q["cohort"].unique()) == ["2023Q4", "2024Q1"]
    assert cells(q, "touched", "2023Q4") == [0, 1, 1]  # 2023Q4, 2024Q1, 2024Q2
    assert cells(q, "touched", "2024Q1") == [0, 1]  # Apr 2 is one quarter on
    assert q.loc[q["cohort"] == "2023Q4", "period"].unique().tolist() == [
        "2023Q4",
        "2024Q1",
        "2024Q2",
    ]
    y = co.follow_through(leads, acts, opps, as_of="2024-05-01", grain="year")
    assert sorted(y["cohort"].unique()) == ["2023", "2024"]
    assert cells(y, "touched", "2023") == [0, 1]
    assert cells(y, "touched", "2024") == [1]
    assert (y["grain"] == "year").all()
    with pytest.raises(ValueError):
        co.follow_through(leads, acts, opps, as_of="2024-05-01", grain="week")


def test_segment_by_source_with_blank(crm, cells):
    ft = co.follow_through(*crm, as_of=AS_OF, segment_by="source")
    sizes = ft.groupby(["segment", "cohort"])["leads"].first().to_dict()
    assert sizes == {("web", "2024-01"): 3, ("event", "2024-02"): 1, ("(blank)", "2024-03"): 1}
    web = ft[ft["segment"] == "web"]
    assert cells(web, "touched") == [0, 1, 2]
    with pytest.raises(KeyError):
        co.follow_through(*crm, as_of=AS_OF, segment_by="nope")


def test_equal_age(crm):
    ft = co.follow_through(*crm, as_of=AS_OF)
    ea = co.equal_age(ft, periods=1, milestone="opportunity")
    # 2024-03 is too young for k=1 and is absent, not 0; 2024-02's k=1 cell is
    # March, partial at as_of 2024-03-15, so it is left out too (counted apart)
    assert ea["cohort"].tolist() == ["2024-01"]
    assert ea["reached"].tolist() == [1]
    assert ea["rate"].tolist() == pytest.approx([1 / 3])
    partial = co.partial_equal_age(ft, periods=1, milestone="opportunity")
    assert partial["cohort"].tolist() == ["2024-02"]
    # without the flag (an old export) every observed cell counts
    old = co.equal_age(ft.drop(columns="complete"), periods=1, milestone="opportunity")
    assert old["cohort"].tolist() == ["2024-01", "2024-02"]
    with pytest.raises(ValueError):
        co.equal_age(ft, milestone="signed")

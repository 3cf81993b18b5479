"""Unit tests for workbook.analyses.engagement on tiny hand-built fixtures.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import engagement as eg
from workbook.analyses.engagement import hygiene as hy

AS_OF = pd.Timestamp("2024-03-31")


def _dates(values):
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")


def accounts_fx():
    return pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "name": ["Dogs <3 Inc", "Beta", "株式会社", "Delta, Ltd", "Echo"],
            "parent_id": [None] * 5,
            "owner_id": ["u1", "u1", "u2", "u2", "u2"],
            "industry": ["Tech", "Retail", "Tech", None, "Retail"],
        }
    )


def opportunities_fx():
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


def activities_fx():
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


def leads_fx():
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


def _tables():
    return accounts_fx(), activities_fx(), opportunities_fx(), leads_fx()


# ---------------------------------------------------------------- window
def _closed(cycles_and_close, *, extra_open=True):
    rows = []
    for i, (cycle, close) in enumerate(cycles_and_close):
        close = pd.Timestamp(close)
        rows.append((f"C{i}", close - pd.Timedelta(days=cycle), close, True))
    if extra_open:  # open deals never enter the mean
        rows.append(("OPEN", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"), False))
    frame = pd.DataFrame(rows, columns=["opportunity_id", "created_at", "close_date", "is_closed"])
    frame["is_closed"] = frame["is_closed"].astype("boolean")
    return frame


def test_default_window_mean_over_last_365_days():
    as_of = "2024-12-31"
    # cycles 10 and 20 -> mean 15 -> 15 / 4 = 3.75 -> 4.
    # The 1000-day deal closed on 2024-01-01 = as_of - 365 days: outside.
    opps = _closed([(10, "2024-12-31"), (20, "2024-06-01"), (1000, "2024-01-01")])
    assert eg.default_window_days(opps, as_of=as_of) == 4


def test_default_window_deal_closed_on_day_after_lookback_start_counts():
    # 2024-01-02 is as_of - 364 days: inside; cycles 10 and 30 -> mean 20 -> 5.
    opps = _closed([(10, "2024-12-31"), (30, "2024-01-02")])
    assert eg.default_window_days(opps, as_of="2024-12-31") == 5


def test_default_window_rounds_half_up():
    # cycles 20 and 32 -> mean 26 -> 26 / 4 = 6.5 -> 7 (half-up; Python round gives 6).
    opps = _closed([(20, "2024-12-01"), (32, "2024-11-01")])
    assert round(6.5) == 6
    assert eg.default_window_days(opps, as_of="2024-12-31") == 7
    # 30 / 4 = 7.5 -> 8.
    opps = _closed([(30, "2024-12-01")])
    assert eg.default_window_days(opps, as_of="2024-12-31") == 8


def test_default_window_raises_and_basis_falls_back_when_no_closed_deals():
    opps = _closed([(10, "2022-01-01")])
    with pytest.raises(ValueError, match="365 days"):
        eg.default_window_days(opps, as_of="2024-12-31")
    basis = eg.window_basis(opps, as_of="2024-12-31")
    assert basis["window_days"] == eg.FALLBACK_WINDOW_DAYS == 30
    assert basis["source"] == "fallback"
    assert basis["closed_deals"] == 0


def test_window_basis_parameter_overrides_and_counts_negative_cycles():
    opps = _closed([(10, "2024-12-01"), (-5, "2024-12-02"), (30, "2024-11-01")])
    basis = eg.window_basis(opps, as_of="2024-12-31")
    # negative cycle left out: mean(10, 30) = 20 -> 5
    assert basis == {
        "window_days": 5,
        "source": "formula",
        "closed_deals": 2,
        "mean_cycle_days": 20.0,
        "negative_cycles_excluded": 1,
    }
    assert eg.window_basis(opps, as_of="2024-12-31", window_days=9)["window_days"] == 9
    assert eg.window_basis(opps, as_of="2024-12-31", window_days=9)["source"] == "parameter"


def test_default_window_is_at_least_one_day():
    opps = _closed([(1, "2024-12-01")])  # 1 / 4 = 0.25 -> 0 -> clamped to 1
    assert eg.default_window_days(opps, as_of="2024-12-31") == 1


# ---------------------------------------------------------------- counts
def test_recent_records_counts_and_links():
    acc, act, opp, lead = _tables()
    got = eg.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    # A1: X1 (both links, once) + X5 (via O1) = 2 activities; O1 created 03-25; L1 03-23 -> 4
    # A2: X2 via O2 = 1; O2 created Jan (out); L2 on 03-21 = as_of - 10 (out) -> 1
    # A3: X3 on 03-21 out, X4 on 03-22 in; O3 created 03-21 out -> 1
    # A4: X5 direct -> 1
    # A5: X7 on 03-15 out -> 0
    assert got["account_id"].tolist() == ["A1", "A2", "A3", "A4", "A5"]
    assert got["recent_activities"].tolist() == [2, 1, 1, 1, 0]
    assert got["recent_opportunities"].tolist() == [1, 0, 0, 0, 0]
    assert got["recent_leads"].tolist() == [1, 0, 0, 0, 0]
    assert got["recent_records"].tolist() == [4, 1, 1, 1, 0]


def test_window_boundary_is_exclusive_below_inclusive_at_as_of():
    acc = pd.DataFrame({"account_id": ["A"], "name": ["a"]})
    act = pd.DataFrame(
        {
            "activity_id": ["edge", "last", "late_edge"],
            # as_of - 7 days at midnight: outside; as_of 23:00: inside;
            # as_of - 7 days at 15:00 is still that (outside) day.
            "occurred_at": _dates(["2024-03-24", "2024-03-31 23:00", "2024-03-24 15:00"]),
            "account_id": ["A", "A", "A"],
            "opportunity_id": [None, None, None],
        }
    )
    opp = opportunities_fx().iloc[0:0]
    lead = leads_fx().iloc[0:0]
    got = eg.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=7)
    assert got["recent_records"].tolist() == [1]
    assert eg.in_window(act["occurred_at"], as_of=AS_OF, window_days=7).tolist() == [
        False,
        True,
        False,
    ]


def test_recent_records_rejects_non_positive_window():
    acc, act, opp, lead = _tables()
    with pytest.raises(ValueError, match="positive"):
        eg.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=0)


def test_unmatched_records_counted():
    acc, act, opp, lead = _tables()
    act = pd.concat(
        [
            act,
            pd.DataFrame(
                {
                    "activity_id": ["Z1"],
                    "occurred_at": _dates(["2024-03-30"]),
                    "account_id": ["GHOST"],
                    "opportunity_id": [None],
                }
            ),
        ],
        ignore_index=True,
    )
    lead = pd.concat(
        [
            lead,
            pd.DataFrame(
                {
                    "lead_id": ["L9"],
                    "created_at": _dates(["2024-03-30"]),
                    "converted_account_id": ["GHOST"],
                }
            ),
        ],
        ignore_index=True,
    )
    got = eg.unmatched_records(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert dict(zip(got["table"], got["records"], strict=True)) == {
        "activities": 1,
        "opportunities": 0,
        "leads": 1,
    }


# ---------------------------------------------------------------- levels
def test_high_threshold_is_ceil_of_linear_p75_of_positive_counts():
    # positive [1, 1, 1, 4]: position 0.75 * 3 = 2.25 -> 1 + 0.25 * 3 = 1.75 -> 2
    assert eg.high_threshold([4, 1, 1, 1, 0]) == 2
    # positive [1, 2, 3, 4]: 2.25 -> 3 + 0.25 = 3.25 -> 4
    assert eg.high_threshold([0, 1, 2, 3, 4]) == 4
    # an exact integer percentile is not bumped: [2, 2, 2, 2] -> 2
    assert eg.high_threshold([2, 2, 2, 2]) == 2
    assert eg.high_threshold([0, 0]) is None


def test_engagement_levels_default_threshold():
    acc, act, opp, lead = _tables()
    got = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert got.columns.tolist() == eg.LEVEL_COLUMNS
    assert got.columns[:7].tolist() == eg.ACCOUNT_EXPORT_COLUMNS
    # counts [4, 1, 1, 1, 0], threshold 2
    assert got.attrs["high_min_records"] == 2
    assert got["level"].astype(str).tolist() == ["high", "medium", "medium", "medium", "dormant"]
    assert got["window_days"].tolist() == [10] * 5
    # open pipeline: O1 100 for A1, O2 500 for A2, O4 300 for A5; O3 is closed
    assert got["open_pipeline"].tolist() == [100.0, 500.0, 0.0, 0.0, 300.0]
    assert got["name"].tolist()[0] == "Dogs <3 Inc"


def test_open_pipeline_ignores_deals_created_after_as_of():
    acc, act, opp, lead = _tables()
    # O9 is open but created on 2024-04-02, after as_of (2024-03-31): at as_of it did not
    # exist, so A3's open pipeline stays 0 (only its closed O3), as in opportunity
    # effectiveness, which also lists only deals created on or before as_of.
    late = (
        opportunities_fx()
        .iloc[[0]]
        .assign(
            opportunity_id="O9",
            account_id="A3",
            created_at=pd.Timestamp("2024-04-02"),
            amount=700.0,
        )
    )
    opp = pd.concat([opp, late], ignore_index=True)
    got = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert got["open_pipeline"].tolist() == [100.0, 500.0, 0.0, 0.0, 300.0]
    assert got["open_opportunities"].tolist() == [1, 1, 0, 0, 1]
    # created on the as_of day itself: it counts
    opp.loc[opp["opportunity_id"] == "O9", "created_at"] = pd.Timestamp("2024-03-31 16:00")
    got = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    assert got["open_pipeline"].tolist() == [100.0, 500.0, 700.0, 0.0, 300.0]


def test_engagement_levels_explicit_threshold():
    acc, act, opp, lead = _tables()
    got = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10, high_min_records=1)
    assert got["level"].astype(str).tolist() == ["high", "high", "high", "high", "dormant"]
    got = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10, high_min_records=5)
    assert got["level"].astype(str).tolist() == ["medium"] * 4 + ["dormant"]


def test_levels_by_owner_and_industry():
    acc, act, opp, lead = _tables()
    levels = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    by_owner = eg.levels_by(levels, by="owner_id")
    # u2: A3 medium, A4 medium, A5 dormant; u1: A1 high, A2 medium
    assert by_owner["owner_id"].tolist() == ["u2", "u1"]
    assert by_owner[["dormant", "medium", "high", "accounts"]].to_numpy().tolist() == [
        [1, 2, 0, 3],
        [0, 1, 1, 2],
    ]
    assert by_owner["dormant_share"].tolist() == pytest.approx([1 / 3, 0.0])
    assert by_owner["open_pipeline"].tolist() == [300.0, 600.0]
    by_ind = eg.levels_by(levels, by="industry")
    # Retail: A2 medium, A5 dormant; Tech: A1 high, A3 medium; (none): A4 medium
    assert by_ind["industry"].tolist() == ["Retail", "Tech", "(none)"]
    assert by_ind["accounts"].tolist() == [2, 2, 1]
    counts = eg.level_counts(levels)
    assert counts["level"].astype(str).tolist() == ["dormant", "medium", "high"]
    assert counts["accounts"].tolist() == [1, 3, 1]


def test_window_sensitivity():
    acc, act, opp, lead = _tables()
    got = eg.window_sensitivity(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    # 0.5x = 5 days (from 03-27): A3 (X4 on 03-22) and A5 dormant -> 2
    # 1x = 10 days: A5 -> 1; 2x = 20 days (from 03-12): X7 on 03-15 wakes A5 -> 0
    assert got["window_days"].tolist() == [5, 10, 20]
    assert got["dormant"].tolist() == [2, 1, 0]
    assert got["dormant_share"].tolist() == pytest.approx([0.4, 0.2, 0.0])
    # 0.5 x 7 = 3.5 -> 4 (half-up)
    assert eg.window_sensitivity(acc, act, opp, lead, as_of=AS_OF, window_days=7)[
        "window_days"
    ].tolist() == [4, 7, 14]


def test_at_risk_dormant_with_open_pipeline_sorted_by_amount():
    acc, act, opp, lead = _tables()
    # a second dormant account with a larger open deal
    acc = pd.concat(
        [acc, pd.DataFrame({"account_id": ["A6"], "name": ["Foxtrot"], "owner_id": ["u1"]})],
        ignore_index=True,
    )
    opp = pd.concat(
        [
            opp,
            opportunities_fx().iloc[[3]].assign(opportunity_id="O6", account_id="A6", amount=900.0),
        ],
        ignore_index=True,
    )
    levels = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    got = eg.at_risk(levels)
    assert got["account_id"].tolist() == ["A6", "A5"]
    assert got["open_pipeline"].tolist() == [900.0, 300.0]
    assert eg.at_risk(levels, top_n=1)["account_id"].tolist() == ["A6"]


# ---------------------------------------------------------------- effectiveness
def effectiveness_fx():
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


def test_won_activity_rates():
    opps, acts = effectiveness_fx()
    rates = eg.won_activity_rates(opps, acts, as_of=AS_OF)
    # W1: 3 activities / 30 days * 30 = 3; W2: 1 / 15 * 30 = 2; W3: 6 / 30 * 30 = 6
    assert rates.to_dict() == pytest.approx({"W1": 3.0, "W2": 2.0, "W3": 6.0})


def test_opportunity_effectiveness_flags():
    opps, acts = effectiveness_fx()
    got = eg.opportunity_effectiveness(opps, acts, as_of=AS_OF, stale_days=14)
    assert got.columns.tolist() == eg.EFFECTIVENESS_COLUMNS
    assert got["opportunity_id"].tolist() == ["P1", "P2", "P3"]
    # ages: P1 03-01 -> 30; P2 03-21 -> 10; P3 02-01 -> 59
    assert got["age_days"].tolist() == [30, 10, 59]
    assert got["activities"].tolist() == [2, 0, 6]
    assert got["meetings"].tolist() == [0, 0, 1]
    # P1's last touch 03-17 = as_of - 14: outside the stale window -> stale.
    # P2 has no activity but is 10 days old (< 14): not stale yet.
    # P3's meeting on 03-18 is the first day inside.
    assert got["stale"].tolist() == [True, False, False]
    assert got["days_since_activity"].tolist()[0] == 14.0
    assert np.isnan(got["days_since_activity"].tolist()[1])
    # rates: P1 2/30*30 = 2; P2 0; P3 6/59*30 = 3.05; median of won (3, 2, 6) = 3
    assert got["activity_rate_30d"].tolist() == pytest.approx([2.0, 0.0, 180 / 59])
    assert got["benchmark_rate_30d"].tolist() == [3.0] * 3
    assert got["below_benchmark"].tolist() == [True, True, False]
    # P2 close 03-30 < as_of: passed by 1 day; P3 closes on as_of: not passed
    assert got["close_date_passed"].tolist() == [False, True, False]
    assert got["days_overdue"].tolist() == [0, 1, 0]


def test_effectiveness_by_owner_and_stage():
    opps, acts = effectiveness_fx()
    eff = eg.opportunity_effectiveness(opps, acts, as_of=AS_OF, stale_days=14)
    by_owner = eg.effectiveness_by(eff, by="owner_id")
    # u2: P2 and P3; u1: P1
    assert by_owner["owner_id"].tolist() == ["u2", "u1"]
    assert by_owner["open_opportunities"].tolist() == [2, 1]
    assert by_owner["stale"].tolist() == [0, 1]
    assert by_owner["below_benchmark"].tolist() == [1, 1]
    assert by_owner["close_date_passed"].tolist() == [1, 0]
    assert by_owner["open_amount"].tolist() == [500.0, 1000.0]
    by_stage = eg.effectiveness_by(eff, by="stage")
    assert by_stage["stage"].tolist() == ["Proposal", "Discovery"]
    assert by_stage["stale_share"].tolist() == [0.5, 0.0]


# ---------------------------------------------------------------- summary
def _summary(acc, act, opp, lead):
    basis = eg.window_basis(opp, as_of=AS_OF, window_days=10)
    levels = eg.engagement_levels(acc, act, opp, lead, as_of=AS_OF, window_days=10)
    risk = eg.at_risk(levels)
    eff = eg.opportunity_effectiveness(opp, act, as_of=AS_OF, stale_days=14)
    model = hy.fit_win_model(opp, act, as_of=AS_OF, min_closed=50)
    var = hy.probability_variance(eff, model, threshold=30)
    recs = hy.recommendations(eff, var)
    stale = hy.stale_leads(lead, act, opp, as_of=AS_OF, stale_days=14)
    nw = hy.handoff_not_worked(lead, act, opp, as_of=AS_OF)
    figures = eg.summary_figures(
        basis=basis,
        levels=levels,
        at_risk_accounts=risk,
        effectiveness=eff,
        stale_leads=stale,
        not_worked=nw,
        handed_off=hy.handed_off_count(lead, as_of=AS_OF),
        recommendations=recs,
        model=model,
        archive=hy.archive_candidates(lead, act, opp, as_of=AS_OF),
        unowned=hy.unowned_open_leads(lead, as_of=AS_OF),
    )
    sentences = eg.summary_sentences(
        figures, at_risk_accounts=risk, stale_days=14, probability_variance_threshold=30
    )
    return figures, sentences


def test_summary_figures_and_sentences():
    figures, sentences = _summary(*_tables())
    assert figures["window_days"] == 10
    assert figures["window_source"] == "parameter"
    assert figures["high_min_records"] == 2
    assert (
        figures["accounts"],
        figures["dormant_accounts"],
        figures["medium_accounts"],
        figures["high_accounts"],
    ) == (5, 1, 3, 1)
    assert figures["dormant_share"] == pytest.approx(0.2)
    # A5 (Echo) is dormant with O4 open for 300
    assert (figures["at_risk_accounts"], figures["at_risk_pipeline"]) == (1, 300.0)
    # open: O1 (created 03-25, 6 days: not stale), O2 (X2 on 03-30), O4 (no activity, stale)
    assert figures["open_opportunities"] == 3
    assert figures["stale_opportunities"] == 1
    assert figures["overdue_opportunities"] == 0
    # L3 open since 03-01, handed off 03-02, never touched
    assert (figures["open_leads"], figures["stale_leads"]) == (1, 1)
    assert (figures["handed_off_leads"], figures["handed_off_not_worked"]) == (1, 1)
    assert figures["unowned_open_leads"] == 1
    # one closed deal only: the model refuses and flags nothing
    assert figures["win_model_status"] == "refused"
    assert figures["probability_variance_flags"] == 0
    assert 4 <= len(sentences) <= 5
    assert sentences[0].startswith("1 of 5 accounts (20%) are dormant")
    assert sentences[1].startswith("Echo is the dormant account with the most open pipeline ($300)")
    assert "flags nothing: only 1 closed deals" in sentences[-1]


def test_summary_sentences_change_with_the_data():
    acc, act, opp, lead = _tables()
    _, before = _summary(acc, act, opp, lead)
    # a call on Echo (A5) inside the window wakes it up
    extra = act.iloc[[6]].assign(activity_id="X8", occurred_at=pd.Timestamp("2024-03-30"))
    figures, after = _summary(acc, pd.concat([act, extra], ignore_index=True), opp, lead)
    assert figures["dormant_accounts"] == 0
    assert after[0].startswith("0 of 5 accounts (0%) are dormant")
    assert after[1] == "No dormant account has open pipeline."
    assert before[:2] != after[:2]


def test_window_note():
    opps = _closed([(10, "2024-12-01"), (-5, "2024-12-02"), (30, "2024-11-01")])
    note = eg.window_note(eg.window_basis(opps, as_of="2024-12-31"))
    assert note.startswith("Window: 5 days = round half-up of a quarter of the 20.0-day mean")
    assert "2 deals closed" in note and "1 closed deal(s) with a close date before" in note
    opps = _closed([(10, "2024-12-01")])
    assert eg.window_note(eg.window_basis(opps, as_of="2024-12-31", window_days=9)) == (
        "Window: 9 days, set by the window_days parameter."
    )


# ---------------------------------------------------------------- end to end
def _check_sample_exports(out):
    """Exports of a CLI run on the bundled sample agree with the analysis functions."""
    import json

    import workbook

    folder = out / "engagement"
    accounts = pd.read_csv(
        folder / "accounts.csv",
        dtype={"account_id": "str", "owner_id": "str"},
        keep_default_na=False,
        na_values=[""],
    )
    assert accounts.columns.tolist() == eg.ACCOUNT_EXPORT_COLUMNS
    recs = pd.read_csv(folder / "recommendations.csv", dtype="str")
    assert recs.columns.tolist() == hy.RECOMMENDATION_COLUMNS

    crm = workbook.load(
        None, tables=["accounts", "leads", "opportunities", "activities", "contacts"]
    )
    basis = eg.window_basis(crm.opportunities, as_of=crm.as_of)
    levels = eg.engagement_levels(
        crm.accounts,
        crm.activities,
        crm.opportunities,
        crm.leads,
        as_of=crm.as_of,
        window_days=basis["window_days"],
    )
    assert len(accounts) == len(crm.accounts)  # every account
    assert accounts["account_id"].tolist() == levels["account_id"].tolist()
    assert accounts["level"].tolist() == levels["level"].astype(str).tolist()
    assert accounts["recent_records"].tolist() == levels["recent_records"].tolist()
    assert (accounts["window_days"] == basis["window_days"]).all()
    assert accounts["open_pipeline"].to_numpy() == pytest.approx(levels["open_pipeline"])

    eff = eg.opportunity_effectiveness(crm.opportunities, crm.activities, as_of=crm.as_of)
    model = hy.fit_win_model(crm.opportunities, crm.activities, as_of=crm.as_of)
    var = hy.probability_variance(eff, model, threshold=30)
    expected = hy.recommendations(eff, var, contacts=crm.get("contacts"))
    assert len(recs) == len(expected)
    assert sorted(zip(recs["opportunity_id"], recs["rule"], strict=True)) == sorted(
        zip(expected["opportunity_id"], expected["rule"], strict=True)
    )
    # every recommendation is for an open opportunity
    assert set(recs["opportunity_id"]) <= set(eff["opportunity_id"])

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["dormant_accounts"] == int((levels["level"] == "dormant").sum())
    assert summary["window_days"] == basis["window_days"]
    assert 3 <= len(summary["sentences"]) <= 5

    # story: the planted dormant account is dormant and tops the at-risk list
    sleepy = accounts.loc[accounts["name"] == "Sleepy Hollow Outfitters"].iloc[0]
    assert sleepy["level"] == "dormant" and sleepy["open_pipeline"] > 0
    risk = pd.read_csv(folder / "at_risk.csv", dtype="str")
    assert risk["name"].iloc[0] == "Sleepy Hollow Outfitters"
    sleepy_rules = set(recs.loc[recs["account_id"] == sleepy["account_id"], "rule"])
    assert "no_recent_activity" in sleepy_rules
    # the data-bearing names survive the CSV round trip
    assert "We <3 Dogs" in set(accounts["name"])
    # exports are written without leaking their return value (a Path repr) into the report
    for stem in ("opportunity_effectiveness", "stale_leads", "probability_variance"):
        assert (folder / f"{stem}.csv").is_file(), stem
    html = (out / "engagement.html").read_text(encoding="utf-8")
    assert "PosixPath(" not in html and "WindowsPath(" not in html


@pytest.mark.e2e
def test_sample_run_exports(sample_run):
    _check_sample_exports(sample_run)


def test_open_means_open_at_as_of():
    # Run with an as_of before the export: a deal closed after as_of was still open at
    # as_of, so it is listed (and counted in open pipeline). Its recorded probability is
    # the post-close 100, not the rep's forecast at as_of, so it is blanked (never
    # flagged). A deal marked closed with no close date cannot be placed in time; it is
    # taken as closed.
    opps, acts = effectiveness_fx()
    extra = opps.iloc[[3, 3]].assign(
        opportunity_id=["LATE", "NODATE"],
        stage=["Closed Won", "Closed Lost"],
        is_closed=pd.array([True, True], dtype="boolean"),
        is_won=pd.array([True, False], dtype="boolean"),
        close_date=[pd.Timestamp("2024-04-10"), pd.NaT],
        amount=[400.0, 70.0],
        probability=[100.0, 0.0],
    )
    opps = pd.concat([opps, extra], ignore_index=True)
    got = eg.opportunity_effectiveness(opps, acts, as_of=AS_OF, stale_days=14)
    assert got["opportunity_id"].tolist() == ["LATE", "P1", "P2", "P3"]
    late = got.iloc[0]
    # created 03-01 like P1, no activity: 30 days old, stale, close date 04-10 not passed
    assert (late["age_days"], bool(late["stale"]), bool(late["close_date_passed"])) == (
        30,
        True,
        False,
    )
    assert np.isnan(late["probability"])
    assert got["probability"].tolist()[1:] == [90.0, 10.0, 50.0]
    acc = pd.DataFrame({"account_id": ["A1"], "name": ["a"], "owner_id": ["u1"]})
    pipe = eg.open_pipeline(acc, opps, as_of=AS_OF)
    # P1 1000 + P2 200 + P3 300 + LATE 400; NODATE and the closed W1-W3, LOST are out
    assert (pipe["open_pipeline"].tolist(), pipe["open_opportunities"].tolist()) == (
        [1900.0],
        [4],
    )

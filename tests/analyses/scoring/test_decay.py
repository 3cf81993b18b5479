"""Tests for workbook.analyses.scoring.decay: the day-L landmark comparison of quiet and active leads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring
from workbook.core.stats import wilson_interval
from workbook.data.model import CrmData

from .conftest import _acts, _leads, _opps

AS_OF = pd.Timestamp("2024-06-30")


def _landmark_crm():
    """20 matured leads not converted by day 90: 10 quiet, 10 active, 2 of each won (no effect).

    Created 2023-07-01 (+ i days). A winner converts on day 100 and closes won
    on day 150 (within 180). Active leads have one activity; Q-leads get none
    in days 0-90 (Q01 one on day 91, outside the window); A01's activity is on
    day 90 exactly (inside). X1 converts on day 90 and X2's opportunity is
    created on day 60 with no converted_at: both leave the population.
    """
    lead_rows, opp_rows, act_rows = [], [], []
    for group in ("Q", "A"):
        for i in range(10):
            lid = f"{group}{i + 1:02d}"
            created = pd.Timestamp("2023-07-01") + pd.Timedelta(days=i)
            won = i < 2
            oid = f"O{lid}" if won else None
            conv = created + pd.Timedelta(days=100) if won else pd.NaT
            lead_rows.append((lid, created, 50 + i, "Open", "web", oid, conv))
            if won:
                opp_rows.append((oid, conv, created + pd.Timedelta(days=150), True, True, 100))
            day = 90 if (group == "A" and i == 0) else 10
            if group == "A":
                act_rows.append((f"act{lid}", created + pd.Timedelta(days=day), lid, None))
    act_rows.append(("actQ01", pd.Timestamp("2023-07-01") + pd.Timedelta(days=91), "Q01", None))
    c = pd.Timestamp("2023-08-01")
    lead_rows.append(("X1", c, 70, "Converted", "web", "OX1", c + pd.Timedelta(days=90)))
    opp_rows.append(("OX1", c + pd.Timedelta(days=90), c + pd.Timedelta(days=120), True, True, 1))
    lead_rows.append(("X2", c, 70, "Converted", "web", "OX2", pd.NaT))
    opp_rows.append(("OX2", c + pd.Timedelta(days=60), c + pd.Timedelta(days=100), True, False, 1))
    return CrmData(
        tables={
            "leads": _leads(lead_rows),
            "opportunities": _opps(opp_rows),
            "activities": _acts(act_rows),
        },  # fmt: skip
        source="landmark fixture",
        as_of=AS_OF,
    )


def test_landmark_population_and_quiet_by_hand(any_engine):
    crm = _landmark_crm()
    out = scoring.lead_outcomes(crm.leads, crm.opportunities, as_of=AS_OF).outcomes
    pop = scoring.landmark_leads(out, crm.leads, crm.activities, crm.opportunities,
                                 decay_after_days=90, engine=any_engine)  # fmt: skip
    assert sorted(pop["lead_id"]) == sorted([f"Q{i:02d}" for i in range(1, 11)]
                                            + [f"A{i:02d}" for i in range(1, 11)])  # fmt: skip
    quiet = pop.set_index("lead_id")["quiet"]
    assert bool(quiet["Q01"])  # its only activity is on day 91
    assert not bool(quiet["A01"])  # activity on day 90 exactly counts
    assert pop.set_index("lead_id")["n_activities"].to_dict() == {
        **{f"Q{i:02d}": 0 for i in range(1, 11)},
        **{f"A{i:02d}": 1 for i in range(1, 11)},
    }


def test_landmark_links_through_the_converted_opportunity_once(any_engine):
    # Q02 (a winner, converted to OQ02) gets an activity on OQ02 only, on day 20: linked
    # through its opportunity, it is active. A02 (converted to OA02) gets one on both its
    # lead id and OA02 on day 20: one activity, counted once (A02 then has 2).
    crm = _landmark_crm()
    start = pd.Timestamp("2023-07-01")
    extra = _acts(
        [
            ("viaQ02", start + pd.Timedelta(days=1 + 20), None, "OQ02"),
            ("bothA02", start + pd.Timedelta(days=1 + 20), "A02", "OA02"),
        ]
    )
    acts = pd.concat([crm.activities, extra], ignore_index=True)
    out = scoring.lead_outcomes(crm.leads, crm.opportunities, as_of=AS_OF).outcomes
    pop = scoring.landmark_leads(
        out, crm.leads, acts, crm.opportunities, decay_after_days=90, engine=any_engine
    )
    n = pop.set_index("lead_id")["n_activities"]
    assert n["Q02"] == 1 and not bool(pop.set_index("lead_id").loc["Q02", "quiet"])
    assert n["A02"] == 2
    assert n["Q03"] == 0


def test_no_effect_fixture_claims_no_effect():
    crm = _landmark_crm()
    res = scoring.run(crm, n_boot=20, backtest_months=[3])
    cmp_ = res.decay_landmark.set_index("group")
    assert cmp_.loc["quiet", ["leads", "wins"]].tolist() == [10, 2]
    assert cmp_.loc["active", ["leads", "wins"]].tolist() == [10, 2]
    diff = cmp_.loc["quiet minus active"]
    assert diff["win_rate"] == 0
    # Newcombe's hybrid score interval from the two Wilson intervals (l, u) of 2/10:
    # d - sqrt((p - l)² + (u - p)²) .. d + sqrt((u - p)² + (p - l)²), symmetric here
    lo, hi = (float(v) for v in wilson_interval(2, 10))
    half = np.hypot(0.2 - lo, hi - 0.2)
    assert (diff["ci_low"], diff["ci_high"]) == pytest.approx((-half, half), rel=1e-9)
    sentence = res.figures["decay_sentence"]
    assert sentence.endswith("the data shows no evidence that quiet leads win less.")
    assert "gain" not in sentence and "win more" not in sentence


def test_planted_effect_is_named(crm_factory):
    crm = _landmark_crm()
    # make every quiet lead a loser and every active one a winner: quiet 0/10, active 10/10
    leads = crm.leads.copy()
    active = leads["lead_id"].str.startswith("A")
    leads.loc[active, "converted_opportunity_id"] = "O" + leads.loc[active, "lead_id"]
    leads.loc[active, "converted_at"] = leads.loc[active, "created_at"] + pd.Timedelta(days=100)
    leads.loc[~active & leads["lead_id"].str.startswith("Q"), ["converted_opportunity_id",
                                                              "converted_at"]] = pd.NA  # fmt: skip
    extra = _opps([(f"OA{i:02d}", leads.set_index("lead_id").loc[f"A{i:02d}", "converted_at"],
                    leads.set_index("lead_id").loc[f"A{i:02d}", "created_at"] + pd.Timedelta(days=150),
                    True, True, 1) for i in range(3, 11)])  # fmt: skip
    opps = pd.concat([crm.opportunities, extra], ignore_index=True)
    planted = CrmData(tables={"leads": leads, "opportunities": opps,
                              "activities": crm.activities}, as_of=AS_OF)  # fmt: skip
    res = scoring.run(planted, n_boot=20, backtest_months=[3])
    assert res.figures["decay_sentence"].endswith("quiet leads win less than active ones.")


def test_decay_handoff_moves_quiet_leads_below_the_threshold():
    crm = _landmark_crm()
    res = scoring.run(crm, n_boot=20, backtest_months=[3], current_threshold=55)
    d = res.decay_handoff.set_index("scenario")
    # scores >= 55: Q06-Q10 and A06-A10 (55..59) and X1, X2 (70) = 12; decay -100 drops Q06-Q10
    assert d.loc["current scores", "handed_off"] == 12
    assert d.loc["after decay", "handed_off"] == 7
    assert d.loc["after decay", "decayed_leads"] == 10  # every quiet lead's score changed


def test_without_activities_only_the_decay_what_if_is_skipped(crm_factory):
    crm = crm_factory(activities=False, per_month=60, months=24)
    res = scoring.run(crm, n_boot=20, backtest_months=[3])
    assert res.decay_landmark.empty and res.decay_handoff.empty
    assert res.figures["decay_sentence"] == (
        "The decay what-if was skipped: there is no activities table."
    )
    assert not res.threshold_sweep.empty and not res.track_record.empty


@pytest.mark.parametrize(("value", "parsed"), [("-100", -100), (" reset ", "reset"), (5, 5)])
def test_parse_decay_points(value, parsed):
    assert scoring.parse_decay_points(value) == parsed

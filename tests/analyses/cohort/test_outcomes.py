"""Tests for workbook.analyses.cohort.outcomes: Aalen-Johansen against a hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import cohort as co

AS_OF = "2024-12-31"


@pytest.fixture
def six():
    """Six leads entering on different dates (staggered entry), as_of 2024-12-31.

    lead created     outcome                         days since creation
    A    2024-01-01  won, O1 closed won 2024-01-11   10 (won)
    B    2024-02-01  lost, O2 closed lost 2024-02-21 20 (lost)
    C    2024-12-01  open                            30 (censored at as_of)
    D    2024-03-01  Unqualified, no opportunity     305 (disqualified, censored)
    E    2024-11-21  open                            40 (censored)
    F    2024-06-01  open                            213 (censored)

    Aalen-Johansen by hand (times 10, 20, 30, 40, 213, 305):
    t=10: 6 at risk, 1 win -> CIF_won = 1/6; overall survival S = 5/6.
    t=20: 5 at risk, 1 loss -> CIF_lost = S(20-) * 1/5 = 5/6 * 1/5 = 1/6.
    Nothing else happens: at 30, 90 and 180 days CIF_won = CIF_lost = 1/6; 365
    days is beyond the longest follow-up (305) and has no value.
    SE of CIF_won at t=10 (one event, nothing censored before): sqrt(p(1-p)/n)
    = sqrt(1/6 * 5/6 / 6).
    """
    m = pd.DataFrame(
        {
            "lead_id": list("ABCDEF"),
            "created_at": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-12-01", "2024-03-01", "2024-11-21", "2024-06-01"]
            ),
            "status": ["Converted", "Converted", "Open", "Unqualified", "Working", "Nurture"],
            "converted_opportunity_id": ["O1", "O2", None, None, None, None],
            "won_at": pd.to_datetime(["2024-01-11", None, None, None, None, None]),
        }
    )
    opps = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2"],
            "close_date": pd.to_datetime(["2024-01-11", "2024-02-21"]),
            "is_closed": [True, True],
            "is_won": [True, False],
        }
    )
    return m, opps


def test_lead_outcomes(six):
    lo = co.lead_outcomes(*six, as_of=AS_OF)
    assert lo["days"].tolist() == [10, 20, 30, 305, 40, 213]
    assert lo["status"].tolist() == [1, 2, 0, 0, 0, 0]
    assert lo["outcome"].tolist() == ["won", "lost", "open", "disqualified", "open", "open"]


def test_aalen_johansen_by_hand(six):
    res = co.outcomes(*six, as_of=AS_OF, by="all")
    inc = res.incidence.set_index(["outcome", "horizon_days"])
    for outcome in ("won", "lost"):
        for h in (30, 90, 180):
            assert inc.loc[(outcome, h), "cif"] == pytest.approx(1 / 6)
        assert np.isnan(inc.loc[(outcome, 365), "cif"])
    se = np.sqrt(1 / 6 * 5 / 6 / 6)
    assert inc.loc[("won", 30), "ci_low"] == pytest.approx(max(1 / 6 - 1.96 * se, 0))
    assert inc.loc[("won", 30), "ci_high"] == pytest.approx(1 / 6 + 1.96 * se)
    s = res.summary.iloc[0]
    assert (s["leads"], s["won"], s["lost"]) == (6, 1, 1)
    assert (s["disqualified_no_opportunity"], s["still_open"]) == (1, 3)
    assert s["max_days"] == 305
    assert s["days_to_25pct_of_wins"] == s["days_to_50pct_of_wins"] == 10


def test_a_close_after_as_of_is_not_an_outcome_yet(six):
    m, opps = six
    lo = co.lead_outcomes(m, opps, as_of="2024-02-15")  # B's loss (02-21) not yet known
    assert lo["outcome"].tolist()[:2] == ["won", "open"]


@pytest.mark.parametrize("order", [slice(None), slice(None, None, -1)])
def test_converted_deals_is_a_left_merge_on_the_id(order):
    from workbook.analyses.cohort.outcomes import _converted_deals

    t = pd.Timestamp
    opps = pd.DataFrame(
        {
            "opportunity_id": pd.array(["O1", "O2", "O3"], dtype="string"),
            "close_date": [t("2024-02-01"), pd.NaT, t("2024-03-01")],
            "is_closed": pd.array([True, False, True], dtype="boolean"),
            "is_won": pd.array([True, False, False], dtype="boolean"),
        }
    ).iloc[order]  # ids in order: a hash lookup; reversed: the merge itself
    converted = pd.Series(pd.array(["O3", None, "O9", "O1"], dtype="string"))
    got = _converted_deals(converted, opps)
    assert list(got.index) == [0, 1, 2, 3]
    assert list(got["close_date"]) == [t("2024-03-01"), pd.NaT, pd.NaT, t("2024-02-01")]
    assert got["is_closed"].tolist() == [True, pd.NA, pd.NA, True]
    assert got["is_won"].tolist() == [False, pd.NA, pd.NA, True]

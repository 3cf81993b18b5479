"""Unit tests for workbook.analyses.engagement.records (and its relational core).

Every expected number is derived by hand in the comments next to it. The
counting tests run on every backend of ``engines.ENGINE_NAMES``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses.engagement import records as rec
from workbook.core import calendar

AS_OF = pd.Timestamp("2024-03-31")


def _dates(values):
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")


def test_recent_records_counts_and_links(tables_fx, any_engine):
    acc, act, opp, lead = tables_fx()
    got = rec.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=10, engine=any_engine)
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


def test_window_boundary_is_exclusive_below_inclusive_at_as_of(opportunities_fx, leads_fx):
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
    got = rec.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=7)
    assert got["recent_records"].tolist() == [1]
    assert calendar.in_window(act["occurred_at"], as_of=AS_OF, window_days=7).tolist() == [
        False,
        True,
        False,
    ]


def test_recent_records_rejects_non_positive_window(tables_fx):
    acc, act, opp, lead = tables_fx()
    with pytest.raises(ValueError, match="positive"):
        rec.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=0)


def test_unmatched_records_counted(tables_fx, any_engine):
    acc, act, opp, lead = tables_fx()
    act = pd.concat(
        [
            act,
            pd.DataFrame(
                {
                    # Z1: its one link is unknown; Z2: an unknown account but a known
                    # deal (O1, of A1), so one link is known and it is not counted
                    "activity_id": ["Z1", "Z2"],
                    "occurred_at": _dates(["2024-03-30", "2024-03-30"]),
                    "account_id": ["GHOST", "GHOST"],
                    "opportunity_id": [None, "O1"],
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
    got = rec.unmatched_records(
        acc, act, opp, lead, as_of=AS_OF, window_days=10, engine=any_engine
    )
    assert dict(zip(got["table"], got["records"], strict=True)) == {
        "activities": 1,
        "opportunities": 0,
        "leads": 1,
    }


def test_activity_accounts_equal_the_merge_definition(tables_fx, any_engine):
    # Direct links, plus each activity's deal's account (an inner merge on opportunity_id),
    # each (activity, account) pair once.
    acc, act, opp, lead = tables_fx()
    direct = act.loc[act["account_id"].notna(), ["activity_id", "occurred_at", "account_id"]]
    via = act.loc[act["opportunity_id"].notna(), ["activity_id", "occurred_at", "opportunity_id"]]
    via = via.merge(opp[["opportunity_id", "account_id"]].dropna(), on="opportunity_id")
    expected = pd.concat([direct, via.drop(columns="opportunity_id")], ignore_index=True)
    expected = expected.drop_duplicates(["activity_id", "account_id"])
    got = rec.activity_account_pairs(act, opp, engine=any_engine)
    assert len(got) > len(direct)  # some pairs come through a deal
    key = ["activity_id", "account_id"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True)[list(expected.columns)],
        expected.sort_values(key).reset_index(drop=True).astype(got.dtypes.to_dict()),
    )


@pytest.mark.parametrize("ordered", [True, False])  # row order does not matter
def test_recent_records_by_window_equal_one_call_per_window(tables_fx, ordered):
    acc, act, opp, lead = tables_fx()
    if not ordered:
        act = act.iloc[::-1].reset_index(drop=True)  # ids no longer increasing
    got = rec.recent_records_by_window(acc, act, opp, lead, as_of=AS_OF, windows=[5, 10, 20, 10])
    assert list(got) == [5, 10, 20]
    for window, table in got.items():
        alone = rec.recent_records(acc, act, opp, lead, as_of=AS_OF, window_days=window)
        pd.testing.assert_frame_equal(table, alone)
    # by hand (test_levels' window sensitivity): A3 and A5 dormant at 5 days, A5 at 10, none at 20
    dormant = {w: t.loc[t["recent_records"] == 0, "account_id"].tolist() for w, t in got.items()}
    assert dormant == {5: ["A3", "A5"], 10: ["A5"], 20: []}


@pytest.mark.parametrize("ordered", [True, False])
def test_window_activities_count_as_the_rows_they_come_from(tables_fx, ordered):
    acc, act, opp, lead = tables_fx()
    if not ordered:
        act = act.iloc[::-1].reset_index(drop=True)  # ids no longer increasing
    rows = [0, 1, 3, 4, 6]  # some activities (as a cut keeps them)
    got = rec.window_activities(act, rows, as_of=AS_OF, window_days=10)
    assert list(got.columns) == list(rec.ACTIVITY_COLUMNS)
    # only the rows in the window (after 03-21) are copied
    assert (got["occurred_at"] > pd.Timestamp("2024-03-21")).all()
    assert 0 < len(got) < len(rows)
    for window in (5, 10):
        pd.testing.assert_frame_equal(
            rec.recent_records(acc, got, opp, lead, as_of=AS_OF, window_days=window),
            rec.recent_records(
                acc, act.iloc[rows].reset_index(drop=True), opp, lead, as_of=AS_OF,
                window_days=window,
            ),
        )  # fmt: skip

"""Snapshot expansion of the win model, derived by hand for three deals.

Cut (``as_of``) 2024-12-31, ``horizon_days`` 60, ``snapshot_days`` 14; every
deal created 2024-01-01 except D3.

* D4, won, closed 2024-04-10 = day 100: ages 0, 14, ..., 98 (< 100) -> 8
  rows; won within 60 days of the snapshot when 100 <= a + 60, i.e. a >= 40:
  ages 42, 56, 70, 84, 98 are won, 0, 14, 28 are not.
* D2, lost, closed 2024-03-01 = day 60: ages 0, 14, 28, 42, 56 (< 60) -> 5
  rows, none won.
* D3, open, created 2024-10-01: the snapshot day + 60 must be <= 2024-12-31,
  so day <= 2024-11-01 = age 31: ages 0, 14, 28 -> 3 rows, none won.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.engagement import snapshots as sn

CUT = pd.Timestamp("2024-12-31")


def _deals():
    opps = pd.DataFrame(
        {
            "opportunity_id": ["D4", "D2", "D3"],
            "account_id": ["A1", "A1", "A2"],
            "owner_id": ["u1", "u1", "u2"],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-10-01"]),
            "close_date": pd.to_datetime(["2024-04-10", "2024-03-01", "2025-03-01"]),
            "is_closed": pd.array([True, True, False], dtype="boolean"),
            "is_won": pd.array([True, False, False], dtype="boolean"),
            "amount": [999.0, 10.0, 5.0],
            "probability": [100.0, 0.0, 40.0],
            "stage": ["Closed Won", "Closed Lost", "Proposal"],
        }
    )
    acts = pd.DataFrame(
        {
            "activity_id": ["X1", "X2", "X3", "X4"],
            "occurred_at": pd.to_datetime(
                ["2024-01-10 15:00", "2024-01-20 00:00", "2024-02-25 00:00", "2024-01-12 00:00"]
            ),
            "type": "call",
            "opportunity_id": ["D4", "D4", "D4", None],
            "account_id": [None, None, None, "A1"],
            "lead_id": None,
        }
    )
    return opps, acts


def test_snapshot_expansion_of_three_deals_by_hand():
    opps, acts = _deals()
    rows = sn.snapshot_rows(opps, acts, as_of=CUT, snapshot_days=14, horizon_days=60)
    assert rows["opportunity_id"].tolist() == ["D4"] * 8 + ["D2"] * 5 + ["D3"] * 3
    assert rows["age_days"].tolist() == [
        0,
        14,
        28,
        42,
        56,
        70,
        84,
        98,
        0,
        14,
        28,
        42,
        56,
        0,
        14,
        28,
    ]
    assert rows["won"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1] + [0] * 5 + [0] * 3
    assert rows["snapshot_date"].iloc[1] == pd.Timestamp("2024-01-15")
    assert rows.attrs == {"deals": 3, "excluded_missing": 0}
    d4 = rows.iloc[:3]
    # D4's activities on days 9 (15:00 counts for that day), 19 and 55.
    # a=0: none; a=14 (01-15): 1 so far, 1 in (d-14, d], 1 in 30 days, last on day 9 -> 5 days;
    # a=28 (01-29): 2 so far, 1 in 14 days (01-20; 01-10 is 19 days back), 2 in 30 days, 9 days.
    assert np.expm1(d4["log_activities"]).tolist() == pytest.approx([0, 1, 2])
    assert np.expm1(d4["log_activities_14d"]).tolist() == pytest.approx([0, 1, 1])
    assert np.expm1(d4["log_activities_30d"]).tolist() == pytest.approx([0, 1, 2])
    assert np.expm1(d4["log_days_since_activity"]).tolist() == pytest.approx([0, 5, 9])
    assert np.expm1(d4["log_age_days"]).tolist() == pytest.approx([0, 14, 28])
    assert np.expm1(d4["log_amount"]).tolist() == pytest.approx([999] * 3)
    # account A1 has X4 (01-12) directly and X1-X3 through D4: in the 30 days to 01-15
    # there are X1 and X4 -> 2; to 01-01 none.
    assert np.expm1(d4["log_account_activities"]).tolist() == pytest.approx([0, 2, 3])
    # owner u1: before 03-01 no deal had closed -> pooled rate of every closed deal known,
    # (1 won of D4, D2) = 0.5, shrunk: (0 + 10 * 0.5) / (0 + 10) = 0.5. At D4's age 70
    # (03-11) D2 (lost) closed before: (0 + 10 * 0) / (1 + 10) = 0, the pooled rate being 0/1.
    rates = rows.loc[rows["opportunity_id"] == "D4", "owner_win_rate"].tolist()
    assert rates[:5] == pytest.approx([0.5] * 5)
    assert rates[5] == pytest.approx(0.0)


def test_blank_amount_gives_no_row_and_is_counted():
    opps, acts = _deals()
    opps.loc[1, "amount"] = np.nan
    rows = sn.snapshot_rows(opps, acts, as_of=CUT, snapshot_days=14, horizon_days=60)
    assert "D2" not in set(rows["opportunity_id"])
    assert rows.attrs == {"deals": 2, "excluded_missing": 1}


def test_shared_feature_index_gives_the_same_rows_and_refuses_other_tables():
    opps, acts = _deals()
    own = sn.snapshot_rows(opps, acts, as_of=CUT, snapshot_days=14, horizon_days=60)
    index = sn.FeatureIndex(opps, acts, as_of=CUT)
    shared = sn.snapshot_rows(opps, acts, as_of=CUT, snapshot_days=14, horizon_days=60, index=index)
    pd.testing.assert_frame_equal(shared, own)
    # D4 at age 14 (2024-01-15): X1 on 01-10 is its one activity so far; A1 has X4 too.
    row = own.loc[(own["opportunity_id"] == "D4") & (own["age_days"] == 14)].iloc[0]
    assert row["log_activities"] == pytest.approx(np.log1p(1))
    with pytest.raises(ValueError, match="other tables or another as_of"):
        sn.snapshot_rows(opps, acts.copy(), as_of=CUT, horizon_days=60, index=index)
    with pytest.raises(ValueError, match="other tables or another as_of"):
        sn.deal_features(
            opps,
            np.zeros(3),
            opportunities=opps,
            activities=acts,
            as_of=CUT - pd.Timedelta(days=1),
            account_window_days=30,
            index=index,
        )
    # the index holds every feature read from the activities: they may be dropped
    dropped = sn.snapshot_rows(
        opps, None, as_of=CUT, snapshot_days=14, horizon_days=60, index=index
    )
    pd.testing.assert_frame_equal(dropped, own)
    with pytest.raises(ValueError, match="other tables or another as_of"):
        sn.snapshot_rows(opps.copy(), None, as_of=CUT, horizon_days=60, index=index)
    with pytest.raises(TypeError):
        sn.snapshot_rows(opps, None, as_of=CUT, horizon_days=60)


def test_snapshot_design_is_the_rows_as_arrays():
    opps, acts = _deals()
    opps.loc[1, "amount"] = np.nan  # D2 gives no row: the codes still number every deal
    rows = sn.snapshot_rows(opps, acts, as_of=CUT, snapshot_days=14, horizon_days=60)
    design = sn.snapshot_design(opps, acts, as_of=CUT, snapshot_days=14, horizon_days=60)
    assert len(design) == len(rows) == 11  # D4 8 rows, D3 3
    assert design.design.flags.f_contiguous
    np.testing.assert_array_equal(design.design[:, 0], np.ones(11))
    np.testing.assert_array_equal(design.design[:, 1:], rows[list(sn.FEATURES)].to_numpy())
    np.testing.assert_array_equal(design.won, rows["won"].to_numpy(dtype=float))
    # codes of opportunity_id among all three deals: D4 -> 0, D3 -> 2
    np.testing.assert_array_equal(design.deal, [0] * 8 + [2] * 3)
    assert design.n_deal_codes == 3
    assert (design.deals, design.excluded_missing) == (2, 1)


def _account_case():
    """Activities linked to accounts directly, through a deal, both, or neither.

    Deals: E1 of account B1, E2 of B2, E3 of B3 (no activity names B3 directly),
    E4 with no account.
    """
    opps = pd.DataFrame(
        {
            "opportunity_id": ["E1", "E2", "E3", "E4"],
            "account_id": ["B1", "B2", "B3", None],
            "owner_id": "u1",
            "created_at": pd.Timestamp("2024-01-01"),
            "close_date": pd.NaT,
            "is_closed": pd.array([False] * 4, dtype="boolean"),
            "is_won": pd.array([False] * 4, dtype="boolean"),
            "amount": 1.0,
        }
    )
    acts = pd.DataFrame(
        {
            "activity_id": ["Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Y8"],
            "occurred_at": pd.to_datetime(
                [
                    "2024-02-01",
                    "2024-02-02",
                    "2024-02-03",
                    "2024-02-04",
                    "2024-02-05",
                    "2024-02-06",
                    None,
                    "2024-02-08",
                ]
            ),  # fmt: skip
            # Y1 direct B1; Y2 via E1 (B1); Y3 B1 and via E1 (B1 once); Y4 B1 and via E2 (B1, B2);
            # Y5 via E3 (B3); Y6 via E4 (no account); Y7 no day; Y8 B2 and an unknown deal
            "account_id": ["B1", None, "B1", "B1", None, None, "B1", "B2"],
            "opportunity_id": [None, "E1", "E1", "E2", "E3", "E4", None, "EX"],
        }
    )
    return opps, acts


@pytest.mark.parametrize("order", ["ids increasing", "ids not increasing"])
def test_feature_index_account_pairs_by_hand_and_as_the_text_pairs(order):
    from workbook.analyses.engagement.records import activity_account_pairs

    opps, acts = _account_case()
    if order == "ids not increasing":  # the text-pair path
        acts = acts.iloc[::-1].reset_index(drop=True)
    index = sn.FeatureIndex(opps, acts, as_of=CUT)
    ids = pd.Series(["B1", "B2", "B3", "B9"])
    day = sn._day_numbers([pd.Timestamp("2024-02-01")])[0]
    lo, hi = np.full(4, day), np.full(4, day + 9)
    got = index.account.total(index.account.codes(ids), lo, hi)
    # by hand: B1 <- Y1, Y2, Y3, Y4 (Y7 has no day); B2 <- Y4, Y8; B3 <- Y5; B9 unknown
    np.testing.assert_array_equal(got, [4, 2, 1, 0])
    # the definition: the distinct (activity, account) pairs of records
    pairs = activity_account_pairs(acts, opps).dropna(subset=["occurred_at"])
    expected = pairs["account_id"].value_counts().reindex(ids, fill_value=0).to_numpy(float)
    np.testing.assert_array_equal(got, expected)
    # each deal's activities: E1 <- Y2, Y3; E2 <- Y4; E4 <- Y6; EX is no deal
    deals = pd.Series(["E1", "E2", "E3", "E4", "EX"])
    counts = index.deal.total(index.deal.codes(deals), np.full(5, day), np.full(5, day + 9))
    np.testing.assert_array_equal(counts, [2, 1, 1, 1, 0])


def test_day_numbers_by_hand():
    ts = pd.Series(
        pd.to_datetime(["1970-01-02 23:59", "1969-12-31 13:00", None, "2024-01-01 00:00"])
    )
    # days since 1970-01-01 of each calendar day; a time of day before 1970 floors too
    expected = [1.0, -1.0, np.nan, 19723.0]
    np.testing.assert_array_equal(sn._day_numbers(ts), expected)
    np.testing.assert_array_equal(sn._day_numbers(list(ts)), expected)  # the generic path


@pytest.mark.parametrize("order", ["ids increasing", "ids not increasing"])
def test_feature_index_of_rows_equals_the_index_of_those_rows(order):
    opps, acts = _account_case()
    if order == "ids not increasing":  # the text-pair path
        acts = acts.iloc[::-1].reset_index(drop=True)
    rows = np.array([0, 2, 3, 5, 7])  # Y2, Y5 and Y7 (or their mirror images) left out
    kept = acts.iloc[rows].reset_index(drop=True)
    own = sn.FeatureIndex(opps, kept, as_of=CUT)
    read = sn.FeatureIndex(opps, acts, as_of=CUT, rows=rows)
    ids = pd.Series(["B1", "B2", "B3", "B9"])
    deals = pd.Series(["E1", "E2", "E3", "E4", "EX"])
    day = sn._day_numbers([pd.Timestamp("2024-02-01")])[0]
    for lo, hi in ((day, day + 9), (day + 2, day + 4)):
        for name, keys in (("account", ids), ("deal", deals)):
            a, b = getattr(own, name), getattr(read, name)
            n = len(keys)
            np.testing.assert_array_equal(
                a.total(a.codes(keys), np.full(n, lo), np.full(n, hi)),
                b.total(b.codes(keys), np.full(n, lo), np.full(n, hi)),
            )

"""Tests for workbook.analyses.scoring.relational: the outcome rules run by each engine.

The fixture has one lead per rule. ``as_of`` is 2024-06-30 and the horizon 30
days, so a lead is matured when created on or before 2024-05-31 (as_of - 30
days), whatever its time of day, and won when its opportunity closed won on
or before the created day + 30 and on or before as_of. The expected value of
every row is derived beside it.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring
from workbook.analyses.scoring import relational as R

AS_OF = pd.Timestamp("2024-06-30")
H = 30
NaT = None

# lead_id, created_at, score, converted_opportunity_id
LEADS = [
    ("A", "2024-05-31 23:30", 90, "OA"),  # matured on the boundary day; won (see OA)
    ("B", "2024-06-01 00:00", 80, "OB"),  # a day too young: not matured, though won
    ("C", "2024-05-01", 70, "OC"),  # closed won on 06-01 = created + 31: won after the horizon
    ("D", "2024-05-01", 60, "OD"),  # opportunity lost
    ("E", "2024-04-01", 60, "OE"),  # opportunity open (not closed)
    ("F", "2024-04-01", 50, None),  # no opportunity
    ("G", "2024-04-01", 40, "OX"),  # id not found: fix-up, treated as none
    ("H", "2024-04-01", 30, "OH"),  # opportunity created after as_of: fix-up, treated as none
    ("I", "2024-04-01", None, "OA"),  # blank score: excluded
    ("J", "2024-07-01 00:00", 90, None),  # created after as_of: excluded
    ("K", None, 50, None),  # no created_at: excluded with "after"
    ("L", "2024-06-30 23:59", 20, None),  # created on the as_of day: kept, age 0, too young
    ("M", "2024-05-10", 90, "OM"),  # closed won after as_of: open at as_of
    ("N", "2024-05-20", 80, "ON"),  # closed won without a close date: open
    ("O", "2024-05-15", 70, "OO"),  # is_closed missing (treated as false): open
    ("P", "2024-05-31", 85, "OP"),  # opportunity created on the as_of day: won on as_of
]
# opportunity_id, created_at, close_date, is_closed, is_won, amount
OPPS = [
    ("OA", "2024-06-01", "2024-06-30 10:00", True, True, 100.0),  # close day 06-30 = 05-31 + 30
    ("OB", "2024-06-02", "2024-06-05", True, True, 200.0),
    ("OC", "2024-05-05", "2024-06-01", True, True, 300.0),
    ("OD", "2024-05-05", "2024-05-20", True, False, 400.0),
    ("OE", "2024-04-05", NaT, False, False, 500.0),
    ("OH", "2024-07-01 00:00", "2024-07-02", True, True, 600.0),
    ("OM", "2024-05-12", "2024-07-01", True, True, 700.0),
    ("ON", "2024-05-25", NaT, True, True, 800.0),
    ("OO", "2024-05-20", "2024-06-01", None, True, 900.0),
    ("OP", "2024-06-30 18:00", "2024-06-30", True, True, 1000.0),
]

# Kept: A B C D E F G H L M N O P (13). Matured: all but B and L (11).
EXPECTED = {  # lead_id: (outcome, outcome_reason, won, won_by_as_of, age_days)
    "A": ("won", "won", True, True, 30),
    "B": ("not matured", "too young", None, None, 29),
    "C": ("not won", "won after the horizon", False, True, 60),
    "D": ("not won", "opportunity lost", False, False, 60),
    "E": ("not won", "opportunity open", False, False, 90),
    "F": ("not won", "no opportunity", False, False, 90),
    "G": ("not won", "no opportunity", False, False, 90),
    "H": ("not won", "no opportunity", False, False, 90),
    "L": ("not matured", "too young", None, None, 0),
    "M": ("not won", "opportunity open", False, False, 51),
    "N": ("not won", "opportunity open", False, False, 41),
    "O": ("not won", "opportunity open", False, False, 46),
    "P": ("won", "won", True, True, 30),
}


def _leads() -> pd.DataFrame:
    df = pd.DataFrame(LEADS, columns=["lead_id", "created_at", "score", "converted_opportunity_id"])
    df["lead_id"] = df["lead_id"].astype("string")
    df["created_at"] = pd.to_datetime(df["created_at"], format="ISO8601").astype("datetime64[ns]")
    df["score"] = df["score"].astype("float64")
    df["converted_opportunity_id"] = df["converted_opportunity_id"].astype("string")
    df["converted_at"] = df["created_at"]
    df["status"] = pd.Series(["Open"] * len(df), dtype="string")
    df["source"] = pd.Series(["web"] * len(df), dtype="string")
    df["owner_id"] = pd.Series(["u1"] * len(df), dtype="string")
    return df.iloc[::-1].reset_index(drop=True)  # reversed: the result is ordered by lead_id


def _opps() -> pd.DataFrame:
    cols = ["opportunity_id", "created_at", "close_date", "is_closed", "is_won", "amount"]
    df = pd.DataFrame(OPPS, columns=cols)
    df["opportunity_id"] = df["opportunity_id"].astype("string")
    for c in ("created_at", "close_date"):
        df[c] = pd.to_datetime(df[c], format="ISO8601").astype("datetime64[ns]")
    for c in ("is_closed", "is_won"):
        df[c] = df[c].astype("boolean")
    return df


@pytest.fixture
def found(any_engine):
    return R.lead_outcomes(
        _leads(), _opps(), as_of=AS_OF, horizon_days=H, score_range=(40, 85), engine=any_engine
    )


def test_every_rule_by_hand(found):
    out = found.outcomes
    assert out["lead_id"].tolist() == sorted(EXPECTED)  # ordered by lead_id
    got = {
        r.lead_id: (r.outcome, r.outcome_reason,
                    None if pd.isna(r.won) else bool(r.won),
                    None if pd.isna(r.won_by_as_of) else bool(r.won_by_as_of), r.age_days)
        for r in out.itertuples()
    }  # fmt: skip
    assert got == EXPECTED
    row = out.set_index("lead_id")
    assert row["matured"].tolist() == [k not in ("B", "L") for k in sorted(EXPECTED)]
    # the created day, not the timestamp; fix-ups leave no opportunity behind
    assert row.loc["A", "created_at"] == pd.Timestamp("2024-05-31")
    assert row.loc["A", "close_date"] == pd.Timestamp("2024-06-30")
    assert row.loc["P", "opportunity_created_at"] == pd.Timestamp("2024-06-30")
    for lead in ("F", "G", "H"):
        assert pd.isna(row.loc[lead, "converted_opportunity_id"])
        assert pd.isna(row.loc[lead, "amount"]) and pd.isna(row.loc[lead, "close_date"])
    assert row.loc["D", "amount"] == 400.0 and row.loc["D", "converted_opportunity_id"] == "OD"


def test_dtypes_are_those_of_the_pandas_version(found):
    got = found.outcomes.dtypes.astype(str).to_dict()
    want = {c: str(pd.Series([], dtype=t).dtype) for c, t in R.OUTCOME_TYPES.items()}
    assert got == want
    assert list(found.outcomes.columns) == scoring.OUTCOME_COLUMNS


def test_exclusions_by_hand(found):
    ex = found.exclusions.set_index("reason")["n"]
    assert ex["created after the as-of date (or no creation date)"] == 2  # J, K
    assert ex["blank score"] == 1  # I
    assert ex["converted opportunity id not found; treated as none"] == 1  # G
    assert ex["converted opportunity created after the as-of date; treated as none"] == 1  # H
    assert found.exclusions.loc[found.exclusions["kind"] == "not matured", "n"].item() == 2  # B, L
    # outside 40-85 (both ends valid): A 90, M 90, H 30, L 20; G 40 and P 85 are inside
    assert found.exclusions.loc[found.exclusions["kind"] == "note", "n"].item() == 4
    assert found.exclusions["kind"].tolist() == [
        "excluded", "excluded", "fix-up", "fix-up", "not matured", "note"]  # fmt: skip


def test_horizon_one_day_longer_moves_both_boundaries(any_engine):
    out = R.lead_outcomes(_leads(), _opps(), as_of=AS_OF, horizon_days=H + 1, engine=any_engine)
    row = out.outcomes.set_index("lead_id")
    # matured now means created on or before 05-30: A and P (05-31) are too young
    assert not row.loc["A", "matured"] and not row.loc["P", "matured"]
    # C closes on created + 31: won within a 31-day horizon
    assert row.loc["C", "outcome_reason"] == "won"


def test_outcome_counts_in_the_engine(any_engine, found):
    counts = R.outcome_counts(found.outcomes, engine=any_engine)
    # won 2 (A, P); not won: open 4 (E M N O), none 3 (F G H), then lost 1 and
    # won after the horizon 1, tied and so by reason; not matured 2 (B, L)
    assert counts[["outcome", "outcome_reason", "n"]].values.tolist() == [
        ["won", "won", 2],
        ["not won", "opportunity open", 4],
        ["not won", "no opportunity", 3],
        ["not won", "opportunity lost", 1],
        ["not won", "won after the horizon", 1],
        ["not matured", "too young", 2],
    ]
    assert counts["share"].tolist() == pytest.approx([2 / 13, 4 / 13, 3 / 13, 1 / 13, 1 / 13, 2 / 13])


def test_expression_and_rows_give_the_same_counts(any_engine):
    frames = _leads(), _opps()  # the engine keeps a frame registered while it lives
    leads, opps = any_engine.table(frames[0], "leads"), any_engine.table(frames[1], "opportunities")
    rows = R.outcome_table(leads, opps, as_of=AS_OF, horizon_days=H)
    found = R.lead_outcomes(leads, opps, as_of=AS_OF, horizon_days=H, engine=any_engine)
    pd.testing.assert_frame_equal(
        R.outcome_counts(rows, engine=any_engine),
        R.outcome_counts(found.outcomes, engine=any_engine),
    )
    pd.testing.assert_frame_equal(
        R.score_won_frame(rows, engine=any_engine),
        R.score_won_frame(found.outcomes, engine=any_engine),
    )


def test_score_won_counts_by_hand(any_engine, found):
    cells = R.score_won_frame(found.outcomes, engine=any_engine)
    # matured scores: H 30, G 40, F 50, D E 60, C O 70, N 80, P 85 (won), A (won) M 90
    assert cells.values.tolist() == [
        [30, 1, 0], [40, 1, 0], [50, 1, 0], [60, 2, 0], [70, 2, 0], [80, 1, 0],
        [85, 1, 1], [90, 2, 1]]  # fmt: skip
    assert cells.dtypes.astype(str).tolist() == ["float64", "int64", "int64"]


def test_threshold_sweep_from_engine_counts(any_engine, found):
    sweep = scoring.threshold_sweep(found.outcomes, thresholds=[95, 60, 85], engine=any_engine)
    # >= 60: D E C O N P A M = 8 with 2 wins; >= 85: P A M = 3 with 2; >= 95: none
    assert sweep["threshold"].tolist() == [60, 85, 95]
    assert sweep["handed_off"].tolist() == [8, 3, 0]
    assert sweep["wins"].tolist() == [2, 2, 0]
    assert sweep["win_rate"].iloc[:2].tolist() == pytest.approx([2 / 8, 2 / 3])
    assert np.isnan(sweep["win_rate"].iloc[2])
    assert sweep["lift"].iloc[1] == pytest.approx((2 / 3) / (2 / 11))
    assert sweep["share_handed_off"].tolist() == pytest.approx([8 / 11, 3 / 11, 0])


def test_default_grid_reads_the_score_range_from_the_engine(any_engine, found):
    sweep = scoring.threshold_sweep(found.outcomes, engine=any_engine)
    # all kept scores span 20 (L, not matured) to 90: step 2.5 gives 20, 22.5, ..., 90 (29)
    assert sweep["threshold"].iloc[0] == 20 and sweep["threshold"].iloc[-1] == 90
    assert len(sweep) == 29


def test_repeated_opportunity_ids_are_refused(any_engine):
    opps = pd.concat([_opps(), _opps().iloc[:1]], ignore_index=True)  # OA twice: A would count twice
    with pytest.raises(ValueError, match="opportunity_id repeats"):
        R.lead_outcomes(_leads(), opps, as_of=AS_OF, horizon_days=H, engine=any_engine)
    # a repeated id that no lead converted to changes nothing: still the 13 kept leads
    spare = _opps().iloc[[0, 0]].assign(opportunity_id=pd.array(["O-none"] * 2, dtype="string"))
    opps = pd.concat([_opps(), spare], ignore_index=True)
    out = R.lead_outcomes(_leads(), opps, as_of=AS_OF, horizon_days=H, engine=any_engine)
    assert out.outcomes["lead_id"].tolist() == sorted(EXPECTED)


def test_sql_examples_compile_over_the_canonical_tables():
    ex = R.sql_examples()
    assert set(ex) == {"lead_outcomes", "exclusions", "outcome_counts", "score_won_counts",
                       "score_range", "landmark_activities"}  # fmt: skip
    assert list(ex["landmark_activities"].columns) == ["lead_row", "n_activities"]
    assert list(ex["lead_outcomes"].columns) == scoring.OUTCOME_COLUMNS
    sql = ibis.to_sql(ex["lead_outcomes"], dialect="duckdb")
    assert "LEFT OUTER JOIN" in sql and '"opportunities"' in sql


# -- property: random leads and deals, on every engine ---------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_DAY = pd.Timedelta(days=1)


def _stamp(offset_hours):
    """A timestamp ``offset_hours`` from the as_of day's midnight (None stays None)."""
    return None if offset_hours is None else AS_OF + pd.Timedelta(hours=offset_hours)


@st.composite
def outcome_cases(draw):
    """Leads and deals around the as_of day, every field sometimes blank, times of day included.

    Two weeks of days, three times of day and short horizons, and most deals
    closing within a day of their lead's horizon end: the boundaries (matured,
    the horizon's last day, the as_of day) are hit often.
    """
    at = st.sampled_from([0, 12, 23])
    days = st.one_of(st.integers(-12, 2), st.sampled_from([0, 1]))  # the as_of day, the next
    hours = st.one_of(st.none(), st.builds(lambda d, h: 24 * d + h, days, at))
    flag = st.sampled_from([True, True, False, None])
    horizon = draw(st.integers(min_value=1, max_value=6))
    leads, opps = [], []
    for i in range(draw(st.integers(min_value=3, max_value=12))):
        created = draw(hours)
        kind = draw(st.sampled_from(["none", "gone", "own", "own", "shared"]))
        conv = {"none": None, "gone": "O-gone"}.get(kind)
        if kind == "own" or (kind == "shared" and not opps):
            day = (created or 0) // 24 * 24  # the lead's created midnight
            near = st.builds(
                lambda d, h, day=day: day + 24 * d + h,
                st.integers(horizon - 1, horizon + 1),
                at,
            )
            close = draw(st.one_of(st.none(), near, hours))
            conv = f"O{len(opps)}"
            opps.append((conv, draw(hours), close, draw(flag), draw(flag), float(len(opps))))
        elif kind == "shared":
            conv = draw(st.sampled_from([o[0] for o in opps]))
        leads.append((f"L{i:02d}", created, draw(st.one_of(st.none(), st.integers(0, 100))), conv))
    return leads, opps, horizon


def _frames(leads, opps):
    lf = pd.DataFrame(
        {
            "lead_id": pd.array([r[0] for r in leads], dtype="string"),
            "created_at": pd.to_datetime([_stamp(r[1]) for r in leads]).astype("datetime64[ns]"),
            "score": pd.array([r[2] for r in leads], dtype="float64"),
            "converted_opportunity_id": pd.array([r[3] for r in leads], dtype="string"),
        }
    )
    lf["converted_at"] = lf["created_at"]
    cols = ["opportunity_id", "created_at", "close_date", "is_closed", "is_won", "amount"]
    of = pd.DataFrame(
        {
            "opportunity_id": pd.array([o[0] for o in opps], dtype="string"),
            "created_at": pd.to_datetime([_stamp(o[1]) for o in opps]).astype("datetime64[ns]"),
            "close_date": pd.to_datetime([_stamp(o[2]) for o in opps]).astype("datetime64[ns]"),
            "is_closed": pd.array([o[3] for o in opps], dtype="boolean"),
            "is_won": pd.array([o[4] for o in opps], dtype="boolean"),
            "amount": pd.array([o[5] for o in opps], dtype="float64"),
        },
        columns=cols,
    )
    return lf, of


def _oracle(leads, opps, horizon):
    """The rules of scoring.outcomes read lead by lead (a blank flag is false)."""
    end = AS_OF + _DAY  # "on or before the as_of day" is "before the midnight after it"
    deals = {o[0]: o for o in opps}
    out = {}
    for lead_id, created_h, score, conv in leads:
        created = _stamp(created_h)
        if created is None or created >= end or score is None:
            continue  # excluded: after as_of (or no date), or a blank score
        matured = created < end - horizon * _DAY
        deal = deals.get(conv)
        deal_created = None if deal is None else _stamp(deal[1])
        has_opp = deal is not None and not (deal_created is not None and deal_created >= end)
        close = None if not has_opp else _stamp(deal[2])
        closed = has_opp and deal[3] is True and close is not None
        by_as_of = close is not None and close < end
        won_ever = closed and deal[4] is True and by_as_of
        lost = closed and deal[4] is not True and by_as_of
        won = won_ever and close.normalize() <= created.normalize() + horizon * _DAY
        reason = (
            "too young" if not matured else "won" if won else "won after the horizon"
            if won_ever else "opportunity lost" if lost else "opportunity open"
            if has_opp else "no opportunity"
        )  # fmt: skip
        out[lead_id] = (
            reason,
            won if matured else None,
            won_ever if matured else None,
            conv if has_opp else None,
            (AS_OF - created.normalize()).days,
        )
    return out


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=outcome_cases())
def test_outcomes_equal_the_rules_read_lead_by_lead_on_every_engine(any_engine, case):
    leads, opps, horizon = case
    lf, of = _frames(leads, opps)
    out = R.lead_outcomes(lf, of, as_of=AS_OF, horizon_days=horizon, engine=any_engine).outcomes
    got = {
        r.lead_id: (
            r.outcome_reason,
            None if pd.isna(r.won) else bool(r.won),
            None if pd.isna(r.won_by_as_of) else bool(r.won_by_as_of),
            None if pd.isna(r.converted_opportunity_id) else r.converted_opportunity_id,
            int(r.age_days),
        )
        for r in out.itertuples()
    }
    assert got == _oracle(leads, opps, horizon)
    assert out["lead_id"].tolist() == sorted(got)

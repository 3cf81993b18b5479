"""Tests for workbook.analyses.cohort.relational: each rule on every engine, numbers by hand.

The six-lead ``crm`` fixture and its derivation are in conftest.py; the
smaller tables below carry their own derivations.
"""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from workbook.analyses.cohort import relational as R
from workbook.engine import canonical_tables

T = pd.Timestamp
NAT = pd.NaT
AS_OF = "2024-03-15"
DATES = ["touched_at", "meeting_at", "opportunity_at", "won_at"]


def _facts(engine, leads, acts, opps, *, as_of=AS_OF) -> pd.DataFrame:
    expr = R.lead_milestone_facts(
        engine.table(leads), engine.table(acts), engine.table(opps), as_of=as_of
    )
    out = engine.frame(expr, types=dict.fromkeys(DATES, "datetime64[ns]"))
    assert list(out.columns) == R.FACT_COLUMNS
    return out.sort_values("lead_id").set_index("lead_id")


def test_facts_of_the_six_lead_fixture(any_engine, crm):
    f = _facts(any_engine, *crm)
    # L4 has neither a linked activity nor a converted opportunity; L5 is created after as_of.
    assert f.index.tolist() == ["L1", "L2", "L3", "L6"]
    assert f.loc["L1", DATES].tolist() == [
        T("2024-02-01"),  # A1 on the lead
        T("2024-02-10"),  # A2, a meeting on the converted O1
        T("2024-02-05"),  # O1 created
        T("2024-03-01"),  # O1 won
    ]
    # L2: A3 (Jan 9) is before the Jan 10 creation day, A4 (Mar 20) after as_of; O2 was
    # created Jan 5 (before) and won Apr 1 (after as_of): nothing reached, four events ignored.
    assert f.loc["L2", DATES].isna().all()
    assert f.loc["L2", list(R.FACT_COUNTS)].to_dict() == {
        "activities_before": 1,
        "activities_after": 1,
        "opportunity_not_found": 0,
        "opportunity_before": 1,
        "opportunity_after": 0,
        "won_before": 0,
        "won_after": 1,
    }
    assert f.loc["L3", DATES[:2]].tolist() == [T("2024-02-15"), T("2024-03-02")]
    # L6: the 10:00 call on the as_of day counts; O6 is open (no won date).
    assert f.loc["L6", "touched_at"] == T("2024-03-15 10:00")
    assert f.loc["L6", "opportunity_at"] == T("2024-03-10")
    assert pd.isna(f.loc["L6", "won_at"])
    assert f.loc[["L1", "L3", "L6"], list(R.FACT_COUNTS)].to_numpy().sum() == 0


@pytest.fixture
def links_case(make_leads, make_acts, make_opps):
    """Links both ways, shared converted opportunities, a dangling one, missing values.

    as_of 2024-03-31. P1 and P2 both converted to Q1 (created Feb 1, won Mar 5); P3 to
    Q9, which has no opportunity row; P4 to Q2 twice over (Q2 has two rows, an invalid
    table: both count). P5 has no created_at (out of scope).

    * B1 (P1, on Q1, call Jan 20): P1 via the lead and via Q1, one pair; P2 via Q1.
    * B2 (no lead, on Q1, meeting Jan 25): P1 and P2 via Q1 -> their meeting, not a touch.
    * B3 (P2, meeting Jan 3): before P2's creation day (Jan 5) -> ignored, counted once.
    * B4 (P3, on Q9, call Apr 1 00:00): after as_of (P3 via the lead only, Q9 unknown).
    * B5 (P1, no date) and B6 (P1, no type, Feb 2): B5 reaches nothing; B6 is a touch
      (type is not needed) but not a meeting.
    * B7 (P5, call Feb 1): P5 is out of scope, so not counted.
    """
    leads = make_leads(
        [
            ("P1", "2024-01-10 15:00", "web", "U1", None, "Q1"),
            ("P2", "2024-01-05", "web", "U1", None, "Q1"),
            ("P3", "2024-01-05", "web", "U1", None, "Q9"),
            ("P4", "2024-02-01", "web", "U1", None, "Q2"),
            ("P5", None, "web", "U1", None, None),
        ]
    )
    acts = make_acts(
        [
            ("B1", "2024-01-20", "call", "P1", "Q1"),
            ("B2", "2024-01-25", "meeting", None, "Q1"),
            ("B3", "2024-01-03", "meeting", "P2", None),
            ("B4", "2024-04-01 00:00", "call", "P3", "Q9"),
            ("B5", None, "call", "P1", None),
            ("B6", "2024-02-02", None, "P1", None),
            ("B7", "2024-02-01", "call", "P5", None),
        ]
    )
    opps = make_opps(
        [
            ("Q1", "2024-02-01", "2024-03-05", True),
            ("Q2", "2024-01-15", "2024-02-20", True),
            ("Q2", "2024-03-01", "2024-04-02", True),
        ]
    )
    return leads, acts, opps


def test_links_via_the_lead_and_the_converted_opportunity(any_engine, links_case):
    f = _facts(any_engine, *links_case, as_of="2024-03-31")
    assert f.index.tolist() == ["P1", "P2", "P3", "P4"]
    # P1: touched by B1 (Jan 20, the same pair via Q1 counts once), meeting B2 via Q1.
    assert f.loc["P1", DATES].tolist() == [
        T("2024-01-20"),
        T("2024-01-25"),
        T("2024-02-01"),
        T("2024-03-05"),
    ]
    # P2: B1 reaches it via Q1 only, so it is no touch; its own B3 is before creation.
    assert pd.isna(f.loc["P2", "touched_at"])
    assert f.loc["P2", "meeting_at"] == T("2024-01-25")  # B2 via Q1 (B1 is a call)
    assert f.loc["P2", ["opportunity_at", "won_at"]].tolist() == [T("2024-02-01"), T("2024-03-05")]
    assert f.loc["P2", "activities_before"] == 1  # B3
    # P3: Q9 does not exist: no opportunity, counted; B4 is after as_of.
    assert f.loc["P3", DATES].isna().all()
    assert f.loc["P3", ["opportunity_not_found", "activities_after"]].tolist() == [1, 1]
    # P4 (created Feb 1), two Q2 rows: the one created Jan 15 is before creation (counted)
    # but its won close on Feb 20 is in the window, so it is the won date; the one created
    # Mar 1 is the opportunity, and its close on Apr 2 is after as_of (counted).
    assert f.loc["P4", "opportunity_at"] == T("2024-03-01")
    assert f.loc["P4", "won_at"] == T("2024-02-20")
    assert f.loc["P4", ["opportunity_before", "won_after", "won_before"]].tolist() == [1, 1, 0]
    # Over all leads: activities before creation = B3 only; after as_of = B4 only.
    counts = any_engine.frame(
        R.exclusion_counts(
            R.lead_milestone_facts(*(any_engine.table(t) for t in links_case), as_of="2024-03-31")
        )
    ).iloc[0]
    assert counts.to_dict() == {
        "activities_before_lead_created_ignored": 1,
        "activities_after_as_of_ignored": 1,
        "converted_opportunity_not_found": 1,
        "opportunity_before_lead_created_ignored": 1,
        "opportunity_after_as_of_ignored": 0,
        "won_before_lead_created_ignored": 0,
        "won_after_as_of_ignored": 1,
    }


def test_touch_without_type_and_without_date(any_engine, links_case):
    leads, acts, opps = links_case
    only_p1 = acts[acts["activity_id"].isin(["B5", "B6"])]
    f = _facts(any_engine, leads, only_p1, opps, as_of="2024-03-31")
    # B6 (no type) is P1's touch and no meeting; B5 (no date) reaches nothing.
    assert f.loc["P1", "touched_at"] == T("2024-02-02")
    assert pd.isna(f.loc["P1", "meeting_at"])
    assert f.loc["P1", ["activities_before", "activities_after"]].tolist() == [0, 0]


def test_calendar_day_boundaries(any_engine, make_leads, make_acts, make_opps):
    # Created Mar 10 15:00: a call at 09:00 the same day counts (calendar days); as_of
    # Mar 31: 23:59 on the as_of day counts, Apr 1 00:00 is after it.
    leads = make_leads([("D1", "2024-03-10 15:00", "web", "U1", None, "O1")])
    acts = make_acts(
        [
            ("A1", "2024-03-10 09:00", "call", "D1", None),
            ("A2", "2024-03-09 23:59", "meeting", "D1", None),
            ("A3", "2024-03-31 23:59", "meeting", "D1", None),
            ("A4", "2024-04-01 00:00", "meeting", "D1", None),
        ]
    )
    opps = make_opps([("O1", "2024-03-10 08:00", "2024-04-01 00:00", True)])
    f = _facts(any_engine, leads, acts, opps, as_of="2024-03-31")
    assert f.loc["D1", DATES].tolist() == [
        T("2024-03-10 09:00"),
        T("2024-03-31 23:59"),  # A2 is the day before creation
        T("2024-03-10 08:00"),  # same day as creation
        NAT,  # closed at midnight after as_of
    ]
    assert f.loc["D1", ["activities_before", "activities_after", "won_after"]].tolist() == [
        1,
        1,
        1,
    ]


def test_empty_activities_and_opportunities(any_engine, make_leads, make_acts, make_opps):
    leads = make_leads([("E1", "2024-01-01", "web", "U1", None, None)])
    f = _facts(any_engine, leads, make_acts([]), make_opps([]))
    assert len(f) == 0


def test_in_scope_on_pandas_and_ibis(any_engine):
    # as_of Mar 15: created at 23:00 that day is in; at Mar 16 00:00 and missing are out.
    created = pd.Series(
        pd.to_datetime(["2024-03-15 23:00", "2024-03-16 00:00", None], format="ISO8601")
    )
    assert R.in_scope(created, as_of=AS_OF).tolist() == [True, False, False]
    frame = pd.DataFrame({"created_at": created, "i": [0, 1, 2]})  # kept alive: registered
    t = any_engine.table(frame)
    got = any_engine.frame(t.filter(R.in_scope(t.created_at, as_of=AS_OF)).select("i"))
    assert got["i"].tolist() == [0]


def test_period_ordinal_is_the_pandas_period_ordinal(any_engine):
    # Months since 1970-01: 2024-03 -> 54 * 12 + 2 = 650; 1969-12 -> -1.
    # Quarters: 2024Q1 -> 54 * 4 = 216, 1969Q4 -> -4 + 3 = -1, 2024Q4 -> 219. Years: 2024 -> 54.
    when = pd.Series(pd.to_datetime(["2024-03-31 23:59", "1969-12-01 00:00", "2024-12-01 00:00"]))
    frame = pd.DataFrame({"ts": when})  # kept alive while registered
    t = any_engine.table(frame)
    got = any_engine.frame(
        t.select(
            m=R.period_ordinal(t.ts, "month"),
            q=R.period_ordinal(t.ts, "quarter"),
            y=R.period_ordinal(t.ts, "year"),
        )
    )
    assert got["m"].tolist() == [650, -1, 659]
    assert got["q"].tolist() == [216, -1, 219]
    assert got["y"].tolist() == [54, -1, 54]
    assert [p.ordinal for p in when.dt.to_period("M")] == [650, -1, 659]
    assert [p.ordinal for p in when.dt.to_period("Q")] == [216, -1, 219]
    with pytest.raises(ValueError, match="grain"):
        R.period_ordinal(t.ts, "week")


def test_cohort_sizes_and_milestone_hits(any_engine):
    # Three leads: a (web, Jan 31, touched Feb 1 -> k=1), b (web, Jan 5, touched Jan 6 ->
    # k=0, won Mar 2 -> k=2), c (event, Feb 10, nothing). At quarter grain all of a's
    # and b's events are in 2024Q1 (k=0).
    m = pd.DataFrame(
        {
            "segment": ["web", "web", "event"],
            "created_at": pd.to_datetime(["2024-01-31", "2024-01-05", "2024-02-10"]),
            "touched_at": pd.to_datetime(["2024-02-01", "2024-01-06", None]),
            "meeting_at": pd.to_datetime([None, None, None]),
            "opportunity_at": pd.to_datetime([None, None, None]),
            "won_at": pd.to_datetime([None, "2024-03-02", None]),
        }
    )
    t = any_engine.table(m)
    sizes = any_engine.frame(R.cohort_sizes(t, grain="month")).sort_values(["segment", "c"])
    assert sizes.values.tolist() == [["event", 649, 1], ["web", 648, 2]]
    hits = any_engine.frame(R.milestone_hits(t, grain="month"))
    hits = hits.sort_values(["milestone", "k"]).values.tolist()
    assert hits == [
        ["web", 648, "touched", 0, 1],
        ["web", 648, "touched", 1, 1],
        ["web", 648, "won", 2, 1],
    ]
    hq = any_engine.frame(R.milestone_hits(t, grain="quarter")).sort_values("milestone")
    assert hq.values.tolist() == [["web", 216, "touched", 0, 2], ["web", 216, "won", 0, 1]]


def test_sql_examples_compile_for_the_warehouse_dialects():
    examples = R.sql_examples(canonical_tables())
    assert set(examples) == {
        "cohort_lead_milestone_facts",
        "cohort_exclusion_counts",
        "cohort_sizes_month",
        "cohort_milestone_hits_month",
        "cohort_first_touch_after_handoff",
    }
    assert list(examples["cohort_first_touch_after_handoff"].columns) == [
        "lead_row",
        "first_touch_after_handoff",
    ]
    for dialect in ("postgres", "snowflake", "bigquery", "databricks", "duckdb"):
        for name, expr in examples.items():
            sql = ibis.to_sql(expr, dialect=dialect)
            assert "SELECT" in sql, (dialect, name)
    facts_sql = ibis.to_sql(examples["cohort_lead_milestone_facts"], dialect="postgres")
    # Booleans are counted with CASE (Postgres cannot cast a boolean to an integer).
    assert "SUM(CASE WHEN" in facts_sql


def test_sql_examples_run_on_the_sample(any_engine, sample_crm):
    tables = any_engine.tables(sample_crm, ["leads", "activities", "opportunities"])
    examples = R.sql_examples(tables)
    facts = any_engine.frame(examples["cohort_lead_milestone_facts"])
    assert len(facts) > 100
    counts = any_engine.frame(examples["cohort_exclusion_counts"]).iloc[0]
    assert int(counts.sum()) == int(facts[list(R.FACT_COUNTS)].to_numpy().sum())
    sizes = any_engine.frame(examples["cohort_sizes_month"])
    in_scope = R.in_scope(sample_crm.leads["created_at"], as_of=pd.Timestamp("2026-06-30"))
    assert int(sizes["leads"].sum()) == int(in_scope.sum())


def test_the_first_row_holding_a_lead_id_stands_for_it(
    any_engine, make_leads, make_acts, make_opps
):
    # Rows 0 and 2 hold R1 (an invalid table); row 1 is R2. With row positions the
    # lowest row of R1 in scope (0, created Jan 20) is the lead: A1 (Jan 10) is before
    # its creation day although after row 2's (Jan 5), and row 2's converted O2 counts
    # for it (created Feb 1 -> its opportunity). Row 3 (R1 created after as_of) is no row.
    leads = make_leads(
        [
            ("R1", "2024-01-20", "web", "U1", None, None),
            ("R2", "2024-01-05", "web", "U1", None, None),
            ("R1", "2024-01-05", "web", "U1", None, "O2"),
            ("R1", "2024-04-01", "web", "U1", None, None),
        ]
    ).assign(**{R.ROW: [0, 1, 2, 3]})
    acts = make_acts(
        [("A1", "2024-01-10", "call", "R1", None), ("A2", "2024-01-10", "call", "R2", None)]
    )
    opps = make_opps([("O2", "2024-02-01", None, False)])
    expr = R.lead_milestone_facts(
        any_engine.table(leads), any_engine.table(acts), any_engine.table(opps), as_of=AS_OF
    )
    f = any_engine.frame(expr).sort_values(R.ROW).set_index(R.ROW)
    assert f.index.tolist() == [0, 1]
    assert pd.isna(f.loc[0, "touched_at"]) and f.loc[0, "activities_before"] == 1
    assert f.loc[0, "opportunity_at"] == T("2024-02-01")
    assert f.loc[1, "touched_at"] == T("2024-01-10")
    # Told the ids are unique, each row stands for itself: the same for R2's row 1.
    no_dup = leads.iloc[[0, 1]]
    unique = R.lead_milestone_facts(
        any_engine.table(no_dup),
        any_engine.table(acts),
        any_engine.table(opps),
        as_of=AS_OF,
        unique_ids=True,
    )
    u = any_engine.frame(unique).sort_values(R.ROW).set_index(R.ROW)
    assert u.index.tolist() == [0, 1]
    assert u.loc[1, "touched_at"] == T("2024-01-10") and pd.isna(u.loc[0, "touched_at"])

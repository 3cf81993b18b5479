"""benchmarks/duckdb_twins.py: every DuckDB twin returns exactly the pandas report's result.

On the tiny hand-built CRM (:mod:`data.sql_fixtures`, expected numbers in the
comments) and on the small sample. The twins are not in the installed package;
this module imports them from ``benchmarks/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from data.sql_fixtures import AS_OF, same, table, tiny_tables, to_parquet, to_sqlite

import workbook
from workbook.analyses import cohort as cohorts
from workbook.analyses import engagement, hierarchy, scoring, whitespace
from workbook.core import families
from workbook.data import model, validate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import duckdb_twins  # noqa: E402

T = pd.Timestamp


@pytest.fixture(scope="module")
def tiny():
    return tiny_tables()


@pytest.fixture(scope="module")
def tiny_parquet(tmp_path_factory, tiny):
    return to_parquet(tiny, tmp_path_factory.mktemp("tiny_parquet"))


@pytest.fixture(scope="module")
def tiny_sqlite(tmp_path_factory, tiny):
    return to_sqlite(tiny, tmp_path_factory.mktemp("tiny_sqlite") / "crm.db")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from workbook.data import sample

    out = tmp_path_factory.mktemp("small_parquet")
    sample.write(out, scale="small", formats=("parquet",))
    crm = workbook.load(out, validate=False)
    return out, crm.tables, crm.as_of, duckdb_twins.sql_source(out)


# --------------------------------------------------------------------------- tiny fixture
def test_duck_follow_through_tiny_matches_pandas(tiny, tiny_parquet):
    t = tiny
    want = cohorts.follow_through(t["leads"], t["activities"], t["opportunities"], as_of=AS_OF)
    got = duckdb_twins.duck_follow_through(tiny_parquet, as_of=AS_OF)
    cols = ["cohort", "milestone", "months_since", "leads", "reached", "rate"]
    same(got, want[cols].astype({"cohort": "string", "milestone": "string"}))
    # Cohorts Jan (L1), Feb (L2), Mar (L4): 3 + 2 + 1 months observed x 4 milestones.
    assert len(got) == (3 + 2 + 1) * 4
    jan_won = got[(got["cohort"] == "2024-01") & (got["milestone"] == "won")]
    assert jan_won["reached"].tolist() == [0, 0, 1]  # won Mar 1: two months after January


def test_duck_lead_aggregates_tiny_by_hand(tiny_parquet):
    # L1: X1 (Jan 5) is before the lead's creation day (Jan 10); X2 (Jan 11, via lead) is the
    #     first touch; X3 (Jan 25, meeting on converted O1) the first meeting and the first
    #     touch on/after the Jan 12 handoff; X4 (Mar 30) the last activity; X5 (Apr 2) is after
    #     as_of. X7 (Mar 28, on O1) links through the converted opportunity too. Linked on or
    #     before as_of: X1, X2, X3, X4, X7 = 5 (X4 is linked both ways, counted once).
    # L2: X6 only. L3 (created after as_of) and L4 have no activities.
    t, nat = pd.Timestamp, pd.NaT
    want = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "touched_at": [t("2024-01-11"), t("2024-02-15"), nat, nat],
            "meeting_at": [t("2024-01-25"), nat, nat, nat],
            "first_touch_after_handoff": [t("2024-01-25"), nat, nat, nat],
            "last_activity_at": [t("2024-03-30"), t("2024-02-15"), nat, nat],
            "activities": [5, 1, 0, 0],
            "activities_before_created": [1, 0, 0, 0],
            "activities_after_as_of": [1, 0, 0, 0],
        }
    )
    dates = ["touched_at", "meeting_at", "first_touch_after_handoff", "last_activity_at"]
    want = want.astype({"lead_id": "string", **dict.fromkeys(dates, "M8[ns]")})
    same(duckdb_twins.duck_lead_aggregates(tiny_parquet, as_of=AS_OF), want)


def test_duck_ultimate_parents_cycle_and_missing_parent(tmp_path):
    accounts = table(
        "accounts",
        [
            ("10", "a", "9", None, None, None),  # 10 -> 9 -> 10: a cycle, root "9" (numeric)
            ("9", "b", "10", None, None, None),
            ("11", "c", "10", None, None, None),  # leads into the cycle: root 9, no issue
            ("12", "d", "99", None, None, None),  # parent not among accounts
            ("13", "e", "12", None, None, None),
        ],
    )
    src = to_parquet({"accounts": accounts}, tmp_path / "h")
    got = duckdb_twins.duck_ultimate_parents(src)
    want = families.ultimate_parents(accounts).sort_values("account_id")
    same(got, want.astype({"issue": "string"}))
    by_id = got.set_index("account_id")
    assert by_id.loc["11", "root_id"] == "9"
    assert by_id.loc["10", "issue"] == "cycle"
    assert by_id.loc["12", "issue"] == "missing_parent"
    assert by_id.loc["13", "depth"] == 1
    assert by_id.loc["13", "family_size"] == 2


def test_duck_functions_refuse_other_engines(tiny_sqlite):
    with pytest.raises(TypeError, match="DuckDB"):
        duckdb_twins.duck_follow_through(tiny_sqlite, as_of=AS_OF)


# --------------------------------------------------------------------------- small sample
def test_small_follow_through(small):
    _, t, as_of, src = small
    want = cohorts.follow_through(t["leads"], t["activities"], t["opportunities"], as_of=as_of)
    cols = ["cohort", "milestone", "months_since", "leads", "reached", "rate"]
    got = duckdb_twins.duck_follow_through(src, as_of=as_of)
    assert len(got) > 100
    same(got, want[cols].astype({"cohort": "string", "milestone": "string"}))


def test_small_scoring(small):
    _, t, as_of, src = small
    outcomes, _ = scoring.lead_outcomes(t["leads"], t["opportunities"], as_of=as_of)
    want = outcomes[["lead_id", "outcome", "outcome_reason"]].sort_values("lead_id")
    same(duckdb_twins.duck_lead_outcomes(src, as_of=as_of), want)
    same(duckdb_twins.duck_threshold_sweep(src, as_of=as_of), scoring.threshold_sweep(outcomes))


def test_small_hierarchy(small):
    _, t, as_of, src = small
    tree = families.ultimate_parents(t["accounts"])
    got_tree = duckdb_twins.duck_ultimate_parents(src)
    same(got_tree, tree.sort_values("account_id").astype({"issue": "string"}))
    start, end = hierarchy.default_period(as_of)
    want = hierarchy.family_revenue(t["accounts"], t["opportunities"], start=start, end=end)
    got = duckdb_twins.duck_family_revenue(src, start=start, end=end)
    assert got["revenue"].sum() > 0
    same(got, want, rtol=1e-9)


def test_small_whitespace(small):
    _, t, as_of, src = small
    cols = ["family_id", "account_id", "product_id", "siblings_owning", "family_members"]
    cols.append("peer_adoption")
    want = whitespace.sibling_gaps(t["accounts"], t["purchases"], t["products"], as_of=as_of)
    got = duckdb_twins.duck_sibling_gaps(src, as_of=as_of)
    assert len(got) > 0
    same(got, want[cols].sort_values(cols[:3]), rtol=1e-12)


def test_small_engagement(small):
    _, t, as_of, src = small
    days = engagement.window_basis(t["opportunities"], as_of=as_of)["window_days"]
    want = engagement.engagement_levels(
        t["accounts"],
        t["activities"],
        t["opportunities"],
        t["leads"],
        as_of=as_of,
        window_days=days,
    )
    got = duckdb_twins.duck_engagement_levels(src, as_of=as_of, window_days=days)
    cols = [
        "account_id",
        "recent_activities",
        "recent_opportunities",
        "recent_leads",
        "recent_records",
        "level",
    ]
    same(got, want[cols].sort_values("account_id").astype({"level": "string"}))
    assert got.attrs["high_min_records"] == want.attrs["high_min_records"]


def test_small_reference_counts(small):
    _, t, _, src = small
    issues = [i for i in validate._reference_issues(t) if i is not None]
    want = {(i.table, i.column): i.count for i in issues}
    got = duckdb_twins.duck_reference_counts(src)
    assert len(got) == len(model.REFERENCES)  # every table of the sample is present
    pairs = zip(got["table"], got["column"], strict=True)
    assert {k: v for k, v in zip(pairs, got["count"], strict=True) if v} == want
    assert sum(want.values()) > 0  # the sample plants unknown references

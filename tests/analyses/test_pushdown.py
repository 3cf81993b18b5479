"""workbook.analyses.pushdown: the reports' own expressions run in a database, on a hand-built fixture and on the small sample.

The tiny fixture (:mod:`data.sql_fixtures`) has its expected numbers worked
out by hand in the comments; the small-sample tests check that the pushed-down
aggregates give exactly the in-memory reports' results, and that the SQLite
(SQLAlchemy) path agrees with DuckDB. The DuckDB twins of whole reports (the
benchmark yardstick) are tested in ``tests/benchmarks/test_duckdb_twins.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from data.sql_fixtures import AS_OF, same, table, tiny_tables, to_parquet, to_sqlite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbook
from workbook.analyses import cohort as cohorts
from workbook.analyses import engagement, pushdown

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


def _expected_lead_aggregates():
    # L1: X1 (Jan 5) is before the lead's creation day (Jan 10); X2 (Jan 11, via lead) is the
    #     first touch; X3 (Jan 25, meeting on converted O1) the first meeting; X5 (Apr 2) is
    #     after as_of. L2: X6 (Feb 15) only. L3 is created after as_of (not in scope) and L4
    #     has no activity and no converted opportunity: neither is a row.
    nat = pd.NaT
    return pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "touched_at": [T("2024-01-11"), T("2024-02-15")],
            "meeting_at": [T("2024-01-25"), nat],
            "activities_before_created": [1, 0],
            "activities_after_as_of": [1, 0],
        }
    ).astype({"lead_id": "string", "touched_at": "M8[ns]", "meeting_at": "M8[ns]"})


def _expected_account_aggregates():
    # Window of 10 days ending Mar 31: [Mar 22 00:00, Apr 1 00:00).
    # A1: X4 (direct and via O1: once) and X7 (via O1) = 2 activities; O1 created Jan 20 is
    #     outside; L4 converted to A1, created Mar 25 = 1 lead. Last activity X4 Mar 30.
    # A2: X7 direct = 1; O2 created Mar 25 = 1. A3: X8 at 15:00 on the as_of day = 1.
    return pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "recent_activities": [2, 1, 1],
            "recent_opportunities": [0, 1, 0],
            "recent_leads": [1, 0, 0],
            "recent_records": [3, 2, 1],
        }
    ).astype({"account_id": "string"})


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_lead_aggregates_tiny_by_hand(engine, tiny_parquet, tiny_sqlite):
    source = tiny_parquet if engine == "duckdb" else tiny_sqlite
    got = pushdown.lead_activity_aggregates(source, as_of=AS_OF)
    assert list(got.columns) == pushdown.LEAD_AGGREGATE_COLUMNS
    same(got, _expected_lead_aggregates())


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_account_aggregates_tiny_by_hand(engine, tiny_parquet, tiny_sqlite):
    source = tiny_parquet if engine == "duckdb" else tiny_sqlite
    got = pushdown.account_activity_aggregates(source, as_of=AS_OF, window_days=10)
    assert list(got.columns) == pushdown.ACCOUNT_AGGREGATE_COLUMNS
    same(got, _expected_account_aggregates())


def test_account_aggregates_equal_engagement_recent_records_tiny(tiny, tiny_parquet):
    t = tiny
    want = engagement.recent_records(
        t["accounts"], t["activities"], t["opportunities"], t["leads"], as_of=AS_OF, window_days=10
    )
    got = pushdown.account_activity_aggregates(tiny_parquet, as_of=AS_OF, window_days=10)
    same(got[want.columns], want)


def test_engagement_levels_from_pushdown_counts_without_activities(tiny, tiny_sqlite):
    t = tiny
    counts = pushdown.account_activity_aggregates(tiny_sqlite, as_of=AS_OF, window_days=10)
    args = (t["accounts"], None, t["opportunities"], t["leads"])
    got = engagement.engagement_levels(*args, as_of=AS_OF, window_days=10, counts=counts)
    want = engagement.engagement_levels(
        t["accounts"], t["activities"], t["opportunities"], t["leads"], as_of=AS_OF, window_days=10
    )
    same(got, want)
    # Positive counts 3, 2, 1: p75 = 2.5 -> high from 3 records: A1 high, A2 and A3 medium.
    assert got.attrs["high_min_records"] == 3
    assert got["level"].astype(str).tolist() == ["high", "medium", "medium"]
    # An account missing from the pushed-down counts counts 0 (dormant).
    partial = engagement.engagement_levels(
        *args, as_of=AS_OF, window_days=10, counts=counts[counts["account_id"] != "A3"]
    )
    assert partial.set_index("account_id").loc["A3", "recent_records"] == 0
    assert partial.set_index("account_id").loc["A3", "level"] == "dormant"


def test_lead_milestones_from_aggregates_tiny(tiny, tiny_sqlite):
    t = tiny
    agg = pushdown.lead_activity_aggregates(tiny_sqlite, as_of=AS_OF)
    m, excl = cohorts.milestones_from_aggregates(t["leads"], t["opportunities"], agg, as_of=AS_OF)
    want = cohorts.lead_milestones(t["leads"], t["activities"], t["opportunities"], as_of=AS_OF)
    same(m, want)
    counts = dict(zip(excl["rule"], excl["count"], strict=True))
    # L3 is created after as_of; X1 is before L1's creation; X5 is after as_of.
    assert counts["leads_created_after_as_of"] == 1
    assert counts["activities_before_lead_created_ignored"] == 1
    assert counts["activities_after_as_of_ignored"] == 1
    # L1's milestones: touched Jan 11, meeting Jan 25, opportunity Jan 20, won Mar 1.
    row = m.set_index("lead_id").loc["L1"]
    assert row["touched_at"] == T("2024-01-11")
    assert row["meeting_at"] == T("2024-01-25")
    assert row["opportunity_at"] == T("2024-01-20")
    assert row["won_at"] == T("2024-03-01")


def test_follow_through_from_pushdown_milestones_without_activities(tiny, tiny_sqlite):
    t = tiny
    agg = pushdown.lead_activity_aggregates(tiny_sqlite, as_of=AS_OF)
    m, _ = cohorts.milestones_from_aggregates(t["leads"], t["opportunities"], agg, as_of=AS_OF)
    got = cohorts.follow_through(None, None, None, as_of=AS_OF, milestones=m)
    want = cohorts.follow_through(t["leads"], t["activities"], t["opportunities"], as_of=AS_OF)
    same(got, want)
    # January cohort (L1): touched Jan 11 -> reached 1 from month 0 on.
    jan = got[(got["cohort"] == "2024-01") & (got["milestone"] == "touched")]
    assert jan["reached"].tolist() == [1, 1, 1]


def test_sql_source_rejects_unknown_objects(tmp_path):
    with pytest.raises(TypeError):
        pushdown.sql_source(42)
    with pytest.raises(FileNotFoundError):
        pushdown.sql_source("/nonexistent/dir/for/pushdown")
    # SQLAlchemy is accepted for SQLite only; other databases are named by a connection string
    with pytest.raises(TypeError, match="connection string"):
        pushdown.sql_source(sa.create_engine("postgresql://u@localhost/db"))


def test_an_engine_is_a_source(tiny):
    # The reports' engine (here a fresh embedded DuckDB) holding the canonical tables.
    from workbook import engine as E

    eng = E.connect()
    for name, frame in tiny.items():
        eng.backend.create_table(name, frame)
    got = pushdown.lead_activity_aggregates(eng, as_of=AS_OF)
    same(got, _expected_lead_aggregates())


def test_table_names_can_be_mapped(tmp_path, tiny):
    # A warehouse whose activities table has another name.
    engine = to_sqlite(tiny, tmp_path / "mapped.db")
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE activities RENAME TO crm_activity"))
    with pytest.raises(LookupError, match=r"no table 'activities'.*tables=\{'activities'"):
        pushdown.lead_activity_aggregates(engine, as_of=AS_OF)
    got = pushdown.lead_activity_aggregates(
        engine, as_of=AS_OF, tables={"activities": "crm_activity"}
    )
    same(got, _expected_lead_aggregates())


def test_account_aggregates_need_positive_window(tiny_parquet):
    with pytest.raises(ValueError):
        pushdown.account_activity_aggregates(tiny_parquet, as_of=AS_OF, window_days=0)


# --------------------------------------------------------------------------- small sample
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from workbook.data import sample

    out = tmp_path_factory.mktemp("small_parquet")
    sample.write(out, scale="small", formats=("parquet",))
    crm = workbook.load(out, validate=False)
    return out, crm.tables, crm.as_of, pushdown.sql_source(out)


def test_small_pushdown_aggregates_equal_pandas_definitions(small):
    _, t, as_of, src = small
    agg = pushdown.lead_activity_aggregates(src, as_of=as_of)
    m, excl = cohorts.milestones_from_aggregates(t["leads"], t["opportunities"], agg, as_of=as_of)
    args = (t["leads"], t["activities"], t["opportunities"])
    same(m, cohorts.lead_milestones(*args, as_of=as_of))
    same(excl, cohorts.milestone_exclusions(*args, as_of=as_of))
    # the sample has activities before their lead's creation, so that count is exercised
    # (the tiny fixture has one after as_of)
    assert agg["activities_before_created"].sum() > 0
    assert agg["touched_at"].notna().sum() > 100


def test_small_sqlite_equals_duckdb(small, tmp_path):
    _, t, as_of, src = small
    engine = to_sqlite(t, tmp_path / "small.db")
    same(
        pushdown.lead_activity_aggregates(engine, as_of=as_of),
        pushdown.lead_activity_aggregates(src, as_of=as_of),
    )
    want = engagement.recent_records(
        t["accounts"], t["activities"], t["opportunities"], t["leads"], as_of=as_of, window_days=21
    )
    got = pushdown.account_activity_aggregates(engine, as_of=as_of, window_days=21)
    same(got[want.columns], want.sort_values("account_id"))


# --------------------------------------------------------------------------- property
@st.composite
def crm_tables(draw):
    """Small random CRMs: leads, opportunities and activities with random links and days."""
    n_acc, n_lead, n_opp, n_act = (
        draw(st.integers(1, 4)),
        draw(st.integers(1, 6)),
        draw(st.integers(0, 4)),
        draw(st.integers(0, 25)),
    )
    day = st.integers(0, 90).map(lambda d: str((T("2024-01-01") + pd.Timedelta(days=d)).date()))
    maybe = st.one_of(st.none(), st.just(1))
    accounts = [(f"A{i}", f"acc {i}", None, "U1", "Retail", "2020-01-01") for i in range(n_acc)]
    opps = [
        (f"O{i}", f"A{draw(st.integers(0, n_acc - 1))}", draw(day), draw(day), "x",
         draw(st.booleans()), draw(st.booleans()), 10.0, 50, "U1")
        for i in range(n_opp)
    ]  # fmt: skip
    leads = []
    for i in range(n_lead):
        conv = f"O{draw(st.integers(0, n_opp))}" if n_opp and draw(maybe) else None
        acc = f"A{draw(st.integers(0, n_acc))}" if draw(maybe) else None
        leads.append(
            (f"L{i}", draw(day), "web", "Open", 50, "U1", draw(st.one_of(st.none(), day)), None,
             acc, conv)
        )  # fmt: skip
    acts = []
    for i in range(n_act):
        lead = f"L{draw(st.integers(0, n_lead))}" if draw(maybe) else None
        acc = f"A{draw(st.integers(0, n_acc))}" if draw(maybe) else None
        opp = f"O{draw(st.integers(0, max(n_opp, 1)))}" if draw(maybe) else None
        kind = draw(st.sampled_from(["call", "meeting", "email"]))
        acts.append((f"X{i:03d}", draw(day), kind, lead, acc, opp, "U1"))
    return {
        "accounts": table("accounts", accounts),
        "leads": table("leads", leads),
        "opportunities": table("opportunities", opps),
        "activities": table("activities", acts),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=crm_tables(), as_of_day=st.integers(20, 95), window=st.integers(1, 40))
def test_pushdown_equals_pandas_on_random_crms(tmp_path_factory, tables, as_of_day, window):
    as_of = T("2024-01-01") + pd.Timedelta(days=as_of_day)
    src = to_parquet(tables, tmp_path_factory.mktemp("prop"))
    t = tables
    agg = pushdown.lead_activity_aggregates(src, as_of=as_of)
    m, excl = cohorts.milestones_from_aggregates(t["leads"], t["opportunities"], agg, as_of=as_of)
    args = (t["leads"], t["activities"], t["opportunities"])
    same(m, cohorts.lead_milestones(*args, as_of=as_of))
    same(excl, cohorts.milestone_exclusions(*args, as_of=as_of))
    want = engagement.recent_records(
        t["accounts"], t["activities"], t["opportunities"], t["leads"], as_of=as_of,
        window_days=window,
    )  # fmt: skip
    got = pushdown.account_activity_aggregates(src, as_of=as_of, window_days=window)
    same(got[want.columns], want)


def test_a_folder_of_parquet_parts_is_one_view(tiny, tiny_parquet, tmp_path):
    """``<table>/*.parquet`` reads as the table, so the aggregates equal the one-file ones."""
    parted = tmp_path / "parted"
    parted.mkdir()
    for path in tiny_parquet.iterdir():
        if path.name == "activities.parquet":
            acts = pd.read_parquet(path)
            (parted / "activities").mkdir()
            acts.iloc[:3].to_parquet(parted / "activities" / "part-00000.parquet", index=False)
            acts.iloc[3:].to_parquet(parted / "activities" / "part-00001.parquet", index=False)
        else:
            (parted / path.name).write_bytes(path.read_bytes())
    con = pushdown.parquet_connection(parted)
    assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == len(tiny["activities"])
    same(
        pushdown.lead_activity_aggregates(parted, as_of=AS_OF),
        pushdown.lead_activity_aggregates(tiny_parquet, as_of=AS_OF),
    )

"""workbook.engine on every test backend (tests/engines.py): DuckDB and PostgreSQL.

One small hand-made CrmData, its expected numbers derived beside each test:

leads (lead_id, created_at, score, converted_at)
    ``L2``   2024-01-05        10   2024-01-10
    ``L10``  2024-01-20        --   --
    ``l1``   2024-02-01 10:30  30   --
    ``007``  2024-02-29        50   2024-03-01   (a leap day; the id keeps its zeros)
opportunities (opportunity_id, account_id, created_at, close_date, is_closed, is_won, amount)
    ``O1``  A1  2024-01-10  2024-02-09  true   true   100
    ``O2``  A1  2024-03-01  --          false  false  --
    ``O3``  A2  2024-01-15  2024-01-31  true   false  50
activities (activity_id, occurred_at, type, lead_id)
    ``X1`` 2024-01-06 call L2, ``X2`` 2024-01-07 email L2, ``X3`` 2024-02-02 meeting l1,
    ``X4`` 2024-01-12 call (opportunity O1, no lead)
contacts (contact_id, account_id, is_decision_maker)
    ``C1`` A1 true, ``C2`` A1 blank, ``C3`` A2 false
accounts
    ``A1`` (top level), ``A2`` (parent A1)
"""

from __future__ import annotations

import gc

import engines
import ibis
import pandas as pd
import pytest

from workbook import engine as E
from workbook.data import model
from workbook.data.coercion import coerce_table

#: pandas dtype of each column kind of workbook.data.model (what the loader gives).
PANDAS_TYPES = {
    "id": "string",
    "text": "string",
    "category": "string",
    "date": "datetime64[ns]",
    "bool": "boolean",
    "number": "float64",
}


def canonical_types(table: str) -> dict[str, str]:
    """``Engine.frame(types=...)`` that gives back the loader's dtypes of ``table``."""
    return {c.name: PANDAS_TYPES[c.kind] for c in model.SPECS[table].columns}


def _table(name: str, rows: dict) -> pd.DataFrame:
    return coerce_table(pd.DataFrame(rows).reindex(columns=model.SPECS[name].column_names), name)


@pytest.fixture(scope="module")
def crm() -> model.CrmData:
    tables = {
        "accounts": _table(
            "accounts",
            {"account_id": ["A1", "A2"], "name": ["Acme", "Acme Sub"], "parent_id": [None, "A1"]},
        ),
        "leads": _table(
            "leads",
            {
                "lead_id": ["L2", "L10", "l1", "007"],
                "created_at": ["2024-01-05", "2024-01-20", "2024-02-01 10:30", "2024-02-29"],
                "score": ["10", "", "30", "50"],
                "converted_at": ["2024-01-10", "", "", "2024-03-01"],
            },
        ),
        "opportunities": _table(
            "opportunities",
            {
                "opportunity_id": ["O1", "O2", "O3"],
                "account_id": ["A1", "A1", "A2"],
                "created_at": ["2024-01-10", "2024-03-01", "2024-01-15"],
                "close_date": ["2024-02-09", "", "2024-01-31"],
                "is_closed": ["true", "false", "true"],
                "is_won": ["true", "false", "false"],
                "amount": ["100", "", "50"],
            },
        ),
        "activities": _table(
            "activities",
            {
                "activity_id": ["X1", "X2", "X3", "X4"],
                "occurred_at": ["2024-01-06", "2024-01-07", "2024-02-02", "2024-01-12"],
                "type": ["call", "email", "meeting", "call"],
                "lead_id": ["L2", "L2", "l1", None],
                "opportunity_id": [None, None, None, "O1"],
            },
        ),
        "contacts": _table(
            "contacts",
            {
                "contact_id": ["C1", "C2", "C3"],
                "account_id": ["A1", "A1", "A2"],
                "is_decision_maker": ["true", "", "false"],
            },
        ),
    }
    return model.CrmData(tables=tables, source="test", as_of=pd.Timestamp("2024-03-31"))


def test_both_backends_are_tested():
    assert engines.ENGINE_NAMES == ["duckdb", "postgres"]


# -- registration ------------------------------------------------------------------


def test_tables_registers_every_loaded_table_with_its_rows(any_engine, crm):
    tables = any_engine.tables(crm)
    assert set(tables) == {"accounts", "leads", "opportunities", "activities", "contacts"}
    for name, t in tables.items():
        assert t.columns == tuple(model.SPECS[name].column_names)
        assert any_engine.frame(t.count().as_table()).iloc[0, 0] == len(crm.tables[name])


def test_tables_asked_by_name_skips_tables_not_loaded(any_engine, crm):
    # users and products are not in this CrmData.
    assert list(any_engine.tables(crm, ["leads", "users", "products"])) == ["leads"]


def test_a_frame_is_registered_once_per_engine(any_engine, crm):
    first = any_engine.tables(crm, ["leads"])["leads"].get_name()
    assert any_engine.tables(crm, ["leads"])["leads"].get_name() == first
    assert first in any_engine.backend.list_tables()


def test_registering_a_frame_makes_one_table(any_engine, crm):
    before = set(any_engine.backend.list_tables())
    name = any_engine.tables(crm, ["activities"])["activities"].get_name()
    # No staging copy left behind (ibis's create_table on PostgreSQL leaves one).
    assert set(any_engine.backend.list_tables()) - before == {name}


def test_empty_strings_stay_apart_from_missing_ones(any_engine):
    frame = pd.DataFrame(
        {"k": [1, 2, 3, 4], "s": pd.array(["", None, "a", 'say "hi", then\nleave'], dtype="string")}
    )
    out = any_engine.frame(any_engine.table(frame).order_by("k"), types={"s": "string"})
    assert out["s"].tolist() == ["", pd.NA, "a", 'say "hi", then\nleave']


def test_an_untyped_column_is_refused_on_postgres(postgres_server, tmp_path, request):
    eng = engines.make("postgres", tmp_path, request)
    with pytest.raises(TypeError, match=r"\['o'\] have no type"):
        eng.table(pd.DataFrame({"o": [None, None]}))


def test_a_frame_garbage_collected_is_dropped_from_the_engine(any_engine):
    frame = pd.DataFrame({"a": [1, 2, 3]})
    name = any_engine.table(frame).get_name()
    assert name in any_engine.backend.list_tables()
    del frame
    gc.collect()
    assert any_engine.drop_collected() >= 1
    assert name not in any_engine.backend.list_tables()


def test_registered_columns_have_the_canonical_ibis_types(any_engine, crm):
    for name, t in any_engine.tables(crm).items():
        got = {c: str(ty).split("(")[0] for c, ty in t.schema().items()}
        # timestamp(9) on DuckDB, timestamp(6) on PostgreSQL: the precision differs, the kind not.
        want = {c.name: E.core.KIND_TYPES[c.kind] for c in model.SPECS[name].columns}
        assert got == want, name


# -- dtypes back through Arrow ------------------------------------------------------


@pytest.mark.parametrize("name", ["leads", "opportunities", "activities", "contacts"])
def test_a_table_round_trips_with_the_canonical_types(any_engine, crm, name):
    key = model.SPECS[name].primary_key
    t = any_engine.tables(crm, [name])[name]
    back = any_engine.frame(t.order_by(key), types=canonical_types(name))
    want = crm.tables[name].sort_values(key, ignore_index=True)
    # pandas sorts as Python does (byte order for ASCII), as the C-locale server does.
    pd.testing.assert_frame_equal(back, want)


def test_timestamps_come_back_in_nanoseconds_without_being_asked(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    out = any_engine.frame(t.select("lead_id", "created_at", month=t.created_at.truncate("M")))
    assert str(out["created_at"].dtype) == "datetime64[ns]"
    assert str(out["month"].dtype) == "datetime64[ns]"


def test_without_types_strings_and_nullable_booleans_come_back_as_arrow_gives_them(any_engine, crm):
    # The same on every engine: pandas' default str dtype (missing = NaN), and a boolean
    # column with a NULL as objects; types= gives the canonical string / boolean.
    c = any_engine.tables(crm, ["contacts"])["contacts"]
    out = any_engine.frame(c.order_by("contact_id"))
    assert pd.api.types.is_string_dtype(out["contact_id"])
    assert out["is_decision_maker"].tolist() == [True, None, False]
    typed = any_engine.frame(c.order_by("contact_id"), types={"is_decision_maker": "boolean"})
    assert typed["is_decision_maker"].tolist() == [True, pd.NA, False]


# -- booleans ---------------------------------------------------------------------


def test_booleans_are_counted_with_ifelse(any_engine, crm):
    o = any_engine.tables(crm, ["opportunities"])["opportunities"]
    expr = (
        o.group_by("account_id")
        .agg(
            deals=o.count(),
            won=ibis.ifelse(o.is_won, 1, 0).sum(),
            closed=ibis.ifelse(o.is_closed, 1, 0).sum(),
            won_amount=o.amount.sum(where=o.is_won),
        )
        .order_by("account_id")
    )
    out = any_engine.frame(expr)
    # A1: O1 won and closed (100), O2 open. A2: O3 closed, lost, so no won amount (NULL).
    assert out["account_id"].tolist() == ["A1", "A2"]
    assert out["deals"].tolist() == [2, 1]
    assert out["won"].tolist() == [1, 0]
    assert out["closed"].tolist() == [1, 1]
    assert out["won_amount"].iloc[0] == 100.0
    assert pd.isna(out["won_amount"].iloc[1])


def test_a_null_boolean_is_neither_true_nor_false(any_engine, crm):
    c = any_engine.tables(crm, ["contacts"])["contacts"]
    dm = c.is_decision_maker
    out = any_engine.frame(
        c.agg(
            yes=ibis.ifelse(dm, 1, 0).sum(),
            no=ibis.ifelse(~dm, 1, 0).sum(),
            blank=ibis.ifelse(dm.isnull(), 1, 0).sum(),
            known=dm.count(),
        )
    )
    # C1 true, C3 false, C2 blank; count() counts the two known values.
    assert out.iloc[0].tolist() == [1, 1, 1, 2]
    assert any_engine.frame(c.filter(dm).contact_id.as_table())["contact_id"].tolist() == ["C1"]


# -- timestamps --------------------------------------------------------------------


def test_timestamp_filters_keep_the_time_of_day(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    before = t.filter(t.created_at < pd.Timestamp("2024-02-01")).order_by("lead_id")
    # l1 was created at 2024-02-01 10:30: not before midnight of the 1st.
    assert any_engine.frame(before.lead_id.as_table())["lead_id"].tolist() == ["L10", "L2"]
    noon = t.filter(t.created_at > ibis.timestamp("2024-02-01 10:00:00"))
    assert sorted(any_engine.frame(noon.lead_id.as_table())["lead_id"]) == ["007", "l1"]


def test_day_differences_and_months(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    expr = t.select(
        "lead_id",
        days=t.converted_at.delta(t.created_at, unit="day"),
        month=t.created_at.truncate("M"),
    ).order_by("lead_id")
    out = any_engine.frame(expr)
    assert out["lead_id"].tolist() == ["007", "L10", "L2", "l1"]
    # 007: 2024-02-29 -> 2024-03-01 is 1 day (leap year); L2: 01-05 -> 01-10 is 5 days.
    assert out["days"].iloc[[0, 2]].tolist() == [1, 5]
    assert out["days"].iloc[[1, 3]].isna().all()
    assert out["month"].tolist() == pd.to_datetime(
        ["2024-02-01", "2024-01-01", "2024-01-01", "2024-02-01"]
    ).tolist()


def test_min_and_max_timestamps(any_engine, crm):
    a = any_engine.tables(crm, ["activities"])["activities"]
    out = any_engine.frame(a.agg(first=a.occurred_at.min(), last=a.occurred_at.max()))
    assert out.iloc[0].tolist() == [pd.Timestamp("2024-01-06"), pd.Timestamp("2024-02-02")]


# -- NaT / NULL --------------------------------------------------------------------


def test_nat_and_nan_arrive_as_null(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    out = any_engine.frame(
        t.agg(
            scored=t.score.count(),
            mean_score=t.score.mean(),
            converted=t.converted_at.count(),
            not_converted=ibis.ifelse(t.converted_at.isnull(), 1, 0).sum(),
        )
    )
    # Scores 10, 30, 50 and one blank: 3 counted, mean 30 (the blank is NULL, not NaN,
    # else the mean would be NaN). Converted: L2 and 007.
    assert out.iloc[0].tolist() == [3, 30.0, 2, 2]


def test_null_comes_back_as_nat_and_nan(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    out = any_engine.frame(t.filter(t.lead_id == "L10").select("score", "converted_at"))
    assert pd.isna(out["score"].iloc[0]) and pd.isna(out["converted_at"].iloc[0])
    assert str(out["converted_at"].dtype) == "datetime64[ns]"


def test_a_null_key_never_joins(any_engine, crm):
    tables = any_engine.tables(crm, ["leads", "activities"])
    leads, acts = tables["leads"], tables["activities"]
    per_lead = acts.group_by("lead_id").agg(n=acts.count())
    joined = leads.left_join(per_lead, "lead_id").select(
        leads.lead_id, n=ibis.coalesce(per_lead.n, 0)
    )
    out = any_engine.frame(joined.order_by("lead_id"))
    # X4 has no lead: its NULL lead_id group matches no lead.
    assert dict(zip(out["lead_id"], out["n"], strict=True)) == {"007": 0, "L10": 0, "L2": 2, "l1": 1}


# -- string ids --------------------------------------------------------------------


def test_string_ids_sort_byte_wise_and_keep_their_zeros(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    out = any_engine.frame(t.order_by("lead_id").lead_id.as_table(), types={"lead_id": "string"})
    # C-locale order: digits < upper case < lower case, character by character, so
    # "L10" < "L2" and "l1" comes last; a locale-aware collation would put "l1" first.
    assert out["lead_id"].tolist() == ["007", "L10", "L2", "l1"]
    assert str(out["lead_id"].dtype) == "string"


def test_string_ids_join_case_sensitively(any_engine, crm):
    tables = any_engine.tables(crm, ["leads"])
    # Keep the frame: an engine drops a registered frame when it is garbage collected.
    asked = pd.DataFrame({"lead_id": pd.array(["L1", "l1", "7"], dtype="string")})
    joined = tables["leads"].inner_join(any_engine.table(asked), "lead_id")
    # Only "l1" matches: "L1" differs in case and "7" is not "007".
    assert any_engine.frame(joined.lead_id.as_table())["lead_id"].tolist() == ["l1"]


# -- sql -------------------------------------------------------------------------------


def test_sql_compiles_for_the_engine_and_for_a_named_dialect(any_engine, crm):
    t = any_engine.tables(crm, ["leads"])["leads"]
    expr = t.filter(t.score > 20).select("lead_id")
    own = any_engine.sql(expr)
    assert t.get_name() in own and "WHERE" in own
    assert f"`{t.get_name()}`" in any_engine.sql(expr, dialect="bigquery")  # BigQuery's quotes
    # The engine runs the SQL it shows: the same two leads. (raw_sql, not backend.sql:
    # on PostgreSQL ibis 12.0 + sqlglot >= 30.18 fails there; see docs/performance.md.)
    rows = any_engine.backend.raw_sql(own).fetchall()
    assert sorted(r[0] for r in rows) == ["007", "l1"]


def test_a_cut_view_registers_its_own_rows(any_engine, crm):
    cut = crm.as_known_at("2024-01-31")
    leads = any_engine.tables(cut, ["leads"])["leads"]
    # Leads created by 2024-01-31: L2 and L10.
    assert sorted(any_engine.frame(leads.lead_id.as_table())["lead_id"]) == ["L10", "L2"]
    full = any_engine.tables(crm, ["leads"])["leads"]
    assert any_engine.frame(full.count().as_table()).iloc[0, 0] == 4


def test_a_crm_bound_to_an_engine_computes_there_and_so_do_its_cuts(any_engine, crm):
    bound = engines.on(any_engine, crm)
    assert E.for_crm(bound) is any_engine
    assert E.for_crm(bound.as_known_at("2024-01-31")) is any_engine
    assert "engine" not in crm.metadata  # the original is untouched
    assert E.for_crm(crm) is E.default()


# -- the whole bundled sample ------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_crm() -> model.CrmData:
    import workbook

    return workbook.load(None)


def test_the_bundled_sample_round_trips_on_every_engine(any_engine, sample_crm):
    # Every table, every column: CJK and Thai names, blank dates and amounts, booleans.
    # Sorted by the primary key (all columns for purchases, which has none), as pandas sorts.
    for name, t in any_engine.tables(sample_crm).items():
        spec = model.SPECS[name]
        key = spec.primary_key or spec.column_names
        back = any_engine.frame(t.order_by(key), types=canonical_types(name))
        want = sample_crm.tables[name].sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(back, want, obj=name)


def test_the_bundled_sample_aggregates_as_pandas_does(any_engine, sample_crm):
    a = any_engine.tables(sample_crm, ["activities"])["activities"]
    expr = a.group_by("type").agg(
        n=a.count(), leads=a.lead_id.nunique(), last=a.occurred_at.max()
    ).order_by("type")
    got = any_engine.frame(expr, types={"type": "string"}).set_index("type")
    acts = sample_crm.activities
    want = acts.groupby("type").agg(
        n=("activity_id", "size"), leads=("lead_id", "nunique"), last=("occurred_at", "max")
    )
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


# -- the PostgreSQL server itself ------------------------------------------------------


def test_the_postgres_engine_is_on_loopback_in_c_locale(postgres_server, tmp_path, request):
    eng = engines.make("postgres", tmp_path, request)
    assert eng.name == "postgres"
    assert eng.url.startswith("postgres://postgres@127.0.0.1:")
    con = eng.backend
    # pg_database, not SHOW lc_collate: that setting is gone from PostgreSQL 16 on.
    collate = con.raw_sql(
        "select datcollate from pg_database where datname = current_database()"
    ).fetchone()[0]
    assert collate == "C"
    assert con.raw_sql("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"


_real_free_port = engines._free_port


def test_a_port_clash_starts_the_server_on_another_port(postgres_server, monkeypatch):
    taken = postgres_server.port
    ports = iter([taken])
    monkeypatch.setattr(engines, "_free_port", lambda: next(ports, None) or _real_free_port())
    server = engines.PostgresServer.start()
    try:
        assert server.port not in (None, taken)
        assert "already in use" in server.read_log()
        name = server.create_database()
        server.drop_database(name)
    finally:
        server.stop()
    assert not server.root.exists()


def test_a_server_that_cannot_start_fails_with_its_log(monkeypatch, tmp_path):
    monkeypatch.setenv(engines.PG_BIN_ENV, str(tmp_path / "no-postgres-here"))
    with pytest.raises(engines.PostgresUnavailable, match="(?s)initdb failed.*no-postgres-here"):
        engines.PostgresServer.start()


def test_a_server_that_cannot_bind_fails_with_its_log(monkeypatch):
    # Port 1 is privileged: the postgres user cannot bind it, which is no port clash.
    monkeypatch.setattr(engines, "_free_port", lambda: 1)
    with pytest.raises(engines.PostgresUnavailable, match="(?s)did not start on 127.0.0.1:1 .*postgres.log.*Permission denied"):
        engines.PostgresServer.start()


# -- naming an engine: workbook.load(engine=...), for_url, bind ------------------------


def test_load_with_an_engine_binds_it_and_keeps_the_tables(postgres_server, request):
    import workbook

    database = postgres_server.create_database()
    request.addfinalizer(lambda: postgres_server.drop_database(database))
    url = postgres_server.url(database)
    crm = workbook.load(None, tables=["leads"], engine=url)
    engine = E.for_crm(crm)
    assert engine.name == "postgres" and engine.url == url
    assert E.for_url(url) is engine  # one connection per URL and process
    plain = workbook.load(None, tables=["leads"], engine="duckdb")
    assert E.for_crm(plain) is E.default() and "engine" not in plain.metadata
    pd.testing.assert_frame_equal(crm.leads, plain.leads)
    engine.backend.disconnect()
    E.core._by_url.pop(url)


def test_load_names_an_unreachable_engine_before_reading_anything(tmp_path):
    import workbook

    missing = tmp_path / "no-such-export"  # would be a DataValidationError if it were read
    with pytest.raises(ValueError, match=r"engine postgres://ana:\*\*\*@127.0.0.1:1/crm: cannot connect"):
        workbook.load(missing, engine="postgres://ana:hidden@127.0.0.1:1/crm")


def test_load_reads_workbook_engine_when_given_none(monkeypatch, any_engine):
    import workbook

    monkeypatch.setattr(E.core, "_by_url", {"postgres://given@here/db": any_engine})
    monkeypatch.setenv("WORKBOOK_ENGINE", "postgres://given@here/db")
    assert E.for_crm(workbook.load(None, tables=["leads"])) is any_engine
    assert E.for_crm(workbook.load(None, tables=["leads"], engine="")) is E.default()


def test_bind_shares_the_tables_and_a_snapshot_of_a_bound_crm_holds_no_engine(any_engine, tmp_path):
    from workbook.data import snapshot

    crm = model.CrmData(tables={"leads": _table("leads", {"lead_id": ["L1"]})}, as_of=None)
    bound = E.bind(crm, any_engine)
    assert bound.leads is crm.leads and E.for_crm(bound) is any_engine
    folder = snapshot.write(bound, tmp_path / "snap")
    back = snapshot.read(folder)
    assert "engine" not in back.metadata and E.for_crm(back) is E.default()


@pytest.mark.parametrize("report", ["data_quality", "whitespace"])
def test_reports_build_their_family_tree_on_the_bound_engine(any_engine, sample_crm, report):
    import importlib

    R = importlib.import_module(f"workbook.analyses.{report}")
    registered = []
    table = any_engine.table

    def spy(frame, label="t"):
        registered.append(tuple(frame.columns))
        return table(frame, label)

    any_engine.table = spy  # the instance's own attribute; the engine is the test's alone
    R.run(engines.on(any_engine, sample_crm))
    assert ("account_id", "parent_id") in [cols[:2] for cols in registered]

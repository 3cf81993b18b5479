"""workbook.engine: registration of a CrmData's frames and results through Arrow."""

import gc
import threading

import ibis
import numpy as np
import pandas as pd
import pytest

import workbook
from workbook import engine as E


@pytest.fixture(scope="module")
def crm():
    return workbook.load(None)


def test_tables_count_the_loaded_rows(crm):
    eng = E.connect()
    tables = eng.tables(crm)
    assert set(tables) == set(crm.tables)
    for name, t in tables.items():
        assert t.count().execute() == len(crm.tables[name])


def test_a_cut_view_registers_its_own_rows(crm):
    eng = E.connect()
    cut = crm.as_known_at("2024-01-31")
    assert len(cut.leads) < len(crm.leads)
    assert eng.tables(cut, ["leads"])["leads"].count().execute() == len(cut.leads)
    assert eng.tables(crm, ["leads"])["leads"].count().execute() == len(crm.leads)


def test_one_frame_is_registered_once_and_dropped_with_it():
    eng = E.connect()
    frame = pd.DataFrame({"a": [1, 2, 3]})
    first = eng.table(frame).get_name()
    assert eng.table(frame).get_name() == first
    del frame
    gc.collect()
    # Dropped at the engine's next use, not inside the garbage collector.
    assert first in eng.backend.list_tables()
    assert eng.drop_collected() == 1
    assert first not in eng.backend.list_tables()
    assert eng.drop_collected() == 0


def test_the_next_query_drops_the_tables_of_collected_frames():
    eng = E.connect()
    frame = pd.DataFrame({"a": [1, 2, 3]})
    name = eng.table(frame).get_name()
    del frame
    gc.collect()
    assert eng.arrow(ibis.literal(1).name("one").as_table()).num_rows == 1
    assert name not in eng.backend.list_tables()


def test_a_frame_freed_while_a_query_runs_neither_deadlocks_nor_breaks_the_query():
    # The frame's last reference goes inside the query (a Python function DuckDB
    # calls per row), as when a kernel's other thread collects garbage mid-query:
    # dropping its table there deadlocked the connection.
    eng = E.connect()
    victim = [pd.DataFrame({"a": [1, 2]})]
    name = eng.table(victim[0], "victim").get_name()
    rows = pd.DataFrame({"x": np.arange(50_000)})
    big = eng.table(rows, "big")

    def free_the_victim(x):
        if victim:
            victim.clear()
            gc.collect()
        return x

    eng.backend.con.create_function("free_the_victim", free_the_victim, ["BIGINT"], "BIGINT")
    out = {}

    def query():
        sql = f'SELECT sum(free_the_victim(x)) AS s FROM "{big.get_name()}"'
        out["s"] = eng.sql_arrow(sql).column("s")[0].as_py()

    worker = threading.Thread(target=query, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the query deadlocked"
    assert out["s"] == 50_000 * 49_999 // 2
    assert not victim
    assert name in eng.backend.list_tables()  # noted, not dropped under the query
    assert eng.drop_collected() == 1
    assert name not in eng.backend.list_tables()


def test_frame_comes_back_through_arrow_with_the_asked_types():
    eng = E.connect()
    frame = pd.DataFrame({"k": ["a", "b", "a"], "v": [1.0, 2.0, 4.0]})
    t = eng.table(frame)
    out = eng.frame(t.group_by("k").agg(total=t.v.sum()).order_by("k"), types={"k": "string"})
    assert out["k"].tolist() == ["a", "b"]
    assert out["total"].tolist() == [5.0, 2.0]
    assert str(out["k"].dtype) == "string"


def test_embedded_duckdb_spills_and_never_downloads_extensions(tmp_path):
    eng = E.connect(memory_limit="512MB", temp_directory=str(tmp_path))
    con = eng.backend
    assert con.raw_sql("select current_setting('temp_directory')").fetchone()[0] == str(tmp_path)
    assert "MiB" in con.raw_sql("select current_setting('memory_limit')").fetchone()[0]
    assert con.raw_sql("select current_setting('autoinstall_known_extensions')").fetchone()[0] is False


def test_a_query_keeps_the_engines_thread_count_and_its_answer():
    # arrow() restarts the embedded workers after a query that grew the process
    # (release_worker_memory): the configured thread count survives it, and so do the
    # registered tables and the next query's answer
    eng = E.connect(threads=3)
    frame = pd.DataFrame({"k": ["a", "b", "a"], "v": [1, 2, 4]})
    t = eng.table(frame)
    expr = t.group_by("k").agg(n=t.v.sum()).order_by("k")
    assert eng.arrow(expr).to_pydict() == {"k": ["a", "b"], "n": [5, 2]}
    eng.release_worker_memory()
    assert eng.backend.raw_sql("select current_setting('threads')").fetchone()[0] == 3
    assert eng.arrow(expr).to_pydict() == {"k": ["a", "b"], "n": [5, 2]}
    one = E.connect(threads=1)
    one.release_worker_memory()
    assert one.backend.raw_sql("select current_setting('threads')").fetchone()[0] == 1


def test_one_thread_is_restarted_too():
    # a kernel of `run --jobs 2` on 2 cores runs DuckDB with one thread: the restart goes
    # through two threads and back (through one, it would change nothing and free nothing)
    class Recording:
        def __init__(self, con):
            self.con, self.sql = con, []

        def execute(self, sql, *args):
            self.sql.append(sql)
            return self.con.execute(sql, *args)

    for threads, expected in ((1, ["SET threads = 2", "SET threads = 1"]),
                              (3, ["SET threads = 1", "SET threads = 3"])):  # fmt: skip
        eng = E.connect(threads=threads)
        recording = Recording(eng.backend.con)
        eng.backend.con = recording
        eng.release_worker_memory()
        assert [q for q in recording.sql if q.startswith("SET")] == expected
        assert recording.con.execute("select current_setting('threads')").fetchone()[0] == threads


def test_a_query_that_grows_the_process_restarts_the_workers(monkeypatch):
    eng = E.connect(threads=2)
    frame = pd.DataFrame({"v": [1, 2, 3]})
    expr = eng.table(frame).v.sum().name("s").as_table()
    restarts = []
    monkeypatch.setattr(E.Engine, "release_worker_memory", lambda self: restarts.append(self))
    sizes = iter([100.0, 100.0 + E.core.RELEASE_AFTER_MB / 2, 100.0, 100.0 + 2 * E.core.RELEASE_AFTER_MB])
    monkeypatch.setattr(E.core, "_resident_private_mb", lambda: next(sizes))
    assert eng.arrow(expr).to_pydict() == {"s": [6]}
    assert restarts == []  # grew by half the threshold
    assert eng.arrow(expr).to_pydict() == {"s": [6]}
    assert restarts == [eng]  # grew by twice the threshold


def test_for_crm_uses_the_loads_engine_else_the_default(crm):
    mine = E.connect()
    other = workbook.data.model.CrmData(tables=dict(crm.tables), metadata={"engine": mine})
    assert E.for_crm(other) is mine
    assert E.for_crm(crm) is E.default()


def test_any_engine_runs_a_group_by(any_engine):
    frame = pd.DataFrame({"k": ["a", "b", "a"], "v": [1.0, 2.0, 4.0]})
    t = any_engine.table(frame)
    out = any_engine.frame(t.group_by("k").agg(total=t.v.sum()).order_by("k"))
    assert out["total"].tolist() == [5.0, 2.0]

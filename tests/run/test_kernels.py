"""The runner's kernels: thread pools, memory pool and environment (``workbook.run.kernels``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.run.kernels import LocalKernelManager
from workbook.run.lock import kernel_dir


def test_kernel_threads_share_the_cores_out_between_parallel_kernels():
    from workbook.run.kernels import kernel_threads

    assert kernel_threads(2, cpus=2) == 1
    assert kernel_threads(2, cpus=8) == 4
    assert kernel_threads(3, cpus=8) == 2
    assert kernel_threads(4, cpus=2) == 1  # never below one
    assert kernel_threads(0, cpus=4) == 4


def test_kernel_env_sizes_thread_pools_and_picks_jemalloc():
    import sys

    import pyarrow as pa

    from workbook.run.kernels import THREAD_ENV, kernel_env

    env = kernel_env(2, cpus=4)
    assert {name: env[name] for name in THREAD_ENV} == dict.fromkeys(THREAD_ENV, "2")
    on_linux = sys.platform.startswith("linux")
    assert (env.get("ARROW_DEFAULT_MEMORY_POOL") == "jemalloc") == on_linux
    if on_linux:  # the choice is one this pyarrow can make (its Linux wheels have jemalloc)
        assert "jemalloc" in pa.supported_memory_backends()


def test_kernel_manager_adds_the_run_env_where_the_user_did_not_set_it(monkeypatch):
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from workbook.run.kernels import LocalKernelManager

    seen = {}

    async def fake_pre_start(self, **kw):  # what the base class would launch with
        seen.update(kw)
        return [], kw

    monkeypatch.setattr(AsyncKernelManager, "_async_pre_start_kernel", fake_pre_start)
    monkeypatch.setattr(LocalKernelManager, "extra_env", {"OMP_NUM_THREADS": "1", "WB_X": "a"})
    monkeypatch.setattr(LocalKernelManager, "run_env", {})  # a run in this process may have set it
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's choice wins
    asyncio.run(LocalKernelManager()._async_pre_start_kernel())
    assert seen["env"]["OMP_NUM_THREADS"] == "3" and seen["env"]["WB_X"] == "a"
    assert seen["env"]["PATH"] == __import__("os").environ["PATH"]  # the rest inherited
    seen.clear()
    asyncio.run(LocalKernelManager()._async_pre_start_kernel(env={"WB_X": "mine"}))
    assert seen["env"] == {"WB_X": "mine", "OMP_NUM_THREADS": "1"}


def test_the_runs_engine_is_set_over_the_users_own(monkeypatch):
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    seen = {}

    async def fake_pre_start(self, **kw):
        seen.update(kw)
        return [], kw

    monkeypatch.setattr(AsyncKernelManager, "_async_pre_start_kernel", fake_pre_start)
    monkeypatch.setattr(LocalKernelManager, "extra_env", {})
    monkeypatch.setattr(LocalKernelManager, "run_env", {"WORKBOOK_ENGINE": "postgres://a@b/c"})
    # The plan already read the user's WORKBOOK_ENGINE (its lowest source); --engine beat it.
    monkeypatch.setenv("WORKBOOK_ENGINE", "postgres://old@b/c")
    asyncio.run(LocalKernelManager()._async_pre_start_kernel())
    assert seen["env"]["WORKBOOK_ENGINE"] == "postgres://a@b/c"


def test_kernel_files_live_in_the_run_folder_and_shutdown_does_not_interrupt(tmp_path):
    import asyncio

    with kernel_dir() as folder:
        km = LocalKernelManager(kernel_name="python3")
        assert Path(km.connection_file).parent == folder
        assert km.ip.startswith(str(folder)) and km.transport == "ipc"
    with pytest.raises(RuntimeError, match="No kernel is running"):
        asyncio.run(km._async_interrupt_kernel())
    km.shutting_down = True  # what shutdown_kernel sets before it would interrupt
    asyncio.run(km._async_interrupt_kernel())  # skipped: no SIGINT, no KeyboardInterrupt log


def test_kernels_size_embedded_duckdb_like_the_other_pools(monkeypatch):
    from workbook.engine import connect
    from workbook.engine.core import THREADS_ENV
    from workbook.run.kernels import THREAD_ENV, kernel_env

    def threads(engine) -> int:
        return engine.backend.raw_sql("SELECT current_setting('threads')").fetchone()[0]

    assert THREADS_ENV in THREAD_ENV  # the runner's spelling is the engine's
    assert kernel_env(2, cpus=2)[THREADS_ENV] == "1"
    monkeypatch.delenv(THREADS_ENV, raising=False)
    own = threads(connect())  # DuckDB's default: one per core
    monkeypatch.setenv(THREADS_ENV, "1")
    assert threads(connect()) == 1
    assert threads(connect(threads=2)) == 2  # an explicit count wins
    for unusable in ("", "zero", "0", "-3"):  # ignored: DuckDB's default
        monkeypatch.setenv(THREADS_ENV, unusable)
        assert threads(connect()) == own

"""The runner's kernels: where their sockets live, how they stop, what environment they get.

:class:`LocalKernelManager` is the kernel manager papermill starts each
report's kernel with (:mod:`workbook.run.execute`); :func:`kernel_env` is
the environment the runner adds to it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from typing import ClassVar

from jupyter_client.manager import AsyncKernelManager

from workbook.run.lock import KERNEL_DIR_ENV

__all__ = ["THREAD_ENV", "LocalKernelManager", "kernel_env", "kernel_threads"]


#: Environment variables that size the numerical thread pools of a kernel: OpenMP
#: (and Arrow's CPU pool, which reads OMP_NUM_THREADS), OpenBLAS, MKL and embedded
#: DuckDB (``workbook.engine.core.THREADS_ENV``, spelled out here: the runner does not
#: import the engine).
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "WORKBOOK_DUCKDB_THREADS")


def kernel_threads(workers: int, cpus: int | None = None) -> int:
    """Threads each kernel's numerical libraries may use when ``workers`` kernels run at once.

    The machine's cores shared out between the kernels (at least one each),
    as joblib's loky workers do: OpenBLAS threads spin while they wait for
    work, so two kernels each starting a pool as wide as the machine take
    each other's cores.
    """
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    return max(1, cpus // max(1, workers))


def kernel_env(workers: int, cpus: int | None = None) -> dict[str, str]:
    """Environment the runner adds to each kernel's (a variable the user set wins).

    * the thread pools sized by :func:`kernel_threads`;
    * ``ARROW_DEFAULT_MEMORY_POOL=jemalloc`` on Linux, whose pyarrow wheels
      all have it: Arrow's default mimalloc pool keeps the memory a report's
      text columns freed (650 MB after ``scoring.run`` on the large sample),
      which then sits beside the other kernels; jemalloc returns it
      (measured: scoring's peak 2,150 -> 1,960 MB, 1,980 -> 1,570 MB after
      the run). A build without jemalloc warns once and keeps its default.
      Decided without importing pyarrow, which the main process otherwise
      does not need (35 MB).
    """
    env = {name: str(kernel_threads(workers, cpus)) for name in THREAD_ENV}
    if sys.platform.startswith("linux"):
        env["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
    return env


class LocalKernelManager(AsyncKernelManager):
    """Kernel manager for the runner: IPC sockets in the run's kernel folder, quiet shutdown.

    * The kernel runs on this machine only; IPC keeps its traffic off the
      network and stops ipykernel's "running over TCP without encryption"
      warning from cluttering every run's progress output.
    * The connection file and the sockets live in ``$WORKBOOK_KERNEL_DIR``
      (:func:`workbook.run.lock.kernel_dir`, removed on every exit path),
      under a name of their own so kernels running in parallel (--jobs)
      never share a socket.
    * jupyter_client interrupts (SIGINT) a kernel before asking it to shut
      down; a finished notebook has nothing to interrupt, and the interrupt
      made ipykernel log ``KeyboardInterrupt caught in kernel`` in about a
      third of runs. The interrupt is skipped during shutdown.
    * The kernel's environment gets :attr:`extra_env` (:func:`kernel_env`),
      where the user has not set those variables, and :attr:`run_env` (the
      run's engine, ``WORKBOOK_ENGINE``) over them.
    """

    transport = "ipc"
    #: Added to each kernel's environment (set by the runner before a notebook starts).
    extra_env: ClassVar[dict[str, str]] = {}
    #: Set in each kernel's environment over the user's own: the run's settings
    #: that the plan already resolved from it (``WORKBOOK_ENGINE``).
    run_env: ClassVar[dict[str, str]] = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        folder = os.environ.get(KERNEL_DIR_ENV) or tempfile.gettempdir()
        stem = os.path.join(folder, f"k-{uuid.uuid4().hex[:12]}")
        self.connection_file = f"{stem}.json"
        self.ip = f"{stem}-ipc"

    async def _async_pre_start_kernel(self, **kw):
        env = dict(kw.pop("env", None) or os.environ)
        for name, value in self.extra_env.items():
            env.setdefault(name, value)
        env.update(self.run_env)
        return await super()._async_pre_start_kernel(env=env, **kw)

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel  # AsyncKernelManager's public name is async

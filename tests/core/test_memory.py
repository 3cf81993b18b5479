"""Tests for workbook.core.memory."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbook.core.memory import release_arrow_pages


def test_release_keeps_live_buffers_and_counts_them():
    pool = pa.default_memory_pool()
    keep = pc.add(pa.array(np.arange(1_000_000)), 1)  # computed: its buffer is in the pool
    temporary = pc.add(pa.array(np.arange(2_000_000)), 1)  # 2M int64 = 16 MB
    before = pool.bytes_allocated()
    del temporary
    live = release_arrow_pages()
    assert live == pool.bytes_allocated()
    assert live <= before - 16_000_000  # the freed buffer is no longer counted
    assert keep[0].as_py() == 1 and keep[-1].as_py() == 1_000_000  # live data untouched


def test_release_trims_the_c_heap_where_glibc_has_it():
    import sys

    from workbook.core import memory

    if sys.platform.startswith("linux"):
        assert memory._MALLOC_TRIM is not None  # glibc's malloc_trim
    arrays = [np.arange(10_000) for _ in range(100)]  # heap blocks, some freed below
    del arrays[::2]
    release_arrow_pages()
    assert all(a[-1] == 9_999 for a in arrays)  # live NumPy data untouched

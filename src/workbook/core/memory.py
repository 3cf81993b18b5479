"""Giving memory back between the steps of a report.

Arrow's default pool (mimalloc) keeps the pages of freed Arrow buffers for
Arrow's own reuse. A report that builds large text temporaries (millions of
ids) and then large NumPy arrays would hold both: the freed text pages stay
resident under the arrays. :func:`release_arrow_pages` hands them back.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["release_arrow_pages"]


def release_arrow_pages() -> int:
    """Return the pages Arrow's default memory pool keeps after frees to the system.

    Live Arrow data is untouched; only memory no buffer uses is released.

    Returns
    -------
    int
        Bytes the pool still has allocated (live buffers), for logging.
    """
    pool = pa.default_memory_pool()
    pool.release_unused()
    return pool.bytes_allocated()

"""Giving memory back between the steps of a report.

Arrow's default pool (mimalloc) keeps the pages of freed Arrow buffers for
Arrow's own reuse. A report that builds large text temporaries (millions of
ids) and then large NumPy arrays would hold both: the freed text pages stay
resident under the arrays. :func:`release_arrow_pages` hands them back.
"""

from __future__ import annotations

import ctypes

import pyarrow as pa

__all__ = ["release_arrow_pages"]


def _malloc_trim():
    """glibc's ``malloc_trim`` (None where the C library has none, e.g. macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


_MALLOC_TRIM = _malloc_trim()


def release_arrow_pages() -> int:
    """Return the pages Arrow's default memory pool keeps after frees to the system.

    Live Arrow data is untouched; only memory no buffer uses is released. With
    glibc, the free pages of the C heap are returned as well (``malloc_trim``).

    Returns
    -------
    int
        Bytes the pool still has allocated (live buffers), for logging.
    """
    pool = pa.default_memory_pool()
    pool.release_unused()
    if _MALLOC_TRIM is not None:
        # NumPy and pandas memory freed since comes back too: glibc keeps freed blocks of
        # its heap (arrays below its mmap threshold, which rises to 32 MB as large arrays
        # are freed) resident until trimmed
        _MALLOC_TRIM(0)
    return pool.bytes_allocated()

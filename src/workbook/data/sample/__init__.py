"""Deterministic synthetic CRM data in the canonical format, with planted stories.

:func:`generate` builds all eight canonical tables (see :mod:`workbook.data.model`)
from ``numpy.random.default_rng(seed)``: the same ``scale`` and ``seed`` give
identical frames. :func:`write` saves them as ``<table>.csv`` (UTF-8, no BOM)
and/or ``<table>.parquet``, or, for the chunked ``xlarge`` scale, as folders of
Parquet parts (``<table>/part-00000.parquet`` ...).

Scales
------
``small``
    About 600 accounts, 7,500 leads over the 36 months up to
    :data:`SAMPLE_AS_OF`, ~2,800 opportunities, ~65k activities, 12 products,
    ~5k purchase rows, ~1.8k contacts and 14 users. Generates in well under
    a second; it is the default data of every report.
``large``
    About 100k accounts (hierarchies up to depth 10), 1.5M leads, 7M
    activities, 50 products and 1.5M purchase rows, for benchmarks.
``xlarge``
    1M accounts, 10M leads, about 4.3M opportunities, 50M activities and
    10M purchase rows, with the rates of ``large``. Generated in ten chunks
    (:func:`iter_chunks`: each a mini CRM of 100k accounts and 1M leads, ids
    continuing over the chunks, the planted stories in the first chunk only)
    and written as partitioned Parquet, one part per chunk, so the generator
    needs about 2 GB whatever the total.

Every planted story (GalacticSpace against the Dogs Extraordinaire group,
sibling discounts, whitespace, score that predicts winning except for Partner
leads, months-long nurturing, dormant accounts, data faults such as leads
created after :data:`SAMPLE_AS_OF`) is described, with ids, in
``docs/sample_data.md``. The planted accounts, products and users have the
same ids at both scales.

Conventions
-----------
* All dates are calendar days (midnight), ``datetime64[ns]``.
* Every activity links to exactly one of ``lead_id``, ``opportunity_id`` or
  ``account_id``; the other two are blank.
* Ids are zero-padded strings (``A00001``, ``L000001``, ``O000001``,
  ``ACT0000001``, ``P01``, ``C00001``, ``U01``); the width grows when a
  scale needs more digits.

Generation is vectorised with NumPy: the only Python loops run over
hierarchy levels and over a handful of planted records.

Modules
-------
``catalogue``
    Fixed users, products and industries, the planted stories, name parts
    and tuning constants (data only).
``scales``
    The size presets (:data:`SCALES`).
``generator``
    :func:`generate`, :func:`iter_chunks` and the generator state, which runs one builder per
    table: ``accounts``, ``leads``, ``opportunities``, ``activities``,
    ``purchases`` (with products), ``contacts`` and ``users``.
``helpers``
    Small array helpers (ids, dates, random days).
``writing``
    :func:`write`: CSV and/or Parquet files and ``sample.json``.
"""

from __future__ import annotations

# SAMPLE_START and the private names (``X as X``: re-exported, not in __all__)
# stay importable from here, for tests and scale experiments such as
# ``_generate(SCALES["large"], n_accounts=..., n_leads=...)``.
from workbook.data.sample.catalogue import SAMPLE_AS_OF
from workbook.data.sample.catalogue import SAMPLE_START as SAMPLE_START
from workbook.data.sample.generator import _Gen as _Gen
from workbook.data.sample.generator import _generate as _generate
from workbook.data.sample.generator import _generate_chunks as _generate_chunks
from workbook.data.sample.generator import generate, iter_chunks
from workbook.data.sample.scales import SCALES
from workbook.data.sample.scales import _Scale as _Scale
from workbook.data.sample.writing import write

__all__ = ["SAMPLE_AS_OF", "SCALES", "generate", "iter_chunks", "write"]

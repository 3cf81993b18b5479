"""workbook: sales-pipeline analyses over a CRM export.

Typical interactive use::

    import workbook
    from workbook import scoring

    crm = workbook.load()                 # bundled sample, or workbook.load("path/to/export")
    crm.quality                           # the DataQuality record
    res = scoring.run(crm, capacity_per_month=50)
    res.threshold_sweep                   # every table the report shows

Each report (``data_quality``, ``cohort``, ``scoring``, ``hierarchy``,
``whitespace``, ``engagement``) is a package under :mod:`workbook.analyses`
and is also reachable as ``workbook.<report>``.
"""

from __future__ import annotations

import importlib

from workbook.analyses import REPORTS

__version__ = "0.1.0"

__all__ = ["CrmData", "REPORTS", "__version__", "load", *REPORTS]


def __getattr__(name: str):
    # ``from workbook import scoring`` and ``workbook.scoring`` reach the report
    # package without importing every report at ``import workbook``.
    if name in REPORTS:
        return importlib.import_module(f"workbook.analyses.{name}")
    if name == "CrmData":
        from workbook.data.model import CrmData

        return CrmData
    if name == "load":
        from workbook.data.io import load

        return load
    raise AttributeError(f"module 'workbook' has no attribute {name!r}")

"""workbook: sales-pipeline analyses over a CRM export.

Typical interactive use::

    import workbook
    crm = workbook.load()                 # bundled sample, or workbook.load("path/to/export")
    crm.quality                           # the DataQuality record
"""

from workbook.model import CrmData

__version__ = "0.1.0"

__all__ = ["CrmData", "__version__", "load"]


def load(*args, **kwargs):
    """Load and validate a CRM export; see :func:`workbook.io.load`."""
    from workbook.io import load as _load

    return _load(*args, **kwargs)

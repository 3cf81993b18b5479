"""Readers: each source kind gives :class:`RawTable` objects with canonical column names.

* :mod:`~workbook.data.readers.files`: a directory of ``<table>.csv`` /
  ``<table>.parquet`` files, or explicit paths; text encodings;
* :mod:`~workbook.data.readers.salesforce`: the ``preset="salesforce"`` export;
* :mod:`~workbook.data.readers.sql`: one SQL query per table.

:func:`workbook.data.io.load` picks the reader, then maps values and coerces
(:mod:`workbook.data.mapping`, :mod:`workbook.data.coercion`).
"""

from workbook.data.readers.raw import RawTable, frame_digest

__all__ = ["RawTable", "frame_digest"]

"""What every reader returns: a table as read, before coercion."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd

from workbook.data.validate import Issue

__all__ = ["RECORD_LINES", "RawTable", "frame_digest"]

#: ``frame.attrs`` key of a raw CSV frame: ``{row position: 1-based file line}``
#: of the first rows whose id is blank, so such a row can be named by its line
#: (:func:`workbook.data.readers.files.blank_id_lines`).
RECORD_LINES = "record_lines"


@dataclass
class RawTable:
    """A table as read, before coercion.

    Attributes
    ----------
    frame : DataFrame
        The columns read (canonical names once a reader has mapped them).
        ``frame.attrs["header"]`` keeps the file's own header when known.
    file : str
        Where it came from, named in messages (path, ``a + b``, query label).
    digest : str
        sha256 hex digest of the bytes read (or of the frame, for SQL).
    encoding : str or None
        Text encoding used, for CSV files.
    fixups : list of Issue
        Substitutions the reader made (Salesforce fallbacks), counted.
    """

    frame: pd.DataFrame
    file: str
    digest: str = ""
    encoding: str | None = None
    fixups: list[Issue] = field(default_factory=list)


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 hex digest of a frame's column names and values (not its index)."""
    h = hashlib.sha256()
    h.update("\x1f".join(map(str, frame.columns)).encode())
    if len(frame):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()

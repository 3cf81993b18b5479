"""The files a report exports: CSV cells a spreadsheet cannot run, written fast.

:func:`spreadsheet_safe` is the OWASP CSV-injection guard every export gets
(unless ``export_raw_csv``); :func:`write_csv` writes a frame with Arrow's
C++ CSV writer. :meth:`workbook.present.report.Report.export` uses both.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["FORMULA_START", "PLAIN_NUMBER", "TRUE_FLAGS", "spreadsheet_safe", "write_csv"]

#: Values of ``WORKBOOK_EXPORT_RAW_CSV`` that turn the formula guard off.
TRUE_FLAGS = ("1", "true", "yes")
#: First characters a spreadsheet reads as a formula (OWASP CSV injection).
FORMULA_START = r"^[=+\-@\t\r]"
#: A plain number, written as it is even when it starts with + or -.
PLAIN_NUMBER = r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$"


def _safe_text(s: pd.Series) -> pd.Series:
    text = s.astype("string")
    risky = text.str.contains(FORMULA_START, regex=True).fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return s
    # The plain-number test only where a formula character starts the cell
    # (a full-column match cost 3.3 s per 4.5M-row text column).
    starts = np.flatnonzero(risky)
    risky[starts] = ~text.iloc[starts].str.match(PLAIN_NUMBER).fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return s
    return text.mask(risky, "'" + text)


#: A text cell holding one of these needs quotes in CSV.
_NEEDS_QUOTES = r'[",\r\n]'


def _csv_column(s: pd.Series):
    """One column as the Arrow array :func:`write_csv` writes.

    Flags are written ``True``/``False``; dates and periods as ``YYYY-MM-DD``
    (the time of day dropped; a period by its ``strftime``, as pandas'
    ``date_format`` wrote it); Python objects and intervals as their ``str``;
    numbers as Arrow writes them (shortest round-trip digits, ``7`` for 7.0);
    missing as an empty cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_bool_dtype(s.dtype):
        values = np.where(s.fillna(False).to_numpy(dtype=bool), "True", "False")
        return pa.array(values, mask=s.isna().to_numpy(dtype=bool), type=pa.string())
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        local = s.dt.tz_localize(None) if s.dt.tz else s  # the wall-clock date, as strftime
        return pc.cast(pa.array(local.dt.floor("D")), pa.date32())  # floor: also before 1970
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pa.array(s.astype("string"), type=pa.string())
    if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_timedelta64_dtype(s.dtype):
        return pa.array(s.astype("string"), type=pa.string())
    if isinstance(s.dtype, pd.PeriodDtype):  # as pandas' date_format wrote them
        return pa.array(s.dt.strftime("%Y-%m-%d"), type=pa.string())
    if isinstance(s.dtype, pd.IntervalDtype):
        return pa.array(s.astype("string"), type=pa.string())  # "(0, 10]"
    return pa.array(s, from_pandas=True)


def write_csv(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` (its columns, no index) as UTF-8 CSV with Arrow's C++ writer.

    pandas' ``to_csv`` formats every cell in Python: 106 s for the 4.5M-row
    whitespace call list, against 7 s here. Text is quoted only where a cell
    holds a quote, comma or line break; otherwise (as pandas' minimal
    quoting would) no cell is quoted; when one does, Arrow quotes every text
    cell of the file, which any CSV reader reads the same. Lines end with
    ``\\n``. See :func:`_csv_column` for how each kind of column is written.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    names = [str(c) for c in frame.columns]
    arrays = [_csv_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    table = pa.Table.from_arrays(arrays, names=names)
    texts = [a for a in arrays if pa.types.is_string(a.type) or pa.types.is_large_string(a.type)]
    quote_cells = any(
        pc.any(pc.match_substring_regex(a, _NEEDS_QUOTES)).as_py() for a in texts if len(a)
    )
    quote_header = any(re.search(_NEEDS_QUOTES, n) for n in names)
    options = pa_csv.WriteOptions(
        quoting_style="needed" if quote_cells else "none",
        quoting_header="needed" if quote_header else "none",
    )
    pa_csv.write_csv(table, str(path), options)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot run as spreadsheet formulas.

    Following the OWASP CSV-injection guidance, a text cell (ids and header
    cells included) that begins with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return gets a leading ``'``, except a plain number
    (:data:`PLAIN_NUMBER`). Numeric, boolean and date columns are untouched.
    """
    out = frame.copy(deep=False)  # copy-on-write: replacing a column leaves ``frame`` as it was
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = _safe_text(s)
    out.columns = list(_safe_text(pd.Series([str(c) for c in out.columns], dtype="string")))
    return out

"""Writing the sample: :func:`write` (CSV and/or Parquet, plus ``sample.json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from workbook.data.sample.catalogue import SAMPLE_AS_OF
from workbook.data.sample.generator import generate
from workbook.data.sample.scales import SCALES


def _arrow(df: pd.DataFrame, *, dates_as_days: bool) -> pa.Table:
    table = pa.Table.from_pandas(df, preserve_index=False)
    if dates_as_days:
        for i, fld in enumerate(table.schema):
            if pa.types.is_timestamp(fld.type):
                table = table.set_column(i, fld.name, pc.cast(table.column(i), pa.date32()))
    return table


def write(
    out_dir,
    *,
    scale: str = "small",
    seed: int = 0,
    formats: tuple[str, ...] | None = None,
) -> dict[str, Path]:
    """Generate the sample and write one file per table and format.

    Parameters
    ----------
    out_dir : str or Path
        Target directory; created if needed. Existing files of the same names
        are overwritten.
    scale, seed
        As for :func:`generate`.
    formats : tuple of {"csv", "parquet"}, optional
        Defaults to ``("csv",)`` for ``small`` and ``("csv", "parquet")`` for
        ``large``. CSV is UTF-8 without BOM, comma-separated, with a header,
        fields quoted when needed (names hold commas, quotes and newlines),
        blanks for missing values, dates as ``YYYY-MM-DD`` and booleans as
        ``true``/``false``. Parquet keeps the canonical dtypes.

    Returns
    -------
    dict of str to Path
        File name (``"accounts.csv"``, ``"accounts.parquet"``, ...) to its
        path, plus ``"sample.json"``: the generator, scale, seed, row counts
        and the snapshot date ``as_of`` (``2026-06-30``). The sample holds a
        few records dated after it on purpose, so the latest event date in the
        files is *not* the intended ``as_of``.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    formats = tuple(formats) if formats is not None else SCALES[scale].formats
    unknown = set(formats) - {"csv", "parquet"}
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}; use 'csv' and/or 'parquet'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(scale=scale, seed=seed)
    written: dict[str, Path] = {}
    for name, df in tables.items():
        if "csv" in formats:
            path = out / f"{name}.csv"
            pa_csv.write_csv(_arrow(df, dates_as_days=True), path)
            written[path.name] = path
        if "parquet" in formats:
            path = out / f"{name}.parquet"
            pq.write_table(_arrow(df, dates_as_days=False), path)
            written[path.name] = path
    info = {
        "generator": "workbook.data.sample",
        "scale": scale,
        "seed": seed,
        "as_of": SAMPLE_AS_OF.strftime("%Y-%m-%d"),
        "row_counts": {name: len(df) for name, df in tables.items()},
    }
    path = out / "sample.json"
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    written[path.name] = path
    return written

"""Writing the sample: :func:`write` (CSV and/or Parquet, plus ``sample.json``).

A chunked scale (``xlarge``) is written as partitioned Parquet: a folder per
table holding one part per chunk (``leads/part-00000.parquet`` ...), each chunk
written and freed before the next is generated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from workbook.data.model import PRODUCTS, USERS
from workbook.data.sample.catalogue import SAMPLE_AS_OF
from workbook.data.sample.generator import generate, iter_chunks
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
        Defaults to ``("csv",)`` for ``small``, ``("csv", "parquet")`` for
        ``large`` and ``("parquet",)`` for ``xlarge``, the only format of a
        chunked scale: its tables are folders of Parquet parts,
        ``<table>/part-00000.parquet`` (one per chunk; ``products`` and
        ``users`` have one part), which the loader reads as one table. CSV is UTF-8 without BOM, comma-separated, with a header,
        fields quoted when needed (names hold commas, quotes and newlines),
        blanks for missing values, dates as ``YYYY-MM-DD`` and booleans as
        ``true``/``false``. Parquet keeps the canonical dtypes.

    Returns
    -------
    dict of str to Path
        File name (``"accounts.csv"``, ``"accounts.parquet"``, ...; for a
        chunked scale the folder name, ``"accounts"``) to its path, plus
        ``"sample.json"``: the generator, scale, seed, row counts
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
    if SCALES[scale].chunks > 1:
        if formats != ("parquet",):
            raise ValueError(f"scale {scale!r} is written as partitioned Parquet only")
        written, counts = _write_parts(out, iter_chunks(scale=scale, seed=seed))
    else:
        written, counts = _write_files(out, generate(scale=scale, seed=seed), formats)
    info = {
        "generator": "workbook.data.sample",
        "scale": scale,
        "seed": seed,
        "as_of": SAMPLE_AS_OF.strftime("%Y-%m-%d"),
        "row_counts": counts,
    }
    path = out / "sample.json"
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    written[path.name] = path
    return written


def _write_files(out: Path, tables, formats) -> tuple[dict[str, Path], dict[str, int]]:
    """One file per table and format; the paths written and the row counts."""
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
    return written, {name: len(df) for name, df in tables.items()}


def _write_parts(out: Path, chunks) -> tuple[dict[str, Path], dict[str, int]]:
    """A folder per table, one Parquet part per chunk (``products``, ``users``: the first only).

    Parts of an earlier sample left in a folder are removed first, so the
    folder holds exactly this sample's parts.
    """
    written: dict[str, Path] = {}
    counts: dict[str, int] = {}
    for k, tables in enumerate(chunks):
        for name, df in tables.items():
            if k and name in (PRODUCTS, USERS):
                continue
            folder = out / name
            if k == 0:
                folder.mkdir(exist_ok=True)
                for old in folder.glob("part-*.parquet"):
                    old.unlink()
                written[name] = folder
            pq.write_table(_arrow(df, dates_as_days=False), folder / f"part-{k:05d}.parquet")
            counts[name] = counts.get(name, 0) + len(df)
        del tables
    return written, counts

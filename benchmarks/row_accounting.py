"""Cost of the CSV row accounting (issue 18), against the whole CSV load.

Usage: ``python benchmarks/row_accounting.py DIR`` where ``DIR`` was written by
``workbook sample --scale large --format csv``. Prints, per table, the time of
:func:`workbook.data.readers.files.read_csv_raw` and the time of its
accounting steps alone (quote scan, physical line count, header lines) and of
the control-character byte scan (the per-cell clean-up runs only when it finds one), then the totals and their share of the load.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from workbook.data.readers import files


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main(directory: str) -> None:
    total_load = total_check = total_controls = 0.0
    for path in sorted(Path(directory).glob("*.csv")):
        raw, load = _timed(files.read_csv_raw, path)
        data = path.read_bytes()
        _, quote = _timed(files._unclosed_quote, data)
        _, lines = _timed(lambda d: files.physical_lines(d, exact=False), data)
        _, head = _timed(files._header_lines, data)
        _, controls = _timed(files.has_controls, data)
        check = quote + lines + head
        total_load, total_check, total_controls = (
            total_load + load,
            total_check + check,
            total_controls + controls,
        )
        print(
            f"{path.stem:<14}{len(raw.frame):>10,} rows  load {load:6.2f} s  "
            f"accounting {check:5.3f} s  controls {controls:5.3f} s"
        )
    print(
        f"{'total':<25}  load {total_load:6.2f} s  accounting {total_check:5.3f} s "
        f"({total_check / total_load:.1%})  controls {total_controls:5.3f} s "
        f"({total_controls / total_load:.1%})"
    )


if __name__ == "__main__":
    main(sys.argv[1])

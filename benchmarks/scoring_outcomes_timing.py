"""Time lead_outcomes + threshold_sweep on a sample (a script, not a test).

Usage::

    PYTHONPATH=<tree>/src python benchmarks/scoring_outcomes_timing.py /work/bench/cache/large [repeats] [--backtest]

Loads ``leads`` and ``opportunities`` (Parquet, untimed), then times
``scoring.lead_outcomes(leads, opportunities, as_of=...)`` followed by
``scoring.threshold_sweep(outcomes)``, as ``benchmarks/run.py``'s scoring
stage calls them, ``repeats`` times on the same frames (the first run of the
relational version also registers the frames in the engine). With
``--backtest``, also times the track record and the out-of-time calibration
(five past cuts, each a ``crm.as_known_at`` view). Works on trees before and
after issue 21, so the same script gives both figures.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import workbook
from workbook.analyses import scoring


def main(data: Path, repeats: int = 3, backtest: bool = False) -> None:
    as_of = json.loads((data / "sample.json").read_text())["as_of"]
    crm = workbook.load(data, tables=["leads", "opportunities"], as_of=as_of, validate=False)
    leads, opps = crm.leads, crm.opportunities
    for i in range(repeats):
        t0 = time.perf_counter()
        outcomes = scoring.lead_outcomes(leads, opps, as_of=as_of).outcomes
        t1 = time.perf_counter()
        sweep = scoring.threshold_sweep(outcomes)
        t2 = time.perf_counter()
        print(f"run {i + 1}: lead_outcomes {t1 - t0:.3f}s  threshold_sweep {t2 - t1:.3f}s  "
              f"total {t2 - t0:.3f}s  ({len(outcomes):,} scored leads, {len(sweep)} thresholds)",
              flush=True)  # fmt: skip
    if backtest:
        from workbook.analyses.scoring.backtest import out_of_time_calibration, track_record
        from workbook.core import calendar

        t0 = time.perf_counter()
        track_record(crm, outcomes, backtest_months=[3, 6, 9, 12])
        t1 = time.perf_counter()
        out_of_time_calibration(crm, outcomes, cut=calendar.month_end_cut(as_of, 12))
        t2 = time.perf_counter()
        print(f"track_record {t1 - t0:.3f}s  out_of_time_calibration {t2 - t1:.3f}s", flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--backtest"]
    main(Path(args[0]), int(args[1]) if len(args) > 1 else 3, "--backtest" in sys.argv)

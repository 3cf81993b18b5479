"""Time lead_outcomes + threshold_sweep on a sample (a script, not a test).

Usage::

    PYTHONPATH=<tree>/src python benchmarks/scoring_outcomes_timing.py /work/bench/cache/large [repeats]

Loads ``leads`` and ``opportunities`` (Parquet, untimed), then times
``scoring.lead_outcomes(leads, opportunities, as_of=...)`` followed by
``scoring.threshold_sweep(outcomes)``, as ``benchmarks/run.py``'s scoring
stage calls them, ``repeats`` times on the same frames (the first run of the
relational version also registers the frames in the engine). Works on trees
before and after issue 21, so the same script gives both figures.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import workbook
from workbook.analyses import scoring


def main(data: Path, repeats: int = 3) -> None:
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


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)

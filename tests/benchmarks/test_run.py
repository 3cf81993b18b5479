"""benchmarks/run.py: a stage's peak memory is its worker's own, never the driver's (issue 19).

The driver generates or loads data before it starts the stage workers, so
its resident memory can be large when a worker is spawned. Linux carries the
parent's high-water mark into the child's ``ru_maxrss`` across fork + exec;
the stage figure must come from the worker's own ``VmHWM`` instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

#: The driver: holds ``BALLAST_MB`` of touched memory, then spawns one worker
#: that measures an empty stage the way ``run.py --worker`` does.
DRIVER = """
import json, subprocess, sys
ballast = b"x" * ({mb} * 2**20)  # written, so resident
worker = '''
import json, resource, sys
sys.path.insert(0, {bench!r})
import run
res = run.measure(lambda: None, lambda inputs: None, 1)
print(json.dumps({{"peak": res["peak_rss_mb"], "inputs": res["inputs_mb"],
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
'''
out = subprocess.run([sys.executable, "-c", worker], capture_output=True, text=True, check=True)
print(out.stdout.strip().splitlines()[-1])
"""

BALLAST_MB = 400


def test_worker_peak_excludes_the_drivers_memory():
    code = DRIVER.format(mb=BALLAST_MB, bench=str(BENCHMARKS))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    # The trap is real here: the kernel's ru_maxrss of the worker starts at the driver's peak...
    assert figures["maxrss"] >= BALLAST_MB
    # ...while the stage's figures are the worker's own memory (a bare interpreter + run.py).
    assert figures["peak"] < BALLAST_MB / 2
    assert figures["inputs"] <= figures["peak"]

"""A run with fake report executions, for the kill tests of test_atomic.py (not a test module).

``python publish_child.py NOTEBOOKS OUT TAG [STEP SIGNAL]``: runs every report
of NOTEBOOKS into OUT, each file holding TAG; with STEP, the process sends
itself SIGNAL (``KILL`` or ``TERM``) just before that publish step runs.
The CLI's SIGTERM handler is installed, as in ``workbook run``.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from workbook import cli
from workbook import run as runner
from workbook.run import execute as run_execute


def fake_execute(tag: str):
    def run(job):
        name = job.spec.name
        folder = job.workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        summary = {"headline": [{"key": "n", "label": "N", "value": 1, "display": tag}]}
        (folder / "summary.json").write_text(json.dumps(summary))
        # the two runs differ in which exports they have, not only in content
        (folder / f"{tag}.csv").write_text(f"{tag}\n")
        (folder / "numbers.csv").write_text(f"n\n{tag}\n")
        (job.workdir / f"{name}.ipynb").write_text(tag)
        (job.workdir / f"{name}.html").write_text(f"{tag} {name}")
        return runner.ReportResult(name, job.spec.title, "ok", 0.1)

    return run


def main(argv):
    notebooks, out, tag = argv[:3]
    step, sig = (argv[3], argv[4]) if len(argv) > 3 else (None, None)
    signal.signal(signal.SIGTERM, cli._on_sigterm)
    run_execute.execute_report = fake_execute(tag)

    def hook(name):
        if name == step:
            os.kill(os.getpid(), getattr(signal, f"SIG{sig}"))

    reports = runner.discover(notebooks)
    plan = runner.build_plan(reports, out=out, as_of="2025-03-31")
    try:
        runner.run_plan(plan, hook=hook)
    except cli.Terminated:
        return 143
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

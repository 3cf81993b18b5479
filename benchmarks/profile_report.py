"""Profile one report as the runner runs it: its ``run()`` and its presentation.

A script, not a test. The runner loads and validates the export once and
writes an Arrow snapshot (:mod:`workbook.run.snapshot`); every notebook then
reads that snapshot, calls ``R.run(crm, R.Params(...))``, draws its charts,
writes its exports and tables. This script does the same steps in one
process and prints, per step, wall and CPU seconds and the resident memory
after the step and its high-water mark (``VmRSS`` / ``VmHWM`` of
``/proc/self/status``), so that ``/usr/bin/time -v`` and ``py-spy`` can be
pointed at one report at a time.

Usage::

    # once: load + validate a data folder and write the runner's snapshot
    python benchmarks/profile_report.py snapshot --data DIR --out SNAP
    # the report's run() alone (load of the snapshot, then run)
    python benchmarks/profile_report.py run cohort --snapshot SNAP
    # the same, printing where memory reached each new 100 MB high
    python benchmarks/profile_report.py run cohort --snapshot SNAP --memory-trace
    # the whole notebook as a script: run(), exports, tables, charts as PNG
    python benchmarks/profile_report.py notebook cohort --snapshot SNAP --out OUT

``notebook`` executes the notebook's code cells in order, with the runner's
parameters (``data`` = the snapshot, ``out_dir``, ``interactive=False``),
IPython magics skipped, and ``display`` replaced by what the inline backend
and the HTML export do with the object: a Figure is rendered to PNG, anything
else to its ``_repr_html_``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def _status_mb(key: str) -> float:
    """``VmRSS`` or ``VmHWM`` of this process in MB (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Steps:
    """Time and memory per named step, printed as one line each."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def measure(self, name: str, fn):
        w0, c0 = time.perf_counter(), _cpu()
        out = fn()
        row = {
            "step": name,
            "seconds": round(time.perf_counter() - w0, 2),
            "cpu_seconds": round(_cpu() - c0, 2),
            "rss_mb": round(_status_mb("VmRSS")),
            "peak_mb": round(_status_mb("VmHWM")),
        }
        self.rows.append(row)
        print(
            f"{row['seconds']:8.2f}s {row['cpu_seconds']:8.2f}cpu "
            f"{row['rss_mb']:7d}MB {row['peak_mb']:7d}MB peak  {name}",
            flush=True,
        )
        return out


def _spec(report: str):
    from workbook.run.discover import discover

    for spec in discover(NOTEBOOKS):
        if spec.name == report:
            return spec
    raise SystemExit(f"no notebook for report {report!r} in {NOTEBOOKS}")


def cmd_snapshot(args) -> int:
    import workbook
    from workbook.data import snapshot

    steps = Steps()
    crm = steps.measure("load + validate", lambda: workbook.load(args.data or None, missing="skip"))
    steps.measure("write snapshot", lambda: snapshot.write(crm, args.out))
    return 0


def _load(snapshot_dir, report: str, steps: Steps):
    import workbook

    spec = _spec(report)
    uses = list(spec.tables) or None
    return steps.measure(
        f"load snapshot ({', '.join(uses) if uses else 'all tables'})",
        lambda: workbook.load(str(snapshot_dir), uses=uses, missing="skip"),
    )


class MemoryTrace:
    """A thread sampling ``VmRSS`` every 10 ms; at each new high of ``step_mb`` more,
    it keeps the main thread's innermost workbook frames (where memory went)."""

    def __init__(self, step_mb: int = 100) -> None:
        import threading

        self.step_mb, self.highs, self._stop = step_mb, [], threading.Event()
        self._main = threading.main_thread().ident
        self._t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import traceback

        high = 0.0
        while not self._stop.wait(0.01):
            rss = _status_mb("VmRSS")
            if rss < high + self.step_mb:
                continue
            high = rss
            frame = sys._current_frames().get(self._main)
            stack = [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)
                if "workbook" in f.filename
            ][-4:]
            self.highs.append((time.perf_counter() - self._t0, rss, " <- ".join(reversed(stack))))

    def report(self) -> None:
        self._stop.set()
        self._thread.join()
        print(f"memory highs (every +{self.step_mb} MB of VmRSS):", flush=True)
        for t, rss, where in self.highs:
            print(f"{t:8.1f}s {rss:7.0f}MB  {where}", flush=True)


def cmd_run(args) -> int:
    import importlib

    trace = MemoryTrace() if args.memory_trace else None
    steps = Steps()
    crm = _load(args.snapshot, args.report, steps)
    module = importlib.import_module(f"workbook.analyses.{args.report}")
    params = module.Params(**json.loads(args.params))
    steps.measure(f"{args.report}.run", lambda: module.run(crm, params))
    if trace is not None:
        trace.report()
    return 0


def _display(obj) -> None:
    """What the inline backend and the HTML export do with a displayed object."""
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        obj.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    elif hasattr(obj, "_repr_html_"):
        obj._repr_html_()
    else:
        repr(obj)


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        "\n".join(
            line for line in "".join(c["source"]).splitlines() if not line.lstrip().startswith("%")
        )
        for c in cells
        if c["cell_type"] == "code"
    ]


def cmd_notebook(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import IPython.display

    IPython.display.display = _display
    spec = _spec(args.report)
    out = Path(args.out or tempfile.mkdtemp(prefix=f"wb-profile-{args.report}-"))
    namespace: dict = {"__name__": "__main__"}
    steps = Steps()
    cells = _code_cells(Path(spec.path))
    for i, source in enumerate(cells):
        first = next((s for s in source.splitlines() if s.strip()), "")
        code = compile(source, f"<cell {i}>", "exec")
        steps.measure(f"cell {i}: {first[:70]}", lambda code=code: exec(code, namespace))  # noqa: S102
        if i == 0:  # the parameters cell, then the values the runner injects
            namespace.update(
                data=str(args.snapshot), out_dir=str(out), interactive=False, load_options={}
            )
            namespace.update(json.loads(args.params))
    print(f"exports in {out}", flush=True)
    return 0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("snapshot", help="load + validate DATA, write the runner's snapshot to OUT")
    s.add_argument("--data", default="", help="data folder (default: the bundled sample)")
    s.add_argument("--out", required=True)
    for name in ("run", "notebook"):
        r = sub.add_parser(name, help=f"profile one report's {name}")
        r.add_argument("report")
        r.add_argument("--snapshot", required=True)
        r.add_argument("--params", default="{}", help="JSON object of parameter overrides")
        if name == "notebook":
            r.add_argument("--out", default="", help="export folder (default: a new temp folder)")
        else:
            r.add_argument(
                "--memory-trace",
                action="store_true",
                help="print where VmRSS reached each new 100 MB high (workbook frames)",
            )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    return {"snapshot": cmd_snapshot, "run": cmd_run, "notebook": cmd_notebook}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

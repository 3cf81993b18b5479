"""Execute a plan: one papermill run per report, in parallel processes if asked.

Every report runs into a temporary sibling of OUT (``<out>.tmp-<random>``) and
gets its HTML page there; :func:`run_plan` then hands the finished reports to
:func:`workbook.run.publish.publish`. Each kernel talks over IPC sockets of its
own (:class:`LocalKernelManager`).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from workbook.run.discover import ReportSpec
from workbook.run.params import RunPlan
from workbook.run.publish import (
    public_params,
    publish,
    read_summary,
    run_record,
    summary_fingerprint,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "LocalKernelManager",
    "ReportResult",
    "RunResult",
    "execute_report",
    "notebook_parameters",
    "run_plan",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class LocalKernelManager(AsyncKernelManager):
    """Kernel manager that talks to its kernel over IPC sockets, not TCP.

    The kernel runs on this machine only; IPC keeps its traffic off the
    network and stops ipykernel's "running over TCP without encryption"
    warning from cluttering every run's progress output.
    """

    transport = "ipc"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # IPC sockets are files named <ip>-<port>: give every kernel its own
        # prefix so kernels running in parallel (--jobs) never share a socket.
        self.ip = os.path.join(tempfile.gettempdir(), f"workbook-kernel-{uuid.uuid4().hex}-ipc")


@dataclass
class ReportResult:
    """Outcome of one notebook execution in the temporary directory."""

    name: str
    title: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str | None = None
    error_name: str | None = None
    fingerprint: str | None = None
    parameters: dict = field(default_factory=dict)
    html_bytes: int = 0
    pdf_bytes: int = 0


@dataclass(frozen=True)
class _Job:
    spec: ReportSpec
    parameters: dict
    workdir: Path
    cwd: Path
    timeout: float | None
    record: tuple[tuple[str, object], ...]
    as_of: str
    chromium: str | None = None  # print <report>.pdf with this browser when set


@dataclass
class RunResult:
    """What :func:`run_plan` did; ``exit_code`` is 0, 1 or 2."""

    out: Path
    results: list[ReportResult]
    record: dict

    @property
    def exit_code(self) -> int:
        if any(r.error_name == "DataValidationError" for r in self.results):
            return EXIT_USAGE
        return EXIT_FAILED if any(r.status != "ok" for r in self.results) else EXIT_OK


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else str(text)


def _papermill(job: _Job, out_nb: Path) -> tuple[str | None, str | None]:
    """Run the notebook; return (error_name, error) or (None, None)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(job.spec.path),
            str(out_nb),
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(job.cwd),
            execution_timeout=job.timeout,
            kernel_manager_class="workbook.run.execute.LocalKernelManager",
        )
    except PapermillExecutionError as exc:
        return exc.ename, f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel death, timeout, bad notebook: report it, do not hide it
        return type(exc).__name__, f"{type(exc).__name__}: {exc}"
    return None, None


def _page(
    job: _Job, out_nb: Path, record: list, error_name, error
) -> tuple[str, str | None, str | None]:
    """The report's HTML page and (error_name, error); an export problem fails the report."""
    import nbformat

    from workbook.present import html as wbhtml

    spec = job.spec
    try:
        if out_nb.is_file():
            nb = nbformat.read(str(out_nb), as_version=4)
            markup = wbhtml.notebook_html(
                nb, title=spec.title, as_of=job.as_of, record=record, error=error
            )
        else:
            markup = wbhtml.error_page(
                title=spec.title, as_of=job.as_of, error=error or "no output", record=record
            )
        return markup, error_name, error
    except Exception as exc:  # an HTML export problem fails the report visibly
        if error is None:
            error_name = type(exc).__name__
            error = f"HTML export failed: {type(exc).__name__}: {exc}"
        record[-1] = ("Status", "failed")
        markup = wbhtml.error_page(title=spec.title, as_of=job.as_of, error=error, record=record)
        return markup, error_name, error


def execute_report(job: _Job) -> ReportResult:
    """Execute one notebook with papermill into ``job.workdir`` and render its HTML.

    Writes ``<report>.ipynb`` and ``<report>.html`` (or ``.failed.html``)
    and lets the notebook export into ``<report>/``. With ``job.chromium``
    a successful report is also printed to ``<report>.pdf`` from its HTML
    (:func:`workbook.present.html.html_to_pdf`); a PDF that cannot be made fails the
    report. Never raises for a notebook error: the result says ``failed``
    with the exception's message.
    """
    from workbook.present import html as wbhtml

    spec = job.spec
    out_nb = job.workdir / f"{spec.name}.ipynb"
    (job.workdir / spec.name).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    error_name, error = _papermill(job, out_nb)
    seconds = time.perf_counter() - started
    fingerprint = summary_fingerprint(read_summary(job.workdir / spec.name))
    record = list(job.record) + [
        ("Data fingerprint", fingerprint or "not recorded"),
        ("Duration", f"{seconds:.1f} s"),
        ("Status", "ok" if error is None else "failed"),
    ]
    markup, error_name, error = _page(job, out_nb, record, error_name, error)
    suffix = ".html" if error is None else ".failed.html"
    page = job.workdir / f"{spec.name}{suffix}"
    page.write_text(markup, encoding="utf-8")
    pdf_bytes = 0
    if error is None and job.chromium:
        pdf = job.workdir / f"{spec.name}.pdf"
        try:
            pdf_bytes = wbhtml.html_to_pdf(page, pdf, chromium=job.chromium).stat().st_size
        except (RuntimeError, OSError) as exc:  # the asked-for PDF is missing: fail visibly
            error_name = type(exc).__name__
            error = f"PDF export failed: {exc}"
            pdf.unlink(missing_ok=True)
            os.replace(page, job.workdir / f"{spec.name}.failed.html")
    return ReportResult(
        name=spec.name,
        title=spec.title,
        status="ok" if error is None else "failed",
        seconds=seconds,
        error=error,
        error_name=error_name,
        fingerprint=fingerprint,
        parameters=job.parameters,
        html_bytes=len(markup.encode("utf-8")),
        pdf_bytes=pdf_bytes,
    )


def notebook_parameters(plan: RunPlan, spec: ReportSpec, workdir: Path) -> dict:
    """The full parameter dict papermill injects into one notebook.

    The common parameters are always injected (the notebook contract says
    every report declares them); :func:`workbook.run.discover.missing_common`
    reports notebooks whose parameters cell does not declare them or that
    papermill cannot parse (for example a comment holding a double quote).
    """
    params = {
        "data": plan.data,
        "load_options": plan.load_options,
        "as_of": plan.as_of,
        "out_dir": str(workdir / spec.name),
        "interactive": False,
    }
    params.update(plan.params.get(spec.name, {}))
    return params


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _jobs(plan: RunPlan, workdir: Path, started: str) -> list[_Job]:
    from workbook import __version__

    base_record = (
        ("as_of", plan.as_of),
        ("Data", plan.data or "bundled sample"),
        ("workbook version", __version__),
        ("Run started (UTC)", started),
    )
    jobs = []
    for spec in plan.reports:
        parameters = notebook_parameters(plan, spec, workdir)
        jobs.append(
            _Job(
                spec=spec,
                parameters=parameters,
                workdir=workdir,
                cwd=plan.cwd,
                timeout=plan.timeout,
                record=base_record + (("Parameters", public_params(parameters)),),
                as_of=plan.as_of,
                chromium=plan.chromium if plan.pdf else None,
            )
        )
    return jobs


def run_plan(plan: RunPlan, *, progress: Callable[[str], None] = lambda line: None) -> RunResult:
    """Execute a plan, publish the results into ``plan.out`` and return them.

    Steps: execute every report into a temporary sibling directory
    ``<out>.tmp-<random>`` (``plan.jobs`` processes), then move each report
    into OUT with renames (:func:`workbook.run.publish.publish`), then rewrite
    ``index.html`` and ``run.json`` via temporary files and :func:`os.replace`.
    On KeyboardInterrupt the workers are stopped, the temporary directory is
    removed, OUT is left as it was, and the interrupt is re-raised.
    """
    from workbook import __version__

    out = plan.out
    out.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
    started = _utc_now()
    t0 = time.perf_counter()
    jobs = _jobs(plan, workdir, started)
    results: dict[str, ReportResult] = {}

    def done(result: ReportResult) -> None:
        results[result.name] = result
        if result.status == "ok":
            progress(f"[ok] {result.name}  {result.seconds:.1f}s")
        else:
            progress(f"[FAILED] {result.name}  {result.seconds:.1f}s: {_first_line(result.error)}")

    try:
        if plan.jobs == 1 or len(jobs) == 1:
            for job in jobs:
                done(execute_report(job))
        else:
            _run_parallel(jobs, plan.jobs, done)
        ordered = [results[s.name] for s in plan.reports]
        record = run_record(
            plan,
            ordered,
            started=started,
            finished=_utc_now(),
            seconds=time.perf_counter() - t0,
            version=__version__,
        )
        publish(workdir, out, ordered, record, plan)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    progress(f"reports in {out}")
    return RunResult(out=out, results=ordered, record=record)


def _run_parallel(jobs: Sequence[_Job], workers: int, done: Callable) -> None:
    """Run jobs in worker processes; stop them all on KeyboardInterrupt.

    Kernels started by a stopped worker exit on their own (ipykernel polls
    its parent process).
    """
    pool = cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)))
    try:
        futures = [pool.submit(execute_report, job) for job in jobs]
        for fut in cf.as_completed(futures):
            done(fut.result())
    except BaseException:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)

"""Execute a plan: validate once, one papermill run per report, publish the run.

Every report runs into the run's temporary folder
(``OUT/.workbook/tmp-<pid>-<random>/work``) and gets its HTML page there;
:func:`run_plan` then hands the finished reports to
:func:`workbook.run.publish.publish`. Each kernel talks over IPC sockets of its
own (:class:`workbook.run.kernels.LocalKernelManager`).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbook.core.engine_url import ENGINE_ENV, data_label, engine_label
from workbook.run.discover import ReportSpec, UsageError
from workbook.run.kernels import LocalKernelManager, kernel_env
from workbook.run.lock import OutputLock, kernel_dir, remove_stale
from workbook.run.params import RunPlan
from workbook.run.publish import (
    REPORT_SUFFIXES,
    STATE_DIR,
    adopt_legacy,
    check_needed,
    current_run,
    legacy_names,
    needs_adoption,
    public_params,
    publish,
    read_run_record,
    read_summary,
    run_record,
    summary_fingerprint,
)
from workbook.run.snapshot import applicability, prepare

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "LocalKernelManager",
    "ReportResult",
    "RunResult",
    "execute_report",
    "longest_first",
    "notebook_parameters",
    "run_plan",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class ReportResult:
    """Outcome of one notebook execution in the temporary directory."""

    name: str
    title: str
    status: str  # "ok", "failed", "n/a" (tables absent) or "not run" (data error first)
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
    snapshot: str | None = None  # the run's validated load; injected as data when set
    kernel_env: tuple[tuple[str, str], ...] = ()  # LocalKernelManager.extra_env for this run
    run_env: tuple[tuple[str, str], ...] = ()  # LocalKernelManager.run_env (the run's engine)


@dataclass
class RunResult:
    """What :func:`run_plan` did; ``exit_code`` is 0, 1 or 2.

    2 when the data failed validation (``data_error``; nothing ran) or a
    notebook hit a ``DataValidationError``; 1 when a report failed; else 0
    (``n/a`` reports do not count as failures).
    """

    out: Path
    results: list[ReportResult]
    record: dict
    data_error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.data_error or any(r.error_name == "DataValidationError" for r in self.results):
            return EXIT_USAGE
        return EXIT_FAILED if any(r.status == "failed" for r in self.results) else EXIT_OK


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else str(text)


def _papermill(job: _Job, out_nb: Path) -> tuple[str | None, str | None]:
    """Run the notebook; return (error_name, error) or (None, None)."""
    from workbook.run._imports import import_papermill

    papermill = import_papermill()
    from papermill.exceptions import PapermillExecutionError

    parameters = dict(job.parameters)
    if job.snapshot:  # the notebook's own workbook.load(data or None, ...) reads the snapshot
        parameters.update(data=job.snapshot, load_options={})
    LocalKernelManager.extra_env = dict(job.kernel_env)
    LocalKernelManager.run_env = dict(job.run_env)
    try:
        papermill.execute_notebook(
            str(job.spec.path),
            str(out_nb),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(job.cwd),
            execution_timeout=job.timeout,
            kernel_manager_class="workbook.run.kernels.LocalKernelManager",
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


def _record_head(plan: RunPlan, started: str) -> tuple[tuple[str, object], ...]:
    """The first rows of every report page's run record: as_of, data, engine, version, start."""
    from workbook import __version__

    return (
        ("as_of", plan.as_of),
        ("Data", data_label(plan.data)),
        ("Engine", engine_label(plan.engine)),
        ("workbook version", __version__),
        ("Run started (UTC)", started),
    )


def _jobs(
    plan: RunPlan,
    workdir: Path,
    started: str,
    specs: Sequence[ReportSpec],
    snapshot: Path | None,
) -> list[_Job]:

    base_record = _record_head(plan, started)
    env = tuple(kernel_env(min(plan.jobs, len(specs)) if len(specs) > 1 else 1).items())
    jobs = []
    for spec in specs:
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
                snapshot=str(snapshot) if snapshot is not None else None,
                kernel_env=env,
                # The kernels' workbook.load binds the run's engine (never in the notebook:
                # a URL may hold a password).
                run_env=((ENGINE_ENV, plan.engine or ""),),
            )
        )
    return jobs


#: Seconds each report's notebook took on the large sample (``--jobs 2``,
#: 2026-12-04): the order of a run into a folder with no earlier run.
TYPICAL_SECONDS = {
    "whitespace": 37.5,
    "engagement": 33.9,
    "cohort": 32.3,
    "hierarchy": 21.5,
    "scoring": 21.0,
    "data_quality": 10.4,
}


def longest_first(jobs: Sequence[_Job], out: Path) -> list[_Job]:
    """``jobs`` in the order parallel workers should take them: the longest first.

    The expected time of a report is what it took in the run published in
    ``out`` (its ``run.json``); with no such run, :data:`TYPICAL_SECONDS`.
    Starting the long notebooks first and filling in with the short ones
    (the longest-processing-time rule) keeps one worker from running a long
    report alone at the end. A report with no expected time goes first, in
    notebook order; ties keep notebook order.
    """
    seconds = dict(TYPICAL_SECONDS)
    current = current_run(out)
    record = read_run_record(current) if current is not None else None
    if record is not None:
        try:
            earlier = {
                name: float(r["seconds"])
                for name, r in (record.get("reports") or {}).items()
                if r.get("status") == "ok" and r.get("seconds")
            }
        except (ValueError, TypeError, KeyError, AttributeError):  # a record of another shape
            earlier = {}
        seconds.update(earlier)
    order = sorted(
        range(len(jobs)), key=lambda i: (-seconds.get(jobs[i].spec.name, float("inf")), i)
    )
    return [jobs[i] for i in order]


def _export_names(specs: Sequence[ReportSpec]) -> dict[str, set[str]]:
    """Each report's export file names (``summary.json`` and its Results' CSV stems)."""
    import importlib

    names = {}
    for spec in specs:
        files = {"summary.json"}
        try:
            results = importlib.import_module(f"workbook.analyses.{spec.name}").Results
            fields = results.table_fields()
        except (ImportError, AttributeError):
            fields = {}
        files |= {f"{meta['stem'] or name}.csv" for name, meta in fields.items() if meta["export"]}
        names[spec.name] = files
    return names


def _data_error_results(plan: RunPlan, workdir: Path, error, started: str) -> list[ReportResult]:
    """The data_quality page in error mode, and "not run" for every other chosen report."""
    from workbook.present import html as wbhtml

    message = str(error)
    record = [
        *_record_head(plan, started),
        ("Status", "data error: nothing else was run or published"),
    ]
    page = wbhtml.error_page(
        title="Data quality: the export failed validation",
        as_of=plan.as_of,
        error=message,
        record=record,
    )
    (workdir / "data_quality.failed.html").write_text(page, encoding="utf-8")
    first = _first_line(message)
    results = [
        ReportResult("data_quality", "Data quality", "failed", 0.0, message, "DataValidationError")
    ]
    for spec in plan.reports:
        if spec.name != "data_quality":
            results.append(
                ReportResult(
                    spec.name,
                    spec.title,
                    "not run",
                    0.0,
                    f"not run: {first} (see data_quality.failed.html)",
                )
            )
    return results


def _failure_line(out: Path, result: ReportResult) -> str:
    page = out / f"{result.name}.failed.html"
    notebook = out / f"{result.name}.failed.ipynb"
    return (
        f"[FAILED] {result.name}  {result.seconds:.1f}s: {_first_line(result.error)} "
        f"(page {page}; notebook {notebook})"
    )


def run_plan(
    plan: RunPlan,
    *,
    progress: Callable[[str], None] = lambda line: None,
    hook: Callable[[str], None] = lambda step: None,
) -> RunResult:
    """Execute a plan and publish the whole run into ``plan.out`` as one unit.

    Steps, all under the output folder's lock (:class:`~workbook.run.lock.OutputLock`;
    :class:`~workbook.run.lock.Busy` when another run holds it and
    ``plan.wait`` is false):

    1. remove temporary folders of dead runs; adopt a pre-manifest OUT by
       name (:func:`~workbook.run.publish.adopt_legacy`); stop on a foreign
       file in a path the run needs (:class:`~workbook.run.publish.ForeignFileError`,
       unless ``plan.force``);
    2. load and validate the export once into a snapshot
       (:func:`workbook.run.snapshot.prepare`). On a validation error, publish
       only ``data_quality.failed.html`` (every report keeps its last good
       copy) and return with ``data_error`` set (exit 2);
    3. run every applicable report (``plan.jobs`` processes) into
       ``OUT/.workbook/tmp-<pid>-*/work``; reports whose tables the export
       lacks are ``n/a``;
    4. publish (:func:`workbook.run.publish.publish`; ``hook(step)`` is called
       before each step).

    The temporary folder and the kernels' files are removed on every exit
    path; KeyboardInterrupt (and the SIGTERM the CLI turns into one) is
    re-raised with OUT as it was.
    """
    out = plan.out
    out.mkdir(parents=True, exist_ok=True)
    with OutputLock(out, wait=plan.wait), kernel_dir():
        for stale in remove_stale(out):
            progress(f"removed the temporary folder of a dead run: {stale}")
        adopted = []
        if needs_adoption(out):  # only then the export names (each report's Results: pandas)
            known = [s.name for s in plan.available]
            adopted = adopt_legacy(out, legacy_names(known, _export_names(plan.available)), hook=hook)
        if adopted:
            progress(f"adopted {len(adopted)} files of an output folder from before the manifest")
        needed = ["index.html", "run.json"]
        needed += [f"{s.name}{suffix}" for s in plan.reports for suffix in REPORT_SUFFIXES]
        for path in check_needed(out, needed, force=plan.force):
            progress(f"--force: replacing {path}, which workbook did not write")
        tmp = Path(tempfile.mkdtemp(prefix=f"tmp-{os.getpid()}-", dir=out / STATE_DIR))
        try:
            return _run_in(plan, tmp, progress, hook)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _run_in(plan: RunPlan, tmp: Path, progress: Callable, hook: Callable) -> RunResult:
    """Steps 2-4 of :func:`run_plan`, in the run's temporary folder ``tmp``."""
    from workbook import __version__
    from workbook.data.errors import DataValidationError

    out = plan.out
    workdir = tmp / "work"
    workdir.mkdir()
    started = _utc_now()
    t0 = time.perf_counter()
    data_error = None
    try:
        prepared = prepare(
            plan.reports,
            data=plan.data,
            as_of=plan.as_of,
            load_options=plan.load_options,
            folder=tmp / "snapshot",
            engine=plan.engine,
        )
    except DataValidationError as exc:
        data_error = str(exc)
        progress(
            f"[DATA ERROR] the export failed validation; page {out / 'data_quality.failed.html'}"
        )
        ordered = _data_error_results(plan, workdir, exc, started)
    else:
        if prepared.folder is not None:
            rows = sum(prepared.rows.values())
            progress(
                f"loaded and validated {len(prepared.tables)} tables ({rows:,} rows) once "
                f"in {prepared.seconds:.1f}s"
            )
        na = applicability(plan.reports, prepared.tables) if prepared.folder is not None else {}
        runnable = [s for s in plan.reports if s.name not in na]
        if not runnable:
            raise UsageError(
                "no chosen report applies to this export: "
                + "; ".join(f"{name} {reason}" for name, reason in na.items())
            )
        for name, reason in na.items():
            progress(f"[n/a] {name}: {reason}")
        jobs = _jobs(plan, workdir, started, runnable, prepared.folder)
        results: dict[str, ReportResult] = {}

        def done(result: ReportResult) -> None:
            results[result.name] = result
            if result.status == "ok":
                progress(f"[ok] {result.name}  {result.seconds:.1f}s")
            else:
                progress(_failure_line(out, result))

        if plan.jobs == 1 or len(jobs) == 1:
            for job in jobs:
                done(execute_report(job))
        else:
            _run_parallel(longest_first(jobs, out), plan.jobs, done)
        ordered = [
            results.get(s.name) or ReportResult(s.name, s.title, "n/a", 0.0, error=na[s.name])
            for s in plan.reports
        ]
    record = run_record(
        plan,
        ordered,
        started=started,
        finished=_utc_now(),
        seconds=time.perf_counter() - t0,
        version=__version__,
        data_error=data_error,
    )
    publish(workdir, out, ordered, record, plan, tmp=tmp, force=plan.force, hook=hook)
    progress(f"published the run; reports in {out}")
    return RunResult(out=out, results=ordered, record=record, data_error=data_error)


def _worker_init() -> None:
    """Worker processes die on SIGTERM (the parent cleans up; it does not inherit the CLI's handler)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_parallel(jobs: Sequence[_Job], workers: int, done: Callable) -> None:
    """Run jobs in worker processes; stop them all on KeyboardInterrupt.

    Kernels started by a stopped worker exit on their own (ipykernel polls
    its parent process).
    """
    # Spawned, not forked: a forked worker would start as a copy of this process.
    # One report per worker process: a worker that rendered a report keeps the
    # heap of that notebook's HTML (150-200 MB), which would sit beside the
    # next report's kernel; a fresh worker starts at about 100 MB.
    pool = cf.ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        initializer=_worker_init,
        mp_context=mp.get_context("spawn"),
        max_tasks_per_child=1,
    )
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

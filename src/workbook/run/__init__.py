"""Run report notebooks with papermill: discovery, strict parameters, atomic output.

The command line (:mod:`workbook.cli`) is a thin layer over this module:

* :func:`discover` finds the reports (``notebooks/NN_*.ipynb`` with
  ``workbook.name`` metadata) and reads each one's parameters cell with
  :func:`papermill.inspect_notebook`;
* :func:`build_plan` merges a params YAML, ``-P`` assignments and CLI flags
  into validated per-report parameters (:class:`UsageError` on any problem);
* :func:`run_plan` executes the notebooks (optionally in parallel processes)
  into a temporary sibling of OUT, renders HTML, then moves each report into
  OUT with renames and rewrites ``OUT/index.html`` and ``OUT/run.json``.

Output layout (``OUT`` = ``--out``, default ``reports/<as_of>/``)::

    OUT/index.html                  links every report, headline figures
    OUT/run.json                    run record
    OUT/<report>.html               static page (no code)
    OUT/<report>.pdf                the same page printed by Chromium (only with --pdf)
    OUT/<report>.ipynb              executed notebook
    OUT/<report>/summary.json, *.csv
    OUT/<report>.failed.html/.ipynb only when the last run of <report> failed

A failed report never replaces the last good one; an interrupted run leaves
OUT as it was.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jupyter_client.manager import AsyncKernelManager

#: Parameters every report notebook declares; the runner sets them.
COMMON_PARAMETERS = ("data", "load_options", "as_of", "out_dir", "interactive")
#: Set only by the runner, never by the user.
RUNNER_ONLY = frozenset({"out_dir", "interactive"})
#: Top-level keys of a params YAML that configure the run rather than a notebook.
CONFIG_KEYS = ("data", "as_of", "out", "load_options", "reports")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOTEBOOK_RE = re.compile(r"^(\d+)_.+\.ipynb$")
_TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}


class UsageError(Exception):
    """A usage, parameter or data problem: the CLI prints it and exits with 2."""


# -- discovery ---------------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a notebook's ``parameters`` cell.

    ``type_name`` is inferred from the default: ``bool``, ``int``, ``float``,
    ``str``, ``list``, ``dict``, or ``any`` (default ``None`` or an expression
    that is not a literal). ``is_date`` is true for ``as_of``, for names
    ending in ``_date``/``_start``/``_end`` and for defaults that look like
    ``YYYY-MM-DD``; such values must be ISO dates (or ``""`` when the default
    is ``""``).
    """

    name: str
    default: object
    default_source: str
    type_name: str
    help: str = ""
    is_date: bool = False


@dataclass(frozen=True)
class ReportSpec:
    """A report notebook found by :func:`discover`."""

    name: str
    title: str
    path: Path
    order: int
    tables: tuple[str, ...]
    params: dict[str, ParamSpec]


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


def notebooks_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Where the report notebooks are.

    ``explicit`` (``--notebooks``), else the ``WORKBOOK_NOTEBOOKS``
    environment variable, else ``notebooks/`` next to ``src/`` in the source
    tree (editable install).
    """
    if explicit:
        path = Path(explicit)
    elif os.environ.get("WORKBOOK_NOTEBOOKS"):
        path = Path(os.environ["WORKBOOK_NOTEBOOKS"])
    else:
        path = Path(__file__).resolve().parents[3] / "notebooks"
    if not path.is_dir():
        raise UsageError(
            f"notebooks directory {str(path)!r} not found; pass --notebooks DIR "
            "or set WORKBOOK_NOTEBOOKS"
        )
    return path.resolve()


def _infer(name: str, source: str, help_text: str) -> ParamSpec:
    try:
        default = ast.literal_eval(source)
        type_name = "any" if default is None else _TYPE_NAMES.get(type(default), "any")
    except (ValueError, SyntaxError):
        default, type_name = source, "any"
    looks_date = isinstance(default, str) and bool(_DATE_RE.match(default))
    is_date = name == "as_of" or name.endswith(("_date", "_start", "_end")) or looks_date
    return ParamSpec(name, default, source, type_name, help_text, is_date)


def parameter_specs(path: str | os.PathLike) -> dict[str, ParamSpec]:
    """The parameters of a notebook, read with :func:`papermill.inspect_notebook`."""
    import papermill

    raw = papermill.inspect_notebook(str(path))
    return {
        name: _infer(name, str(p.get("default", "None")), str(p.get("help", "") or "").strip())
        for name, p in raw.items()
    }


def discover(directory: str | os.PathLike | None = None) -> list[ReportSpec]:
    """All reports in the notebooks directory, ordered by their ``NN_`` prefix.

    A report is a notebook ``NN_<anything>.ipynb`` whose metadata has
    ``workbook.name``; other notebooks are ignored. Two notebooks with the
    same ``workbook.name`` are an error.
    """
    import nbformat

    root = notebooks_dir(directory)
    found: dict[str, ReportSpec] = {}
    for path in sorted(root.glob("*.ipynb")):
        match = _NOTEBOOK_RE.match(path.name)
        if not match:
            continue
        nb = nbformat.read(str(path), as_version=4)
        meta = nb.metadata.get("workbook") or {}
        name = meta.get("name")
        if not name:
            continue
        if name in found:
            raise UsageError(f"report {name!r} is defined twice: {found[name].path} and {path}")
        found[name] = ReportSpec(
            name=str(name),
            title=str(meta.get("title") or name),
            path=path,
            order=int(match.group(1)),
            tables=tuple(meta.get("tables") or ()),
            params=parameter_specs(path),
        )
    return sorted(found.values(), key=lambda r: (r.order, r.name))


def missing_common(spec: ReportSpec) -> list[str]:
    """Common parameters that papermill did not find in the notebook's parameters cell."""
    return [p for p in COMMON_PARAMETERS if p not in spec.params]


def select(reports: Sequence[ReportSpec], names: Sequence[str]) -> list[ReportSpec]:
    """The reports named (``all`` = every report), in discovery order."""
    by_name = {r.name: r for r in reports}
    if not names:
        raise UsageError("name at least one report, or 'all'")
    if "all" in names:
        return list(reports)
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(
            f"unknown report(s): {', '.join(unknown)}; available: {', '.join(by_name) or '(none)'}"
        )
    wanted = set(names)
    return [r for r in reports if r.name in wanted]


# -- parameters --------------------------------------------------------------


def parse_value(text: str) -> object:
    """Parse a ``-P`` value as a YAML scalar or list (``""`` for an empty value)."""
    if text.strip() == "":
        return ""
    try:
        return _plain(yaml.safe_load(text))
    except ValueError:
        return text.strip()  # YAML's date-like but impossible values (2024-13-01): checked later
    except yaml.YAMLError as exc:
        raise UsageError(f"cannot parse parameter value {text!r}: {exc}") from None


def _plain(value: object) -> object:
    """YAML dates become ISO strings; containers are converted recursively."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def parse_assignment(text: str) -> tuple[str | None, str, object]:
    """Split ``key=value`` or ``report.key=value`` into (report, key, value)."""
    if "=" not in text:
        raise UsageError(f"-P expects key=value or report.key=value, got {text!r}")
    key, value = text.split("=", 1)
    key = key.strip()
    report = None
    if "." in key:
        report, key = key.split(".", 1)
    if not key or not key.isidentifier() or (report is not None and not report):
        raise UsageError(f"-P expects key=value or report.key=value, got {text!r}")
    return report, key, parse_value(value)


def read_params_file(path: str | os.PathLike) -> dict:
    """Read a params YAML (a mapping; an empty file is an empty mapping)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"params file {str(p)!r} not found")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        raise UsageError(f"params file {str(p)!r} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"params file {str(p)!r} must hold a mapping at the top level")
    return _plain(data)


def check_date(name: str, value: object, *, allow_blank: bool = False) -> str:
    """Return ``value`` as ``YYYY-MM-DD`` or raise :class:`UsageError`."""
    value = _plain(value)
    if allow_blank and value == "":
        return ""
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise UsageError(f"parameter {name!r} must be a date YYYY-MM-DD, got {value!r}")


def check_value(report: str, spec: ParamSpec, value: object) -> object:
    """Validate (and lightly coerce) one parameter value against its spec.

    Rules: ``int`` is accepted for ``float`` (converted); numbers are
    accepted for ``str`` (converted to text, so ``-P segment=2024`` works);
    ``bool`` is never accepted for a number; ``any`` accepts anything; date
    parameters must be ISO dates (``""`` allowed when the default is ``""``).
    """
    value = _plain(value)
    where = f"{report}: parameter {spec.name!r}"
    if spec.is_date:
        try:
            return check_date(spec.name, value, allow_blank=spec.default == "")
        except UsageError:
            raise UsageError(f"{where} must be a date YYYY-MM-DD, got {value!r}") from None
    want = spec.type_name
    ok = True
    if want == "any":
        return value
    if want == "bool":
        ok = isinstance(value, bool)
    elif want == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif want == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif want == "str":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        ok = isinstance(value, str)
    elif want == "list":
        ok = isinstance(value, list)
    elif want == "dict":
        ok = isinstance(value, dict)
    if not ok:
        raise UsageError(
            f"{where} must be {want} (default {spec.default_source}), "
            f"got {type(value).__name__} {value!r}"
        )
    return value


@dataclass
class RunPlan:
    """Everything needed to execute a run, validated."""

    reports: list[ReportSpec]
    available: list[ReportSpec]
    data: str
    as_of: str
    out: Path
    load_options: dict
    params: dict[str, dict]  # report -> user parameters (beyond the common ones)
    timeout: float | None = None
    jobs: int = 1
    compare: Path | None = None
    cwd: Path = field(default_factory=Path.cwd)
    pdf: bool = False
    chromium: str | None = None  # browser printing the PDFs (set when pdf is true)


def build_plan(
    reports: Sequence[ReportSpec],
    *,
    available: Sequence[ReportSpec] | None = None,
    params_file: Mapping | None = None,
    assignments: Sequence[str] = (),
    data: str | None = None,
    out: str | None = None,
    as_of: str | None = None,
    jobs: int = 1,
    compare: str | None = None,
    timeout: float | None = None,
    resolve_as_of: Callable[..., object] | None = None,
    pdf: bool = False,
) -> RunPlan:
    """Merge a params YAML, ``-P`` assignments and CLI flags; validate strictly.

    Precedence: CLI flags > ``-P`` > YAML > notebook defaults. Top-level YAML
    keys other than ``data``, ``as_of``, ``out``, ``load_options`` and
    ``reports`` apply to every selected report that declares them; a key no
    selected report declares is an error listing the valid ones. Keys under
    ``reports: {<report>: ...}`` and ``-P <report>.key=value`` apply to one
    report; a key that report does not declare is an error. Keys for a report
    in ``available`` (every discovered report) that is not selected are
    ignored, so one YAML can serve runs of single reports.

    ``as_of`` defaults to ``resolve_as_of(data, **load_options)`` (by default
    :func:`workbook.data.io.resolve_as_of`): the sample's snapshot date without
    data, else the latest event date, so re-runs on the same data agree.

    Raises
    ------
    UsageError
        For any unknown key, wrong type, bad date, or unusable option.
    """
    cfg = dict(params_file or {})
    config = {k: cfg.pop(k) for k in CONFIG_KEYS if k in cfg}
    common: dict[str, object] = dict(cfg)
    per_report: dict[str, dict] = {}
    yaml_reports = config.get("reports") or {}
    if not isinstance(yaml_reports, dict):
        raise UsageError("'reports' in the params file must map report names to parameters")
    available = list(available) if available is not None else list(reports)
    known = {r.name for r in available}
    for name, values in yaml_reports.items():
        if name not in known:
            raise UsageError(
                f"params file: unknown report {name!r} under 'reports'; "
                f"available: {', '.join(sorted(known))}"
            )
        if not isinstance(values, dict):
            raise UsageError(f"params file: reports.{name} must be a mapping")
        per_report[name] = dict(values)

    for text in assignments:
        report, key, value = parse_assignment(text)
        if report is None:
            if key in ("data", "as_of", "out", "load_options"):
                config[key] = value
            else:
                common[key] = value
        else:
            if report not in known:
                raise UsageError(
                    f"-P {text!r}: unknown report {report!r}; available: {', '.join(sorted(known))}"
                )
            per_report.setdefault(report, {})[key] = value

    if data is not None:
        config["data"] = data
    if out is not None:
        config["out"] = out
    if as_of is not None:
        config["as_of"] = as_of

    load_options = config.get("load_options") or {}
    if not isinstance(load_options, dict):
        raise UsageError("load_options must be a mapping of workbook.load keyword arguments")
    data_value = config.get("data") or ""
    if not isinstance(data_value, str):
        raise UsageError(f"data must be a path or URL string, got {data_value!r}")
    if data_value and "://" not in data_value:
        data_value = str(Path(data_value).expanduser().resolve())
        if not Path(data_value).exists():
            raise UsageError(f"data {data_value!r} does not exist")

    selected = {r.name for r in reports}
    for key in list(common) + [k for v in per_report.values() for k in v]:
        if key in RUNNER_ONLY or key in COMMON_PARAMETERS:
            raise UsageError(
                f"parameter {key!r} is set by the runner"
                + ("" if key in RUNNER_ONLY else f"; use --{key.replace('_', '-')} or top-level")
            )
    declared_somewhere = {k for r in reports for k in r.params if k not in COMMON_PARAMETERS}
    unknown_common = sorted(k for k in common if k not in declared_somewhere)
    if unknown_common:
        raise UsageError(
            f"unknown parameter(s) {', '.join(unknown_common)} for "
            f"{', '.join(sorted(selected))}; valid: {', '.join(sorted(declared_somewhere)) or '(none)'}"
        )

    resolved: dict[str, dict] = {}
    for r in reports:
        own = {k: v for k, v in common.items() if k in r.params}
        own.update(per_report.get(r.name, {}))
        valid = sorted(k for k in r.params if k not in COMMON_PARAMETERS)
        bad = sorted(k for k in own if k not in r.params)
        if bad:
            raise UsageError(
                f"unknown parameter(s) {', '.join(bad)} for report {r.name!r}; "
                f"valid: {', '.join(valid) or '(none)'}"
            )
        resolved[r.name] = {k: check_value(r.name, r.params[k], v) for k, v in own.items()}

    as_of_value = config.get("as_of") or ""
    if as_of_value:
        as_of_value = check_date("as_of", as_of_value)
    else:
        as_of_value = default_as_of(data_value, load_options, resolve_as_of)

    out_path = Path(config.get("out") or Path("reports") / as_of_value).expanduser().resolve()
    compare_path = None
    if compare:
        compare_path = Path(compare).expanduser().resolve()
        if not compare_path.is_dir():
            raise UsageError(f"--compare {compare!r} is not a directory")
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    chromium = None
    if pdf:
        from workbook.present.html import CHROMIUM_MISSING, find_chromium

        chromium = find_chromium()
        if chromium is None:
            raise UsageError(CHROMIUM_MISSING)
    return RunPlan(
        reports=list(reports),
        available=available,
        data=data_value,
        as_of=as_of_value,
        out=out_path,
        load_options=dict(load_options),
        params=resolved,
        timeout=timeout,
        jobs=jobs,
        compare=compare_path,
        pdf=pdf,
        chromium=chromium,
    )


def default_as_of(data: str, load_options: Mapping, resolver=None) -> str:
    """The default observation end date as ``YYYY-MM-DD`` (see :func:`build_plan`)."""
    if resolver is None:
        from workbook.data.io import resolve_as_of as resolver
    from workbook.data.validate import DataValidationError

    try:
        value = resolver(data or None, **dict(load_options))
    except DataValidationError as exc:
        raise UsageError(str(exc)) from exc
    except TypeError as exc:
        raise UsageError(f"load_options: {exc}") from exc
    if value is None or value != value:
        raise UsageError("the data holds no event dates to default as_of from; pass --as-of")
    import pandas as pd

    return pd.Timestamp(value).date().isoformat()


# -- execution ---------------------------------------------------------------


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


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else str(text)


def _read_summary(folder: Path) -> dict:
    path = folder / "summary.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def summary_fingerprint(summary: Mapping) -> str | None:
    """The data fingerprint recorded in a report's summary.json, if any."""
    for key in ("fingerprint", "data_fingerprint"):
        if summary.get(key):
            return str(summary[key])
    quality = summary.get("data_quality")
    if isinstance(quality, Mapping) and quality.get("fingerprint"):
        return str(quality["fingerprint"])
    return None


def execute_report(job: _Job) -> ReportResult:
    """Execute one notebook with papermill into ``job.workdir`` and render its HTML.

    Writes ``<report>.ipynb`` and ``<report>.html`` (or ``.failed.html``)
    and lets the notebook export into ``<report>/``. With ``job.chromium``
    a successful report is also printed to ``<report>.pdf`` from its HTML
    (:func:`workbook.present.html.html_to_pdf`); a PDF that cannot be made fails the
    report. Never raises for a notebook error: the result says ``failed``
    with the exception's message.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from workbook.present import html as wbhtml

    spec = job.spec
    out_nb = job.workdir / f"{spec.name}.ipynb"
    (job.workdir / spec.name).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    error = error_name = None
    try:
        papermill.execute_notebook(
            str(spec.path),
            str(out_nb),
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(job.cwd),
            execution_timeout=job.timeout,
            kernel_manager_class="workbook.run.LocalKernelManager",
        )
    except PapermillExecutionError as exc:
        error_name = exc.ename
        error = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel death, timeout, bad notebook: report it, do not hide it
        error_name = type(exc).__name__
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    summary = _read_summary(job.workdir / spec.name)
    fingerprint = summary_fingerprint(summary)
    record = list(job.record) + [
        ("Data fingerprint", fingerprint or "not recorded"),
        ("Duration", f"{seconds:.1f} s"),
        ("Status", "ok" if error is None else "failed"),
    ]
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
    except Exception as exc:  # an HTML export problem fails the report visibly
        if error is None:
            error_name = type(exc).__name__
            error = f"HTML export failed: {type(exc).__name__}: {exc}"
        record[-1] = ("Status", "failed")
        markup = wbhtml.error_page(title=spec.title, as_of=job.as_of, error=error, record=record)
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


def notebook_parameters(plan: RunPlan, spec: ReportSpec, workdir: Path) -> dict:
    """The full parameter dict papermill injects into one notebook.

    The common parameters are always injected (the notebook contract says
    every report declares them); :func:`missing_common` reports notebooks
    whose parameters cell does not declare them or that papermill cannot
    parse (for example a comment holding a double quote).
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


def run_plan(plan: RunPlan, *, progress: Callable[[str], None] = lambda line: None) -> RunResult:
    """Execute a plan, publish the results into ``plan.out`` and return them.

    Steps: execute every report into a temporary sibling directory
    ``<out>.tmp-<random>`` (``plan.jobs`` processes), then move each report
    into OUT with renames (see the module docstring), then rewrite
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
    base_record = (
        ("as_of", plan.as_of),
        ("Data", plan.data or "bundled sample"),
        ("workbook version", __version__),
        ("Run started (UTC)", started),
    )
    jobs = [
        _Job(
            spec=spec,
            parameters=notebook_parameters(plan, spec, workdir),
            workdir=workdir,
            cwd=plan.cwd,
            timeout=plan.timeout,
            record=base_record
            + (("Parameters", _public_params(notebook_parameters(plan, spec, workdir))),),
            as_of=plan.as_of,
            chromium=plan.chromium if plan.pdf else None,
        )
        for spec in plan.reports
    ]
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
        record = {
            "as_of": plan.as_of,
            "data": plan.data or None,
            "load_options": plan.load_options,
            "fingerprint": _common_fingerprint(ordered),
            "workbook_version": __version__,
            "started": started,
            "finished": _utc_now(),
            "seconds": round(time.perf_counter() - t0, 2),
            "compare": str(plan.compare) if plan.compare else None,
            "pdf": plan.pdf,
            "reports": {
                r.name: {
                    "title": r.title,
                    "status": r.status,
                    "seconds": round(r.seconds, 2),
                    "error": r.error,
                    "fingerprint": r.fingerprint,
                    "parameters": _public_params(r.parameters),
                }
                for r in ordered
            },
        }
        publish(workdir, out, ordered, record, plan)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    progress(f"reports in {out}")
    return RunResult(out=out, results=ordered, record=record)


def _public_params(params: Mapping) -> dict:
    """Parameters as shown in run records: without the temporary out_dir."""
    return {k: v for k, v in params.items() if k != "out_dir"}


def _common_fingerprint(results: Sequence[ReportResult]) -> str | None:
    prints = sorted({r.fingerprint for r in results if r.fingerprint})
    return prints[0] if len(prints) == 1 else (", ".join(prints) or None)


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


# -- publishing --------------------------------------------------------------


def _replace_path(src: Path, dst: Path, trash: Path) -> None:
    """Move ``src`` onto ``dst``; an existing directory goes to ``trash`` first."""
    if dst.is_dir() and not dst.is_symlink():
        trash.mkdir(parents=True, exist_ok=True)
        os.replace(dst, trash / f"{dst.name}-{os.getpid()}-{time.monotonic_ns()}")
    os.replace(src, dst)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def publish(workdir: Path, out: Path, results: Sequence[ReportResult], record: dict, plan) -> None:
    """Move finished reports from ``workdir`` into ``out``; rewrite index and run record.

    A successful report replaces ``<r>.html``, ``<r>.ipynb``, ``<r>/`` and
    ``<r>.pdf`` (removed when this run made no PDF, so a PDF always matches
    its HTML) and removes stale ``<r>.failed.*``. A failed report only writes
    ``<r>.failed.ipynb`` and ``<r>.failed.html``; its last good files stay.
    """
    out.mkdir(parents=True, exist_ok=True)
    trash = workdir / "_replaced"
    for r in results:
        if r.status == "ok":
            _replace_path(workdir / r.name, out / r.name, trash)
            os.replace(workdir / f"{r.name}.ipynb", out / f"{r.name}.ipynb")
            os.replace(workdir / f"{r.name}.html", out / f"{r.name}.html")
            if (workdir / f"{r.name}.pdf").is_file():
                os.replace(workdir / f"{r.name}.pdf", out / f"{r.name}.pdf")
            else:
                (out / f"{r.name}.pdf").unlink(missing_ok=True)
            for stale in (out / f"{r.name}.failed.ipynb", out / f"{r.name}.failed.html"):
                stale.unlink(missing_ok=True)
        else:
            if (workdir / f"{r.name}.ipynb").is_file():
                os.replace(workdir / f"{r.name}.ipynb", out / f"{r.name}.failed.ipynb")
            os.replace(workdir / f"{r.name}.failed.html", out / f"{r.name}.failed.html")
    _write_atomic(out / "run.json", json.dumps(record, indent=2, ensure_ascii=False, default=str))
    _write_atomic(out / "index.html", render_index(out, plan, results, record))


def render_index(out: Path, plan: RunPlan, results: Sequence[ReportResult], record: dict) -> str:
    """Build ``index.html`` from what is in OUT now (see :func:`workbook.present.html.index_html`).

    Lists the reports of this run plus any other report that already has a
    page in OUT (for example from an earlier ``workbook run cohort``).
    """
    from workbook.present import html as wbhtml

    this_run = {r.name: r for r in results}
    specs = {s.name: s for s in plan.available}
    names = [s.name for s in specs.values()]
    names += [r.name for r in results if r.name not in specs]
    entries = []
    for name in names:
        html_page = out / f"{name}.html"
        failed_page = out / f"{name}.failed.html"
        result = this_run.get(name)
        if result is None and not html_page.exists() and not failed_page.exists():
            continue
        title = result.title if result else specs[name].title
        if result is not None:
            status = (
                "ok" if result.status == "ok" else ("stale" if html_page.exists() else "failed")
            )
        else:
            status = "ok" if html_page.exists() and not failed_page.exists() else "failed"
        summary = _read_summary(out / name) if html_page.exists() else {}
        previous = None
        if plan.compare is not None:
            prev = _read_summary(plan.compare / name)
            previous = {str(h.get("key")): h for h in prev.get("headline", []) if "key" in h}
        csvs = sorted(p.relative_to(out).as_posix() for p in (out / name).glob("*.csv"))
        entries.append(
            wbhtml.IndexEntry(
                name=name,
                title=title,
                status=status,
                html=f"{name}.html" if html_page.exists() else None,
                pdf=f"{name}.pdf"
                if html_page.exists() and (out / f"{name}.pdf").exists()
                else None,
                notebook=f"{name}.ipynb" if (out / f"{name}.ipynb").exists() else None,
                failed_html=f"{name}.failed.html" if failed_page.exists() else None,
                csvs=csvs if html_page.exists() else [],
                headline=list(summary.get("headline", [])),
                previous=previous,
                error=result.error if result is not None else None,
                seconds=result.seconds if result is not None else None,
                fingerprint=summary_fingerprint(summary),
            )
        )
    return wbhtml.index_html(
        entries,
        as_of=plan.as_of,
        fingerprint=record.get("fingerprint") or "",
        started=record.get("started", ""),
        version=record.get("workbook_version", ""),
        compare=str(plan.compare) if plan.compare else None,
    )

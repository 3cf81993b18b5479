"""Parameters of a run: the params file, ``-P``, precedence, checks, the plan.

:func:`build_plan` turns a params YAML, ``-P`` assignments and the CLI flags
into a :class:`RunPlan` whose every value has been checked, so that a bad
value stops the run (:class:`UsageError`, exit 2) before any notebook starts.

Precedence, highest first (issue 17)
------------------------------------
1. the CLI flags ``--as-of``, ``--data`` and ``--out``;
2. ``-P report.name=value``;
3. ``-P name=value`` (every selected report that declares ``name``);
4. ``reports.<report>.name`` in the params file;
5. top-level ``name`` in the params file (every selected report that declares it);
6. the default (the report's ``Params``, else its notebook's parameters cell).

``as_of``, ``data``, ``out``, ``load_options`` and ``engine`` are run-level:
they come from the flags or the top level of the params file only. The
engine (:func:`run_engine`) is ``--engine``, else top-level ``engine``, else
``load_options.engine``, else ``$WORKBOOK_ENGINE``, else embedded DuckDB. ``out_dir`` and
``interactive`` are set by the runner.

Checks
------
A report with ``Params`` (:func:`workbook.run.discover.params_class`) has every
value checked by :meth:`~workbook.core.params.ReportParams.check` (type, choice,
range) and then the whole set by constructing ``Params`` (rules across fields).
A report without one has its values checked against the types inferred from
its notebook's parameters cell (:func:`check_value`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbook.core.params import ParamError, ParamSpec
from workbook.run.discover import COMMON_PARAMETERS, NotebookParam, ReportSpec, UsageError

__all__ = [
    "CONFIG_KEYS",
    "RUNNER_ONLY",
    "RUN_LEVEL",
    "RunPlan",
    "Setting",
    "adhoc_hash",
    "build_plan",
    "check_date",
    "check_out_folder",
    "check_value",
    "parse_assignment",
    "parse_value",
    "read_params_file",
    "resolve_parameters",
    "resolve_run_as_of",
    "run_engine",
]

#: Set only by the runner, never by the user.
RUNNER_ONLY = frozenset({"out_dir", "interactive"})
#: Run-level settings and how to give each (never ``-P`` or ``reports.<r>``).
RUN_LEVEL = {
    "as_of": "--as-of YYYY-MM-DD or top-level as_of in the params file",
    "data": "--data DIR or top-level data in the params file",
    "out": "--out DIR or top-level out in the params file",
    "load_options": "top-level load_options in the params file",
    "engine": "--engine URL or top-level engine in the params file",
}
#: Top-level keys of a params YAML that configure the run rather than a notebook.
CONFIG_KEYS = ("data", "as_of", "out", "load_options", "engine", "reports")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- reading values ------------------------------------------------------------


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


def _injectable(value: object) -> object:
    """Tuples (how ``Params`` stores lists) back to lists: papermill writes tuples as text."""
    if isinstance(value, tuple):
        return [_injectable(v) for v in value]
    if isinstance(value, dict):
        return {k: _injectable(v) for k, v in value.items()}
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


# -- checking values -------------------------------------------------------------


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


def _type_ok(want: str, value: object) -> tuple[bool, object]:
    """Whether ``value`` fits a notebook-inferred type, and the value converted."""
    if want == "bool":
        return isinstance(value, bool), value
    if want == "int":
        return isinstance(value, int) and not isinstance(value, bool), value
    if want == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if want == "str":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        return isinstance(value, str), value
    if want == "list":
        return isinstance(value, list), value
    if want == "dict":
        return isinstance(value, dict), value
    return True, value  # "any"


def check_value(report: str, spec: NotebookParam | ParamSpec, value: object) -> object:
    """Check (and lightly convert) one value against its parameter's rules.

    A :class:`~workbook.core.params.ParamSpec` (a report with ``Params``)
    checks type, choices and range itself; its :class:`ParamError` becomes a
    :class:`UsageError` with the same message (``cohort: parameter grain =
    'fortnight' is not allowed; expected one of month, quarter, year``).

    A :class:`NotebookParam` (inferred from a parameters cell): ``int`` is
    accepted for ``float`` (converted); numbers are accepted for ``str``
    (converted to text, so ``-P segment=2024`` works); ``bool`` is never
    accepted for a number; ``any`` accepts anything; date parameters must be
    ISO dates (``""`` allowed when the default is ``""``).
    """
    value = _plain(value)
    if isinstance(spec, ParamSpec):
        try:
            return spec.check(value, report=report)
        except ParamError as exc:
            raise UsageError(str(exc)) from None
    where = f"{report}: parameter {spec.name!r}"
    if spec.is_date:
        try:
            return check_date(spec.name, value, allow_blank=spec.default == "")
        except UsageError:
            raise UsageError(f"{where} must be a date YYYY-MM-DD, got {value!r}") from None
    ok, value = _type_ok(spec.type_name, value)
    if not ok:
        raise UsageError(
            f"{where} must be {spec.type_name} (default {spec.default_source}), "
            f"got {type(value).__name__} {value!r}"
        )
    return value


# -- gathering settings by precedence ----------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One value given from outside, and where it was given (for messages)."""

    value: object
    source: str


@dataclass
class Layers:
    """The four sources of report parameters, lowest precedence first."""

    file_common: dict[str, Setting] = field(default_factory=dict)
    file_report: dict[str, dict[str, Setting]] = field(default_factory=dict)
    cli_common: dict[str, Setting] = field(default_factory=dict)
    cli_report: dict[str, dict[str, Setting]] = field(default_factory=dict)

    def ordered(self, report: str) -> list[tuple[dict[str, Setting], bool]]:
        """(layer, applies-to-every-report) pairs for ``report``, lowest first."""
        return [
            (self.file_common, True),
            (self.file_report.get(report, {}), False),
            (self.cli_common, True),
            (self.cli_report.get(report, {}), False),
        ]

    def everything(self):
        """Every (key, setting) of every layer."""
        for layer in (self.file_common, self.cli_common):
            yield from layer.items()
        for group in (self.file_report, self.cli_report):
            for layer in group.values():
                yield from layer.items()


def _unknown_report(where: str, name: str, known: set[str]) -> UsageError:
    return UsageError(f"{where}: unknown report {name!r}; available: {', '.join(sorted(known))}")


def gather_settings(
    params_file: Mapping | None, assignments: Sequence[str], known: set[str]
) -> tuple[dict, Layers]:
    """Split the params file and ``-P`` into run-level config and report layers."""
    cfg = dict(params_file or {})
    config = {k: cfg.pop(k) for k in CONFIG_KEYS if k in cfg}
    layers = Layers(
        file_common={k: Setting(v, f"params file: top-level {k}") for k, v in cfg.items()}
    )
    yaml_reports = config.pop("reports", None) or {}
    if not isinstance(yaml_reports, dict):
        raise UsageError("'reports' in the params file must map report names to parameters")
    for name, values in yaml_reports.items():
        if name not in known:
            raise _unknown_report("params file: under 'reports'", name, known)
        if not isinstance(values, dict):
            raise UsageError(f"params file: reports.{name} must be a mapping")
        layers.file_report[name] = {
            k: Setting(v, f"params file: reports.{name}.{k}") for k, v in values.items()
        }
    for text in assignments:
        report, key, value = parse_assignment(text)
        source = f"-P {key}" if report is None else f"-P {report}.{key}"
        if report is None:
            layers.cli_common[key] = Setting(value, source)
        elif report not in known:
            raise _unknown_report(f"-P {text!r}", report, known)
        else:
            layers.cli_report.setdefault(report, {})[key] = Setting(value, source)
    for key, setting in layers.everything():
        if key in RUN_LEVEL:
            raise UsageError(
                f"{setting.source}: {key} is a run-level setting, not a report parameter; "
                f"set it with {RUN_LEVEL[key]}"
            )
        if key in RUNNER_ONLY or key in COMMON_PARAMETERS:
            raise UsageError(f"{setting.source}: parameter {key!r} is set by the runner")
    return config, layers


def _did_you_mean(names: Sequence[str], valid: Sequence[str]) -> str:
    close = [m for n in names for m in difflib.get_close_matches(n, valid, n=1)]
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _check_unknown(reports: Sequence[ReportSpec], layers: Layers) -> None:
    """Every key must be a parameter of some selected report (or of its report)."""
    declared = sorted({k for r in reports for k in r.params})
    given = sorted(set(layers.file_common) | set(layers.cli_common))
    unknown = [k for k in given if k not in declared]
    if unknown:
        raise UsageError(
            f"unknown parameter(s) {', '.join(unknown)} for "
            f"{', '.join(sorted(r.name for r in reports))}; "
            f"valid: {', '.join(declared) or '(none)'}" + _did_you_mean(unknown, declared)
        )
    for r in reports:
        own = set(layers.file_report.get(r.name, {})) | set(layers.cli_report.get(r.name, {}))
        valid = sorted(r.params)
        bad = sorted(k for k in own if k not in r.params)
        if bad:
            raise UsageError(
                f"unknown parameter(s) {', '.join(bad)} for report {r.name!r}; "
                f"valid: {', '.join(valid) or '(none)'}" + _did_you_mean(bad, valid)
            )


def report_settings(spec: ReportSpec, layers: Layers) -> dict[str, Setting]:
    """The winning setting of each parameter given for one report (see module docstring)."""
    merged: dict[str, Setting] = {}
    for layer, every_report in layers.ordered(spec.name):
        for key, setting in layer.items():
            if every_report and key not in spec.params:
                continue
            merged[key] = setting
    return merged


def check_report(
    spec: ReportSpec,
    settings: Mapping[str, Setting],
    run_settings: Mapping[str, Setting] | None = None,
) -> dict[str, object]:
    """Check every value of one report; with ``Params``, also the whole set together.

    ``run_settings`` (the given ``as_of``) take part in the check when the
    report's ``Params`` declares them, but are not returned: the runner
    injects them as common parameters. Returns the converted report values,
    ready for papermill (lists, not tuples).
    """
    rules = spec.params
    values = {}
    for key, setting in settings.items():
        values[key] = _checked(spec.name, rules[key], setting)
    if spec.params_cls is None:
        return {k: _injectable(v) for k, v in values.items()}
    declared = spec.params_cls.specs()
    run_values = {
        key: _checked(spec.name, declared[key], setting)
        for key, setting in (run_settings or {}).items()
        if key in declared
    }
    try:
        spec.params_cls(**values, **run_values)
    except ParamError as exc:
        given = {**(run_settings or {}), **settings}.get(exc.name)
        where = f" (given by {given.source})" if given else ""
        raise UsageError(f"{exc}{where}") from None
    except ValueError as exc:  # a rule across fields written without ParamError
        raise UsageError(f"{spec.name}: {exc}") from None
    return {k: _injectable(v) for k, v in values.items()}


def _checked(report: str, rule: NotebookParam | ParamSpec, setting: Setting) -> object:
    try:
        return check_value(report, rule, setting.value)
    except UsageError as exc:
        raise UsageError(f"{exc} (given by {setting.source})") from None


def resolve_parameters(
    reports: Sequence[ReportSpec],
    layers: Layers,
    run_settings: Mapping[str, Setting] | None = None,
) -> dict[str, dict[str, object]]:
    """Checked parameters per selected report, by precedence; :class:`UsageError` if any is bad."""
    _check_unknown(reports, layers)
    return {r.name: check_report(r, report_settings(r, layers), run_settings) for r in reports}


# -- run-level settings ------------------------------------------------------------


def resolve_run_as_of(data: str, load_options: Mapping, resolver=None) -> str:
    """The run's ``as_of`` when none is given, as ``YYYY-MM-DD``.

    ``resolver(data, **load_options)`` defaults to the loader's
    :func:`workbook.data.io.resolve_as_of` (the sample's snapshot date, else
    the latest event date in the data); this only turns its answer, or its
    errors, into what the runner needs.
    """
    if resolver is None:
        from workbook.data.io import resolve_as_of as resolver
    from workbook.data.errors import DataValidationError

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


def _given_as_of(config: Mapping) -> dict[str, Setting]:
    """The ``as_of`` given by the flag or the file, checked as a date (none: ``{}``)."""
    value = config.get("as_of") or ""
    if not value:
        return {}
    return {"as_of": Setting(check_date("as_of", value), "--as-of or top-level as_of")}


def _data_source(config: Mapping) -> str:
    value = config.get("data") or ""
    if not isinstance(value, str):
        raise UsageError(f"data must be a path or URL string, got {value!r}")
    if value and "://" not in value:
        value = str(Path(value).expanduser().resolve())
        if not Path(value).exists():
            raise UsageError(f"data {value!r} does not exist")
    return value


def _load_options(config: Mapping) -> dict:
    options = config.get("load_options") or {}
    if not isinstance(options, dict):
        raise UsageError("load_options must be a mapping of workbook.load keyword arguments")
    return dict(options)


def run_engine(
    config: Mapping, load_options: dict, *, flag: str | None = None, environ=None
) -> str | None:
    """The run's engine URL (``None``: embedded DuckDB); takes ``engine`` out of ``load_options``.

    ``--engine`` (``flag``), else top-level ``engine``, else
    ``load_options.engine``, else ``$WORKBOOK_ENGINE``. Two different
    engines given in the file are a :class:`UsageError` (the flag beats
    both), and so is a value that is not a connection string. The engine is
    not reached here (the run's load does that first, in its own process).
    """
    from workbook.core.engine_url import engine_url

    top, nested = config.get("engine"), load_options.pop("engine", None)
    try:
        if flag is not None:
            return engine_url(flag, where="--engine", environ={})
        top_url = engine_url(top, where="engine", environ={})
        nested_url = engine_url(nested, where="load_options.engine", environ={})
        if top is not None and nested is not None and top_url != nested_url:
            raise UsageError(
                "engine and load_options.engine name different engines; give one of them"
            )
        if top is not None:
            return top_url
        if nested is not None:
            return nested_url
        return engine_url(None, environ=environ)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def check_out_folder(path: Path, *, where: str = "--out") -> Path:
    """``path`` if it is, or can become, a folder; a file there (or above it) is a :class:`UsageError`.

    ``where`` names the setting in the one-paragraph message (issue 18).
    """
    path = Path(path)
    for place in (path, *path.parents):
        if place.exists() or place.is_symlink():
            if place.is_dir():
                return path
            what = "is a file" if place == path else f"is inside {str(place)!r}, which is a file"
            raise UsageError(
                f"{where} {str(path)!r} {what}, not a folder: the output goes into a folder "
                "(created when missing). Pass another folder with --out DIR, or move the file "
                "away."
            )
    return path


def _compare_dir(compare: str | None) -> Path | None:
    if not compare:
        return None
    path = Path(compare).expanduser().resolve()
    if not path.is_dir():
        raise UsageError(f"--compare {compare!r} is not a directory")
    return path


def _chromium(pdf: bool) -> str | None:
    if not pdf:
        return None
    from workbook.present.html import CHROMIUM_MISSING, find_chromium

    chromium = find_chromium()
    if chromium is None:
        raise UsageError(CHROMIUM_MISSING)
    return chromium


# -- the plan ----------------------------------------------------------------------


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
    force: bool = False  # replace foreign files in paths the run needs
    engine: str | None = None  # the relational engine's URL (None: embedded DuckDB)
    wait: bool = False  # wait for another run holding OUT instead of exiting 75
    adhoc: str | None = None  # short hash of the -P overrides when OUT was derived from them


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
    force: bool = False,
    wait: bool = False,
    engine: str | None = None,
) -> RunPlan:
    """Merge a params YAML, ``-P`` assignments and CLI flags; check every value.

    Precedence and checks are in the module docstring. A top-level YAML key
    or ``-P name`` that no selected report declares is an error listing the
    valid ones; so is a key under ``reports.<report>`` or ``-P report.name``
    that the report does not declare. Keys for a report in ``available``
    (every discovered report) that is not selected are ignored, so one YAML
    can serve runs of single reports.

    ``as_of`` defaults to :func:`resolve_run_as_of` (``resolve_as_of`` is the
    loader's resolver, replaceable in tests), so re-runs on the same data agree.

    Without an ``out`` (flag or file), OUT is ``reports/<as_of>/``; with
    ``-P`` overrides it is ``reports/<as_of>+<hash>/`` instead
    (:func:`adhoc_hash`), so an ad-hoc run never replaces the plain dated run.

    Raises
    ------
    UsageError
        For any unknown key, wrong type, value out of its choices or range,
        bad date, or unusable option. Nothing has run yet.
    """
    available = list(available) if available is not None else list(reports)
    config, layers = gather_settings(params_file, assignments, {r.name for r in available})
    flags = {"data": data, "out": out, "as_of": as_of}
    config.update({k: v for k, v in flags.items() if v is not None})
    load_options = _load_options(config)
    engine_value = run_engine(config, load_options, flag=engine)
    data_value = _data_source(config)
    given_as_of = _given_as_of(config)
    params = resolve_parameters(reports, layers, given_as_of)
    if given_as_of:
        as_of_value = str(given_as_of["as_of"].value)
    else:
        as_of_value = resolve_run_as_of(data_value, load_options, resolve_as_of)
    adhoc = None
    if config.get("out"):
        out_path = Path(config["out"])
    elif assignments:
        adhoc = adhoc_hash(assignments)
        out_path = Path("reports") / f"{as_of_value}+{adhoc}"
    else:
        out_path = Path("reports") / as_of_value
    where = "--out (or out in the params file)" if config.get("out") else "the output folder"
    out_path = check_out_folder(out_path.expanduser().resolve(), where=where)
    compare_path = _compare_dir(compare)
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return RunPlan(
        reports=list(reports),
        available=available,
        data=data_value,
        as_of=as_of_value,
        out=out_path,
        load_options=load_options,
        params=params,
        timeout=timeout,
        jobs=jobs,
        compare=compare_path,
        pdf=pdf,
        chromium=_chromium(pdf),
        force=force,
        wait=wait,
        adhoc=adhoc,
        engine=engine_value,
    )


def adhoc_hash(assignments: Sequence[str]) -> str:
    """Six hex digits of a sha256 over the parsed ``-P`` overrides (order does not matter)."""
    import hashlib
    import json

    parsed = sorted(
        json.dumps([r, k, v], sort_keys=True, default=str)
        for r, k, v in (parse_assignment(a) for a in assignments)
    )
    return hashlib.sha256("\n".join(parsed).encode()).hexdigest()[:6]

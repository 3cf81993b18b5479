"""Find the report notebooks and what parameters each one takes.

A report is a notebook ``NN_<anything>.ipynb`` whose metadata has
``workbook.name``. Its parameters come from one of two places:

* the report's ``Params`` (:class:`workbook.core.params.ReportParams`), when
  ``workbook.analyses.<name>`` exposes one (:func:`params_class`): types,
  defaults, choices, ranges and help are declared there once;
* otherwise the notebook's ``parameters`` cell, read with
  :func:`papermill.inspect_notebook`, with each type inferred from its default
  (:class:`NotebookParam`).

The common parameters (:data:`COMMON_PARAMETERS`) are always the notebook's:
the runner sets them, not the report.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbook.core.params import ParamSpec, ReportParams

__all__ = [
    "COMMON_PARAMETERS",
    "NotebookParam",
    "ReportSpec",
    "UsageError",
    "describe_parameter",
    "discover",
    "missing_common",
    "notebook_params",
    "notebooks_dir",
    "params_class",
    "select",
]

#: Parameters every report notebook declares; the runner sets them.
COMMON_PARAMETERS = ("data", "load_options", "as_of", "out_dir", "interactive")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOTEBOOK_RE = re.compile(r"^(\d+)_.+\.ipynb$")
_TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}


class UsageError(Exception):
    """A usage, parameter or data problem: the CLI prints it and exits with 2."""


@dataclass(frozen=True)
class NotebookParam:
    """One parameter of a notebook's ``parameters`` cell (reports without ``Params``).

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
    """A report notebook found by :func:`discover`.

    ``notebook`` holds the notebook's parameters cell as papermill reads it
    (common parameters included); ``params_cls`` is the report's ``Params``
    class, or ``None`` when it has none. :attr:`params` gives the rules the
    runner checks values against.
    """

    name: str
    title: str
    path: Path
    order: int
    tables: tuple[str, ...]
    notebook: dict[str, NotebookParam]
    params_cls: type[ReportParams] | None = None
    requires: tuple[str, ...] | None = None  # metadata workbook.requires, if declared

    @property
    def params(self) -> dict[str, NotebookParam | ParamSpec]:
        """The report's own parameters and their rules (no common ones).

        From ``Params.specs()`` when the report has ``Params``, else inferred
        from the notebook's parameters cell.
        """
        if self.params_cls is not None:
            specs = self.params_cls.specs()
        else:
            specs = self.notebook
        return {k: v for k, v in specs.items() if k not in COMMON_PARAMETERS}


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


def _infer(name: str, source: str, help_text: str) -> NotebookParam:
    try:
        default = ast.literal_eval(source)
        type_name = "any" if default is None else _TYPE_NAMES.get(type(default), "any")
    except (ValueError, SyntaxError):
        default, type_name = source, "any"
    looks_date = isinstance(default, str) and bool(_DATE_RE.match(default))
    is_date = name == "as_of" or name.endswith(("_date", "_start", "_end")) or looks_date
    return NotebookParam(name, default, source, type_name, help_text, is_date)


def notebook_params(path: str | os.PathLike) -> dict[str, NotebookParam]:
    """The parameters of a notebook, read with :func:`papermill.inspect_notebook`."""
    from workbook.run._imports import import_papermill

    papermill = import_papermill()  # without pyarrow (and NumPy): this is the runner's process
    raw = papermill.inspect_notebook(str(path))
    return {
        name: _infer(name, str(p.get("default", "None")), str(p.get("help", "") or "").strip())
        for name, p in raw.items()
    }


def params_class(report: str) -> type[ReportParams] | None:
    """The ``Params`` of ``workbook.analyses.<report>``, or ``None``.

    ``None`` when there is no such module (the report is a notebook only) or
    the module has no ``Params`` deriving from
    :class:`~workbook.core.params.ReportParams`. Any other import error is
    raised: a broken report module must not silently lose its checks.
    """
    module_name = f"workbook.analyses.{report}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in (module_name, "workbook.analyses"):
            return None
        raise
    cls = getattr(module, "Params", None)
    if isinstance(cls, type) and issubclass(cls, ReportParams):
        return cls
    return None


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
            notebook=notebook_params(path),
            params_cls=params_class(str(name)),
            requires=tuple(meta["requires"]) if "requires" in meta else None,
        )
    return sorted(found.values(), key=lambda r: (r.order, r.name))


def _literal(value: object) -> str:
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def describe_parameter(p: NotebookParam | ParamSpec) -> str:
    """One line of ``workbook list``: name, type, default, what is allowed, help.

    ``grain: str = "month" (one of month, quarter, year)  # cohort period``
    for a ``Params`` field (the allowed part only when there is a rule beyond
    the type: choices, a range, a date or a list's items);
    ``start_date: str = "2024-01-01" (date YYYY-MM-DD)  # first day`` for a
    parameter inferred from a notebook's parameters cell.
    """
    help_text = f"  # {p.help}" if p.help else ""
    if isinstance(p, NotebookParam):
        date = " (date YYYY-MM-DD)" if p.is_date else ""
        return f"{p.name}: {p.type_name} = {p.default_source}{date}{help_text}"
    ruled = (
        p.choices is not None
        or p.low is not None
        or p.high is not None
        or p.kind in ("date", "list")
    )
    allowed = f" ({p.allowed()})" if ruled else ""
    unit = f" {p.unit}" if p.unit else ""
    return f"{p.name}: {p.kind} = {_literal(p.default)}{unit}{allowed}{help_text}"


def missing_common(spec: ReportSpec) -> list[str]:
    """Common parameters that papermill did not find in the notebook's parameters cell."""
    return [p for p in COMMON_PARAMETERS if p not in spec.notebook]


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

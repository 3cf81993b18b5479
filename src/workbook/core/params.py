"""Report parameters, declared once: frozen dataclasses whose fields carry their rules.

Every report's ``Params`` is a frozen dataclass deriving from
:class:`ReportParams`; each field is declared with :func:`param`, which
records its help text and what is allowed (a type, choices, a range)::

    @dataclass(frozen=True)
    class Params(ReportParams):
        report: ClassVar[str] = "cohort"
        grain: str = param("month", "cohort period", choices=("month", "quarter", "year"))
        sla_days: int = param(2, "days a handed-off lead may wait", low=0)

That one declaration is the single source for

* the check of every value (``Params(...)`` and :meth:`ReportParams.replace`
  raise :class:`ParamError`);
* the runner's up-front check of the params file, ``-P`` and ``--as-of``
  (:meth:`ReportParams.check`), before any notebook starts;
* ``workbook list`` and the parameter tables of ``docs/reports/<R>.md``
  (:meth:`ReportParams.specs`, :func:`markdown_table`);
* the notebook's ``parameters`` cell (:func:`parameters_cell`; a test keeps
  the notebooks in step).

Kinds
-----
``bool``, ``int``, ``float`` (an ``int`` is accepted), ``str``, ``date``
(``"YYYY-MM-DD"``, or ``""`` where :func:`param` says ``blank=True``),
``list`` (stored as a tuple; ``item`` gives the element kind) and ``dict``.
The kind is inferred from the default unless given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "COMMON_REPORT_PARAMETERS",
    "ParamError",
    "ParamSpec",
    "ReportParams",
    "markdown_table",
    "param",
    "parameters_cell",
]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Parameters every report has, declared once on :class:`ReportParams`.
COMMON_REPORT_PARAMETERS = ("export_raw_csv",)
KINDS = ("bool", "int", "float", "str", "date", "list", "dict")


class ParamError(ValueError):
    """A parameter value that its ``Params`` does not allow.

    Attributes
    ----------
    report, name : str
        Which report and parameter.
    value : object
        The value given.
    allowed : str
        What is allowed, in words (``"one of month, quarter, year"``).
    """

    def __init__(self, report: str, name: str, value: object, allowed: str):
        self.report, self.name, self.value, self.allowed = report, name, value, allowed
        where = f"{report}: " if report else ""
        super().__init__(f"{where}parameter {name} = {value!r} is not allowed; expected {allowed}")


@dataclass(frozen=True)
class ParamSpec:
    """What :func:`param` records about one field (see :meth:`ReportParams.specs`)."""

    name: str
    default: Any
    kind: str
    help: str
    choices: tuple | None = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    blank: bool = False
    item: str | None = None
    unit: str = ""

    def allowed(self) -> str:
        """What is allowed, in words."""
        if self.choices is not None:
            return "one of " + ", ".join(str(c) for c in self.choices)
        words = {
            "bool": "true or false",
            "int": "an integer",
            "float": "a number",
            "str": "text",
            "date": "a date YYYY-MM-DD" + (" or empty" if self.blank else ""),
            "list": f"a list of {self.item or 'values'}",
            "dict": "a mapping",
        }[self.kind]
        bounds = []
        if self.low is not None:
            bounds.append(f"{'>' if self.low_open else '≥'} {_num(self.low)}")
        if self.high is not None:
            bounds.append(f"{'<' if self.high_open else '≤'} {_num(self.high)}")
        if bounds:
            words += (" " if self.kind != "list" else ", each ") + " and ".join(bounds)
        return words

    def check(self, value: object, *, report: str = "") -> object:
        """Return ``value`` converted to this kind, or raise :class:`ParamError`."""
        try:
            out = _convert(self, value)
        except (TypeError, ValueError):
            raise ParamError(report, self.name, value, self.allowed()) from None
        items = out if self.kind == "list" else (out,)
        if self.kind in ("int", "float") or (self.kind == "list" and self.item in ("int", "float")):
            for x in items:
                if not _in_range(self, x):
                    raise ParamError(report, self.name, value, self.allowed())
        if self.choices is not None and out not in self.choices:
            raise ParamError(report, self.name, value, self.allowed())
        return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _in_range(spec: ParamSpec, x: float) -> bool:
    if isinstance(x, float) and math.isnan(x):
        return False
    if spec.low is not None and (x <= spec.low if spec.low_open else x < spec.low):
        return False
    if spec.high is not None and (x >= spec.high if spec.high_open else x > spec.high):
        return False
    return True


def _scalar(kind: str, value: object) -> object:
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise TypeError
    if kind == "int":
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TypeError
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError
        out = float(value)
        if not math.isfinite(out):
            raise ValueError
        return out
    if kind == "str":
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, (int, float)):
            return str(value)
        if not isinstance(value, str):
            raise TypeError
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str):
            raise TypeError
        if value == "":
            return value
        if not _DATE_RE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
        return value
    if kind == "any":
        return value
    raise ValueError(kind)


def _convert(spec: ParamSpec, value: object) -> object:
    if spec.kind == "list":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            raise TypeError
        return tuple(_scalar(spec.item or "any", v) for v in value)
    if spec.kind == "dict":
        if not isinstance(value, Mapping):
            raise TypeError
        return dict(value)
    out = _scalar(spec.kind, value)
    if spec.kind == "date" and out == "" and not spec.blank:
        raise ValueError
    return out


def _kind_of(default: object) -> tuple[str, str | None]:
    if isinstance(default, bool):
        return "bool", None
    if isinstance(default, int):
        return "int", None
    if isinstance(default, float):
        return "float", None
    if isinstance(default, str):
        return ("date", None) if _DATE_RE.match(default) else ("str", None)
    if isinstance(default, (tuple, list)):
        kinds = {_kind_of(v)[0] for v in default}
        return "list", (kinds.pop() if len(kinds) == 1 else None)
    if isinstance(default, Mapping):
        return "dict", None
    raise TypeError(f"no parameter kind for default {default!r}")


def param(
    default: object,
    help: str,
    *,
    kind: str | None = None,
    choices: Sequence | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    blank: bool = False,
    item: str | None = None,
    unit: str = "",
) -> Any:
    """Declare one report parameter: a dataclass field with its rules.

    Parameters
    ----------
    default : object
        The default value. A list default is stored as a tuple.
    help : str
        One line, shown by ``workbook list``, in the docs table and as the
        comment of the notebook's parameters cell (no ``=`` or ``"``:
        papermill's parser cannot read them in a comment).
    kind : str, optional
        One of ``bool``, ``int``, ``float``, ``str``, ``date``, ``list``,
        ``dict``; inferred from ``default`` when omitted.
    choices : sequence, optional
        The only values allowed.
    low, high : float, optional
        Inclusive bounds (exclusive with ``low_open`` / ``high_open``); for a
        list, bounds on each element.
    blank : bool
        For a ``date``: ``""`` is allowed (meaning "derive it").
    item : str, optional
        For a ``list``: the kind of its elements (inferred from a non-empty
        default).
    unit : str
        Unit in words for labels (``"days"``, ``"leads a month"``).
    """
    if "=" in help or '"' in help:
        raise ValueError(f"parameter help must not contain '=' or '\"': {help!r}")
    inferred, inferred_item = _kind_of(default) if kind is None else (kind, None)
    if kind == "date" and default == "":
        blank = True
    if isinstance(default, list):
        default = tuple(default)
    meta = {
        "kind": inferred,
        "help": help,
        "choices": tuple(choices) if choices is not None else None,
        "low": low,
        "high": high,
        "low_open": low_open,
        "high_open": high_open,
        "blank": blank,
        "item": item or inferred_item,
        "unit": unit,
    }
    if isinstance(default, (dict,)):
        frozen = dict(default)
        return dataclasses.field(default_factory=lambda: dict(frozen), metadata={"workbook": meta})
    return dataclasses.field(default=default, metadata={"workbook": meta})


@dataclass(frozen=True)
class ReportParams:
    """Base of every report's frozen ``Params`` dataclass.

    Subclasses set ``report`` (a ``ClassVar``) and declare fields with
    :func:`param`. Construction checks and converts every value
    (list → tuple, int → float where a float is declared).

    The fields declared here are the **common report parameters**, which
    every report has (:data:`COMMON_REPORT_PARAMETERS`; listed after the
    report's own in :meth:`specs`, so in ``workbook list``, the docs tables
    and the notebooks' parameters cells):

    ``export_raw_csv``
        ``False`` (default): CSV exports are spreadsheet-safe, a text cell a
        spreadsheet would read as a formula gets a leading ``'`` (issue 18,
        :func:`workbook.present.exports.spreadsheet_safe`); ``True`` writes
        the cells as they are.
    """

    report: ClassVar[str] = ""

    export_raw_csv: bool = param(
        False, "write CSV exports as they are: no quote before cells a spreadsheet reads as formulas"
    )

    def __post_init__(self) -> None:
        for spec in self.specs().values():
            value = spec.check(getattr(self, spec.name), report=self.report)
            object.__setattr__(self, spec.name, value)
        self.validate()

    def validate(self) -> None:
        """Rules across fields; a subclass raises :class:`ParamError` here."""

    @classmethod
    def specs(cls) -> dict[str, ParamSpec]:
        """Every parameter's :class:`ParamSpec`: the report's own in declaration order, then the common ones."""
        fields = dataclasses.fields(cls)
        common = [f for f in fields if f.name in COMMON_REPORT_PARAMETERS]
        out = {}
        for f in [f for f in fields if f.name not in COMMON_REPORT_PARAMETERS] + common:
            meta = f.metadata.get("workbook")
            if meta is None:
                continue
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            out[f.name] = ParamSpec(name=f.name, default=default, **meta)
        return out

    @classmethod
    def check(cls, name: str, value: object) -> object:
        """Check one value given from outside (params file, ``-P``).

        Raises
        ------
        ParamError
            Unknown name (with "did you mean"), or a value not allowed.
        """
        specs = cls.specs()
        if name not in specs:
            close = difflib.get_close_matches(name, list(specs), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ParamError(cls.report, name, value, "a known parameter" + hint)
        return specs[name].check(value, report=cls.report)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], *, strict: bool = False):
        """Build from a mapping, taking the keys that are parameters.

        With ``strict``, a key that is not a parameter is an error. A
        notebook calls ``Params.from_mapping(globals())`` after its
        parameters cell.
        """
        specs = cls.specs()
        if strict:
            for key in values:
                if key not in specs:
                    cls.check(key, values[key])
        return cls(**{k: values[k] for k in specs if k in values})

    def replace(self, **overrides):
        """A copy with some values changed (checked like the constructor)."""
        for key, value in overrides.items():
            type(self).check(key, value)
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, object]:
        """Plain values (lists for tuples), e.g. for ``summary.json``."""
        return {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in ((name, getattr(self, name)) for name in self.specs())
        }

    @classmethod
    def resolve(cls, params=None, overrides: Mapping[str, object] | None = None):
        """``params`` (default ``cls()``) with ``overrides`` applied: what ``run`` does."""
        if params is None:
            params = cls()
        elif not isinstance(params, cls):
            raise TypeError(
                f"params must be a {cls.__module__}.{cls.__qualname__}, "
                f"got {type(params).__name__}"
            )
        return params.replace(**overrides) if overrides else params


def _literal(value: object) -> str:
    """Python source for a default, strings in double quotes (as ``ruff format`` writes them)."""
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def parameters_cell(params_cls: type[ReportParams]) -> str:
    """The report-specific lines of a notebook's ``parameters`` cell.

    One ``name = default  # help`` line per field, in declaration order;
    the notebook's cell must contain exactly these lines (a test checks).
    """
    return "\n".join(
        f"{s.name} = {_literal(s.default)}  # {s.help}" for s in params_cls.specs().values()
    )


def markdown_table(params_cls: type[ReportParams]) -> str:
    """The parameter table of ``docs/reports/<R>.md`` (name, default, allowed, meaning)."""
    rows = ["| parameter | default | allowed | meaning |", "|---|---|---|---|"]
    for s in params_cls.specs().values():
        default, allowed, meaning = (
            text.replace("|", "\\|") for text in (_literal(s.default), s.allowed(), s.help)
        )
        rows.append(f"| `{s.name}` | `{default}` | {allowed} | {meaning} |")
    return "\n".join(rows)

"""The shape every report's ``Results`` shares.

A report's ``run(crm, params)`` returns a dataclass deriving from
:class:`ReportResults`. Its fields are

* ``params``: the report's ``Params`` used;
* ``as_of``: the observation end of the data;
* ``figures``: headline figures (they become ``summary.json``);
* ``sentences`` and ``cards``: the executive summary, built by the report's
  ``narrative`` module;
* one field per table the report shows or exports, declared with
  :func:`table` (a DataFrame).

:meth:`ReportResults.exports` gives ``{stem: DataFrame}`` for every
exported table, and ``_repr_html_`` shows the headline figures and the list
of tables in JupyterLab.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from workbook.core.text import Card

__all__ = ["LEADERSHIP_SENTENCES", "ReportResults", "leadership_sentences", "results_class", "table"]

#: Sentences in a report's executive summary; the rest are method notes.
LEADERSHIP_SENTENCES = 5


def table(doc: str, *, stem: str | None = None, export: bool = True) -> Any:
    """Declare a table field of a ``Results`` dataclass.

    Parameters
    ----------
    doc : str
        One line: what a row is and what the table is for.
    stem : str, optional
        File stem of its CSV export (``OUT/<report>/<stem>.csv``); the field
        name by default.
    export : bool
        False for a table that is shown but not exported.
    """
    return field(
        default_factory=pd.DataFrame,
        metadata={"workbook_table": {"doc": doc, "stem": stem, "export": export}},
    )


def leadership_sentences(sentences) -> dict[str, list[str]]:
    """``{"sentences": the first 5, "notes": the rest}``: a narrative's sentences, split.

    A report's narrative writes its sentences most important first; the
    executive summary shows the first :data:`LEADERSHIP_SENTENCES`, and the
    rest (population details, method checks) are shown as method notes.
    Pass the result as keyword arguments to ``Results``.
    """
    sentences = [str(s) for s in sentences]
    return {
        "sentences": sentences[:LEADERSHIP_SENTENCES],
        "notes": sentences[LEADERSHIP_SENTENCES:],
    }


def results_class(cls):
    """Make ``cls`` a ``Results`` dataclass: keyword-only, with the base's repr, no ``==``.

    Use it instead of ``@dataclass`` on every report's ``Results`` (tables are
    DataFrames, so a generated ``__eq__`` or ``__repr__`` would be useless).
    """
    return dataclass(kw_only=True, repr=False, eq=False)(cls)


@dataclass(kw_only=True, repr=False, eq=False)
class ReportResults:
    """Base of every report's ``Results`` (see the module docstring)."""

    report: ClassVar[str] = ""
    title: ClassVar[str] = ""

    params: Any = None
    as_of: pd.Timestamp | None = None
    figures: dict = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)

    @classmethod
    def table_fields(cls) -> dict[str, dict]:
        """``{field name: {"doc", "stem", "export"}}`` for every table field."""
        return {
            f.name: f.metadata["workbook_table"]
            for f in dataclasses.fields(cls)
            if "workbook_table" in f.metadata
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table, by field name."""
        return {name: getattr(self, name) for name in self.table_fields()}

    def exports(self) -> dict[str, pd.DataFrame]:
        """``{stem: DataFrame}`` of every exported table, in declaration order."""
        out = {}
        for name, meta in self.table_fields().items():
            if meta["export"]:
                out[meta["stem"] or name] = getattr(self, name)
        return out

    def summary(self) -> dict:
        """The headline figures (the keys of ``summary.json`` the report adds)."""
        return dict(self.figures)

    # -- display ------------------------------------------------------------
    def __repr__(self) -> str:
        rows = ", ".join(f"{k}={len(v):,}" for k, v in self.tables().items())
        return f"<{type(self).__module__}.{type(self).__name__} as_of={self._as_of()}: {rows}>"

    def _as_of(self) -> str:
        return "" if self.as_of is None else pd.Timestamp(self.as_of).date().isoformat()

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = [f"<h4>{esc(self.title or self.report)} — as of {esc(self._as_of())}</h4>"]
        if self.cards:
            parts.append("<table><tr><th>figure</th><th>value</th></tr>")
            parts += [
                f"<tr><td>{esc(c.label)}</td><td>{esc(c.display)}</td></tr>" for c in self.cards
            ]
            parts.append("</table>")
        if self.sentences:
            parts.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in self.sentences) + "</ul>")
        parts.append("<table><tr><th>table</th><th>rows</th><th>export</th><th>what</th></tr>")
        for name, meta in self.table_fields().items():
            frame = getattr(self, name)
            rows = f"{len(frame):,}" if isinstance(frame, pd.DataFrame) else "–"
            stem = f"{meta['stem'] or name}.csv" if meta["export"] else ""
            parts.append(
                f"<tr><td><code>.{esc(name)}</code></td><td>{rows}</td>"
                f"<td>{esc(stem)}</td><td>{esc(meta['doc'])}</td></tr>"
            )
        parts.append("</table>")
        return "\n".join(parts)


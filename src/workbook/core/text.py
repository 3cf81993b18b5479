"""Neutral text helpers shared by analyses' narratives and by presentation.

:class:`Card` (a headline figure), :func:`format_value` and :func:`esc` live
here, in ``core``, so that an analysis's ``narrative`` module can build its
cards and sentences without importing anything from ``present``, ``plots`` or
``widgets``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

__all__ = ["Card", "esc", "format_value"]


@dataclass(frozen=True)
class Card:
    """A headline figure: ``key`` names it in summary.json, ``fmt`` formats it.

    ``fmt`` is a format spec such as ``"{:,.0f}"``, ``"{:.1%}"`` or
    ``"${:,.0f}"``.
    """

    key: str
    label: str
    value: object
    fmt: str = "{:,}"

    @property
    def display(self) -> str:
        return format_value(self.value, self.fmt)


def format_value(value: object, fmt: str = "{:,}") -> str:
    """Format a headline value; missing values show as an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


def esc(value: object) -> str:
    """HTML-escape any value for inclusion in HTML (``None`` becomes ``""``)."""
    return html.escape("" if value is None else str(value), quote=True)

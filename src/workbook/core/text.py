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

__all__ = [
    "BIDI_CONTROLS",
    "MAX_DIGITS",
    "Card",
    "and_join",
    "esc",
    "format_value",
    "money",
    "strip_bidi",
]

#: Most significant digits a formatted figure may show.
MAX_DIGITS = 15


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


def _missing(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return not math.isfinite(float(value))  # nan, inf, -inf, pd.NA
    except (TypeError, ValueError):
        return False


def format_value(value: object, fmt: str = "{:,}") -> str:
    """Format a headline value.

    Missing and non-finite values (``None``, NaN, ``inf``, ``-inf``) show as
    an en dash; a number of :data:`MAX_DIGITS` (15) or more integer digits is
    shown in scientific notation (``$1.00e+308``) inside the format's own
    prefix and suffix, so no figure prints more than 15 significant digits.
    """
    if _missing(value) and not isinstance(value, str):
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(float(value)) >= 10.0**MAX_DIGITS:
            head, _, rest = fmt.partition("{")
            tail = rest.partition("}")[2]
            return f"{head}{float(value):.2e}{tail}"
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


def money(value: object) -> str:
    """Short money text for sentences: $940, $850k, $2.0M, $1.2B, $3.4T (negatives -$1.0M).

    Missing or non-finite values read "–"; beyond 1e15 scientific ($1.00e+308).
    """
    if _missing(value):
        return "–"
    sign = "-" if value < 0 else ""
    size = abs(float(value))
    for scale, suffix, spec in ((1e12, "T", ",.1f"), (1e9, "B", ",.1f"), (1e6, "M", ",.1f"),
                                (1e3, "k", ",.0f")):  # fmt: skip
        if size >= scale:
            if size >= 10.0**MAX_DIGITS:
                return f"{sign}${size:.2e}"
            return f"{sign}${size / scale:{spec}}{suffix}"
    return f"{sign}${size:,.0f}"


#: Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
#: in a name they can disguise what the reader sees, so HTML output drops them.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def strip_bidi(value: str) -> str:
    """``value`` without :data:`BIDI_CONTROLS`."""
    return value.translate(BIDI_CONTROLS)


def esc(value: object) -> str:
    """HTML-escape any value for inclusion in HTML (``None`` becomes ``""``).

    Bidirectional override and isolate characters are removed first
    (:func:`strip_bidi`).
    """
    return html.escape(strip_bidi("" if value is None else str(value)), quote=True)


def and_join(names) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``: names listed in a sentence."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

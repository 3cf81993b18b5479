"""Neutral text helpers shared by analyses' narratives and by presentation.

:class:`Card` (a headline figure), :func:`format_value` and :func:`esc` live
here, in ``core``, so that an analysis's ``narrative`` module can build its
cards and sentences without importing anything from ``present``, ``plots`` or
``widgets``.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

__all__ = [
    "BIDI_CONTROLS",
    "DIRECTIONS",
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "MAX_DIGITS",
    "MONEY",
    "NEUTRAL",
    "NO_CHANGE",
    "Card",
    "and_join",
    "esc",
    "format_change",
    "one_or_many",
    "plural",
    "share_text",
    "format_value",
    "money",
    "strip_bidi",
]

#: Most significant digits a formatted figure may show.
MAX_DIGITS = 15


#: A KPI's direction: whether a rise is good or bad for the business, or neither.
HIGHER_IS_BETTER, LOWER_IS_BETTER, NEUTRAL = "higher", "lower", "neutral"
DIRECTIONS = (HIGHER_IS_BETTER, LOWER_IS_BETTER, NEUTRAL)

#: The ``fmt`` of a figure shown as short money text (:func:`money`: $940, $850k, $2.0M).
MONEY = "money"

#: What a change that rounds to zero at the figure's own precision reads.
NO_CHANGE = "no change"


@dataclass(frozen=True)
class Card:
    """A headline figure (a KPI): its definition, format and direction, in one place.

    Attributes
    ----------
    key : str
        Names the figure in ``summary.json`` (and matches it across runs).
    label : str
        Plain words a sales leader understands, e.g. ``"Open deals past close date"``.
    value : object
        The figure (a number, or text such as ``"9 of 12"``).
    fmt : str
        A format spec such as ``"{:,.0f}"``, ``"{:.1%}"`` or ``"${:,.0f}"``, or
        :data:`MONEY` for short money text (``$2.0M``). The change since the
        last run is formatted the same way (:func:`format_change`).
    direction : str
        :data:`HIGHER_IS_BETTER`, :data:`LOWER_IS_BETTER` or :data:`NEUTRAL`:
        whether a rise is good or bad for the business; the index colours
        the change by it.
    subject : str
        Who the figure is about, shown before it (``"Harbor Holdings: $2.0M"``);
        a name, never an id.
    on_index : bool
        True for the 3-4 KPIs of the report's card on the index page.
    """

    key: str
    label: str
    value: object
    fmt: str = "{:,}"
    direction: str = NEUTRAL
    subject: str = ""
    on_index: bool = False

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"Card {self.key!r}: direction must be one of {DIRECTIONS}, got {self.direction!r}"
            )

    @property
    def display(self) -> str:
        shown = format_value(self.value, self.fmt)
        return f"{self.subject}: {shown}" if self.subject else shown

    def to_dict(self) -> dict:
        """The ``summary.json`` form (``headline`` entries): every field plus ``display``."""
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "display": self.display,
            "fmt": self.fmt,
            "direction": self.direction,
            "subject": self.subject,
            "on_index": self.on_index,
        }


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
    ``fmt`` :data:`MONEY` gives the short money text of :func:`money`.
    """
    if _missing(value) and not isinstance(value, str):
        return "–"
    if fmt == MONEY:
        return money(value) if isinstance(value, int | float) else str(value)
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


def one_or_many(n, one: str, many: str) -> str:
    """The form a count of ``n`` takes: ``one`` for exactly 1, else ``many`` ("is" / "are")."""
    return one if n == 1 else many


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word`` in plain words: "1 day", "2 days", "1,204 families" (``many`` for irregular plurals)."""
    return f"{n:,} {one_or_many(n, word, many or word + 's')}"


def share_text(share: object, decimals: int = 1) -> str:
    """A 0-1 share as a percentage that never rounds a few rows to nothing, or all but a few to all.

    ``0.25`` reads "25.0%"; a share above 0 that would print as "0.0%" reads
    "<0.1%", and one below 1 that would print as "100.0%" reads ">99.9%" (with
    ``decimals`` 1). Exactly 0 and 1 read "0.0%" and "100.0%"; missing "–".
    """
    if _missing(share):
        return "–"
    value = float(share) + 0.0  # -0.0 reads as 0
    text = f"{value:.{decimals}%}"
    step = 10.0 ** -(decimals + 2)  # the smallest share the text shows
    shown = float(text[:-1]) / 100
    if value > 0 and shown == 0:  # decided on the text itself: no rounding edge escapes
        return f"<{step:.{decimals}%}"
    if value < 1 and shown == 1:
        return f">{1 - step:.{decimals}%}"
    return text


_PERCENT_RE = re.compile(r"\{:[^}]*?\.(\d+)%\}")


def format_change(now: object, before: object, fmt: str = "{:,}") -> str | None:
    """The change from ``before`` to ``now``, formatted like the figure itself.

    * a share (``fmt`` ending in ``%``, values held as 0-1) changes in
      percentage points at the format's precision: ``"+2.1 pts"``;
    * money (``"${:,.0f}"`` or :data:`MONEY`) as money: ``"+$3,623"``, ``"−$15k"``;
    * a count as a count: ``"+52"``, ``"−27"``.

    The sign is ``+`` or ``−`` (U+2212). A change that shows as zero at the
    figure's precision (``0.004`` shown ``{:.2f}``) reads :data:`NO_CHANGE`,
    never ``-0.00``. Text figures (``"9 of 12"``) read :data:`NO_CHANGE` when
    equal and ``"was 8 of 12"`` otherwise. Returns ``None`` when either value
    is missing or not finite.
    """
    if isinstance(now, str) or isinstance(before, str):
        if now is None or before is None:
            return None
        return NO_CHANGE if str(now) == str(before) else f"was {format_value(before, fmt)}"
    if not (_is_real(now) and _is_real(before)):
        return None
    diff = float(now) - float(before)
    percent = _PERCENT_RE.search(fmt) if fmt != MONEY else None
    if percent:
        digits = int(percent.group(1))
        size = f"{abs(diff) * 100:.{digits}f}"
        text = f"{size} pts"
        zero = float(size) == 0
    else:
        size = abs(diff)
        if fmt == MONEY:
            text = money(size)
        elif float(size).is_integer() and "{:,}" in fmt:
            text = fmt.replace("{:,}", "{:,.0f}").format(size)
        else:
            text = format_value(size, fmt)
        zero = not any(ch in "123456789" for ch in text.split("e")[0])
    if zero:
        return NO_CHANGE
    return ("+" if diff > 0 else "\u2212") + text


def _is_real(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


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


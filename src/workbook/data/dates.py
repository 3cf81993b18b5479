"""Date rules: one reading per column, never a mix of day-first and month-first.

A value such as ``05-03-2024`` means 5 March or 3 May depending on the
export's locale. :func:`parse_dates` reads a whole column under a single
rule:

* an explicit strptime ``format`` (``load_options.date_formats``);
* else day-first or month-first for every value with the year last
  (``DD-MM-YYYY``, ``MM/DD/YYYY``, separators ``-``, ``/`` or ``.``, a
  2-digit year read as ``%y`` reads it), chosen by the caller
  (``load_options.dayfirst``) or by :func:`infer_order`.

ISO values (year first) are never ambiguous and are read as ISO 8601 under
every rule. A time of day (``HH:MM`` or ``HH:MM:SS``, optional fraction) may
follow any date, in every format.

:func:`infer_order` looks only at year-last values: a first field above 12
is evidence of day-first, a second field above 12 of month-first (a value
with both above 12 is no date at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "DAYFIRST",
    "MONTHFIRST",
    "DateOrder",
    "YEAR_LAST",
    "choose_order",
    "infer_order",
    "parse_dates",
]

DAYFIRST = "dayfirst"
MONTHFIRST = "monthfirst"

#: A date with the year last, then an optional time of day.
YEAR_LAST = (
    r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}(?:\.\d+)?))?)?$"
)
_TIME = r"\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"
_DATE_DTYPE = "datetime64[ns]"


class DateOrder(NamedTuple):
    """Evidence of field order among a column's year-last values.

    ``n_dayfirst`` counts values whose first field is above 12 (only a day
    can be) and second is not, ``n_monthfirst`` the reverse;
    ``n_ambiguous`` the year-last values with both fields 12 or less.
    The examples are one raw value of each kind (``None`` when absent).
    """

    n_dayfirst: int
    n_monthfirst: int
    n_ambiguous: int
    example_dayfirst: str | None
    example_monthfirst: str | None

    @property
    def mixed(self) -> bool:
        return self.n_dayfirst > 0 and self.n_monthfirst > 0

    @property
    def order(self) -> str | None:
        """``dayfirst`` / ``monthfirst`` when the evidence is one-sided, else ``None``."""
        if self.mixed:
            return None
        if self.n_dayfirst:
            return DAYFIRST
        if self.n_monthfirst:
            return MONTHFIRST
        return None


def _fields(text: pd.Series) -> pd.DataFrame:
    return text.str.extract(YEAR_LAST).astype(object)


def _num(s: pd.Series) -> pd.Series:
    """Digits to float64 (missing -> NaN), never a nullable dtype."""
    return pd.to_numeric(s, errors="coerce").astype("float64")


def infer_order(text: pd.Series) -> DateOrder:
    """Count the evidence for each field order in stripped text values (missing ignored)."""
    parts = _fields(text.dropna().astype("string"))
    a = _num(parts["a"])
    b = _num(parts["b"])
    year_last = a.notna().to_numpy(dtype=bool)
    # A value with both fields above 12 is no date in either order (bad_date later).
    day_first = year_last & ((a > 12) & (b <= 12)).to_numpy(dtype=bool)
    month_first = year_last & ((b > 12) & (a <= 12)).to_numpy(dtype=bool)
    raw = text.dropna()

    def first(mask):
        return str(raw[mask].iloc[0]) if mask.any() else None

    return DateOrder(
        int(day_first.sum()),
        int(month_first.sum()),
        int((year_last & ~day_first & ~month_first).sum()),
        first(day_first),
        first(month_first),
    )


def choose_order(own: DateOrder, others: Mapping[str, DateOrder]) -> tuple[str, str]:
    """The order for a column without a rule: its own evidence, else its file's, else month-first.

    Returns ``(order, why)`` with ``why`` one of ``"evidence"``, ``"file"``
    (taken from the other date columns of the same file, which must agree)
    or ``"default"`` (nothing tells the orders apart). A mixed column is the
    caller's error and is not passed here.
    """
    if own.order is not None:
        return own.order, "evidence"
    found = {o.order for o in others.values() if o.order is not None}
    if len(found) == 1:
        return found.pop(), "file"
    return MONTHFIRST, "default"


def _year_last(parts: pd.DataFrame, dayfirst: bool) -> pd.Series:
    day, month = ("a", "b") if dayfirst else ("b", "a")
    year = _num(parts["y"])
    short = parts["y"].astype("string").str.len() == 2
    # strptime's %y pivot: 69-99 -> 1900s, 00-68 -> 2000s.
    year = year.where(~short, np.where(year >= 69, 1900 + year, 2000 + year))
    dates = pd.to_datetime(
        pd.DataFrame(
            {
                "year": year,
                "month": _num(parts[month]),
                "day": _num(parts[day]),
            }
        ),
        errors="coerce",
    )
    hours, minutes, seconds = _num(parts["H"]), _num(parts["M"]), _num(parts["S"])
    clock = hours.fillna(0) * 3600 + minutes.fillna(0) * 60 + seconds.fillna(0)
    bad_clock = (hours > 23) | (minutes > 59) | (seconds >= 60)
    out = dates + pd.to_timedelta(clock, unit="s")
    return out.mask(bad_clock)


def _with_format(text: pd.Series, fmt: str) -> pd.Series:
    """strptime ``fmt``, also accepting a trailing ``HH:MM`` / ``HH:MM:SS`` time."""
    out = pd.to_datetime(text, format=fmt, errors="coerce")
    left = text.notna() & out.isna()
    if left.any() and "%H" not in fmt:
        dated = text[left].str.replace(_TIME, "", regex=True)
        clock = text[left].str.extract(r"\s+(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")[0]
        day = pd.to_datetime(dated, format=fmt, errors="coerce")
        clock = clock.where(clock.str.count(":") == 2, clock + ":00")
        out = out.where(~left, day + pd.to_timedelta(clock.fillna("00:00:00"), errors="coerce"))
    return out


def parse_dates(text: pd.Series, *, fmt: str | None = None, order: str = MONTHFIRST) -> pd.Series:
    """Parse stripped text (missing = blank) under one rule; unparsed values are ``NaT``.

    ``fmt`` (a strptime format) wins; else year-last values are read with
    ``order`` (:data:`DAYFIRST` or :data:`MONTHFIRST`), ISO values as ISO
    8601 (offsets converted to UTC), and anything else (``March 5, 2024``)
    by pandas' ``format="mixed"`` month-first parser.
    """
    text = text.astype("string")
    if fmt:
        out = _with_format(text, fmt)
        return pd.Series(out, index=text.index).astype(_DATE_DTYPE)
    parts = _fields(text)
    year_last = parts["a"].notna().to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=text.index, dtype=_DATE_DTYPE)
    if year_last.any():
        out[year_last] = _year_last(parts[year_last], order == DAYFIRST).astype(_DATE_DTYPE)
    rest = (text.notna().to_numpy(dtype=bool)) & ~year_last
    if rest.any():
        iso = pd.to_datetime(text[rest], format="ISO8601", utc=True, errors="coerce")
        retry = iso.isna().to_numpy(dtype=bool)
        if retry.any():
            again = pd.to_datetime(text[rest][retry], format="mixed", utc=True, errors="coerce")
            iso = iso.where(~retry, again.reindex(iso.index))
        out[rest] = iso.dt.tz_localize(None).astype(_DATE_DTYPE)
    return out

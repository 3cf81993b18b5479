"""Argument checks with clear messages, written once for every analysis function."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["require_crm", "require_frame"]


def require_frame(value: object, name: str, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Return ``value`` when it is a DataFrame holding ``columns``; else raise.

    Raises
    ------
    TypeError
        ``value`` is not a DataFrame (the message names the argument and the
        type given, e.g. a tuple returned by another function).
    ValueError
        Some of ``columns`` are missing (the message names them).
    """
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(value).__name__}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")
    return value


def require_crm(value: object, name: str = "crm"):
    """Return ``value`` when it is a :class:`~workbook.data.model.CrmData`; else ``TypeError``."""
    from workbook.data.model import CrmData

    if not isinstance(value, CrmData):
        raise TypeError(
            f"{name} must be a workbook CrmData (from workbook.load), got {type(value).__name__}"
        )
    return value

"""Tests for workbook.analyses.hierarchy.period: tiny fixtures (conftest.py), numbers by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import hierarchy as h

AS_OF = pd.Timestamp("2026-06-30")
START, END = pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30")


def test_default_period_is_twelve_months_inclusive():
    assert h.default_period("2026-06-30") == (START, END)
    assert h.default_period(pd.Timestamp("2026-03-15 17:45")) == (
        pd.Timestamp("2025-03-16"),
        pd.Timestamp("2026-03-15"),
    )
    # Leap day as_of: 2023-02-28 + 1 day.
    assert h.default_period("2024-02-29") == (
        pd.Timestamp("2023-03-01"),
        pd.Timestamp("2024-02-29"),
    )
    # The window ending 2025-02-28 contains the leap day 2024-02-29.
    assert h.default_period("2025-02-28")[0] == pd.Timestamp("2024-02-29")


def test_resolve_period_parameters():
    assert h.resolve_period(AS_OF) == (START, END)
    assert h.resolve_period(AS_OF, "", "2025-12-31") == (
        pd.Timestamp("2025-01-01"),
        pd.Timestamp("2025-12-31"),
    )
    assert h.resolve_period(AS_OF, "2026-01-01", "") == (pd.Timestamp("2026-01-01"), END)
    with pytest.raises(ValueError, match="after"):
        h.resolve_period(AS_OF, "2026-07-01", "2026-06-30")


def test_previous_period_same_length():
    assert h.previous_period(START, END) == (pd.Timestamp("2024-07-01"), pd.Timestamp("2025-06-30"))
    # 10 days -> the 10 days before.
    assert h.previous_period("2026-01-11", "2026-01-20") == (
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-01-10"),
    )
    # A calendar quarter -> the previous quarter.
    assert h.previous_period("2026-04-01", "2026-06-30") == (
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-03-31"),
    )

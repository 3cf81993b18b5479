"""Which family the report shows (``whitespace.family_choice``)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import whitespace as ws

AS_OF = "2024-06-30"


def test_choose_family_default_is_largest_by_revenue(frames, book):
    accounts, _, _, _ = book
    # Family P1 = 300 + 400 in the 12 months to as_of; S1 = 600; the 5000 deal closed too early.
    opps = frames.opps(
        [
            ("o1", "P2", "2024-03-01", 300.0),
            ("o2", "P4", "2023-07-01", 400.0),  # 2023-07-01 is the first day of the window
            ("o3", "S1", "2024-06-30", 600.0),
            ("o4", "S1", "2023-06-30", 5000.0),  # one day before the window
        ]
    )
    assert ws.choose_family("", accounts, opps, as_of=AS_OF) == "P1"
    bigger = pd.concat([opps, frames.opps([("o5", "S1", "2024-01-01", 200.0)])], ignore_index=True)
    assert ws.choose_family("", accounts, bigger, as_of=AS_OF) == "S1"
    # An id (root or member) or an exact name picks that account's family.
    assert ws.choose_family("P4", accounts, opps, as_of=AS_OF) == "P1"
    assert ws.choose_family("We <3 Dogs", accounts, opps, as_of=AS_OF) == "P1"
    assert ws.choose_family("Solo", accounts, opps, as_of=AS_OF) == "S1"
    with pytest.raises(ValueError, match="neither"):
        ws.choose_family("Nope", accounts, opps, as_of=AS_OF)

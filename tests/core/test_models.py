"""The shared events-per-parameter rule (engagement win model, whitespace model)."""

from __future__ import annotations

import pytest

from workbook.core.models import events_per_parameter_ok


def test_rule_counts_the_smaller_class():
    # 30 events, 200 non-events, 4 parameters: 30 < 10 * 4 = 40 -> refused
    r = events_per_parameter_ok([1] * 30 + [0] * 200, n_parameters=4)
    assert (r.ok, r.events, r.non_events, r.smaller, r.needed) == (False, 30, 200, 30, 40)
    assert r.per_parameter == pytest.approx(7.5)
    assert "30 won deals against 200 not won" in r.sentence and "(40 deals)" in r.sentence


def test_exactly_ten_per_parameter_is_enough_and_either_class_can_be_smaller():
    assert events_per_parameter_ok([1] * 40 + [0] * 41, n_parameters=4).ok
    r = events_per_parameter_ok([True] * 500 + [False] * 39, n_parameters=4)
    assert not r.ok and r.smaller == 39
    assert r.sentence.startswith("The model was refused")
    assert events_per_parameter_ok([1] * 50 + [0] * 50, n_parameters=5).sentence == ""


def test_words_and_bad_input():
    r = events_per_parameter_ok(
        [1] * 3 + [0] * 10, n_parameters=2, unit="accounts", event="buying", non_event="not"
    )
    assert "3 buying accounts against 10 not" in r.sentence
    with pytest.raises(ValueError):
        events_per_parameter_ok([1, 0], n_parameters=0)

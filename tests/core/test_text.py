"""core/text.py: Card (direction, subject, summary form) and changes formatted like the KPI."""

from __future__ import annotations

import pytest

from workbook.core.text import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    MONEY,
    NO_CHANGE,
    Card,
    format_change,
    format_value,
    one_or_many,
    plural,
    share_text,
)

MINUS = "\u2212"


def test_money_changes_read_as_money():
    # 282,200 - 278,577.05 = 3,622.95, shown at the KPI's precision: $3,623 (not "+3,622.95")
    assert format_change(282_200.0, 278_577.05, "${:,.0f}") == "+$3,623"
    assert format_change(278_577.05, 282_200.0, "${:,.0f}") == f"{MINUS}$3,623"
    # short money KPIs change in short money: 2,015,000 - 2,000,000 = 15,000 -> $15k
    assert format_change(2_015_000, 2_000_000, MONEY) == "+$15k"
    assert format_change(1_000_000, 2_500_000, MONEY) == f"{MINUS}$1.5M"


def test_share_changes_read_in_points_at_the_kpis_precision():
    # 0.25 - 0.20 = 0.05 = 5.0 points
    assert format_change(0.25, 0.20, "{:.1%}") == "+5.0 pts"
    # 0.861 - 0.8734 = -0.0124 -> -1.2 points
    assert format_change(0.861, 0.8734, "{:.1%}") == f"{MINUS}1.2 pts"
    # 0.0004 is 0.04 points: zero at one decimal
    assert format_change(0.2004, 0.2, "{:.1%}") == NO_CHANGE
    assert format_change(0.5, 0.4, "{:.0%}") == "+10 pts"


def test_count_changes_read_as_integers_and_zero_reads_no_change():
    assert format_change(121, 69, "{:,}") == "+52"
    assert format_change(144, 171, "{:,}") == f"{MINUS}27"
    assert format_change(12_345, 10_000, "{:,}") == "+2,345"
    assert format_change(5, 5, "{:,}") == NO_CHANGE
    # "AUC ▼ -0.00": a change below the KPI's precision is no change
    assert format_change(0.7281, 0.7284, "{:.2f}") == NO_CHANGE
    assert format_change(0.75, 0.73, "{:.2f}") == "+0.02"


def test_text_and_missing_values():
    assert format_change("9 of 12", "9 of 12", "{}") == NO_CHANGE
    assert format_change("9 of 12", "8 of 12", "{}") == "was 8 of 12"
    assert format_change(None, 3, "{:,}") is None
    assert format_change(3, float("nan"), "{:,}") is None
    assert format_change(float("inf"), 3, "{:,}") is None


def test_card_declares_direction_and_names_its_subject():
    card = Card(
        "top", "Largest customer", 2_015_000.0, MONEY, HIGHER_IS_BETTER, subject="Harbor Holdings"
    )
    assert card.display == "Harbor Holdings: $2.0M"
    assert format_value(2_015_000.0, MONEY) == "$2.0M"
    assert card.to_dict() == {
        "key": "top",
        "label": "Largest customer",
        "value": 2_015_000.0,
        "display": "Harbor Holdings: $2.0M",
        "fmt": MONEY,
        "direction": "higher",
        "subject": "Harbor Holdings",
        "on_index": False,
    }
    assert Card("n", "N", 3, "{:,}", LOWER_IS_BETTER).direction == "lower"
    assert Card("n", "N", 3).direction == "neutral"
    with pytest.raises(ValueError, match="'n'.*direction"):
        Card("n", "N", 3, "{:,}", "up")


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (0.25, "25.0%"),
        (0.0, "0.0%"),
        (1.0, "100.0%"),
        (7 / 100_000, "<0.1%"),  # 7 rows of 100,000: not "0.0%"
        (0.0005, "0.1%"),  # rounds up to the smallest step: shown as it is
        (0.9996, ">99.9%"),  # all but a few: not "100.0%"
        (float("nan"), "–"),
        (None, "–"),
    ],
)
def test_share_text_never_rounds_a_few_to_nothing(share, expected):
    assert share_text(share) == expected


def test_share_text_decimals():
    assert share_text(0.00004, decimals=2) == "<0.01%"
    assert share_text(0.12345, decimals=2) == "12.35%"
    assert share_text(0.005, decimals=0) == "<1%"  # f"{0.005:.0%}" is "0%": not for a share above 0
    assert share_text(-0.0) == "0.0%"


def test_plural_in_plain_words():
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(1_204, "family", "families") == "1,204 families"


def test_one_or_many_agrees_with_the_count():
    assert [one_or_many(n, "is", "are") for n in (0, 1, 2)] == ["are", "is", "are"]

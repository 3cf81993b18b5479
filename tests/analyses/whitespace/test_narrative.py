"""Sentences and cards of the whitespace report (``whitespace.narrative``)."""

from __future__ import annotations

from workbook.analyses import whitespace as ws
from workbook.analyses.whitespace import narrative

AS_OF = "2024-06-30"


def test_summary_sentences(book, summarize):
    _, sentences = summarize(book)
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith("5 sibling gaps across 1 family")
    # The expected value is the median purchase amount (one value per purchase row), not a
    # list price: the sentence says "typical purchase amount". $3k = 3,300, $1k = 1,489.33.
    assert "worth $3k at the typical purchase amount, $1k weighted" in sentences[0]
    assert "median price" not in sentences[0]
    assert sentences[1] == (
        "Call first: We <3 Dogs lacks The Tangerine1000; 2 of the other 3 members of PupsRUs "
        "own it, 67% of its industry owns it, and its typical purchase amount is $900."
    )
    assert all(isinstance(s, str) and s for s in sentences)


def test_sentences_change_when_the_data_changes(summarize, book):
    _, before = summarize(book)
    # A month later P2's Tangerine purchase counts: its gap closes, P4 moves to the top.
    _, after = summarize(book, as_of="2024-07-31")
    assert before != after
    assert after[0].startswith("4 sibling gaps")
    assert "Call first: Pup Four lacks The Tangerine1000" in after[1]


def test_sentences_without_gaps(frames, summarize):
    accounts = frames.accounts([("S1", "Solo", None, "u", "x")])
    products = frames.products([("T", "T", "F", 10.0)])
    purchases = frames.purchases([("S1", "T", "2024-01-01", 1.0)])
    figures, sentences = summarize((accounts, purchases, products, None))
    assert figures["gaps"] == 0 and figures["top_gap"] is None
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith("There are no sibling gaps")


def test_headline_cards_carry_the_figures(book, summarize):
    figures, _ = summarize(book)
    cards = ws.headline_cards(figures)
    assert [c.key for c in cards] == [
        "gaps",
        "families_with_gaps",
        "whitespace_value",
        "priority_total",
        "peer_whitespace",
    ]
    assert all(c.value == figures[c.key] for c in cards)
    # 3,300 in the short money format used elsewhere ("$3k": 3.3 thousands, no decimals);
    # the priority total 1,489.33 is a score, not money: "1,489".
    assert [c.display for c in cards] == ["5", "1", "$3k", "1,489", "2"]
    assert cards[3].label == "Gap priority score (not money)"
    # calibrated: the call list's Σ score × value is money, and reads like it
    calibrated = ws.headline_cards(
        {**figures, "call_list_total": 1_613_148.0, "calibrated": True,
         "value_label": "Expected whitespace"}
    )  # fmt: skip
    total = next(c for c in calibrated if c.key == "call_list_total")
    assert (total.display, total.fmt, total.on_index) == ("$1.6M", "money", True)


def test_lift_and_peer_group_wording():
    top = {
        "family_name": "F",
        "account_name": "A",
        "product_name": "P",
        "siblings_owning": 1,
        "family_members": 2,
        "peer_adoption": None,
        "expected_value": 900.0,
    }
    assert narrative.top_gap_sentence(top) == (
        "Call first: A lacks P; the only other member of F owns it, its industry has no peer "
        "group, and its typical purchase amount is $900."
    )
    lift = {
        "name_a": "X",
        "name_b": "Y",
        "lift": 3.46,
        "owners_both": 1,
        "mh_odds_ratio": 4.04,
        "q_value": 0.0123,
    }
    assert narrative.lift_sentence(lift) == (
        "Owners of X also own Y 3.5× more often than average (1 account own both; odds ratio "
        "4.0 within industries, q = 0.012)."
    )
    lift["q_value"] = 0.0001
    assert narrative.lift_sentence(lift).endswith("q < 0.001).")

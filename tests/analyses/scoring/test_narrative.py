"""Tests for workbook.analyses.scoring.narrative: sentences and cards."""

from __future__ import annotations

import math

from workbook.analyses import scoring
from workbook.analyses.scoring import narrative


def test_thin_data_wording():
    short = narrative.thin_data_shortfall(12, 4, min_matured=100, min_wins=20)
    assert short == "12 matured leads (at least 100 needed) and 4 wins (at least 20 needed)"
    assert narrative.thin_data_shortfall(100, 20, min_matured=100, min_wins=20) == ""
    assert narrative.thin_data_message("", 100) == ""
    assert narrative.thin_data_message(short, 12).startswith("Thin data: only 12 matured")


def test_decay_sentence_claims_only_what_the_interval_supports():
    base = {"decay_computed": True, "decay_after_days": 90, "decay_landmark_leads": 100,
            "decay_quiet_leads": 20}  # fmt: skip
    none = narrative.decay_sentence(
        base
        | {
            "decay_win_rate_quiet": 0.05,
            "decay_win_rate_active": 0.10,
            "decay_difference_ci": [-0.12, 0.02],
        }  # fmt: skip
    )
    assert none.endswith("the data shows no evidence that quiet leads win less.")
    less = narrative.decay_sentence(
        base
        | {
            "decay_win_rate_quiet": 0.01,
            "decay_win_rate_active": 0.10,
            "decay_difference_ci": [-0.12, -0.04],
        }  # fmt: skip
    )
    assert less.endswith("quiet leads win less than active ones.")
    skipped = narrative.decay_sentence({"decay_computed": False})
    assert skipped == "The decay what-if was skipped: there is no activities table."


def test_band_sentence_lowering_and_unchanged():
    band = {"matured": 40, "wins": 2, "win_rate": 0.05, "ci_low": 0.01, "ci_high": 0.17,
            "ratio_to_base": 0.5, "leads_per_year": 120.0}  # fmt: skip
    assert narrative.band_sentence(band, current=60, recommended=55) == (
        "Lowering 60 → 55 adds 120 leads a year that win 5% (1%–17%), 0.5× the base rate."
    )
    assert narrative.band_sentence(band, current=60, recommended=60) == ""
    assert narrative.band_sentence(band, current=60, recommended=math.nan) == ""


def test_cards_and_sentences_on_the_sample(sample_res):
    shown = {c.key: c.display for c in sample_res.cards}
    assert shown["n_matured"] == "5,763"
    assert shown["recommended_threshold"] == "75"
    assert shown["track_record"] == "9 of 12"
    assert sample_res.sentences[0].startswith("5,763 scored leads are matured")
    assert (
        "93% of the wins seen so far among matured leads came within 180 days"
        in (sample_res.sentences[0])
    )


def test_thin_data_is_flagged(outcomes):
    out, _ = outcomes
    suff = scoring.data_sufficiency(out)
    assert not suff["reliable"] and suff["message"].startswith("Thin data: only 21 matured")


def test_no_scoring_module_imports_presentation():
    # analyses never import present, plots or widgets, at module level or in a function
    import ast
    from pathlib import Path

    folder = Path(scoring.__file__).parent
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(
                    ("workbook.present", "workbook.plots", "workbook.widgets")
                ), f"{path.name} imports {name}"

"""Tests for workbook.analyses.scoring.narrative: sentences and cards."""

from __future__ import annotations

from workbook.analyses import scoring


def test_summary_sentences_follow_the_data(outcomes, synthetic, figures_of):
    out, _ = outcomes
    thin = scoring.summary_sentences(figures_of(out))
    assert 3 <= len(thin) <= 5
    assert thin[0].startswith(
        "Thin data: only 12 resolved leads (at least 100 needed) and 4 wins (at least 20 needed),"
    )
    assert (
        "12 scored leads are resolved (4 won, base win rate 33%); 7 are still unresolved" in thin[1]
    )
    assert any(s.startswith("Indicative only: At 60 you hand off 0.8 leads a month") for s in thin)
    synth = synthetic(n=2000)
    rich = scoring.summary_sentences(figures_of(synth, capacity=40))
    assert 3 <= len(rich) <= 5
    assert not rich[0].startswith("Thin data")
    assert rich[0].startswith("2,000 scored leads are resolved")
    assert "The score separates wins from losses with AUC" in rich[1]
    assert rich != thin


def test_headline_cards(outcomes, figures_of):
    out, _ = outcomes
    cards = scoring.headline_cards(figures_of(out))
    shown = {c.key: c.display for c in cards}
    assert shown["n_resolved"] == "12"
    assert shown["base_win_rate"] == "33.3%"
    assert shown["auc"] == "0.81"
    assert shown["recommended_threshold"] == "65"
    assert cards[-1].label == "Recommended threshold (indicative, thin data)"


def test_thin_data_wording():
    from workbook.analyses.scoring import narrative

    short = narrative.thin_data_shortfall(12, 4, min_resolved=100, min_wins=20)
    assert short == "12 resolved leads (at least 100 needed) and 4 wins (at least 20 needed)"
    assert narrative.thin_data_shortfall(100, 20, min_resolved=100, min_wins=20) == ""
    assert narrative.thin_data_message("", 100) == ""
    assert narrative.thin_data_message(short, 12).startswith("Thin data: only 12 resolved")


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

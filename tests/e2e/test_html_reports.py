"""Static checks on every rendered report of the sample run (issue 8)."""

from __future__ import annotations

import json
import re

import pytest

REPORTS = ["data_quality", "cohort", "scoring", "hierarchy", "whitespace", "engagement"]

# Markers nbconvert leaves for input cells, prompts, errors and widgets.
CODE_MARKERS = ["jp-InputArea", "jp-InputPrompt", "input_area", "highlight-ipynb", "workbook.load("]
ERROR_MARKERS = [
    "Traceback (most recent call last)",
    'jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr',
    "ename",
    "evalue",
]
WIDGET_MARKERS = [
    "application/vnd.jupyter.widget-view+json",
    "jupyter-widgets",
    "Loading widgets",
    "widget-state",
]


@pytest.mark.parametrize("name", REPORTS)
def test_report_html_has_no_code_errors_or_widget_placeholders(sample_run, name):
    path = sample_run / f"{name}.html"
    assert path.exists(), (
        f"{name}.html missing; failed? {sorted(p.name for p in sample_run.iterdir())}"
    )
    html = path.read_text(encoding="utf-8")
    for marker in CODE_MARKERS + WIDGET_MARKERS:
        assert marker not in html, f"{name}.html contains {marker!r}"
    for marker in ERROR_MARKERS[:2]:
        assert marker not in html, f"{name}.html contains {marker!r}"
    # Offline: no scripts, styles or images fetched from the network.
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", html)
    # Reasonably small: images are compressed PNGs.
    assert path.stat().st_size < 8_000_000
    assert "data:image/png;base64" in html


@pytest.mark.parametrize("name", REPORTS)
def test_summary_has_headline_cards_and_generated_sentences(sample_run, name):
    summary = json.loads((sample_run / name / "summary.json").read_text(encoding="utf-8"))
    assert summary["report"] == name
    assert summary["as_of"] == "2026-06-30"
    assert 1 <= len(summary["headline"]) <= 8
    for card in summary["headline"]:
        assert {"key", "label", "value", "display"} <= set(card)
    assert 3 <= len(summary["sentences"]) <= 5
    html = (sample_run / f"{name}.html").read_text(encoding="utf-8")
    for card in summary["headline"]:
        assert card["display"].replace("&", "&amp;").replace("<", "&lt;") in html

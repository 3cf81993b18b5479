"""Tests for workbook.analyses.scoring.figures: the keys of summary.json."""

from __future__ import annotations

import json

from workbook.analyses import scoring


def test_summary_keys_are_json_and_complete(planted_crm, required_keys):
    res = scoring.run(planted_crm, n_boot=20, backtest_months=[3, 6])
    f = res.figures
    assert required_keys <= set(f)
    json.dumps(f)  # every value is plain JSON (NaN written as None)
    assert f["horizon_days"] == res.params.horizon_days
    assert "n_resolved" not in f and "n_unresolved" not in f
    assert f["recommended_threshold"] == res.recommended_threshold
    assert f["tradeoff_sentence"] in res.sentences

"""Column contracts (``whitespace.columns``): each export's columns, once."""

from __future__ import annotations

from workbook.analyses import whitespace as ws
from workbook.analyses.whitespace import columns


def test_column_lists_have_no_repeats_and_gaps_contract_comes_first():
    lists = {k: v for k, v in vars(columns).items() if k.endswith("_COLUMNS")}
    assert len(lists) == 11
    for name, cols in lists.items():
        assert len(cols) == len(set(cols)), name
    assert not set(ws.GAP_COLUMNS) & set(ws.GAP_EXTRA_COLUMNS)
    # The top-gaps list carries the gaps contract (plus owner and names).
    assert set(ws.GAP_COLUMNS) <= set(ws.OWNER_GAP_COLUMNS)


def test_defaults_are_the_params_defaults():
    p = ws.Params()
    assert p.min_peer_adoption == ws.DEFAULT_MIN_PEER_ADOPTION
    assert p.horizon_months == 12
    # The topic function's fixed default; the report itself uses the empirical-Bayes kappa.
    assert ws.DEFAULT_PRIOR_STRENGTH == 2.0
    assert ws.DEFAULT_SIBLING_WEIGHT == 0.5
    assert (ws.OWNED, ws.GAP) == ("owned", "gap")

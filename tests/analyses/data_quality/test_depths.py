"""data_quality.depths: accounts per depth below the ultimate parent (hand-built)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import data_quality as qr
from workbook.core import families


def test_depth_distribution_with_cycle_row_last(tables):
    tree = families.ultimate_parents(tables["accounts"])
    depths = qr.depth_distribution(tree)
    # A1 root (0), A5 orphan treated as top level (0), A2 depth 1, A3 depth 2, A4 self-cycle.
    assert depths["label"].tolist() == ["0 (top level)", "1", "2", "cycle"]
    assert depths["accounts"].tolist() == [2, 1, 1, 1]
    assert depths["share"].tolist() == [0.4, 0.2, 0.2, 0.2]
    assert pd.isna(depths["depth"].iloc[-1])


def test_depth_distribution_wants_the_tree_frame(tables):
    tree = families.ultimate_parents(tables["accounts"])
    with pytest.raises(TypeError, match="tree must be a pandas DataFrame, got tuple"):
        qr.depth_distribution((tree, None))
    with pytest.raises(ValueError, match="depth"):
        qr.depth_distribution(tree.drop(columns="depth"))
    assert pd.api.types.is_integer_dtype(qr.depth_distribution(tree)["accounts"])

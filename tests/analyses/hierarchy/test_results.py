"""Tests for workbook.analyses.hierarchy.results: the declared tables and their exports."""

from __future__ import annotations

import pandas as pd

from workbook.analyses import hierarchy as h


def test_declared_tables_and_export_stems():
    fields = h.Results.table_fields()
    exported = {name for name, meta in fields.items() if meta["export"]}
    assert exported == {
        "top_customers",
        "naive_top",
        "concentration",
        "rank_uncertainty",
        "stability",
        "discount_spread",
        "split_ownership",
        "hierarchy_issues",
    }
    # Shown or drawn, never written.
    assert set(fields) - exported == {
        "rank_shift",
        "discount_members",
        "discount_outliers",
        "exclusions",
        "tree",
    }
    # Every stem is its field name (the notebook's rep.export stems).
    assert all(meta["stem"] is None for meta in fields.values())
    assert (h.Results.report, h.Results.title) == ("hierarchy", "Top customers by corporate family")


def test_an_empty_results_exports_empty_frames():
    res = h.Results(params=h.Params())
    assert list(res.exports()) == [
        "top_customers",
        "naive_top",
        "concentration",
        "rank_uncertainty",
        "stability",
        "discount_spread",
        "split_ownership",
        "hierarchy_issues",
    ]
    assert all(isinstance(f, pd.DataFrame) and f.empty for f in res.exports().values())
    assert res.period is None

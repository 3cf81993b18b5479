"""workbook.data.hints: close matches differing only by case, spaces or punctuation."""

from __future__ import annotations

import pandas as pd
import yaml

from workbook.data.hints import close_matches, fold, hint_text


def test_fold_drops_case_spaces_and_punctuation():
    assert fold(pd.Series(["GTX Pro", "gtx-pro", "GTX_PRO.", "Ünïcode Co"])).tolist() == [
        "gtxpro", "gtxpro", "gtxpro", "ünïcodeco",
    ]  # fmt: skip


def test_close_matches_counts_rows_and_skips_ambiguous_or_unrelated_values():
    unknown = pd.Series(["GTXPro"] * 3 + ["mg special", "Zeta", "abc"])
    # 'ABC' and 'A.B.C' fold alike: which one 'abc' means is unclear, so no hint
    known = pd.Series(["GTX Pro", "MG Special", "ABC", "A.B.C"])
    got = close_matches(unknown, known)
    assert got.to_dict("records") == [
        {"value": "GTXPro", "match": "GTX Pro", "rows": 3},
        {"value": "mg special", "match": "MG Special", "rows": 1},
    ]


def test_hint_text_is_a_values_line_that_parses_back():
    got = close_matches(pd.Series(["GTXPro", "yes"]), pd.Series(["GTX Pro", "YES"]))
    text = hint_text("purchases", "product_id", got)
    assert "'GTXPro' -> 'GTX Pro' (1 rows)" in text
    line = text.split("fix with values: ", 1)[1]
    # YAML must read the words back as text, not as booleans
    assert yaml.safe_load(line) == {
        "purchases": {"product_id": {"GTXPro": "GTX Pro", "yes": "YES"}}
    }
    assert hint_text("purchases", "product_id", close_matches(pd.Series(["x"]), pd.Series(["y"]))) == ""


def test_close_matches_ignores_repeats_and_drops_ambiguous_keys_among_many_known():
    import numpy as np

    from workbook.data.hints import close_matches

    rng = np.random.default_rng(3)
    filler = pd.Series([f"ID-{i:05d}" for i in rng.permutation(5_000)])
    known = pd.concat(
        [filler, pd.Series(["GTX Pro", "GTX Pro", "Acme-1", "acme 1", "Bolt", None])],
        ignore_index=True,
    )
    unknown = pd.Series(["GTXPro", "gtx_pro", "GTXPro", "ACME1", "bolt", "Bolt", "nope", None])
    got = close_matches(unknown, known)
    # "GTX Pro" repeated is one known value; "acme1" folds from two known values: no hint;
    # "Bolt" itself is not a mismatch
    assert got.to_dict("records") == [
        {"value": "GTXPro", "match": "GTX Pro", "rows": 2},
        {"value": "bolt", "match": "Bolt", "rows": 1},
        {"value": "gtx_pro", "match": "GTX Pro", "rows": 1},
    ]

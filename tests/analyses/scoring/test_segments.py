"""Tests for workbook.analyses.scoring.segments: verdicts, the Hanley-McNeil n and the noise rule."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import scoring


def _hm_half_width(a, n1, n2, z=1.959964):
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)
    return z * math.sqrt(var)


@pytest.mark.parametrize(("auc", "p"), [(0.75, 0.1), (0.55, 0.2), (0.52, 0.1), (0.9, 0.3)])
def test_hanley_mcneil_n_is_the_first_n_narrow_enough(auc, p):
    n = scoring.hanley_mcneil_n([auc], [p])[0]
    margin = max(auc - 0.5, 0.6 - auc)
    assert _hm_half_width(auc, p * n, (1 - p) * n) < margin
    assert _hm_half_width(auc, p * (n - 1), (1 - p) * (n - 1)) >= margin


def test_verdicts_in_order(synthetic):
    strong = synthetic(n=3000, slope=0.06, seed=1).assign(source="Strong")
    flat = synthetic(n=4000, slope=0.0, intercept=-1.5, seed=2).assign(source="Flat")
    # a small segment with AUC exactly 0.5: wins score 10, 20, .., 100 and losses the same, 3 times
    scores = np.tile(np.arange(10, 101, 10, dtype=float), 4)
    small = pd.DataFrame({"score": scores, "source": "Small", "matured": True,
                          "won": pd.array(np.repeat([True, False, False, False], 10), dtype="boolean")})  # fmt: skip
    out = pd.concat([strong, flat, small], ignore_index=True)
    seg = scoring.segment_auc(out, n_boot=200).set_index("segment")
    assert seg.loc["Strong", "verdict"] == "predictive"  # CI low > 0.5
    assert seg.loc["Flat", "auc_ci_high"] < 0.6 and seg.loc["Flat", "verdict"] == "not predictive"
    # a small flat segment: CI contains 0.6, so never "not predictive"
    assert seg.loc["Small", "auc"] == 0.5 and seg.loc["Small", "auc_ci_high"] >= 0.6
    assert seg.loc["Small", "verdict"] == "inconclusive"
    assert seg.loc["Small", "n_needed"] > seg.loc["Small", "n"]


def test_a_segment_without_wins_has_no_verdict(synthetic):
    out = synthetic(n=200).assign(source="Web")
    none = out.assign(source="None", won=pd.array([False] * 200, dtype="boolean"))
    seg = scoring.segment_auc(pd.concat([out, none]), n_boot=50).set_index("segment")
    assert seg.loc["None", "verdict"] == "undefined" and np.isnan(seg.loc["None", "n_needed"])


def test_segment_rates_names_only_outside_the_funnel(synthetic):
    same = pd.concat(
        [synthetic(n=800, seed=1).assign(source=f"S{s}") for s in range(4)], ignore_index=True
    )
    # four sources with identical leads: the same rate, nothing to name
    named = scoring.segment_rates(scoring.segment_auc(same, n_boot=20), what="sources")
    assert named.sentence.startswith("Differences between sources are within noise")
    assert named.best == [] and named.worst == []
    low = synthetic(n=800, intercept=-6, seed=9).assign(source="Low")
    seg = scoring.segment_auc(pd.concat([same, low], ignore_index=True), n_boot=20)
    named = scoring.segment_rates(seg, what="sources")
    assert named.worst == ["Low"] and "Low" in named.sentence

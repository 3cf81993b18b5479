"""Tests for workbook.analyses.hierarchy.uncertainty: rank intervals against exact enumeration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import hierarchy as h


def _fixture():
    """Family A: two deals of 100 (revenue 200, #1); B: one deal of 190 (#2); C: one of 10."""
    top = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "account_id": ["a", "b", "c"],
            "name": ["Alpha", "Beta", "Gamma"],
            "revenue": [200.0, 190.0, 10.0],
        }
    )
    deals = pd.DataFrame({"root_id": ["a", "a", "b", "c"], "amount": [100.0, 100.0, 190.0, 10.0]})
    return top, deals


def _exact():
    """P(rank 1) and P(top 2) by enumerating every resample of the 4 deals.

    A resample draws 4 deals with replacement: counts (kA, kB, kC) with kA the draws
    of A's two deals, multinomial(4; 1/2, 1/4, 1/4). Totals 100 kA, 190 kB, 10 kC; ranks
    by total descending, ties sharing the smallest rank (method "min").
    """
    from math import factorial

    p_first = np.zeros(3)
    p_top2 = np.zeros(3)
    dist = {0: {}, 1: {}, 2: {}}
    for ka in range(5):
        for kb in range(5 - ka):
            kc = 4 - ka - kb
            pmf = factorial(4) / (factorial(ka) * factorial(kb) * factorial(kc))
            pmf *= 0.5**ka * 0.25**kb * 0.25**kc
            totals = np.array([100 * ka, 190 * kb, 10 * kc])
            ranks = np.array([1 + (totals > t).sum() for t in totals])
            p_first += pmf * (ranks == 1)
            p_top2 += pmf * (ranks <= 2)
            for i, r in enumerate(ranks):
                dist[i][r] = dist[i].get(r, 0.0) + pmf
    return p_first, p_top2, dist


def test_rank_intervals_match_the_exact_bootstrap_distribution():
    top, deals = _fixture()
    p_first, p_top2, dist = _exact()
    # The enumeration gives P(A first) = 0.625 (160/256), P(B first) = 0.371 (95/256),
    # P(C first) = 1/256 (kC = 4); P(top 2) = 0.945, 0.75, 0.375. A's ranks: 1 w.p.
    # 0.625, 2 w.p. 0.320, 3 w.p. 0.055, so its 95% interval is 1..3; B's is 1..3 too.
    out = h.rank_uncertainty(top, deals, top_n=2, n_boot=20_000, seed=3).set_index("account_id")
    assert out["p_rank_1"].to_numpy() == pytest.approx(p_first, abs=0.015)
    assert out["p_top_n"].to_numpy() == pytest.approx(p_top2, abs=0.015)
    # Neither A nor B clears 0.9: both are tied for first (rank interval starts at 1).
    assert p_first[0] < 0.9 and p_first[1] < 0.9
    assert out.loc[["a", "b"], "tied_for_first"].all()
    # 95% interval = the 2.5% and 97.5% quantiles of each exact rank distribution.
    for i, key in enumerate(["a", "b", "c"]):
        ranks = sorted(dist[i])
        cdf = np.cumsum([dist[i][r] for r in ranks])
        low = ranks[int(np.searchsorted(cdf, 0.025))]
        high = ranks[int(np.searchsorted(cdf, 0.975))]
        assert (out.loc[key, "rank_low"], out.loc[key, "rank_high"]) == (low, high), key
    assert (out.loc["a", "rank_low"], out.loc["a", "rank_high"]) == (1, 3)
    assert out["deals"].tolist() == [2, 1, 1]
    assert out["largest_deal_share"].tolist() == [0.5, 1.0, 1.0]


def test_a_dominant_family_ranks_first_in_nearly_every_resample():
    top = pd.DataFrame(
        {"rank": [1, 2], "account_id": ["a", "b"], "name": ["A", "B"], "revenue": [1000.0, 100.0]}
    )
    deals = pd.DataFrame({"root_id": ["a"] * 10 + ["b"] * 2, "amount": [100.0] * 10 + [50.0] * 2})
    out = h.rank_uncertainty(top, deals, top_n=1, n_boot=500, seed=0)
    assert out["p_rank_1"].iloc[0] > 0.99
    assert out["tied_for_first"].tolist() == [True, False]
    assert (out["rank_low"].iloc[1], out["rank_high"].iloc[1]) == (2, 2)


def test_no_deals_gives_an_empty_table():
    top, deals = _fixture()
    out = h.rank_uncertainty(top.iloc[0:0], deals.iloc[0:0], n_boot=10)
    assert out.empty
    assert "p_rank_1" in out.columns


def test_herfindahl_by_hand():
    conc = pd.DataFrame({"share": [0.5, 0.3, 0.2]})
    # 0.25 + 0.09 + 0.04 = 0.38; 1 / 0.38 = 2.63 equal families.
    assert h.herfindahl(conc) == pytest.approx({"hhi": 0.38, "effective_families": 1 / 0.38})


def test_descending_min_ranks_by_hand():
    from workbook.analyses.hierarchy.uncertainty import descending_min_ranks

    values = np.array(
        [
            [5.0, 7.0, 5.0, 1.0],  # 7 first; the two 5s share rank 2; 1 is 4th (not 3rd)
            [3.0, 3.0, 3.0, 3.0],  # all tied: all first
            [0.0, -0.0, 2.0, -1.0],  # 0.0 and -0.0 are equal: both 2nd
        ]
    )
    assert descending_min_ranks(values).tolist() == [[2, 1, 2, 4], [1, 1, 1, 1], [2, 2, 1, 4]]
    assert descending_min_ranks(np.zeros((2, 0))).shape == (2, 0)


def test_descending_min_ranks_agree_with_scipy_rankdata():
    from scipy.stats import rankdata

    from workbook.analyses.hierarchy.uncertainty import descending_min_ranks

    values = np.random.default_rng(1).integers(0, 6, size=(40, 30)).astype("float64")
    expected = rankdata(-values, axis=1, method="min")
    assert np.array_equal(descending_min_ranks(values), expected)


def test_rank_uncertainty_draws_in_blocks_as_in_one_call(monkeypatch):
    """Blocks of resamples give the counts of one multinomial(size=n_boot) call."""
    from scipy import sparse
    from scipy.stats import rankdata

    from workbook.analyses.hierarchy import uncertainty

    top, deals = _fixture()
    whole = h.rank_uncertainty(top, deals, top_n=2, n_boot=50, seed=7)
    monkeypatch.setattr(uncertainty, "_CHUNK_CELLS", 12)  # 3 resamples of the 4 deals a block
    blocks = h.rank_uncertainty(top, deals, top_n=2, n_boot=50, seed=7)
    pd.testing.assert_frame_equal(whole, blocks)
    # ... and the ranks of the deal x family product of the original implementation
    counts = np.random.default_rng(7).multinomial(4, np.full(4, 0.25), size=50)
    amounts = sparse.csr_matrix(
        (deals["amount"].to_numpy(), (np.arange(4), np.array([0, 0, 1, 2]))), shape=(4, 3)
    )
    ranks = rankdata(-np.asarray((amounts.T @ counts.T).T), axis=1, method="min")
    assert whole["p_rank_1"].tolist() == (ranks == 1).mean(axis=0).tolist()
    low, high = np.quantile(ranks, [0.025, 0.975], axis=0, method="inverted_cdf")
    assert whole["rank_low"].tolist() == low.tolist()
    assert whole["rank_high"].tolist() == high.tolist()

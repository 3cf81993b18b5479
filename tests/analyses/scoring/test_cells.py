"""Tests for workbook.analyses.scoring.cells: cell-count AUC, threshold rates and bootstrap against row computations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analyses import scoring


def test_cell_auc_equals_mann_whitney_exactly():
    # (1) the cell-count AUC of the full sample is the rank-based U / (n_won * n_lost)
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(3)
    s = rng.integers(0, 20, 300).astype(float)  # many ties
    w = rng.random(300) < 0.3
    levels, counts = scoring.score_cells(s, w)
    assert counts.sum() == 300 and counts[:, 1].sum() == w.sum()
    u = mannwhitneyu(s[w], s[~w]).statistic / (w.sum() * (~w).sum())
    assert scoring.auc_from_cells(counts) == u
    # hand fixture: won 3, 2, 2; lost 2, 1 -> pairs (3,2) 1, (3,1) 1, (2,2) 0.5 x2, (2,1) 1 x2
    # -> U = 5 of 6 pairs
    levels, counts = scoring.score_cells(
        [3.0, 2.0, 2.0, 2.0, 1.0], [True, True, True, False, False]
    )
    assert levels.tolist() == [1.0, 2.0, 3.0]
    assert counts.tolist() == [[1, 0], [1, 2], [0, 1]]
    assert scoring.auc_from_cells(counts) == 5 / 6
    # resamples along a leading axis; no wins -> NaN
    batch = scoring.auc_from_cells(np.stack([counts, [[1, 0], [1, 0], [0, 0]]]))
    assert batch[0] == 5 / 6 and np.isnan(batch[1])


def test_cell_threshold_rates_equal_row_computation():
    # (2) win rate / share of wins at thresholds from a count vector == the direct row computation
    levels = np.array([10.0, 20.0, 30.0, 40.0])
    counts = np.array([[4, 1], [3, 0], [2, 2], [0, 3]])  # (lost, won) per level
    # rows the counts stand for
    s = np.repeat(np.repeat(levels, 2), counts.ravel())
    w = np.repeat(np.tile([False, True], 4), counts.ravel())
    ts = np.array([5.0, 20.0, 25.0, 40.0, 50.0])
    first = np.searchsorted(levels, ts, side="left")
    wr, share, handed, wins = scoring.threshold_rates_from_cells(counts, first)
    row_handed = np.array([(s >= t).sum() for t in ts])
    row_wins = np.array([(w & (s >= t)).sum() for t in ts])
    # by hand: t=20 -> 3+0+2+2+0+3 = 10 handed, 5 wins; t=40 -> 3 and 3; t=50 -> nobody
    assert handed.tolist() == row_handed.tolist() == [15, 10, 7, 3, 0]
    assert wins.tolist() == row_wins.tolist() == [6, 5, 5, 3, 0]
    np.testing.assert_array_equal(wr[:4], row_wins[:4] / row_handed[:4])
    assert np.isnan(wr[4])
    np.testing.assert_array_equal(share, row_wins / w.sum())
    # the same over a batch of resamples
    wr2, share2, _, _ = scoring.threshold_rates_from_cells(np.stack([counts, counts]), first)
    np.testing.assert_array_equal(wr2[1], wr)
    np.testing.assert_array_equal(share2[0], share)


def test_cell_bootstrap_width_matches_row_resampling():
    # (3) multinomial-over-cells bootstrap vs the old row resampling (rng.integers(0, n, n)):
    # same distribution, so interval widths agree within Monte-Carlo noise.
    from workbook.core.stats import bootstrap_interval

    rng = np.random.default_rng(11)
    n = 3000
    s = rng.integers(0, 101, n).astype(float)
    w = rng.random(n) < 1 / (1 + np.exp(-(0.04 * s - 3)))
    levels, counts = scoring.score_cells(s, w)
    codes = np.searchsorted(levels, s)
    cells = codes * 2 + w
    first = np.searchsorted(levels, [60.0], side="left")

    def row_counts(idx):
        return np.bincount(cells[idx], minlength=2 * len(levels)).reshape(-1, 2)

    def stats(c):
        wr, share, _, _ = scoring.threshold_rates_from_cells(c, first)
        return np.concatenate([scoring.auc_from_cells(c)[..., None], wr, share], axis=-1)

    point = stats(counts)
    lo, hi = scoring.cell_bootstrap_interval(stats, counts, n_boot=2000, seed=5)
    lo_again, hi_again = scoring.cell_bootstrap_interval(stats, counts, n_boot=2000, seed=5)
    np.testing.assert_array_equal(lo, lo_again)  # deterministic for a seed
    np.testing.assert_array_equal(hi, hi_again)
    assert np.all((lo <= point) & (point <= hi))
    old_lo, old_hi = bootstrap_interval(lambda i: stats(row_counts(i)), n, n_boot=2000, seed=5)
    rel = np.abs((hi - lo) - (old_hi - old_lo)) / (old_hi - old_lo)
    assert np.all(rel < 0.15), rel
    # and through the public functions
    out = pd.DataFrame({"score": s, "won": w, "matured": True})
    auc = scoring.auc_with_ci(out, n_boot=2000, seed=5).iloc[0]
    assert auc["auc"] == point[0]
    assert (auc["ci_low"], auc["ci_high"]) == (lo[0], hi[0])


def test_cell_bootstrap_of_a_statistic_nan_everywhere_is_nan_without_a_warning():
    import warnings

    counts = np.array([[5, 1], [3, 2]])

    def never(c):  # e.g. the win rate at a threshold no lead reaches
        return np.full(c.shape[0], np.nan)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = scoring.cells.cell_bootstrap_interval(never, counts, n_boot=50, seed=0)
    assert np.isnan(got.low) and np.isnan(got.high)

"""The purchase model's backtest without peeking (``whitespace.backtest``), on synthetic CRMs.

``_planted_crm`` writes a book whose first purchases in each yearly window
follow a known logistic model of the very features the report computes at
the window start (sibling rate, peer rate, trailing revenue), so a correctly
specified model must be calibrated out of time and beat the simple rankings
(which ignore revenue). With ``signal=False`` every candidate buys with the
same small probability: nothing may be claimed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.whitespace.backtest import BACKTEST_COLUMNS, purchase_model
from workbook.analyses.whitespace.book import Book
from workbook.analyses.whitespace.propensity import candidate_features
from workbook.core.models import events_per_parameter_ok
from workbook.data import model
from workbook.data.coercion import coerce_table

AS_OF = pd.Timestamp("2026-06-30")
WINDOWS = ["2023-06-30", "2024-06-30", "2025-06-30", "2026-06-30"]
#: The planted model: logit P = B0 + B_SIB * sibling_rate + B_PEER * peer_rate + B_REV * log_revenue.
B0, B_SIB, B_PEER, B_REV = -5.5, 4.0, 4.0, 0.2


def _crm(tables: dict, as_of) -> model.CrmData:
    out = {}
    for name, frame in tables.items():
        cols = model.SPECS[name].column_names
        out[name] = coerce_table(frame.reindex(columns=cols), name)
    return model.CrmData(tables=out, source="test", as_of=pd.Timestamp(as_of))


def _planted_crm(*, seed: int = 0, signal: bool = True, base: float = 0.03, n_families=300):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 7, n_families)
    fam = np.repeat(np.arange(n_families), sizes)
    n = len(fam)
    ids = np.array([f"A{i:05d}" for i in range(n)])
    first = np.r_[0, np.cumsum(sizes)[:-1]]
    parent = np.where(np.arange(n) == first[fam], None, ids[first[fam]])
    industry = np.array(["Retail", "Software", "Health", "Finance", "Energy"])[
        rng.integers(0, 5, n_families)[fam]
    ]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "name": [f"Account {i}" for i in range(n)],
            "parent_id": parent,
            "owner_id": "U1",
            "industry": industry,
            "created_at": pd.Timestamp("2022-01-01"),
        }
    )
    n_prod = 8
    products = pd.DataFrame(
        {
            "product_id": [f"P{j}" for j in range(n_prod)],
            "name": [f"Product {j}" for j in range(n_prod)],
            "family": "Software",
            "list_price": 1000.0,
        }
    )
    # Revenue: half the accounts win a deal every quarter, so the trailing year is stable.
    payer = rng.random(n) < 0.5
    quarters = pd.date_range("2022-03-31", "2026-06-30", freq="QE")
    a_idx = np.repeat(np.flatnonzero(payer), len(quarters))
    q_idx = np.tile(np.arange(len(quarters)), payer.sum())
    opps = pd.DataFrame(
        {
            "opportunity_id": [f"O{i}" for i in range(len(a_idx))],
            "account_id": ids[a_idx],
            "created_at": quarters[q_idx] - pd.Timedelta(days=30),
            "close_date": quarters[q_idx],
            "stage": "Closed Won",
            "is_closed": True,
            "is_won": True,
            "amount": rng.lognormal(9, 0.5, len(a_idx)),
            "probability": 100.0,
            "owner_id": "U1",
        }
    )
    # Initial ownership: family and industry propensities make siblings and peers alike.
    fam_lean = rng.normal(0, 1.0, (n_families, n_prod))[fam]
    ind_lean = {k: rng.normal(0, 0.7, n_prod) for k in np.unique(industry)}
    lean = fam_lean + np.vstack([ind_lean[k] for k in industry])
    owned0 = rng.random((n, n_prod)) < 1 / (1 + np.exp(-(-2.2 + lean)))
    a0, p0 = np.nonzero(owned0)
    purchases = pd.DataFrame(
        {
            "account_id": ids[a0],
            "product_id": [f"P{j}" for j in p0],
            "purchased_at": pd.Timestamp("2023-01-15"),
            "amount": 1000.0,
        }
    )
    tables = {"accounts": accounts, "products": products, "opportunities": opps}
    for start, _end in zip(WINDOWS[:-1], WINDOWS[1:], strict=True):
        crm = _crm({**tables, "purchases": purchases}, start)
        book = Book(crm.accounts, crm.purchases, crm.products, as_of=start)
        cand = candidate_features(book, opportunities=crm.opportunities, as_of=start)
        if signal:
            logit = (
                B0
                + B_SIB * cand["sibling_rate"]
                + B_PEER * cand["peer_rate"]
                + B_REV * cand["log_revenue"]
            )
            prob = 1 / (1 + np.exp(-logit.to_numpy()))
        else:
            prob = np.full(len(cand), base)
        buy = rng.random(len(cand)) < prob
        days = rng.integers(1, 365, buy.sum())
        new = pd.DataFrame(
            {
                "account_id": cand.loc[buy, "account_id"].astype(str).to_numpy(),
                "product_id": cand.loc[buy, "product_id"].astype(str).to_numpy(),
                "purchased_at": pd.Timestamp(start) + pd.to_timedelta(days, unit="D"),
                "amount": 1000.0,
            }
        )
        purchases = pd.concat([purchases, new], ignore_index=True)
    return _crm({**tables, "purchases": purchases}, AS_OF)


SEEDS = range(5)


@pytest.fixture(scope="module")
def planted_runs():
    return [purchase_model(_planted_crm(seed=s), horizon_months=12) for s in SEEDS]


@pytest.fixture(scope="module")
def planted(planted_runs):
    return next(r for r in planted_runs if r.calibrated)


def test_planted_model_has_skill_is_calibrated_and_beats_the_simple_rankings(planted_runs):
    # Skill and precision must hold on every seed, and the calibration point estimates must
    # be close to (0, 1) on every seed. The CIs (intercept contains 0, slope contains 1) cover
    # the evaluation window's noise but not the error of the model fitted at cut2, so even
    # this correctly specified model passes both on only about half the seeds (measured on
    # seeds 0-11: 6 of 12; intercepts -0.12 to +0.13, SE about 0.043; slopes 0.90 to 1.13).
    # So we ask for both CIs on at least 2 of 5 seeds rather than pick a lucky seed.
    calibrated = 0
    for run in planted_runs:
        bt = run.backtest.set_index("ranking")
        assert list(run.backtest.columns) == BACKTEST_COLUMNS
        assert list(bt.index) == ["model", "sibling_rate", "peer_rate"]
        m = bt.loc["model"]
        assert m["status"] == "ok" and m["purchases"] >= 100
        assert (m["fit_cut"], m["score_cut"]) == (
            pd.Timestamp("2024-06-30"),
            pd.Timestamp("2025-06-30"),
        )
        assert m["auc"] > 0.7
        assert m["precision_at_50"] > bt.loc["sibling_rate", "precision_at_50"]
        assert m["precision_at_50"] > bt.loc["peer_rate", "precision_at_50"]
        ok = m["intercept_low"] <= 0 <= m["intercept_high"] and m["slope_low"] <= 1 <= m["slope_high"]
        assert bool(m["calibrated"]) == ok == run.calibrated
        assert abs(m["calibration_intercept"]) < 0.2
        assert abs(m["calibration_slope"] - 1) < 0.15
        calibrated += ok
    assert calibrated >= 2


def test_planted_coefficients_are_recovered(planted):
    # The refit at cut1 recovers the planted coefficients roughly (a few standard errors).
    coef = planted.coefficients
    assert coef["log_revenue"] == pytest.approx(B_REV, abs=0.1)
    assert coef["sibling_rate"] + coef["peer_rate"] == pytest.approx(B_SIB + B_PEER, abs=3)
    assert planted.ranking == "model" and planted.reason == ""


def test_call_list_is_ordered_by_score_times_value(planted):
    calls = planted.call_list
    assert (calls["rank"] == np.arange(1, len(calls) + 1)).all()
    assert calls["score_value"].is_monotonic_decreasing
    np.testing.assert_allclose(calls["score_value"], calls["score"] * calls["expected_value"])
    assert set(calls["size_band"]) <= {"small", "mid", "large"}
    assert (calls["score"].between(0, 1)).all()
    assert len(planted.deciles) == 10 and planted.deciles["candidates"].sum() > 0


def test_no_signal_claims_nothing_and_names_the_fallback():
    res = purchase_model(_planted_crm(seed=1, signal=False, base=0.03), horizon_months=12)
    assert res.ranking in {"sibling_rate", "peer_rate"}
    assert not res.calibrated
    assert res.reason  # says why the model is not used
    bt = res.backtest.set_index("ranking")
    best = bt.loc[["sibling_rate", "peer_rate"], "auc"].idxmax()
    assert res.ranking == best
    # score_value is a score: P is the fallback ranking's value, not a probability
    np.testing.assert_allclose(res.call_list["score"], res.call_list[res.ranking])


def test_too_few_purchases_refuses_the_model_but_writes_the_table():
    res = purchase_model(_planted_crm(seed=2, signal=False, base=0.002), horizon_months=12)
    bt = res.backtest.set_index("ranking")
    assert len(res.backtest) == 3
    assert bt.loc["model", "status"] == "refused"
    assert "The model was refused" in bt.loc["model", "reason"]
    assert "at least 10 per parameter" in bt.loc["model", "reason"]
    assert np.isnan(bt.loc["model", "auc"])
    assert bt.loc["sibling_rate", "status"] == "ok"
    assert res.ranking in {"sibling_rate", "peer_rate"} and not res.calibrated
    assert res.deciles.empty


def test_events_per_parameter_rule_is_the_shared_one():
    # 5 features + the constant = 6 parameters need 60 of the rarer outcome, counted per
    # candidate (the rule of workbook.core.models, shared with the engagement win model).
    bought = lambda k, n: np.r_[np.ones(k), np.zeros(n - k)]  # noqa: E731
    assert events_per_parameter_ok(bought(60, 5000), n_parameters=6).ok
    assert not events_per_parameter_ok(bought(59, 5000), n_parameters=6).ok
    assert not events_per_parameter_ok(bought(4941, 5000), n_parameters=6).ok


def test_call_order_is_score_value_then_account_then_product_ids():
    from types import SimpleNamespace

    from workbook.analyses.whitespace.backtest import call_order
    from workbook.analyses.whitespace.book import text_ranks

    # Account codes 0..2 are ids "b", "a", missing (text order a, b, missing); products "y", "x".
    def fake_book(account_ids, product_ids):
        ranks = {"accounts": text_ranks(account_ids), "products": text_ranks(product_ids)}
        return SimpleNamespace(account_ids=account_ids, product_ids=product_ids, id_ranks=ranks.get)

    book = fake_book(pd.Series(["b", "a", None], dtype="string"), pd.Series(["y", "x"], dtype="string"))
    a = np.array([0, 1, 2, 0, 1, 0, 1])
    p = np.array([0, 0, 0, 1, 1, 0, 1])
    sv = np.array([2.0, 2.0, 2.0, np.nan, 5.0, -0.0, 0.0])
    # 5 first; then the 2.0s by account text (a, b, missing); 0.0 and -0.0 tie: (a, x) before
    # (b, y); NaN last.
    np.testing.assert_array_equal(call_order(book, a, p, sv), [4, 1, 0, 2, 6, 5, 3])
    # The same order as sort_values(["score_value", "account_id", "product_id"]) on many ties.
    rng = np.random.default_rng(9)
    n_acc, n_prod, n = 300, 7, 20_000
    book = fake_book(
        pd.Series([f"A{i:04d}" for i in rng.permutation(n_acc)], dtype="string"),
        pd.Series([f"P{i}" for i in rng.permutation(n_prod)], dtype="string"),
    )
    a, p = rng.integers(0, n_acc, n), rng.integers(0, n_prod, n)
    sv = rng.integers(0, 9, n) / 4.0
    sv[rng.random(n) < 0.05] = np.nan
    frame = pd.DataFrame(
        {"score_value": sv, "account_id": book.account_ids[a].to_numpy(),
         "product_id": book.product_ids[p].to_numpy()}
    )
    expected = frame.sort_values(
        ["score_value", "account_id", "product_id"], ascending=[False, True, True],
        kind="stable", na_position="last",
    ).index.to_numpy()
    got = call_order(book, a, p, sv)
    # Rows equal in all three keys may come in either order; compare the sorted keys.
    pd.testing.assert_frame_equal(
        frame.iloc[got].reset_index(drop=True), frame.iloc[expected].reset_index(drop=True)
    )


def test_per_rep_keeps_the_first_rows_of_each_owner_missing_owner_included():
    from workbook.analyses.whitespace.backtest import per_rep

    # Owner codes in call order; code 3 stands for a missing owner (factorize without a
    # sentinel gives it a code of its own). Keep 2: each code's first two rows.
    owners = np.array([2, 0, 2, 3, 2, 0, 3, 1, 0, 3])
    assert per_rep(owners, 2).tolist() == [
        True, True, True, True, False, True, True, True, False, False,
    ]  # fmt: skip
    assert per_rep(owners, 1).sum() == 4  # one row per owner
    assert per_rep(owners, 10).all()


def test_call_list_per_rep_keeps_each_reps_best_and_counts_every_candidate(sample_crm):
    from workbook.analyses.whitespace.pipeline import run

    every = run(sample_crm, call_list_per_rep=0)
    cut = run(sample_crm, call_list_per_rep=5)
    full = every.call_list
    assert every.figures["candidates"] == every.figures["call_list"] == len(full) > 1000
    # The cut list is each owner's first five rows of the full list, in the same order, with
    # the overall rank kept; a candidate without an owner is grouped, not dropped.
    expected = full.groupby("owner_id", dropna=False, sort=False).head(5)
    pd.testing.assert_frame_equal(cut.call_list.reset_index(drop=True), expected.reset_index(drop=True))
    assert cut.call_list.groupby("owner_id", dropna=False).size().max() == 5
    f = cut.figures
    assert (f["candidates"], f["call_list"], f["call_list_per_rep"]) == (len(full), len(expected), 5)
    # The total counts every candidate, not only the listed ones.
    assert f["call_list_total"] == every.figures["call_list_total"]
    assert f["call_list_total"] == pytest.approx(full["score_value"].sum(), rel=1e-12)
    text = " ".join(cut.sentences + cut.notes)
    assert f"keeps each rep's best 5 candidates: {len(expected):,} of {len(full):,}" in text
    assert "keeps each rep's best" not in " ".join(every.sentences + every.notes)

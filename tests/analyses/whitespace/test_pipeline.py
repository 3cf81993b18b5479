"""``whitespace.run``: one call gives the report's numbers (``whitespace.pipeline``)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from workbook.analyses import whitespace as ws
from workbook.core.params import ParamError

#: The CSV stems the notebook exported before the refactor (baseline summary.json "exports").
STEMS = {
    "co_purchase_lift",
    "family_matrix",
    "family_whitespace",
    "gaps",
    "peer_whitespace",
    "product_whitespace",
    "purchase_exclusions",
    "top_gaps_by_owner",
    "purchase_backtest",
    "purchase_deciles",
    "call_list",
}


def test_run_on_the_bundled_sample_gives_the_frozen_figures(sample_res):
    # Re-derived on the 36-month sample (as_of 2026-06-30, default parameters) by running
    # run() once after the sample change and the empirical-Bayes change. The gap set, its
    # count and whitespace_value do not depend on the prior strength (they equal
    # sibling_gaps(...) at any a); priority_total and top_gap use kappa = 7.24 (checked
    # independently in test_kappa_is_the_beta_binomial_fit_of_the_family_cells).
    f = sample_res.figures
    assert (f["gaps"], f["families_with_gaps"], f["accounts_with_gaps"]) == (617, 26, 123)
    assert f["whitespace_value"] == pytest.approx(4501161.154999999, rel=1e-12)
    assert f["priority_total"] == pytest.approx(888452.7460509369, rel=1e-9)
    assert f["gaps_without_value"] == 0
    assert (f["peer_whitespace"], f["peer_accounts"], f["min_peer_adoption"]) == (656, 382, 0.3)
    assert (f["family"], f["family_name"], f["family_gaps"]) == (
        "A00001",
        "Dogs Extraordinaire",
        13,
    )
    top = f["top_gap"]
    assert (top["account_id"], top["product_id"]) == ("A00391", "P11")
    assert top["priority"] == pytest.approx(7438.697021770316, rel=1e-9)
    assert f["top_family"]["family_id"] == "A00448" and f["top_family"]["gaps"] == 101
    assert (f["top_lift"]["product_a"], f["top_lift"]["product_b"]) == ("P08", "P09")
    assert f["top_lift"]["lift"] == pytest.approx(2.960285586791611, rel=1e-12)
    assert f["top_lift"]["q_value"] < 0.05 and f["top_lift"]["mh_odds_ratio"] > 1
    # Empirical Bayes and the purchase model on the sample (docs/sample_data.md).
    assert f["kappa"] == pytest.approx(7.2435, rel=1e-3)
    assert f["significant_pairs"] == 6  # the three planted pairs and three more, of 55
    assert (f["fit_cut"], f["score_cut"]) == ("2024-06-30", "2025-06-30")
    assert f["backtest"]["model"]["auc"] > 0.7  # 0.752
    assert f["backtest"]["model"]["auc"] > f["backtest"]["peer_rate"]["auc"]  # 0.726
    assert f["backtest"]["model"]["auc"] > f["backtest"]["sibling_rate"]["auc"]  # 0.671
    # Calibration intercept -0.24 (CI -0.40 to -0.08) misses 0: the list is a score, not money.
    assert f["ranking"] == "model" and not f["calibrated"]
    assert f["value_label"] == "Whitespace score"
    # and the call list shows its score as a number, not as a percentage
    assert (f["score_label"], f["score_format"]) == ("Score", "{:.3f}")
    assert f["top_call"]["account_name"] == "We <3 Dogs"
    assert f["excluded_purchase_rows"] == {
        "missing_key": 0,
        "after_as_of": 4,
        "duplicate_row": 6,
        "unknown_account": 0,
        "unknown_product": 0,
        "repeat_purchase": 4078,
    }
    assert sample_res.sentences[3] == (
        "In Dogs Extraordinaire, the family shown below, pitch The Tangerine1000 to "
        "We <3 Dogs first: all 4 other members of Dogs Extraordinaire own it."
    )
    assert [c.display for c in sample_res.cards] == ["617", "26", "$4.5M", "1,613,148", "656"]
    assert sample_res.cards[3].label == "Whitespace score (not money)"


def test_kappa_is_the_beta_binomial_fit_of_the_family_cells(sample_crm, sample_res):
    # Rebuild the cells from the exported family_matrix (owners per family x product with an
    # owner; absent cells have 0) and fit again: families of >= 2 members x every product.
    from workbook.analyses.whitespace.shrinkage import fit_kappa

    m = sample_res.family_matrix
    fams = m.drop_duplicates("family_id").set_index("family_id")["family_members"]
    fams = fams[fams >= 2]
    products = sample_crm.products["product_id"].astype(str)
    grid = pd.MultiIndex.from_product([fams.index, products], names=["family_id", "product_id"])
    k = m.set_index(["family_id", "product_id"])["owners"].reindex(grid, fill_value=0)
    n = fams.reindex(grid.get_level_values(0)).to_numpy()
    owners = sample_res.product_whitespace.set_index("product_id")["book_adoption"]
    p0 = owners.reindex(grid.get_level_values(1)).to_numpy()
    fit = fit_kappa(k.to_numpy(), n, prior_mean=p0)
    assert fit.cells == 286  # 26 families x 11 products (P12 has no owner)
    assert fit.kappa == pytest.approx(sample_res.figures["kappa"], rel=1e-6)


def test_run_tables_agree_with_the_topic_functions(sample_crm, sample_res):
    crm, res = sample_crm, sample_res
    tables = dict(accounts=crm.accounts, purchases=crm.purchases, products=crm.products)
    gaps = ws.sibling_gaps(**tables, as_of=crm.as_of, prior_strength=None)  # the EB kappa
    # the export carries the owner's name beside owner_id (issue 20); the rest is the topic table
    pd.testing.assert_frame_equal(res.gaps.drop(columns="owner_name"), gaps)
    users = crm.get("users").set_index("owner_id")["name"]
    assert res.gaps.columns.get_loc("owner_name") == res.gaps.columns.get_loc("owner_id") + 1
    assert (res.gaps["owner_name"].dropna() == res.gaps["owner_id"].map(users).dropna()).all()
    assert res.gaps["owner_name"].notna().sum() == res.gaps["owner_id"].isin(users.index).sum()
    # family_gaps is shown (not exported) and carries the owner's name too
    pd.testing.assert_frame_equal(
        res.family_gaps.drop(columns="owner_name"), ws.family_gaps(gaps, "A00001")
    )
    assert res.family_gaps["owner_name"].notna().any()
    pd.testing.assert_frame_equal(
        res.family_grid, ws.family_grid("A00001", **tables, as_of=crm.as_of, gaps=gaps)
    )
    pd.testing.assert_frame_equal(
        res.co_purchase_lift, ws.co_purchase_lift(**tables, as_of=crm.as_of)
    )
    pd.testing.assert_frame_equal(
        res.purchase_exclusions,
        ws.purchase_exclusions(
            crm.purchases, as_of=crm.as_of, accounts=crm.accounts, products=crm.products
        ),
    )
    assert res.params == ws.Params() and res.as_of == crm.as_of


def test_run_accepts_params_and_overrides(sample_crm):
    res = ws.run(sample_crm, top_n=2, family="A00080")
    assert res.params.top_n == 2 and res.params.family == "A00080"
    assert res.top_gaps_by_owner["rank"].max() == 2
    # A00080 (Rapid Works Ltd) is a member of Pioneer Metals AG (root A00127).
    assert (res.family_id, res.family_name) == ("A00127", "Pioneer Metals AG")
    assert (res.family_gaps["family_id"] == "A00127").all()
    strict = ws.run(sample_crm, ws.Params(min_peer_adoption=0.6), horizon_months=6)
    assert strict.params == ws.Params(min_peer_adoption=0.6, horizon_months=6)
    assert (strict.peer_whitespace["peer_adoption"] >= 0.6).all()
    assert strict.figures["peer_whitespace"] < 656
    # h = 6: cut1 = 2025-12-31, cut2 = 2025-06-30 (month-ends 6 and 12 months back)
    assert (strict.figures["fit_cut"], strict.figures["score_cut"]) == ("2025-06-30", "2025-12-31")


def test_run_rejects_bad_values_and_types(sample_crm):
    with pytest.raises(ParamError, match="top_n"):
        ws.run(sample_crm, top_n=0)
    with pytest.raises(ParamError, match="min_peer_adoption"):
        ws.run(sample_crm, min_peer_adoption=1.5)
    with pytest.raises(ParamError, match="did you mean top_n"):
        ws.run(sample_crm, top_m=5)
    with pytest.raises(TypeError, match="crm must be a workbook CrmData"):
        ws.run(sample_crm.accounts)
    with pytest.raises(TypeError, match="params must be"):
        ws.run(sample_crm, {"top_n": 5})
    with pytest.raises(ValueError, match="neither an account_id nor an account name"):
        ws.run(sample_crm, family="No such family")


def test_exports_are_the_stems_the_notebook_wrote(sample_res):
    assert set(sample_res.exports()) == STEMS
    assert all(isinstance(v, pd.DataFrame) for v in sample_res.exports().values())
    assert sample_res.summary() == sample_res.figures


# ----------------------------------------------------------------------------- end to end
@pytest.mark.e2e
def _contract(columns, contract):
    """The export's columns without the ``*_name`` columns added beside ids (issue 20)."""
    return [c for c in columns if c in contract or not c.endswith("_name")]


def test_sample_run_exports_match_the_analysis(sample_run):
    import workbook
    from workbook.core import families

    folder = sample_run / "whitespace"
    crm = workbook.load(tables=["accounts", "opportunities", "products", "purchases", "users"])
    tables = dict(accounts=crm.accounts, purchases=crm.purchases, products=crm.products)
    tree = families.ultimate_parents(crm.accounts)
    gaps = ws.sibling_gaps(**tables, as_of=crm.as_of, tree=tree, prior_strength=None)

    read = {"dtype": {"family_id": str, "account_id": str, "product_id": str, "owner_id": str}}
    exported = pd.read_csv(folder / "gaps.csv", keep_default_na=False, na_values=[""], **read)
    assert _contract(exported.columns, ws.GAP_COLUMNS)[:8] == ws.GAP_COLUMNS
    assert len(exported) == len(gaps) > 0
    assert not exported.duplicated(["account_id", "product_id"]).any()
    merged = exported.merge(gaps, on=["account_id", "product_id"], suffixes=("", "_direct"))
    assert len(merged) == len(gaps)
    for col in ["siblings_owning", "family_members", "expected_value", "priority"]:
        np.testing.assert_allclose(merged[col], merged[f"{col}_direct"], rtol=1e-9)

    matrix = pd.read_csv(folder / "family_matrix.csv", dtype={"family_id": str, "product_id": str})
    assert _contract(matrix.columns, ws.FAMILY_MATRIX_COLUMNS) == ws.FAMILY_MATRIX_COLUMNS
    assert int(matrix["gaps"].sum()) == len(gaps)  # every gap is a cell's missing member
    peers = pd.read_csv(folder / "peer_whitespace.csv", dtype={"account_id": str})
    assert _contract(peers.columns, ws.PEER_COLUMNS) == ws.PEER_COLUMNS
    assert not set(peers["account_id"]) & set(gaps["account_id"])  # a separate list
    assert (peers["peer_adoption"] >= 0.3).all()
    lift = pd.read_csv(folder / "co_purchase_lift.csv")
    assert _contract(lift.columns, ws.LIFT_COLUMNS) == ws.LIFT_COLUMNS
    direct_lift = ws.co_purchase_lift(**tables, as_of=crm.as_of)
    assert len(lift) == len(direct_lift)
    np.testing.assert_allclose(lift["lift"], direct_lift["lift"], rtol=1e-9)
    owners = pd.read_csv(folder / "top_gaps_by_owner.csv", dtype={"owner_id": str})
    assert list(owners.columns) == ws.OWNER_GAP_COLUMNS
    assert owners["rank"].max() <= 20

    # Stories of the sample: the default family is Dogs Extraordinaire (largest by revenue),
    # and its top gap is We <3 Dogs lacking The Tangerine1000, which all 4 siblings own.
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["gaps"] == len(gaps)
    assert summary["family_name"] == "Dogs Extraordinaire"
    top = summary["family_top_gap"]
    assert (top["account_name"], top["product_name"]) == ("We <3 Dogs", "The Tangerine1000")
    assert (top["siblings_owning"], top["family_members"]) == (4, 5)
    nobody = crm.products.loc[crm.products["name"] == "Durian Legacy Connector", "product_id"]
    assert not exported["product_id"].isin(nobody).any()  # P12: nobody owns it, no gaps
    excluded = summary["excluded_purchase_rows"]
    assert excluded["after_as_of"] > 0 and excluded["duplicate_row"] > 0
    assert set(summary["exports"]) == {f"{stem}.csv" for stem in STEMS}
    assert summary["kappa"] > 0 and "κ" in summary["kappa_sentence"]
    backtest = pd.read_csv(folder / "purchase_backtest.csv")
    assert list(backtest["ranking"]) == ["model", "sibling_rate", "peer_rate"]
    html = (sample_run / "whitespace.html").read_text(encoding="utf-8")
    assert "We &lt;3 Dogs" in html and "We <3 Dogs" not in html


def test_a_calibrated_model_shows_its_score_as_a_probability(sample_crm):
    from workbook.analyses.whitespace.backtest import purchase_model
    from workbook.analyses.whitespace.figures import _model_figures

    model = purchase_model(sample_crm)
    assert not model.calibrated  # the sample's: a score
    assert _model_figures(model)["score_label"] == "Score"
    calibrated = _model_figures(model._replace(calibrated=True))
    assert (calibrated["score_label"], calibrated["score_format"]) == ("P(purchase)", "{:.0%}")
    assert calibrated["value_label"] == "Expected whitespace"

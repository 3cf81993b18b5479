"""Tests for workbook.analyses.hierarchy.pipeline: one call gives the report's numbers."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

import workbook
from workbook.analyses import hierarchy as h
from workbook.core.families import ultimate_parents
from workbook.core.params import ParamError

#: The CSV stems 03_hierarchy.ipynb exported before the refactor (its rep.export calls;
#: the "exports" list of /work/freeze/baseline/bundled/hierarchy/summary.json), plus
#: issue 15's rank_uncertainty.
EXPORTED_STEMS = {
    "top_customers",
    "naive_top",
    "concentration",
    "rank_uncertainty",
    "stability",
    "discount_spread",
    "split_ownership",
    "hierarchy_issues",
}


@pytest.fixture(scope="module")
def crm():
    return workbook.load()


@pytest.fixture(scope="module")
def res(crm):
    return h.run(crm)


def test_run_on_the_bundled_sample_gives_the_frozen_figures(res):
    # Re-derived on the 36-month sample (as_of 2026-06-30) by running h.run(workbook.load())
    # and checking each figure against the planted story (docs/sample_data.md): the Dogs
    # family (5 accounts, $2.015M) still outranks GalacticSpace ($1.0M); the hierarchy
    # faults (4 cycle, 1 missing parent) and the Mia Chen new-rep story are unchanged.
    f = res.figures
    assert (f["period_start"], f["period_end"]) == ("2025-07-01", "2026-06-30")
    assert f["top_n"] == 10
    assert f["total_revenue"] == pytest.approx(16_293_500.0)
    assert f["families_ranked"] == 296
    assert f["accounts_ranked"] == 356
    assert f["accounts_in_families"] == 126
    assert f["max_depth"] == 3
    assert (f["top_family_id"], f["top_family_name"]) == ("A00001", "Dogs Extraordinaire")
    assert f["top_family_revenue"] == pytest.approx(2_015_000.0)
    assert (f["top_family_members"], f["top_family_buying_accounts"]) == (5, 5)
    assert (f["top_account_id"], f["top_account_name"]) == ("A00006", "GalacticSpace")
    assert f["top_account_revenue"] == pytest.approx(1_000_000.0)
    assert f["top_family_is_not_top_account"] is True
    assert f["top_n_share"] == pytest.approx(0.2996041366188972, rel=1e-12)
    assert f["families_climbing_into_top_n"] == 5
    assert (f["hierarchy_issues"], f["cycle_accounts"], f["missing_parent_accounts"]) == (5, 4, 1)
    assert (f["new_families"], f["dropped_families"]) == (106, 118)
    # Issue 15's rule on the sample (24-month lookback, 2 lines, 3 members, 1-point floor):
    # 76 pairs, 13 tested groups and no outlier. The old rule flagged 13, among them the
    # planted ワンワン株式会社 (one line at 15% against 12%) and Northwind Labs (one line at
    # 35%): every planted discount rests on a single purchase line, so none is flagged.
    assert (f["discount_pairs"], f["discount_groups_tested"], f["discount_outliers"]) == (
        76,
        13,
        0,
    )
    assert f["revenue_at_stake"] == pytest.approx(112_291.38251292065, rel=1e-9)
    assert f["outlier_revenue_at_stake"] == 0.0
    assert "top_outlier_account" not in f
    assert (f["key_gap_family"], f["key_gap_product"]) == (
        "Dogs Extraordinaire",
        "The Tangerine1000",
    )
    # ワンワン's one line of 9,138.50 at 15% priced at 12%: 9,138.50 * 3 / 85 = 322.54.
    assert f["key_gap_revenue_at_stake"] == pytest.approx(9_138.50 * 3 / 85, rel=1e-9)
    assert (f["key_gap_min_discount"], f["key_gap_max_discount"]) == (12.0, 15.0)
    assert (f["split_families"], f["split_families_new_rep"]) == (23, 1)
    assert f["key_family_new_rep_account"] == "We <3 Dogs"
    assert f["key_family_new_rep_owner"] == "Mia Chen"
    assert f["key_family_new_rep_tenure_days"] == 57
    # Concentration: HHI = sum of squared shares; 1 / HHI equal families.
    shares = res.concentration["share"]
    assert f["hhi"] == pytest.approx(float((shares**2).sum()))
    assert f["hhi"] == pytest.approx(0.023791894490703593, rel=1e-9)
    assert f["effective_families"] == pytest.approx(42.03112116148373, rel=1e-9)
    # Rank uncertainty (500 resamples, seed 0): the Dogs family ($2.0M over 7 deals) ranks
    # first in 85.4% of resamples, GalacticSpace ($1.0M, three deals of which one is
    # $420k) in the rest, so the two are tied for first and no largest customer is named.
    assert f["top_family_p_rank_1"] == pytest.approx(0.854)
    assert f["tied_for_first"] == ["Dogs Extraordinaire", "GalacticSpace"]
    assert f["families_one_deal"] == 180
    assert (f["families_moved"], f["single_deal_moves"]) == (413, 267)
    assert res.sentences[0] == (
        "Dogs Extraordinaire (5 accounts, $2.0M) leads the ranking, but it is statistically "
        "tied for first with GalacticSpace: it ranks first in 85% of 500 resamples of the "
        "period's won deals, short of the 90% needed to call it the largest customer."
    )
    # 5 in the executive summary, the hierarchy-fault sentence as a method note
    assert len(res.sentences) == 5 and len(res.notes) == 1
    assert "inf" not in json.dumps(res.figures).lower().replace("info", "")
    assert [(c.key, c.display) for c in res.cards] == [
        ("top_family_revenue", "Dogs Extraordinaire: $2.0M"),  # names who (issue 20)
        ("families_ranked", "296"),
        ("top_n_share", "30.0%"),
        ("effective_families", "42.0"),
        ("revenue_at_stake", "$112k"),  # 112,291 in the short money format
        ("outlier_revenue_at_stake", "$0"),
        ("split_families", "23"),
        ("hierarchy_issues", "5"),
    ]
    assert res.period == (pd.Timestamp("2025-07-01"), pd.Timestamp("2026-06-30"))
    assert res.summary() == res.figures


def test_exports_are_the_stems_the_notebook_exported(res):
    assert set(res.exports()) == EXPORTED_STEMS
    assert res.exports()["top_customers"] is res.top_customers
    assert len(res.top_customers) == 296
    assert len(res.naive_top) == 356
    assert "<table>" in res._repr_html_()


def test_run_matches_the_topic_functions(crm, res):
    tree = ultimate_parents(crm.accounts)
    start, end = h.default_period(crm.as_of)
    top = h.top_customers(crm.accounts, crm.opportunities, start=start, end=end, tree=tree)
    pd.testing.assert_frame_equal(res.top_customers, top)
    pd.testing.assert_frame_equal(res.tree, tree)


def test_run_accepts_overrides(crm, res):
    five = h.run(crm, top_n=5, period_start="2026-01-01")
    assert five.params == h.Params(top_n=5, period_start="2026-01-01")
    assert five.figures["top_n"] == 5
    assert five.figures["period_start"] == "2026-01-01"
    assert five.period.start == pd.Timestamp("2026-01-01")
    assert five.rank_shift["corrected_rank"].le(5).sum() == 5
    # Overrides apply on top of a given Params.
    both = h.run(crm, h.Params(top_n=3), mad_threshold=6.0)
    assert (both.params.top_n, both.params.mad_threshold) == (3, 6.0)
    assert both.figures["discount_outliers"] <= res.figures["discount_outliers"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"top_n": 0},
        {"top_n": "ten"},
        {"new_rep_days": -1},
        {"mad_threshold": 0},
        {"period_end": "30/06/2026"},
        {"period_start": "2026-07-01", "period_end": "2026-06-30"},
        {"top_m": 5},
    ],
)
def test_a_bad_override_raises_param_error(crm, overrides):
    with pytest.raises(ParamError):
        h.run(crm, **overrides)


def test_wrong_argument_types_raise_type_error(crm):
    with pytest.raises(TypeError, match="crm"):
        h.run(crm.accounts)
    with pytest.raises(TypeError, match="params"):
        h.run(crm, {"top_n": 5})
    # A previous function's result where a DataFrame belongs.
    with pytest.raises(TypeError, match="top"):
        h.concentration(h.default_period(crm.as_of))


# --------------------------------------------------------------------------- end to end
CONTRACT = {
    "top_customers.csv": [
        "rank",
        "account_id",
        "name",
        "revenue",
        "member_accounts",
        "best_member_naive_rank",
    ],
    "naive_top.csv": ["rank", "account_id", "name", "revenue", "root_account_id"],
    "hierarchy_issues.csv": ["account_id", "issue", "detail"],
    "discount_spread.csv": [
        "root_id",
        "product_id",
        "members",
        "min_discount",
        "max_discount",
        "spread",
        "outlier_members",
        "revenue_at_stake",
    ],
    "split_ownership.csv": ["root_id", "account_id", "owner_id", "tenure_days", "new_rep"],
    "concentration.csv": ["rank", "account_id", "share", "cumulative_share"],
    "stability.csv": [
        "account_id",
        "rank",
        "previous_rank",
        "rank_change",
        "status",
        "single_deal_move",
    ],
    "rank_uncertainty.csv": ["rank", "account_id", "name", "rank_low", "rank_high", "p_top_n"],
}


def _read(path):
    return pd.read_csv(path, dtype={c: "str" for c in ["account_id", "root_id", "root_account_id"]})


@pytest.mark.e2e
def test_sample_run_exports_match_the_analysis(sample_run):
    folder = sample_run / "hierarchy"
    for name, columns in CONTRACT.items():
        frame = _read(folder / name)
        assert set(columns) <= set(frame.columns), (name, frame.columns.tolist())
    # The issue fixes the order of these exports: the contract columns come first.
    for name in ["top_customers.csv", "naive_top.csv", "hierarchy_issues.csv"]:
        header = _read(folder / name).columns.tolist()
        assert header[: len(CONTRACT[name])] == CONTRACT[name], (name, header)

    crm = workbook.load(
        None, tables=["accounts", "opportunities", "purchases", "products", "users"]
    )
    tree = ultimate_parents(crm.accounts)
    start, end = h.default_period(crm.as_of)
    top = h.top_customers(crm.accounts, crm.opportunities, start=start, end=end, tree=tree)
    naive = h.naive_top(crm.accounts, crm.opportunities, start=start, end=end, tree=tree)

    exported = _read(folder / "top_customers.csv")
    assert exported["account_id"].tolist() == top["account_id"].tolist()
    assert exported["revenue"].to_numpy() == pytest.approx(top["revenue"].to_numpy())
    assert exported["best_member_naive_rank"].tolist() == top["best_member_naive_rank"].tolist()
    exported_naive = _read(folder / "naive_top.csv")
    assert exported_naive["account_id"].tolist() == naive["account_id"].tolist()
    # Names with HTML, quotes, newlines and CJK/Thai survive the CSV round trip.
    assert set(naive["name"]) == set(exported_naive["name"])
    issues = _read(folder / "hierarchy_issues.csv")
    assert len(issues) == len(h.hierarchy_faults(crm.accounts, tree))

    # The planted story: the Dogs family outranks GalacticSpace once rolled up.
    first = exported.iloc[0]
    assert first["name"] == "Dogs Extraordinaire"
    assert first["revenue"] > 1_900_000
    assert exported_naive.iloc[0]["name"] == "GalacticSpace"
    assert set(issues["issue"]) == {"cycle", "missing_parent"}
    split = _read(folder / "split_ownership.csv")
    dogs = split[split["root_id"] == first["account_id"]]
    assert dogs["new_rep"].astype(str).eq("True").any()

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["sentences"][0].startswith("Dogs Extraordinaire (")
    # Issue 15: with P(rank 1) = 0.85 the Dogs family is tied for first with GalacticSpace.
    assert "statistically tied for first with GalacticSpace" in summary["sentences"][0]
    ranks = _read(folder / "rank_uncertainty.csv")
    assert {"rank_low", "rank_high", "p_rank_1", "p_top_n"} <= set(ranks.columns)
    assert summary["top_family_revenue"] == pytest.approx(float(top["revenue"].iloc[0]))


def test_run_without_purchases_or_products_skips_only_the_discount_section():
    # Issue 17: a report that needs a table for part of its content shows the rest.
    full = workbook.load()
    crm = dataclasses.replace(
        full, tables={k: v for k, v in full.tables.items() if k not in ("purchases", "products")}
    )
    res = h.run(crm, n_boot=20)
    assert res.discount_spread.empty and res.discount_members.empty
    assert res.top_customers.equals(h.run(full, n_boot=20).top_customers)
    assert res.notes[-1].startswith("The export has no purchases and no products table")

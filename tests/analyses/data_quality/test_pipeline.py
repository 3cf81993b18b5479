"""data_quality.run on the bundled sample: its figures, and its checks."""

from __future__ import annotations

import dataclasses

import pytest

import workbook
from workbook.analyses import data_quality
from workbook.core.params import ParamError

#: The CSV stems the notebook exported before the refactor (the baseline's "exports").
NOTEBOOK_STEMS = {
    "row_counts",
    "date_ranges",
    "warnings",
    "integrity",
    "hierarchy_depths",
    "hierarchy_faults",
}


@pytest.fixture(scope="module")
def crm():
    return workbook.load()


@pytest.fixture(scope="module")
def res(crm):
    return data_quality.run(crm)


def test_run_gives_the_baseline_figures(res):
    # The 36-month bundled sample (as_of 2026-06-30). Row counts are the sample's
    # documented sizes (docs/sample_data.md, seed 0): 600 + 7,503 + 2,865 + 58,449
    # + 12 + 5,381 + 1,854 + 14 = 76,678 rows; 147 = the sum of crm.quality's counts;
    # the hierarchy (planted accounts) did not change from the 24-month sample.
    assert res.as_of.date().isoformat() == "2026-06-30"
    assert {c.key: c.value for c in res.cards} == {
        "tables": 8,
        "rows": 76678,
        "warnings": 147,
        "hierarchy_faults": 5,
    }
    assert res.figures == {
        "fingerprint": "d40ad5c93bbe",  # the sample gained deal names (opportunities.name)
        "source": "bundled sample (scale=small, seed=0)",
        "row_counts": {
            "accounts": 600,
            "leads": 7503,
            "opportunities": 2865,
            "activities": 58449,
            "products": 12,
            "purchases": 5381,
            "contacts": 1854,
            "users": 14,
        },
        "unknown_reference_rows": 121,
        "hierarchy_depths": {"0 (top level)": 498, "1": 65, "2": 23, "3": 9, "cycle": 5},
    }
    assert res.sentences == [
        "8 tables loaded with 76,678 rows in total; the largest is activities with 58,449 rows.",
        "Validation found 14 kinds of warning affecting 147 rows.",
        "5 of 13 checked references point to unknown ids; the most affected is "
        "activities.owner_id with 104 rows.",
        "The account hierarchy has 5 faults: 4 accounts on a parent cycle and 1 with a "
        "parent missing from the accounts.",
    ]
    assert res.summary() == res.figures


def test_exports_are_the_stems_the_notebook_exported(res, crm):
    assert set(res.exports()) == NOTEBOOK_STEMS
    assert res.warnings.equals(crm.quality.to_frame())
    assert len(res.integrity) == 13 and len(res.hierarchy_faults) == 5
    # each faulty account named beside its id (docs/sample_data.md: the Ouroboros cycle)
    faults = res.hierarchy_faults
    assert list(faults.columns[:2]) == ["account_id", "account_name"]
    named = dict(zip(faults["account_id"], faults["account_name"], strict=True))
    assert named["A00013"] == "Ouroboros Holdings" and named["A00014"] == "Ouroboros Europe"


def test_run_accepts_params_and_overrides(crm):
    assert isinstance(data_quality.run(crm, data_quality.Params()), data_quality.Results)
    assert data_quality.run(crm, **{}).params == data_quality.Params()


def test_bad_override_raises_param_error(crm):
    with pytest.raises(ParamError, match="n_boot"):
        data_quality.run(crm, n_boot=5)


def test_wrong_types_raise_type_error(crm):
    with pytest.raises(TypeError, match="crm must be a workbook CrmData"):
        data_quality.run(crm.tables)
    with pytest.raises(TypeError, match="params must be"):
        data_quality.run(crm, {"n": 1})


def test_unvalidated_crm_is_refused():
    crm = workbook.load(validate=False)
    with pytest.raises(ValueError, match="validate=True"):
        data_quality.run(crm)


def test_run_on_an_export_without_accounts_has_no_hierarchy_faults(crm):
    # A leads-only export (issue 17): data_quality runs on whatever tables exist.
    without = dataclasses.replace(
        crm, tables={k: v for k, v in crm.tables.items() if k != "accounts"}
    )
    res = data_quality.run(without)
    assert res.hierarchy_faults.empty and res.hierarchy_depths["accounts"].sum() == 0
    assert "accounts" not in set(res.row_counts["table"])

"""data_quality.run on the bundled sample: the figures of the freeze baseline, and its checks."""

from __future__ import annotations

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
    # Read by hand once from /work/freeze/baseline/bundled/data_quality/summary.json
    # (the code before the refactor, bundled sample, as_of 2026-06-30).
    assert res.as_of.date().isoformat() == "2026-06-30"
    assert {c.key: c.value for c in res.cards} == {
        "tables": 8,
        "rows": 61897,
        "warnings": 167,
        "hierarchy_faults": 5,
    }
    assert res.figures == {
        "fingerprint": "1e855be43701",
        "source": "bundled sample (scale=small, seed=0)",
        "row_counts": {
            "accounts": 600,
            "leads": 5003,
            "opportunities": 1870,
            "activities": 48978,
            "products": 12,
            "purchases": 3619,
            "contacts": 1801,
            "users": 14,
        },
        "unknown_reference_rows": 141,
        "hierarchy_depths": {"0 (top level)": 498, "1": 65, "2": 23, "3": 9, "cycle": 5},
    }
    assert res.sentences == [
        "8 table(s) loaded with 61,897 rows in total; the largest is activities with 48,978 rows.",
        "Validation found 14 kind(s) of warning affecting 167 row(s).",
        "5 of 13 checked reference(s) point to unknown ids; the most affected is "
        "activities.owner_id with 125 row(s).",
        "The account hierarchy has 5 fault(s): 4 account(s) on a parent cycle and 1 with a "
        "parent missing from the accounts.",
    ]
    assert res.summary() == res.figures


def test_exports_are_the_stems_the_notebook_exported(res, crm):
    assert set(res.exports()) == NOTEBOOK_STEMS
    assert res.warnings.equals(crm.quality.to_frame())
    assert len(res.integrity) == 13 and len(res.hierarchy_faults) == 5


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

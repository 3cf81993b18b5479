"""data/references.py: unknown references counted by the engine, on every backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.data import model
from workbook.data.references import (
    applicable_references,
    unknown_reference_counts,
    unknown_reference_rows,
)
from workbook.data.validate import positions


def _ids(values) -> pd.Series:
    return pd.Series(values, dtype="string")


def test_counts_by_hand(any_engine):
    tables = {
        "accounts": pd.DataFrame({"account_id": _ids(["A1", "A2", "a3"])}),
        # A1 and A2 known; "a1" (case), "A1 " (space) and "A9" unknown; blanks never count
        "opportunities": pd.DataFrame(
            {"opportunity_id": _ids(["O1", "O2", "O3", "O4", "O5", "O6"]),
             "account_id": _ids(["A1", "a1", "A1 ", None, "A9", "A2"])}
        ),
        "contacts": pd.DataFrame({"contact_id": _ids(["C1"]), "account_id": _ids(["a3"])}),
    }  # fmt: skip
    assert unknown_reference_counts(tables, engine=any_engine) == {
        ("opportunities", "account_id"): 3,
        ("contacts", "account_id"): 0,
    }


def test_only_references_between_loaded_tables_and_present_columns_are_checked():
    columns = {"leads": ["lead_id", "owner_id"], "users": ["owner_id"], "activities": ["lead_id"]}
    assert applicable_references(columns) == [
        ("leads", "owner_id", "users", "owner_id"),
        ("activities", "lead_id", "leads", "lead_id"),
    ]
    assert unknown_reference_counts({"leads": pd.DataFrame({"lead_id": _ids(["L1"])})}) == {}


ID = st.sampled_from(["A1", "a1", "A1 ", "A2", "", "B7", None])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(known=st.lists(ID, max_size=6), used=st.lists(ID, max_size=12))
def test_the_engine_counts_what_the_row_lookup_finds(any_engine, known, used):
    # The pandas lookup (validate's examples and hints) and the engine agree on every row.
    accounts = pd.DataFrame({"account_id": _ids(known)})
    contacts = pd.DataFrame({"contact_id": _ids(range(len(used))), "account_id": _ids(used)})
    got = unknown_reference_counts(
        {"accounts": accounts, "contacts": contacts}, engine=any_engine
    )
    values = contacts["account_id"]
    mask = values.notna().to_numpy(dtype=bool) & (positions(values, accounts["account_id"]) < 0)
    assert got == {("contacts", "account_id"): int(mask.sum())}


def test_every_reference_of_the_model_is_found_on_the_sample_as_the_row_lookup_finds_it(
    any_engine,
):
    import workbook

    crm = workbook.load(None, validate=False)
    got = unknown_reference_rows(crm.tables, engine=any_engine)
    assert set(got) == {(r[0], r[1]) for r in model.REFERENCES}
    for table, column, ref_table, ref_column in model.REFERENCES:
        values = crm.tables[table][column]
        known = crm.tables[ref_table][ref_column]
        mask = values.notna().to_numpy(dtype=bool) & (positions(values, known) < 0)
        assert got[(table, column)].tolist() == np.flatnonzero(mask).tolist(), (table, column)
    assert any(len(v) for v in got.values())  # the sample has some to find


@pytest.mark.parametrize("blank", ["", None])
def test_a_blank_reference_is_never_unknown_but_an_empty_string_id_may_be(blank, any_engine):
    accounts = pd.DataFrame({"account_id": _ids(["A1"])})
    contacts = pd.DataFrame({"contact_id": _ids(["C1"]), "account_id": _ids([blank])})
    n = unknown_reference_counts({"accounts": accounts, "contacts": contacts}, engine=any_engine)
    assert n == {("contacts", "account_id"): 0 if blank is None else 1}

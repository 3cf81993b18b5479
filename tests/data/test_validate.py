"""Validation: errors, and warnings counted on a hand-built set with one of each fault."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbook.data import model
from workbook.data.coercion import coerce_table
from workbook.data.validate import DataQuality, DataValidationError, Issue, validate

AS_OF = pd.Timestamp("2024-06-30")


def _tables(**raw) -> dict[str, pd.DataFrame]:
    return {name: coerce_table(pd.DataFrame(data), name) for name, data in raw.items()}


def faulty() -> dict[str, pd.DataFrame]:
    """One of each fault; comments name the warning each row triggers."""
    return _tables(
        accounts={
            "account_id": ["A1", "A2", "A3", "A4"],
            "name": ["Root", "Child", "Self parent", "Orphan"],
            "parent_id": [None, "A1", "A3", "AX"],  # A3 cycle of one; AX missing parent
            "owner_id": ["U1", "U9", "U1", "U1"],  # U9 unknown owner
        },
        users={"owner_id": ["U1"], "name": ["Alice"]},
        leads={
            "lead_id": ["L1", "L2", "L3"],
            "created_at": ["2024-01-10", "2024-02-01", "2024-07-01"],  # L3 after as_of
            "score": ["100", "120", ""],  # 100 is on the bound (fine); 120 out of range
            "converted_account_id": ["A9", None, None],  # unknown account
        },
        opportunities={
            "opportunity_id": ["O1", "O2"],
            "account_id": ["A1", "A1"],
            "created_at": ["2024-01-01", "2024-06-30T15:00:00Z"],  # same day as as_of: fine
            "close_date": ["2024-02-01", "2024-08-01"],
            "is_closed": ["true", "false"],
            "is_won": ["true", "true"],  # O2 won but not closed
            "amount": ["100", "-5"],  # O2 negative
        },
        activities={
            "activity_id": ["T1", "T2", "T3", "T4"],
            "occurred_at": ["2024-01-09", "2024-02-01", "2024-02-02", "2024-03-01"],
            "type": ["call", "email", "task", "meeting"],
            "lead_id": ["L1", "LX", None, None],  # T1 before L1 was created; LX unknown
            "account_id": [None, None, None, "A1"],  # T3 linked to nothing
            "owner_id": ["U1", "U1", "U1", "U1"],
        },
        products={"product_id": ["P1"], "name": ["Core"]},
        purchases={
            "account_id": ["A1", "A1"],
            "product_id": ["P1", "P2"],  # P2 unknown
            "purchased_at": ["2024-03-01", "2024-03-02"],
            "amount": ["10", "-1"],  # negative
        },
    )


def test_one_of_each_warning_exact_counts():
    q = validate(faulty(), as_of=AS_OF)
    assert q.count("unknown_reference") == 4
    assert q.count("parent_cycle") == 1
    assert q.count("missing_parent") == 1
    assert q.count("activity_before_lead") == 1
    assert q.count("after_as_of") == 1
    assert q.count("negative_amount") == 2
    assert q.count("score_out_of_range") == 1
    assert q.count("activity_unlinked") == 1
    assert q.count("won_not_closed") == 1
    assert q.total == 13
    frame = q.to_frame().set_index(["check", "table", "column"]).sort_index()
    refs = frame.loc["unknown_reference", "examples"].to_dict()
    assert refs == {
        ("accounts", "owner_id"): "U9",
        ("leads", "converted_account_id"): "A9",
        ("activities", "lead_id"): "LX",
        ("purchases", "product_id"): "P2",
    }
    assert frame.loc[("parent_cycle", "accounts", "parent_id"), "examples"] == "A3"
    assert frame.loc[("missing_parent", "accounts", "parent_id"), "examples"] == "A4"
    assert frame.loc[("activity_before_lead", "activities", "occurred_at"), "examples"] == "T1"
    assert frame.loc[("after_as_of", "leads", "created_at"), "examples"] == "L3"
    assert frame.loc[("negative_amount", "purchases", "amount"), "examples"] == "A1/P2"
    assert frame.loc[("negative_amount", "opportunities", "amount"), "examples"] == "O2"
    assert frame.loc[("score_out_of_range", "leads", "score"), "examples"] == "L2"
    assert frame.loc[("activity_unlinked", "activities", "lead_id"), "examples"] == "T3"
    assert frame.loc[("won_not_closed", "opportunities", "is_won"), "examples"] == "O2"


def test_clean_tables_have_no_warnings():
    tables = faulty()
    clean = {
        "accounts": tables["accounts"].iloc[:1],
        "opportunities": tables["opportunities"].iloc[:1],
    }
    q = validate(clean, as_of=AS_OF)
    assert not q and len(q) == 0
    assert q.row_counts == {"accounts": 1, "opportunities": 1}
    assert "No warnings." in q.summary_text()


def test_owner_checks_only_with_users_and_missing_tables_skipped():
    tables = faulty()
    del tables["users"]
    del tables["products"]
    q = validate(tables, as_of=AS_OF)
    # accounts.owner_id (U9) and purchases.product_id (P2) are no longer checkable
    assert q.count("unknown_reference") == 2
    assert set(q.to_frame().query("check == 'unknown_reference'")["table"]) == {
        "leads",
        "activities",
    }


def test_score_range_override_and_no_as_of():
    q = validate(faulty(), as_of=None, score_range=(0, 10))
    assert q.count("score_out_of_range") == 2  # 100 and 120
    assert q.count("after_as_of") == 0


def test_fixups_recorded_with_severity():
    fix = Issue("activity_type_other", "activities", "type", 3, ("T9",), "mapped", "fixup")
    q = validate(faulty(), as_of=AS_OF, fixups=[fix])
    assert q.count("activity_type_other") == 3
    d = q.to_dict()
    assert d["fixups"] == 3 and d["warnings"] == 13 and d["total"] == 16


def test_to_dict_is_json_and_summary_text():
    q = validate(faulty(), as_of=AS_OF)
    d = json.loads(json.dumps(q.to_dict()))
    assert d["checks"]["unknown_reference"] == 4
    assert d["row_counts"]["activities"] == 4
    assert d["as_of"] == "2024-06-30"
    text = q.summary_text()
    assert "activities" in text and "parent_cycle" in text
    assert "2024-01-09 .. 2024-03-01" in text  # activities date range
    assert list(q.to_frame().columns) == [
        "check",
        "table",
        "column",
        "count",
        "examples",
        "message",
        "severity",
    ]
    assert bool(q) and len(q) == len(q.to_frame())


def test_date_ranges():
    q = validate(faulty(), as_of=AS_OF)
    assert q.date_ranges["leads"]["created_at"] == (
        pd.Timestamp("2024-01-10"),
        pd.Timestamp("2024-07-01"),
    )
    assert q.date_ranges["leads"]["converted_at"] == (None, None)


def test_duplicate_primary_id_is_an_error():
    tables = faulty()
    tables["leads"] = pd.concat([tables["leads"], tables["leads"].iloc[[1, 1]]])
    with pytest.raises(DataValidationError) as info:
        validate(tables, as_of=AS_OF, files={"leads": "leads.csv"})
    (p,) = info.value.problems
    assert (p.check, p.table, p.column, p.count, p.examples) == (
        "duplicate_id",
        "leads",
        "lead_id",
        1,
        ("L2",),
    )
    assert "leads.csv" in str(info.value) and "3 rows" in str(info.value)


def test_missing_required_column_is_an_error():
    tables = {"products": pd.DataFrame({"product_id": ["P1"], "label": ["x"]})}
    with pytest.raises(DataValidationError) as info:
        validate(tables, as_of=AS_OF)
    (p,) = info.value.problems
    assert p.check == "missing_column" and p.column == "name"
    assert "'label'" in p.message


def test_empty_quality_record():
    q = DataQuality()
    assert not q and q.count("anything") == 0 and q.to_frame().empty
    assert q.to_dict()["total"] == 0


def test_validate_vectorised_on_many_rows():
    # 200k activities, half linked to nothing: counts stay exact.
    n = 200_000
    acts = pd.DataFrame(
        {
            "activity_id": pd.array([f"T{i}" for i in range(n)], dtype="string"),
            "occurred_at": pd.Timestamp("2024-01-01"),
            "type": pd.array(["call"] * n, dtype="string"),
            "lead_id": pd.array(["L1", None] * (n // 2), dtype="string"),
        }
    )
    acts = coerce_table(acts, model.ACTIVITIES)
    leads = coerce_table(pd.DataFrame({"lead_id": ["L1"], "created_at": ["2023-12-31"]}), "leads")
    q = validate({"activities": acts, "leads": leads}, as_of=AS_OF)
    assert q.count("activity_unlinked") == n // 2
    assert q.count("activity_before_lead") == 0


def _record() -> DataQuality:
    return DataQuality(
        issues=[
            Issue("unknown_reference", "leads", "owner_id", 3, ("L1", "L2"), "3 row(s) refer <x>"),
            Issue("negative_amount", "opportunities", "amount", 1, ("O9",), "negative amounts"),
            Issue("activity_type_other", "activities", "type", 2, ("T1",), "mapped", "fixup"),
        ],
        as_of=pd.Timestamp("2024-03-31"),
    )


def test_quality_repr_is_one_line_per_issue():
    lines = repr(_record()).splitlines()
    # 2 warning kinds over 3 + 1 rows; 1 fix-up kind over 2 rows.
    assert lines[0] == (
        "DataQuality as of 2024-03-31: 2 kinds of warning (4 rows), 1 kind of fix-up (2 rows)"
    )
    assert lines[1] == "  [warning] unknown_reference leads.owner_id (3): 3 row(s) refer <x>"
    assert lines[3].startswith("  [fixup] activity_type_other activities.type (2)")
    assert len(lines) == 4
    assert repr(DataQuality()).splitlines() == [
        "DataQuality: 0 kinds of warning (0 rows), 0 kinds of fix-up (0 rows)"
    ]


def test_quality_repr_html_is_the_warnings_table_escaped():
    html = _record()._repr_html_()
    assert html.count("<tr>") == 4  # header + 3 issues
    for column in ("check", "table", "column", "count", "examples", "message", "severity"):
        assert f"<th>{column}</th>" in html
    assert "<td>unknown_reference</td>" in html and "<td>L1, L2</td>" in html
    assert "refer &lt;x&gt;" in html and "<x>" not in html
    assert "No warnings." in DataQuality()._repr_html_()


def test_data_validation_error_pickles_with_its_problems():
    # the runner loads in a child process; the error must come back whole
    import pickle

    from workbook.data.validate import DataValidationError, problem

    found = problem(
        "missing_column", table="leads", column="created_at", count=2,
        examples=("L1", "L2"), detail="blank cells",
    )  # fmt: skip
    back = pickle.loads(pickle.dumps(DataValidationError([found])))
    assert back.problems == [found]
    assert str(back).splitlines()[0] == "1 data error stops the load:"
    assert "L1" in str(back)


def test_cached_positions_by_hand_and_kept_while_the_columns_live(monkeypatch):
    from workbook.data import validate as v

    keys = pd.Series(["a", "b", None, "b"], dtype="string[pyarrow]")
    values = pd.Series(["b", None, "z", "a"], dtype="string[pyarrow]")
    # first match; a blank value matches nothing (not the blank key); absent -1
    assert v.cached_positions(values, keys).tolist() == [1, -1, -1, 0]
    calls = []
    real = v.positions
    monkeypatch.setattr(v, "positions", lambda a, b: calls.append(1) or real(a, b))
    assert v.cached_positions(values, keys).tolist() == [1, -1, -1, 0]
    assert calls == []  # the same two columns: the kept answer
    again = pd.Series(["b", None, "z", "a"], dtype="string[pyarrow]")
    assert v.cached_positions(again, keys).tolist() == [1, -1, -1, 0]
    assert calls == [1]  # another column (other Arrow arrays): looked up again


@pytest.mark.parametrize(
    ("ids", "repeats"),
    [
        (["L1", "L2", "L3"], False),  # strictly increasing: the one-pass answer
        (["L3", "L1", "L2"], False),  # unsorted, unique: the sort answers
        (["L1", "L1", "L2"], True),  # sorted with a repeat: not strictly increasing
        (["L2", "L1", "L2"], True),  # unsorted with a repeat
        (["L1"], False),
    ],
)
def test_has_repeats_sorted_and_unsorted_ids(ids, repeats):
    from workbook.data.validate import _has_repeats, duplicate_id_problems

    s = pd.Series(ids, dtype="string")
    assert _has_repeats(s) is repeats
    leads = pd.DataFrame({"lead_id": s})
    problems = duplicate_id_problems(leads, model.LEADS)
    assert [p.check for p in problems] == (["duplicate_id"] if repeats else [])


def test_has_repeats_ignores_missing_ids_but_not_the_repeat_around_them():
    # a missing id makes the neighbour comparison null: the fast path must not answer
    from workbook.data.validate import _has_repeats

    assert _has_repeats(pd.Series(["L1", None, "L1"], dtype="string")) is True
    assert _has_repeats(pd.Series(["L1", None, "L2"], dtype="string")) is False

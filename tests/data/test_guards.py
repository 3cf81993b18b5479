"""Impossible amounts, date literals, future event dates, early dates (issue 18)."""

from __future__ import annotations

import pandas as pd
import pytest

import workbook
from workbook.cli import main
from workbook.data.guards import as_of_source
from workbook.data.validate import DataValidationError

OPPS = "opportunity_id,account_id,created_at,close_date,stage,is_closed,is_won,amount\n"


def _opps(tmp_path, rows: str):
    path = tmp_path / "opportunities.csv"
    path.write_text(OPPS + rows, encoding="utf-8")
    return path


def _load(path, **options):
    return workbook.load(path, tables=["opportunities"], as_of="2024-06-30", **options)


@pytest.mark.parametrize("value", ["inf", "-inf", "1e308", "2000000000000"])
def test_impossible_amounts_are_errors_naming_file_column_ids(tmp_path, value):
    path = _opps(tmp_path, f"O1,A1,2024-01-01,2024-02-01,Won,true,true,10\n"
                           f"O2,A1,2024-01-01,2024-02-01,Won,true,true,{value}\n")  # fmt: skip
    with pytest.raises(DataValidationError) as info:
        _load(path)
    (p,) = info.value.problems
    assert (p.check, p.column, p.count, p.examples) == ("bad_amount", "amount", 1, ("O2",))
    assert str(path) in p.message


def test_max_amount_option_and_negative_amounts_stay_warnings(tmp_path):
    path = _opps(tmp_path, "O1,A1,2024-01-01,2024-02-01,Lost,true,false,-5\n"
                           "O2,A1,2024-01-01,2024-02-01,Won,true,true,500\n")  # fmt: skip
    with pytest.raises(DataValidationError, match="beyond max_amount 100"):
        _load(path, max_amount=100)
    assert _load(path).quality.count("negative_amount") == 1


@pytest.mark.parametrize("literal", ["now", "Today", " yesterday "])
def test_now_today_yesterday_are_never_dates(tmp_path, literal):
    path = _opps(tmp_path, f"O1,A1,{literal},2024-02-01,Won,true,true,10\n")
    with pytest.raises(DataValidationError, match=r"created_at.*now/today/yesterday.*O1"):
        _load(path)


def test_future_event_dates_are_errors_but_open_deals_may_close_later(tmp_path):
    path = _opps(tmp_path, "O1,A1,2024-01-01,2200-01-01,Open,false,false,10\n"
                           "O2,A1,2024-01-01,2200-01-01,Won,true,true,10\n"
                           "O3,A1,2200-01-01,2024-02-01,Won,true,true,10\n")  # fmt: skip
    with pytest.raises(DataValidationError) as info:
        _load(path)
    found = {(p.check, p.column, p.examples) for p in info.value.problems}
    assert found == {("future_date", "close_date", ("O2",)), ("future_date", "created_at", ("O3",))}
    ok = _opps(tmp_path, "O1,A1,2024-01-01,2200-01-01,Open,false,false,10\n")
    assert len(_load(ok).opportunities) == 1


def test_tomorrow_by_the_clock_is_allowed(tmp_path):
    tomorrow = (pd.Timestamp.now().normalize() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    path = _opps(tmp_path, f"O1,A1,{tomorrow},{tomorrow},Won,true,true,10\n")
    assert len(workbook.load(path, tables=["opportunities"]).opportunities) == 1


def test_dates_before_min_date_are_counted_warnings(tmp_path):
    path = _opps(tmp_path, "O1,A1,1985-01-01,2024-02-01,Won,true,true,10\n"
                           "O2,A1,2020-01-01,2024-02-01,Won,true,true,10\n")  # fmt: skip
    assert _load(path).quality.count("before_min_date") == 1
    assert _load(path, min_date="2021-01-01").quality.count("before_min_date") == 2


def test_validate_prints_the_as_of_and_the_record_that_set_it(tmp_path, capsys):
    _opps(tmp_path, "O1,A1,2024-01-01,2024-03-05,Won,true,true,10\n"
                    "O2,A1,2024-01-01,2025-01-01,Open,false,false,10\n")  # fmt: skip
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [opportunities]}\n", encoding="utf-8")
    assert main(["validate", "--data", str(tmp_path), "-p", str(params)]) == 0
    out = capsys.readouterr().out
    assert "as_of: 2024-03-05" in out
    assert "latest event: 2024-03-05 (opportunities.close_date, O1)" in out
    crm = workbook.load(tmp_path, tables=["opportunities"])
    assert as_of_source(crm.tables)["id"] == "O1"


# ----------------------------------------------------- the up-front as_of applies the guards
LEADS = "lead_id,created_at,company\nL1,2024-01-01,a\nL2,2024-01-05,b\n"


def _export(tmp_path, activities: str):
    """leads (latest 2024-01-05) and activities as a directory, with its params file."""
    (tmp_path / "leads.csv").write_text(LEADS, encoding="utf-8")
    (tmp_path / "activities.csv").write_text(
        "activity_id,occurred_at,type,lead_id\n" + activities, encoding="utf-8"
    )
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [leads, activities]}\n", encoding="utf-8")
    return params


def test_resolve_as_of_refuses_a_future_date_that_would_hijack_it(tmp_path):
    from workbook.data.io import resolve_as_of

    _export(tmp_path, "X1,2024-01-02,call,L1\nX2,2200-01-01,call,L2\n")
    with pytest.raises(DataValidationError) as info:
        resolve_as_of(tmp_path, tables=["leads", "activities"])
    (p,) = info.value.problems
    assert (p.check, p.table, p.column, p.examples) == (
        "future_date", "activities", "occurred_at", ("X2",)
    )  # fmt: skip
    assert p.file == str(tmp_path / "activities.csv")
    # the same rule as the full load, one place: the load refuses the same record
    with pytest.raises(DataValidationError) as full:
        workbook.load(tmp_path, tables=["leads", "activities"], as_of="2024-01-31")
    assert [(q.check, q.examples) for q in full.value.problems] == [("future_date", ("X2",))]
    # no future date: the latest event day, as before
    _export(tmp_path, "X1,2024-01-02,call,L1\n")
    assert resolve_as_of(tmp_path, tables=["leads", "activities"]) == pd.Timestamp("2024-01-05")


@pytest.mark.parametrize("literal", ["now", "TODAY"])
def test_resolve_as_of_refuses_date_literals(tmp_path, literal):
    from workbook.data.io import resolve_as_of

    _export(tmp_path, f"X1,{literal},call,L1\n")
    with pytest.raises(DataValidationError, match=r"occurred_at.*now/today/yesterday.*X1"):
        resolve_as_of(tmp_path, tables=["leads", "activities"])


def test_dates_before_min_date_do_not_stop_the_pre_scan(tmp_path):
    from workbook.data.io import resolve_as_of

    _export(tmp_path, "X1,1985-01-01,call,L1\n")  # a warning of the full load, not an error
    assert resolve_as_of(tmp_path, tables=["leads", "activities"]) == pd.Timestamp("2024-01-05")
    crm = workbook.load(tmp_path, tables=["leads", "activities"])
    assert crm.as_of == pd.Timestamp("2024-01-05") and crm.quality.count("before_min_date") == 1


def test_run_with_an_activity_dated_2200_exits_2_before_anything_runs(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    params = _export(data, "X1,2024-01-02,call,L1\nX2,2200-01-01,call,L2\n")
    out = tmp_path / "out"
    assert main(["run", "cohort", "--data", str(data), "-p", str(params), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert str(data / "activities.csv") in err and "occurred_at" in err and "X2" in err
    assert "start as_of" not in captured.out + err  # the run never starts with as_of 2200
    assert not out.exists()  # nothing ran, nothing was published

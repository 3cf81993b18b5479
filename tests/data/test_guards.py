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

"""workbook.data.dates and the per-column date rules of coercion: one rule per column, never mixed."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.data import dates
from workbook.data.coercion import coerce_frame, date_rules, parse_dates
from workbook.data.io import load
from workbook.data.validate import DataValidationError

T = pd.Timestamp


def _leads(created, handed=None):
    n = len(created)
    return pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(1, n + 1)],
            "created_at": created,
            "handed_off_at": handed if handed is not None else [""] * n,
        }
    )


# --------------------------------------------------------------------------- evidence
def test_infer_order_counts_only_year_last_values():
    text = pd.Series(["13-01-2024", "05-03-2024", "2024-05-06", "31/31/2024", None], dtype="string")
    got = dates.infer_order(text)
    # 13-01: first field > 12 (day-first); 05-03: ambiguous; ISO: no evidence;
    # 31/31: both fields > 12, no date in either order, no evidence
    assert (got.n_dayfirst, got.n_monthfirst, got.n_ambiguous) == (1, 0, 2)
    assert got.order == dates.DAYFIRST
    assert got.example_dayfirst == "13-01-2024"


def test_choose_order_falls_back_to_the_file_then_month_first():
    none = dates.DateOrder(0, 0, 4, None, None)
    day = dates.DateOrder(3, 0, 1, "13-01-2024", None)
    assert dates.choose_order(none, {"other": day}) == (dates.DAYFIRST, "file")
    assert dates.choose_order(none, {}) == (dates.MONTHFIRST, "default")
    month = dates.DateOrder(0, 2, 0, None, "01-13-2024")
    # the other columns disagree among themselves: nothing to go on
    assert dates.choose_order(none, {"a": day, "b": month}) == (dates.MONTHFIRST, "default")


# --------------------------------------------------------------------------- one rule per column
def test_dayfirst_column_read_dayfirst_for_every_value_with_a_counted_warning():
    df = _leads(["13-01-2024", "05-03-2024", "01-02-2024 10:30", "2024-05-06"])
    out = coerce_frame(df, "leads")
    # 05-03 is 5 March (not 3 May): the whole column follows 13-01's evidence
    assert out.frame["created_at"].tolist() == [
        T("2024-01-13"), T("2024-03-05"), T("2024-02-01 10:30"), T("2024-05-06"),
    ]  # fmt: skip
    (warning,) = out.fixups
    # 3 year-last values were read day-first; the ISO value needs no rule
    assert (warning.check, warning.column, warning.count) == ("date_dayfirst", "created_at", 3)
    assert warning.severity == "warning"
    assert not out.problems


def test_mixed_orders_are_an_error_naming_the_column_and_an_example_of_each():
    df = _leads(["13-01-2024", "01-13-2024", "01-02-2024"])
    out = coerce_frame(df, "leads", file="leads.csv")
    (p,) = out.problems
    assert (p.check, p.table, p.column, p.count) == ("mixed_date_order", "leads", "created_at", 2)
    assert p.examples == ("13-01-2024", "01-13-2024")
    assert "column 'created_at'" in p.message
    assert "'13-01-2024'" in p.message and "'01-13-2024'" in p.message
    assert "date_formats" in p.message


def test_mixed_orders_stop_the_load(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at\nL1,13-01-2024\nL2,01-13-2024\n")
    with pytest.raises(DataValidationError) as info:
        load(paths={"leads": path}, tables=["leads"])
    assert [p.check for p in info.value.problems] == ["mixed_date_order"]


def test_no_evidence_uses_the_other_date_columns_of_the_file():
    df = _leads(["03-01-2024", "01-02-2024"], handed=["13-02-2024", ""])
    out = coerce_frame(df, "leads")
    assert out.frame["created_at"].tolist() == [T("2024-01-03"), T("2024-02-01")]
    assert out.frame["handed_off_at"].tolist()[0] == T("2024-02-13")
    checks = {(i.column, i.check) for i in out.fixups}
    assert checks == {("created_at", "date_dayfirst"), ("handed_off_at", "date_dayfirst")}
    created = next(i for i in out.fixups if i.column == "created_at")
    assert "other date columns" in created.message


def test_no_evidence_anywhere_reads_month_first_and_suggests_dayfirst():
    df = _leads(["03-01-2024", "01-02-2024", "2024-06-01"])
    out = coerce_frame(df, "leads")
    assert out.frame["created_at"].tolist() == [T("2024-03-01"), T("2024-01-02"), T("2024-06-01")]
    (warning,) = out.fixups
    assert (warning.check, warning.count) == ("date_order_assumed", 2)
    assert "dayfirst" in warning.message


def test_iso_and_month_first_evidence_need_no_warning():
    out = coerce_frame(_leads(["01-13-2024", "02-01-2024", "2024-03-01"]), "leads")
    assert out.frame["created_at"].tolist() == [T("2024-01-13"), T("2024-02-01"), T("2024-03-01")]
    assert out.fixups == []
    assert coerce_frame(_leads(["2024-01-13", "2024-02-01"]), "leads").fixups == []


# --------------------------------------------------------------------------- explicit rules
def test_dayfirst_option_applies_to_every_column_without_inference():
    df = _leads(["03-01-2024", "01-02-2024"], handed=["04/05/2024 09:15:30", ""])
    out = coerce_frame(df, "leads", dayfirst=True)
    assert out.frame["created_at"].tolist() == [T("2024-01-03"), T("2024-02-01")]
    assert out.frame["handed_off_at"].tolist()[0] == T("2024-05-04 09:15:30")
    assert out.fixups == [] and out.problems == []


def test_dayfirst_true_never_swaps_a_value_that_only_reads_month_first():
    # 01-13-2024 has no 13th month day-first: it is a bad date, not 13 January
    out = coerce_frame(_leads(["01-13-2024", "03-01-2024"]), "leads", dayfirst=True)
    (p,) = out.problems
    assert (p.check, p.count, p.examples) == ("bad_date", 1, ("L1",))


def test_date_formats_win_and_accept_times():
    df = _leads(["03.01.2024", "01.02.2024 14:05", "31.12.2023 23:59:59"])
    out = coerce_frame(df, "leads", date_formats={"created_at": "%d.%m.%Y"})
    assert out.frame["created_at"].tolist() == [
        T("2024-01-03"), T("2024-02-01 14:05"), T("2023-12-31 23:59:59"),
    ]  # fmt: skip
    assert out.fixups == []


def test_parse_dates_two_digit_years_and_iso_offsets():
    values = pd.Series(["05/03/24", "2024-03-01T10:00:00+0900", "March 5, 2024"])
    out, bad = parse_dates(values, order=dates.DAYFIRST)
    assert out.tolist() == [T("2024-03-05"), T("2024-03-01 01:00"), T("2024-03-05")]
    assert not bad.any()


def test_date_rules_reports_rules_per_column():
    df = _leads(["13-01-2024"], handed=["2024-01-01"])
    rules, warnings, problems = date_rules(df, "leads", ["created_at", "handed_off_at"])
    assert rules == {"created_at": {"order": dates.DAYFIRST}, "handed_off_at": {}}
    assert [w.check for w in warnings] == ["date_dayfirst"] and problems == []


def test_load_options_dayfirst_and_date_formats_reach_the_loader(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at,handed_off_at\nL1,03-01-2024,02/01/2024\n")
    crm = load(paths={"leads": path}, tables=["leads"], dayfirst=True, as_of="2024-12-31")
    assert crm.leads.loc[0, "created_at"] == T("2024-01-03")
    crm = load(
        paths={"leads": path}, tables=["leads"], as_of="2024-12-31",
        date_formats={"leads": {"created_at": "%m-%d-%Y"}}, dayfirst=True,
    )  # fmt: skip
    assert crm.leads.loc[0, "created_at"] == T("2024-03-01")
    assert crm.leads.loc[0, "handed_off_at"] == T("2024-01-02")

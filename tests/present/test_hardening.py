"""Spreadsheet-safe exports, bidi controls out of HTML, safe number formatting (issue 18)."""

from __future__ import annotations

import math

import pandas as pd

from workbook.analyses.hierarchy.narrative import money
from workbook.core.text import esc, format_value
from workbook.present.exports import spreadsheet_safe
from workbook.present.report import Report, table_html


def test_formula_cells_headers_and_ids_are_prefixed_numbers_not():
    frame = pd.DataFrame(
        {
            "=id": [
                '=HYPERLINK("http://x")',
                "+cmd|' /C calc'!A0",
                "@SUM(A1)",
                "-1.5",
                "\tx",
                "ok",
            ],
            "amount": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    safe = spreadsheet_safe(frame)
    assert list(safe.columns) == ["'=id", "amount"]
    # 4 of 6 text cells start with = + @ tab; "-1.5" is a plain number; "ok" is plain text.
    assert safe["'=id"].tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'@SUM(A1)", "-1.5", "'\tx", "ok",
    ]  # fmt: skip
    assert safe["amount"].tolist() == frame["amount"].tolist()
    # the input frame is left as it was (the guard copies no column it does not change)
    assert list(frame.columns) == ["=id", "amount"]
    assert frame["=id"].iloc[0] == '=HYPERLINK("http://x")'


def test_export_is_safe_unless_raw(tmp_path, monkeypatch):
    frame = pd.DataFrame({"name": ["=1+1", "-3"]})
    monkeypatch.delenv("WORKBOOK_EXPORT_RAW_CSV", raising=False)
    Report("r", title="t", out_dir=tmp_path / "a").export(frame, "x")
    assert (tmp_path / "a" / "x.csv").read_text() == "name\n'=1+1\n-3\n"
    Report("r", title="t", out_dir=tmp_path / "b", export_raw_csv=True).export(frame, "x")
    assert (tmp_path / "b" / "x.csv").read_text() == "name\n=1+1\n-3\n"
    monkeypatch.setenv("WORKBOOK_EXPORT_RAW_CSV", "1")
    Report("r", title="t", out_dir=tmp_path / "c").export(frame, "x")
    assert (tmp_path / "c" / "x.csv").read_text() == "name\n=1+1\n-3\n"


def test_bidi_overrides_never_reach_html():
    name = "Acme\u202eevil\u2066"
    assert esc(name) == "Acmeevil"
    page = table_html(pd.DataFrame({"account\u202d": [name]}))
    assert "\u202e" not in page and "\u2066" not in page and "\u202d" not in page
    assert "Acmeevil" in page


def test_no_inf_nan_or_more_than_15_digits():
    for bad in (math.inf, -math.inf, math.nan, None, pd.NA):
        assert format_value(bad, "${:,.0f}") == "–"
        assert money(bad) == "–"
    assert format_value(1e308, "${:,.0f}") == "$1.00e+308"
    assert money(1e308) == "$1.00e+308"
    assert money(3.4e12) == "$3.4T" and money(-2.0e6) == "-$2.0M"
    assert format_value(123456789012345.0, "{:,.0f}") == "123,456,789,012,345"  # 15 digits

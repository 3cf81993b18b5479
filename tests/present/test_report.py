"""Report helpers: escaping, tables, cards and summary.json."""

import json
import re

import pandas as pd
import pytest

from workbook.present import report


def test_summary_html_escapes_sentences_and_cards():
    cards = [report.Card("top", "Top <b>family</b>", "We <3 Dogs", "{}")]
    markup = report.summary_html(['<script>alert("x")</script> leads'], cards)
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup
    assert "We &lt;3 Dogs" in markup
    assert "Top &lt;b&gt;family&lt;/b&gt;" in markup


def test_table_html_escapes_cells_hides_index_and_truncates():
    frame = pd.DataFrame(
        {"name": ["<script>x</script>", "We <3 Dogs", "c"], "revenue": [1234.5, 2.0, 3.0]}
    )
    markup = report.table_html(
        frame, formats={"revenue": "${:,.0f}"}, max_rows=2, export_name="r/t.csv"
    )
    assert "<script>x" not in markup
    assert "&lt;script&gt;x&lt;/script&gt;" in markup
    assert "$1,234" in markup  # formatted, thousands separator
    assert "Showing 2 of 3 rows; 1 more not shown. The full table is in r/t.csv." in markup
    assert ">c<" not in markup  # third row truncated


def test_card_display_formats_and_handles_missing():
    assert report.Card("a", "A", 0.256, "{:.1%}").display == "25.6%"
    assert report.Card("b", "B", float("nan"), "{:.1%}").display == "–"
    assert report.Card("c", "C", 1234567, "{:,}").display == "1,234,567"


def test_write_summary_holds_figures_headline_and_exports(tmp_path):
    rep = report.Report("demo", title="Demo", out_dir=tmp_path / "demo", as_of="2026-06-30")
    rep.export(pd.DataFrame({"when": pd.to_datetime(["2026-01-31"]), "n": [1]}), "table")
    rep.cards = [report.Card("n_leads", "Leads", 42, "{:,}")]
    path = rep.write_summary({"auc": 0.71, "auc_ci": (0.65, 0.77), "missing": float("nan")})
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["report"] == "demo"
    assert payload["as_of"] == "2026-06-30"
    assert payload["auc"] == 0.71
    assert payload["auc_ci"] == [0.65, 0.77]
    assert payload["missing"] is None
    assert payload["n_leads"] == 42
    assert payload["headline"] == [
        {
            "key": "n_leads",
            "label": "Leads",
            "value": 42,
            "display": "42",
            "fmt": "{:,}",
            "direction": "neutral",
            "subject": "",
            "on_index": False,
        }
    ]
    assert payload["exports"] == ["table.csv"]
    assert (tmp_path / "demo" / "table.csv").read_text(encoding="utf-8") == "when,n\n2026-01-31,1\n"


def test_report_without_out_dir_writes_nothing(tmp_path):
    rep = report.Report("demo", title="Demo", out_dir="", as_of="2026-06-30")
    assert rep.export(pd.DataFrame({"a": [1]}), "x") is None
    assert rep.write_summary({"a": 1}) is None


def test_live_kernel_false_outside_a_kernel():
    assert report.live_kernel(True) is False
    assert report.live_kernel(False) is False


def test_table_html_default_formats_for_columns_without_explicit_ones():
    frame = pd.DataFrame(
        {
            "owner_id": ["U1", "U2"],
            "handed_off": [5003, 48978],
            "rate": [0.5, 0.25],
            "score": [1.536297, float("nan")],
            "handed_off_at": pd.to_datetime(["2026-01-01", "2026-02-01"]),
        }
    )
    markup = report.table_html(frame, formats={"rate": "{:.1%}"})
    # Explicit format for one column does not reset the others.
    assert ">5,003<" in markup and ">48,978<" in markup
    assert ">50.0%<" in markup
    assert ">1.54<" in markup and "1.536297" not in markup
    assert ">2026-01-01<" in markup and "00:00:00" not in markup
    assert ">–<" in markup  # missing value
    # Headers read as words; text columns are left-aligned.
    assert ">handed off at<" in markup
    assert "text-align: left" in markup


def test_default_formats_by_kind():
    frame = pd.DataFrame(
        {
            "n": [1, 2],
            "whole": [1.0, 2.0],
            "x": [0.5, 1.25],
            "when": pd.to_datetime(["2026-01-01 10:30", "2026-01-02 00:00"]),
            "ok": [True, False],
            "name": ["a", "b"],
        }
    )
    assert report.default_formats(frame) == {
        "n": "{:,.0f}",
        "whole": "{:,.0f}",
        "x": "{:,.2f}",
        "when": "{:%Y-%m-%d %H:%M}",
    }


def test_table_shows_yes_no_and_no_limit_instead_of_code_values():
    import numpy as np

    from workbook.present.report import table_html

    frame = pd.DataFrame(
        {
            "named": [True, False],
            "flag": pd.array([True, None], dtype="boolean"),
            "mixed": [False, None],
            "score_low": [-np.inf, 90.0],
            "score_high": [0.0, np.inf],
        }
    )
    markup = table_html(frame)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", markup)
    # row 1: True, True, False, -inf, 0; row 2: False, NA, NA, 90, inf
    assert cells == ["Yes", "Yes", "No", "no limit", "0", "No", "–", "–", "90", "no limit"]
    assert not re.search(r"\b(True|False|inf|nan)\b", markup)


# -- leadership part, method appendix, plain layout (issue 20) ---------------------


def _shown(monkeypatch):
    """Record what a Report displays: (html, metadata) per call."""
    calls = []
    monkeypatch.setattr(
        report, "_display", lambda obj, metadata=None: calls.append((obj.data, metadata))
    )
    return calls


def _body_rows(markup: str) -> int:
    return markup.split("<tbody>", 1)[1].count("<tr>")


def test_top_shows_at_most_ten_rows_and_only_the_named_columns(monkeypatch):
    calls = _shown(monkeypatch)
    frame = pd.DataFrame(
        {
            "owner_id": [f"U{i:02d}" for i in range(25)],
            "owner_name": [f"Rep {i}" for i in range(25)],
            "open_pipeline": [1000.0 * i for i in range(25)],
        }
    )
    rep = report.Report("x", title="X")
    rep.top(
        frame,
        {"owner_name": "Owner", "open_pipeline": "Open pipeline"},
        formats={"open_pipeline": "${:,.0f}"},
        rows=50,
        export_stem="at_risk",
    )
    markup = calls[-1][0]
    assert _body_rows(markup) == 10  # rows=50 is capped at 10
    assert ">Owner<" in markup and ">Open pipeline<" in markup
    assert "U01" not in markup and "owner id" not in markup  # the id column is not shown
    assert ">$9,000<" in markup  # formats are keyed by the column name, not the header
    assert "Showing 10 of 25 rows; 15 more not shown. The full table is in x/at_risk.csv." in markup
    rep.top(frame, {"owner_name": "Owner"}, rows=3)
    assert _body_rows(calls[-1][0]) == 3


def test_top_names_a_missing_column():
    rep = report.Report("x", title="X")
    with pytest.raises(KeyError, match=r"column\(s\) \['owner_name'\] not in the table"):
        rep.top(pd.DataFrame({"owner_id": ["U01"]}), {"owner_name": "Owner"})
    with pytest.raises(ValueError, match="needs the columns"):
        rep.top(pd.DataFrame({"owner_id": ["U01"]}), {})


def test_appendix_marker_carries_the_metadata_the_html_export_looks_for(monkeypatch):
    from workbook.present import html as wbhtml

    calls = _shown(monkeypatch)
    report.Report("x", title="X").appendix()
    markup, metadata = calls[-1]
    assert "Method appendix" in markup
    assert metadata == {"workbook": wbhtml.APPENDIX_MARKER}


def test_date_cells_never_wrap_and_plain_text_may():
    frame = pd.DataFrame(
        {
            "cohort": ["2024-07", "2024-Q3"],
            "handed_off_at": pd.to_datetime(["2024-07-01", "2024-07-02"]),
            "note": ["2024-07 was slow", "fine"],
            "leads": [3, 4],
        }
    )
    markup = report.table_html(frame)
    cells = re.findall(r'<td id="[^"]+" class="([^"]+)" >([^<]*)</td>', markup)
    dated = {text for cls, text in cells if "wb-date" in cls}
    assert dated == {"2024-07", "2024-Q3", "2024-07-01", "2024-07-02"}
    assert "wb-wide" not in markup


def test_wide_tables_are_marked_for_smaller_print():
    assert 'class="wb-wide"' in report.table_html(pd.DataFrame({f"c{i}": [1] for i in range(9)}))
    assert 'class="wb-wide"' not in report.table_html(
        pd.DataFrame({f"c{i}": [1] for i in range(8)})
    )
    assert 'class="wb-wide wb-very-wide"' in report.table_html(
        pd.DataFrame({f"c{i}": [1] for i in range(15)})
    )


class _Crm:
    def __init__(self, tables, quality):
        self.tables = tables
        self.quality = quality

    def get(self, name):
        return self.tables.get(name)


def test_data_quality_shows_only_the_tables_the_report_loaded(monkeypatch):
    from workbook.data.validate import DataQuality, Issue

    calls = _shown(monkeypatch)
    quality = DataQuality(
        issues=[
            Issue("bad_date", "leads", "created_at", 4, ("L1",), "m1"),
            Issue("negative_amount", "purchases", "amount", 2, ("P9",), "m2"),
            Issue("unknown_reference", "products", "product_id", 1, ("X1",), "m3"),
        ]
    )
    rep = report.Report("cohort", title="C", crm=_Crm({"leads": None, "users": None}, quality))
    rep.data_quality()
    left, note, table = (html for html, _ in calls)
    assert "Counted and left out: no rows." in left
    assert "1 kind of warning in the tables this report uses" in note
    assert "2 more kinds of warning concern tables this report does not use" in note
    assert (
        "bad date" in table and "negative amount" not in table and "unknown reference" not in table
    )
    # Nothing about the report's own tables: a plain line, still naming the others.
    calls.clear()
    report.Report("x", title="X", crm=_Crm({"users": None}, quality)).data_quality()
    assert len(calls) == 2
    assert "no warnings in the tables this report uses" in calls[1][0]
    assert "3 more kinds of warning" in calls[1][0]


def test_code_values_read_as_words_but_model_column_names_stay():
    frame = pd.DataFrame(
        {
            "rule": ["leads_created_after_as_of", "blank score <b>"],
            "column": ["created_at", "score"],
            "count": [3, 0],
        }
    )
    cells = re.findall(r'<td id="[^"]+" class="[^"]+" >([^<]*)</td>', report.table_html(frame))
    assert cells == [
        "leads created after the as-of date",
        "created_at",  # a data-model column name the reader looks up
        "3",
        "blank score &lt;b&gt;",  # plain text untouched, still escaped
        "score",
        "0",
    ]
    assert report.code_label("won_after_as_of_ignored") == "won after the as-of date ignored"


def test_rule_and_check_codes_read_as_their_human_labels():
    frame = pd.DataFrame(
        {
            "rule": ["win_probability_variance", "no_meeting_yet", "some_new_rule"],
            "check": ["parent_cycle", "after_as_of", "bad_date"],
            "deals": [3, 2, 1],
        }
    )
    cells = re.findall(r'<td id="[^"]+" class="[^"]+" >([^<]*)</td>', report.table_html(frame))
    assert cells == [
        "rep's win probability far from the model's",
        "accounts on a parent cycle",
        "3",
        "no meeting yet",
        "dated after the as-of date",
        "2",
        "some new rule",  # no label yet: in words by rule
        "bad date",
        "1",
    ]
    # every label is words: no code left in it
    assert not [v for v in report.VALUE_LABELS.values() if re.search(report.CODE_VALUE, v)]


def test_data_quality_shows_counted_and_left_out_for_the_reports_tables(monkeypatch):
    from types import SimpleNamespace

    from workbook.data.validate import DataQuality, Issue

    quality = DataQuality(
        issues=[
            Issue("blank_required", "opportunities", "account_id", 3, ("O2", "O5", "O8"),
                  "3 row(s) with a blank account_id left out", "excluded"),
            Issue("blank_required", "leads", "created_at", 7, ("L1",), "7 rows", "excluded"),
            Issue("negative_amount", "opportunities", "amount", 2, ("O4",), "negative amounts"),
        ],
        row_counts={"opportunities": 7, "leads": 10},
    )  # fmt: skip
    # The report reads opportunities only: the leads exclusion is not its business.
    crm = SimpleNamespace(quality=quality, tables={"opportunities": pd.DataFrame()})
    calls = _shown(monkeypatch)
    report.Report("demo", title="Demo", crm=crm).data_quality()
    page = "".join(html for html, _ in calls)
    assert "Counted and left out: 3 rows of the input are not in this report" in page
    assert "rows left out" in page and "example ids" in page and "why" in page
    assert "blank account_id" in page and "O2, O5, O8" in page
    assert "L1" not in page and "created_at" not in page
    # The other warnings follow, without repeating the rows left out.
    assert "Data quality: 1 kind of warning" in page and "negative amounts" in page


def test_data_quality_names_the_example_records(monkeypatch):
    from workbook.data.validate import DataQuality, Issue

    accounts = pd.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme", "We <3 Dogs"]})
    users = pd.DataFrame({"owner_id": ["U1"], "name": ["Ann Lee"]})
    quality = DataQuality(
        issues=[
            Issue("parent_cycle", "accounts", "parent_id", 3, ("A1", "A2", "A7"), "cycle"),
            Issue("blank_required", "users", "name", 1, ("U1",), "blank", "excluded"),
        ]
    )
    calls = _shown(monkeypatch)
    crm = _Crm({"accounts": accounts, "users": users}, quality)
    report.Report("demo", title="Demo", crm=crm).data_quality()
    page = "".join(html for html, _ in calls)
    # each id with its record's name; A7 is not among the accounts and stays an id; escaped
    assert "Acme (A1), We &lt;3 Dogs (A2), A7" in page
    assert "Ann Lee (U1)" in page  # the rows-left-out table too


def test_data_quality_says_when_nothing_was_left_out(monkeypatch):
    from types import SimpleNamespace

    from workbook.data.validate import DataQuality

    crm = SimpleNamespace(quality=DataQuality(row_counts={"leads": 3}), tables={"leads": None})
    calls = _shown(monkeypatch)
    report.Report("demo", title="Demo", crm=crm).data_quality()
    assert "Counted and left out: no rows." in calls[0][0]
    assert "Data quality: no warnings in the tables this report uses." in calls[1][0]


def test_table_html_shows_names_in_place_of_ids_with_the_id_as_tooltip():
    frame = pd.DataFrame(
        {
            "owner_id": ["U07", "U99", None],
            "owner_name": ["Dana <b>Smith</b>", None, None],
            "account_id": ["A1", "A2", "A3"],
            "deals": [3, 1, 2],
        }
    )
    markup = report.table_html(frame)
    # owner_id is left out; its name shows, escaped, with the id in the tooltip
    assert ">owner id<" not in markup and ">owner name<" in markup
    assert '<span title="U07">Dana &lt;b&gt;Smith&lt;/b&gt;</span>' in markup
    # an owner with no name shows its id; a blank owner the missing mark
    assert '<span title="U99">U99</span>' in markup
    assert ">–<" in markup
    # account_id has no account_name beside it: it stays a column
    assert ">account id<" in markup and ">A1<" in markup
    # the frame itself (the export) keeps both columns
    assert list(frame.columns) == ["owner_id", "owner_name", "account_id", "deals"]


def test_table_html_pairs_any_x_id_with_its_x_name_and_accounts_with_name():
    frame = pd.DataFrame(
        {
            "family_id": ["A1"],
            "name": ["Dogs Extraordinaire"],
            "best_member_id": ["A2"],
            "best_member_name": ["PupsRUs"],
        }
    )
    markup = report.table_html(frame)
    assert '<span title="A2">PupsRUs</span>' in markup and ">best member id<" not in markup
    # family_id has no family_name: it stays (a table of families, not of accounts)
    assert ">family id<" in markup
    accounts = pd.DataFrame({"account_id": ["A1"], "name": ["Acme"], "open_pipeline": [5.0]})
    markup = report.table_html(accounts)
    assert '<span title="A1">Acme</span>' in markup and ">account id<" not in markup


def test_table_html_shows_a_noise_group_by_its_label():
    frame = pd.DataFrame({"level": ["owner"], "group": ["U11"], "label": ["Liam Brown"], "n": [87]})
    markup = report.table_html(frame)
    assert '<span title="U11">Liam Brown</span>' in markup and ">U11<" not in markup


def test_statistical_headers_read_in_words():
    frame = pd.DataFrame(
        {
            "n": [40],
            "rate": [0.25],
            "ci_low": [0.14],
            "ci_high": [0.40],
            "slope_p_value": [0.003],
            "auc_ci_low": [0.61],
            "lower_998": [0.05],
            "pi_high": [0.3],
            "discount_pct": [12.5],
        }
    )
    headers = re.findall(r"<th [^>]*col_heading[^>]*>([^<]*)</th>", report.table_html(frame))
    assert headers == [
        "count",
        "rate",
        "95% interval, low",
        "95% interval, high",
        "slope p-value",
        "AUC 95% interval, low",
        "99.8% limit, low",
        "prediction interval, high",
        "discount %",
    ]
    # a header given by the caller wins over the mapping
    given = report.table_html(frame, columns={"n": "Leads", "ci_low": "Low"})
    assert re.findall(r"<th [^>]*col_heading[^>]*>([^<]*)</th>", given) == ["Leads", "Low"]
    # a column merely containing a key is not mistaken for it
    assert report.header_label("main_ci_lower") == "main ci lower"
    assert report.header_label("won") == "won"
    # a measure named after the column's own name reads with it
    assert report.header_label("predicted_p_over_capacity") == "predicted chance over capacity"


"""Loader options: filters, constants, blank-cell value maps, strict names, the owner fallback,
loading only the tables an export has, and the as-of pre-scan applying the same mapping."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.data.io import load, resolve_as_of
from workbook.data.validate import DataValidationError

T = pd.Timestamp

ACCOUNTS = """account,sector,subsidiary_of
Acme,retail,
Acme Sub,retail,Acme
Globex,tech,
"""
# Two won, one lost, one open deal (the open one has no close date yet).
PIPELINE = """opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
D1,Ann,GTX Pro,Acme,Won,2024-01-05,2024-02-01,100
D2,Bob,GTXPro,Acme,Won,2024-03-05,2024-04-01,200
D3,Cid,GTX Pro,Globex,Lost,2024-02-10,2024-03-01,0
D4,Ann,GTX Pro,Acme Sub,Engaging,2024-05-01,,
"""
PRODUCTS = """product,series,sales_price
GTX Pro,GTX,100
"""

COLUMNS = {
    "accounts": {"account_id": "account", "name": "account", "parent_id": "subsidiary_of",
                 "industry": "sector"},
    "products": {"product_id": "product", "name": "product", "family": "series",
                 "list_price": "sales_price"},
    "opportunities": {"account_id": "account", "created_at": "engage_date", "stage": "deal_stage",
                      "is_closed": "deal_stage", "is_won": "deal_stage", "amount": "close_value",
                      "owner_id": "sales_agent"},
    "purchases": {"account_id": "account", "product_id": "product", "purchased_at": "close_date",
                  "amount": "close_value"},
}  # fmt: skip
VALUES = {"opportunities": {"is_closed": {"Won": True, "Lost": True}, "is_won": {"Won": True}}}
TABLES = ["accounts", "products", "opportunities", "purchases"]


@pytest.fixture
def export(tmp_path):
    (tmp_path / "accounts.csv").write_text(ACCOUNTS)
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE)
    (tmp_path / "products.csv").write_text(PRODUCTS)
    return tmp_path


def _options(export, **extra):
    options = dict(
        paths={
            "accounts": export / "accounts.csv",
            "products": export / "products.csv",
            "opportunities": export / "sales_pipeline.csv",
            "purchases": export / "sales_pipeline.csv",
        },
        tables=TABLES,
        columns=COLUMNS,
        values=VALUES,
        filters={"purchases": {"deal_stage": ["Won"]}},
        as_of="2024-06-30",
    )
    options.update(extra)
    return options


def _issue(crm, check):
    (issue,) = [i for i in crm.quality.issues if i.check == check]
    return issue


# --------------------------------------------------------------------------- filters
def test_one_file_feeds_all_deals_and_the_won_purchases(export):
    crm = load(**_options(export))
    assert crm.opportunities["opportunity_id"].tolist() == ["D1", "D2", "D3", "D4"]
    # purchases: only the two Won rows; the lost and the open deal are left out and counted
    assert crm.purchases["amount"].tolist() == [100.0, 200.0]
    filtered = _issue(crm, "rows_filtered")
    assert (filtered.table, filtered.count, filtered.severity) == ("purchases", 2, "fixup")
    assert "2 of 4 row(s)" in filtered.message
    # the stage feeds won/closed: Won/Lost closed, Engaging open (a counted value_unmapped)
    assert crm.opportunities["is_closed"].tolist() == [True, True, True, False]
    assert crm.opportunities["is_won"].tolist() == [True, True, False, False]


def test_filter_on_a_column_the_file_lacks_names_the_columns_found(export):
    with pytest.raises(DataValidationError) as info:
        load(**_options(export, filters={"purchases": {"stage": ["Won"]}}))
    (p,) = info.value.problems
    assert (p.check, p.table) == ("missing_source_column", "purchases")
    assert "'stage'" in p.message and "'deal_stage'" in p.message


# --------------------------------------------------------------------------- constants
def test_constants_fill_columns_a_closed_won_file_lacks(tmp_path):
    (tmp_path / "deals.csv").write_text("mql_id,seller_id,won_date,revenue\nM1,S1,2024-01-02,5\n")
    crm = load(
        paths={"opportunities": tmp_path / "deals.csv"},
        tables=["opportunities"],
        columns={"opportunities": {"opportunity_id": "mql_id", "account_id": "seller_id",
                                   "created_at": "won_date", "close_date": "won_date",
                                   "amount": "revenue"}},
        constants={"opportunities": {"is_won": True, "is_closed": True}},
    )  # fmt: skip
    assert crm.opportunities[["is_won", "is_closed"]].iloc[0].tolist() == [True, True]
    fixed = {(i.column, i.count) for i in crm.quality.issues if i.check == "constant_column"}
    assert fixed == {("is_won", 1), ("is_closed", 1)}


def test_a_constant_for_a_column_the_file_gives_is_an_error(export):
    with pytest.raises(DataValidationError) as info:
        load(**_options(export, constants={"opportunities": {"is_won": True}}))
    assert [p.check for p in info.value.problems] == ["constant_conflict"]


def test_blank_cell_maps_only_when_listed_as_empty_string(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        "opportunity_id,account_id,created_at,close_date,is_closed,is_won,amount\n"
        "O1,A,2024-01-01,2024-02-01,true,Y,1\nO2,A,2024-01-01,2024-02-01,true,,1\n"
    )
    base = dict(paths={"opportunities": path}, tables=["opportunities"])
    # Unlisted, a blank is_won is not read as false: the row is left out, counted (issue 18).
    plain = load(**base)
    assert plain.opportunities["opportunity_id"].tolist() == ["O1"]
    assert plain.excluded["opportunities"]["opportunity_id"].tolist() == ["O2"]
    assert plain.quality.count("blank_required") == 1
    crm = load(**base, values={"opportunities": {"is_won": {"": False}}})
    assert crm.opportunities["is_won"].tolist() == [True, False]


# --------------------------------------------------------------------------- strict names
@pytest.mark.parametrize(
    "option, value, suggestion",
    [
        ("columns", {"accounts": {"industy": "sector"}}, "'industry'"),
        ("columns", {"acounts": {"industry": "sector"}}, "'accounts'"),
        ("values", {"opportunities": {"is_wonn": {"Won": True}}}, "'is_won'"),
        ("constants", {"opportunites": {"is_won": True}}, "'opportunities'"),
        ("filters", {"purchase": {"deal_stage": ["Won"]}}, "'purchases'"),
        ("date_formats", {"leads": {"created": "%d-%m-%Y"}}, "'created_at'"),
        ("paths", {"lead": "leads.csv"}, "'leads'"),
    ],
)
def test_unknown_names_exit_with_did_you_mean(export, option, value, suggestion):
    with pytest.raises(DataValidationError) as info:
        load(**_options(export, **{option: value}))
    (p,) = info.value.problems
    assert p.check == "unknown_name"
    assert f"load_options.{option}" in p.message
    assert f"did you mean {suggestion}?" in p.message


def test_date_formats_only_name_date_columns(export):
    with pytest.raises(DataValidationError, match="unknown date column of leads 'score'"):
        load(**_options(export, date_formats={"leads": {"score": "%d"}}))


def test_an_absent_mapped_column_names_the_columns_found(export):
    columns = {**COLUMNS, "accounts": {**COLUMNS["accounts"], "industry": "Industry"}}
    with pytest.raises(DataValidationError) as info:
        load(**_options(export, columns=columns))
    (p,) = info.value.problems
    assert (p.check, p.table) == ("missing_source_column", "accounts")
    assert "'Industry'" in p.message
    assert "columns found: 'account', 'sector', 'subsidiary_of'" in p.message


def test_a_column_with_the_canonical_name_is_the_documented_fallback(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at,score\nL1,2024-01-01,5\n")
    crm = load(paths={"leads": path}, tables=["leads"], columns={"leads": {"score": "Lead_Score"}})
    assert crm.leads["score"].tolist() == [5.0]
    used = _issue(crm, "column_fallback")
    assert used.column == "score" and "'Lead_Score'" in used.message


def test_a_flat_mapping_found_in_no_file_is_an_error(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at\nL1,2024-01-01\n")
    with pytest.raises(DataValidationError, match="'Owner'"):
        load(paths={"leads": path}, tables=["leads"], columns={"owner_id": "Owner"})


# --------------------------------------------------------------------------- account owner
def test_account_owner_from_the_most_recent_opportunity(export):
    crm = load(**_options(export, account_owner="from_opportunities"))
    owners = dict(zip(crm.accounts["account_id"], crm.accounts["owner_id"], strict=True))
    # Acme: D2 (Bob, 2024-03-05) is more recent than D1 (Ann); Acme Sub: D4 (Ann); Globex: D3
    assert owners == {"Acme": "Bob", "Acme Sub": "Ann", "Globex": "Cid"}
    filled = _issue(crm, "owner_from_opportunity")
    assert (filled.count, filled.severity) == (3, "fixup")


def test_account_owner_ignores_opportunities_after_as_of(export):
    crm = load(**_options(export, account_owner="from_opportunities", as_of="2024-02-28"))
    owners = dict(zip(crm.accounts["account_id"], crm.accounts["owner_id"], strict=True))
    # as of 2024-02-28 D2 (created 2024-03-05) and D4 do not exist yet
    assert owners["Acme"] == "Ann" and pd.isna(owners["Acme Sub"])


def test_account_owner_value_is_checked(export):
    with pytest.raises(DataValidationError, match="from_opportunities"):
        load(**_options(export, account_owner="latest"))


# --------------------------------------------------------------------------- tables
def test_uses_combines_with_the_tables_the_export_has(export):
    options = _options(export)
    crm = load(**options, uses=["accounts", "opportunities", "users"])
    assert set(crm.tables) == {"accounts", "opportunities"}
    # a table the report uses but the export lacks is a missing_table error ...
    with pytest.raises(DataValidationError) as info:
        load(**options, uses=["leads", "opportunities"])
    (p,) = info.value.problems
    assert (p.check, p.table) == ("missing_table", "leads")
    assert "needs leads; the export has none" in p.message
    with pytest.raises(DataValidationError, match="needs leads and activities; the export has none"):
        load(**options, uses=["leads", "opportunities", "activities"])
    # ... unless the caller skips missing tables
    crm = load(**options, uses=["leads", "opportunities"], missing="skip")
    assert set(crm.tables) == {"opportunities"}


def test_missing_skip_loads_what_a_directory_has(export):
    (export / "accounts.csv").rename(export / "acc.csv")
    (export / "products.csv").write_text("product_id,name\nP1,GTX Pro\n")
    crm = load(export, missing="skip", as_of="2024-06-30")
    assert set(crm.tables) == {"products"}
    with pytest.raises(DataValidationError):
        load(export, as_of="2024-06-30")
    # tables named by the user must exist even with missing="skip"
    with pytest.raises(DataValidationError, match="accounts"):
        load(export, tables=["accounts", "products"], missing="skip")


# --------------------------------------------------------------------------- as-of pre-scan
def test_prescan_applies_value_maps_filters_and_date_rules(export):
    options = {k: v for k, v in _options(export).items() if k != "as_of"}
    # is_closed comes from deal_stage through the value map ('Won' is no boolean by itself)
    as_of = resolve_as_of(None, **options)
    # latest event: D4 created 2024-05-01 (closed deals close by 2024-04-01)
    assert as_of == T("2024-05-01") == load(**options).as_of


def test_prescan_reads_day_first_dates_like_the_load(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at\nL1,13-01-2024\nL2,02-03-2024\n")
    options = dict(paths={"leads": path}, tables=["leads"])
    # day-first: 2 March 2024 is the latest (month-first would say 3 February)
    assert resolve_as_of(None, **options) == T("2024-03-02") == load(**options).as_of


def test_prescan_applies_constants(tmp_path):
    (tmp_path / "deals.csv").write_text("id,acc,won,amount\nM1,S1,2024-01-02,5\nM2,S1,2024-03-09,5\n")
    options = dict(
        paths={"opportunities": tmp_path / "deals.csv"},
        tables=["opportunities"],
        columns={"opportunities": {"opportunity_id": "id", "account_id": "acc",
                                   "created_at": "won", "close_date": "won"}},
        constants={"opportunities": {"is_won": True, "is_closed": True}},
    )  # fmt: skip
    assert resolve_as_of(None, **options) == T("2024-03-09") == load(**options).as_of


def test_prescan_names_are_strict_too(export):
    with pytest.raises(DataValidationError, match="did you mean 'is_won'"):
        resolve_as_of(None, **_options(export, as_of=None, values={"opportunities": {"is_wonn": {}}}))


# --------------------------------------------------------------------------- hints
def test_unknown_reference_names_a_close_match_and_the_values_line(export):
    crm = load(**_options(export))
    issue = next(
        i for i in crm.quality.issues
        if i.check == "unknown_reference" and i.table == "purchases" and i.column == "product_id"
    )  # fmt: skip
    assert issue.count == 1
    assert "'GTXPro' -> 'GTX Pro' (1 rows)" in issue.message
    assert "values: {purchases: {product_id: {GTXPro: GTX Pro}}}" in issue.message
    fixed = load(**_options(export, values={**VALUES, "purchases": {"product_id": {"GTXPro": "GTX Pro"}}}))
    assert not [i for i in fixed.quality.issues if i.check == "unknown_reference"
                and i.column == "product_id"]  # fmt: skip


def test_filters_need_files():
    with pytest.raises(DataValidationError, match="filters applies to files"):
        load(sql_url="sqlite://", queries={}, tables=["leads"], filters={"leads": {"x": ["1"]}})


def test_relative_paths_are_found_inside_the_data_directory(export):
    options = _options(export)
    options["paths"] = {t: p.name for t, p in options["paths"].items()}
    crm = load(export, **options)
    assert len(crm.purchases) == 2 and len(crm.opportunities) == 4

"""The three public-shaped example exports in params/examples/: mapped by their params file alone.

Each export keeps the quirks of the public data set it imitates (see
``params/examples/make_examples.py``); nothing is reshaped by hand. Each
must validate with exit 0, and ``workbook run all -p <file>`` must run every
report whose tables the export has.

Reports whose required tables the export lacks are not applicable
(``n/a`` with the reason on the index, issue 19). A report that needs a
table for only part of its content shows the rest (hierarchy without
purchases, data quality without accounts, engagement without activities
or leads: the open pipeline and the win rates, issue 17), so every
``run all`` exits 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import run_cli

from workbook.data.io import load

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "params" / "examples"
REPORTS = ["data_quality", "cohort", "scoring", "hierarchy", "whitespace", "engagement"]

#: Per example: the reports that run.
RUNS = {
    "sales_pipeline": ["data_quality", "hierarchy", "whitespace", "engagement"],
    "marketing_funnel": ["data_quality", "cohort", "scoring", "hierarchy", "engagement"],
    "lead_scoring": ["data_quality", "cohort", "scoring"],
}
#: Not applicable: the reason the runner gives (a required table is absent).
NOT_APPLICABLE = {
    "sales_pipeline": {
        "cohort": "needs leads; the export has none",
        "scoring": "needs leads and opportunities; the export has no leads",
    },
    "marketing_funnel": {
        "whitespace": "needs accounts, products and purchases; the export has no products and purchases",
    },
    "lead_scoring": {
        "hierarchy": "needs accounts and opportunities; the export has no accounts",
        "whitespace": "needs accounts, products and purchases; the export has none",
        "engagement": "needs opportunities and accounts; the export has no accounts",
    },
}
#: Engagement runs without activities (both) and leads (sales_pipeline): what it names skipped.
ENGAGEMENT_MISSING = {"sales_pipeline": ["activities", "leads"], "marketing_funnel": ["activities"]}


def _config(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def _load(name: str, **change):
    config = _config(name)
    options = {**config["load_options"], **change}
    options = {k: v for k, v in options.items() if v is not None}
    return load(REPO / config["data"], as_of=config.get("as_of"), **options)


def _issue(crm, check, table=None):
    found = [i for i in crm.quality.issues if i.check == check and table in (None, i.table)]
    assert len(found) == 1, [i.check for i in crm.quality.issues]
    return found[0]


@pytest.fixture(scope="module", params=list(RUNS))
def example_run(request, tmp_path_factory):
    name = request.param
    out = tmp_path_factory.mktemp(name) / "out"
    proc = run_cli("run", "all", "-p", EXAMPLES / f"{name}.yaml", "--out", out, cwd=REPO)
    return name, out, proc


# --------------------------------------------------------------------------- validate
@pytest.mark.parametrize("name", list(RUNS))
def test_example_validates(name):
    proc = run_cli("validate", "-p", EXAMPLES / f"{name}.yaml", cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "data error" not in proc.stderr


def test_sales_pipeline_maps_stage_filters_won_deals_and_fills_owners():
    crm = _load("sales_pipeline")
    deals = pd.read_csv(EXAMPLES / "sales_pipeline" / "sales_pipeline.csv", dtype=str,
                        keep_default_na=False)  # fmt: skip
    stage = deals["deal_stage"]
    blank = deals.apply(lambda column: column.str.strip().eq(""))
    # Independent pandas counts of the raw file. Since issue 18 a deal with a blank required
    # cell is left out, counted: a blank id, account, engage_date (created_at) or stage; a
    # closed deal without close_date; a won deal without close_value. The export's early-stage
    # deals have no account and/or no engage_date: 60 of 360 (was: all 360 loaded, blanks kept).
    closed, won = stage.isin(["Won", "Lost"]), stage == "Won"
    unusable = (
        blank["opportunity_id"] | blank["account"] | blank["engage_date"] | blank["deal_stage"]
        | (closed & blank["close_date"]) | (won & blank["close_value"])
    )  # fmt: skip
    assert int(unusable.sum()) == 60
    assert len(crm.opportunities) == int((~unusable).sum())
    assert len(crm.excluded["opportunities"]) == crm.quality.excluded_rows("opportunities") == 60
    assert int(crm.opportunities["is_won"].sum()) == int((won & ~unusable).sum())
    assert int(crm.opportunities["is_closed"].sum()) == int((closed & ~unusable).sum())
    bought = won & ~(blank["account"] | blank["product"] | blank["close_date"])
    assert len(crm.purchases) == int(bought.sum())
    assert _issue(crm, "rows_filtered").count == int((stage != "Won").sum())
    # every account has usable deals in the file, so every blank owner is filled
    assert crm.accounts["owner_id"].notna().all()
    assert _issue(crm, "owner_from_opportunity").count == len(crm.accounts)
    # the blank account cells of early-stage deals are never a made-up id: those rows are
    # left out, counted under account_id (the first blank required column), with example ids
    assert crm.opportunities["account_id"].notna().all()
    blank_account = next(i for i in crm.quality.issues
                         if i.check == "blank_required" and i.column == "account_id")  # fmt: skip
    assert blank_account.count == int((blank["account"] & ~blank["opportunity_id"]).sum())
    assert set(blank_account.examples) <= set(deals.loc[blank["account"], "opportunity_id"])
    # open deals without a close date or amount are kept (allowed blanks, counted)
    allowed = {i.column: i.count for i in crm.quality.issues if i.check == "blank_allowed"}
    assert allowed == {
        "close_date": int((~closed & blank["close_date"] & ~unusable).sum()),
        "amount": int((~won & blank["close_value"] & ~unusable).sum()),
    }
    # parents given by name resolve to accounts
    assert set(crm.accounts["parent_id"].dropna()) <= set(crm.accounts["account_id"])


def test_sales_pipeline_without_the_values_line_gets_the_hint_that_fixes_it():
    config = _config("sales_pipeline")["load_options"]
    values = {k: v for k, v in config["values"].items() if k != "purchases"}
    crm = _load("sales_pipeline", values=values)
    deals = pd.read_csv(EXAMPLES / "sales_pipeline" / "sales_pipeline.csv", dtype=str)
    n = int(((deals["product"] == "GTXPro") & (deals["deal_stage"] == "Won")).sum())
    issue = next(i for i in crm.quality.issues
                 if i.check == "unknown_reference" and i.column == "product_id")  # fmt: skip
    assert issue.count == n
    assert f"'GTXPro' -> 'GTX Pro' ({n:,} rows)" in issue.message
    assert "fix with values: {purchases: {product_id: {GTXPro: GTX Pro}}}" in issue.message


def test_marketing_funnel_reads_day_first_dates_into_twelve_cohorts():
    crm = _load("marketing_funnel")
    raw = pd.read_csv(EXAMPLES / "marketing_funnel" / "olist_marketing_qualified_leads_dataset.csv")
    expected = pd.to_datetime(raw["first_contact_date"], format="%d-%m-%Y")
    assert crm.leads["created_at"].tolist() == expected.tolist()
    assert crm.leads["created_at"].dt.to_period("M").nunique() == 12
    assert crm.opportunities[["is_won", "is_closed"]].all().all()
    # won_date keeps its time of day
    assert (crm.opportunities["close_date"].dt.hour > 0).any()


def test_marketing_funnel_without_dayfirst_infers_it_with_a_counted_warning():
    stated = _load("marketing_funnel")
    inferred = _load("marketing_funnel", dayfirst=None)
    assert inferred.leads["created_at"].equals(stated.leads["created_at"])
    assert inferred.opportunities["close_date"].equals(stated.opportunities["close_date"])
    warning = _issue(inferred, "date_dayfirst", "leads")
    assert warning.count == len(inferred.leads) and warning.severity == "warning"


def test_lead_scoring_score_range_and_constants():
    crm = _load("lead_scoring")
    raw = pd.read_csv(EXAMPLES / "lead_scoring" / "Leads.csv")
    assert 100 < crm.leads["score"].max() <= 2000
    assert crm.quality.count("score_out_of_range") == 0
    # the default 0-100 range would flag every score above 100
    default = _load("lead_scoring", score_range=None)
    assert default.quality.count("score_out_of_range") == int((raw["Total Time Spent on Website"] > 100).sum())
    assert len(crm.opportunities) == int(raw["Converted"].sum())
    assert int(crm.leads["converted_at"].notna().sum()) == int(raw["Converted"].sum())
    assert (crm.leads["created_at"] == pd.Timestamp("2024-01-01")).all()


# --------------------------------------------------------------------------- run all
def test_run_all_runs_every_report_whose_tables_the_export_has(example_run):
    name, out, proc = example_run
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    status = {r: record["reports"][r]["status"] for r in REPORTS}
    for report in RUNS[name]:
        assert status[report] == "ok", (report, record["reports"][report]["error"], proc.stderr)
    for report, reason in NOT_APPLICABLE[name].items():
        assert status[report] == "n/a", (report, status[report])
        assert record["reports"][report]["error"] == reason
    assert set(RUNS[name]) | set(NOT_APPLICABLE[name]) == set(REPORTS)
    # the index says so in words, counted apart from the errors
    index = (out / "index.html").read_text(encoding="utf-8")
    n = len(NOT_APPLICABLE[name])
    assert f"0 errors; {n} report{'s' if n != 1 else ''} not applicable" in index
    # n/a reports do not fail a run
    assert proc.returncode == 0, proc.stderr


def test_lead_scoring_score_range_reaches_the_threshold_sweep(example_run):
    name, out, _ = example_run
    if name != "lead_scoring":  # the other exports have no score
        assert "score_range" not in _config(name)["load_options"]
        return
    # load_options.score_range [0, 2000]: round steps of 100 from 0 to 2,000 (21
    # thresholds), not the 0-100 grid of the default range
    sweep = pd.read_csv(out / "scoring" / "threshold_sweep.csv")
    assert sweep["threshold"].tolist() == [float(t) for t in range(0, 2001, 100)]
    summary = json.loads((out / "scoring" / "summary.json").read_text(encoding="utf-8"))
    assert summary["score_range"] == [0.0, 2000.0]
    assert summary["score_range_from"] == "load_options.score_range"


def test_engagement_without_activities_shows_the_pipeline_and_win_rates(example_run):
    name, out, _ = example_run
    if name not in ENGAGEMENT_MISSING:  # no accounts: n/a, checked above
        assert "engagement" in NOT_APPLICABLE[name]
        return
    summary = json.loads((out / "engagement" / "summary.json").read_text(encoding="utf-8"))
    assert summary["missing_tables"] == ENGAGEMENT_MISSING[name]
    assert summary["sentences"][-1].startswith("Skipped: the engagement levels")
    assert summary["dormant_accounts"] is None and summary["stale_opportunities"] is None
    config = _config(name)
    deals = pd.read_csv(EXAMPLES / name / config["load_options"]["paths"]["opportunities"],
                        dtype=str, keep_default_na=False)  # fmt: skip
    rates = pd.read_csv(out / "engagement" / "win_rates.csv")
    owners = rates.loc[rates["dimension"] == "owner"]
    if name == "sales_pipeline":
        # independent counts of the raw file: open deals, and closed deals over the
        # win-rate period (close day in (as_of - 365 days, as_of])
        stage = deals["deal_stage"]
        # open: not won or lost, and created (engage_date) on or before as_of; the
        # Prospecting deals without an engage_date cannot be placed in time, and deals
        # with a blank account are counted and left out (blank required cells)
        placed = (deals["engage_date"] != "") & (deals["account"] != "")
        is_open = ~stage.isin(["Won", "Lost"]) & placed
        assert summary["open_opportunities"] == int(is_open.sum()) == 17
        close = pd.to_datetime(deals["close_date"].replace("", None))
        as_of = pd.Timestamp(config["as_of"])
        closed = stage.isin(["Won", "Lost"]) & placed & (close > as_of - pd.Timedelta(days=365))
        closed &= close <= as_of
        assert owners["closed"].sum() == int(closed.sum())
        assert owners["won"].sum() == int((closed & (stage == "Won")).sum())
    else:  # a closed-won-only file: every closed deal was won
        assert owners["closed"].sum() > 0
        assert (owners["won"] == owners["closed"]).all()
    html = (out / "engagement.html").read_text(encoding="utf-8")
    assert "the export has no activities table" in html

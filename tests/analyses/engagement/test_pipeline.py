"""End to end: ``engagement.run`` on the bundled sample, overrides, argument checks.

The expected figures below were first read from the freeze baseline of the
issue-12 refactor. Re-derived for the 36-month sample (as_of 2026-06-30,
seed 0) and for issue 14 by running ``engagement.run(workbook.load())`` and
checking them against the sample's documented stories (docs/sample_data.md):
the window is 20 days (documented: 20 at seed 0), about 24% of accounts are
dormant (documented: about 23%), Sleepy Hollow Outfitters tops the at-risk
list with its $85k deal (documented), the backtest scores the 180 deals open
at 2025-12-31 with Brier skill 0.27 (documented: about 0.28 for a similar
monthly-snapshot logit), and 16% of won deals are below the age-matched
benchmark at their own age (the issue asks for 15-30%). A change to any of
them is a change of behaviour.
"""

from __future__ import annotations

import pandas as pd
import pytest

import workbook
from workbook.analyses import engagement
from workbook.analyses.engagement import actions as ra
from workbook.analyses.engagement import effectiveness as oe
from workbook.analyses.engagement import levels as lvl
from workbook.analyses.engagement import win_model as wm
from workbook.analyses.engagement import window as win
from workbook.core.params import ParamError

#: summary.json figures of the baseline run (bundled sample, as_of 2026-06-30).
BASELINE_FIGURES = {
    "window_days": 20,
    "window_source": "formula",
    "mean_cycle_days": 79.9788182831661,
    "high_min_records": 5,
    "accounts": 600,
    "dormant_accounts": 144,
    "medium_accounts": 326,
    "high_accounts": 130,
    "dormant_share": 0.24,
    "at_risk_accounts": 11,
    "at_risk_pipeline": 282200.0,
    "open_opportunities": 243,
    "stale_opportunities": 121,
    "below_benchmark_opportunities": 67,
    "overdue_opportunities": 35,
    "open_leads": 1620,
    "stale_leads": 1239,
    "handed_off_leads": 2039,
    "handed_off_not_worked": 84,
    "recommendations": 517,
    "opportunities_with_recommendations": 225,
    "win_model_status": "fitted",
    "win_model_reason": "",
    "win_model_training_deals": 2418,
    "win_model_training_rows": 14123,
    "probability_variance_flags": 145,
    "archive_candidates": 2771,
    "unowned_open_leads": 225,
    "backtest_cut": "2025-12-31",
    "backtest_status": "fitted",
    "backtest_deals": 180,
    "brier": 0.16600776913710874,
    "brier_skill": 0.26857920684276104,
    "brier_skill_ci_low": 0.17370947801173592,
    "brier_skill_ci_high": 0.3548864736605003,
    "calibration_intercept": 0.11979967930314762,
    "calibration_slope": 1.2504288641142318,
    "ece": 0.08030651294161943,
    "skill_gate_open": True,
    "variance_threshold": 30.0,
    "won_below_benchmark_share": 0.16139444803098774,
    "high_min_records_default": 5,
    "cut_points": {"high_min_records": 5, "window_days": 20},
    # every optional table is loaded: nothing skipped (issue 17)
    "missing_tables": [],
    "skipped": [],
}
# The brief's findings (issue 20): the at-risk dormant account of docs/sample_data.md
# (A00023, $85k open; 11 dormant accounts hold $282,200, so 10 others hold $197,200, shown
# in the short money format: $85k, $197k) and
# the one rep that core.noise names (win_rate_notes["owner"]).
BASELINE_FIGURES["findings"] = [
    {
        "report": "engagement",
        "anchor": "At-risk:-dormant-accounts-with-open-pipeline",
        "title": "Dormant account with open pipeline",
        "subject": "Sleepy Hollow Outfitters",
        "action": "Call Sleepy Hollow Outfitters: no activity, new deal or lead in the last 20 "
        "days, with $85k of open pipeline; 10 other dormant accounts hold $197k more.",
        "severity": "high",
        "money": 85000.0,
        "count": None,
        "unit": "",
        "passed": True,
    },
    {
        "report": "engagement",
        "anchor": "Track-record-and-win-rates",
        "title": "Win rate of a rep outside noise",
        "subject": "สมชาย ใจดี",
        "action": "สมชาย ใจดี (33.9%, 20 of 59) is below the "
        "99.8% funnel limit of the overall 58.5% (exact p < 0.001). Review their deals.",
        "severity": "medium",
        "money": None,
        "count": 59,
        "unit": "closed deals",
        "passed": True,
    },
]

#: summary.json "sentences" of the baseline run.
BASELINE_SENTENCES = [
    "144 of 600 accounts (24%) are dormant: no activity, new opportunity or converted lead in the last 20 days (a quarter of the 80-day average sales cycle); 130 are highly engaged.",
    "Sleepy Hollow Outfitters is the dormant account with the most open pipeline ($85k); 11 dormant accounts hold $282k of open pipeline in total.",
    "121 of 243 open opportunities (50%) had no activity in the last 14 days, and 35 are past their close date.",
    "1,239 of 1,620 open leads had no touch in 14 days, and 84 of 2,039 handed-off leads were never worked after the handoff.",
    "The win model beat the base rate on held-out deals (Brier skill 0.27, 95% CI 0.17 to 0.35); its win probability differs from the rep's by more than 30 points on 145 open opportunities.",
]

#: summary.json "headline" of the baseline run: (key, label, display).
BASELINE_HEADLINE = [
    ("dormant_accounts", "Dormant accounts", "144"),
    ("at_risk_pipeline", "Open pipeline in dormant accounts", "$282k"),
    ("stale_opportunities", "Open deals with no recent activity", "121"),
    ("overdue_opportunities", "Open deals past close date", "35"),
    ("handed_off_not_worked", "Handed-off leads never worked", "84"),
]

#: The CSV stems the notebook exports (summary.json "exports"); issue 14 added
#: activity_benchmark, model_backtest, model_reliability, level_track_record, win_rates.
NOTEBOOK_EXPORTS = {
    "accounts",
    "activity_benchmark",
    "level_track_record",
    "model_backtest",
    "model_reliability",
    "win_rates",
    "archive_candidates",
    "at_risk",
    "effectiveness_by_owner",
    "effectiveness_by_stage",
    "handoff_not_worked",
    "lead_effectiveness_by_owner",
    "lead_funnel",
    "lead_status",
    "levels_by_industry",
    "levels_by_owner",
    "model_coefficients",
    "opportunity_effectiveness",
    "probability_variance",
    "recommendations",
    "stale_leads",
    "unowned_leads",
    "window_sensitivity",
}


def test_run_on_the_bundled_sample_gives_the_baseline_figures(sample_results):
    res = sample_results
    assert res.as_of == pd.Timestamp("2026-06-30")
    assert set(res.figures) == set(BASELINE_FIGURES)
    for key, want in BASELINE_FIGURES.items():
        if isinstance(want, float):
            assert res.figures[key] == pytest.approx(want, rel=1e-12), key
        else:
            assert res.figures[key] == want, key
    assert res.sentences == BASELINE_SENTENCES
    assert [(c.key, c.label, c.display) for c in res.cards] == BASELINE_HEADLINE
    assert res.summary() == res.figures


def test_exports_are_the_stems_the_notebook_exported(sample_results):
    exports = sample_results.exports()
    assert set(exports) == NOTEBOOK_EXPORTS
    assert all(isinstance(frame, pd.DataFrame) for frame in exports.values())
    # the two export contracts, with the name beside each id (issue 20) and the
    # recommendation in words
    assert exports["accounts"].columns.tolist() == [
        *lvl.ACCOUNT_EXPORT_COLUMNS[:6],
        "owner_name",
        *lvl.ACCOUNT_EXPORT_COLUMNS[6:],
    ]
    assert lvl.ACCOUNT_EXPORT_COLUMNS[5] == "owner_id"
    assert exports["recommendations"].columns.tolist() == [
        "opportunity_id",
        "opportunity_name",
        "account_id",
        "account_name",
        "owner_id",
        "owner_name",
        "rule",
        "detail",
        "priority",
        "action",
    ]
    first = exports["recommendations"].iloc[0]
    assert first["owner_name"] == "Emma Schmidt"
    assert first["action"] == (
        "Check Nova Metals Group's $218k deal (Negotiation): rep probability 45% vs model 7% "
        "(+38 points); review the forecast."
    )
    # shown, not exported: the full tables behind them carry more columns
    assert sample_results.levels.columns.tolist() == lvl.LEVEL_COLUMNS
    # the shown actions: the recommendations with names, the action in words and the amount
    assert sample_results.actions.columns.tolist() == [
        "opportunity_id",
        "opportunity_name",
        "account_id",
        "account_name",
        "owner_id",
        "owner_name",
        "rule",
        "detail",
        "priority",
        "amount",
        "action",
    ]
    assert (
        sample_results.actions["action"].tolist() == exports["recommendations"]["action"].tolist()
    )
    assert exports["model_coefficients"] is sample_results.model.coefficients


def test_run_accepts_params_and_overrides(sample_crm):
    params = engagement.Params(stale_days=30)
    res = engagement.run(sample_crm, params, window_days=10, horizon_days=1000)
    assert res.params == params.replace(window_days=10, horizon_days=1000)
    assert res.params.stale_days == 30
    assert (res.figures["window_days"], res.figures["window_source"]) == (10, "parameter")
    assert res.window_note == "Window: 10 days, set in the report's settings."
    # every account row carries the window used
    assert (res.accounts["window_days"] == 10).all()
    # a longer stale_days can only make fewer deals stale than the baseline's 14 days
    assert res.figures["stale_opportunities"] <= BASELINE_FIGURES["stale_opportunities"]
    assert "in the last 30 days" in res.sentences[2]
    # a 1000-day horizon: at the backtest cut (2023-09-30) no snapshot has a known label, so
    # the model cannot be checked; the gate stays closed, model_backtest.csv still holds the
    # reason and the count of deals open at the cut, and nothing is flagged
    assert res.figures["backtest_status"] == "refused"
    assert res.figures["skill_gate_open"] is False
    assert res.figures["probability_variance_flags"] == 0
    assert "flagged" not in res.probability_variance.columns
    assert res.model_backtest["reason"].tolist() == [
        "No deal has a snapshot whose horizon has passed."
    ]
    assert res.model_backtest["scored_deals"].iloc[0] > 0
    assert res.sentences[-1].startswith("The win model could not be checked on held-out deals")


@pytest.mark.parametrize(
    "override",
    [
        {"stale_days": 0},  # below the range
        {"top_n": "many"},  # wrong type
        {"probability_variance_threshold": 101},  # above the range
        {"stale_dayz": 3},  # unknown parameter
    ],
)
def test_a_bad_override_raises_param_error(sample_crm, override):
    with pytest.raises(ParamError) as info:
        engagement.run(sample_crm, **override)
    assert info.value.report == "engagement"
    assert info.value.name == next(iter(override))


def test_wrong_argument_types_raise_type_error(sample_crm):
    with pytest.raises(TypeError, match="crm must be a workbook CrmData"):
        engagement.run(sample_crm.accounts)
    with pytest.raises(TypeError, match="params must be"):
        engagement.run(sample_crm, {"stale_days": 3})
    # a previous function's result passed on by mistake names the argument
    model = wm.fit_win_model(sample_crm.opportunities, sample_crm.activities, as_of="2026-06-30")
    with pytest.raises(TypeError, match="effectiveness must be a pandas DataFrame"):
        wm.probability_variance(model, model, gate_open=True, threshold=30)
    with pytest.raises(TypeError, match="model must be a WinModel"):
        wm.score_deals(None, sample_crm.opportunities, sample_crm.activities, as_of="2026-06-30")
    with pytest.raises(TypeError, match="levels must be a pandas DataFrame"):
        lvl.at_risk(win.window_basis(sample_crm.opportunities, as_of="2026-06-30"))
    with pytest.raises(TypeError, match="opportunities must be a pandas DataFrame"):
        oe.opportunity_effectiveness(None, sample_crm.activities, as_of="2026-06-30")


# ---------------------------------------------------------------- end to end (CLI)
def _check_sample_exports(out):
    """Exports of a CLI run on the bundled sample agree with the analysis functions."""
    import json

    folder = out / "engagement"
    accounts = pd.read_csv(
        folder / "accounts.csv",
        dtype={"account_id": "str", "owner_id": "str"},
        keep_default_na=False,
        na_values=[""],
    )
    assert accounts.columns.tolist() == [
        *lvl.ACCOUNT_EXPORT_COLUMNS[:6],
        "owner_name",
        *lvl.ACCOUNT_EXPORT_COLUMNS[6:],
    ]
    recs = pd.read_csv(folder / "recommendations.csv", dtype="str")
    assert recs.columns.tolist() == [
        "opportunity_id",
        "opportunity_name",
        "account_id",
        "account_name",
        "owner_id",
        "owner_name",
        "rule",
        "detail",
        "priority",
        "action",
    ]

    crm = workbook.load(
        None, tables=["accounts", "leads", "opportunities", "activities", "contacts"]
    )
    basis = win.window_basis(crm.opportunities, as_of=crm.as_of)
    levels = lvl.engagement_levels(
        crm.accounts,
        crm.activities,
        crm.opportunities,
        crm.leads,
        as_of=crm.as_of,
        window_days=basis["window_days"],
    )
    assert len(accounts) == len(crm.accounts)  # every account
    assert accounts["account_id"].tolist() == levels["account_id"].tolist()
    assert accounts["level"].tolist() == levels["level"].astype(str).tolist()
    assert accounts["recent_records"].tolist() == levels["recent_records"].tolist()
    assert (accounts["window_days"] == basis["window_days"]).all()
    assert accounts["open_pipeline"].to_numpy() == pytest.approx(levels["open_pipeline"])

    eff = oe.opportunity_effectiveness(crm.opportunities, crm.activities, as_of=crm.as_of)
    model = wm.fit_win_model(
        crm.opportunities, crm.activities, as_of=crm.as_of, account_window_days=basis["window_days"]
    )
    scores = wm.score_deals(model, crm.opportunities, crm.activities, as_of=crm.as_of)
    var = wm.probability_variance(eff, scores, gate_open=True, threshold=30)
    expected = ra.recommendations(eff, var, contacts=crm.get("contacts"))
    assert len(recs) == len(expected)
    assert sorted(zip(recs["opportunity_id"], recs["rule"], strict=True)) == sorted(
        zip(expected["opportunity_id"], expected["rule"], strict=True)
    )
    # every recommendation is for an open opportunity
    assert set(recs["opportunity_id"]) <= set(eff["opportunity_id"])

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["dormant_accounts"] == int((levels["level"] == "dormant").sum())
    assert summary["window_days"] == basis["window_days"]
    assert 3 <= len(summary["sentences"]) <= 5

    # story: the planted dormant account is dormant and tops the at-risk list
    sleepy = accounts.loc[accounts["name"] == "Sleepy Hollow Outfitters"].iloc[0]
    assert sleepy["level"] == "dormant" and sleepy["open_pipeline"] > 0
    risk = pd.read_csv(folder / "at_risk.csv", dtype="str")
    assert risk["name"].iloc[0] == "Sleepy Hollow Outfitters"
    sleepy_rules = set(recs.loc[recs["account_id"] == sleepy["account_id"], "rule"])
    assert "no_recent_activity" in sleepy_rules
    # ... and its recommendation says what to do in words, naming the account and the deal
    sleepy_call = recs.loc[
        (recs["account_id"] == sleepy["account_id"]) & (recs["rule"] == "no_recent_activity"),
        "action",
    ].iloc[0]
    assert sleepy_call.startswith("Call Sleepy Hollow Outfitters about its stalled $85k deal (")
    # the data-bearing names survive the CSV round trip
    assert "We <3 Dogs" in set(accounts["name"])
    # exports are written without leaking their return value (a Path repr) into the report
    assert summary["cut_points"] == {"high_min_records": 5, "window_days": basis["window_days"]}
    backtest = pd.read_csv(folder / "model_backtest.csv")
    assert backtest["gate_open"].tolist() == [True]
    for stem in ("opportunity_effectiveness", "stale_leads", "probability_variance"):
        assert (folder / f"{stem}.csv").is_file(), stem
    html = (out / "engagement.html").read_text(encoding="utf-8")
    assert "PosixPath(" not in html and "WindowsPath(" not in html


@pytest.mark.e2e
def test_sample_run_exports(sample_run):
    _check_sample_exports(sample_run)

"""Tests for workbook.analyses.scoring.pipeline: scoring.run on the bundled sample."""

from __future__ import annotations

import pandas as pd
import pytest

import workbook
from workbook.analyses import scoring
from workbook.core.params import ParamError

# The 13 CSV stems notebooks/02_scoring.ipynb exported before the refactor
# (listed by hand from /work/freeze/baseline/bundled/scoring/).
NOTEBOOK_EXPORTS = {
    "auc",
    "calibration",
    "correlations",
    "decay_summary",
    "decay_sweep",
    "exclusions",
    "logit_fit",
    "outcome_counts",
    "score_bands",
    "segment_bands",
    "segments",
    "threshold_comparison",
    "threshold_sweep",
}


def test_run_on_the_bundled_sample_gives_the_baseline_figures(sample_res):
    # Copied by hand, once, from the freeze baseline of the code before the
    # refactor: /work/freeze/baseline/bundled/scoring/summary.json (bundled
    # sample, default parameters, as_of 2026-06-30).
    f = sample_res.figures
    assert sample_res.as_of == pd.Timestamp("2026-06-30")
    assert (f["n_resolved"], f["n_unresolved"], f["n_wins"]) == (3746, 996, 395)
    assert f["base_win_rate"] == pytest.approx(395 / 3746)  # 0.10544580886278697
    assert f["auc"] == pytest.approx(0.7454955822747036, rel=1e-12)
    assert f["auc_ci"] == pytest.approx([0.7197893614452457, 0.7707014634638516], rel=1e-12)
    assert f["logit_slope"] == pytest.approx(0.04293752094057854, rel=1e-9)
    assert f["odds_ratio_per_10_points"] == pytest.approx(1.5362973594886538, rel=1e-9)
    assert f["spearman_score_amount"] == pytest.approx(0.18796277365179676, rel=1e-12)
    assert f["spearman_score_amount_n"] == 395
    assert (f["current_threshold"], f["recommended_threshold"]) == (60.0, 65.0)
    assert sample_res.recommended_threshold == 65.0
    assert f["handed_off_per_month_current"] == pytest.approx(46.708333333333336)
    assert f["handed_off_per_month_recommended"] == pytest.approx(36.5)
    assert f["win_rate_current"] == pytest.approx(0.22033898305084745)
    assert f["win_rate_recommended_ci"] == pytest.approx(
        [0.20666528925619834, 0.263529001297652], rel=1e-12
    )
    assert f["recommendation_reliable"] is True and f["thin_data_message"] == ""
    assert (f["decay_resolved_leads_decayed"], f["decay_wins_decayed"]) == (2668, 27)
    assert f["decay_handed_off_per_month_after"] == pytest.approx(19.25)
    assert f["decay_win_rate_after"] == pytest.approx(0.49134199134199136)
    assert f["segments_not_predicting"] == ["Partner"]
    assert [c.display for c in sample_res.cards] == ["3,746", "10.5%", "0.75", "1.54", "65"]
    assert sample_res.sentences[0] == (
        "3,746 scored leads are resolved (395 won, base win rate 11%); "
        "996 are still unresolved and left out."
    )
    assert sample_res.sentences[2] == (
        "At 60 you hand off 47 leads a month and win 22%; at 65 you would hand off 36 "
        "(fits capacity 40) and win 23%, keeping 52% of wins."
    )
    assert len(sample_res.sentences) == 5


def test_exports_are_the_stems_the_notebook_exported(sample_res):
    assert set(sample_res.exports()) == NOTEBOOK_EXPORTS
    assert all(isinstance(t, pd.DataFrame) and len(t) for t in sample_res.exports().values())


@pytest.fixture(scope="module")
def crm():
    return workbook.load()


def test_run_accepts_overrides_and_params(crm):
    # Capacity 30 a month: 65 hands off 36.5 a month (baseline), so the
    # recommendation must move above 65.
    res = scoring.run(crm, capacity_per_month=30, n_boot=20)
    assert res.params.capacity_per_month == 30.0 and res.params.n_boot == 20
    assert res.figures["capacity_per_month"] == 30.0
    assert res.recommended_threshold > 65
    assert res.threshold_sweep.equals(
        scoring.threshold_sweep(res.outcomes, step=res.params.threshold_step)
    )
    again = scoring.run(crm, scoring.Params(n_boot=20), seed=3, segment_by="status")
    assert (again.params.n_boot, again.params.seed, again.params.segment_by) == (20, 3, "status")
    assert set(again.segments["segment"]) <= set(crm.leads["status"].dropna())


@pytest.mark.parametrize(
    "override",
    [{"n_boot": -5}, {"segment_by": "fortnight"}, {"decay_points": "lots"}, {"nboot": 5}],
)
def test_a_bad_override_raises_param_error(crm, override):
    with pytest.raises(ParamError) as err:
        scoring.run(crm, **override)
    assert err.value.report == "scoring"
    assert err.value.name == next(iter(override))


def test_wrong_argument_types_raise_type_error(crm):
    with pytest.raises(TypeError, match="crm"):
        scoring.run(crm.leads)
    with pytest.raises(TypeError, match="params"):
        scoring.run(crm, {"n_boot": 5})


SWEEP_CONTRACT = [
    "threshold",
    "handed_off",
    "wins",
    "win_rate",
    "share_of_wins",
    "lift",
    "handed_off_per_month",
]


@pytest.mark.e2e
def test_sample_run_exports_match_the_analysis(sample_run, required_keys):
    import json

    folder = sample_run / "scoring"
    sweep_csv = pd.read_csv(folder / "threshold_sweep.csv")
    assert list(sweep_csv.columns[: len(SWEEP_CONTRACT)]) == SWEEP_CONTRACT
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert required_keys <= set(summary)
    assert summary["report"] == "scoring"

    crm = workbook.load(tables=["leads", "opportunities", "activities"])
    out, _ = scoring.lead_outcomes(crm.leads, crm.opportunities, as_of=crm.as_of)
    sweep = scoring.threshold_sweep(out)
    pd.testing.assert_frame_equal(
        sweep_csv[SWEEP_CONTRACT], sweep[SWEEP_CONTRACT], check_dtype=False
    )
    suff = scoring.data_sufficiency(out)
    assert summary["n_resolved"] == suff["n_resolved"]
    assert summary["n_unresolved"] == suff["n_unresolved"]
    assert summary["base_win_rate"] == pytest.approx(suff["n_wins"] / suff["n_resolved"])
    assert summary["auc"] == pytest.approx(scoring.auc_with_ci(out, n_boot=10).iloc[0]["auc"])
    fit = scoring.logit_fit(out).iloc[0]
    assert summary["logit_slope"] == pytest.approx(fit["slope"])
    assert summary["odds_ratio_per_10_points"] == pytest.approx(fit["odds_ratio_per_10_points"])
    assert summary["spearman_score_amount"] == pytest.approx(
        scoring.correlations(out).iloc[2]["coefficient"]
    )
    assert summary["current_threshold"] == 60
    assert summary["recommended_threshold"] == scoring.recommend_threshold(
        sweep, capacity_per_month=summary["capacity_per_month"]
    )
    # story checks on the sample: enough data, the score predicts, and the
    # recommendation fits the capacity
    assert summary["recommendation_reliable"] is True
    assert summary["auc_ci"][0] > 0.5
    assert summary["logit_slope_ci"][0] > 0
    rec = sweep.set_index("threshold").loc[summary["recommended_threshold"]]
    assert rec["handed_off_per_month"] <= summary["capacity_per_month"]
    for stem in ("score_bands", "calibration", "segments", "decay_summary", "exclusions"):
        assert (folder / f"{stem}.csv").is_file(), stem
    # the decay sweep is exported, and no cell leaks an export's return value
    # (a Path repr) into the report
    assert (folder / "decay_sweep.csv").is_file()
    html = (sample_run / "scoring.html").read_text(encoding="utf-8")
    assert "PosixPath(" not in html and "WindowsPath(" not in html
    bands = pd.read_csv(folder / "score_bands.csv")
    assert not bands["band"].str.startswith("-0").any()

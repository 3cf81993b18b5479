"""Tests for workbook.analyses.scoring.outcomes: won, lost, unresolved on the tiny tables; exclusions; data sufficiency."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import scoring


def _by_id(out):
    return out.set_index("lead_id")


def test_outcome_of_every_lead(outcomes):
    out, _ = outcomes
    o = _by_id(out)
    expected = {
        "L01": ("won", "won"),
        "L02": ("won", "won"),
        "L03": ("lost", "opportunity lost"),
        "L04": ("unresolved", "opportunity open"),
        "L05": ("unresolved", "opportunity open"),
        "L06": ("won", "won"),
        "L07": ("unresolved", "too young"),
        "L08": ("lost", "matured"),
        "L09": ("lost", "matured"),
        "L10": ("unresolved", "too young"),
        "L11": ("lost", "disqualified"),
        "L12": ("won", "won"),
        "L15": ("lost", "matured"),
        "L16": ("lost", "opportunity lost"),
        "L17": ("lost", "disqualified"),
        "L18": ("unresolved", "too young"),
        "L19": ("lost", "matured"),
        "L20": ("unresolved", "too young"),
        "L21": ("unresolved", "too young"),
    }
    assert set(o.index) == set(expected)
    got = {k: (o.loc[k, "outcome"], o.loc[k, "outcome_reason"]) for k in expected}
    assert got == expected
    assert o.loc["L09", "age_days"] == 180
    assert o.loc["L10", "age_days"] == 179
    assert o.loc["L20", "age_days"] == 0
    assert pd.isna(o.loc["L04", "won"])
    assert bool(o.loc["L01", "won"]) is True and bool(o.loc["L03", "won"]) is False
    assert int(o["resolved"].sum()) == 12
    assert o.loc["L02", "amount"] == 5000
    # the dangling opportunity id is dropped, not kept as if it existed
    assert pd.isna(o.loc["L18", "converted_opportunity_id"])


def test_exclusions_and_fixups_are_counted(outcomes):
    _, exclusions = outcomes
    counts = dict(zip(exclusions["reason"], exclusions["n"], strict=True))
    assert counts["created after as_of (or no created_at)"] == 1
    assert counts["blank score"] == 1
    assert counts["converted opportunity id not found; treated as none"] == 1
    assert counts["converted opportunity created after as_of; treated as none"] == 0
    assert counts["converted opportunity still open at as_of"] == 2
    assert counts["no converted opportunity, younger than 180 days"] == 5


def test_maturity_boundary_moves_with_parameter(tiny):
    # With maturity 179 days the 179-day-old L10 becomes lost too.
    out, _ = scoring.lead_outcomes(tiny.leads, tiny.opps, as_of=tiny.as_of, maturity_days=179)
    assert _by_id(out).loc["L10", "outcome"] == "lost"
    out, _ = scoring.lead_outcomes(tiny.leads, tiny.opps, as_of=tiny.as_of, maturity_days=181)
    assert _by_id(out).loc["L09", "outcome"] == "unresolved"


def test_disqualified_statuses_parameter(tiny):
    out, _ = scoring.lead_outcomes(
        tiny.leads, tiny.opps, as_of=tiny.as_of, disqualified_statuses=()
    )
    o = _by_id(out)
    # L11 is 90 days old: without the status rule it is unresolved; L16 keeps its lost opp.
    assert o.loc["L11", "outcome"] == "unresolved"
    assert o.loc["L16", "outcome_reason"] == "opportunity lost"


def test_opportunity_created_after_as_of_is_not_known(tiny):
    opps = tiny.opps.copy()
    opps.loc[opps["opportunity_id"] == "O7", "created_at"] = pd.Timestamp("2024-07-02")
    out, exclusions = scoring.lead_outcomes(tiny.leads, opps, as_of=tiny.as_of)
    assert _by_id(out).loc["L12", "outcome"] == "unresolved"  # 60 days old, no known opp
    counts = dict(zip(exclusions["reason"], exclusions["n"], strict=True))
    assert counts["converted opportunity created after as_of; treated as none"] == 1


# resolved: won 90, 80, 60, 55; lost 80, 75, 60, 50, 45, 40, 30, 20 -> 12 resolved, 4 wins
# resolved created_at from 2023-10-01 (L16) to 2024-05-01 (L12): 8 calendar months.


def test_thin_data_flag(outcomes):
    out, _ = outcomes
    suff = scoring.data_sufficiency(out)
    assert suff["reliable"] is False
    assert (suff["n_resolved"], suff["n_wins"], suff["n_unresolved"]) == (12, 4, 7)
    assert "Thin data" in suff["message"]
    assert scoring.data_sufficiency(out, min_resolved=12, min_wins=4)["reliable"] is True
    assert scoring.data_sufficiency(out, min_resolved=12, min_wins=5)["reliable"] is False


def test_thin_data_names_only_the_limit_that_fails(outcomes):
    out, _ = outcomes
    # 12 resolved leads, 4 wins: with min_resolved 10 only the wins (4 < 20) are short;
    # with min_wins 4 only the resolved leads (12 < 100) are.
    suff = scoring.data_sufficiency(out, min_resolved=10)
    assert suff["shortfall"] == "4 wins (at least 20 needed)"
    assert suff["message"].startswith(
        "Thin data: only 4 wins (at least 20 needed), out of 12 resolved leads."
    )
    suff = scoring.data_sufficiency(out, min_wins=4)
    assert suff["shortfall"] == "12 resolved leads (at least 100 needed)"
    assert scoring.data_sufficiency(out, min_resolved=12, min_wins=4)["shortfall"] == ""
    figs = scoring.summary_figures(
        outcomes=out,
        auc=scoring.auc_with_ci(out, n_boot=50),
        logit=scoring.logit_fit(out),
        correlations=scoring.correlations(out),
        comparison=scoring.threshold_comparison(
            out, thresholds={"current": 60, "recommended": 65}, n_boot=50
        ),
        capacity_per_month=0.5,
        min_resolved=10,
    )
    assert figs["thin_data_shortfall"] == "4 wins (at least 20 needed)"
    assert scoring.summary_sentences(figs)[0] == (
        "Thin data: only 4 wins (at least 20 needed), too few for a reliable threshold "
        "recommendation; treat every number here as indicative."
    )


def test_lead_outcomes_returns_a_named_pair(outcomes):
    assert isinstance(outcomes, scoring.LeadOutcomes)
    assert list(outcomes.outcomes.columns) == scoring.OUTCOME_COLUMNS
    assert list(outcomes.exclusions.columns) == ["kind", "reason", "n"]
    out, exclusions = outcomes  # still unpacks
    assert out is outcomes.outcomes and exclusions is outcomes.exclusions


def test_wrong_argument_types_name_the_argument(outcomes, tiny):
    # the new-user mistake: the whole result passed on instead of .outcomes
    with pytest.raises(
        TypeError, match=r"outcomes must be a pandas DataFrame.*pass its \.outcomes"
    ):
        scoring.threshold_sweep(outcomes)
    with pytest.raises(TypeError, match="outcomes must be a pandas DataFrame, got list"):
        scoring.outcome_counts([1, 2])
    with pytest.raises(TypeError, match="leads must be a pandas DataFrame"):
        scoring.lead_outcomes(tiny.leads.to_dict(), tiny.opps, as_of=tiny.as_of)
    with pytest.raises(ValueError, match="opportunities lacks the column"):
        scoring.lead_outcomes(tiny.leads, tiny.opps.drop(columns="is_won"), as_of=tiny.as_of)


def test_outcome_counts_by_hand(outcomes):
    # tiny tables (see test_outcome_of_every_lead): 4 won, 8 lost, 7 unresolved = 19 leads
    counts = scoring.outcome_counts(outcomes.outcomes)
    assert counts["outcome"].tolist()[:1] == ["won"] and counts["outcome"].iloc[-1] == "unresolved"
    by = counts.set_index(["outcome", "outcome_reason"])["n"].to_dict()
    assert by == {
        ("won", "won"): 4,
        ("lost", "matured"): 4,  # L08, L09, L15, L19
        ("lost", "opportunity lost"): 2,  # L03, L16
        ("lost", "disqualified"): 2,  # L11, L17
        ("unresolved", "too young"): 5,  # L07, L10, L18, L20, L21
        ("unresolved", "opportunity open"): 2,  # L04, L05
    }
    assert counts["share"].sum() == pytest.approx(1.0)
    assert counts.loc[0, "share"] == pytest.approx(4 / 19)

"""Win rates by segment (funnel limits by hand, names only beyond noise) and the level track record."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from workbook.analyses.engagement import track_record as tr


def _deals(rows):
    """rows: (owner, owner name, won, closed) -> one row per closed deal."""
    frames = [
        pd.DataFrame(
            {
                "won": [1] * won + [0] * (closed - won),
                "owner": owner,
                "owner_name": name,
                "industry": "Tech",
                "source": "Web",
            }
        )
        for owner, name, won, closed in rows
    ]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "opportunity_id", [f"D{i}" for i in range(len(out))])
    return out


def test_funnel_limits_are_the_binomial_quantiles_by_hand():
    # n = 10, p0 = 0.5: P(X <= 1) = 11/1024 = 0.0107 < 0.025 <= P(X <= 2) = 56/1024 -> 2/10;
    # P(X <= 7) = 968/1024 = 0.945 < 0.975 <= P(X <= 8) = 1013/1024 -> 8/10;
    # 99.8%: P(X <= 0) = 1/1024 = 0.00098 < 0.001 <= P(X <= 1) -> 1/10; P(X <= 9) = 1023/1024
    # = 0.99902 >= 0.999 > P(X <= 8) = 0.989 -> 9/10
    curve = tr.funnel_curve(10, 0.5, points=10).set_index("n")
    assert curve.loc[10].tolist() == pytest.approx([0.2, 0.8, 0.1, 0.9])
    assert stats.binom.cdf(1, 10, 0.5) == pytest.approx(11 / 1024)
    assert curve.index.tolist() == list(range(1, 11))


def test_a_rep_outside_the_998_limits_is_named_by_name():
    deals = _deals([("U1", "Alice", 0, 10), ("U2", "Bob", 50, 90)])
    got = tr.win_rates_by(deals, dimension="owner")
    # overall 50 / 100 = 0.5; Alice 0 of 10 is below the 99.8% lower limit 1/10 (above)
    table = got.table.set_index("group")
    assert got.overall_rate == pytest.approx(0.5)
    assert table.loc["U1", "lower_998"] == pytest.approx(0.1)
    assert table.loc["U1", "position"] == "below 99.8%"
    assert table.loc["U2", "position"] == "within"
    assert table["named"].to_dict() == {"U2": False, "U1": True}
    assert got.named == ["U1"]
    assert got.sentence.startswith("Alice (0.0%, 0 of 10) is below the 99.8% funnel limit")
    assert "U1" not in got.sentence
    # Wilson CI on every rate
    assert (table["ci_low"] <= table["rate"]).all() and (table["rate"] <= table["ci_high"]).all()


def test_no_signal_names_nobody():
    deals = _deals([("U1", "Alice", 5, 10), ("U2", "Bob", 44, 90), ("U3", "Cem", 11, 20)])
    got = tr.win_rates_by(deals, dimension="owner")
    assert got.named == []
    assert got.sentence.startswith("Differences between owners are within noise")
    with pytest.raises(ValueError):
        tr.win_rates_by(deals, dimension="stage")


def test_level_track_record_on_the_sample(sample_results):
    rec = sample_results.level_track_record.set_index("level")
    # cut 6 months before 2026-06-30; every account known then is at one level
    assert rec["cut"].unique().tolist() == ["2025-12-31"]
    assert rec.index.tolist() == ["dormant", "medium", "high"]
    assert (rec["ci_low"] <= rec["rate"]).all() and (rec["rate"] <= rec["ci_high"]).all()
    # measured at seed 0: dormant 15% (19 of 129), medium 31%, high 67% of accounts won a deal
    assert rec.loc["dormant", "rate"] < rec.loc["medium", "rate"] < rec.loc["high", "rate"]
    assert "differ beyond chance" in sample_results.track_record_note


def test_win_rates_on_the_sample_name_only_beyond_noise(sample_results):
    rates = sample_results.win_rates
    assert set(rates["dimension"]) == {"owner", "industry", "source"}
    named = rates.loc[rates["named"]]
    assert (named["position"] == "below 99.8%").all() | (named["position"] == "above 99.8%").all()
    owners = rates.loc[rates["dimension"] == "owner"]
    assert "U01" not in set(owners["label"])  # names, not ids
    notes = sample_results.win_rate_notes
    assert notes["industry"].startswith("Differences between industries are within noise")

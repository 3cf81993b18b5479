"""Tests for workbook.core.links on tiny hand-built tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.core.links import (
    HANDOFF_COLUMNS,
    LEAD_ACTIVITY_COLUMNS,
    lead_activities,
    lead_handoff_status,
)

T = pd.Timestamp


def _leads(rows):
    cols = ["lead_id", "owner_id", "created_at", "handed_off_at", "converted_opportunity_id"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("created_at", "handed_off_at"):
        df[c] = pd.to_datetime(df[c], format="ISO8601")
    for c in ("lead_id", "owner_id", "converted_opportunity_id"):
        df[c] = df[c].astype("str").where(df[c].notna())
    return df


def _acts(rows):
    cols = ["activity_id", "occurred_at", "type", "lead_id", "opportunity_id"]
    df = pd.DataFrame(rows, columns=cols)
    df["occurred_at"] = pd.to_datetime(df["occurred_at"], format="ISO8601")
    return df


@pytest.fixture
def leads():
    return _leads(
        [
            # L1: converted to O1
            ("L1", "U1", "2024-01-01", "2024-01-01", "O1"),
            # L2: not converted
            ("L2", "U1", "2024-01-05", "2024-01-10", None),
            # L3: converted to O9 which is not in opportunities (dangling)
            ("L3", "U2", "2024-01-05", None, "O9"),
        ]
    )


@pytest.fixture
def acts():
    return _acts(
        [
            ("A1", "2024-01-02", "call", "L1", None),  # L1 via lead
            ("A2", "2024-01-03", "meeting", None, "O1"),  # L1 via opportunity
            ("A3", "2024-01-04", "email", "L1", "O1"),  # L1 both ways -> once, via lead
            ("A4", "2024-01-05", "call", "L2", "O1"),  # L2 via lead AND L1 via opportunity
            ("A5", "2024-01-06", "call", None, "O9"),  # L3 via dangling opp
            ("A6", "2024-01-06", "call", "LX", None),  # unknown lead: no row
        ]
    )


def test_lead_activities_via_and_dedup(leads, acts, any_engine):
    out = lead_activities(leads, acts, engine=any_engine)
    assert list(out.columns) == LEAD_ACTIVITY_COLUMNS
    got = sorted(zip(out["lead_id"], out["activity_id"], out["via"], strict=True))
    assert got == [
        ("L1", "A1", "lead"),
        ("L1", "A2", "opportunity"),
        ("L1", "A3", "lead"),
        ("L1", "A4", "opportunity"),
        ("L2", "A4", "lead"),
        ("L3", "A5", "opportunity"),
    ]
    # sorted by lead_id, then occurred_at, then activity_id
    assert list(zip(out["lead_id"], out["activity_id"], strict=True))[:4] == [
        ("L1", "A1"), ("L1", "A2"), ("L1", "A3"), ("L1", "A4"),
    ]  # fmt: skip


def test_lead_activities_opportunities_filter_dangling(leads, acts):
    opps = pd.DataFrame({"opportunity_id": ["O1"]})
    out = lead_activities(leads, acts, opps)
    assert ("L3", "A5") not in set(zip(out["lead_id"], out["activity_id"], strict=True))
    assert len(out) == 5


def test_lead_activities_without_converted_opportunity(leads, acts):
    out = lead_activities(leads, acts, include_converted_opportunity=False)
    assert set(out["via"]) == {"lead"}
    assert sorted(out["activity_id"]) == ["A1", "A3", "A4"]


def test_lead_activities_empty():
    leads = _leads([("L1", "U1", "2024-01-01", None, None)])
    acts = _acts([("A1", "2024-01-02", "call", "L9", None)])
    out = lead_activities(leads, acts)
    assert out.empty
    assert list(out.columns) == LEAD_ACTIVITY_COLUMNS


def test_handoff_sla_boundary_inclusive():
    # Handoff Jan 1 (midnight), sla_days=2 -> due Jan 3 00:00 inclusive.
    leads = _leads(
        [
            ("H1", "U1", "2024-01-01", "2024-01-01", None),  # touched Jan 3 -> followed
            ("H2", "U1", "2024-01-01", "2024-01-01", None),  # touched Jan 3 00:00:01 -> not
            ("H3", "U2", "2024-01-01", "2024-01-01", "O3"),  # touched via opp Jan 2 -> followed
            ("H4", "U2", "2024-01-01", "2024-01-05", None),  # touched before handoff only
            ("H5", "U2", "2024-01-01", None, None),  # never handed off: no row
            ("H6", "U2", "2024-01-01", "2024-01-11", None),  # handed off after as_of: no row
        ]
    )
    acts = _acts(
        [
            ("A1", "2024-01-03", "call", "H1", None),
            ("A2", "2024-01-03 00:00:01", "call", "H2", None),
            ("A3", "2024-01-02", "meeting", None, "O3"),
            ("A4", "2024-01-04", "call", "H4", None),  # before handoff: ignored
            ("A5", "2024-01-11", "call", "H4", None),  # after as_of: ignored
        ]
    )
    out = lead_handoff_status(leads, acts, as_of="2024-01-10", sla_days=2)
    assert list(out.columns) == HANDOFF_COLUMNS
    out = out.set_index("lead_id")
    assert sorted(out.index) == ["H1", "H2", "H3", "H4"]
    assert out.loc["H1", "followed_up"]
    assert out.loc["H1", "days_to_first_touch"] == 2.0
    assert not out.loc["H2", "followed_up"]
    assert out.loc["H2", "days_to_first_touch"] == pytest.approx(2 + 1 / 86400)
    assert out.loc["H3", "followed_up"]
    assert out.loc["H3", "days_to_first_touch"] == 1.0
    assert not out.loc["H4", "followed_up"]
    assert pd.isna(out.loc["H4", "first_touch_after_handoff"])
    assert np.isnan(out.loc["H4", "days_to_first_touch"])
    # days_waiting: as_of Jan 10 - handoff; NaN when followed up
    assert np.isnan(out.loc["H1", "days_waiting"])
    assert out.loc["H2", "days_waiting"] == 9.0
    assert out.loc["H4", "days_waiting"] == 5.0
    # H4's SLA (due Jan 7) has passed by Jan 10: not open
    assert not out.loc["H4", "sla_open"]


def test_handoff_sla_open_and_as_of_day_inclusive():
    leads = _leads(
        [
            ("H1", "U1", "2024-01-01", "2024-01-09", None),  # due Jan 11, untouched: open
            ("H2", "U1", "2024-01-01", "2024-01-10", None),  # touched 15:00 on the as_of day
        ]
    )
    acts = _acts([("A1", "2024-01-10 15:00", "call", "H2", None)])
    out = lead_handoff_status(leads, acts, as_of="2024-01-10").set_index("lead_id")
    assert out.loc["H1", "sla_open"]
    assert not out.loc["H1", "followed_up"]
    assert out.loc["H1", "days_waiting"] == 1.0
    assert out.loc["H2", "followed_up"]
    assert out.loc["H2", "first_touch_after_handoff"] == T("2024-01-10 15:00")
    assert out.loc["H2", "days_to_first_touch"] == pytest.approx(15 / 24)


def test_handoff_sla_days_parameter():
    leads = _leads([("H1", "U1", "2024-01-01", "2024-01-01", None)])
    acts = _acts([("A1", "2024-01-06", "call", "H1", None)])
    assert not lead_handoff_status(leads, acts, as_of="2024-02-01")["followed_up"].iloc[0]
    assert lead_handoff_status(leads, acts, as_of="2024-02-01", sla_days=5)["followed_up"].iloc[0]


def test_links_skip_blank_lead_ids_and_sort_by_date(any_engine):
    leads = _leads([(None, "U1", "2024-01-01", None, None), ("L2", "U1", "2024-01-01", None, None)])
    acts = _acts(
        [
            ("B", "2024-01-02", "call", "L2", None),
            ("A", "2024-01-03", "call", "L2", None),
            ("C", None, "call", "L2", None),  # no date: last
            ("D", "2024-01-01", "call", None, None),  # no lead: no link, not the blank lead's
        ]
    )
    out = lead_activities(leads, acts, engine=any_engine)
    assert out["lead_id"].tolist() == ["L2", "L2", "L2"]
    assert out["activity_id"].tolist() == ["B", "A", "C"]  # by occurred_at, missing last


def test_handoff_with_repeated_lead_ids_matches_by_id():
    """Repeated ids (validation forbids them) take the by-id path: both rows see the touch."""
    leads = _leads(
        [
            ("H1", "U1", "2024-01-01", "2024-01-01", None),
            ("H1", "U2", "2024-01-01", "2024-01-02", None),
            ("H2", "U2", "2024-01-01", "2024-01-01", None),
        ]
    )
    acts = _acts(
        [("A1", "2024-01-03", "call", "H1", None), ("A2", "2024-01-02", "call", "H2", None)]
    )
    out = lead_handoff_status(leads, acts, as_of="2024-01-10")
    assert out["lead_id"].tolist() == ["H1", "H2", "H1"]  # by handed_off_at, then lead_id
    assert out["first_touch_after_handoff"].tolist() == [T("2024-01-03"), T("2024-01-02"),
                                                          T("2024-01-03")]  # fmt: skip
    assert out["days_to_first_touch"].tolist() == [2.0, 1.0, 1.0]


def test_handoff_first_touch_on_every_engine(any_engine):
    """first_touch_expr on each backend: the same hand-derived first touches."""
    leads = _leads(
        [
            ("H1", "U1", "2024-01-01", "2024-01-01", None),  # A1 Jan 3 (A0 is before handoff)
            ("H2", "U1", "2024-01-01", "2024-01-02", "O2"),  # via O2 Jan 4, directly Jan 5
            ("H3", "U2", "2024-01-01", "2024-01-02", "O9"),  # O9 not an opportunity: no touch
            ("H4", "U2", "2024-01-01", "2024-01-02", None),  # only touch after as_of
        ]
    )
    acts = _acts(
        [
            ("A0", "2023-12-31", "call", "H1", None),
            ("A1", "2024-01-03", "call", "H1", None),
            ("A2", "2024-01-05", "call", "H2", None),
            ("A3", "2024-01-04", "meeting", None, "O2"),
            ("A4", "2024-01-04", "call", None, "O9"),
            ("A5", "2024-01-11", "call", "H4", None),
        ]
    )
    opps = pd.DataFrame({"opportunity_id": pd.array(["O2"], dtype="string")})
    out = lead_handoff_status(leads, acts, opps, as_of="2024-01-10", engine=any_engine)
    first = out.set_index("lead_id")["first_touch_after_handoff"]
    assert first["H1"] == T("2024-01-03")
    assert first["H2"] == T("2024-01-04")
    assert pd.isna(first["H3"]) and pd.isna(first["H4"])
    # without an opportunities table every converted id links (the module's rules)
    loose = lead_handoff_status(leads, acts, as_of="2024-01-10", engine=any_engine)
    assert loose.set_index("lead_id").loc["H3", "first_touch_after_handoff"] == T("2024-01-04")

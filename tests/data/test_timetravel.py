"""Tests for workbook.data.timetravel: as_known_at and the cut-date helpers.

The hand-built CRM below (cut 2024-03-10) has one row per rule; the comment on
each row says what the rule makes of it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbook
from workbook.data import model
from workbook.data.coercion import coerce_table, empty_table
from workbook.data.timetravel import as_known_at

CUT = "2024-03-10"
NA = None


def crm_from(as_of=None, **rows) -> model.CrmData:
    """A CrmData from lists of row dicts per table (missing tables empty)."""
    tables = {}
    for name in model.SPECS:
        data = rows.get(name)
        if data is None:
            if model.SPECS[name].optional:
                continue
            tables[name] = empty_table(name)
        else:
            frame = pd.DataFrame(data, columns=model.SPECS[name].column_names)
            tables[name] = coerce_table(frame, name)
    return model.CrmData(
        tables=tables,
        source="test",
        fingerprint="fp",
        quality="quality-of-full-load",
        as_of=None if as_of is None else pd.Timestamp(as_of),
        metadata={"reader": "test"},
    )


def _acc(i, created, parent=NA):
    return {"account_id": i, "name": i, "parent_id": parent, "created_at": created}


def _lead(i, created, status="Open", handoff=NA, conv=NA, acc=NA, opp=NA):
    return {
        "lead_id": i,
        "created_at": created,
        "status": status,
        "score": 50,
        "handed_off_at": handoff,
        "converted_at": conv,
        "converted_account_id": acc,
        "converted_opportunity_id": opp,
    }


def _opp(i, acc, created, close, closed, won, stage, prob):
    return {
        "opportunity_id": i,
        "account_id": acc,
        "created_at": created,
        "close_date": close,
        "stage": stage,
        "is_closed": closed,
        "is_won": won,
        "amount": 100.0,
        "probability": prob,
    }


def _act(i, when, lead=NA, acc=NA, opp=NA):
    return {
        "activity_id": i,
        "occurred_at": when,
        "type": "call",
        "lead_id": lead,
        "account_id": acc,
        "opportunity_id": opp,
    }


@pytest.fixture
def tiny() -> model.CrmData:
    return crm_from(
        as_of="2024-06-30",
        accounts=[
            _acc("A1", "2024-01-01"),  # kept
            _acc("A2", "2024-03-15"),  # dropped: created after the cut
            _acc("A3", NA),  # kept: blank created_at
            _acc("A4", "2024-01-05", parent="A2"),  # kept, parent_id blanked (A2 dropped)
        ],
        leads=[
            # kept unchanged: everything on or before the cut
            _lead("L1", "2024-03-01", "Converted", "2024-03-05", "2024-03-08", "A1", "O1"),
            # kept (15:00 on the cut day); handoff and conversion after the cut are blanked
            _lead("L2", "2024-03-10 15:00", "Converted", "2024-03-11", "2024-03-20", "A1", "O2"),
            _lead("L3", "2024-03-11"),  # dropped: midnight after the cut
            _lead("L4", NA),  # kept: blank created_at cannot be placed in time
            # converted on time, but to O4, created after the cut: conversion blanked
            _lead("L5", "2024-02-01", "Converted", NA, "2024-03-09", "A1", "O4"),
        ],
        opportunities=[
            _opp("O1", "A1", "2024-03-08", "2024-03-09", True, True, "Closed Won", 100),  # kept
            _opp("O2", "A1", "2024-03-05", "2024-03-20", True, True, "Closed Won", 100),  # reopened
            _opp("O3", "A1", "2024-02-01", "2024-04-30", False, False, "Negotiation", 60),  # open
            _opp("O4", "A1", "2024-03-12", "2024-04-01", False, False, "Prospect", 10),  # dropped
            _opp("O5", "A2", "2024-03-01", "2024-04-01", False, False, "Prospect", 10),  # A2 gone
            _opp("O6", "A1", NA, "2024-04-01", False, False, "Prospect", 10),  # kept: blank date
            _opp("O7", "A1", "2024-01-01", "2024-03-10 23:00", True, False, "Closed Lost", 0),
        ],
        activities=[
            _act("T1", "2024-03-10 12:00", lead="L1"),  # kept
            _act("T2", "2024-03-11", lead="L1"),  # dropped by date
            _act("T3", "2024-03-09", opp="O4"),  # dropped: O4 created after the cut
            _act("T4", "2024-03-09", acc="A2"),  # dropped: A2 created after the cut
            _act("T5", "2024-03-09", lead="L3"),  # dropped: L3 created after the cut
            _act("T6", "2024-03-09", opp="O5"),  # dropped: O5 dropped with its account
            _act("T7", "2024-03-09", opp="O99"),  # kept: dangling already in the input
        ],
        products=[{"product_id": "P1", "name": "Core"}],
        purchases=[
            {"account_id": "A1", "product_id": "P1", "purchased_at": "2024-03-10"},  # kept
            {"account_id": "A1", "product_id": "P1", "purchased_at": "2024-03-11"},  # dropped
            {"account_id": "A2", "product_id": "P1", "purchased_at": "2024-03-09"},  # A2 gone
        ],
        contacts=[{"contact_id": "C1", "account_id": "A2"}],  # kept: contacts carry no date
        users=[{"owner_id": "U1", "name": "Alice"}],
    )


def ids(df: pd.DataFrame, column: str) -> list[str]:
    return df[column].tolist()


def test_rows_kept_and_dropped(tiny):
    past = tiny.as_known_at(CUT)
    assert ids(past.accounts, "account_id") == ["A1", "A3", "A4"]
    assert ids(past.leads, "lead_id") == ["L1", "L2", "L4", "L5"]
    assert ids(past.opportunities, "opportunity_id") == ["O1", "O2", "O3", "O6", "O7"]
    assert ids(past.activities, "activity_id") == ["T1", "T7"]
    assert past.purchases["purchased_at"].tolist() == [pd.Timestamp("2024-03-10")]
    assert ids(past.contacts, "contact_id") == ["C1"]
    assert ids(past.users, "owner_id") == ["U1"]
    assert ids(past.products, "product_id") == ["P1"]
    assert past.accounts["parent_id"].isna().all()  # A4's parent A2 was dropped


def test_reopened_deal(tiny):
    opps = tiny.as_known_at(CUT).opportunities.set_index("opportunity_id")
    o2 = opps.loc["O2"]
    assert not o2["is_closed"] and not o2["is_won"]
    assert pd.isna(o2["stage"]) and np.isnan(o2["probability"])
    assert o2["close_date"] == pd.Timestamp("2024-03-20")  # kept: the known leak
    # closed on the cut day (23:00) stays closed; open deals untouched
    assert opps.loc["O7", "is_closed"] and opps.loc["O7", "stage"] == "Closed Lost"
    assert opps.loc["O3", "stage"] == "Negotiation" and opps.loc["O3", "probability"] == 60
    assert opps.loc["O3", "close_date"] == pd.Timestamp("2024-04-30")
    assert opps.loc["O1", "is_won"] and opps.loc["O1", "probability"] == 100


def test_lead_fields(tiny):
    leads = tiny.as_known_at(CUT).leads.set_index("lead_id")
    conv = ["converted_at", "converted_account_id", "converted_opportunity_id"]
    assert leads.loc["L1", conv].tolist() == [pd.Timestamp("2024-03-08"), "A1", "O1"]
    assert leads.loc["L1", "handed_off_at"] == pd.Timestamp("2024-03-05")
    assert leads.loc["L1", "status"] == "Converted"
    for lead in ("L2", "L5"):  # converted after the cut / to an opportunity dropped
        assert leads.loc[lead, conv].isna().all()
        assert pd.isna(leads.loc[lead, "status"])
    assert pd.isna(leads.loc["L2", "handed_off_at"])
    assert leads.loc["L4", "status"] == "Open"


def test_metadata_as_of_quality(tiny):
    past = tiny.as_known_at(CUT)
    assert past.as_of == pd.Timestamp("2024-03-10")
    assert past.quality == "quality-of-full-load"
    assert past.metadata["reader"] == "test"
    rec = past.metadata["as_known_at"]
    assert rec["dropped"] == {
        "accounts": 1,  # A2
        "leads": 1,  # L3
        "opportunities": 1,  # O4
        "activities": 1,  # T2
        "purchases": 1,  # 2024-03-11
    }
    assert rec["dangling"] == {
        "opportunities.account_id": 1,  # O5
        "accounts.parent_id": 1,  # A4
        "activities.lead_id": 1,  # T5
        "activities.account_id": 1,  # T4
        "activities.opportunity_id": 2,  # T3, T6
        "purchases.account_id": 1,
        "leads.converted_opportunity_id": 1,  # L5 (L2 counted as converted after the cut)
        "leads.converted_account_id": 0,
    }
    assert rec["reopened"] == 1  # O2
    assert rec["handoffs_blanked"] == 1  # L2
    assert rec["conversions_blanked"] == 2  # L2, L5
    assert "as_known_at" not in tiny.metadata


def test_input_unchanged(tiny):
    before = {name: df.copy() for name, df in tiny.tables.items()}
    tiny.as_known_at(CUT)
    for name, df in before.items():
        pd.testing.assert_frame_equal(tiny.tables[name], df)
    assert tiny.as_of == pd.Timestamp("2024-06-30")


@pytest.mark.parametrize(
    "cut",
    [
        "2024-03-10",
        dt.date(2024, 3, 10),
        pd.Timestamp("2024-03-10 08:30"),
        dt.datetime(2024, 3, 10),
    ],
)
def test_boundary(cut):
    crm = crm_from(
        leads=[
            _lead("L1", "2024-03-10"),  # midnight on the cut day: kept
            _lead("L2", "2024-03-10 23:59:59"),  # late on the cut day: kept
            _lead("L3", "2024-03-11"),  # the day after: dropped
            _lead("L4", "2024-03-09 23:00"),  # the day before: kept
        ]
    )
    past = as_known_at(crm, cut)
    assert ids(past.leads, "lead_id") == ["L1", "L2", "L4"]
    assert past.as_of == pd.Timestamp("2024-03-10")


def test_cut_after_as_of_raises(tiny):
    with pytest.raises(ValueError, match="only go back"):
        tiny.as_known_at("2024-07-01")
    assert tiny.as_known_at("2024-06-30").as_of == pd.Timestamp("2024-06-30")


def test_bundled_sample_has_no_future_events():
    crm = workbook.load()
    past = crm.as_known_at("2025-12-31")
    assert past.as_of == pd.Timestamp("2025-12-31")
    assert_no_event_after(past, pd.Timestamp("2025-12-31"))
    counts, full = past.row_counts(), crm.row_counts()
    assert all(counts[t] <= full[t] for t in full)
    assert counts["leads"] < full["leads"] and counts["activities"] < full["activities"]


# ----------------------------------------------------------------- properties
def assert_no_event_after(crm: model.CrmData, cut: pd.Timestamp) -> None:
    """No event date on or after midnight following ``cut``, except expected closes."""
    end = cut.normalize() + pd.Timedelta(days=1)
    opps = crm.opportunities
    checks = [
        crm.accounts["created_at"],
        crm.leads["created_at"],
        crm.leads["converted_at"],
        crm.leads["handed_off_at"],
        opps["created_at"],
        opps.loc[opps["is_closed"].fillna(False).astype(bool), "close_date"],
        crm.activities["occurred_at"],
        crm.purchases["purchased_at"],
    ]
    for dates in checks:
        assert not (dates >= end).any(), dates.name


DAY0 = pd.Timestamp("2024-01-01")
days = st.integers(min_value=0, max_value=20)
stamps = st.one_of(
    st.none(),
    st.builds(lambda d, h: DAY0 + pd.Timedelta(days=d, hours=h), days, st.sampled_from([0, 15])),
)


def _ref(prefix):
    # ids 1-4 exist (when generated), 9 never does: an already-dangling reference
    return st.one_of(st.none(), st.sampled_from([f"{prefix}{i}" for i in (1, 2, 3, 4, 9)]))


@st.composite
def random_crm(draw):
    n_acc, n_lead, n_opp = (draw(st.integers(0, 4)) for _ in range(3))
    accounts = [_acc(f"A{i}", draw(stamps), parent=draw(_ref("A"))) for i in range(1, n_acc + 1)]
    leads = [
        _lead(
            f"L{i}",
            draw(stamps),
            draw(st.sampled_from(["Open", "Converted"])),
            draw(stamps),
            draw(stamps),
            draw(_ref("A")),
            draw(_ref("O")),
        )
        for i in range(1, n_lead + 1)
    ]
    opps = []
    for i in range(1, n_opp + 1):
        closed = draw(st.booleans())
        won = closed and draw(st.booleans())
        opps.append(
            _opp(f"O{i}", draw(_ref("A")), draw(stamps), draw(stamps), closed, won, "S", 50)
        )
    acts = [
        _act(f"T{i}", draw(stamps), draw(_ref("L")), draw(_ref("A")), draw(_ref("O")))
        for i in range(draw(st.integers(0, 6)))
    ]
    purchases = [
        {"account_id": draw(_ref("A")), "product_id": "P1", "purchased_at": draw(stamps)}
        for _ in range(draw(st.integers(0, 3)))
    ]
    return crm_from(
        accounts=accounts,
        leads=leads,
        opportunities=opps,
        activities=acts,
        purchases=purchases,
        products=[{"product_id": "P1", "name": "Core"}],
    )


cuts = st.builds(lambda d: DAY0 + pd.Timedelta(days=d), st.integers(-1, 21))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(crm=random_crm(), cut=cuts)
def test_property_no_future_event_and_no_growth(crm, cut):
    before = {name: df.copy() for name, df in crm.tables.items()}
    past = as_known_at(crm, cut)
    assert_no_event_after(past, cut)
    assert all(past.row_counts()[t] <= n for t, n in crm.row_counts().items())
    for name, df in before.items():  # input unchanged
        pd.testing.assert_frame_equal(crm.tables[name], df)


@SETTINGS
@given(crm=random_crm(), a=cuts, b=cuts)
def test_property_composition(crm, a, b):
    lo, hi = min(a, b), max(a, b)
    twice = as_known_at(as_known_at(crm, hi), lo)
    once = as_known_at(crm, lo)
    assert twice.as_of == once.as_of == lo
    for name in crm.tables:
        pd.testing.assert_frame_equal(twice.tables[name], once.tables[name])
    if hi > lo:  # a cut after the data's as_of (set by the first cut) is refused
        with pytest.raises(ValueError):
            as_known_at(as_known_at(crm, lo), hi)


@SETTINGS
@given(crm=random_crm(), cut=cuts)
def test_property_no_reference_to_dropped_rows(crm, cut):
    """A reference that resolved in the input still resolves after the cut."""
    past = as_known_at(crm, cut)
    for table, column, ref_table, ref_column in model.REFERENCES:
        if table not in past or ref_table not in past:
            continue
        if (table, ref_table) == (model.CONTACTS, model.ACCOUNTS):
            continue  # contacts are kept as loaded (documented)
        resolved_before = set(crm.tables[ref_table][ref_column].dropna())
        known_now = set(past.tables[ref_table][ref_column].dropna())
        values = set(past.tables[table][column].dropna())
        assert not (values & resolved_before) - known_now, (table, column)


# ------------------------------------------------------ cost: lazy frames, shared lookups
def test_frames_built_only_when_read(tiny, monkeypatch):
    from workbook.data import timetravel

    built = []
    frame = timetravel._Plan.frame
    monkeypatch.setattr(
        timetravel._Plan, "frame", lambda self, n: built.append(n) or frame(self, n)
    )
    past = tiny.as_known_at(CUT)
    assert "activities" in past and len(past.tables) == len(tiny.tables)
    assert sorted(past.tables) == sorted(tiny.tables) and built == []
    assert past.metadata["as_known_at"]["dropped"]["activities"] == 1  # counts need no frame
    assert built == []
    assert ids(past.leads, "lead_id") == ["L1", "L2", "L4", "L5"]
    assert past.tables["leads"] is past.leads  # built once, then kept
    assert built == ["leads"]
    with pytest.raises(KeyError):
        past.tables["nonsense"]


def test_select_columns_equals_the_frame_and_keeps_nothing(tiny):
    """``select`` gives ``frame[columns]`` (the blanked values too) without building the frame."""
    past = tiny.as_known_at(CUT)
    picks = {
        "accounts": ["parent_id", "account_id"],  # A4's parent blanked
        "opportunities": ["opportunity_id", "is_closed", "stage", "probability"],  # O2 reopened
        "leads": ["lead_id", "status", "converted_account_id"],  # L2, L5 undone
        "activities": ["activity_id", "occurred_at"],
    }
    for name, columns in picks.items():
        narrow = past.tables.select(name, columns)
        assert list(narrow.columns) == columns
        assert name not in past.tables._frames  # not kept: a later full read builds it
        pd.testing.assert_frame_equal(narrow, tiny.as_known_at(CUT).tables[name][columns])
    o2 = past.tables.select("opportunities", ["opportunity_id", "stage"]).set_index(
        "opportunity_id"
    )
    assert pd.isna(o2.loc["O2", "stage"])  # by hand: O2 closed after the cut, stage blanked
    full = past.activities  # once built, select reads the kept frame
    assert past.tables.select("activities", ["activity_id"])["activity_id"].tolist() == (
        full["activity_id"].tolist()
    )
    with pytest.raises(KeyError):
        past.tables.select("nonsense", ["x"])


def test_reference_lookups_shared_by_later_cuts(tiny, monkeypatch):
    from workbook.data import validate  # the lookups are kept by validate.cached_positions

    calls = []
    real = validate.positions
    monkeypatch.setattr(validate, "positions", lambda v, k: calls.append(v.name) or real(v, k))
    dict(tiny.as_known_at(CUT).metadata["as_known_at"])
    first = len(calls)
    assert first > 0
    rec = dict(tiny.as_known_at("2024-03-01").metadata["as_known_at"])
    assert len(calls) == first  # every lookup came from the first cut
    assert rec["dropped"]["leads"] == 2  # L2, L3 (L1, created on 2024-03-01, is kept)


def test_replaced_column_is_looked_up_again(tiny):
    """The shared lookups follow the frames: a column assigned since is not served stale."""
    assert tiny.as_known_at(CUT).leads["converted_opportunity_id"].tolist()[0] == "O1"
    leads = tiny.leads.copy()
    leads["converted_opportunity_id"] = leads["converted_opportunity_id"].replace({"O1": "O4"})
    tiny.tables["leads"] = leads  # L1 now converted to O4, created after the cut
    past = tiny.as_known_at(CUT)
    assert pd.isna(past.leads.loc[0, "converted_opportunity_id"])
    assert past.metadata["as_known_at"]["dangling"]["leads.converted_opportunity_id"] == 2


def reference_cut(crm: model.CrmData, cut) -> dict[str, pd.DataFrame]:
    """The rules of as_known_at written plainly (sets of dropped ids), for comparison."""
    end = pd.Timestamp(cut).normalize() + pd.Timedelta(days=1)
    t = {name: df.copy() for name, df in crm.tables.items()}
    gone = {}

    def after(s):
        return (s >= end).fillna(False).to_numpy(bool, copy=True)

    def refers(s, ids):
        return s.isin(ids).to_numpy(bool, copy=True) & s.notna().to_numpy(bool)

    for name, col, key in (
        ("accounts", "created_at", "account_id"),
        ("leads", "created_at", "lead_id"),
        ("opportunities", "created_at", "opportunity_id"),
    ):
        late = after(t[name][col])
        gone[name] = set(t[name].loc[late, key].dropna())
        t[name] = t[name].loc[~late]
    bad = refers(t["opportunities"]["account_id"], gone["accounts"])
    gone["opportunities"] |= set(t["opportunities"].loc[bad, "opportunity_id"].dropna())
    t["opportunities"] = t["opportunities"].loc[~bad]
    acc = t["accounts"]
    acc.loc[refers(acc["parent_id"], gone["accounts"]), "parent_id"] = pd.NA
    act = t["activities"]
    act = act.loc[~after(act["occurred_at"])]
    for col, ref in (("lead_id", "leads"), ("account_id", "accounts"),
                     ("opportunity_id", "opportunities")):  # fmt: skip
        act = act.loc[~refers(act[col], gone[ref])]
    t["activities"] = act
    pur = t["purchases"]
    pur = pur.loc[~after(pur["purchased_at"])]
    t["purchases"] = pur.loc[~refers(pur["account_id"], gone["accounts"])]
    opps = t["opportunities"]
    reopen = opps["is_closed"].fillna(False).to_numpy(bool) & after(opps["close_date"])
    opps.loc[reopen, ["is_closed", "is_won"]] = False
    opps.loc[reopen, "stage"] = pd.NA
    opps.loc[reopen, "probability"] = np.nan
    leads = t["leads"]
    leads.loc[after(leads["handed_off_at"]), "handed_off_at"] = pd.NaT
    undo = after(leads["converted_at"])
    undo |= refers(leads["converted_opportunity_id"], gone["opportunities"])
    undo |= refers(leads["converted_account_id"], gone["accounts"])
    converted = undo & (leads["status"] == "Converted").fillna(False).to_numpy(bool)
    leads.loc[undo, "converted_at"] = pd.NaT
    leads.loc[undo, ["converted_account_id", "converted_opportunity_id"]] = pd.NA
    leads.loc[converted, "status"] = pd.NA
    return {name: df.reset_index(drop=True) for name, df in t.items()}


@st.composite
def crm_with_repeated_ids(draw):
    """Like random_crm, but ids drawn from a small pool, so they may repeat."""
    crm = draw(random_crm())
    for name, key, prefix in (("accounts", "account_id", "A"), ("leads", "lead_id", "L"),
                              ("opportunities", "opportunity_id", "O")):  # fmt: skip
        df = crm.tables[name]
        pool = [f"{prefix}{i}" for i in (1, 2, 3, 9)] + [None]
        df[key] = pd.Series([draw(st.sampled_from(pool)) for _ in range(len(df))],
                            dtype=df[key].dtype)  # fmt: skip
    return crm


@SETTINGS
@given(crm=crm_with_repeated_ids(), cut=cuts)
def test_property_equals_plain_rules_with_repeated_ids(crm, cut):
    """Repeated or blank ids (validation forbids them; a hand-built CrmData may have them)."""
    past, expected = as_known_at(crm, cut), reference_cut(crm, cut)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(past.tables[name], frame, check_index_type=False)


def test_first_rows_of_ids():
    from workbook.data.timetravel import _first_rows

    # strictly increasing ids: each row is its id's first row, without a lookup
    assert _first_rows(pd.Series(["A1", "A2", "B1"], dtype="string")).tolist() == [0, 1, 2]
    # repeated or unordered ids: the first row holding each id; a blank id at len(ids)
    ids = pd.Series(["B", "A", "B", None], dtype="string")
    assert _first_rows(ids).tolist() == [0, 1, 0, 4]


def test_rows_are_the_kept_loaded_rows(tiny):
    past = tiny.as_known_at(CUT)
    for name in ("activities", "leads", "opportunities"):
        rows = past.tables.rows(name)
        assert len(rows) == len(past.tables[name])
        ids = model.SPECS[name].primary_key
        assert tiny.tables[name][ids].iloc[rows].tolist() == past.tables[name][ids].tolist()
    with pytest.raises(KeyError):
        past.tables.rows("nonsense")

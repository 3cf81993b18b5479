"""Fixtures of the cohort tests: tiny hand-built tables and builders for more.

The ``crm`` fixture's docstring derives every expected number the tests use.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.analyses import cohort as co

AS_OF = "2024-03-15"


def _dates(df, cols):
    for c in cols:
        df[c] = pd.to_datetime(df[c], format="ISO8601")
    return df


def _texts(df: pd.DataFrame, columns) -> pd.DataFrame:
    """Text and id columns in the ``string`` dtype, as the canonical tables hold them.

    An all-missing column built from ``None`` would otherwise be untyped
    (object), which a warehouse engine cannot store.
    """
    for c in columns:
        df[c] = df[c].astype("string")
    return df


def _make_leads(rows):
    cols = [
        "lead_id",
        "created_at",
        "source",
        "owner_id",
        "handed_off_at",
        "converted_opportunity_id",
    ]
    df = _dates(pd.DataFrame(rows, columns=cols), ["created_at", "handed_off_at"])
    return _texts(df, ["lead_id", "source", "owner_id", "converted_opportunity_id"])


def _make_acts(rows):
    cols = ["activity_id", "occurred_at", "type", "lead_id", "opportunity_id"]
    df = _dates(pd.DataFrame(rows, columns=cols), ["occurred_at"])
    return _texts(df, ["activity_id", "type", "lead_id", "opportunity_id"])


def _make_opps(rows):
    cols = ["opportunity_id", "created_at", "close_date", "is_won"]
    df = _dates(pd.DataFrame(rows, columns=cols), ["created_at", "close_date"])
    df["is_won"] = df["is_won"].astype("boolean")
    return _texts(df, ["opportunity_id"])


@pytest.fixture
def make_leads():
    """Build a leads table from (lead_id, created_at, source, owner_id, handed_off_at, converted_opportunity_id) rows."""
    return _make_leads


@pytest.fixture
def make_acts():
    """Build an activities table from (activity_id, occurred_at, type, lead_id, opportunity_id) rows."""
    return _make_acts


@pytest.fixture
def make_opps():
    """Build an opportunities table from (opportunity_id, created_at, close_date, is_won) rows."""
    return _make_opps


@pytest.fixture
def crm():
    """Six leads; as_of 2024-03-15 (cohort months 2024-01, -02, -03).

    L1 2024-01-31 web : touched Feb 1 (k=1); meeting via converted O1 Feb 10 (k=1);
                        O1 created Feb 5 (k=1), won Mar 1 (k=2); handed off Jan 31.
    L2 2024-01-10 web : touch Jan 9 (before creation, ignored), touch Mar 20 (after
                        as_of, ignored); O2 created Jan 5 (before creation, ignored),
                        won Apr 1 (after as_of, ignored).
    L3 2024-02-15 event: touched Feb 15 (k=0); meeting on the lead Mar 2 (k=1);
                        handed off Feb 13 (first touch exactly 2 days later).
    L4 2024-03-01 blank source: nothing; handed off Mar 14 (SLA still open).
    L5 2024-03-20 web : created after as_of -> excluded.
    L6 2024-01-20 web : touched Mar 15 10:00 (the as_of day, k=2); O6 created Mar 10
                        (k=2), open; handed off Jan 20 (touched 55 days later).
    """
    leads = _make_leads(
        [
            ("L1", "2024-01-31", "web", "U1", "2024-01-31", "O1"),
            ("L2", "2024-01-10", "web", "U1", None, "O2"),
            ("L3", "2024-02-15", "event", "U1", "2024-02-13", None),
            ("L4", "2024-03-01", None, "U2", "2024-03-14", None),
            ("L5", "2024-03-20", "web", "U2", None, None),
            ("L6", "2024-01-20", "web", "U2", "2024-01-20", "O6"),
        ]
    )
    acts = _make_acts(
        [
            ("A1", "2024-02-01", "call", "L1", None),
            ("A2", "2024-02-10", "meeting", None, "O1"),
            ("A3", "2024-01-09", "call", "L2", None),
            ("A4", "2024-03-20", "call", "L2", None),
            ("A5", "2024-02-15", "email", "L3", None),
            ("A6", "2024-03-02", "meeting", "L3", None),
            ("A7", "2024-03-21", "call", "L5", None),
            ("A8", "2024-03-15 10:00", "call", "L6", None),
        ]
    )
    opps = _make_opps(
        [
            ("O1", "2024-02-05", "2024-03-01", True),
            ("O2", "2024-01-05", "2024-04-01", True),
            ("O6", "2024-03-10", "2024-06-30", False),
        ]
    )
    return leads, acts, opps


def _cells(ft, milestone, cohort="2024-01"):
    sel = ft[(ft["milestone"] == milestone) & (ft["cohort"] == cohort)]
    return sel.sort_values("months_since")["reached"].tolist()


@pytest.fixture
def cells():
    """``cells(ft, milestone, cohort="2024-01")``: the cohort's cumulative ``reached`` by k."""
    return _cells


def _figures(leads, acts, opps, **kw):
    ft = co.follow_through(leads, acts, opps, as_of=AS_OF)
    return co.summary_figures(
        follow_through=ft,
        equal_age=co.equal_age(ft, periods=1, milestone="opportunity"),
        period_vs_cohort=co.period_vs_cohort(leads, acts, opps, as_of=AS_OF),
        handoff=co.handoff_followup(leads, acts, opps, as_of=AS_OF),
        not_followed_up=co.not_followed_up(leads, acts, opps, as_of=AS_OF),
        exclusions=co.milestone_exclusions(leads, acts, opps, as_of=AS_OF),
        periods=1,
        **kw,
    )


@pytest.fixture
def figures_of():
    """``figures_of(leads, acts, opps, **kw)``: summary_figures at equal age 1, min 2 leads."""
    return _figures


@pytest.fixture
def tiny_crm(crm):
    """The six-lead ``crm`` tables as a CrmData with ``as_of`` 2024-03-15 (for ``co.run``)."""
    from workbook.data.coercion import empty_table
    from workbook.data.model import CrmData

    leads, acts, opps = crm
    # is_closed is canonical (crm.as_known_at needs it): every fixture deal has a close date
    opps = opps.assign(is_closed=opps["close_date"].notna())
    tables = {"leads": leads, "activities": acts, "opportunities": opps}
    for name, frame in tables.items():  # the other canonical columns, blank
        blank = empty_table(name)
        missing = [c for c in blank.columns if c not in frame.columns]
        tables[name] = frame.assign(**{c: blank[c].reindex(frame.index) for c in missing})
    return CrmData(tables=tables, as_of=pd.Timestamp(AS_OF))


@pytest.fixture(scope="session")
def sample_crm():
    """The bundled sample, loaded once (``workbook.load()``)."""
    import workbook

    return workbook.load()


@pytest.fixture(scope="session")
def sample_res(sample_crm):
    """``co.run`` on the bundled sample with the default Params, run once."""
    return co.run(sample_crm)

"""Every CSV export with an owner, account, opportunity or lead id carries the name beside it (issue 20)."""

import pytest

import workbook
from workbook.analyses import cohort, engagement, hierarchy, scoring, whitespace

#: id column -> the columns that may name it (``name`` when the rows are accounts).
NAMED_BY = {
    "owner_id": {"owner_name"},
    "account_id": {"account_name", "name"},
    "opportunity_id": {"opportunity_name"},
    "lead_id": {"company"},  # a lead is named by its company
}


@pytest.fixture(scope="module")
def exports():
    crm = workbook.load(None)
    return {
        R.__name__.rsplit(".", 1)[-1]: R.run(crm).exports()
        for R in (cohort, scoring, hierarchy, whitespace, engagement)
    }


def test_every_id_has_its_name(exports):
    missing = [
        (report, stem, key)
        for report, tables in exports.items()
        for stem, frame in tables.items()
        for key, names in NAMED_BY.items()
        if key in frame.columns and not names & set(frame.columns)
    ]
    assert missing == []


def test_names_are_filled_where_the_sample_has_them(exports):
    recs = exports["engagement"]["recommendations"]
    assert recs[["opportunity_name", "account_name", "owner_name"]].notna().all().all()
    assert not recs["owner_name"].str.fullmatch(r"U\d+").any()


def test_leads_are_named_by_their_company(exports):
    # the two lead lists that carried only lead_id: the company sits right after it
    for report, stem in (("cohort", "not_followed_up"), ("engagement", "handoff_not_worked")):
        frame = exports[report][stem]
        assert len(frame) > 0
        assert list(frame.columns).index("company") == list(frame.columns).index("lead_id") + 1
        assert frame["company"].notna().all(), (report, stem)

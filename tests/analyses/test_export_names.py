"""Every CSV export with an owner, account or opportunity id carries the name beside it (issue 20)."""

import pytest

import workbook
from workbook.analyses import engagement, hierarchy, scoring, whitespace

#: id column -> the columns that may name it (``name`` when the rows are accounts).
NAMED_BY = {
    "owner_id": {"owner_name"},
    "account_id": {"account_name", "name"},
    "opportunity_id": {"opportunity_name"},
}


@pytest.fixture(scope="module")
def exports():
    crm = workbook.load(None)
    return {
        R.__name__.rsplit(".", 1)[-1]: R.run(crm).exports()
        for R in (scoring, hierarchy, whitespace, engagement)
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

"""Names beside ids: hand-built lookups, unknown ids, the opportunity name fallback."""

import numpy as np
import pandas as pd

from workbook.analyses.engagement.actions import action_words
from workbook.core.names import ID_LOOKUPS, ID_NAMES, Names, deal_text


class _Crm:
    def __init__(self, **tables):
        self.tables = tables

    def get(self, name):
        return self.tables.get(name)


USERS = pd.DataFrame({"owner_id": ["U1", "U2"], "name": ["Ann Lee", "Bo Chen"]})
ACCOUNTS = pd.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme", "We <3 Dogs"]})
OPPS = pd.DataFrame(
    {
        "opportunity_id": ["O1", "O2", "O3"],
        "account_id": ["A1", "A2", "A9"],
        "amount": [48_000.0, None, 900.0],
        "stage": ["Negotiation", "Proposal", None],
    }
)


def test_opportunity_named_by_account_amount_stage():
    names = Names.of(_Crm(users=USERS, accounts=ACCOUNTS, opportunities=OPPS))
    assert names.opportunities.to_dict() == {
        "O1": "Acme, $48k (Negotiation)",
        "O2": "We <3 Dogs (Proposal)",  # no amount
        "O3": "(no account), $900",  # unknown account, no stage
    }


def test_opportunity_name_column_wins_when_filled():
    opps = OPPS.assign(name=["Acme renewal", None, "Big one"])
    names = Names.of(_Crm(accounts=ACCOUNTS, opportunities=opps))
    assert names.opportunities.tolist() == ["Acme renewal", "We <3 Dogs (Proposal)", "Big one"]


def test_beside_ids_inserts_names_after_ids_and_keeps_rows():
    names = Names.of(_Crm(users=USERS, accounts=ACCOUNTS, opportunities=OPPS))
    frame = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O9"],
            "account_id": ["A1", "A2"],
            "owner_id": ["U2", None],
            "x": [1, 2],
        }
    )
    out = names.beside_ids(frame)
    assert out.columns.tolist() == [
        "opportunity_id",
        "opportunity_name",
        "account_id",
        "account_name",
        "owner_id",
        "owner_name",
        "x",
    ]
    assert out["owner_name"].tolist()[0] == "Bo Chen" and pd.isna(out["owner_name"].iloc[1])
    assert pd.isna(out["opportunity_name"].iloc[1])  # unknown id: missing name, row kept
    accounts_rows = pd.DataFrame({"account_id": ["A1"], "name": ["Acme"]})
    assert names.beside_ids(accounts_rows) is accounts_rows  # rows are accounts: nothing added


def test_deal_text_vectorised():
    got = deal_text(pd.Series(["Acme"]), pd.Series([1_500_000.0]), pd.Series(["Closed"]))
    assert got.tolist() == ["Acme, $1.5M (Closed)"]
    # repeated and missing amounts, a missing account and stage, a non-default index
    got = deal_text(
        pd.Series(["Acme", None, "Bolt", "Acme"], index=[7, 3, 5, 1]),
        pd.Series([48_000.0, np.nan, 48_000.0, 940.0], index=[7, 3, 5, 1]),
        pd.Series(["Won", "Open", None, "Won"], index=[7, 3, 5, 1]),
    )
    assert got.index.tolist() == [7, 3, 5, 1]
    assert got.tolist() == [
        "Acme, $48k (Won)",
        "(no account) (Open)",
        "Bolt, $48k",
        "Acme, $940 (Won)",
    ]


def test_action_words():
    recs = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2"],
            "account_id": ["A1", "A9"],
            "rule": ["no_recent_activity", "no_meeting_yet"],
            "detail": [
                "Last activity on 2026-05-30 (31 days ago).",
                "No meeting logged on this opportunity yet.",
            ],
            "amount": [48_000.0, 5_000.0],
        }
    )
    stages = pd.Series({"O1": "Negotiation", "O2": "Proposal"})
    words = action_words(
        recs, account_names=ACCOUNTS.set_index("account_id")["name"], stages=stages
    )
    assert words.tolist() == [
        "Call Acme about its stalled $48k deal (Negotiation): last activity on 2026-05-30 "
        "(31 days ago).",
        "Book a meeting with the account about its $5k deal (Proposal): no meeting logged on "
        "this opportunity yet.",
    ]


def test_example_ids_get_their_records_name_beside_them():
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "company": ["Lumen Ltd", None]})
    names = Names.of(_Crm(users=USERS, accounts=ACCOUNTS, opportunities=OPPS, leads=leads))
    record = pd.DataFrame(
        {
            "check": ["parent_cycle", "unknown_reference", "x", "y", "z", "blank"],
            "table": ["accounts", "leads", "activities", "users", "opportunities", "leads"],
            "examples": ["A1, A9, A2", "L1, L2", "ACT1", "U2", "O1", "row 7"],
        },
        index=[5, 5, 6, 7, 8, 9],  # a repeated index label must not mix rows
    )
    named = names.name_examples(record)
    assert named["examples"].tolist() == [
        "Acme (A1), A9, We <3 Dogs (A2)",  # A9 is unknown: its id alone
        "Lumen Ltd (L1), L2",  # L2 has no company
        "ACT1",  # activities have no names
        "Bo Chen (U2)",
        "Acme, $48k (Negotiation) (O1)",  # a deal without a name: account, amount, stage
        "row 7",  # a row number, not an id
    ]
    assert list(named.index) == [5, 5, 6, 7, 8, 9] and record["examples"].iloc[0] == "A1, A9, A2"
    # without the columns, or empty, the frame is returned as it is
    no_table = record.drop(columns="table")
    assert names.name_examples(no_table) is no_table
    assert names.name_examples(record.iloc[:0]).empty
    blank = names.name_examples(record.assign(examples=["", None, "ACT1", "U2", "O1", "row 7"]))
    assert blank["examples"].iloc[0] == "" and pd.isna(blank["examples"].iloc[1])


def test_every_named_id_has_a_lookup_of_names():
    names = Names.of(_Crm(users=USERS, accounts=ACCOUNTS, opportunities=OPPS))
    assert [key for key, _ in ID_NAMES] == list(ID_LOOKUPS)
    for key, lookup in ID_LOOKUPS.items():
        assert isinstance(getattr(names, lookup), pd.Series), key


def test_few_ids_named_from_their_rows_as_the_whole_lookup_names_them(monkeypatch):
    import workbook.core.names as names_module

    # duplicates (first row wins), a blank name (skipped for a later row), an unknown id
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L2", "L3", "L3"] + [f"X{i}" for i in range(40)],
            "company": ["Acme", "Bolt", "Other", None, "Cobalt"] + ["filler"] * 40,
        }
    )
    ids = pd.Series(["L3", "L9", None, "L2", "L1", "L2"])
    few = Names.of(_Crm(leads=leads)).beside_ids(ids.to_frame("lead_id"))
    monkeypatch.setattr(names_module, "FEW_IDS_FACTOR", 0)  # always the whole lookup
    whole = Names.of(_Crm(leads=leads)).beside_ids(ids.to_frame("lead_id"))
    assert few["company"].tolist()[:2] == ["Cobalt", whole["company"].iloc[1]]
    assert few["company"].tolist()[3:] == ["Bolt", "Acme", "Bolt"]
    pd.testing.assert_frame_equal(few, whole)


def test_few_deals_named_from_their_rows_with_their_accounts(monkeypatch):
    import workbook.core.names as names_module

    opps = pd.concat([OPPS] + [OPPS.assign(opportunity_id=f"F{i}") for i in range(30)])
    frame = pd.DataFrame({"opportunity_id": ["O3", "O1"]})
    few = Names.of(_Crm(accounts=ACCOUNTS, opportunities=opps)).beside_ids(frame)
    assert few["opportunity_name"].tolist() == ["(no account), $900", "Acme, $48k (Negotiation)"]
    monkeypatch.setattr(names_module, "FEW_IDS_FACTOR", 0)
    whole = Names.of(_Crm(accounts=ACCOUNTS, opportunities=opps)).beside_ids(frame)
    pd.testing.assert_frame_equal(few, whole)

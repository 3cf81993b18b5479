"""The ``preset="salesforce"`` reader: a standard Salesforce data-export directory.

``Account.csv``, ``Lead.csv``, ``Opportunity.csv``, ``Product2.csv``,
``Contact.csv`` and ``User.csv`` map column by column
(:data:`SALESFORCE_COLUMNS`); activities come from ``Task.csv`` and
``Event.csv``, purchases from ``Asset.csv`` or from opportunity line items
(see :func:`read_salesforce`). Every substitution is a counted fix-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from workbook.data import model
from workbook.data.coercion import (
    STRING_DTYPE,
    TRUE_VALUES,
    as_text,
    parse_numbers,
    row_labels,
)
from workbook.data.mapping import map_columns, table_mapping
from workbook.data.options import absent_columns_problem
from workbook.data.readers.export import check_sources
from workbook.data.readers.files import read_csv_raw
from workbook.data.readers.raw import RawTable
from workbook.data.validate import FIXUP, DataValidationError, Issue, example_ids, problem

__all__ = [
    "SALESFORCE_COLUMNS",
    "SALESFORCE_FILES",
    "missing_file_hint",
    "read_salesforce",
]

#: Default Salesforce field for each canonical column; tuples list candidates,
#: the first present is used. ``columns={table: {...}}`` overrides them.
SALESFORCE_COLUMNS: dict[str, dict[str, str | tuple[str, ...]]] = {
    model.ACCOUNTS: {
        "account_id": "Id",
        "parent_id": "ParentId",
        "name": "Name",
        "owner_id": "OwnerId",
        "industry": "Industry",
        "created_at": "CreatedDate",
    },
    model.LEADS: {
        "lead_id": "Id",
        "created_at": "CreatedDate",
        "source": "LeadSource",
        "status": "Status",
        "score": "pi__score__c",
        "owner_id": "OwnerId",
        "handed_off_at": ("MQL_Date__c", "MQL_Date_Time__c"),
        "converted_at": "ConvertedDate",
        "converted_account_id": "ConvertedAccountId",
        "converted_opportunity_id": "ConvertedOpportunityId",
        "company": "Company",
    },
    model.OPPORTUNITIES: {
        "opportunity_id": "Id",
        "account_id": "AccountId",
        "created_at": "CreatedDate",
        "close_date": "CloseDate",
        "stage": "StageName",
        "is_closed": "IsClosed",
        "is_won": "IsWon",
        "amount": "Amount",
        "probability": "Probability",
        "owner_id": "OwnerId",
        "name": "Name",
    },
    model.PRODUCTS: {
        "product_id": "Id",
        "name": "Name",
        "family": "Family",
        "list_price": ("List_Price__c", "ListPrice", "UnitPrice"),
    },
    model.CONTACTS: {
        "contact_id": "Id",
        "account_id": "AccountId",
        "title": "Title",
        "is_decision_maker": ("Decision_Maker__c", "Is_Decision_Maker__c"),
    },
    model.USERS: {
        "owner_id": "Id",
        "name": "Name",
        "team": "Department",
        "started_at": "CreatedDate",
    },
}

#: The export file of each table mapped column by column.
SALESFORCE_FILES = {
    model.ACCOUNTS: "Account.csv",
    model.LEADS: "Lead.csv",
    model.OPPORTUNITIES: "Opportunity.csv",
    model.PRODUCTS: "Product2.csv",
    model.CONTACTS: "Contact.csv",
    model.USERS: "User.csv",
}

#: Salesforce key prefixes (first three characters of an id).
SF_LEAD_PREFIX, SF_ACCOUNT_PREFIX, SF_OPPORTUNITY_PREFIX = "00Q", "001", "006"


def missing_file_hint(table: str) -> str:
    """The export file(s) a table is read from, for a "missing table" message."""
    return {
        model.ACTIVITIES: "Task.csv or Event.csv",
        model.PURCHASES: "Asset.csv, or OpportunityLineItem.csv with Opportunity.csv",
    }.get(table, SALESFORCE_FILES.get(table, ""))


def _sf_file(directory: Path, name: str) -> Path | None:
    exact = directory / name
    if exact.is_file():
        return exact
    lowered = name.lower()
    for candidate in directory.iterdir():
        if candidate.name.lower() == lowered and candidate.is_file():
            return candidate
    return None


def _coalesce(frame: pd.DataFrame, names: Iterable[str]) -> tuple[pd.Series, pd.Series]:
    """First non-blank value over ``names``; also which name supplied it."""
    out = pd.Series(pd.NA, index=frame.index, dtype=STRING_DTYPE)
    origin = pd.Series(pd.NA, index=frame.index, dtype=STRING_DTYPE)
    for name in names:
        if name in frame.columns:
            value = as_text(frame[name])
            take = out.isna() & value.notna()
            out = out.mask(take, value)
            origin = origin.mask(take, name)
    return out, origin


def _sf_mapping(table: str, header: Iterable[str], columns: Mapping | None) -> dict[str, str]:
    header = set(header)
    mapping = {}
    for canonical, candidates in SALESFORCE_COLUMNS[table].items():
        candidates = (candidates,) if isinstance(candidates, str) else candidates
        present = [c for c in candidates if c in header]
        mapping[canonical] = present[0] if present else candidates[0]
    mapping.update(table_mapping(table, columns))
    return mapping


def _fallback_fixup(table, column, origin, primary, labels, what) -> Issue | None:
    used = (origin.notna() & ~origin.isin(list(primary))).to_numpy(dtype=bool)
    if not used.any():
        return None
    n = int(used.sum())
    return Issue(
        f"{column}_fallback",
        table,
        column,
        n,
        example_ids(labels[used]),
        f"{n} row(s) had no {'/'.join(primary)}; {what}",
        FIXUP,
    )


def read_salesforce(
    directory: Path, tables: Iterable[str], *, columns=None, encoding=None
) -> dict[str, RawTable]:
    """Read a Salesforce data export into raw tables with canonical column names.

    Mappings (see :data:`SALESFORCE_COLUMNS` for the simple tables):

    * ``activities`` from ``Task.csv`` and ``Event.csv``: ``occurred_at`` is
      ``ActivityDateTime``, else ``ActivityDate``, else ``CreatedDate`` (a
      counted fix-up); ``type`` is ``TaskSubtype`` else ``Type`` for tasks and
      ``meeting`` for every event; ``WhoId`` starting ``00Q`` gives
      ``lead_id``; ``WhatId`` starting ``006`` gives ``opportunity_id`` and
      starting ``001`` gives ``account_id`` (else ``AccountId``).
    * ``purchases`` from ``Asset.csv`` (``AccountId``, ``Product2Id``,
      ``PurchaseDate`` else ``InstallDate`` else ``CreatedDate`` (fix-up),
      ``Price``, ``Discount__c``/``Discount``), or, without it, from
      ``OpportunityLineItem.csv`` joined to ``Opportunity.csv``: won
      opportunities only (other lines counted as fix-up ``line_item_not_won``),
      ``purchased_at`` = ``CloseDate``, ``amount`` = ``TotalPrice`` else
      ``UnitPrice * Quantity``, ``discount_pct`` = ``Discount``.
    * ``users.team`` is the role name from ``UserRole.csv`` (via
      ``UserRoleId``) when present, else ``Department``.

    Ids are kept as text, so 15- and 18-character ids survive.
    """
    directory = Path(directory)
    out: dict[str, RawTable] = {}
    cache: dict[str, RawTable] = {}
    problems = []

    def read(name: str) -> RawTable | None:
        if name not in cache:
            path = _sf_file(directory, name)
            if path is None:
                return None
            cache[name] = read_csv_raw(path, encoding=encoding)
        return cache[name]

    for table in list(tables):
        if table in SALESFORCE_FILES:
            raw = read(SALESFORCE_FILES[table])
            if raw is None:
                continue
            fallbacks, absent = check_sources(table, columns, raw.frame.columns)
            if absent:
                problems.append(
                    absent_columns_problem(table, "columns", absent, raw.frame.columns, raw.file)
                )
                continue
            frame = map_columns(raw.frame, table, _sf_mapping(table, raw.frame.columns, columns))
            if table == model.USERS:
                frame = _sf_user_teams(frame, raw.frame, read("UserRole.csv"))
            used = _alternatives_used(table, raw.frame.columns, columns)
            found = RawTable(frame, raw.file, raw.digest, raw.encoding, fallbacks + used)
        elif table == model.ACTIVITIES:
            found = _sf_activities(read("Task.csv"), read("Event.csv"))
        elif table == model.PURCHASES:
            found = _sf_purchases(
                read("Asset.csv"), read("OpportunityLineItem.csv"), read("Opportunity.csv")
            )
        else:
            found = None
        if found is not None:
            out[table] = found
    if problems:
        raise DataValidationError(problems)
    return out


def _alternatives_used(table: str, header, columns: Mapping | None) -> list[Issue]:
    """``column_alternative`` fix-ups: a preset field read from its listed alternative."""
    header = set(header)
    explicit = table_mapping(table, columns)
    out = []
    for canonical, candidates in SALESFORCE_COLUMNS[table].items():
        if isinstance(candidates, str) or canonical in explicit:
            continue
        present = [c for c in candidates if c in header]
        if present and present[0] != candidates[0]:
            out.append(
                Issue(
                    "column_alternative", table, canonical, 0, (),
                    f"{candidates[0]} is not in the file; {canonical} read from {present[0]}",
                    FIXUP,
                )
            )  # fmt: skip
    return out


def _sf_user_teams(frame: pd.DataFrame, raw: pd.DataFrame, roles: RawTable | None):
    if roles is None or "UserRoleId" not in raw.columns:
        return frame
    names = roles.frame.set_index("Id")["Name"]
    names = names[~names.index.duplicated()]
    role = as_text(raw["UserRoleId"]).map(names)
    team = frame["team"] if "team" in frame.columns else pd.Series(pd.NA, index=frame.index)
    return frame.assign(team=as_text(role).fillna(as_text(team)))


# --------------------------------------------------------------------------- activities
def _sf_activity_part(f: pd.DataFrame, is_event: bool) -> tuple[pd.DataFrame, Issue | None]:
    """Canonical activity columns of one Task or Event frame, and its date fallback fix-up."""
    ids = as_text(f["Id"]) if "Id" in f.columns else pd.Series(pd.NA, index=f.index)
    primary = ("ActivityDateTime", "ActivityDate")
    occurred, origin = _coalesce(f, (*primary, "CreatedDate"))
    fix = _fallback_fixup(model.ACTIVITIES, "occurred_at", origin, primary, ids, "CreatedDate used")
    if is_event:
        kind = pd.Series("meeting", index=f.index, dtype=STRING_DTYPE)
    else:
        kind, _ = _coalesce(f, ("TaskSubtype", "Type"))
    who, _ = _coalesce(f, ("WhoId",))
    what, _ = _coalesce(f, ("WhatId",))
    account, _ = _coalesce(f, ("AccountId",))
    what_account = what.where(what.str.startswith(SF_ACCOUNT_PREFIX).fillna(False))
    part = pd.DataFrame(
        {
            "activity_id": ids,
            "occurred_at": occurred,
            "type": kind,
            "lead_id": who.where(who.str.startswith(SF_LEAD_PREFIX).fillna(False)),
            "account_id": what_account.fillna(account),
            "opportunity_id": what.where(what.str.startswith(SF_OPPORTUNITY_PREFIX).fillna(False)),
            "owner_id": _coalesce(f, ("OwnerId",))[0],
        }
    )
    return part, fix


def _sf_activities(task: RawTable | None, event: RawTable | None) -> RawTable | None:
    parts, files, fixups, digests = [], [], [], []
    for raw, is_event in ((task, False), (event, True)):
        if raw is None:
            continue
        part, fix = _sf_activity_part(raw.frame, is_event)
        if fix is not None:
            fixups.append(fix)
        parts.append(part)
        files.append(raw.file)
        digests.append(raw.digest)
    if not parts:
        return None
    frame = pd.concat(parts, ignore_index=True)
    return RawTable(
        frame, " + ".join(files), "".join(digests), task.encoding if task else None, fixups
    )


# --------------------------------------------------------------------------- purchases
def _sf_purchases(asset, line_items, opportunities) -> RawTable | None:
    if asset is not None:
        return _asset_purchases(asset)
    if line_items is None or opportunities is None:
        return None
    return _line_item_purchases(line_items, opportunities)


def _asset_purchases(asset: RawTable) -> RawTable:
    f = asset.frame
    labels = as_text(f["Id"]) if "Id" in f.columns else row_labels(f, model.PURCHASES)
    primary = ("PurchaseDate", "InstallDate")
    purchased, origin = _coalesce(f, (*primary, "CreatedDate"))
    fixups = [
        _fallback_fixup(
            model.PURCHASES, "purchased_at", origin, primary, labels, "CreatedDate used"
        )
    ]
    frame = pd.DataFrame(
        {
            "account_id": _coalesce(f, ("AccountId",))[0],
            "product_id": _coalesce(f, ("Product2Id",))[0],
            "purchased_at": purchased,
            "amount": _coalesce(f, ("Price",))[0],
            "discount_pct": _coalesce(f, ("Discount__c", "Discount"))[0],
        }
    )
    return RawTable(frame, asset.file, asset.digest, asset.encoding, [x for x in fixups if x])


def _won_line_items(line_items: RawTable, opportunities: RawTable):
    """Line items joined to their opportunity; the won mask, labels, and the not-won fix-up."""
    li, opp = line_items.frame, opportunities.frame
    opp_cols = pd.DataFrame(
        {
            "OpportunityId": as_text(opp["Id"]),
            "_account": _coalesce(opp, ("AccountId",))[0],
            "_close": _coalesce(opp, ("CloseDate",))[0],
            "_won": as_text(opp["IsWon"]).str.lower().isin(TRUE_VALUES)
            if "IsWon" in opp.columns
            else False,
        }
    ).drop_duplicates("OpportunityId")
    joined = li.assign(OpportunityId=as_text(li["OpportunityId"])).merge(
        opp_cols, on="OpportunityId", how="left"
    )
    won = joined["_won"].fillna(False).to_numpy(dtype=bool)
    labels = as_text(joined["Id"]) if "Id" in joined.columns else joined["OpportunityId"]
    fixups = []
    if (~won).any():
        n = int((~won).sum())
        fixups.append(
            Issue(
                "line_item_not_won",
                model.PURCHASES,
                "account_id",
                n,
                example_ids(labels[~won]),
                f"{n} opportunity line item(s) of open, lost or unknown opportunities "
                "not counted as purchases",
                FIXUP,
            )
        )
    return joined, won, labels, fixups


def _line_item_amount(joined: pd.DataFrame, labels: pd.Series, file: str):
    """``TotalPrice``, else ``UnitPrice * Quantity`` (a non-number there is an error)."""
    if "TotalPrice" in joined.columns:
        return as_text(joined["TotalPrice"])
    price, bad_p = parse_numbers(joined.get("UnitPrice", pd.Series(index=joined.index)))
    qty, bad_q = parse_numbers(joined.get("Quantity", pd.Series(1.0, index=joined.index)))
    bad = bad_p | bad_q
    if bad.any():
        raise DataValidationError(
            [
                problem(
                    "not_numeric",
                    table=model.PURCHASES,
                    column="amount",
                    count=int(bad.sum()),
                    examples=example_ids(labels[bad]),
                    file=file,
                    detail=f"{int(bad.sum())} non-numeric UnitPrice/Quantity value(s)",
                )
            ]
        )
    return price * qty


def _line_item_purchases(line_items: RawTable, opportunities: RawTable) -> RawTable:
    joined, won, labels, fixups = _won_line_items(line_items, opportunities)
    joined = joined[won]
    amount = _line_item_amount(joined, labels[won], line_items.file)
    frame = pd.DataFrame(
        {
            "account_id": joined["_account"],
            "product_id": _coalesce(joined, ("Product2Id",))[0],
            "purchased_at": joined["_close"],
            "amount": amount,
            "discount_pct": _coalesce(joined, ("Discount",))[0],
        }
    ).reset_index(drop=True)
    file = f"{line_items.file} + {opportunities.file}"
    digest = line_items.digest + opportunities.digest
    return RawTable(frame, file, digest, line_items.encoding, fixups)

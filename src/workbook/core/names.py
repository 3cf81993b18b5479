"""Names beside ids: people read names, not ids.

:class:`Names` holds the lookups of one ``CrmData`` (owners from ``users``,
accounts, opportunities, leads) and :meth:`Names.beside_ids` inserts
``owner_name``, ``account_name``, ``opportunity_name`` and a lead's
``company`` right after the id column they name, in any table that has the id and not yet the name.

An opportunity is named by the optional ``name`` column of
``opportunities`` (Salesforce ``Opportunity.Name``) when it is present and
filled; otherwise by its account, amount and stage, e.g.
``"Acme, $48k (Negotiation)"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from workbook.core.text import money

__all__ = ["ID_NAMES", "RECORD_NAMES", "Names", "deal_text"]

#: Each id column and the name column that goes beside it (and, in a shown
#: table, in its place: see :func:`workbook.present.report.table_html`).
ID_NAMES: tuple[tuple[str, str], ...] = (
    ("opportunity_id", "opportunity_name"),
    ("account_id", "account_name"),
    ("owner_id", "owner_name"),
    ("family_id", "family_name"),
    ("root_account_id", "root_name"),
    ("parent_id", "parent_name"),
    ("lead_id", "company"),
)

#: The :class:`Names` lookup that names each id column of :data:`ID_NAMES`
#: (the account ids of a hierarchy are accounts too).
ID_LOOKUPS = {
    "opportunity_id": "opportunities",
    "account_id": "accounts",
    "owner_id": "owners",
    "family_id": "accounts",
    "root_account_id": "accounts",
    "parent_id": "accounts",
    "lead_id": "leads",
}


#: The tables whose records have a name, and the :class:`Names` lookup naming their ids
#: (a lead is named by its ``company``).
RECORD_NAMES = {
    "accounts": "accounts",
    "leads": "leads",
    "opportunities": "opportunities",
    "users": "owners",
}


def _lookup(frame: pd.DataFrame | None, key: str, value: str = "name") -> pd.Series:
    if frame is None or key not in frame.columns or value not in frame.columns:
        return pd.Series(dtype="string")
    pairs = frame[[key, value]].dropna().drop_duplicates(key)
    return pairs.set_index(key)[value].astype("string")


def deal_text(account: pd.Series, amount: pd.Series, stage: pd.Series) -> pd.Series:
    """``"Acme, $48k (Negotiation)"`` per row; a missing amount or stage is left out."""
    # Amounts repeat (2.3k distinct among 516k deals in the large sample): each
    # distinct amount is written once and the texts taken back by code.
    codes, uniques = pd.factorize(amount)  # a missing amount coded -1
    words = pd.Series(uniques).map(money).astype("string").array
    amt = pd.Series(words.take(codes, allow_fill=True), index=amount.index)
    out = account.astype("string").fillna("(no account)")
    out = out.where(amt.isna(), out + ", " + amt)
    stage = stage.astype("string")
    return out.where(stage.isna(), out + " (" + stage + ")")


def _deal_names(opps: pd.DataFrame | None, accounts: pd.Series) -> pd.Series:
    """``opportunity_id`` -> its ``name``, else its :func:`deal_text` (first row per id)."""
    if opps is None:
        return pd.Series(dtype="string")
    described = deal_text(
        opps["account_id"].map(accounts),
        opps["amount"],
        opps.get("stage", pd.Series(index=opps.index, dtype="string")),
    )
    if "name" in opps.columns:
        described = opps["name"].astype("string").fillna(described)
    by_id = pd.Series(described.to_numpy(), index=opps["opportunity_id"]).astype("string")
    return by_id[~by_id.index.duplicated()]


@dataclass(frozen=True)
class Names:
    """Name lookups of one loaded data set (see the module docstring).

    The opportunity names (one text per deal) and the leads' companies are
    built on first use: most reports export no ``opportunity_id`` or
    ``lead_id`` (and a million leads take a while to look up).
    """

    owners: pd.Series = field(default_factory=lambda: pd.Series(dtype="string"))
    accounts: pd.Series = field(default_factory=lambda: pd.Series(dtype="string"))
    deals: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    lead_rows: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, crm) -> Names:
        """The lookups of ``crm`` (tables it did not load give empty lookups)."""
        return cls(
            owners=_lookup(crm.get("users"), "owner_id"),
            accounts=_lookup(crm.get("accounts"), "account_id"),
            deals=crm.get("opportunities"),
            lead_rows=crm.get("leads"),
        )

    @cached_property
    def leads(self) -> pd.Series:
        """``lead_id`` -> the lead's ``company`` (empty without a leads table)."""
        return _lookup(self.lead_rows, "lead_id", "company")

    @cached_property
    def opportunities(self) -> pd.Series:
        """``opportunity_id`` -> name (its ``name``, else account, amount and stage)."""
        return _deal_names(self.deals, self.accounts)

    def beside_ids(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with a name column after each of its id columns (a copy; ``frame`` itself when it has none).

        ``owner_id`` gets ``owner_name``, ``account_id`` gets ``account_name``
        (not when the frame already has ``name`` and no ``opportunity_id``: its
        rows are accounts; a ``name`` beside ``opportunity_id`` is the deal's),
        ``opportunity_id`` gets ``opportunity_name``, and the account ids of a
        hierarchy (``family_id``, ``root_account_id``, ``parent_id``) get
        ``family_name``, ``root_name`` and ``parent_name``; ``lead_id`` gets the
        lead's ``company`` (how the leads tables name a lead). An id with no name
        (unknown, or blank) gets a missing name; no row is dropped.
        """
        out = frame
        for key, name in ID_NAMES:
            if key not in out.columns or name in out.columns:
                continue
            if (
                key == "account_id"
                and "name" in out.columns
                and "opportunity_id" not in out.columns
            ):
                continue
            if out is frame:
                out = frame.copy(deep=False)  # copy-on-write: inserting leaves ``frame`` as it was
            lookup = getattr(self, ID_LOOKUPS[key])  # read lazily: only for ids the frame has
            out.insert(out.columns.get_loc(key) + 1, name, _mapped(out[key], lookup))
        return out

    def name_examples(
        self, frame: pd.DataFrame, *, table: str = "table", examples: str = "examples"
    ) -> pd.DataFrame:
        """``frame`` with each example id named: ``"A00013, A00014"`` -> ``"Acme (A00013), ..."``.

        ``frame[examples]`` holds comma-separated ids of the records of the
        table named in ``frame[table]`` (the data-quality record's form). An
        id of a table in :data:`RECORD_NAMES` whose record has a name reads
        ``name (id)``; an unknown id, a row number (``row 7``) and the ids of
        other tables stay as they are. Returns a copy (``frame`` itself when
        it lacks either column or has no rows).
        """
        if table not in frame.columns or examples not in frame.columns or frame.empty:
            return frame
        given = frame[examples].astype("string").reset_index(drop=True)
        ids = given.str.split(", ").explode()
        ids = ids[ids.notna() & ids.ne("")]
        tables = frame[table].astype("string").reset_index(drop=True).reindex(ids.index)
        named = pd.Series(pd.NA, index=ids.index, dtype="string")
        for name in tables.dropna().unique():
            lookup = RECORD_NAMES.get(str(name))
            if lookup is None:
                continue
            here = tables.eq(name).fillna(False).to_numpy(dtype=bool)
            named[here] = ids[here].map(getattr(self, lookup)).astype("string").to_numpy()
        shown = (named + " (" + ids + ")").fillna(ids)
        joined = shown.groupby(level=0).agg(", ".join).reindex(given.index).astype("string")
        out = frame.copy()
        out[examples] = joined.fillna(given).to_numpy()
        return out


def _mapped(ids: pd.Series, lookup: pd.Series) -> pd.Series:
    """``ids.map(lookup).astype("string")``, looking each distinct id up once.

    A table with millions of rows repeats few ids: they are coded
    (:func:`pandas.factorize`, a missing id coded too), the distinct ids
    mapped, and the names taken back by code.
    """
    codes, uniques = pd.factorize(ids, use_na_sentinel=False)
    names = pd.Series(uniques).map(lookup).astype("string")
    return pd.Series(names.array.take(codes), index=ids.index, name=ids.name)

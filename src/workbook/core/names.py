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

from collections.abc import Mapping

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


#: Where each :class:`Names` lookup comes from: (table, id column, name column);
#: opportunities are named by :func:`_deal_names`.
SOURCES = {
    "owners": ("users", "owner_id", "name"),
    "accounts": ("accounts", "account_id", "name"),
    "leads": ("leads", "lead_id", "company"),
    "opportunities": ("opportunities", "opportunity_id", None),
}

#: A lookup is built for the few ids asked for (their rows filtered first)
#: when they are fewer than the table's rows divided by this; otherwise the
#: whole table's lookup is built once and kept. Both give the same names.
FEW_IDS_FACTOR = 20


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


class Names:
    """Name lookups of one loaded data set (see the module docstring).

    Each lookup (``owners``, ``accounts``, ``leads``, ``opportunities``: id
    -> name, first row per id) is built on first use, from the table of
    :data:`SOURCES`: a report that names only owners never reads its million
    leads. :meth:`name_examples` and :meth:`beside_ids` name a few ids from
    those ids' rows alone (:meth:`lookup`).

    Parameters
    ----------
    frames : mapping, optional
        ``users``, ``accounts``, ``opportunities`` and ``leads`` tables (any
        may be missing or ``None``: its lookup is empty).
    """

    def __init__(self, frames: Mapping[str, pd.DataFrame | None] | None = None):
        self._frames = {t: f for t, f in (frames or {}).items() if f is not None}
        self._built: dict[str, pd.Series] = {}

    @classmethod
    def of(cls, crm) -> Names:
        """The lookups of ``crm`` (tables it did not load give empty lookups)."""
        return cls({table: crm.get(table) for table, _, _ in SOURCES.values()})

    def lookup(self, kind: str, ids=None) -> pd.Series:
        """Lookup ``kind`` (a key of :data:`SOURCES`): id -> name, first row per id.

        With ``ids`` (the distinct ids to be named) and no whole lookup built
        yet, only those ids' rows are read when they are few
        (:data:`FEW_IDS_FACTOR`); the names are the same either way.
        """
        if kind in self._built:
            return self._built[kind]
        table, key, _ = SOURCES[kind]
        frame = self._frames.get(table)
        if (
            ids is not None
            and frame is not None
            and key in frame.columns
            and len(ids) * FEW_IDS_FACTOR < len(frame)
        ):
            frame = frame[frame[key].isin(pd.Index(ids).dropna())]
            return self._from(kind, frame)
        self._built[kind] = self._from(kind, frame)
        return self._built[kind]

    def _from(self, kind: str, frame: pd.DataFrame | None) -> pd.Series:
        _, key, value = SOURCES[kind]
        if kind != "opportunities":
            return _lookup(frame, key, value)
        if frame is None:
            return pd.Series(dtype="string")
        accounts = self.lookup("accounts", frame["account_id"].dropna().unique())
        return _deal_names(frame, accounts)

    @property
    def owners(self) -> pd.Series:
        """``owner_id`` -> the user's ``name``."""
        return self.lookup("owners")

    @property
    def accounts(self) -> pd.Series:
        """``account_id`` -> the account's ``name``."""
        return self.lookup("accounts")

    @property
    def leads(self) -> pd.Series:
        """``lead_id`` -> the lead's ``company``."""
        return self.lookup("leads")

    @property
    def opportunities(self) -> pd.Series:
        """``opportunity_id`` -> name (its ``name``, else account, amount and stage)."""
        return self.lookup("opportunities")

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
            out.insert(out.columns.get_loc(key) + 1, name, self._mapped(out[key], ID_LOOKUPS[key]))
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
            kind = RECORD_NAMES.get(str(name))
            if kind is None:
                continue
            here = tables.eq(name).fillna(False).to_numpy(dtype=bool)
            named[here] = self._mapped(ids[here], kind).to_numpy()
        shown = (named + " (" + ids + ")").fillna(ids)
        joined = shown.groupby(level=0).agg(", ".join).reindex(given.index).astype("string")
        out = frame.copy()
        out[examples] = joined.fillna(given).to_numpy()
        return out

    def _mapped(self, ids: pd.Series, kind: str) -> pd.Series:
        """``ids.map(lookup).astype("string")``, looking each distinct id up once.

        A table with millions of rows repeats few ids: they are coded
        (:func:`pandas.factorize`, a missing id coded too), the distinct ids
        mapped (:meth:`lookup` of just those when they are few), and the
        names taken back by code.
        """
        codes, uniques = pd.factorize(ids, use_na_sentinel=False)
        names = pd.Series(uniques).map(self.lookup(kind, uniques)).astype("string")
        return pd.Series(names.array.take(codes), index=ids.index, name=ids.name)

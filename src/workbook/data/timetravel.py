"""Time travel: the CRM as it was known at the end of an earlier day.

:func:`as_known_at` rebuilds what a CRM export taken at the end of day ``cut``
would have held, as far as the current export allows, for out-of-time checks
(fit on what was known at ``cut``, score what happened after). The cut-date
helpers :func:`workbook.core.calendar.month_end_cuts` and
:func:`workbook.core.calendar.last_month_end_before` choose cuts
on month-ends. ``docs/time_travel.md`` documents the same rules for users.

Rules of :func:`as_known_at`
----------------------------
Day rule: ``cut`` is a calendar day and is inclusive. A row is "after the
cut" when its date is on or after midnight following ``cut``
(``date >= as_of_end(cut)``, see :func:`workbook.core.calendar.as_of_end`), so a
row stamped 15:00 on the ``cut`` day is kept and one at 00:00 the next day
is dropped. Blank dates are never "after the cut".

Rules, applied in this order:

1. **Dated rows after the cut are dropped**: accounts, leads and
   opportunities by ``created_at``; activities by ``occurred_at``;
   purchases by ``purchased_at``. Rows with a blank date cannot be placed
   in time and are **kept** (a blank ``created_at`` is allowed on
   accounts; on leads and opportunities it is a validation issue, and the
   row is kept as loaded).
2. **No kept row refers to a row dropped in step 1.** "Dropped" means
   present in the input and removed by this cut; references that were
   already dangling in the input are left alone (validation reports
   them). In clean data none of these can happen, so each is counted:

   * an opportunity whose account was dropped is dropped;
   * an account whose parent was dropped gets a blank ``parent_id``;
   * an activity whose lead, account or opportunity was dropped (including
     opportunities dropped here) is dropped;
   * a purchase whose account was dropped is dropped.
3. **Re-opened deals**: a closed opportunity whose ``close_date`` is after
   the cut becomes open: ``is_closed`` and ``is_won`` False, ``stage`` and
   ``probability`` blank (their post-close values would leak). Its
   ``close_date`` is kept as the expected close date (a known leak: the
   expected close date a rep had entered at ``cut`` is not in the export).
   Closed deals with a blank ``close_date`` are left closed.
4. **Leads**: ``handed_off_at`` after the cut becomes blank. The
   conversion (``converted_at``, ``converted_account_id``,
   ``converted_opportunity_id``) is blanked as a whole when
   ``converted_at`` is after the cut, or when the converted opportunity or
   account was dropped; such a lead's ``status`` is blanked when it reads
   ``"Converted"`` (it was not converted at the cut, and its status then
   is unknown).
5. Contacts, users and products carry no dates and are kept unchanged
   (a contact may therefore belong to an account created after the cut).

What cannot be reconstructed (the export holds only today's values):

* current lead ``score`` values, for every lead;
* the ``stage`` and ``probability`` of deals still open at the cut, and
  their ``amount`` and expected ``close_date``;
* the ``status`` of leads still open at the cut, and owners
  (``owner_id``) of every row, which may have been reassigned since;
* records deleted from the CRM after the cut.

Cost
----
A cut is cheap until a table is read. :func:`as_known_at` first works out,
per table, which rows the rules keep and which values they blank: boolean
masks over the loaded rows, from date comparisons and the integer position
of every reference in the table it points to. Those positions are computed
once per pair of loaded columns and shared by every later cut of the same
data (a report's four or six backtest cuts look up 5M activity ids once, not
at each cut); a table's ids in strictly increasing text order, as exports
usually are, are each their own first row, without a lookup. A table's
frame is built only when it is first read from the cut (``past.leads``,
``past.tables["leads"]``), then kept: a cut whose activities are never read
never copies them. The counts of
``metadata["as_known_at"]`` are worked out when that record is first read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from workbook.core.calendar import as_of_end
from workbook.core.links import strictly_increasing
from workbook.data import model
from workbook.data.validate import cached_positions

#: Lead columns blanked together when a conversion had not happened by the cut.
CONVERTED_COLUMNS = ("converted_at", "converted_account_id", "converted_opportunity_id")

#: The lead status that a conversion undone by the cut can no longer carry.
CONVERTED_STATUS = "Converted"

#: Key of :attr:`CrmData.metadata` holding the record of the last cut.
METADATA_KEY = "as_known_at"

#: Rule 1: the date that places each dated table's rows in time.
DATED = {
    model.ACCOUNTS: "created_at",
    model.LEADS: "created_at",
    model.OPPORTUNITIES: "created_at",
    model.ACTIVITIES: "occurred_at",
    model.PURCHASES: "purchased_at",
}

#: Rule 2 for the rows that are dropped: (table, column, referenced table), in the order the
#: rule is applied (a row dropped by an earlier reference is not counted again).
DROPPING_REFERENCES = (
    (model.OPPORTUNITIES, "account_id", model.ACCOUNTS),
    (model.ACTIVITIES, "lead_id", model.LEADS),
    (model.ACTIVITIES, "account_id", model.ACCOUNTS),
    (model.ACTIVITIES, "opportunity_id", model.OPPORTUNITIES),
    (model.PURCHASES, "account_id", model.ACCOUNTS),
)


def as_known_at(crm: model.CrmData, cut) -> model.CrmData:
    """The CRM as it was known at the end of day ``cut``.

    The rules (day rule, the five steps, and what cannot be reconstructed)
    are in the module docstring and in ``docs/time_travel.md``.

    Parameters
    ----------
    crm : CrmData
        A loaded CRM; its frames are not modified.
    cut : date-like
        A day (``str``, ``date`` or ``Timestamp``); any time of day is ignored.

    Returns
    -------
    CrmData
        New frames (index reset) with the same tables; ``as_of`` is ``cut`` at
        midnight; ``quality``, ``source`` and ``fingerprint`` are those of the
        full load (the quality record describes the full load, not the cut).
        ``tables`` is a read-only mapping that builds each frame when it is
        first read (see "Cost" in the module docstring). ``metadata`` is a
        copy with ``metadata["as_known_at"]`` set to a read-only mapping:
        ``cut``; ``dropped`` (rows dropped by their own date, per table);
        ``dangling`` (rows dropped or fields blanked by rule 2, per
        ``"table.column"``); ``reopened`` (opportunities); ``handoffs_blanked``
        and ``conversions_blanked`` (leads).

    Raises
    ------
    ValueError
        ``cut`` is after ``crm.as_of``: an export cannot be moved forward.

    Examples
    --------
    >>> past = crm.as_known_at("2025-12-31")  # doctest: +SKIP
    """
    cut_day = pd.Timestamp(cut).normalize()
    if crm.as_of is not None and cut_day > pd.Timestamp(crm.as_of).normalize():
        raise ValueError(
            f"cut {cut_day.date()} is after the data's as_of {pd.Timestamp(crm.as_of).date()}; "
            "as_known_at can only go back in time"
        )
    plan = _Plan(crm.tables, as_of_end(cut_day))
    return replace(
        crm,
        tables=CutTables(plan),
        as_of=cut_day,
        metadata={**crm.metadata, METADATA_KEY: CutRecord(plan, cut_day)},
    )


class CutTables(Mapping):
    """The tables of a cut: each frame is built on first read, then kept.

    A read-only mapping of table name to DataFrame with the same keys as the
    full load; ``in``, ``len`` and iteration never build a frame.
    """

    def __init__(self, plan: _Plan):
        self._plan = plan
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            if name not in self._plan.source:
                raise KeyError(name)
            self._frames[name] = self._plan.frame(name)
        return self._frames[name]

    def select(self, name: str, columns) -> pd.DataFrame:
        """The table ``name`` as known at the cut, with only ``columns`` (in that order).

        The same rows and values as ``self[name][columns]``; when the whole
        frame has not been built, only these columns of the kept rows are
        copied, and the result is not kept (a reader of four of the seven
        activity columns does not copy the other three for millions of rows).

        Parameters
        ----------
        name : str
            A table of the cut.
        columns : sequence of str
            Columns of that table.

        Returns
        -------
        DataFrame
            A new frame, index reset.
        """
        columns = list(columns)
        if name in self._frames:
            return self._frames[name][columns]
        if name not in self._plan.source:
            raise KeyError(name)
        return self._plan.frame(name, columns)

    def rows(self, name: str) -> np.ndarray:
        """Positions, in the loaded table ``name``, of the rows the cut keeps (in order).

        The cut's frame holds those rows, index reset; the rules change no
        value of ``activities`` and ``purchases``, so their kept rows can be
        read from the loaded table without building the cut's frame.
        """
        if name not in self._plan.source:
            raise KeyError(name)
        return np.flatnonzero(self._plan.keep(name))

    def __contains__(self, name: object) -> bool:
        return name in self._plan.source

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan.source)

    def __len__(self) -> int:
        return len(self._plan.source)

    def __repr__(self) -> str:
        built = ", ".join(self._frames) or "none"
        return f"CutTables({', '.join(self)}; built: {built})"


class CutRecord(Mapping):
    """``metadata["as_known_at"]``: the cut and every rule's count, worked out on first read."""

    def __init__(self, plan: _Plan, cut_day: pd.Timestamp):
        self._plan, self._cut = plan, cut_day
        self._data: dict | None = None

    def _record(self) -> dict:
        if self._data is None:
            self._data = {"cut": self._cut, **self._plan.counts()}
        return self._data

    def __getitem__(self, key: str):
        return self._record()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._record())

    def __len__(self) -> int:
        return len(self._record())

    def __repr__(self) -> str:
        return repr(self._record())


class _Plan:
    """What a cut keeps and blanks in each table, as masks over the loaded rows.

    Every mask has one entry per row of the loaded table and is computed at
    most once. ``dangling[key]`` counts what rule 2 does, over the rows that
    rule 1 (and earlier references) kept.
    """

    def __init__(self, source: Mapping[str, pd.DataFrame], end: pd.Timestamp):
        self.source, self.end = source, end
        self._memo: dict[tuple, object] = {}

    def _once(self, key: tuple, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- rule 1 ---------------------------------------------------------------
    def late(self, name: str) -> np.ndarray:
        """Rows of dated table ``name`` whose date is after the cut."""
        return self._once(("late", name), lambda: _after(self.source[name][DATED[name]], self.end))

    # -- rule 2 ---------------------------------------------------------------
    def gone(self, name: str) -> np.ndarray:
        """Rows of ``name`` that the cut removes (rule 1, and rule 2 for opportunities)."""
        return ~self.keep(name)

    def refers_to_gone(self, name: str, column: str, ref: str) -> np.ndarray | None:
        """Rows of ``name`` whose ``column`` names a row of ``ref`` removed by the cut.

        ``None`` when rule 2 does not apply: ``ref`` is not loaded or ``name``
        has no ``column``. A value names every row of ``ref`` holding that id,
        so with repeated ids it is gone when any of those rows is.
        """
        df, ref_df = self.source[name], self.source.get(ref)
        if ref_df is None or column not in df.columns:
            return None

        def compute():
            ref_ids = ref_df[model.SPECS[ref].primary_key]
            gone = self.gone(ref)
            if not gone.any():
                return np.zeros(len(df), dtype=bool)
            first = _first_rows(ref_ids)  # first row of each row's id
            gone_id = np.zeros(len(ref_df) + 1, dtype=bool)  # by first row
            gone_id[first[gone]] = True
            gone_id[len(ref_df)] = False  # the slot of blank or unknown ids
            return gone_id[_cached_positions(df[column], ref_ids)]

        return self._once(("refers", name, column, ref), compute)

    def dropped_by(self, name: str) -> list[tuple[str, np.ndarray]]:
        """``[(column, rows)]``: the rows of ``name`` that each dropping reference removes.

        Each mask excludes rows removed by rule 1 or by an earlier reference.
        """

        def compute():
            out, taken = [], self.late(name).copy()
            for table, column, ref in DROPPING_REFERENCES:
                if table != name:
                    continue
                bad = self.refers_to_gone(name, column, ref)
                if bad is None:
                    continue
                bad = bad & ~taken
                taken |= bad
                out.append((column, bad))
            return out

        return self._once(("dropped_by", name), compute)

    def keep(self, name: str) -> np.ndarray:
        """Rows of ``name`` that the cut keeps (all rows of an undated table)."""

        def compute():
            if name not in DATED:
                return np.ones(len(self.source[name]), dtype=bool)
            keep = ~self.late(name)
            for _, bad in self.dropped_by(name):
                keep &= ~bad
            return keep

        return self._once(("keep", name), compute)

    def orphans(self) -> np.ndarray:
        """Kept accounts whose parent the cut removed (their ``parent_id`` is blanked)."""
        bad = self.refers_to_gone(model.ACCOUNTS, "parent_id", model.ACCOUNTS)
        return bad & self.keep(model.ACCOUNTS)

    # -- rules 3 and 4 ----------------------------------------------------------
    def reopened(self) -> np.ndarray:
        """Kept opportunities closed after the cut."""

        def compute():
            opps = self.source[model.OPPORTUNITIES]
            closed = opps["is_closed"].fillna(False).to_numpy(dtype=bool)
            return self.keep(model.OPPORTUNITIES) & closed & _after(opps["close_date"], self.end)

        return self._once(("reopened",), compute)

    def lead_events(self) -> dict[str, np.ndarray]:
        """Kept leads whose handoff (``handoff``) or conversion (``undo``) the cut blanks.

        Also ``converted_status`` (undone leads whose status reads Converted) and,
        per converted reference, the undone leads counted as dangling.
        """

        def compute():
            leads, keep = self.source[model.LEADS], self.keep(model.LEADS)
            out = {"handoff": keep & _after(leads["handed_off_at"], self.end)}
            undo = keep & _after(leads["converted_at"], self.end)
            for column, ref in (
                ("converted_opportunity_id", model.OPPORTUNITIES),
                ("converted_account_id", model.ACCOUNTS),
            ):
                bad = self.refers_to_gone(model.LEADS, column, ref)
                if bad is not None:
                    bad = bad & keep & ~undo
                    out[column] = bad
                    undo = undo | bad
            out["undo"] = undo
            status = (leads["status"] == CONVERTED_STATUS).fillna(False).to_numpy(dtype=bool)
            out["converted_status"] = undo & status
            return out

        return self._once(("lead_events",), compute)

    # -- the cut ---------------------------------------------------------------
    def frame(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """The table ``name`` as known at the cut (a new frame, index reset).

        With ``columns``, only those columns (the rules blank the ones selected).
        """
        df, keep = self.source[name], self.keep(name)
        out = _take(df if columns is None else df[columns], keep)

        def blank(rows: np.ndarray, cols: list[str], value) -> None:
            cols = [c for c in cols if c in out.columns]
            if cols and rows.any():
                out.loc[rows, cols] = value

        if name == model.ACCOUNTS:
            blank(self.orphans()[keep], ["parent_id"], pd.NA)
        elif name == model.OPPORTUNITIES:
            reopen = self.reopened()[keep]
            blank(reopen, ["is_closed", "is_won"], False)
            blank(reopen, ["stage"], pd.NA)
            blank(reopen, ["probability"], np.nan)
        elif name == model.LEADS:
            events = {k: v[keep] for k, v in self.lead_events().items()}
            blank(events["handoff"], ["handed_off_at"], pd.NaT)
            blank(events["undo"], ["converted_at"], pd.NaT)
            blank(events["undo"], ["converted_account_id", "converted_opportunity_id"], pd.NA)
            blank(events["converted_status"], ["status"], pd.NA)
        return out

    def counts(self) -> dict:
        """Every rule's count, the keys of ``metadata["as_known_at"]`` but ``cut``."""
        have = [t for t in DATED if t in self.source]
        dropped = {t: int(self.late(t).sum()) for t in have}
        dangling: dict[str, int] = {}
        by_table = {t: dict(self.dropped_by(t)) for t in have}
        for table, column, _ in DROPPING_REFERENCES:
            if column in by_table.get(table, {}):
                dangling[f"{table}.{column}"] = int(by_table[table][column].sum())
            if (table, column) == (model.OPPORTUNITIES, "account_id") and model.ACCOUNTS in have:
                dangling["accounts.parent_id"] = int(self.orphans().sum())
        reopened = handoffs = conversions = 0
        if model.OPPORTUNITIES in self.source:
            reopened = int(self.reopened().sum())
        if model.LEADS in self.source:
            events = self.lead_events()
            handoffs, conversions = int(events["handoff"].sum()), int(events["undo"].sum())
            for column in ("converted_opportunity_id", "converted_account_id"):
                if column in events:
                    dangling[f"leads.{column}"] = int(events[column].sum())
        return {
            "dropped": dropped,
            "dangling": dangling,
            "reopened": reopened,
            "handoffs_blanked": handoffs,
            "conversions_blanked": conversions,
        }


def _after(dates: pd.Series, end: pd.Timestamp) -> np.ndarray:
    """True where a date is on or after ``end`` (blank dates are False)."""
    return (dates >= end).to_numpy(dtype=bool, copy=True)


def _take(df: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of ``df`` where ``keep`` is True, index reset (shared data when all are kept)."""
    if keep.all():
        return df.reset_index(drop=True)
    return df.loc[keep].reset_index(drop=True)


def _cached_positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """``positions(values, keys)``, with absent and blank values at ``len(keys)``.

    A blank value matches nothing, not even a blank key (Arrow's ``index_in`` would match it).

    Computed once while both columns' Arrow arrays live
    (:func:`workbook.data.validate.cached_positions`, shared with the reports).
    """
    found = cached_positions(values, keys)
    return np.where(found >= 0, found, len(keys)).astype(found.dtype)


def _first_rows(ids: pd.Series) -> np.ndarray:
    """Position of the first row holding each row's id (``len(ids)`` for a blank id).

    Ids in strictly increasing text order (unique and sorted, as exports
    usually are) are each their own first row: no hash lookup.
    """
    if strictly_increasing(ids):
        return np.arange(len(ids), dtype=np.int64)
    return _cached_positions(ids, ids)

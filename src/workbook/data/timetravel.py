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
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from workbook.core.calendar import as_of_end
from workbook.data import model
from workbook.data.validate import positions

#: Lead columns blanked together when a conversion had not happened by the cut.
CONVERTED_COLUMNS = ("converted_at", "converted_account_id", "converted_opportunity_id")

#: The lead status that a conversion undone by the cut can no longer carry.
CONVERTED_STATUS = "Converted"

#: Key of :attr:`CrmData.metadata` holding the record of the last cut.
METADATA_KEY = "as_known_at"


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
        ``metadata`` is a copy with ``metadata["as_known_at"]`` set to a dict:
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
    state = _Cut({name: df.copy() for name, df in crm.tables.items()}, as_of_end(cut_day))
    # 1. dated rows after the cut
    state.drop_after(model.ACCOUNTS, "created_at", "account_id")
    state.drop_after(model.LEADS, "created_at", "lead_id")
    state.drop_after(model.OPPORTUNITIES, "created_at", "opportunity_id")
    state.drop_after(model.ACTIVITIES, "occurred_at", None)
    state.drop_after(model.PURCHASES, "purchased_at", None)
    # 2. references to dropped rows (opportunities first: activities cascade from them)
    state.drop_dangling(model.OPPORTUNITIES, "account_id", model.ACCOUNTS)
    state.orphan_parents()
    for column, ref in (
        ("lead_id", model.LEADS),
        ("account_id", model.ACCOUNTS),
        ("opportunity_id", model.OPPORTUNITIES),
    ):
        state.drop_dangling(model.ACTIVITIES, column, ref)
    state.drop_dangling(model.PURCHASES, "account_id", model.ACCOUNTS)
    # 3. deals closed after the cut are re-opened; 4. lead handoffs and conversions
    state.reopen_deals()
    state.undo_lead_events()
    return replace(
        crm,
        tables=state.tables,
        as_of=cut_day,
        metadata={**crm.metadata, METADATA_KEY: state.record(cut_day)},
    )


class _Cut:
    """The tables being cut, what was dropped, and the counts of every rule."""

    def __init__(self, tables: dict[str, pd.DataFrame], end: pd.Timestamp):
        self.tables, self.end = tables, end
        self.dropped: dict[str, int] = {}
        self.dangling: dict[str, int] = {}
        self.gone: dict[str, pd.Series] = {}  # table -> ids dropped by this cut
        self.reopened = self.handoffs = self.conversions = 0

    def drop_after(self, name: str, column: str, id_column: str | None) -> None:
        """Rule 1: drop rows of ``name`` whose ``column`` is after the cut."""
        df = self.tables.get(name)
        if df is None:
            return
        late = _after(df[column], self.end)
        self.dropped[name] = int(late.sum())
        if id_column is not None:
            self.gone[name] = df.loc[late, id_column]
        self.tables[name] = df.loc[~late].reset_index(drop=True)

    def drop_dangling(self, name: str, column: str, ref: str) -> None:
        """Rule 2: drop rows of ``name`` whose ``column`` names a row of ``ref`` dropped here."""
        df = self.tables.get(name)
        if df is None or ref not in self.gone or column not in df.columns:
            return
        bad = _refers_to(df[column], self.gone[ref])
        self.dangling[f"{name}.{column}"] = int(bad.sum())
        if name in self.gone:  # cascade: rows dropped here are gone too
            id_column = model.SPECS[name].primary_key
            self.gone[name] = pd.concat([self.gone[name], df.loc[bad, id_column]], ignore_index=True)
        self.tables[name] = df.loc[~bad].reset_index(drop=True)

    def orphan_parents(self) -> None:
        """Rule 2: an account whose parent was dropped gets a blank ``parent_id``."""
        accounts = self.tables.get(model.ACCOUNTS)
        if accounts is None or model.ACCOUNTS not in self.gone:
            return
        orphan = _refers_to(accounts["parent_id"], self.gone[model.ACCOUNTS])
        self.dangling["accounts.parent_id"] = int(orphan.sum())
        accounts.loc[orphan, "parent_id"] = pd.NA

    def reopen_deals(self) -> None:
        """Rule 3: deals closed after the cut are open, without stage or probability."""
        opps = self.tables.get(model.OPPORTUNITIES)
        if opps is None:
            return
        closed = opps["is_closed"].fillna(False).to_numpy(dtype=bool)
        reopen = closed & _after(opps["close_date"], self.end)
        self.reopened = int(reopen.sum())
        opps.loc[reopen, ["is_closed", "is_won"]] = False
        opps.loc[reopen, "stage"] = pd.NA
        opps.loc[reopen, "probability"] = np.nan

    def undo_lead_events(self) -> None:
        """Rule 4: handoffs and conversions after the cut (or of dropped rows) are blanked."""
        leads = self.tables.get(model.LEADS)
        if leads is None:
            return
        late_handoff = _after(leads["handed_off_at"], self.end)
        self.handoffs = int(late_handoff.sum())
        leads.loc[late_handoff, "handed_off_at"] = pd.NaT
        undo = _after(leads["converted_at"], self.end)
        for column, ref in (
            ("converted_opportunity_id", model.OPPORTUNITIES),
            ("converted_account_id", model.ACCOUNTS),
        ):
            if ref in self.gone:
                bad = _refers_to(leads[column], self.gone[ref]) & ~undo
                self.dangling[f"leads.{column}"] = int(bad.sum())
                undo |= bad
        self.conversions = int(undo.sum())
        was_converted = undo & (leads["status"] == CONVERTED_STATUS).fillna(False).to_numpy(bool)
        leads.loc[undo, "converted_at"] = pd.NaT
        leads.loc[undo, ["converted_account_id", "converted_opportunity_id"]] = pd.NA
        leads.loc[was_converted, "status"] = pd.NA

    def record(self, cut_day: pd.Timestamp) -> dict:
        """``metadata["as_known_at"]``: the cut and every rule's count."""
        return {
            "cut": cut_day,
            "dropped": self.dropped,
            "dangling": self.dangling,
            "reopened": self.reopened,
            "handoffs_blanked": self.handoffs,
            "conversions_blanked": self.conversions,
        }


def _after(dates: pd.Series, end: pd.Timestamp) -> np.ndarray:
    """True where a date is on or after ``end`` (blank dates are False)."""
    return (dates >= end).to_numpy(dtype=bool, copy=True)


def _refers_to(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """True where ``values`` is one of ``ids`` (blank values are False)."""
    if len(ids) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    return positions(values, ids.dropna()) >= 0

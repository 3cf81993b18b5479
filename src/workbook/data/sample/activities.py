"""Activities: :class:`_ActivitiesMixin` of the sample generator.

Every activity links to exactly one of a lead, an opportunity or an account.
The parts (lead touches and meetings, opportunity and account activities,
planted faults) are collected in an :class:`_ActivityParts` and sorted by day
into the ``activities`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbook.data.sample.catalogue import (
    _ACT_TYPES,
    _AS_OF,
    _CALL,
    _EMAIL,
    _MEETING,
    _REPS,
    _START,
    _TASK,
)
from workbook.data.sample.helpers import _dates, _ids, _pick_types, _spread, _take, _text


class _ActivityParts:
    """Activities collected part by part: (day, type, lead, opp, account, owner) arrays."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, day, typ, lead=None, opp=None, acct=None, owner=None) -> None:
        """One part; of ``lead``, ``opp`` and ``acct`` (codes) give exactly one."""
        size = len(day)
        none = np.full(size, -1, dtype=np.int64)
        self.parts.append(
            (
                np.asarray(day, dtype=np.int64),
                np.asarray(typ, dtype=np.int8),
                none if lead is None else np.asarray(lead, dtype=np.int64),
                none if opp is None else np.asarray(opp, dtype=np.int64),
                none if acct is None else np.asarray(acct, dtype=np.int64),
                np.asarray(owner, dtype=object),
            )
        )


@dataclass(frozen=True)
class _LeadTouch:
    """How each lead was first touched, for its meetings and the planted faults."""

    late: np.ndarray  # handed off, first touch 3-45 days after the handoff
    never: np.ndarray  # never touched
    touched: np.ndarray  # has a first touch on or before as_of
    owner: np.ndarray  # owner of the lead's activities (a rep for unowned leads)


class _ActivitiesMixin:
    """Builds ``activities`` from the leads, opportunities and accounts."""

    def _activities(self) -> None:
        parts = _ActivityParts()
        lead_owner = self.lead_owner.copy()
        blank = lead_owner == None  # noqa: E711
        lead_owner[blank] = _REPS[self.rng.integers(0, len(_REPS), int(blank.sum()))]
        touch = self._lead_touches(parts, lead_owner)
        self._lead_meetings(parts, touch)
        if self.plant:
            self._lead_activity_faults(parts, touch)
        self._opportunity_activities(parts)
        self._account_activities(parts)
        self.activities = self._activities_table(parts)

    def _lead_touches(self, parts: _ActivityParts, lead_owner: np.ndarray) -> _LeadTouch:
        """First and extra touches of the leads.

        Handed-off leads: 85% touched within 0-1 days of handoff, the rest
        later (3-45 days) or never. Others: first touch 0-21 days.
        """
        cfg, rng, n, created = self.cfg, self.rng, self.n_leads, self.lead_created
        handed = self.lead_handed
        follow = rng.random(n)
        late = handed & (follow >= 0.85)
        # 6% of leads are never touched, whatever their score (handed off or not),
        # so a quiet start says nothing about winning.
        never = (handed & (follow >= 0.94)) | (~handed & (rng.random(n) < 0.06))
        first = np.where(
            handed,
            np.where(
                late,
                self.lead_handed_at + rng.integers(3, 46, n),
                self.lead_handed_at + rng.integers(0, 2, n),
            ),
            created + rng.integers(0, 22, n),
        )
        span_end = np.where(
            self.lead_converted,
            self.lead_converted_at,
            np.where(
                self.lead_status == "Unqualified",
                created + rng.integers(10, 120, n),
                created + rng.integers(20, 300, n),
            ),
        )
        span_end = np.minimum(np.maximum(span_end, first), _AS_OF)
        touched = ~never & (first <= _AS_OF)
        parts.add(
            first[touched],
            _pick_types(rng, int(touched.sum()), [0.4, 0.5, 0.0, 0.1, 0.0]),
            lead=np.flatnonzero(touched),
            owner=lead_owner[touched],
        )
        extra = np.where(touched, rng.poisson(max(cfg.lead_touches - 1, 0.1), n), 0)
        idx, day = _spread(rng, extra, first + 1, span_end)
        # Extra touches start the day after the first one, so a late lead (first
        # touch 3+ days after handoff) gets none inside the 2-day SLA.
        keep = day <= _AS_OF
        parts.add(
            day[keep],
            _pick_types(rng, int(keep.sum()), [0.35, 0.45, 0.05, 0.10, 0.05]),
            lead=idx[keep],
            owner=lead_owner[idx[keep]],
        )
        return _LeadTouch(late=late, never=never, touched=touched, owner=lead_owner)

    def _lead_meetings(self, parts: _ActivityParts, touch: _LeadTouch) -> None:
        """Converted leads book a meeting 0-14 days before conversion; some Working leads too."""
        rng, n, created = self.rng, self.n_leads, self.lead_created
        conv, never = self.lead_converted, touch.never
        lo = np.where(touch.late | never, np.maximum(self.lead_handed_at, created) + 3, created)
        meet = np.maximum(self.lead_converted_at - rng.integers(0, 15, n), lo)
        # A never-touched lead that converts after day 90 books its meeting after
        # day 90 too, so it is quiet over its first 90 days (no decay effect).
        meet = np.where(
            never & (self.lead_converted_at > created + 90), np.maximum(meet, created + 91), meet
        )
        meet = np.minimum(meet, self.lead_converted_at)
        parts.add(
            meet[conv],
            np.full(int(conv.sum()), _MEETING),
            lead=np.flatnonzero(conv),
            owner=touch.owner[conv],
        )
        working = (self.lead_status == "Working") & ~never & (rng.random(n) < 0.35)
        wmeet = np.maximum(created + rng.integers(10, 200, n), lo)
        working &= wmeet <= _AS_OF
        parts.add(
            wmeet[working],
            np.full(int(working.sum()), _MEETING),
            lead=np.flatnonzero(working),
            owner=touch.owner[working],
        )

    def _lead_activity_faults(self, parts: _ActivityParts, touch: _LeadTouch) -> None:
        """Faults: touches before the lead was created, and unknown lead ids."""
        rng, created = self.rng, self.lead_created
        early_pool = np.flatnonzero(~self.lead_handed & touch.touched & (created > _START + 60))
        early = rng.choice(early_pool, size=6, replace=False)
        parts.add(
            created[early] - rng.integers(1, 31, 6),
            np.full(6, _EMAIL),
            lead=early,
            owner=touch.owner[early],
        )
        unknown = np.arange(5) + self.n_leads + 1000  # codes beyond the last lead
        parts.add(
            _AS_OF - rng.integers(1, 300, 5),
            np.full(5, _CALL),
            lead=unknown,
            owner=_REPS[rng.integers(0, len(_REPS), 5)],
        )

    def _opportunity_activities(self, parts: _ActivityParts) -> None:
        """Opportunity activities between creation and the last planned day."""
        rng = self.rng
        age = np.maximum(self.opp_last_day - self.opp_created, 0)
        rate = self.opp_intensity * self.cfg.opp_activity_per_30d
        k = 1 + rng.poisson(rate * age / 30.0)
        idx, day = _spread(rng, k, self.opp_created, self.opp_last_day)
        typ = _pick_types(rng, len(idx), [0.35, 0.35, 0.20, 0.10, 0.0])
        typ = np.where((typ == _MEETING) & ~self.opp_meetings_ok[idx], _CALL, typ)
        keep = day <= _AS_OF
        parts.add(day[keep], typ[keep], opp=idx[keep], owner=self.opp_owner[idx[keep]])

    def _account_activities(self, parts: _ActivityParts) -> None:
        """Account activities: high/normal over the last year, dormant before going quiet."""
        rng, eng = self.rng, self.engagement
        per_year = (
            np.where(eng == "high", 2.5, np.where(eng == "normal", 1.6, 0.4))
            * self.cfg.account_activity_per_year
        )
        k = rng.poisson(per_year)
        idx, day = _spread(rng, k, np.full(self.n_accounts, _AS_OF - 364), self.quiet_since)
        owner = self.account_owner[idx].copy()
        other = rng.random(len(idx)) < 0.1
        owner[other] = _REPS[rng.integers(0, len(_REPS), int(other.sum()))]
        parts.add(
            day, _pick_types(rng, len(idx), [0.30, 0.40, 0.10, 0.15, 0.05]), acct=idx, owner=owner
        )
        # Regular cadence: most awake accounts had a touch in the last 4 weeks.
        cadence = np.flatnonzero((eng != "dormant") & (rng.random(self.n_accounts) < 0.9))
        parts.add(
            _AS_OF - rng.integers(0, 28, len(cadence)),
            _pick_types(rng, len(cadence), [0.4, 0.5, 0.0, 0.1, 0.0]),
            acct=cadence,
            owner=self.account_owner[cadence],
        )
        # Fault: a few activities dated after as_of.
        if not self.plant:
            return
        awake = np.flatnonzero(eng != "dormant")
        late_acct = rng.choice(awake, size=4, replace=False)
        parts.add(
            _AS_OF + rng.integers(1, 21, 4),
            np.full(4, _TASK),
            acct=late_acct,
            owner=self.account_owner[late_acct],
        )

    def _activities_table(self, parts: _ActivityParts) -> pd.DataFrame:
        """All parts sorted by day (stable), with ids; unknown lead codes get unused ids."""
        day, typ, lead, opp, acct, owner = (
            np.concatenate(c) for c in zip(*parts.parts, strict=True)
        )
        order = np.lexsort((np.arange(len(day)), day))
        n_act = len(order)
        # Unknown lead codes (n + 1000 + i) get numbers after the regular leads of all chunks.
        unknown_numbers = np.arange(1, 2001) + self.lead_total
        unknown_lead_ids = _ids("L", unknown_numbers, self.lead_width)
        all_lead_ids = pa.concat_arrays([self.lead_ids, unknown_lead_ids])
        return pd.DataFrame(
            {
                "activity_id": pd.Series(
                    _ids(
                        "ACT",
                        np.arange(1, n_act + 1) + self.ids.activities,
                        self.ids.width("ACT", n_act, 7),
                    ),
                    dtype="str",
                ),
                "occurred_at": _dates(day[order]),
                "type": _text(_ACT_TYPES[typ[order]]),
                "lead_id": _take(all_lead_ids, lead[order]),
                "account_id": _take(self.account_ids, acct[order]),
                "opportunity_id": _take(self.opp_ids, opp[order]),
                "owner_id": _text(owner[order]),
            }
        )

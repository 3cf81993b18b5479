"""Opportunities: :class:`_OpportunitiesMixin` of the sample generator.

Deals come from converted leads and from renewals and expansions of generic
accounts; the planted deals are appended. The activity stream comes first: a
"worked" deal gets steady activity until it closes and is usually won, a deal
that goes quiet gets activity only until its quiet day and is usually lost
(see :data:`_P_WIN_WORKED` and :data:`_P_WIN_QUIET`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook.data.sample.catalogue import (
    _AS_OF,
    _OPEN_STAGES,
    _P_WIN_QUIET,
    _P_WIN_WORKED,
    _PK,
    _PLANTED_DEALS,
    _PLANTED_OPEN,
    _REP_SKILL_SD,
    _REPS,
    _STAGE_PROBABILITY,
    _START,
    _UNKNOWN_OWNER,
    _day,
)
from workbook.data.sample.helpers import (
    _dates,
    _ids,
    _sigmoid,
    _take,
    _text,
    _uniform_days,
)


@dataclass
class _Drafts:
    """Generic deals before their outcome: lead deals first, then renewals."""

    acct: np.ndarray
    owner: np.ndarray
    created: np.ndarray
    amount: np.ndarray
    p_win: np.ndarray  # win chance before the rep's skill
    lead_of: np.ndarray  # code of the converted lead, -1 for renewals


@dataclass
class _Deals:
    """One entry per opportunity, in generation order (not yet sorted)."""

    acct: np.ndarray
    owner: np.ndarray
    created: np.ndarray
    close: np.ndarray
    amount: np.ndarray
    stage: np.ndarray
    closed: np.ndarray
    won: np.ndarray
    probability: np.ndarray
    last_day: np.ndarray  # last day of planned activity
    meetings_ok: np.ndarray
    intensity: np.ndarray  # activity intensity multiplier (mean 1)
    lead_of: np.ndarray


#: dtype of each :class:`_Deals` field in the planted rows.
_PLANTED_DTYPES = {
    "acct": np.int64,
    "owner": object,
    "created": np.int64,
    "close": np.int64,
    "amount": float,
    "stage": object,
    "closed": bool,
    "won": bool,
    "probability": float,
    "last_day": np.int64,
    "meetings_ok": bool,
}


class _OpportunitiesMixin:
    """Builds ``opportunities``.

    Sets ``opp_ids``, ``lead_opp`` (each lead's opportunity code, -1: none),
    the ``opp_*`` arrays (acct, owner, created, close, closed, won, last_day,
    meetings_ok, intensity, lead) in creation order, and ``opportunities``.
    """

    def _opportunities(self) -> None:
        conv = np.flatnonzero(self.lead_converted)
        drafts = self._deal_drafts(conv)
        n_gen = len(drafts.acct)
        deals = self._deal_outcomes(drafts)
        if self.plant:
            deals = _with_planted_deals(deals)
        # Dormant accounts: no activity on their deals after they went quiet.
        deals.last_day = np.minimum(deals.last_day, self.quiet_since[deals.acct])
        deals.last_day = np.maximum(deals.last_day, deals.created)
        # One lost generic deal with a negative amount (a planted fault).
        if self.plant:
            lost = np.flatnonzero(deals.closed[:n_gen] & ~deals.won[:n_gen])
            deals.amount[self.rng.choice(lost)] *= -1
        self._store_opportunities(deals, conv)

    def _deal_drafts(self, conv: np.ndarray) -> _Drafts:
        """Deals from the converted leads ``conv``, then renewals and expansions."""
        cfg, rng = self.cfg, self.rng
        # 1. From converted leads.
        lq = self.lead_quality[conv]
        l_acct = self.lead_account[conv]
        l_created = self.lead_converted_at[conv]
        l_owner = self.lead_owner[conv].copy()
        no_owner = (l_owner == None) | (l_owner == _UNKNOWN_OWNER)  # noqa: E711
        l_owner[no_owner] = self.account_owner[l_acct[no_owner]]
        l_pwin = _sigmoid(-0.2 + 0.035 * (lq - 50))
        l_amount = rng.lognormal(np.log(18_000), 0.8, len(conv)) * np.exp(0.012 * (lq - 50))

        # 2. Renewals and expansions on generic accounts.
        eligible = np.flatnonzero(~self.is_curated)
        k = rng.poisson(cfg.renewals_per_account, len(eligible))
        r_acct = np.repeat(eligible, k)
        r_lo = np.maximum(self.account_created[r_acct], _START - 120)
        r_created = _uniform_days(rng, r_lo, self.quiet_since[r_acct])
        r_owner = self.account_owner[r_acct]
        r_pwin = np.full(len(r_acct), 0.55)
        r_amount = rng.lognormal(np.log(15_000), 0.8, len(r_acct))

        amount = np.concatenate([l_amount, r_amount])
        return _Drafts(
            acct=np.concatenate([l_acct, r_acct]),
            owner=np.concatenate([l_owner, r_owner]),
            created=np.concatenate([l_created, r_created]),
            amount=np.clip(np.round(amount, -2), 1_000, 250_000),
            p_win=np.concatenate([l_pwin, r_pwin]),
            lead_of=np.concatenate([conv, np.full(len(r_acct), -1)]),
        )

    def _deal_outcomes(self, d: _Drafts) -> _Deals:
        """Activity stream, outcome, close day, stage and probability of the generic deals."""
        rng, srng = self.rng, self.story_rng
        n_gen = len(d.acct)
        created = d.created
        # Activity stream first: each rep has a skill (log-odds); a deal is worked
        # with the probability that gives the deal's win chance, then its outcome
        # and timing follow from the stream (see _P_WIN_WORKED, _P_WIN_QUIET).
        rep_skill = self.shared.rep_skill if self.shared else _rep_skill(srng)
        skill = pd.Series(d.owner).map(rep_skill).fillna(0).to_numpy(dtype=float)
        p_win = _sigmoid(np.log(d.p_win / (1 - d.p_win)) + skill)
        p_worked = np.clip((p_win - _P_WIN_QUIET) / (_P_WIN_WORKED - _P_WIN_QUIET), 0.02, 0.98)
        worked = srng.random(n_gen) < p_worked
        won = srng.random(n_gen) < np.where(worked, _P_WIN_WORKED, _P_WIN_QUIET)
        is_lead = d.lead_of >= 0
        # Won deals close quickly (lead deals median 28 days, renewals 55); worked
        # but lost deals drag on (median 100); quiet deals go quiet 7-60 days in
        # and are closed 30-150 days after that.
        won_cycle = srng.lognormal(np.log(np.where(is_lead, 28.0, 55.0)), 0.55, n_gen)
        lost_cycle = srng.lognormal(np.log(100.0), 0.45, n_gen)
        quiet_day = created + srng.integers(7, 61, n_gen)
        cycle = np.where(
            won & worked,
            won_cycle,
            np.where(worked, lost_cycle, quiet_day - created + srng.integers(30, 151, n_gen)),
        )
        cycle = np.clip(cycle, 7, 400).astype(np.int64)
        close = created + cycle
        closed = close <= _AS_OF
        # Slipped deals: due recently but still open, close date already passed.
        slipped = closed & (close > _AS_OF - 90) & (rng.random(n_gen) < 0.15)
        closed &= ~slipped
        won &= closed
        progress = np.clip((_AS_OF - created) / cycle, 0, 0.999)
        stage_code = np.where(slipped, rng.integers(2, 4, n_gen), (progress * 4).astype(np.int64))
        stage = np.where(
            closed, np.where(won, "Closed Won", "Closed Lost"), _OPEN_STAGES[stage_code]
        )
        rep_bias = self.shared.rep_bias if self.shared else _rep_bias(rng)
        bias = pd.Series(d.owner).map(rep_bias).fillna(0).to_numpy(dtype=float)
        guess = _STAGE_PROBABILITY[stage_code] + bias + rng.normal(0, 20, n_gen)
        probability = np.where(
            closed, np.where(won, 100.0, 0.0), np.clip(np.round(guess / 5) * 5, 0, 100)
        )
        # Activity plan: end of activity, whether meetings happen. Quiet deals
        # stop at their quiet day, so many open deals are stale at as_of.
        last_day = np.where(worked, np.minimum(close, _AS_OF), np.minimum(quiet_day, close))
        meetings_ok = closed | (rng.random(n_gen) >= 0.25)
        return _Deals(
            acct=d.acct,
            owner=d.owner,
            created=created,
            close=close,
            amount=d.amount,
            stage=stage,
            closed=closed,
            won=won,
            probability=probability,
            last_day=last_day,
            meetings_ok=meetings_ok,
            # Per-deal activity intensity (gamma, mean 1): counts on won deals spread.
            intensity=srng.gamma(4.0, 1.0 / 4.0, n_gen),
            lead_of=d.lead_of,
        )

    def _store_opportunities(self, deals: _Deals, conv: np.ndarray) -> None:
        """Sort by creation day, give ids, link the leads and build the table."""
        order = np.lexsort((np.arange(len(deals.created)), deals.created))
        n_opp = len(order)
        self.opp_ids = _ids(
            "O", np.arange(1, n_opp + 1) + self.ids.opportunities, self.ids.width("O", n_opp, 6)
        )
        rank = np.empty(n_opp, dtype=np.int64)
        rank[order] = np.arange(n_opp)
        # Lead -> its opportunity code.
        lead_opp = np.full(self.n_leads, -1, dtype=np.int64)
        lead_opp[conv] = rank[: len(conv)]
        self.lead_opp = lead_opp

        self.opp_acct = deals.acct[order]
        self.opp_owner = deals.owner[order]
        self.opp_created = deals.created[order]
        self.opp_close = deals.close[order]
        self.opp_closed = deals.closed[order]
        self.opp_won = deals.won[order]
        self.opp_last_day = deals.last_day[order]
        self.opp_meetings_ok = deals.meetings_ok[order]
        self.opp_intensity = deals.intensity[order]
        self.opp_lead = deals.lead_of[order]
        self.opportunities = pd.DataFrame(
            {
                "opportunity_id": pd.Series(self.opp_ids, dtype="str"),
                "account_id": _take(self.account_ids, self.opp_acct),
                "created_at": _dates(self.opp_created),
                "close_date": _dates(self.opp_close),
                "stage": _text(deals.stage[order]),
                "is_closed": pd.array(self.opp_closed, dtype="boolean"),
                "is_won": pd.array(self.opp_won, dtype="boolean"),
                "amount": deals.amount[order].astype(float),
                "probability": deals.probability[order].astype(float),
                "owner_id": _text(self.opp_owner),
                "name": _deal_names(
                    self.account_names[self.opp_acct], self.opp_created, self.opp_lead
                ),
            }
        )


def _rep_skill(rng: np.random.Generator) -> dict[str, float]:
    """Each rep's effect on the log-odds of a deal being worked (normal, sd :data:`_REP_SKILL_SD`)."""
    return dict(zip(_REPS, rng.normal(0, _REP_SKILL_SD, len(_REPS)), strict=True))


def _rep_bias(rng: np.random.Generator) -> dict[str, float]:
    """Each rep's bias of open-deal probabilities, in points (normal, sd 10)."""
    return {u: b for u, b in zip(_REPS, rng.normal(0, 10, len(_REPS)), strict=True)}


def _deal_names(account_names: np.ndarray, created: np.ndarray, lead_of: np.ndarray) -> pd.Series:
    """Salesforce-style deal names: ``"<account> – <kind> <year created>"``.

    A deal from a converted lead is ``New business``; the other deals are
    ``Renewal``, every third one ``Expansion`` (by position, no random draw, so
    adding names changes no other column of the sample).
    """
    kind = np.where(
        lead_of >= 0,
        "New business",
        np.where(np.arange(len(lead_of)) % 3 == 2, "Expansion", "Renewal"),
    )
    year = _dates(created).dt.year.astype("string")
    return (_text(account_names) + " – " + pd.Series(kind, dtype="str") + " " + year).astype("str")


def _planted_deal_rows() -> list[dict]:
    """The planted won/lost and open deals, as :class:`_Deals` fields."""
    closed = [
        {
            "acct": _PK[a],
            "owner": o,
            "created": _day(c),
            "close": _day(cl),
            "amount": amt,
            "stage": "Closed Won" if w else "Closed Lost",
            "closed": True,
            "won": w,
            "probability": 100.0 if w else 0.0,
            "last_day": _day(cl),
            "meetings_ok": True,
        }
        for a, o, c, cl, amt, w in _PLANTED_DEALS
    ]
    still_open = [
        {
            "acct": _PK[a],
            "owner": o,
            "created": _day(c),
            "close": _day(cl),
            "amount": amt,
            "stage": st,
            "closed": False,
            "won": False,
            "probability": p,
            "last_day": _day(last) if last else _AS_OF,
            "meetings_ok": mtg,
        }
        for a, o, c, cl, amt, st, p, last, mtg in _PLANTED_OPEN
    ]
    return closed + still_open


def _with_planted_deals(deals: _Deals) -> _Deals:
    """``deals`` followed by the planted deals (intensity 1, no lead)."""
    rows = _planted_deal_rows()
    planted = {
        name: np.concatenate([getattr(deals, name), np.array([r[name] for r in rows], dtype=dtype)])
        for name, dtype in _PLANTED_DTYPES.items()
    }
    return dataclasses.replace(
        deals,
        **planted,
        intensity=np.concatenate([deals.intensity, np.ones(len(rows))]),
        lead_of=np.concatenate([deals.lead_of, np.full(len(rows), -1)]),
    )

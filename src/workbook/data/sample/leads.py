"""Leads: :class:`_LeadsMixin` of the sample generator.

:meth:`_LeadsMixin._leads` draws the leads before the opportunities exist;
:meth:`_LeadsMixin._partner_scores` rescores the Partner leads once outcomes
are known, and :meth:`_LeadsMixin._finish_leads` builds the ``leads`` table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.special import ndtri

from workbook.data.sample.catalogue import (
    _AS_OF,
    _EPOCH,
    _LATE_LEADS,
    _LEAD_GROWTH,
    _MONTH_SHAPE,
    _NO_DAY,
    _PARTNER,
    _QUALITY_MEAN,
    _REPS,
    _SEASON_AMPLITUDE,
    _SLOW_MEAN,
    _SLOW_SHARE,
    _SOURCE_P,
    _SOURCE_SHIFT,
    _SOURCES,
    _TRADE_SHOW,
    _UNKNOWN_OWNER,
    SAMPLE_AS_OF,
    SAMPLE_START,
    _day,
)
from workbook.data.sample.helpers import (
    _company_names,
    _dates,
    _ids,
    _sigmoid,
    _take,
    _text,
)

_N_MONTHS = len(pd.period_range(SAMPLE_START, SAMPLE_AS_OF, freq="M"))


def _month_multiplier(rng: np.random.Generator) -> np.ndarray:
    """The overdispersed multiplier of each month's lead inflow (gamma, mean 1)."""
    return rng.gamma(_MONTH_SHAPE, 1.0 / _MONTH_SHAPE, _N_MONTHS)


class _LeadsMixin:
    """Builds ``leads``.

    :meth:`_leads` sets ``n_leads`` and the ``lead_*`` arrays (created,
    source, quality, score, converted, converted_at, handed, handed_at,
    status, owner, account, company), plus the draws :meth:`_partner_scores`
    reuses (``_handoff_day``, ``_rep_draw``, ``_unowned_draw``).
    """

    def _leads(self) -> None:
        self.n_leads = self.cfg.n_leads
        self._lead_created_days()
        self._lead_scores()
        self._lead_conversions()
        self._lead_handoffs()
        self._lead_statuses()
        self._lead_owners()
        self._lead_accounts()

    def _lead_created_days(self) -> None:
        """Creation days, sorted, of leads spread over the 36 months."""
        rng, n = self.rng, self.n_leads
        months = pd.period_range(SAMPLE_START, SAMPLE_AS_OF, freq="M")
        month_start = (months.to_timestamp().to_numpy().astype("datetime64[D]") - _EPOCH).astype(
            np.int64
        )
        month_len = months.days_in_month.to_numpy().astype(np.int64)
        k = np.arange(len(months))
        # Seasonal wave x mild growth (+50% over the 36 months) x an overdispersed
        # monthly multiplier (gamma, cv about 0.13), so monthly counts are
        # gamma-Poisson rather than Poisson.
        multiplier = self.shared.month_multiplier if self.shared else _month_multiplier(rng)
        weight = (
            (1.0 + _SEASON_AMPLITUDE * np.sin(2 * np.pi * k / 12 + 1.0))
            * (1.0 + _LEAD_GROWTH * k / max(len(k) - 1, 1))
            * multiplier
        )
        weight[k % 12 == 8] *= _TRADE_SHOW  # a big trade show every March
        weight = np.clip(weight, 0.3, None)
        per_month = rng.multinomial(n, weight / weight.sum())
        m = np.repeat(k, per_month)
        created = month_start[m] + np.floor(rng.random(n) * month_len[m]).astype(np.int64)
        created.sort()
        self.lead_created = created

    def _lead_scores(self) -> None:
        """Source, hidden quality and score (5% blank, two out of range)."""
        rng, n = self.rng, self.n_leads
        source = rng.choice(len(_SOURCES), size=n, p=_SOURCE_P)
        quality = _QUALITY_MEAN + _SOURCE_SHIFT[source] + rng.normal(0, 20, n)
        # Partner scores are replaced once outcomes are known (_partner_scores).
        # + 0.0 turns the -0.0 that rounding small negatives gives into 0.0.
        score = np.clip(np.round(quality + rng.normal(0, 8, n)), 0, 100) + 0.0
        score[rng.random(n) < 0.05] = np.nan
        if self.plant:
            scored = np.flatnonzero(~np.isnan(score))
            bad = rng.choice(scored, size=2, replace=False)
            score[bad[0]], score[bad[1]] = -5.0, 140.0
        self.lead_source = source
        self.lead_quality = quality
        self.lead_score = score

    def _lead_conversions(self) -> None:
        """Which leads convert (by quality) and when (weeks, or months when nurtured)."""
        rng, n, created = self.rng, self.n_leads, self.lead_created
        p_convert = _sigmoid(-1.55 + 0.05 * (self.lead_quality - 50))
        wants = rng.random(n) < p_convert
        # Most conversions come within weeks (7 + exponential, mean 18 days);
        # some are nurtured for months (_SLOW_SHARE, _SLOW_MEAN), up to ~10 months.
        slow = rng.random(n) < _SLOW_SHARE
        wait = rng.exponential(np.where(slow, _SLOW_MEAN, 18.0))
        delay = 7 + np.minimum(wait, 290).astype(np.int64)
        converted_at = created + delay
        converted = wants & (converted_at <= _AS_OF)
        self.lead_converted = converted
        self.lead_converted_at = np.where(converted, converted_at, _NO_DAY)

    def _lead_handoffs(self) -> None:
        """Leads scored 60+ are handed off to sales 0-3 days after creation."""
        handed = np.nan_to_num(self.lead_score, nan=-1) >= 60
        handed_at = self.lead_created + self.rng.integers(0, 4, self.n_leads)
        self._handoff_day = handed_at.copy()  # kept for _partner_scores
        handed &= handed_at <= _AS_OF
        self.lead_handed = handed
        self.lead_handed_at = np.where(handed, handed_at, _NO_DAY)

    def _lead_statuses(self) -> None:
        """Status by age (180+ days: mostly Unqualified or Nurture); Converted wins."""
        rng, n = self.rng, self.n_leads
        old = (_AS_OF - self.lead_created) >= 180
        status = np.where(
            old,
            rng.choice(
                np.array(["Unqualified", "Nurture", "Working", "Open"], dtype=object),
                n,
                p=[0.45, 0.40, 0.08, 0.07],
            ),
            rng.choice(
                np.array(["Open", "Working", "Nurture", "Unqualified"], dtype=object),
                n,
                p=[0.40, 0.30, 0.18, 0.12],
            ),
        )
        self.lead_status = np.where(self.lead_converted, "Converted", status)

    def _lead_owners(self) -> None:
        """A rep per lead; some Open leads unowned, three with an unknown owner_id."""
        rng, n = self.rng, self.n_leads
        converted = self.lead_converted
        owner = _REPS[rng.integers(0, len(_REPS), n)].astype(object)
        self._rep_draw = owner.copy()  # kept for _partner_scores
        self._unowned_draw = rng.random(n)
        unowned = (
            (self.lead_status == "Open")
            & ~self.lead_handed
            & ~converted
            & (self._unowned_draw < 0.35)
        )
        owner[unowned] = None
        if self.plant:
            owner[rng.choice(np.flatnonzero(~unowned & ~converted), size=3, replace=False)] = (
                _UNKNOWN_OWNER
            )
        self.lead_owner = owner

    def _lead_accounts(self) -> None:
        """Account of each converted lead (recent conversions avoid dormant accounts), company."""
        rng, n, created = self.rng, self.n_leads, self.lead_created
        converted, converted_at = self.lead_converted, self.lead_converted_at
        eligible = np.flatnonzero(~self.is_curated)
        awake = eligible[self.engagement[eligible] != "dormant"]
        acct = eligible[rng.integers(0, len(eligible), n)]
        asleep = (converted_at > self.quiet_since[acct]) | (created > self.quiet_since[acct])
        acct = np.where(asleep, awake[rng.integers(0, len(awake), n)], acct)
        acct = np.where(converted, acct, -1)
        company = _company_names(rng, n)
        self.lead_account = acct
        self.lead_company = np.where(converted, self.account_names[np.maximum(acct, 0)], company)

    def _partner_scores(self) -> None:
        """Give Partner leads a score that does not predict winning.

        Partner leads are scored from the partner's intake form, so their score
        says nothing about their quality. Rather than an independent draw, whose
        AUC would wander (about +-0.04 at 60 wins), the scores are stratified:
        within each outcome the scoring report sees (won, lost, unresolved; its
        definitions with the default 180-day maturity), the Partner scores are
        evenly spaced quantiles of one normal distribution, handed out in random
        order. Won and lost Partner leads then have the same score distribution,
        so their AUC is 0.5 up to rounding at every seed. Blank and out-of-range
        scores are kept. The handoff and the owner of Open leads follow the new
        score (same rules and draws as in :meth:`_leads`).
        """
        rng = self.story_rng
        score = self.lead_score
        target = (self.lead_source == _PARTNER) & (score >= 0) & (score <= 100)
        opp = self.lead_opp
        has_opp = opp >= 0
        opp_won = has_opp & self.opp_won[np.maximum(opp, 0)]
        opp_closed = has_opp & self.opp_closed[np.maximum(opp, 0)]
        old = (_AS_OF - self.lead_created) >= 180
        lost = (opp_closed & ~opp_won) | (~has_opp & ((self.lead_status == "Unqualified") | old))
        group = np.where(opp_won, 0, np.where(lost, 1, 2))[target]
        k = len(group)
        order = np.lexsort((rng.random(k), group))
        size = np.bincount(group, minlength=3)
        start = np.cumsum(size) - size
        rank = np.empty(k, dtype=np.int64)
        rank[order] = np.arange(k) - np.repeat(start, size)
        u = (rank + rng.random(k)) / size[group]
        spread = np.hypot(20.0, 8.0)  # quality sd and reading noise, as for other sources
        new = (
            np.clip(np.round(_QUALITY_MEAN + _SOURCE_SHIFT[_PARTNER] + spread * ndtri(u)), 0, 100)
            + 0.0
        )
        score[target] = new

        # Handoff and Open-lead ownership follow the new Partner scores.
        handed = target & (score >= 60) & (self._handoff_day <= _AS_OF)
        self.lead_handed = np.where(target, handed, self.lead_handed)
        self.lead_handed_at = np.where(
            target, np.where(handed, self._handoff_day, _NO_DAY), self.lead_handed_at
        )
        owner = self.lead_owner
        keep = target & (owner != _UNKNOWN_OWNER)
        unowned = (
            (self.lead_status == "Open")
            & ~self.lead_handed
            & ~self.lead_converted
            & (self._unowned_draw < 0.35)
        )
        owner[keep] = np.where(unowned[keep], None, self._rep_draw[keep])

    def _finish_leads(self) -> None:
        n = self.n_leads
        lead_width = self.ids.width("L", n + len(_LATE_LEADS), 6)
        # self.lead_ids (the regular leads) is what activities link to; the late
        # leads get the ids after the regular leads of all chunks
        # (``lead_total``) and have no activities.
        self.lead_ids = _ids("L", np.arange(1, n + 1) + self.ids.leads, lead_width)
        self.lead_width = lead_width
        self.lead_total = n if self.ids.lead_total is None else self.ids.lead_total
        late = _LATE_LEADS if self.plant else []
        late_day, late_source, late_score, late_owner, late_company = (
            np.array([row[i] for row in late], dtype=object) for i in range(5)
        )
        n_late = len(late)
        no_day = np.full(n_late, _NO_DAY)
        no_code = np.full(n_late, -1)
        late_numbers = np.arange(1, n_late + 1) + self.lead_total
        self.leads = pd.DataFrame(
            {
                "lead_id": pd.Series(
                    pa.concat_arrays([self.lead_ids, _ids("L", late_numbers, lead_width)]),
                    dtype="str",
                ),
                "created_at": _dates(
                    np.concatenate(
                        [self.lead_created, np.array([_day(d) for d in late_day], dtype=np.int64)]
                    )
                ),
                "source": _text(np.concatenate([_SOURCES[self.lead_source], late_source])),
                "status": _text(np.concatenate([self.lead_status, np.full(n_late, "Open")])),
                "score": np.concatenate([self.lead_score, late_score.astype(float)]),
                "owner_id": _text(np.concatenate([self.lead_owner, late_owner])),
                "handed_off_at": _dates(np.concatenate([self.lead_handed_at, no_day])),
                "converted_at": _dates(np.concatenate([self.lead_converted_at, no_day])),
                "converted_account_id": _take(
                    self.account_ids, np.concatenate([self.lead_account, no_code])
                ),
                "converted_opportunity_id": _take(
                    self.opp_ids, np.concatenate([self.lead_opp, no_code])
                ),
                "company": _text(np.concatenate([self.lead_company, late_company])),
            }
        )

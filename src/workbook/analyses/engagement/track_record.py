"""Track record of the engagement levels, and win rates by owner, industry and source.

Level track record (:func:`level_track_record`)
-----------------------------------------------
At ``cut`` = the month-end ``outcome_months`` months before ``as_of``
(:func:`workbook.core.calendar.month_end_cut`), the levels are computed on
``crm.as_known_at(cut)`` with the **same cut points** as this run (window
and ``high_min_records``). An account *won a deal in the following period*
when one of its opportunities was closed won with close day in ``(cut,
as_of]``. Per level: accounts, those that won, the share with a Wilson 95%
CI, and whether the levels differ beyond chance
(:func:`workbook.core.noise.heterogeneity_test`).

Win rates by segment (:func:`win_rates_by`)
-------------------------------------------
Over deals closed (won or lost) with close day in ``(as_of - period_days,
as_of]``: win rate = won / closed per owner (shown by name from
``users``), industry (of the account) or source (of the lead converted into
the deal; ``(none)`` for deals not from a lead). Each rate has a Wilson 95%
CI and its position against the 95% and 99.8% exact binomial funnel limits
around the overall rate; a group is **named** only by
:func:`workbook.core.noise.name_extremes` (heterogeneity p < 0.05 and
outside the 99.8% limits, at least 10 closed deals).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbook.analyses.engagement.common import flag, label
from workbook.analyses.engagement.levels import LEVELS, engagement_levels
from workbook.analyses.engagement.records import LEAD_COLUMNS, window_activities
from workbook.core.calendar import as_of_end, month_end_cut, window_start
from workbook.core.noise import funnel_limits, heterogeneity_test, name_extremes
from workbook.core.stats import add_wilson
from workbook.engine import for_crm

__all__ = [
    "SEGMENTS",
    "SegmentRates",
    "funnel_curve",
    "level_track_record",
    "segment_deals",
    "win_rates_by",
]

#: Segment dimensions and the noun of their sentence.
SEGMENTS = {"owner": "owners", "industry": "industries", "source": "lead sources"}


def level_track_record(
    crm, *, outcome_months: int, window_days: int, high_min_records: int | None
) -> tuple[pd.DataFrame, str]:
    """Share of accounts per level at the cut that won a deal in the following period.

    Parameters
    ----------
    crm : CrmData
        The full data; needs ``accounts``, ``activities``,
        ``opportunities`` and ``leads``.
    outcome_months : int
        Months between the cut and ``as_of``.
    window_days, high_min_records
        The cut points of this run (applied unchanged at the cut).

    Returns
    -------
    (DataFrame, str)
        ``cut``, ``level``, ``accounts``, ``won_accounts``, ``rate``,
        ``ci_low``, ``ci_high`` (one row per level, dormant first), and the
        sentence (with the heterogeneity test).
    """
    cut = month_end_cut(crm.as_of, outcome_months)
    past = crm.as_known_at(cut)
    # only the activity and lead columns the counts read are copied at the cut, and of the
    # activities (loaded rows, unchanged by the cut) only those the window counts
    acts = window_activities(
        crm.activities, past.tables.rows("activities"), as_of=cut, window_days=window_days
    )
    lv = engagement_levels(
        past.accounts,
        acts,
        past.opportunities,
        past.tables.select("leads", LEAD_COLUMNS),
        as_of=cut,
        window_days=window_days,
        high_min_records=high_min_records,
        engine=for_crm(crm),
    )
    opps = crm.opportunities
    won = (
        flag(opps["is_won"])
        & flag(opps["is_closed"])
        & (opps["close_date"] >= as_of_end(cut))
        & (opps["close_date"] < as_of_end(crm.as_of))
    )
    winners = set(opps.loc[won.to_numpy(dtype=bool), "account_id"].dropna())
    lv = lv.assign(won=lv["account_id"].isin(winners))
    table = (
        lv.groupby("level", observed=False)
        .agg(accounts=("account_id", "size"), won_accounts=("won", "sum"))
        .reindex(list(LEVELS), fill_value=0)
        .reset_index()
    )
    table["won_accounts"] = table["won_accounts"].astype("int64")
    table = add_wilson(table, "won_accounts", "accounts")
    table.insert(0, "cut", cut.date().isoformat())
    test = heterogeneity_test(table["won_accounts"], table["accounts"])
    parts = [
        f"{r.level} {r.rate:.0%} ({r.won_accounts:,} of {r.accounts:,})"
        for r in table.itertuples(index=False)
        if r.accounts
    ]  # three levels, not rows of data
    verdict = (
        "the levels differ beyond chance"
        if np.isfinite(test.p_value) and test.p_value < 0.05
        else "the differences are within noise"
    )
    sentence = (
        f"Track record: of the accounts at each level on {cut.date()}, the share that won a "
        f"deal by {pd.Timestamp(crm.as_of).date()} was {', '.join(parts)}; {verdict} "
        f"({test.p_label})."
    )
    return table.astype({"level": "str"}), sentence


def segment_deals(crm, *, period_days: int) -> pd.DataFrame:
    """Deals closed in ``(as_of - period_days, as_of]`` with their owner, industry and source.

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``won`` (0/1), ``owner``, ``owner_name``,
        ``industry``, ``source``.
    """
    opps = crm.opportunities
    closed = (
        flag(opps["is_closed"])
        & (opps["close_date"] >= window_start(crm.as_of, period_days))
        & (opps["close_date"] < as_of_end(crm.as_of))
    )
    deals = opps.loc[closed.to_numpy(dtype=bool)].reset_index(drop=True)
    industry = crm.accounts.drop_duplicates("account_id").set_index("account_id")["industry"]
    leads = crm.get("leads")
    if leads is not None and "source" in leads:
        src = leads.dropna(subset=["converted_opportunity_id"]).drop_duplicates(
            "converted_opportunity_id"
        )
        source = deals["opportunity_id"].map(src.set_index("converted_opportunity_id")["source"])
    else:
        source = pd.Series(pd.NA, index=deals.index)
    users = crm.get("users")
    names = (
        users.dropna(subset=["name"]).drop_duplicates("owner_id").set_index("owner_id")["name"]
        if users is not None
        else pd.Series(dtype="object")
    )
    owner = label(deals["owner_id"])
    return pd.DataFrame(
        {
            "opportunity_id": deals["opportunity_id"],
            "won": flag(deals["is_won"]).astype("int64"),
            "owner": owner,
            "owner_name": owner.map(names).fillna(owner).astype("str"),
            "industry": label(deals["account_id"].map(industry)),
            "source": label(source),
        }
    )


@dataclass
class SegmentRates:
    """Win rates of one dimension (:func:`win_rates_by`).

    Attributes
    ----------
    table : DataFrame
        ``dimension``, ``group``, ``label``, ``won``, ``closed``, ``rate``,
        ``ci_low``, ``ci_high`` (Wilson 95%), ``lower_95``, ``upper_95``,
        ``lower_998``, ``upper_998``, ``position``, ``named``.
    overall_rate : float
    sentence : str
        From :func:`workbook.core.noise.name_extremes`.
    named : list
        Group ids named (outside the 99.8% limits with a significant test).
    """

    table: pd.DataFrame
    overall_rate: float
    sentence: str
    named: list = field(default_factory=list)


def win_rates_by(deals: pd.DataFrame, *, dimension: str) -> SegmentRates:
    """Win rate per group of ``dimension`` (``"owner"``, ``"industry"``, ``"source"``).

    Parameters
    ----------
    deals : DataFrame
        :func:`segment_deals`.
    dimension : str
        One of :data:`SEGMENTS`.

    Returns
    -------
    SegmentRates
    """
    if dimension not in SEGMENTS:
        raise ValueError(f"dimension must be one of {sorted(SEGMENTS)}, got {dimension!r}")
    grouped = (
        deals.groupby(dimension)
        .agg(won=("won", "sum"), closed=("won", "size"))
        .reset_index()
        .rename(columns={dimension: "group"})
        .sort_values(["closed", "group"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    names = (
        deals.drop_duplicates("owner").set_index("owner")["owner_name"].to_dict()
        if dimension == "owner"
        else None
    )
    result = name_extremes(
        grouped,
        group_col="group",
        successes_col="won",
        trials_col="closed",
        what=SEGMENTS[dimension],
        labels=names,
    )
    table = add_wilson(
        result.table.rename(columns={"successes": "won", "trials": "closed"}), "won", "closed"
    )
    table.insert(0, "dimension", dimension)
    named = [*result.worst, *result.best]
    table["named"] = table["group"].isin(named)
    columns = [
        "dimension", "group", "label", "won", "closed", "rate", "ci_low", "ci_high",
        "lower_95", "upper_95", "lower_998", "upper_998", "position", "named",
    ]  # fmt: skip
    return SegmentRates(table[columns], result.overall_rate, result.sentence, named)


def funnel_curve(max_n: int, p0: float, *, points: int = 200) -> pd.DataFrame:
    """Funnel limits on a grid of group sizes 1..max_n, for the funnel plot.

    Returns
    -------
    DataFrame
        ``n``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``
        (:func:`workbook.core.noise.funnel_limits`).
    """
    n = np.unique(np.linspace(1, max(int(max_n), 1), points).round().astype(np.int64))
    if not np.isfinite(p0):
        return pd.DataFrame(columns=["n", "lower_95", "upper_95", "lower_998", "upper_998"])
    return funnel_limits(n, float(p0))

"""The size presets of the sample: :class:`_Scale` and :data:`SCALES`."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class _Scale:
    """Counts and rates of one sample scale."""

    n_accounts: int
    n_leads: int
    n_products: int
    max_depth: int  # deepest generic hierarchy level (root = 0)
    level1_share: float  # share of generic accounts at depth 1
    level_decay: float  # each deeper level holds this share of the one above
    family_root_share: float  # share of depth-0 accounts that have children
    renewals_per_account: float  # Poisson mean of renewal/expansion deals per account (36 months)
    lead_touches: float  # mean touches per touched lead
    opp_activity_per_30d: float  # activity rate on opportunities
    account_activity_per_year: float  # account-linked activities of a "normal" account
    purchase_base: float  # base ownership probability of a product at 2023-06-30
    purchase_popular: float  # same, for an industry's popular products
    purchase_rows: float  # Poisson mean of extra rows per owned product
    formats: tuple[str, ...]
    #: Generated (and written) in this many chunks; each chunk is a mini CRM
    #: of ``n_accounts / chunks`` accounts and ``n_leads / chunks`` leads, and
    #: more than one chunk is written as partitioned Parquet (one part per chunk).
    chunks: int = 1


SCALES: dict[str, _Scale] = {
    "small": _Scale(
        n_accounts=600,
        n_leads=7_500,
        n_products=12,
        max_depth=3,
        level1_share=0.10,
        level_decay=0.4,
        family_root_share=0.05,
        renewals_per_account=2.4,
        lead_touches=2.8,
        opp_activity_per_30d=3.5,
        account_activity_per_year=22.0,
        purchase_base=0.07,
        purchase_popular=0.30,
        purchase_rows=3.2,
        formats=("csv",),
    ),
    "large": _Scale(
        n_accounts=100_000,
        n_leads=1_500_000,
        n_products=50,
        max_depth=10,
        level1_share=0.08,
        level_decay=0.6,
        family_root_share=0.03,
        renewals_per_account=2.4,
        lead_touches=1.6,
        opp_activity_per_30d=1.7,
        account_activity_per_year=12.0,
        purchase_base=0.035,
        purchase_popular=0.27,
        purchase_rows=2.6,
        formats=("csv", "parquet"),
    ),
}

# Ten chunks of 100k accounts and 1M leads, with the rates of "large"
# (purchase_rows lowered from 2.6 so that purchases come to about 10M rows,
# not 14.7M). About 425k opportunities and 5M activities per chunk.
SCALES["xlarge"] = replace(
    SCALES["large"],
    n_accounts=1_000_000,
    n_leads=10_000_000,
    purchase_rows=1.45,
    formats=("parquet",),
    chunks=10,
)

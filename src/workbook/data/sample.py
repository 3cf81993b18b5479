"""Deterministic synthetic CRM data in the canonical format, with planted stories.

:func:`generate` builds all eight canonical tables (see :mod:`workbook.data.model`)
from ``numpy.random.default_rng(seed)``: the same ``scale`` and ``seed`` give
identical frames. :func:`write` saves them as ``<table>.csv`` (UTF-8, no BOM)
and/or ``<table>.parquet``.

Scales
------
``small``
    About 600 accounts, 7,500 leads over the 36 months up to
    :data:`SAMPLE_AS_OF`, ~2,800 opportunities, ~65k activities, 12 products,
    ~5k purchase rows, ~1.8k contacts and 14 users. Generates in well under
    a second; it is the default data of every report.
``large``
    About 100k accounts (hierarchies up to depth 10), 1.5M leads, 7M
    activities, 50 products and 1.5M purchase rows, for benchmarks.

Every planted story (GalacticSpace against the Dogs Extraordinaire group,
sibling discounts, whitespace, score that predicts winning except for Partner
leads, months-long nurturing, dormant accounts, data faults such as leads
created after :data:`SAMPLE_AS_OF`) is described, with ids, in
``docs/sample_data.md``. The planted accounts, products and users have the
same ids at both scales.

Conventions
-----------
* All dates are calendar days (midnight), ``datetime64[ns]``.
* Every activity links to exactly one of ``lead_id``, ``opportunity_id`` or
  ``account_id``; the other two are blank.
* Ids are zero-padded strings (``A00001``, ``L000001``, ``O000001``,
  ``ACT0000001``, ``P01``, ``C00001``, ``U01``); the width grows when a
  scale needs more digits.

Generation is vectorised with NumPy: the only Python loops run over
hierarchy levels and over a handful of planted records.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from scipy import sparse
from scipy.special import ndtri

from workbook.data.model import (
    ACCOUNTS,
    ACTIVITIES,
    CONTACTS,
    LEADS,
    OPPORTUNITIES,
    PRODUCTS,
    PURCHASES,
    SPECS,
    USERS,
)

__all__ = ["SAMPLE_AS_OF", "SCALES", "generate", "write"]

#: The snapshot date of the sample: the default ``as_of`` on sample data.
SAMPLE_AS_OF = pd.Timestamp("2026-06-30")

#: First day of the 36 months of leads.
SAMPLE_START = pd.Timestamp("2023-07-01")

_EPOCH = np.datetime64("1970-01-01", "D")


def _day(text: str) -> int:
    """Day number (days since 1970-01-01) of an ISO date."""
    return int((np.datetime64(text, "D") - _EPOCH).astype(np.int64))


_AS_OF = _day("2026-06-30")
_START = _day("2023-07-01")
#: Sentinel for "no date" in the integer day arrays.
_NO_DAY = np.iinfo(np.int64).min


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

# --- fixed catalogue: users, products, industries ---------------------------

_NEW_REP = "U14"
_UNKNOWN_OWNER = "U99"  # an owner_id that is not in users (a planted fault)

_USERS = [
    # owner_id, name, team, started_at
    ("U01", "Alice Johnson", "Inside Sales", "2019-03-04"),
    ("U02", 'Robert "Bob" Miller', "Enterprise", "2014-02-03"),
    ("U03", "田中 花子", "Enterprise", "2017-06-12"),
    ("U04", "Carlos Díaz", "Inside Sales", "2021-01-11"),
    ("U05", "สมชาย ใจดี", "Field Sales", "2020-09-01"),
    ("U06", "Priya Patel", "Inside Sales", "2022-04-04"),
    ("U07", "O'Neil, Sean", "Field Sales", "2018-11-05"),
    ("U08", "王伟", "Field Sales", "2023-02-13"),
    ("U09", "Emma Schmidt", "Inside Sales", "2024-08-19"),
    ("U10", "김지훈", "Enterprise", "2019-10-07"),
    ("U11", "Liam Brown", "Field Sales", "2022-07-18"),
    ("U12", "Fatima Al-Sayed", "Inside Sales", "2023-09-25"),
    ("U13", "Noah Wilson", "Field Sales", "2020-01-06"),
    ("U14", "Mia Chen", "Enterprise", "2026-05-04"),
]
#: Reps that own generic records (the new rep only owns planted ones).
_REPS = np.array([u[0] for u in _USERS if u[0] != _NEW_REP], dtype=object)

_INDUSTRIES = np.array(
    [
        "Software",
        "Manufacturing",
        "Retail",
        "Healthcare",
        "Financial Services",
        "Education",
        "Logistics",
    ],
    dtype=object,
)

_PRODUCTS = [
    # name, family, list_price
    ("The Tangerine1000", "Hardware", 12_000.0),
    ("Kiwi Cloud Sync", "Software", 4_800.0),
    ("Kiwi Cloud Backup", "Software", 3_600.0),
    ("Mango Analytics", "Software", 9_000.0),
    ('Lime "Pro" Support, 24x7', "Services", 2_400.0),
    ("Lime Onboarding", "Services", 1_500.0),
    ("データ連携ハブ", "Software", 7_000.0),
    ("智能报表 企业版", "Software", 6_500.0),
    ("클라우드 보안", "Software", 5_200.0),
    ("ระบบบัญชี Plus", "Software", 3_900.0),
    ("Pay$ Premium ($$$)", "Services", 20_000.0),
    ("Durian Legacy Connector", "Hardware", 8_000.0),
]
_TANGERINE = 0  # P01
_UNOWNED_PRODUCT = 11  # P12: nobody owns it
#: Co-purchase pairs (owners of the first are much likelier to own the second).
_CO_PURCHASE = ((1, 2), (4, 5), (7, 8))
_CO_PURCHASE_P = 0.7
#: Popular products per industry (index into _INDUSTRIES -> product indices).
_POPULAR = {0: (1, 6), 1: (0, 3), 2: (0, 4), 3: (7, 9), 4: (10, 3), 5: (1, 9), 6: (3, 6)}
_EXTRA_PRODUCT_WORDS = (
    ["Papaya", "Guava", "Lychee", "Quince", "Plum", "Fig", "Yuzu", "Pomelo", "Cherry", "Apricot"],
    ["Edge", "Core", "Flow", "Vault", "Pulse", "Grid", "Sense", "Hub"],
)

# --- planted accounts -------------------------------------------------------
# (key, name, parent key or literal "#missing", owner, industry, engagement)
_PLANTED_ACCOUNTS = [
    ("dogs", "Dogs Extraordinaire", None, "U02", "Retail", "high"),
    ("pups", "PupsRUs", "dogs", "U02", "Retail", "high"),
    ("we3", "We <3 Dogs", "dogs", _NEW_REP, "Retail", "normal"),
    ("wan", "ワンワン株式会社", "dogs", "U03", "Retail", "high"),
    ("mha", "หมาดี จำกัด", "dogs", "U02", "Retail", "normal"),
    ("galactic", "GalacticSpace", None, "U07", "Manufacturing", "high"),
    ("script", '<script>alert("x")</script> Corp', None, "U04", "Software", "normal"),
    ("cn", "深圳星河科技有限公司", None, "U08", "Manufacturing", "normal"),
    ("kr", "한빛소프트 주식회사", None, "U10", "Software", "normal"),
    ("quote", 'Acme "Quoted" Holdings, Inc.', None, "U01", "Financial Services", "normal"),
    ("newline", "Line\nBreak Industries", None, "U06", "Logistics", "normal"),
    ("dollar", "$$ Money $ Makers", None, "U11", "Financial Services", "normal"),
    ("cyc1", "Ouroboros Holdings", "cyc2", "U05", "Manufacturing", "normal"),
    ("cyc2", "Ouroboros Europe", "cyc3", "U05", "Manufacturing", "normal"),
    ("cyc3", "Ouroboros Asia", "cyc1", "U05", "Manufacturing", "normal"),
    ("cyc_tail", "Ouroboros Retail", "cyc2", "U05", "Retail", "normal"),
    ("self", "Narcissus Mirrors Ltd", "self", "U09", "Retail", "normal"),
    ("orphan", "Orphan Annie's Bakery", "#missing", "U12", "Retail", "normal"),
    ("nw", "Northwind Holdings", None, "U13", "Logistics", "normal"),
    ("nw_r", "Northwind Retail", "nw", "U13", "Retail", "normal"),
    ("nw_l", "Northwind Logistics", "nw", "U01", "Logistics", "normal"),
    ("nw_x", "Northwind Labs", "nw", "U13", "Software", "normal"),
    ("dormant", "Sleepy Hollow Outfitters", None, "U11", "Retail", "dormant"),
]
_PK = {key: i for i, (key, *_rest) in enumerate(_PLANTED_ACCOUNTS)}
#: Planted accounts kept out of random opportunities and purchases, so their
#: revenue and ownership are exactly as planted.
_CURATED = ("dogs", "pups", "we3", "wan", "mha", "galactic", "nw", "nw_r", "nw_l", "nw_x")

# Planted won deals: (account key, owner, created, close, amount, won)
_PLANTED_DEALS = [
    ("galactic", "U07", "2025-06-10", "2025-09-15", 420_000.0, True),
    ("galactic", "U07", "2025-10-20", "2026-01-20", 350_000.0, True),
    ("galactic", "U07", "2026-02-05", "2026-05-10", 230_000.0, True),
    ("galactic", "U07", "2024-12-01", "2025-03-01", 300_000.0, True),  # previous period
    ("pups", "U02", "2025-07-01", "2025-10-01", 330_000.0, True),
    ("pups", "U02", "2025-12-10", "2026-03-15", 270_000.0, True),
    ("pups", "U02", "2024-10-15", "2025-01-10", 150_000.0, True),  # previous period
    ("we3", "U02", "2025-05-20", "2025-08-20", 450_000.0, True),
    ("wan", "U03", "2025-09-01", "2025-11-30", 280_000.0, True),
    ("wan", "U03", "2026-02-01", "2026-04-30", 240_000.0, True),
    ("mha", "U02", "2025-11-15", "2026-02-14", 430_000.0, True),
    ("dogs", "U02", "2025-09-15", "2025-12-01", 15_000.0, True),
    ("mha", "U02", "2025-08-01", "2025-10-15", 90_000.0, False),
]
# Planted open deals: (account key, owner, created, expected close, amount, stage,
# probability, last activity day or None, meetings allowed)
_PLANTED_OPEN = [
    ("we3", _NEW_REP, "2026-05-20", "2026-08-31", 120_000.0, "Proposal", 80.0, "2026-06-01", False),
    ("galactic", "U07", "2026-05-25", "2026-09-30", 260_000.0, "Qualification", 40.0, None, True),
    (
        "dormant",
        "U11",
        "2026-01-10",
        "2026-07-31",
        85_000.0,
        "Negotiation",
        90.0,
        "2026-03-15",
        True,
    ),
]
# Planted purchases: (account key, product index, purchased_at, discount_pct)
# Within the Dogs family only The Tangerine1000 has a discount gap: three members
# at 12% and ワンワン株式会社 at 15% (MAD 0, so the 15% member is the outlier).
# Every other product bought by 2+ Dogs members has one discount (P02 10%,
# P03 10%, P05 5%), so the Tangerine gap is the family's only spread.
_PLANTED_PURCHASES = [
    ("pups", _TANGERINE, "2025-03-12", 12.0),
    ("wan", _TANGERINE, "2025-06-02", 15.0),
    ("mha", _TANGERINE, "2025-09-22", 12.0),
    ("dogs", _TANGERINE, "2024-11-05", 12.0),
    ("pups", 1, "2024-08-19", 10.0),
    ("pups", 2, "2024-08-19", 10.0),
    ("we3", 1, "2025-01-15", 10.0),
    ("we3", 4, "2025-04-03", 5.0),
    ("wan", 2, "2025-02-27", 10.0),
    ("wan", 4, "2025-07-08", 5.0),
    ("mha", 1, "2025-10-01", 10.0),
    ("dogs", 6, "2024-05-30", 0.0),
    ("galactic", 3, "2025-02-01", 10.0),
    ("galactic", _TANGERINE, "2025-05-05", 5.0),
    ("galactic", 10, "2025-11-11", 0.0),
    ("nw", 3, "2024-09-10", 5.0),
    ("nw_r", 3, "2025-01-20", 6.0),
    ("nw_l", 3, "2025-04-14", 5.0),
    ("nw_x", 3, "2025-08-08", 35.0),
    ("nw_r", 4, "2025-02-02", 0.0),
]

# Leads created after SAMPLE_AS_OF (a planted fault: records dated after as_of).
# (created_at, source, score, owner_id or None, company). Status Open, no handoff,
# no conversion, no activities; ids follow the last regular lead.
_LATE_LEADS = [
    ("2026-07-02", "Web", 52.0, "U06", "Harbor Lunar Supply GmbH"),
    ("2026-07-09", "Event", 38.0, None, "Cedar Pixel Works Ltd"),
    ("2026-07-20", "Paid Search", 27.0, "U09", "Orbit Prairie Foods Inc."),
]

# --- name parts ---------------------------------------------------------------
_ADJ = np.array(
    "Blue Northern Bright Silver Granite Rapid Summit Golden Harbor Crescent Pioneer "
    "Evergreen Coastal Atlas Nova Vertex Maple Iron Crystal Prairie Lunar Solar Redwood "
    "Cedar Falcon Orbit Quantum Urban Alpine Delta".split(),
    dtype=object,
)
_NOUN = np.array(
    "Analytics Logistics Foods Systems Dynamics Labs Works Networks Health Outfitters "
    "Robotics Media Energy Textiles Partners Foundry Pharma Motors Studios Supply Ventures "
    "Bakery Clinics Academy Freight Software Metals Farms Interiors Capital".split(),
    dtype=object,
)
_SUFFIX = np.array(
    ["Inc.", "LLC", "Ltd", "GmbH", "Co.", "Group", "S.A.", "Corp", "AG", "B.V."], dtype=object
)
_INTL_STEMS = np.array(
    ["さくら", "富士", "青空", "山桜", "长城", "华兴", "东方", "金桥"]
    + ["한빛", "미래", "서울", "새솔", "สยาม", "รุ่งเรือง", "ไทยเจริญ", "ศรีสุข"],
    dtype=object,
)
_INTL_MIDDLE = np.array(
    ["テック", "物産", "電機", "食品", "科技", "贸易", "数据", "物流"]
    + ["테크", "물산", "식품", "전자", "เทรดดิ้ง", "เทคโนโลยี", "ฟู้ดส์", "โลจิสติกส์"],
    dtype=object,
)
_INTL_SUFFIX = np.array(
    ["株式会社"] * 4 + ["有限公司"] * 4 + [" 주식회사"] * 4 + [" จำกัด"] * 4, dtype=object
)

_TITLES = np.array(
    [
        "CEO",
        "CFO",
        "CTO",
        "VP Sales",
        "Head of Procurement",
        "IT Manager",
        "Office Manager",
        "Operations Analyst",
        "営業部長",
        "采购经理",
        'Director, "Ops"',
        "Engineer",
    ],
    dtype=object,
)
_TITLE_DM_P = np.array([0.9, 0.85, 0.8, 0.7, 0.6, 0.25, 0.05, 0.05, 0.6, 0.5, 0.5, 0.02])

_SOURCES = np.array(["Web", "Event", "Partner", "Referral", "Paid Search"], dtype=object)
_SOURCE_P = np.array([0.35, 0.15, 0.15, 0.10, 0.25])
_SOURCE_SHIFT = np.array([0.0, 2.0, 5.0, 9.0, -6.0])
#: Partner leads (index into _SOURCES) are scored from the partner's intake form:
#: their score is unrelated to the lead's quality, so it does not predict winning.
_PARTNER = 2

# Lead inflow: seasonal amplitude, growth over the 36 months, gamma shape of
# the monthly multiplier (cv = 1 / sqrt(shape)).
_SEASON_AMPLITUDE = 0.15
_LEAD_GROWTH = 0.50
_MONTH_SHAPE = 60.0
_TRADE_SHOW = 1.5  # March lead volume multiplier
_QUALITY_MEAN = 46.5  # mean hidden lead quality (before the source shift)
_SLOW_SHARE = 0.35  # share of would-be conversions nurtured for months
_SLOW_MEAN = 85.0  # their mean extra wait, days

# Deals: the activity stream comes first. A "worked" deal gets steady activity
# until it closes and is usually won; a deal that goes quiet gets activity
# only until its quiet day and is usually lost some weeks to months later.
_P_WIN_WORKED = 0.90
_P_WIN_QUIET = 0.04
_REP_SKILL_SD = 0.6  # sd of the reps' effect on the log-odds of a deal being worked

# Purchases: log-odds of a first purchase of a product in a 12-month window
# (see _Gen._adoption).
_ADOPT_INTERCEPT = -4.8
_ADOPT_SIBLING = 2.5
_ADOPT_INDUSTRY = 5.0
_ADOPT_SIZE = 0.3
_NEVER = np.iinfo(np.int64).max  # "not owned (yet)" in the first-purchase matrix

_ACT_TYPES = np.array(["call", "email", "meeting", "task", "other"], dtype=object)
_CALL, _EMAIL, _MEETING, _TASK, _OTHER = range(5)

_OPEN_STAGES = np.array(["Prospecting", "Qualification", "Proposal", "Negotiation"], dtype=object)
_STAGE_PROBABILITY = np.array([10.0, 25.0, 50.0, 70.0])


# --- small helpers -----------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(n)))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded numbers, as a pyarrow string array."""
    text = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0"
    )
    return pc.binary_join_element_wise(prefix, text, "")


def _take(ids: pa.Array, codes: np.ndarray) -> pd.Series:
    """String ids picked by integer codes; code -1 gives a missing value."""
    codes = np.asarray(codes, dtype=np.int64)
    mask = codes < 0
    picked = ids.take(pa.array(np.where(mask, 0, codes), mask=mask))
    return pd.Series(picked, dtype="str")


def _text(values) -> pd.Series:
    """Object/None values as a pandas ``str`` Series (None -> missing)."""
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="str"))


def _dates(days: np.ndarray) -> pd.Series:
    """Integer day numbers -> ``datetime64[ns]``; :data:`_NO_DAY` -> NaT."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == _NO_DAY
    out = (np.where(missing, 0, days).astype("datetime64[D]")).astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out)


def _uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One integer day uniformly in [lo, hi] (both inclusive; hi < lo gives lo)."""
    lo = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo, 0) + 1
    return lo + np.floor(rng.random(len(lo)) * span).astype(np.int64)


def _spread(rng, counts, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """``counts[i]`` uniform days in [lo[i], hi[i]] for each i: (owner index, day)."""
    idx = np.repeat(np.arange(len(counts)), counts)
    return idx, _uniform_days(rng, np.asarray(lo)[idx], np.asarray(hi)[idx])


def _pick_types(rng, n: int, p) -> np.ndarray:
    return rng.choice(len(_ACT_TYPES), size=n, p=p).astype(np.int8)


def _company_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Generic company names; about 5% Japanese, Chinese, Korean or Thai."""
    latin = _ADJ[rng.integers(0, len(_ADJ), n)] + " " + _NOUN[rng.integers(0, len(_NOUN), n)]
    latin = latin + " " + _SUFFIX[rng.integers(0, len(_SUFFIX), n)]
    stem = rng.integers(0, len(_INTL_STEMS), n)
    lang = stem // 4
    middle = lang * 4 + rng.integers(0, 4, n)
    intl = _INTL_STEMS[stem] + _INTL_MIDDLE[middle] + _INTL_SUFFIX[middle]
    return np.where(rng.random(n) < 0.05, intl, latin)


# --- the generator -----------------------------------------------------------


def generate(*, scale: str = "small", seed: int = 0) -> dict[str, pd.DataFrame]:
    """Generate the synthetic CRM.

    Parameters
    ----------
    scale : {"small", "large"}
        Size preset, see the module docstring and :data:`SCALES`.
    seed : int
        Seed of ``numpy.random.default_rng``. The same ``scale`` and ``seed``
        always give identical tables.

    Returns
    -------
    dict of str to DataFrame
        All eight canonical tables (``accounts``, ``leads``, ``opportunities``,
        ``activities``, ``products``, ``purchases``, ``contacts``, ``users``),
        with exactly the columns of :data:`workbook.data.model.SPECS`, in that order:
        ids and text as pandas ``str``, dates ``datetime64[ns]`` (midnight),
        booleans ``boolean``, numbers ``float64``. The snapshot date is
        :data:`SAMPLE_AS_OF`; a few records are deliberately dated after it.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    return _generate(SCALES[scale], seed=seed)


def _generate(cfg: _Scale | None = None, *, seed: int = 0, **overrides) -> dict[str, pd.DataFrame]:
    """:func:`generate` with an explicit :class:`_Scale`; ``overrides`` replace its fields.

    Used by tests to run the large-scale code path (depth 10, 50 products) at
    a tiny size, e.g. ``_generate(SCALES["large"], n_accounts=2000, n_leads=3000)``.
    """
    cfg = dataclasses.replace(cfg or SCALES["small"], **overrides)
    rng = np.random.default_rng(seed)
    # A second stream, derived from the same seed, for draws added to refine the
    # stories: they leave the main stream (and so the random background) as it was.
    g = _Gen(cfg, rng, story_rng=np.random.default_rng([seed, 1]))
    return g.run()


class _Gen:
    """Holds intermediate integer-coded arrays while the tables are built."""

    def __init__(
        self, cfg: _Scale, rng: np.random.Generator, *, story_rng: np.random.Generator
    ) -> None:
        self.cfg = cfg
        self.rng = rng
        self.story_rng = story_rng

    # -- orchestration --
    def run(self) -> dict[str, pd.DataFrame]:
        self._accounts()
        self._leads()
        self._opportunities()
        self._partner_scores()
        self._finish_leads()
        self._activities()
        self._products_and_purchases()
        self._contacts()
        tables = {
            ACCOUNTS: self.accounts,
            LEADS: self.leads,
            OPPORTUNITIES: self.opportunities,
            ACTIVITIES: self.activities,
            PRODUCTS: self.products,
            PURCHASES: self.purchases,
            CONTACTS: self.contacts,
            USERS: _users_table(),
        }
        return {name: tables[name][SPECS[name].column_names] for name in SPECS}

    # -- accounts and hierarchy --
    def _accounts(self) -> None:
        cfg, rng = self.cfg, self.rng
        n_planted = len(_PLANTED_ACCOUNTS)
        n = max(cfg.n_accounts, n_planted + 20)
        n_gen = n - n_planted
        self.n_accounts = n

        # Hierarchy of the generic accounts: depth levels, parents one level up.
        counts = [0] * (cfg.max_depth + 1)
        level_n = cfg.level1_share * n_gen
        for depth in range(1, cfg.max_depth + 1):
            counts[depth] = max(1, int(round(level_n)))
            level_n *= cfg.level_decay
        counts[0] = n_gen - sum(counts[1:])
        depth_of = rng.permutation(np.repeat(np.arange(cfg.max_depth + 1), counts))
        parent = np.full(n, -1, dtype=np.int64)
        gen_codes = np.arange(n_planted, n)
        roots = gen_codes[depth_of == 0]
        pool = rng.choice(
            roots, size=max(1, int(round(cfg.family_root_share * len(roots)))), replace=False
        )
        for depth in range(1, cfg.max_depth + 1):
            members = gen_codes[depth_of == depth]
            parent[members] = rng.choice(pool, size=len(members))
            pool = members

        names = np.empty(n, dtype=object)
        names[n_planted:] = _company_names(rng, n_gen)
        owner = np.empty(n, dtype=object)
        owner[n_planted:] = _REPS[rng.integers(0, len(_REPS), n_gen)]
        industry = np.empty(n, dtype=object)
        industry[n_planted:] = _INDUSTRIES[rng.integers(0, len(_INDUSTRIES), n_gen)]
        engagement = np.empty(n, dtype=object)
        engagement[n_planted:] = rng.choice(
            np.array(["high", "normal", "dormant"], dtype=object), size=n_gen, p=[0.15, 0.63, 0.22]
        )
        created = _uniform_days(rng, np.full(n, _day("2016-01-01")), np.full(n, _day("2023-06-30")))

        missing_parent_code = -2
        for i, (_key, name, parent_key, own, ind, eng) in enumerate(_PLANTED_ACCOUNTS):
            names[i], owner[i], industry[i], engagement[i] = name, own, ind, eng
            if parent_key == "#missing":
                parent[i] = missing_parent_code
            elif parent_key is not None:
                parent[i] = _PK[parent_key]
        # Two generic accounts owned by an owner_id that is not in users.
        owner[rng.choice(gen_codes, size=2, replace=False)] = _UNKNOWN_OWNER

        width = _width(n, 5)
        self.account_ids = _ids("A", np.arange(1, n + 1), width)
        parent_ids = _take(self.account_ids, np.where(parent == missing_parent_code, -1, parent))
        parent_ids[parent == missing_parent_code] = "A" + "9" * width
        self.account_names = names
        self.account_owner = owner
        self.account_industry = industry
        self.account_created = created
        self.engagement = engagement
        # Dormant accounts have no records after quiet_since (at least 46 days before as_of).
        self.quiet_since = np.where(
            engagement == "dormant", _AS_OF - rng.integers(46, 300, n), _AS_OF
        ).astype(np.int64)
        self.quiet_since[_PK["dormant"]] = _day("2026-03-15")
        # Ultimate parent (by pointer jumping; the planted cycles stop anywhere
        # on the cycle) and number of contacts (0-6), used by _adoption.
        root = np.arange(n)
        for _ in range(cfg.max_depth + 1):
            up = parent[root]
            root = np.where(up >= 0, up, root)
        self.account_root = root
        self.contact_count = self.story_rng.integers(0, 7, n)
        self.contact_count[_PK["we3"]] = 2
        self.is_curated = np.zeros(n, dtype=bool)
        self.is_curated[[_PK[k] for k in _CURATED]] = True
        self.accounts = pd.DataFrame(
            {
                "account_id": pd.Series(self.account_ids, dtype="str"),
                "name": _text(names),
                "parent_id": parent_ids,
                "owner_id": _text(owner),
                "industry": _text(industry),
                "created_at": _dates(created),
            }
        )

    # -- leads --
    def _leads(self) -> None:
        cfg, rng = self.cfg, self.rng
        n = cfg.n_leads
        months = pd.period_range(SAMPLE_START, SAMPLE_AS_OF, freq="M")
        month_start = (months.to_timestamp().to_numpy().astype("datetime64[D]") - _EPOCH).astype(
            np.int64
        )
        month_len = months.days_in_month.to_numpy().astype(np.int64)
        k = np.arange(len(months))
        # Seasonal wave x mild growth (+50% over the 36 months) x an overdispersed
        # monthly multiplier (gamma, cv about 0.13), so monthly counts are
        # gamma-Poisson rather than Poisson.
        weight = (
            (1.0 + _SEASON_AMPLITUDE * np.sin(2 * np.pi * k / 12 + 1.0))
            * (1.0 + _LEAD_GROWTH * k / max(len(k) - 1, 1))
            * rng.gamma(_MONTH_SHAPE, 1.0 / _MONTH_SHAPE, len(months))
        )
        weight[k % 12 == 8] *= _TRADE_SHOW  # a big trade show every March
        weight = np.clip(weight, 0.3, None)
        per_month = rng.multinomial(n, weight / weight.sum())
        m = np.repeat(k, per_month)
        created = month_start[m] + np.floor(rng.random(n) * month_len[m]).astype(np.int64)
        created.sort()

        source = rng.choice(len(_SOURCES), size=n, p=_SOURCE_P)
        quality = _QUALITY_MEAN + _SOURCE_SHIFT[source] + rng.normal(0, 20, n)
        # Partner scores are replaced once outcomes are known (_partner_scores).
        # + 0.0 turns the -0.0 that rounding small negatives gives into 0.0.
        score = np.clip(np.round(quality + rng.normal(0, 8, n)), 0, 100) + 0.0
        score[rng.random(n) < 0.05] = np.nan
        scored = np.flatnonzero(~np.isnan(score))
        bad = rng.choice(scored, size=2, replace=False)
        score[bad[0]], score[bad[1]] = -5.0, 140.0

        p_convert = _sigmoid(-1.55 + 0.05 * (quality - 50))
        wants = rng.random(n) < p_convert
        # Most conversions come within weeks (7 + exponential, mean 18 days);
        # some are nurtured for months (_SLOW_SHARE, _SLOW_MEAN), up to ~10 months.
        slow = rng.random(n) < _SLOW_SHARE
        wait = rng.exponential(np.where(slow, _SLOW_MEAN, 18.0))
        delay = 7 + np.minimum(wait, 290).astype(np.int64)
        converted_at = created + delay
        converted = wants & (converted_at <= _AS_OF)
        converted_at = np.where(converted, converted_at, _NO_DAY)

        handed = np.nan_to_num(score, nan=-1) >= 60
        handed_at = created + rng.integers(0, 4, n)
        self._handoff_day = handed_at.copy()  # kept for _partner_scores
        handed &= handed_at <= _AS_OF
        handed_at = np.where(handed, handed_at, _NO_DAY)

        age = _AS_OF - created
        old = age >= 180
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
        status = np.where(converted, "Converted", status)

        owner = _REPS[rng.integers(0, len(_REPS), n)].astype(object)
        self._rep_draw = owner.copy()  # kept for _partner_scores
        self._unowned_draw = rng.random(n)
        unowned = (status == "Open") & ~handed & ~converted & (self._unowned_draw < 0.35)
        owner[unowned] = None
        owner[rng.choice(np.flatnonzero(~unowned & ~converted), size=3, replace=False)] = (
            _UNKNOWN_OWNER
        )

        # Account of each converted lead; recent conversions avoid dormant accounts.
        eligible = np.flatnonzero(~self.is_curated)
        awake = eligible[self.engagement[eligible] != "dormant"]
        acct = eligible[rng.integers(0, len(eligible), n)]
        asleep = (converted_at > self.quiet_since[acct]) | (created > self.quiet_since[acct])
        acct = np.where(asleep, awake[rng.integers(0, len(awake), n)], acct)
        acct = np.where(converted, acct, -1)

        company = _company_names(rng, n)
        company = np.where(converted, self.account_names[np.maximum(acct, 0)], company)

        self.n_leads = n
        self.lead_created = created
        self.lead_quality = quality
        self.lead_score = score
        self.lead_converted = converted
        self.lead_converted_at = converted_at
        self.lead_handed = handed
        self.lead_handed_at = handed_at
        self.lead_status = status
        self.lead_owner = owner
        self.lead_account = acct
        self.lead_source = source
        self.lead_company = company

    # -- opportunities --
    def _opportunities(self) -> None:
        cfg, rng = self.cfg, self.rng
        # 1. From converted leads.
        conv = np.flatnonzero(self.lead_converted)
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

        n_gen = len(conv) + len(r_acct)
        acct = np.concatenate([l_acct, r_acct])
        created = np.concatenate([l_created, r_created])
        owner = np.concatenate([l_owner, r_owner])
        amount = np.clip(np.round(np.concatenate([l_amount, r_amount]), -2), 1_000, 250_000)
        # Activity stream first: each rep has a skill (log-odds); a deal is worked
        # with the probability that gives the deal's win chance, then its outcome
        # and timing follow from the stream (see _P_WIN_WORKED, _P_WIN_QUIET).
        srng = self.story_rng
        rep_skill = dict(zip(_REPS, srng.normal(0, _REP_SKILL_SD, len(_REPS)), strict=True))
        skill = pd.Series(owner).map(rep_skill).fillna(0).to_numpy(dtype=float)
        p_win = _sigmoid(
            np.log(np.concatenate([l_pwin, r_pwin]) / (1 - np.concatenate([l_pwin, r_pwin])))
            + skill
        )
        p_worked = np.clip((p_win - _P_WIN_QUIET) / (_P_WIN_WORKED - _P_WIN_QUIET), 0.02, 0.98)
        worked = srng.random(n_gen) < p_worked
        won = srng.random(n_gen) < np.where(worked, _P_WIN_WORKED, _P_WIN_QUIET)
        is_lead = np.arange(n_gen) < len(conv)
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
        rep_bias = {u: b for u, b in zip(_REPS, rng.normal(0, 10, len(_REPS)), strict=True)}
        bias = pd.Series(owner).map(rep_bias).fillna(0).to_numpy(dtype=float)
        guess = _STAGE_PROBABILITY[stage_code] + bias + rng.normal(0, 20, n_gen)
        probability = np.where(
            closed, np.where(won, 100.0, 0.0), np.clip(np.round(guess / 5) * 5, 0, 100)
        )
        # Activity plan: end of activity, whether meetings happen. Quiet deals
        # stop at their quiet day, so many open deals are stale at as_of.
        last_day = np.where(worked, np.minimum(close, _AS_OF), np.minimum(quiet_day, close))
        meetings_ok = closed | (rng.random(n_gen) >= 0.25)
        # Per-deal activity intensity (gamma, mean 1): counts on won deals spread.
        intensity = srng.gamma(4.0, 1.0 / 4.0, n_gen)

        # 3. Planted deals.
        pd_rows = [
            (
                _PK[a],
                o,
                _day(c),
                _day(cl),
                amt,
                "Closed Won" if w else "Closed Lost",
                True,
                w,
                100.0 if w else 0.0,
                _day(cl),
                True,
            )
            for a, o, c, cl, amt, w in _PLANTED_DEALS
        ] + [
            (
                _PK[a],
                o,
                _day(c),
                _day(cl),
                amt,
                st,
                False,
                False,
                p,
                _day(last) if last else _AS_OF,
                mtg,
            )
            for a, o, c, cl, amt, st, p, last, mtg in _PLANTED_OPEN
        ]
        cols = list(zip(*pd_rows, strict=True))
        acct = np.concatenate([acct, np.array(cols[0], dtype=np.int64)])
        owner = np.concatenate([owner, np.array(cols[1], dtype=object)])
        created = np.concatenate([created, np.array(cols[2], dtype=np.int64)])
        close = np.concatenate([close, np.array(cols[3], dtype=np.int64)])
        amount = np.concatenate([amount, np.array(cols[4], dtype=float)])
        stage = np.concatenate([stage, np.array(cols[5], dtype=object)])
        closed = np.concatenate([closed, np.array(cols[6], dtype=bool)])
        won = np.concatenate([won, np.array(cols[7], dtype=bool)])
        probability = np.concatenate([probability, np.array(cols[8], dtype=float)])
        last_day = np.concatenate([last_day, np.array(cols[9], dtype=np.int64)])
        meetings_ok = np.concatenate([meetings_ok, np.array(cols[10], dtype=bool)])
        lead_of = np.concatenate([conv, np.full(len(r_acct) + len(pd_rows), -1)])
        intensity = np.concatenate([intensity, np.ones(len(pd_rows))])

        # Dormant accounts: no activity on their deals after they went quiet.
        last_day = np.minimum(last_day, self.quiet_since[acct])
        last_day = np.maximum(last_day, created)

        # One lost generic deal with a negative amount (a planted fault).
        lost = np.flatnonzero(closed[:n_gen] & ~won[:n_gen])
        amount[rng.choice(lost)] *= -1

        order = np.lexsort((np.arange(len(created)), created))
        n_opp = len(order)
        self.opp_ids = _ids("O", np.arange(1, n_opp + 1), _width(n_opp, 6))
        rank = np.empty(n_opp, dtype=np.int64)
        rank[order] = np.arange(n_opp)
        # Lead -> its opportunity code.
        lead_opp = np.full(self.n_leads, -1, dtype=np.int64)
        lead_opp[conv] = rank[: len(conv)]
        self.lead_opp = lead_opp

        self.opp_acct = acct[order]
        self.opp_owner = owner[order]
        self.opp_created = created[order]
        self.opp_close = close[order]
        self.opp_closed = closed[order]
        self.opp_won = won[order]
        self.opp_last_day = last_day[order]
        self.opp_meetings_ok = meetings_ok[order]
        self.opp_intensity = intensity[order]
        self.opp_lead = lead_of[order]
        self.opportunities = pd.DataFrame(
            {
                "opportunity_id": pd.Series(self.opp_ids, dtype="str"),
                "account_id": _take(self.account_ids, self.opp_acct),
                "created_at": _dates(self.opp_created),
                "close_date": _dates(self.opp_close),
                "stage": _text(stage[order]),
                "is_closed": pd.array(self.opp_closed, dtype="boolean"),
                "is_won": pd.array(self.opp_won, dtype="boolean"),
                "amount": amount[order].astype(float),
                "probability": probability[order].astype(float),
                "owner_id": _text(self.opp_owner),
            }
        )

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
        lead_width = _width(n + len(_LATE_LEADS), 6)
        # self.lead_ids (the regular leads) is what activities link to; the late
        # leads get the ids after them and have no activities.
        self.lead_ids = _ids("L", np.arange(1, n + 1), lead_width)
        self.lead_width = lead_width
        late_day, late_source, late_score, late_owner, late_company = (
            np.array(c) for c in zip(*_LATE_LEADS, strict=True)
        )
        n_late = len(_LATE_LEADS)
        no_day = np.full(n_late, _NO_DAY)
        no_code = np.full(n_late, -1)
        self.leads = pd.DataFrame(
            {
                "lead_id": pd.Series(
                    _ids("L", np.arange(1, n + n_late + 1), lead_width), dtype="str"
                ),
                "created_at": _dates(
                    np.concatenate([self.lead_created, [_day(d) for d in late_day]])
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

    # -- activities --
    def _activities(self) -> None:
        cfg, rng = self.cfg, self.rng
        n = self.n_leads
        created = self.lead_created
        parts: list[tuple[np.ndarray, ...]] = []  # (day, type, lead, opp, account, owner)

        def add(day, typ, lead=None, opp=None, acct=None, owner=None):
            size = len(day)
            none = np.full(size, -1, dtype=np.int64)
            parts.append(
                (
                    np.asarray(day, dtype=np.int64),
                    np.asarray(typ, dtype=np.int8),
                    none if lead is None else np.asarray(lead, dtype=np.int64),
                    none if opp is None else np.asarray(opp, dtype=np.int64),
                    none if acct is None else np.asarray(acct, dtype=np.int64),
                    np.asarray(owner, dtype=object),
                )
            )

        lead_owner = self.lead_owner.copy()
        blank = lead_owner == None  # noqa: E711
        lead_owner[blank] = _REPS[rng.integers(0, len(_REPS), int(blank.sum()))]

        # Lead touches. Handed-off leads: 85% touched within 0-1 days of handoff,
        # the rest later (3-45 days) or never. Others: first touch 0-21 days.
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
        conv = self.lead_converted
        span_end = np.where(
            conv,
            self.lead_converted_at,
            np.where(
                self.lead_status == "Unqualified",
                created + rng.integers(10, 120, n),
                created + rng.integers(20, 300, n),
            ),
        )
        span_end = np.minimum(np.maximum(span_end, first), _AS_OF)
        touched = ~never & (first <= _AS_OF)
        add(
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
        add(
            day[keep],
            _pick_types(rng, int(keep.sum()), [0.35, 0.45, 0.05, 0.10, 0.05]),
            lead=idx[keep],
            owner=lead_owner[idx[keep]],
        )
        # Meetings: converted leads book one 0-14 days before conversion.
        lo = np.where(late | never, np.maximum(self.lead_handed_at, created) + 3, created)
        meet = np.maximum(self.lead_converted_at - rng.integers(0, 15, n), lo)
        # A never-touched lead that converts after day 90 books its meeting after
        # day 90 too, so it is quiet over its first 90 days (no decay effect).
        meet = np.where(
            never & (self.lead_converted_at > created + 90), np.maximum(meet, created + 91), meet
        )
        meet = np.minimum(meet, self.lead_converted_at)
        add(
            meet[conv],
            np.full(int(conv.sum()), _MEETING),
            lead=np.flatnonzero(conv),
            owner=lead_owner[conv],
        )
        working = (self.lead_status == "Working") & ~never & (rng.random(n) < 0.35)
        wmeet = np.maximum(created + rng.integers(10, 200, n), lo)
        working &= wmeet <= _AS_OF
        add(
            wmeet[working],
            np.full(int(working.sum()), _MEETING),
            lead=np.flatnonzero(working),
            owner=lead_owner[working],
        )

        # Faults: touches before the lead was created, and unknown lead ids.
        early_pool = np.flatnonzero(~handed & touched & (created > _START + 60))
        early = rng.choice(early_pool, size=6, replace=False)
        add(
            created[early] - rng.integers(1, 31, 6),
            np.full(6, _EMAIL),
            lead=early,
            owner=lead_owner[early],
        )
        unknown = np.arange(5) + n + 1000  # codes beyond the last lead
        add(
            _AS_OF - rng.integers(1, 300, 5),
            np.full(5, _CALL),
            lead=unknown,
            owner=_REPS[rng.integers(0, len(_REPS), 5)],
        )

        # Opportunity activities between creation and the last planned day.
        age = np.maximum(self.opp_last_day - self.opp_created, 0)
        rate = self.opp_intensity * cfg.opp_activity_per_30d
        k = 1 + rng.poisson(rate * age / 30.0)
        idx, day = _spread(rng, k, self.opp_created, self.opp_last_day)
        typ = _pick_types(rng, len(idx), [0.35, 0.35, 0.20, 0.10, 0.0])
        typ = np.where((typ == _MEETING) & ~self.opp_meetings_ok[idx], _CALL, typ)
        keep = day <= _AS_OF
        add(day[keep], typ[keep], opp=idx[keep], owner=self.opp_owner[idx[keep]])

        # Account activities: high/normal over the last year, dormant before going quiet.
        eng = self.engagement
        per_year = (
            np.where(eng == "high", 2.5, np.where(eng == "normal", 1.6, 0.4))
            * cfg.account_activity_per_year
        )
        k = rng.poisson(per_year)
        idx, day = _spread(rng, k, np.full(self.n_accounts, _AS_OF - 364), self.quiet_since)
        owner = self.account_owner[idx].copy()
        other = rng.random(len(idx)) < 0.1
        owner[other] = _REPS[rng.integers(0, len(_REPS), int(other.sum()))]
        add(day, _pick_types(rng, len(idx), [0.30, 0.40, 0.10, 0.15, 0.05]), acct=idx, owner=owner)
        # Regular cadence: most awake accounts had a touch in the last 4 weeks.
        cadence = np.flatnonzero((eng != "dormant") & (rng.random(self.n_accounts) < 0.9))
        add(
            _AS_OF - rng.integers(0, 28, len(cadence)),
            _pick_types(rng, len(cadence), [0.4, 0.5, 0.0, 0.1, 0.0]),
            acct=cadence,
            owner=self.account_owner[cadence],
        )
        # Fault: a few activities dated after as_of.
        awake = np.flatnonzero(eng != "dormant")
        late_acct = rng.choice(awake, size=4, replace=False)
        add(
            _AS_OF + rng.integers(1, 21, 4),
            np.full(4, _TASK),
            acct=late_acct,
            owner=self.account_owner[late_acct],
        )

        day, typ, lead, opp, acct, owner = (np.concatenate(c) for c in zip(*parts, strict=True))
        order = np.lexsort((np.arange(len(day)), day))
        n_act = len(order)
        unknown_lead_ids = _ids("L", np.arange(n + 1, n + 1 + 2000), self.lead_width)
        all_lead_ids = pa.concat_arrays([self.lead_ids, unknown_lead_ids])
        self.activities = pd.DataFrame(
            {
                "activity_id": pd.Series(
                    _ids("ACT", np.arange(1, n_act + 1), _width(n_act, 7)), dtype="str"
                ),
                "occurred_at": _dates(day[order]),
                "type": _text(_ACT_TYPES[typ[order]]),
                "lead_id": _take(all_lead_ids, lead[order]),
                "account_id": _take(self.account_ids, acct[order]),
                "opportunity_id": _take(self.opp_ids, opp[order]),
                "owner_id": _text(owner[order]),
            }
        )

    # -- products and purchases --
    def _products_and_purchases(self) -> None:
        cfg, rng = self.cfg, self.rng
        n_prod = max(cfg.n_products, len(_PRODUCTS))
        names = [p[0] for p in _PRODUCTS]
        family = [p[1] for p in _PRODUCTS]
        price = [p[2] for p in _PRODUCTS]
        fruit, model = _EXTRA_PRODUCT_WORDS
        for j in range(n_prod - len(_PRODUCTS)):
            names.append(
                f"{fruit[j % len(fruit)]} {model[(j // len(fruit)) % len(model)]} {100 * (j + 1)}"
            )
            family.append(("Software", "Services", "Hardware")[j % 3])
            price.append(float(1_000 * (1 + (j * 7) % 19)))
        price = np.array(price)
        self.products = pd.DataFrame(
            {
                "product_id": pd.Series(
                    _ids("P", np.arange(1, n_prod + 1), _width(n_prod, 2)), dtype="str"
                ),
                "name": _text(np.array(names, dtype=object)),
                "family": _text(np.array(family, dtype=object)),
                "list_price": price,
            }
        )
        product_ids = _ids("P", np.arange(1, n_prod + 1), _width(n_prod, 2))

        # Ownership: an initial state at 2023-06-30 (industry affinity, then
        # co-purchase boosts), then yearly adoption windows (_adoption); never P12.
        affinity = np.full((len(_INDUSTRIES), n_prod), cfg.purchase_base)
        for ind, prods in _POPULAR.items():
            affinity[ind, list(prods)] = cfg.purchase_popular
        affinity[:, _UNOWNED_PRODUCT] = 0.0
        ind_code = pd.Index(_INDUSTRIES).get_indexer(self.account_industry)
        buyers = np.flatnonzero(~self.is_curated)
        owns = rng.random((len(buyers), n_prod)) < affinity[ind_code[buyers]]
        for a, b in _CO_PURCHASE:
            owns[:, b] |= owns[:, a] & (rng.random(len(buyers)) < _CO_PURCHASE_P)
        # first[a, p]: day of account a's first purchase of p (_NEVER: none yet).
        first = np.full((self.n_accounts, n_prod), _NEVER, dtype=np.int64)
        acct_i, prod = np.nonzero(owns)
        acct = buyers[acct_i]
        t0 = _START - 1
        first[acct, prod] = _uniform_days(
            rng,
            np.maximum(self.account_created[acct], t0 - 730),
            np.minimum(self.quiet_since[acct], t0),
        )
        # Planted ownership counts towards the shares the others see.
        for a, pr, d, _disc in _PLANTED_PURCHASES:
            first[_PK[a], pr] = min(first[_PK[a], pr], _day(d))
        self._adoption(first, ind_code, t0)
        first[self.is_curated] = _NEVER  # planted purchases are added as rows below
        acct, prod = np.nonzero(first != _NEVER)
        start = first[acct, prod]
        rows = 1 + rng.poisson(cfg.purchase_rows, len(acct))
        # The first row is the first purchase; renewals follow it up to as_of.
        idx, day = _spread(
            rng, rows - 1, start, np.maximum(np.minimum(self.quiet_since[acct], _AS_OF), start)
        )
        acct = np.concatenate([acct, acct[idx]])
        prod = np.concatenate([prod, prod[idx]])
        day = np.concatenate([start, day])
        discount = rng.choice(
            np.array([0.0, 0.0, 0.0, 5.0, 5.0, 10.0, 10.0, 15.0, 20.0]), len(acct)
        )

        # Planted purchases (sibling discounts, whitespace, outlier family).
        p_acct = np.array([_PK[a] for a, *_ in _PLANTED_PURCHASES])
        p_prod = np.array([p for _, p, *_ in _PLANTED_PURCHASES])
        p_day = np.array([_day(d) for *_, d, _ in _PLANTED_PURCHASES])
        p_disc = np.array([x for *_, x in _PLANTED_PURCHASES], dtype=float)
        acct = np.concatenate([acct, p_acct])
        prod = np.concatenate([prod, p_prod])
        day = np.concatenate([day, p_day])
        discount = np.concatenate([discount, p_disc])
        amount = np.round(price[prod] * rng.uniform(0.8, 1.5, len(prod)) * (1 - discount / 100), 2)

        # Faults: exact duplicate rows, rows after as_of, one negative amount.
        n_gen = len(acct) - len(p_acct)
        dup = rng.choice(n_gen, size=6, replace=False)
        after = rng.choice(n_gen, size=4, replace=False)
        day[after] = _AS_OF + rng.integers(1, 61, 4)
        # (the first of a few random rows that is neither duplicated nor moved;
        # np.setdiff1d over all rows costs seconds at large scale)
        pick = rng.integers(0, n_gen, 32)
        amount[pick[~np.isin(pick, np.concatenate([dup, after]))][0]] *= -1
        keep = np.concatenate([np.arange(len(acct)), dup])
        acct, prod, day, discount, amount = (
            acct[keep],
            prod[keep],
            day[keep],
            discount[keep],
            amount[keep],
        )

        order = np.lexsort((prod, acct, day))
        self.purchases = pd.DataFrame(
            {
                "account_id": _take(self.account_ids, acct[order]),
                "product_id": _take(product_ids, prod[order]),
                "purchased_at": _dates(day[order]),
                "amount": amount[order].astype(float),
                "discount_pct": discount[order].astype(float),
            }
        )

    def _adoption(self, first: np.ndarray, ind_code: np.ndarray, t0: int) -> None:
        """First purchases in the yearly windows after ``t0``, in place on ``first``.

        For each window ``(lo, lo + 365]`` (ending 2024-06-30, 2025-06-30 and
        2026-06-30) an account that does not own product p at ``lo`` buys it
        with probability ``sigmoid(_ADOPT_INTERCEPT + _ADOPT_SIBLING * sib +
        _ADOPT_INDUSTRY * ind + _ADOPT_SIZE * size)``: ``sib`` is the share of
        the other members of its family (same ultimate parent) that own p at
        ``lo``, ``ind`` the share of accounts of its industry outside its family
        that own p, and ``size`` its number of contacts (0-6), centred at 3 and
        divided by 3. The day is uniform in the window, and before the account
        goes quiet. Co-purchase pairs follow within 30 days with probability
        :data:`_CO_PURCHASE_P`. Planted (curated) accounts and P12 never adopt.
        """
        rng = self.story_rng
        n, n_prod = first.shape
        root = self.account_root
        fam_size = np.bincount(root, minlength=n)[root]
        fam_ind, fam_ind_code = np.unique(root * len(_INDUSTRIES) + ind_code, return_inverse=True)
        fam_ind_n = np.bincount(fam_ind_code, minlength=len(fam_ind))[fam_ind_code]
        ind_n = np.bincount(ind_code, minlength=len(_INDUSTRIES))[ind_code]
        size = (self.contact_count - 3.0) / 3.0
        can = ~self.is_curated
        # Group-sum operators (group x account indicator matrices).
        ones, cols = np.ones(n), np.arange(n)
        to_fam = sparse.csr_matrix((ones, (root, cols)), shape=(n, n))
        to_fam_ind = sparse.csr_matrix((ones, (fam_ind_code, cols)), shape=(len(fam_ind), n))
        to_ind = sparse.csr_matrix((ones, (ind_code, cols)), shape=(len(_INDUSTRIES), n))
        for lo in (t0, t0 + 366, t0 + 731):  # 2023-06-30, 2024-06-30, 2025-06-30
            hi = min(lo + 365, _AS_OF) if lo < t0 + 731 else _AS_OF
            owned = (first <= lo).astype(np.float64)
            fam = to_fam @ owned
            fam_i = to_fam_ind @ owned
            ind = to_ind @ owned
            sib = (fam[root] - owned) / np.maximum(fam_size - 1, 1)[:, None]
            outside = (ind[ind_code] - fam_i[fam_ind_code]) / np.maximum(ind_n - fam_ind_n, 1)[
                :, None
            ]
            logit = (
                _ADOPT_INTERCEPT
                + _ADOPT_SIBLING * sib
                + _ADOPT_INDUSTRY * outside
                + _ADOPT_SIZE * size[:, None]
            )
            last = np.minimum(self.quiet_since, hi)
            begin = np.maximum(self.account_created, lo + 1)
            ok = can & (last >= begin)
            buy = (rng.random((n, n_prod)) < _sigmoid(logit)) & ~owned.astype(bool) & ok[:, None]
            buy[:, _UNOWNED_PRODUCT] = False
            a, p = np.nonzero(buy)
            day = _uniform_days(rng, begin[a], last[a])
            first[a, p] = day
            for x, y in _CO_PURCHASE:
                follow = (first[a[p == x], y] > lo) & (
                    rng.random(int((p == x).sum())) < _CO_PURCHASE_P
                )
                ax = a[p == x][follow]
                then = np.minimum(day[p == x][follow] + rng.integers(0, 31, len(ax)), last[ax])
                first[ax, y] = np.minimum(first[ax, y], then)

    # -- contacts --
    def _contacts(self) -> None:
        rng = self.rng
        k = self.contact_count
        acct = np.repeat(np.arange(self.n_accounts), k)
        title = rng.integers(0, len(_TITLES), len(acct))
        dm = rng.random(len(acct)) < _TITLE_DM_P[title]
        # We <3 Dogs: two contacts, neither a decision maker.
        we3 = acct == _PK["we3"]
        title[we3] = [5, 6]
        dm[we3] = False
        self.contacts = pd.DataFrame(
            {
                "contact_id": pd.Series(
                    _ids("C", np.arange(1, len(acct) + 1), _width(len(acct), 5)), dtype="str"
                ),
                "account_id": _take(self.account_ids, acct),
                "title": _text(_TITLES[title]),
                "is_decision_maker": pd.array(dm, dtype="boolean"),
            }
        )


def _users_table() -> pd.DataFrame:
    cols = list(zip(*_USERS, strict=True))
    return pd.DataFrame(
        {
            "owner_id": _text(cols[0]),
            "name": _text(cols[1]),
            "team": _text(cols[2]),
            "started_at": pd.to_datetime(pd.Series(cols[3])).astype("datetime64[ns]"),
        }
    )


# --- writing -------------------------------------------------------------------


def _arrow(df: pd.DataFrame, *, dates_as_days: bool) -> pa.Table:
    table = pa.Table.from_pandas(df, preserve_index=False)
    if dates_as_days:
        for i, fld in enumerate(table.schema):
            if pa.types.is_timestamp(fld.type):
                table = table.set_column(i, fld.name, pc.cast(table.column(i), pa.date32()))
    return table


def write(
    out_dir,
    *,
    scale: str = "small",
    seed: int = 0,
    formats: tuple[str, ...] | None = None,
) -> dict[str, Path]:
    """Generate the sample and write one file per table and format.

    Parameters
    ----------
    out_dir : str or Path
        Target directory; created if needed. Existing files of the same names
        are overwritten.
    scale, seed
        As for :func:`generate`.
    formats : tuple of {"csv", "parquet"}, optional
        Defaults to ``("csv",)`` for ``small`` and ``("csv", "parquet")`` for
        ``large``. CSV is UTF-8 without BOM, comma-separated, with a header,
        fields quoted when needed (names hold commas, quotes and newlines),
        blanks for missing values, dates as ``YYYY-MM-DD`` and booleans as
        ``true``/``false``. Parquet keeps the canonical dtypes.

    Returns
    -------
    dict of str to Path
        File name (``"accounts.csv"``, ``"accounts.parquet"``, ...) to its
        path, plus ``"sample.json"``: the generator, scale, seed, row counts
        and the snapshot date ``as_of`` (``2026-06-30``). The sample holds a
        few records dated after it on purpose, so the latest event date in the
        files is *not* the intended ``as_of``.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    formats = tuple(formats) if formats is not None else SCALES[scale].formats
    unknown = set(formats) - {"csv", "parquet"}
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}; use 'csv' and/or 'parquet'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(scale=scale, seed=seed)
    written: dict[str, Path] = {}
    for name, df in tables.items():
        if "csv" in formats:
            path = out / f"{name}.csv"
            pa_csv.write_csv(_arrow(df, dates_as_days=True), path)
            written[path.name] = path
        if "parquet" in formats:
            path = out / f"{name}.parquet"
            pq.write_table(_arrow(df, dates_as_days=False), path)
            written[path.name] = path
    info = {
        "generator": "workbook.data.sample",
        "scale": scale,
        "seed": seed,
        "as_of": SAMPLE_AS_OF.strftime("%Y-%m-%d"),
        "row_counts": {name: len(df) for name, df in tables.items()},
    }
    path = out / "sample.json"
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    written[path.name] = path
    return written

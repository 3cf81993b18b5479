"""The fixed catalogue of the sample and its planted stories, with the tuning constants.

Users, products, industries, the planted accounts, deals, purchases and late
leads (described, with ids, in ``docs/sample_data.md``), the parts generic
names are built from, and the rates the generators in this package use. Data
only: nothing here draws random numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# --- dates ---------------------------------------------------------------------

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

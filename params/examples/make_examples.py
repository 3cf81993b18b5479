"""Write the three small public-shaped example exports under params/examples/<name>/.

Each imitates the file layout of a public CRM-style data set, with its quirks
kept as they are (the params files map them; nothing is reshaped):

* ``sales_pipeline/``: the layout of the "CRM Sales Opportunities" sample
  (accounts.csv with parents by name in ``subsidiary_of``, products.csv,
  sales_teams.csv, sales_pipeline.csv whose ``deal_stage`` says won/lost,
  blank accounts on early-stage deals, and ``GTXPro`` for the product
  listed as ``GTX Pro``);
* ``marketing_funnel/``: the layout of a marketing-funnel set (a qualified
  leads file and a closed-won-only deals file), with day-first dates;
* ``lead_scoring/``: the layout of a lead-scoring set (one Leads.csv, a
  0-2,000 engagement score, a ``Converted`` flag and no dates at all).

Run ``python params/examples/make_examples.py`` to rewrite them (seeded, so
the files are identical each time).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

COMPANIES = [
    "Acme Corporation", "Betasoloin", "Bioplex", "Cancity", "Codehow", "Condax", "Dalttechnology",
    "Dontechi", "Fasehatice", "Finhigh", "Funholding", "Golddex", "Goodsilron", "Groovestreet",
    "Hottechi", "Inity", "Isdom", "Kan-code", "Konex", "Labdrill", "Lexiqvolax", "Mathtouch",
    "Nam-zim", "Newex",
]  # fmt: skip
PARENTS = {
    "Bioplex": "Acme Corporation", "Cancity": "Acme Corporation", "Dontechi": "Golddex",
    "Finhigh": "Golddex", "Inity": "Konex", "Nam-zim": "Newex",
}  # fmt: skip
SECTORS = ["retail", "technolgy", "medical", "software", "finance", "marketing"]
PRODUCTS = pd.DataFrame(
    {
        "product": ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTK 500"],
        "series": ["GTX", "GTX", "MG", "MG", "GTK"],
        "sales_price": [550, 4821, 55, 3393, 26768],
    }
)
AGENTS = pd.DataFrame(
    {
        "sales_agent": ["Anna Snelling", "Cecily Lampkin", "Darcel Schlecht", "Elease Gluck",
                        "Hayden Neloms", "Moses Frase", "Rosalina Dieter", "Versie Hillebrand"],
        "manager": ["Dustin Brinkmann"] * 4 + ["Melvin Marxen"] * 4,
        "regional_office": ["Central"] * 4 + ["West"] * 4,
    }
)  # fmt: skip


def sales_pipeline(rng: np.random.Generator, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    accounts = pd.DataFrame(
        {
            "account": COMPANIES,
            "sector": rng.choice(SECTORS, len(COMPANIES)),
            "year_established": rng.integers(1979, 2017, len(COMPANIES)),
            "revenue": np.round(rng.uniform(40, 11000, len(COMPANIES)), 2),
            "employees": rng.integers(20, 20000, len(COMPANIES)),
            "office_location": "United States",
            "subsidiary_of": [PARENTS.get(c, "") for c in COMPANIES],
        }
    )
    n = 360
    engage = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    cycle = pd.to_timedelta(rng.integers(7, 120, n), unit="D")
    stage = rng.choice(["Won", "Lost", "Engaging", "Prospecting"], n, p=[0.5, 0.32, 0.12, 0.06])
    closes = engage + cycle
    # a deal that would close after the export date is still open
    late = closes > pd.Timestamp("2024-12-31")
    stage = np.where(late & np.isin(stage, ["Won", "Lost"]), "Engaging", stage)
    closed = np.isin(stage, ["Won", "Lost"])
    product = rng.choice(PRODUCTS["product"], n, p=[0.3, 0.25, 0.25, 0.15, 0.05])
    price = PRODUCTS.set_index("product")["sales_price"].reindex(product).to_numpy()
    value = np.where(stage == "Won", np.round(price * rng.uniform(0.9, 1.1, n)), 0)
    account = rng.choice(COMPANIES, n)
    # early-stage deals often have no account yet (as in the public sample)
    open_early = ~closed & (rng.uniform(size=n) < 0.6)
    pipeline = pd.DataFrame(
        {
            "opportunity_id": [f"{x:08X}" for x in rng.choice(16**8, n, replace=False)],
            "sales_agent": rng.choice(AGENTS["sales_agent"], n),
            # the pipeline file writes this product without its space
            "product": np.where(product == "GTX Pro", "GTXPro", product),
            "account": np.where(open_early, "", account),
            "deal_stage": stage,
            "engage_date": np.where(stage == "Prospecting", "", engage.strftime("%Y-%m-%d")),
            "close_date": np.where(closed, closes.strftime("%Y-%m-%d"), ""),
            "close_value": np.where(closed, value.astype(int).astype(str), ""),
        }
    ).sort_values("engage_date", kind="mergesort")
    accounts.to_csv(out / "accounts.csv", index=False)
    PRODUCTS.to_csv(out / "products.csv", index=False)
    AGENTS.to_csv(out / "sales_teams.csv", index=False)
    pipeline.to_csv(out / "sales_pipeline.csv", index=False)


def _hex_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Distinct 32-digit hex ids, like the md5-style ids of the public set."""
    return [rng.bytes(16).hex() for _ in range(n)]


def marketing_funnel(rng: np.random.Generator, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    n = 400
    # 12 monthly cohorts in 2023; written DD-MM-YYYY
    first = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    origins = ["organic_search", "paid_search", "social", "direct_traffic", "email", "referral",
               "unknown", ""]  # fmt: skip
    ids = _hex_ids(rng, n)
    mql = pd.DataFrame(
        {
            "mql_id": ids,
            "first_contact_date": first.strftime("%d-%m-%Y"),
            "landing_page_id": _hex_ids(rng, n),
            "origin": rng.choice(origins, n, p=[0.3, 0.2, 0.15, 0.1, 0.08, 0.05, 0.07, 0.05]),
        }
    ).sort_values("first_contact_date", key=lambda s: pd.to_datetime(s, format="%d-%m-%Y"))
    won = rng.uniform(size=n) < 0.12
    won_at = first[won] + pd.to_timedelta(rng.integers(3 * 86400, 150 * 86400, won.sum()), unit="s")
    keep = won_at <= pd.Timestamp("2023-12-31")
    sellers = _hex_ids(rng, int(keep.sum()))
    deals = pd.DataFrame(
        {
            "mql_id": np.array(ids)[won][keep],
            "seller_id": sellers,
            "sdr_id": rng.choice(["4b339f9567d060bcea4f5136b9f5949e", "068066e24f0c643eb1d089c7dd20cd73"],
                                 int(keep.sum())),
            "sr_id": rng.choice(["4ef15afb4b2723d8f3d81e51ec7afefe", "d3d1e91a157ea7f90548eef82f1955e3",
                                 "9749123c04aa4f2b9b7e3bc2e44de2a0"], int(keep.sum())),
            # won_date with a time of day, day-first like the leads file
            "won_date": won_at[keep].strftime("%d-%m-%Y %H:%M:%S"),
            "business_segment": rng.choice(["pet", "car_accessories", "home_decor", "health_beauty"],
                                           int(keep.sum())),
            "lead_type": rng.choice(["online_medium", "industry", "offline"], int(keep.sum())),
            "declared_monthly_revenue": rng.choice([0, 0, 0, 50000, 200000], int(keep.sum())),
        }
    )  # fmt: skip
    mql.to_csv(out / "olist_marketing_qualified_leads_dataset.csv", index=False)
    deals.to_csv(out / "olist_closed_deals_dataset.csv", index=False)


def lead_scoring(rng: np.random.Generator, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    n = 600
    seconds = np.minimum(np.round(rng.gamma(1.2, 420, n)), 2000).astype(int)
    # conversion rises with time on the website (a planted signal)
    p = 1 / (1 + np.exp(-(seconds - 800) / 300))
    converted = (rng.uniform(size=n) < p).astype(int)
    sources = ["Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "google"]
    leads = pd.DataFrame(
        {
            "Prospect ID": [f"{x:08x}-{y:04x}" for x, y in zip(
                rng.choice(16**8, n, replace=False), rng.integers(0, 16**4, n), strict=True)],
            "Lead Number": 660737 - np.arange(n),
            "Lead Origin": rng.choice(["API", "Landing Page Submission", "Lead Add Form"], n),
            "Lead Source": rng.choice(sources, n),
            "Do Not Email": rng.choice(["No", "Yes"], n, p=[0.92, 0.08]),
            "Converted": converted,
            "TotalVisits": rng.integers(0, 20, n),
            "Total Time Spent on Website": seconds,
            "Page Views Per Visit": np.round(rng.uniform(0, 8, n), 2),
            "Last Activity": rng.choice(["Email Opened", "SMS Sent", "Page Visited on Website"], n),
            "Lead Quality": rng.choice(["", "Low in Relevance", "Might be", "High in Relevance"], n),
        }
    )  # fmt: skip
    leads.to_csv(out / "Leads.csv", index=False)


if __name__ == "__main__":
    sales_pipeline(np.random.default_rng(17), HERE / "sales_pipeline")
    marketing_funnel(np.random.default_rng(18), HERE / "marketing_funnel")
    lead_scoring(np.random.default_rng(19), HERE / "lead_scoring")

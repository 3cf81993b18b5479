"""Unit tests for workbook.analyses.engagement.hygiene.

Every expected number is derived by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.engagement import hygiene as hy

AS_OF = pd.Timestamp("2024-03-31")


def test_lead_status_counts_and_funnel(hygiene_leads_fx):
    counts = hy.lead_status_counts(hygiene_leads_fx(), as_of=AS_OF)
    # 10 leads created on or before as_of (L10 is later); " open " counts as Open.
    assert counts["status"].tolist() == ["Open", "Working", "Nurture", "Unqualified", "Converted"]
    assert counts["leads"].tolist() == [4, 2, 1, 2, 1]
    assert counts["share"].sum() == pytest.approx(1.0)
    funnel = hy.lead_funnel(hygiene_leads_fx(), as_of=AS_OF)
    # worked: L2, L4, L5 (converted), L6, L7, L8, L11 = 7; converted: L4, L5 = 2
    assert funnel["step"].tolist() == ["created", "worked", "converted"]
    assert funnel["leads"].tolist() == [10, 7, 2]
    assert np.isnan(funnel["conversion"].iloc[0])
    assert funnel["conversion"].tolist()[1:] == pytest.approx([0.7, 2 / 7])
    assert funnel["share_of_created"].tolist() == pytest.approx([1.0, 0.7, 0.2])


def test_status_counts_other_and_blank(hygiene_leads_fx):
    leads = hygiene_leads_fx().iloc[:3].copy()
    leads["status"] = ["Recycled", None, "Open"]
    counts = hy.lead_status_counts(leads, as_of=AS_OF)
    assert counts["status"].tolist()[-2:] == ["Recycled", "(blank)"]
    assert counts["leads"].tolist() == [1, 0, 0, 0, 0, 1, 1]


def test_archive_candidates(hygiene_leads_fx, lead_activities_fx):
    got = hy.archive_candidates(
        hygiene_leads_fx(), lead_activities_fx(), as_of=AS_OF, archive_after_days=180
    )
    # L6 unqualified, 304 days -> archive; L7 working, last touch 2023-10-01 before the
    # 180-day window (from 2023-10-04) -> nurture; L9 touched 2024-01-15 -> not stalled;
    # L11 is exactly 180 days old (not older); L8 is already in nurture.
    assert got["lead_id"].tolist() == ["L6", "L7"]
    assert got["age_days"].tolist() == [304, 212]
    assert got["reason"].tolist() == ["unqualified", "stalled"]
    assert got["action"].tolist() == ["archive", "nurture"]
    # one day shorter threshold: L11 (180 days) now qualifies
    got = hy.archive_candidates(
        hygiene_leads_fx(), lead_activities_fx(), as_of=AS_OF, archive_after_days=179
    )
    assert "L11" in got["lead_id"].tolist()


def test_unowned_open_leads(hygiene_leads_fx):
    got = hy.unowned_open_leads(hygiene_leads_fx(), as_of=AS_OF)
    assert got["lead_id"].tolist() == ["L3"]
    assert got["company"].tolist() == ["Co <2>"]

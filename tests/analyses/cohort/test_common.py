"""Tests for workbook.analyses.cohort.common: period labels, segments, checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analyses.cohort import common
from workbook.core.docs import FRAGMENTS


def test_period_ordinals_and_labels():
    dates = pd.Series(pd.to_datetime(["2024-01-31", "2024-02-01", None]))
    ords = common.ordinals(dates, "M")
    assert np.isnan(ords[2])
    assert ords[1] - ords[0] == 1  # Jan 31 -> Feb 1 is one calendar month
    assert common.labels(ords[:2], "M").tolist() == ["2024-01", "2024-02"]
    q = common.ordinals(dates[:2], "Q")
    assert common.labels(q, "Q").tolist() == ["2024Q1", "2024Q1"]
    assert common.labels(common.ordinals(dates[:1], "Y"), "Y").tolist() == ["2024"]


def test_freq_of_names_the_choices():
    assert [common.freq_of(g) for g in common.GRAINS] == ["M", "Q", "Y"]
    with pytest.raises(ValueError, match="month"):
        common.freq_of("week")


def test_segment_values_label_blanks():
    frame = pd.DataFrame({"source": ["web", None, "", "  ", "event"]})
    got = common.segment_values(frame, "source").tolist()
    assert got == ["web", common.BLANK, common.BLANK, common.BLANK, "event"]
    assert common.segment_values(frame, "") is None
    assert common.segment_values(frame, None) is None
    with pytest.raises(KeyError):
        common.segment_values(frame, "nope")


def test_segment_of_leads_takes_the_first_row_of_a_duplicate_id():
    leads = pd.DataFrame({"lead_id": ["A", "B", "A"], "source": ["web", None, "event"]})
    got = common.segment_of_leads(leads, "source", pd.Series(["A", "B", "C"]))
    assert got[:2].tolist() == ["web", common.BLANK]
    assert pd.isna(got[2])  # not a lead


def test_check_milestone_and_order():
    common.check_milestone("won")
    with pytest.raises(ValueError, match="signed"):
        common.check_milestone("signed")
    order = common.milestone_order(pd.Series(["won", "touched", "meeting"])).tolist()
    assert order == [3, 0, 1]


def test_milestones_doc_fragment_is_written_once():
    assert FRAGMENTS["milestones"].startswith("milestones : DataFrame, optional")
    import workbook.analyses.cohort as co

    for fn in (
        co.follow_through,
        co.time_to_event,
        co.time_to_event_summary,
        co.period_vs_cohort,
        co.period_views,
    ):
        assert "compute it once and pass it to every cohort" in fn.__doc__
        assert "{milestones}" not in fn.__doc__


def test_group_rows_sorted_labels_rows_in_order_missing_in_none():
    labels = pd.Series(["web", "event", None, "web", "event", "ads"], dtype="string")
    got = [(label, rows.tolist()) for label, rows in common.group_rows(labels)]
    # the groups of groupby(sort=True): labels in text order, each one's rows in row order
    assert got == [("ads", [5]), ("event", [1, 4]), ("web", [0, 3])]
    assert common.group_rows(pd.Series([], dtype="string")) == []


def test_ordinals_are_period_ordinals_before_and_after_1970():
    dates = pd.Series(
        pd.to_datetime(
            ["1969-12-31 23:59", "1970-01-01", "1968-11-15", "2024-04-01", None], format="ISO8601"
        )
    )
    # months, quarters and years since 1970-01, 1970Q1, 1970 (pandas Period ordinals)
    assert common.ordinals(dates, "M")[:4].tolist() == [-1, 0, -14, 651]
    assert common.ordinals(dates, "Q")[:4].tolist() == [-1, 0, -5, 217]
    assert common.ordinals(dates, "Y")[:4].tolist() == [-1, 0, -2, 54]
    assert np.isnan(common.ordinals(dates, "M")[4])
    for freq in ("M", "Q", "Y"):  # the same as building the Periods
        want = dates.dt.to_period(freq).array.asi8[:4].astype(float)
        assert common.ordinals(dates, freq)[:4].tolist() == want.tolist()

"""Hypothesis: random small CSVs with random corruption either stop with an error naming the
file, or load with every physical record accounted for (issue 18)."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbook
from workbook.data.readers.files import physical_lines
from workbook.data.validate import DataValidationError

HEADER = "lead_id,created_at,score,company"

row = st.tuples(
    st.sampled_from(["Acme", '"Beta, Inc"', '"Gamma ""G"""', "Delta"]),
    st.sampled_from(["10", "55.5", "", "1e300"]),
)
corruption = st.sampled_from(
    ["none", "drop_quote", "extra_delimiter", "blank", "huge", "cut", "blank_date", "blank_id"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(row, min_size=1, max_size=8),
    faults=st.lists(st.tuples(st.integers(0, 7), corruption), max_size=3),
    policy=st.sampled_from(["error", "skip"]),
)
def test_corrupt_csv_errors_or_accounts_for_every_record(tmp_path, rows, faults, policy):
    lines = [
        f"L{i},2024-01-{i + 1:02d},{score},{company}" for i, (company, score) in enumerate(rows)
    ]
    for where, fault in faults:
        i = where % len(lines)
        if fault == "drop_quote" and '"' in lines[i]:
            k = lines[i].rindex('"')
            lines[i] = lines[i][:k] + lines[i][k + 1 :]
        elif fault == "extra_delimiter":
            lines[i] += ","
        elif fault == "blank":
            lines[i] = lines[i].replace(",", ",,", 1)
        elif fault == "huge":
            lines[i] = lines[i].replace(",", ",9" * 40 + ",", 1)
        elif fault == "cut":
            lines[i] = lines[i].rsplit(",", 1)[0]
        elif fault == "blank_date":  # a blank required cell: the row is left out, counted
            lines[i] = re.sub(r"^([^,]*),[^,]*", r"\1,", lines[i])
        elif fault == "blank_id":
            lines[i] = re.sub(r"^[^,]*", "", lines[i])
    path = tmp_path / "leads.csv"
    data = (HEADER + "\n" + "\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    try:
        crm = workbook.load(path, tables=["leads"], as_of="2024-02-01", on_bad_rows=policy)
    except DataValidationError as exc:
        assert all(p.file == str(path) for p in exc.problems)
        assert str(path) in str(exc)
        return
    # Skipped records are counted; their message gives the physical lines they covered.
    skipped = sum(
        int(re.search(r"skipped, (\d+) line", i.message).group(1))
        for i in crm.quality
        if i.check == "bad_row_skipped"
    )
    # Rows left out for a blank required cell (lead_id, created_at) are counted once each.
    excluded = crm.quality.excluded_rows("leads")
    kept = [crm.leads] + ([crm.excluded["leads"]] if "leads" in crm.excluded else [])
    assert excluded == sum(len(k) for k in kept[1:])
    text = pd.concat([k[["lead_id", "company"]] for k in kept]).astype("string").fillna("")
    inside = int(sum(text[c].str.count("\n").sum() for c in text.columns))
    # scores parse as numbers, so a score holding a line break would be a load error.
    assert len(crm.leads) + excluded + skipped + inside == physical_lines(data) - 1
    assert isinstance(crm.leads, pd.DataFrame)

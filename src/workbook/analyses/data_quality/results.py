"""What the data-quality report computes: its tables, figures and narrative."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from workbook.core.results import ReportResults, results_class, table

__all__ = ["Results"]


@results_class
class Results(ReportResults):
    """Results of :func:`workbook.analyses.data_quality.run`.

    Attributes
    ----------
    row_counts, date_ranges, warnings, integrity, hierarchy_depths, hierarchy_faults : DataFrame
        The tables the notebook shows and exports (see each field's doc);
        the CSV stems are the field names.
    warnings_by_table : DataFrame
        :func:`~workbook.analyses.data_quality.warnings_by_table`: the issues
        of each table, for the leadership chart (shown, not exported).
    figures : dict
        ``fingerprint``, ``source``, ``row_counts`` (rows per table),
        ``unknown_reference_rows`` and ``hierarchy_depths`` (accounts per
        depth label): the report's keys of ``summary.json``.
    sentences, cards
        The executive summary (:mod:`~workbook.analyses.data_quality.narrative`).
    """

    report: ClassVar[str] = "data_quality"
    title: ClassVar[str] = "Data quality"

    row_counts: pd.DataFrame = table(
        "one row per loaded table: rows and its main date column's span"
    )
    date_ranges: pd.DataFrame = table(
        "one row per date column of each table: filled rows, first/last"
    )
    warnings: pd.DataFrame = table(
        "one row per kind of validation warning or fix-up, with examples"
    )
    integrity: pd.DataFrame = table("one row per id reference of the model: unknown rows and ids")
    hierarchy_depths: pd.DataFrame = table("accounts per depth below their ultimate parent")
    hierarchy_faults: pd.DataFrame = table(
        "one row per account on a parent cycle or missing its parent, with its name"
    )
    warnings_by_table: pd.DataFrame = table(
        "one row per loaded table: rows with warnings, fix-ups and exclusions (shown only)",
        export=False,
    )

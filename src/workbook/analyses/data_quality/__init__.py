"""The data-quality report: what the CRM export holds and what validation found in it.

It answers, before any other report runs on the data: which tables were
loaded, with how many rows over which dates; which warnings and fix-ups
validation counted (with example ids); which id references point at unknown
records; and how the account hierarchy looks (depths, cycles, missing
parents). One call computes everything::

    import workbook
    from workbook import data_quality

    crm = workbook.load()
    res = data_quality.run(crm)
    res.integrity            # every table the notebook shows
    res.exports()            # {stem: DataFrame} of the CSV exports

The topic functions are pure functions over the canonical tables
(``crm.tables``); the validation warnings themselves come from
:class:`workbook.data.validate.DataQuality`, ultimate parents from
:func:`workbook.core.families.ultimate_parents`.
"""

from __future__ import annotations

from workbook.core.lazy import attach

#: Public name -> the module of this package that defines it, imported on first
#: use (:func:`workbook.core.lazy.attach`), so that reading ``Params`` does not
#: import the statistics.
_EXPORTS = {
    "DEPTH_COLUMNS": "depths",
    "depth_distribution": "depths",
    "INTEGRITY_COLUMNS": "integrity",
    "MAX_EXAMPLES": "integrity",
    "referential_integrity": "integrity",
    "Headline": "narrative",
    "headline": "narrative",
    "headline_cards": "narrative",
    "summary_sentences": "narrative",
    "Params": "params",
    "run": "pipeline",
    "Results": "results",
    "DATE_RANGE_COLUMNS": "tables",
    "ROW_COUNT_COLUMNS": "tables",
    "date_ranges": "tables",
    "row_counts": "tables",
    "WARNINGS_BY_TABLE_COLUMNS": "tables",
    "warnings_by_table": "tables",
}

attach(__name__, _EXPORTS)

__all__ = [
    "DATE_RANGE_COLUMNS",
    "DEPTH_COLUMNS",
    "INTEGRITY_COLUMNS",
    "MAX_EXAMPLES",
    "ROW_COUNT_COLUMNS",
    "WARNINGS_BY_TABLE_COLUMNS",
    "Headline",
    "Params",
    "Results",
    "date_ranges",
    "depth_distribution",
    "headline",
    "headline_cards",
    "referential_integrity",
    "row_counts",
    "run",
    "summary_sentences",
    "warnings_by_table",
]

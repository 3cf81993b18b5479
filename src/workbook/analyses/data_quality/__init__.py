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

from .depths import DEPTH_COLUMNS, depth_distribution
from .integrity import INTEGRITY_COLUMNS, MAX_EXAMPLES, referential_integrity
from .narrative import Headline, headline, headline_cards, summary_sentences
from .params import Params
from .pipeline import run
from .results import Results
from .tables import (
    DATE_RANGE_COLUMNS,
    ROW_COUNT_COLUMNS,
    WARNINGS_BY_TABLE_COLUMNS,
    date_ranges,
    row_counts,
    warnings_by_table,
)

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

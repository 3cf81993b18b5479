"""What counts as a code name in text a reader sees (tests only; issue 20).

:func:`code_names` lists the snake_case words (:data:`CODE_NAME`,
``\\b[a-z]+_[a-z_]+\\b``) of a visible text, less what is truly a name: file
names (:data:`FILE_NAME`: exports, notebooks, docs) and the words a caller
allows (the data model's column names, :data:`MODEL_COLUMNS`, on the
data-quality page, whose subject they are). Keep the allowances short.
"""

from __future__ import annotations

import re

from workbook.data.model import SPECS

#: A code name (snake_case) in text a reader sees.
CODE_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")
#: File names (``follow_through.csv``, ``engagement/at_risk.csv``): truly names.
FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|ipynb|html|pdf|json|md)\b")
#: The data model's column names (allowed where the columns are the subject).
MODEL_COLUMNS = frozenset(c.name for spec in SPECS.values() for c in spec.columns)


def code_names(text: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The distinct code names of ``text``, file names and ``allowed`` left out."""
    return sorted({m for m in CODE_NAME.findall(FILE_NAME.sub(" ", text)) if m not in allowed})

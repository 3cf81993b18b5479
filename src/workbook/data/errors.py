"""The load's error: :class:`Problem` and :class:`DataValidationError` (no pandas).

Defined here, apart from :mod:`workbook.data.validate`, which re-exports
both, so that a process that only catches the error (the runner's main
process, which runs the load in a child) does not import pandas, Arrow and
the checks to do so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbook.core.text import one_or_many, plural

__all__ = ["DataValidationError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One error found while loading.

    Attributes
    ----------
    check : str
        ``missing_table``, ``missing_column``, ``duplicate_id``, ``bad_date``,
        ``not_numeric`` or ``bad_bool``.
    table, column : str
        Where (``column`` is empty for a missing table).
    count : int
        Number of offending rows (or missing columns).
    examples : tuple of str
        Up to five example row ids (or the offending column names).
    file : str
        The file (or query) the table came from, if known.
    message : str
        One complete sentence naming all of the above.
    """

    check: str
    table: str
    column: str
    count: int
    examples: tuple[str, ...] = ()
    file: str = ""
    message: str = ""


class DataValidationError(ValueError):
    """The input cannot be analysed; ``problems`` lists every reason found.

    The message has one line per problem, each naming the file, table,
    column, count and up to five example ids.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        lines = [f"{plural(n, 'data error')} {one_or_many(n, 'stops', 'stop')} the load:"]
        lines += [f"  - {p.message}" for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self):
        # pickled with its problems, not its message (the runner's load runs in a child process)
        return (type(self), (self.problems,))

"""Validation: errors that stop a load, and the :class:`DataQuality` record of warnings.

Errors (:class:`DataValidationError`, the CLI exits with 2)
    * a required table is missing (``missing_table``);
    * a required column is missing (``missing_column``);
    * a primary id is duplicated (``duplicate_id``);
    * a date does not parse (``bad_date``);
    * an amount, score or other number is not numeric (``not_numeric``);
    * a boolean is not one of the accepted spellings (``bad_bool``).

Warnings (the analysis goes on; every report shows them)
    ``unknown_reference``
        An id column points at an id that is not in the referenced table
        (every entry of :data:`workbook.data.model.REFERENCES` whose two tables are
        loaded; ``owner_id`` checks therefore run only when ``users`` is loaded).
        The message names close matches that differ only by case, spaces or
        punctuation, with the ``values:`` line that fixes them
        (:mod:`workbook.data.hints`).
    ``parent_cycle``, ``missing_parent``
        Corporate hierarchy faults, as found by
        :func:`workbook.core.families.ultimate_parents` (a self-parent is a cycle of one).
    ``activity_before_lead``
        An activity linked to a lead whose ``occurred_at`` is strictly before
        the lead's ``created_at``.
    ``after_as_of``
        A record whose event date (:data:`workbook.data.model.EVENT_DATE_COLUMNS`)
        falls on a calendar day strictly after ``as_of``'s day.
    ``negative_amount``
        ``amount < 0`` in opportunities or purchases.
    ``score_out_of_range``
        A lead score outside ``score_range`` (both ends inclusive are valid).
    ``activity_unlinked``
        An activity with none of ``lead_id``, ``account_id``, ``opportunity_id``.
    ``won_not_closed``
        An opportunity with ``is_won`` true and ``is_closed`` false.

Fix-ups (severity ``"fixup"``) are changes made while loading, reported by
:func:`workbook.data.coercion.coerce_table` and the readers (for example activity types
mapped to ``other``); they are recorded with the warnings so none is silent.

Exclusions (severity ``"excluded"``) are rows left out of a table because a
required cell is blank (``blank_required``, :mod:`workbook.data.blanks`).
With the malformed rows skipped under ``on_bad_rows: skip``
(``bad_row_skipped``) and the rows not kept by ``load_options.filters``
(``rows_filtered``) they make the "counted and left out" table
(:meth:`DataQuality.left_out`) that ``workbook validate`` and every report show.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.core.families import CYCLE, MISSING_PARENT, ultimate_parents
from workbook.core.links import strictly_increasing
from workbook.core.text import one_or_many, plural
from workbook.data import model
from workbook.data.errors import DataValidationError, Problem
from workbook.data.hints import close_matches, hint_text

#: How many example ids an error or warning carries.
MAX_EXAMPLES = 5

WARNING = "warning"
FIXUP = "fixup"
EXCLUDED = "excluded"

#: The checks whose rows are left out of a table, and the reason in plain words
#: (``{column}`` is the issue's column).
LEFT_OUT_REASONS = {
    "blank_required": "blank {column}",
    "bad_row_skipped": "malformed row in the file, skipped (on_bad_rows: skip)",
    "rows_filtered": "not kept by load_options.filters on {column}",
}
#: Columns of :meth:`DataQuality.left_out`.
LEFT_OUT_COLUMNS = ["table", "column", "rows left out", "why", "example ids"]

QUALITY_COLUMNS = ["check", "table", "column", "count", "examples", "message", "severity"]


# --------------------------------------------------------------------------- errors
# Problem and DataValidationError live in workbook.data.errors (no pandas), so that the
# runner's main process can catch the error of the load it runs in a child process.


def example_ids(ids: pd.Series, limit: int = MAX_EXAMPLES) -> tuple[str, ...]:
    """First ``limit`` distinct non-missing values of ``ids``, as text."""
    head = ids.dropna().drop_duplicates().head(limit)
    return tuple(str(v) for v in head.tolist())


def problem(
    check: str,
    *,
    table: str,
    column: str,
    count: int,
    examples: Iterable[str] = (),
    file: str | None = None,
    detail: str,
    values: Iterable[str] = (),
) -> Problem:
    """Build a :class:`Problem` with its standard message.

    The message reads ``"<file or table>: column '<column>' has <detail>, e.g.
    <id column> <id>, ... (values '<v>', ...)"``; ``detail`` is the counted
    phrase, e.g. ``"3 unparseable date(s)"``.
    """
    examples = tuple(str(e) for e in examples)
    values = tuple(str(v) for v in values)
    where = f"{file} (table {table})" if file else table
    pk = model.SPECS[table].primary_key if table in model.SPECS else None
    msg = f"{where}: column '{column}' has {detail}" if column else f"{where}: {detail}"
    if examples:
        named = pk and not all(e.startswith("row ") for e in examples)
        msg += f", e.g. {pk + ' ' if named else ''}{', '.join(examples)}"
    if values:
        msg += " (values " + ", ".join(repr(v) for v in values) + ")"
    return Problem(check, table, column, int(count), examples, file or "", msg)


def _row_labels(df: pd.DataFrame, table: str) -> pd.Series:
    """Row ids used as examples: the primary key, else the 1-based data row number."""
    pk = model.SPECS[table].primary_key if table in model.SPECS else None
    if pk and pk in df.columns:
        return df[pk].astype("string")
    return pd.Series([f"row {i + 1}" for i in range(len(df))], index=df.index, dtype="string")


def _has_repeats(ids: pd.Series) -> bool:
    """Whether any non-missing value occurs twice: Arrow sort, then compare neighbours.

    ``Series.duplicated`` on Arrow strings factorizes through a slow path
    (9 s for 5M activity ids); sorting and comparing neighbours takes about
    1 s, and the detailed pandas path runs only when there are repeats.
    Ids that already sort strictly upward (exports ordered by id, as most
    are) cannot repeat: one pass over neighbours (0.04 s for 5M) answers
    without the sort (:func:`~workbook.core.links.strictly_increasing`, the
    rule the reports use to trust unique ids).
    """
    if strictly_increasing(ids):
        return False
    values = _arrow_text(ids)
    ordered = pc.take(values, pc.sort_indices(values))
    same = pc.equal(ordered[1:], ordered[:-1])
    return bool(pc.any(same).as_py())


def duplicate_id_problems(df: pd.DataFrame, table: str, file: str | None = None) -> list[Problem]:
    """``duplicate_id`` error when the primary key repeats (missing ids are not compared)."""
    pk = model.SPECS[table].primary_key
    if pk is None or pk not in df.columns:
        return []
    ids = df[pk].dropna()
    if len(ids) < 2 or not _has_repeats(ids):
        return []
    dup = ids[ids.duplicated(keep=False)]
    if dup.empty:
        return []
    n_ids = dup.nunique()
    return [
        problem(
            "duplicate_id",
            table=table,
            column=pk,
            count=int(n_ids),
            examples=example_ids(dup),
            file=file,
            detail=f"{plural(int(n_ids), 'duplicated id')} on {plural(len(dup), 'row')}",
        )
    ]


# --------------------------------------------------------------------------- warnings
@dataclass(frozen=True)
class Issue:
    """One kind of warning or fix-up in one table column, with its count."""

    check: str
    table: str
    column: str
    count: int
    examples: tuple[str, ...] = ()
    message: str = ""
    severity: str = WARNING


@dataclass(repr=False)
class DataQuality:
    """What validation found: counted warnings and fix-ups, row counts, date ranges.

    ``bool(quality)`` is true when there is at least one issue; ``len``
    is the number of issue records (kinds), not the number of rows.
    """

    issues: list[Issue] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    date_ranges: dict[str, dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None]]] = field(
        default_factory=dict
    )
    as_of: pd.Timestamp | None = None

    def __len__(self) -> int:
        return len(self.issues)

    def __bool__(self) -> bool:
        return bool(self.issues)

    def __iter__(self):
        return iter(self.issues)

    def count(self, check: str) -> int:
        """Total affected rows over every issue named ``check`` (0 when absent)."""
        return int(sum(i.count for i in self.issues if i.check == check))

    @property
    def total(self) -> int:
        """Total affected rows over all issues."""
        return int(sum(i.count for i in self.issues))

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: check, table, column, count, examples, message, severity.

        ``examples`` is a comma-separated string of up to five ids.
        """
        rows = [
            {
                "check": i.check,
                "severity": i.severity,
                "table": i.table,
                "column": i.column,
                "count": i.count,
                "examples": ", ".join(i.examples),
                "message": i.message,
            }
            for i in self.issues
        ]
        frame = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
        return frame.astype({"count": "int64"})

    def to_dict(self) -> dict:
        """JSON-able summary: counts per check, total, warnings/fix-ups, row counts."""
        per_check = Counter()
        for i in self.issues:
            per_check[i.check] += i.count
        return {
            "checks": dict(sorted(per_check.items())),
            "total": self.total,
            "warnings": int(sum(i.count for i in self.issues if i.severity == WARNING)),
            "fixups": int(sum(i.count for i in self.issues if i.severity == FIXUP)),
            "excluded": int(sum(i.count for i in self.issues if i.severity == EXCLUDED)),
            "row_counts": {k: int(v) for k, v in self.row_counts.items()},
            "as_of": None if self.as_of is None else self.as_of.strftime("%Y-%m-%d"),
        }

    def headline(self) -> str:
        """One line: kinds of warning and fix-up, the rows they affect, and rows left out."""
        n_warn = sum(1 for i in self.issues if i.severity == WARNING)
        n_fix = sum(1 for i in self.issues if i.severity == FIXUP)
        rows = self.to_dict()
        line = (
            f"{plural(n_warn, 'kind')} of warning ({plural(rows['warnings'], 'row')}), "
            f"{plural(n_fix, 'kind')} of fix-up ({plural(rows['fixups'], 'row')})"
        )
        if rows["excluded"]:
            line += f", {plural(rows['excluded'], 'row')} left out for blank required cells"
        return line

    def for_tables(self, tables: Iterable[str]) -> DataQuality:
        """The record restricted to ``tables``: their issues, row counts and date ranges.

        An issue belongs to a table when its ``table`` is one of them (a
        ``rows_filtered`` or ``bad_row_skipped`` issue names its own table).
        Used by each report, which shows the quality of the tables it reads.
        """
        wanted = set(tables)
        return DataQuality(
            issues=[i for i in self.issues if i.table in wanted],
            row_counts={t: n for t, n in self.row_counts.items() if t in wanted},
            date_ranges={t: r for t, r in self.date_ranges.items() if t in wanted},
            as_of=self.as_of,
        )

    def excluded_rows(self, table: str) -> int:
        """Rows of ``table`` left out for a blank required cell (each row counted once)."""
        return int(
            sum(i.count for i in self.issues if i.check == "blank_required" and i.table == table)
        )

    def left_out(self) -> pd.DataFrame:
        """The "counted and left out" table: one row per table, column and reason.

        Columns :data:`LEFT_OUT_COLUMNS`: ``table``, ``column`` (empty for a
        malformed row), ``rows left out``, ``why`` (plain words, from
        :data:`LEFT_OUT_REASONS`) and ``example ids`` (up to five, comma
        separated; ``row N`` is the 1-based data row when the id is blank).
        Rows of :data:`LEFT_OUT_REASONS` checks only, in record order.
        """
        rows = [
            {
                "table": i.table,
                "column": i.column,
                "rows left out": int(i.count),
                "why": LEFT_OUT_REASONS[i.check].format(column=i.column),
                "example ids": ", ".join(i.examples),
            }
            for i in self.issues
            if i.check in LEFT_OUT_REASONS
        ]
        return pd.DataFrame(rows, columns=LEFT_OUT_COLUMNS).astype({"rows left out": "int64"})

    # -- display ------------------------------------------------------------
    def __repr__(self) -> str:
        as_of = "" if self.as_of is None else f" as of {self.as_of:%Y-%m-%d}"
        lines = [f"DataQuality{as_of}: {self.headline()}"]
        for i in self.issues:
            where = f"{i.table}.{i.column}" if i.column else i.table
            lines.append(f"  [{i.severity}] {i.check} {where} ({i.count:,}): {i.message}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from workbook.core.text import esc

        as_of = "" if self.as_of is None else f" as of {self.as_of:%Y-%m-%d}"
        parts = [f"<h4>DataQuality{esc(as_of)}: {esc(self.headline())}</h4>"]
        if not self.issues:
            return parts[0] + "<p>No warnings.</p>"
        frame = self.to_frame()
        header = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
            for row in frame.itertuples(index=False)
        )
        parts.append(f"<table><tr>{header}</tr>{body}</table>")
        return "".join(parts)

    def summary_text(self) -> str:
        """Plain-text lines for ``workbook validate``.

        Row counts, then the rows counted and left out (:meth:`left_out`),
        then every other warning and fix-up.
        """
        lines = ["Rows:"]
        for table, n in self.row_counts.items():
            lo, hi = _overall_range(self.date_ranges.get(table, {}))
            span = f"  {lo:%Y-%m-%d} .. {hi:%Y-%m-%d}" if lo is not None else ""
            lines.append(f"  {table:<14}{n:>10,}{span}")
        left = [i for i in self.issues if i.check in LEFT_OUT_REASONS]
        if left:
            lines.append(f"Counted and left out ({sum(i.count for i in left):,} rows):")
            for i in left:
                ex = f" e.g. {', '.join(i.examples)}" if i.examples else ""
                where = f"{i.table}.{i.column}" if i.column else i.table
                lines.append(f"  [left out] {i.check} {where} ({i.count:,}): {i.message}{ex}")
        rest = [i for i in self.issues if i.check not in LEFT_OUT_REASONS]
        if not rest:
            lines.append("No warnings.")
            return "\n".join(lines)
        n_warn = sum(1 for i in rest if i.severity == WARNING)
        n_fix = len(rest) - n_warn
        lines.append(f"{plural(n_warn, 'kind')} of warning, {plural(n_fix, 'kind')} of fix-up:")
        for i in rest:
            ex = f" e.g. {', '.join(i.examples)}" if i.examples else ""
            lines.append(
                f"  [{i.severity}] {i.check} {i.table}.{i.column} ({i.count:,}): {i.message}{ex}"
            )
        return "\n".join(lines)


def _overall_range(ranges: Mapping) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    los = [lo for lo, _ in ranges.values() if lo is not None]
    his = [hi for _, hi in ranges.values() if hi is not None]
    return (min(los) if los else None, max(his) if his else None)


def _issue(check, table, column, mask, labels, message, severity=WARNING) -> Issue | None:
    n = int(mask.sum())
    if n == 0:
        return None
    return Issue(check, table, column, n, example_ids(labels[mask]), message, severity)


# --------------------------------------------------------------------------- validate
def validate(
    tables: Mapping[str, pd.DataFrame],
    *,
    as_of,
    score_range: tuple[float, float] = model.SCORE_RANGE,
    files: Mapping[str, str] | None = None,
    fixups: Iterable[Issue] = (),
    check_duplicate_ids: bool = True,
    engine=None,
) -> DataQuality:
    """Check canonical tables; raise on errors, return the warnings.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Canonical tables (as produced by :func:`workbook.data.coercion.coerce_table`);
        any subset of :data:`workbook.data.model.TABLES`. Checks that need a table
        that is not present are skipped.
    as_of : Timestamp-like or None
        Observation end. Records whose event date falls on a later calendar
        day are counted (``after_as_of``); ``None`` skips that check.
    score_range : (float, float)
        Valid lead scores, both ends inclusive.
    files : mapping of str to str, optional
        Source file per table, named in error messages.
    fixups : iterable of Issue
        Fix-ups made while loading, copied into the record first.
    check_duplicate_ids : bool, default True
        Check primary keys for duplicates. :func:`workbook.data.io.load` passes
        False because it has already checked them (and raised) while loading;
        the check costs about 2 s on the large sample.
    engine : workbook.engine.Engine, optional
        Where the hierarchy check's family tree is computed
        (:func:`workbook.core.families.ultimate_parents`; default the embedded
        engine). :func:`workbook.data.io.load` passes its ``engine``.

    Returns
    -------
    DataQuality

    Raises
    ------
    DataValidationError
        A primary id is duplicated or a required column is missing.
    """
    files = dict(files or {})
    errors: list[Problem] = []
    for name, df in tables.items():
        spec = model.SPECS[name]
        missing = [c for c in spec.required_columns if c not in df.columns]
        if missing:
            errors.append(missing_columns_problem(name, missing, list(df.columns), files.get(name)))
            continue
        if check_duplicate_ids:
            errors += duplicate_id_problems(df, name, files.get(name))
    if errors:
        raise DataValidationError(errors)

    as_of_ts = None if as_of is None else pd.Timestamp(as_of)
    issues: list[Issue] = list(fixups)
    issues += _reference_issues(tables, engine=engine)
    issues += _hierarchy_issues(tables, engine=engine)
    issues += _activity_issues(tables)
    if as_of_ts is not None:
        issues += _after_as_of_issues(tables, as_of_ts)
    issues += _value_issues(tables, score_range)
    return DataQuality(
        issues=[i for i in issues if i is not None],
        row_counts={name: len(df) for name, df in tables.items()},
        date_ranges=_date_ranges(tables),
        as_of=as_of_ts,
    )


def missing_columns_problem(
    table: str, missing: Sequence[str], found: Sequence[str], file: str | None = None
) -> Problem:
    """``missing_column`` error listing the columns found and hinting at ``columns:``."""
    shown = ", ".join(repr(str(c)) for c in list(found)[:30])
    more = f" (+{len(found) - 30} more)" if len(found) > 30 else ""
    detail = (
        f"{len(missing)} required column(s) missing: {', '.join(missing)}; "
        f"columns found: {shown or 'none'}{more}. "
        f"Map your column names with the 'columns' option, e.g. "
        f"columns: {{{table}: {{{missing[0]}: <your column>}}}}"
    )
    where = f"{file} (table {table})" if file else table
    return Problem(
        "missing_column",
        table,
        ", ".join(missing),
        len(missing),
        tuple(missing[:MAX_EXAMPLES]),
        file or "",
        f"{where}: {detail}",
    )


def _arrow_text(s: pd.Series) -> pa.Array:
    arrow = s.array if hasattr(s.array, "__arrow_array__") else s.astype("string").array
    out = pa.array(arrow)
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks()
    return (
        out
        if pa.types.is_string(out.type) or pa.types.is_large_string(out.type)
        else out.cast(pa.large_string())
    )


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position in ``keys`` of each value (first match), ``-1`` when absent or missing.

    Uses Arrow's hash lookup (``pyarrow.compute.index_in``), which stays fast
    for millions of string ids where ``Series.isin`` on Arrow strings does not.
    """
    left, right = _arrow_text(values), _arrow_text(keys)
    if left.type != right.type:
        left, right = left.cast(pa.large_string()), right.cast(pa.large_string())
    found = pc.index_in(left, value_set=right)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


# Positions of one loaded column's values in another's, kept while both columns live: keyed
# by the identity of their immutable Arrow arrays, which a frame shares with its shallow
# copies and replaces when the column is assigned.
_POSITIONS: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, np.ndarray]] = {}


def _arrow_of(values: pd.Series) -> pa.ChunkedArray | None:
    arrow = getattr(values.array, "_pa_array", None)
    return arrow if isinstance(arrow, pa.ChunkedArray) else None


def cached_positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position in ``keys`` of each value (first match), ``-1`` when absent or blank; computed once.

    Unlike :func:`positions`, a blank value matches nothing, not even a blank
    key. The answer (int32 when ``keys`` allows it; do not modify it) is kept
    while both columns' Arrow arrays live, so the reports and time-travel cuts
    that look up the same loaded id columns (5M activity ids) do it once;
    other columns are computed each time.
    """
    left, right = _arrow_of(values), _arrow_of(keys)
    if left is None or right is None:
        return _positions_or_absent(values, keys)
    key = (id(left), id(right))
    hit = _POSITIONS.get(key)
    if hit is not None and hit[0]() is left and hit[1]() is right:
        return hit[2]
    found = _positions_or_absent(values, keys)
    found.flags.writeable = False
    forget = lambda _ref, key=key: _POSITIONS.pop(key, None)  # noqa: E731
    _POSITIONS[key] = (weakref.ref(left, forget), weakref.ref(right, forget), found)
    return found


def _positions_or_absent(values: pd.Series, keys: pd.Series) -> np.ndarray:
    found = positions(values, keys) if len(values) and len(keys) else np.full(len(values), -1)
    found = np.where(values.notna().to_numpy(dtype=bool), found, -1)
    return found.astype(np.int32 if len(keys) < np.iinfo(np.int32).max else np.int64)


def _reference_issues(tables: Mapping[str, pd.DataFrame], *, engine=None) -> list[Issue | None]:
    """``unknown_reference`` warnings: counted in the engine, examples and hints from pandas.

    :func:`workbook.data.references.unknown_reference_rows` finds the
    unknown rows of every reference in one query; pandas reads only those rows
    for the first example ids and the close matches.
    """
    from workbook.data.references import unknown_reference_rows

    out = []
    for (table, column), rows in unknown_reference_rows(tables, engine=engine).items():
        n = len(rows)
        if n == 0:
            continue
        ref_table, ref_column = next(
            (r[2], r[3]) for r in model.REFERENCES if (r[0], r[1]) == (table, column)
        )
        values = tables[table][column]
        known = tables[ref_table][ref_column]
        mask = np.zeros(len(values), dtype=bool)
        mask[rows] = True
        out.append(
            Issue(
                "unknown_reference",
                table,
                column,
                n,
                example_ids(values[mask]),
                f"{plural(n, 'row')} {one_or_many(n, 'refers', 'refer')} to an unknown "
                f"{ref_column} (not in {ref_table})"
                + hint_text(table, column, close_matches(values[mask], known)),
            )
        )
    return out


def _hierarchy_issues(tables: Mapping[str, pd.DataFrame], *, engine=None) -> list[Issue | None]:
    accounts = tables.get(model.ACCOUNTS)
    if accounts is None or accounts.empty:
        return []
    tree = ultimate_parents(accounts, engine=engine)
    issue = tree["issue"]
    labels = tree["account_id"]
    return [
        _issue(
            "parent_cycle",
            model.ACCOUNTS,
            "parent_id",
            (issue == CYCLE).fillna(False).to_numpy(dtype=bool),
            labels,
            "accounts on a parent cycle (a self-parent counts); each cycle's family is rooted at "
            "its smallest account_id",
        ),
        _issue(
            "missing_parent",
            model.ACCOUNTS,
            "parent_id",
            (issue == MISSING_PARENT).fillna(False).to_numpy(dtype=bool),
            labels,
            "accounts whose parent_id is not among the accounts; treated as top-level",
        ),
    ]


def _activity_issues(tables: Mapping[str, pd.DataFrame]) -> list[Issue | None]:
    acts = tables.get(model.ACTIVITIES)
    if acts is None:
        return []
    out = []
    links = [c for c in ("lead_id", "account_id", "opportunity_id") if c in acts.columns]
    unlinked = ~acts[links].notna().any(axis=1).to_numpy(dtype=bool)
    out.append(
        _issue(
            "activity_unlinked",
            model.ACTIVITIES,
            "lead_id",
            unlinked,
            acts["activity_id"],
            "activities linked to no lead, account or opportunity",
        )
    )
    leads = tables.get(model.LEADS)
    if leads is not None and "lead_id" in acts.columns:
        pos = positions(acts["lead_id"], leads["lead_id"])
        created = leads["created_at"].to_numpy(dtype="datetime64[ns]")
        if len(created) == 0:
            created = np.array(["NaT"], dtype="datetime64[ns]")
        lead_created = np.where(pos >= 0, created[np.maximum(pos, 0)], np.datetime64("NaT"))
        occurred = acts["occurred_at"].to_numpy(dtype="datetime64[ns]")
        early = (pos >= 0) & (occurred < lead_created)
        out.append(
            _issue(
                "activity_before_lead",
                model.ACTIVITIES,
                "occurred_at",
                early,
                acts["activity_id"],
                "activities dated before their lead was created",
            )
        )
    return out


def _after_as_of_issues(tables: Mapping[str, pd.DataFrame], as_of: pd.Timestamp) -> list:
    cutoff = as_of.normalize() + pd.Timedelta(days=1)
    out = []
    for table, column in model.EVENT_DATE_COLUMNS.items():
        df = tables.get(table)
        if df is None or column not in df.columns:
            continue
        mask = (df[column] >= cutoff).fillna(False).to_numpy(dtype=bool)
        out.append(
            _issue(
                "after_as_of",
                table,
                column,
                mask,
                _labels(df, table),
                f"records dated after the as-of date {as_of:%Y-%m-%d}",
            )
        )
    return out


def _labels(df: pd.DataFrame, table: str) -> pd.Series:
    if table == model.PURCHASES:
        return df["account_id"].astype("string") + "/" + df["product_id"].astype("string")
    return _row_labels(df, table)


def _value_issues(tables: Mapping[str, pd.DataFrame], score_range) -> list:
    out = []
    for table in (model.OPPORTUNITIES, model.PURCHASES):
        df = tables.get(table)
        if df is None or "amount" not in df.columns:
            continue
        mask = (df["amount"] < 0).fillna(False).to_numpy(dtype=bool)
        out.append(
            _issue("negative_amount", table, "amount", mask, _labels(df, table), "negative amounts")
        )
    leads = tables.get(model.LEADS)
    if leads is not None and "score" in leads.columns:
        lo, hi = score_range
        s = leads["score"]
        mask = ((s < lo) | (s > hi)).fillna(False).to_numpy(dtype=bool)
        out.append(
            _issue(
                "score_out_of_range",
                model.LEADS,
                "score",
                mask,
                leads["lead_id"],
                f"scores outside the expected range {lo:g}-{hi:g}",
            )
        )
    opps = tables.get(model.OPPORTUNITIES)
    if opps is not None and {"is_won", "is_closed"} <= set(opps.columns):
        mask = (opps["is_won"].fillna(False) & ~opps["is_closed"].fillna(True)).to_numpy(dtype=bool)
        out.append(
            _issue(
                "won_not_closed",
                model.OPPORTUNITIES,
                "is_won",
                mask,
                opps["opportunity_id"],
                "opportunities marked won but not closed",
            )
        )
    return out


def _date_ranges(tables: Mapping[str, pd.DataFrame]) -> dict:
    out = {}
    for name, df in tables.items():
        spec = model.SPECS[name]
        ranges = {}
        for col in spec.columns_of_kind("date"):
            if col in df.columns:
                s = df[col]
                lo, hi = s.min(), s.max()
                ranges[col] = (None if pd.isna(lo) else lo, None if pd.isna(hi) else hi)
        out[name] = ranges
    return out

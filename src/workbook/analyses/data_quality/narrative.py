"""Narrative of the data-quality report: the headline cards and summary sentences."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from workbook.core.checks import require_frame
from workbook.core.text import LOWER_IS_BETTER, NEUTRAL, Card, one_or_many, plural

__all__ = ["Headline", "headline", "headline_cards", "summary_sentences"]


class Headline(NamedTuple):
    """The executive summary: 3-5 sentences and the headline cards."""

    sentences: list[str]
    cards: list[Card]


def _warnings_split(warnings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(warnings, fix-ups): the rows of ``severity == "warning"`` and the others."""
    is_warning = warnings["severity"].eq("warning") if len(warnings) else pd.Series([], dtype=bool)
    return warnings[is_warning], warnings[~is_warning]


def headline_cards(
    counts: pd.DataFrame, warnings: pd.DataFrame, faults: pd.DataFrame
) -> list[Card]:
    """Cards ``tables``, ``rows``, ``warnings`` and ``hierarchy_faults``.

    ``tables`` is the number of loaded tables and ``rows`` their total rows
    (:func:`~workbook.analyses.data_quality.row_counts`); ``warnings`` the
    affected rows over all warning kinds, fix-ups excluded; ``hierarchy_faults``
    the accounts on a cycle or with a missing parent.
    """
    warn, _ = _warnings_split(warnings)
    return [
        # The index shows data quality as one health line, not as KPI cards.
        Card("tables", "Tables loaded", len(counts), "{:,}", NEUTRAL),
        Card("rows", "Total rows", int(counts["rows"].sum()), "{:,}", NEUTRAL),
        Card("warnings", "Rows with warnings", int(warn["count"].sum()), "{:,}", LOWER_IS_BETTER),
        Card("hierarchy_faults", "Hierarchy faults", len(faults), "{:,}", LOWER_IS_BETTER),
    ]


def _tables_sentence(counts: pd.DataFrame) -> str:
    if not len(counts):
        return "No tables were loaded."
    largest = counts.sort_values(["rows", "table"], ascending=[False, True]).head(1)
    return (
        f"{plural(len(counts), 'table')} loaded with {int(counts['rows'].sum()):,} rows in total; "
        f"the largest is {largest['table'].iloc[0]} with {int(largest['rows'].iloc[0]):,} rows."
    )


def _warnings_sentence(warnings: pd.DataFrame) -> str:
    warn, rest = _warnings_split(warnings)
    left_out = rest["severity"].eq("excluded") if len(rest) else pd.Series([], dtype=bool)
    fix, excluded = rest[~left_out], rest[left_out]
    n_warn_rows = int(warn["count"].sum())
    sentence = (
        f"Validation found {plural(len(warn), 'kind')} of warning affecting "
        f"{plural(n_warn_rows, 'row')}"
    )
    sentence += f", and applied {plural(len(fix), 'kind')} of fix-up" if len(fix) else ""
    if len(excluded):  # blank required cells (workbook.data.blanks)
        n_out = int(excluded["count"].sum())
        sentence += (
            f"; {plural(n_out, 'row')} {one_or_many(n_out, 'was', 'were')} left out for a blank "
            "required cell"
        )
    return sentence + "."


def _references_sentence(integrity: pd.DataFrame) -> str:
    checked = integrity[integrity["checked"]]
    bad_refs = checked[checked["unknown_rows"].fillna(0) > 0]
    if not len(bad_refs):
        return f"All {plural(len(checked), 'checked reference')} point to known ids."
    worst = bad_refs.sort_values(["unknown_rows", "table"], ascending=[False, True]).iloc[0]
    return (
        f"{len(bad_refs)} of {plural(len(checked), 'checked reference')} point to unknown ids; "
        f"the most affected is {worst['table']}.{worst['column']} with "
        f"{plural(int(worst['unknown_rows']), 'row')}."
    )


def _hierarchy_sentence(faults: pd.DataFrame) -> str:
    n_faults = len(faults)
    if not n_faults:
        return "The account hierarchy has no cycles and no missing parents."
    n_cycle = int(faults["issue"].eq("cycle").sum())
    return (
        f"The account hierarchy has {plural(n_faults, 'fault')}: "
        f"{plural(n_cycle, 'account')} on a parent cycle and {n_faults - n_cycle:,} with a "
        "parent missing from the accounts."
    )


def summary_sentences(
    counts: pd.DataFrame,
    warnings: pd.DataFrame,
    integrity: pd.DataFrame,
    faults: pd.DataFrame,
) -> list[str]:
    """Four sentences: tables and rows, validation, references, hierarchy faults.

    Each is built from the numbers of the tables passed (see :func:`headline`).
    """
    return [
        _tables_sentence(counts),
        _warnings_sentence(warnings),
        _references_sentence(integrity),
        _hierarchy_sentence(faults),
    ]


def headline(
    counts: pd.DataFrame,
    warnings: pd.DataFrame,
    integrity: pd.DataFrame,
    faults: pd.DataFrame,
) -> Headline:
    """Executive-summary sentences and cards for the data-quality report.

    Parameters
    ----------
    counts : DataFrame
        :func:`~workbook.analyses.data_quality.row_counts`.
    warnings : DataFrame
        ``DataQuality.to_frame()``: one row per kind of warning or fix-up,
        with ``severity`` and ``count`` (affected rows).
    integrity : DataFrame
        :func:`~workbook.analyses.data_quality.referential_integrity`.
    faults : DataFrame
        :func:`workbook.core.families.hierarchy_issues` (one row per faulty account).

    Returns
    -------
    Headline
        ``cards`` (:func:`headline_cards`: ``tables``, ``rows``,
        ``warnings``, ``hierarchy_faults``) and ``sentences``
        (:func:`summary_sentences`); unpacks as ``sentences, cards``.
    """
    require_frame(counts, "counts", ["table", "rows"])
    require_frame(warnings, "warnings", ["severity", "count"])
    require_frame(integrity, "integrity", ["checked", "unknown_rows", "table", "column"])
    require_frame(faults, "faults")
    return Headline(
        summary_sentences(counts, warnings, integrity, faults),
        headline_cards(counts, warnings, faults),
    )

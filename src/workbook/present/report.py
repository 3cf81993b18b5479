"""Helpers used inside report notebooks: summary cards, tables, exports.

A notebook creates one :class:`Report` right after loading the data::

    rep = wr.Report("cohort", title="Cohort follow-through", out_dir=out_dir,
                    as_of=crm.as_of, crm=crm)
    rep.export(table, "follow_through")          # OUT/cohort/follow_through.csv
    rep.executive_summary(sentences, cards)      # top of the report
    rep.table(table, formats={"rate": "{:.1%}"}) # styled, escaped, truncated
    rep.write_summary(figures)                   # OUT/cohort/summary.json

Every piece of text that comes from data is HTML-escaped here, so names such
as ``We <3 Dogs`` or ``<script>`` always show as text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.core.names import ID_NAMES, Names
from workbook.core.text import (
    BIDI_CONTROLS,
    Card,
    esc,
    format_value,
    one_or_many,
    plural,
    strip_bidi,
)
from workbook.data.validate import LEFT_OUT_REASONS
from workbook.present.exports import TRUE_FLAGS, spreadsheet_safe, write_csv

__all__ = [
    "Card",
    "Report",
    "esc",
    "format_value",
    "live_kernel",
    "spreadsheet_safe",
    "table_html",
]

#: Rows shown by :meth:`Report.table` before truncating (the CSV export is full).
DEFAULT_MAX_ROWS = 25
#: Rows of a leadership table (:meth:`Report.top`); the rest is in the export.
LEADERSHIP_ROWS = 10
#: A table with more columns than this is printed smaller (class ``wb-wide``), and
#: with more than VERY_WIDE_COLUMNS smaller still (``wb-very-wide``), so it fits the paper.
WIDE_COLUMNS = 8
VERY_WIDE_COLUMNS = 14
#: Cell text that reads as a date or a period (2024-07, 2024-07-31, 2024-Q3, 2024-W05):
#: such cells never wrap ("2024-/07").
DATE_LIKE = r"\d{4}-(?:\d{2}(?:-\d{2})?(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|Q[1-4]|W\d{2}|H[12])"
#: Output metadata of the marker :meth:`Report.appendix` shows (read by present.html).
APPENDIX_METADATA = {"workbook": "appendix"}


def _jsonable(value: object) -> object:
    """Convert numpy/pandas scalars and containers to plain JSON types."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [_jsonable(v) for v in list(value)]
    if isinstance(value, (pd.Timestamp, dt.date, dt.datetime)):
        return value.isoformat()[:10] if isinstance(value, dt.date) else str(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _display(obj, metadata: Mapping | None = None) -> None:
    from IPython.display import display

    if metadata is None:
        display(obj)
    else:
        display(obj, metadata=dict(metadata))


def live_kernel(interactive: bool) -> bool:
    """True when widgets should be shown: asked for, and in a live front end.

    The runner always passes ``interactive=False``; papermill executions
    therefore never leave empty widget boxes in the static HTML.
    """
    if not interactive:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


class Report:
    """Output helper for one report notebook.

    Parameters
    ----------
    name : str
        Report name (``cohort``, ``scoring``...); the export folder is
        ``out_dir`` itself (the runner passes ``OUT/<name>``).
    title : str
        Human title, shown in headings and the index page.
    out_dir : str or Path or None
        Where CSV and JSON exports go; empty or None writes nothing (handy
        when exploring in JupyterLab).
    as_of : Timestamp
        The observation end date of the run.
    crm : CrmData, optional
        Loaded data; its data-quality record goes into summary.json.
    """

    def __init__(
        self, name: str, *, title: str, out_dir=None, as_of=None, crm=None, export_raw_csv=None
    ):
        self.name = name
        self.title = title
        self.out_dir = Path(out_dir) if out_dir else None
        self.as_of = pd.Timestamp(as_of) if as_of is not None else None
        self.crm = crm
        self.cards: list[Card] = []
        self.sentences: list[str] = []
        self.exports: list[str] = []
        if export_raw_csv is None:
            export_raw_csv = os.environ.get("WORKBOOK_EXPORT_RAW_CSV", "").lower() in TRUE_FLAGS
        self.export_raw_csv = bool(export_raw_csv)
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)

    # -- exports ----------------------------------------------------------
    def export(self, frame: pd.DataFrame, stem: str, *, index: bool = False) -> Path | None:
        """Write ``frame`` to ``OUT/<name>/<stem>.csv`` (UTF-8, ISO dates), spreadsheet-safe.

        Cells and headers that a spreadsheet would run as a formula are
        prefixed with ``'`` (:func:`spreadsheet_safe`), unless
        ``export_raw_csv`` is true (the Report option, else the environment
        variable ``WORKBOOK_EXPORT_RAW_CSV=1``).
        """
        if self.out_dir is None:
            return None
        path = self.out_dir / f"{stem}.csv"
        if not self.export_raw_csv:
            frame = spreadsheet_safe(frame.reset_index() if index else frame)
            index = False
        write_csv(frame.reset_index() if index else frame, path)
        self.exports.append(path.name)
        return path

    def export_results(self, results) -> list[Path]:
        """Write every table of ``results.exports()`` (a report's ``Results``) as CSV."""
        written = [self.export(frame, stem) for stem, frame in results.exports().items()]
        return [p for p in written if p is not None]

    def write_summary(self, figures: Mapping[str, object] | None = None) -> Path | None:
        """Write ``OUT/<name>/summary.json``.

        The file holds every key of ``figures`` at the top level, plus
        ``report``, ``title``, ``as_of``, ``fingerprint`` (of the input data), ``headline`` (the cards shown by
        :meth:`executive_summary`, as :meth:`Card.to_dict`: key, label, value,
        display, fmt, direction, subject, on_index), ``sentences``,
        ``exports`` and ``data_quality`` (warning counts).
        """
        payload: dict[str, object] = {
            "report": self.name,
            "title": self.title,
            "as_of": None if self.as_of is None else self.as_of.date().isoformat(),
            "headline": [c.to_dict() for c in self.cards],
            "sentences": list(self.sentences),
            "exports": sorted(set(self.exports)),
        }
        fingerprint = getattr(self.crm, "fingerprint", "")
        if fingerprint:
            payload["fingerprint"] = fingerprint
        quality = getattr(self.crm, "quality", None)
        if quality is not None and hasattr(quality, "to_dict"):
            payload["data_quality"] = quality.to_dict()
        for key, value in (figures or {}).items():
            payload[key] = value
        for card in self.cards:
            payload.setdefault(card.key, card.value)
        if self.out_dir is None:
            return None
        path = self.out_dir / "summary.json"
        path.write_text(
            json.dumps(_jsonable(payload), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        return path

    # -- display ----------------------------------------------------------
    def executive_summary(self, sentences: Sequence[str], cards: Sequence[Card]) -> None:
        """Show the headline cards and 3-5 plain-text sentences (escaped)."""
        self.sentences = [str(s) for s in sentences]
        self.cards = list(cards)
        _display(_html(summary_html(self.sentences, self.cards)))

    def table(
        self,
        frame: pd.DataFrame,
        *,
        formats: Mapping[str, str] | None = None,
        max_rows: int = DEFAULT_MAX_ROWS,
        caption: str | None = None,
        export_stem: str | None = None,
        columns: Mapping[str, str] | Sequence[str] | None = None,
    ) -> None:
        """Show a formatted, escaped, index-free table, truncated to ``max_rows``.

        When the table is truncated a note says how many rows are hidden and
        which CSV export holds all of them. ``columns`` keeps only those
        columns, in that order; as a mapping it also gives their headers
        (``{"family_name": "Family"}``); ``formats`` keys stay the column names.
        """
        _display(
            _html(
                table_html(
                    frame,
                    formats=formats,
                    max_rows=max_rows,
                    caption=caption,
                    export_name=f"{self.name}/{export_stem}.csv" if export_stem else None,
                    columns=columns,
                )
            )
        )

    def top(
        self,
        frame: pd.DataFrame,
        columns: Mapping[str, str],
        *,
        formats: Mapping[str, str] | None = None,
        rows: int = LEADERSHIP_ROWS,
        caption: str | None = None,
        export_stem: str | None = None,
    ) -> None:
        """Show a leadership table: the first ``rows`` rows (at most 10), a few named columns.

        ``columns`` maps the columns to show to their plain headers, in order
        (names rather than ids, formatted values). Sort ``frame`` first; the
        full table is in the method appendix and the CSV export.
        """
        if not columns:
            raise ValueError("Report.top needs the columns to show, with their headers")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(
                f"Report.top: column(s) {missing} not in the table (it has {list(frame.columns)})"
            )
        self.table(
            frame,
            formats=formats,
            max_rows=max(1, min(int(rows), LEADERSHIP_ROWS)),
            caption=caption,
            export_stem=export_stem,
            columns=columns,
        )

    def appendix(self) -> None:
        """Start the method appendix: everything shown after this call goes into it.

        In a live notebook this shows a heading. In the static HTML page
        (:func:`workbook.present.html.notebook_html`) the cell of this call and
        every later cell, with the run record, sit in one collapsed
        ``<details>`` below the leadership part; the PDF prints it open on a
        new page. Call it once, after the leadership part.
        """
        _display(
            _html(
                '<h2 class="wb-appendix-heading">Method appendix</h2>'
                '<p class="wb-table-note">How the figures above were made: statistics, '
                "model checks, full tables, exclusions and data quality.</p>"
            ),
            metadata=APPENDIX_METADATA,
        )

    def method_notes(self, notes: Sequence[str]) -> None:
        """Show a report's method notes (the sentences after its summary), collapsed."""
        if not notes:
            return
        items = "".join(f"<li>{esc(n)}</li>" for n in notes)
        _display(
            _html(
                f'<details class="wb-notes"><summary>Method notes</summary><ul>{items}</ul></details>'
            )
        )

    def note(self, text: str, *, kind: str = "info") -> None:
        """Show a short escaped call-out; ``kind`` is info, warning or error (empty text: nothing)."""
        if not text:
            return
        _display(_html(f'<div class="wb-note wb-{esc(kind)}">{esc(text)}</div>'))

    def data_quality(self) -> None:
        """Show the data quality of the tables this report reads, the rows left out first.

        The "Counted and left out" table (:meth:`DataQuality.left_out
        <workbook.data.validate.DataQuality.left_out>`: table, column, rows
        left out, why, example ids) comes first, then the other warnings and
        fix-ups; both only for the tables in ``crm`` (those the report reads).
        The data-quality report has the whole record; how many kinds concern
        other tables is said. Example ids of accounts, leads, opportunities
        and users carry the record's name beside them
        (:meth:`Names.name_examples <workbook.core.names.Names.name_examples>`).
        """
        quality = getattr(self.crm, "quality", None)
        if quality is None:
            return
        names = Names.of(self.crm) if hasattr(self.crm, "get") else Names()
        others = 0
        if hasattr(quality, "for_tables") and getattr(self.crm, "tables", None) is not None:
            everything = len(quality)
            quality = quality.for_tables(self.crm.tables)
            others = everything - len(quality)
        left = quality.left_out() if hasattr(quality, "left_out") else pd.DataFrame()
        if left.empty:
            self.note("Counted and left out: no rows.")
        else:
            total = int(left["rows left out"].sum())
            self.note(
                f"Counted and left out: {plural(total, 'row')} of the input "
                f"{one_or_many(total, 'is', 'are')} not in this report's figures; the table says "
                "which, and why.",
                kind="warning",
            )
            left = names.name_examples(left, examples="example ids")
            self.table(left, max_rows=50, caption="Counted and left out")
        frame = quality.to_frame() if hasattr(quality, "to_frame") else pd.DataFrame()
        if "check" in frame.columns:  # the rows left out are in the table above
            frame = frame[~frame["check"].isin(list(LEFT_OUT_REASONS))]
        elsewhere = (
            f" {plural(others, 'more kind')} of warning "
            f"{one_or_many(others, 'concerns', 'concern')} tables this report does not use "
            "(see the data-quality report)."
            if others
            else ""
        )
        if frame.empty:
            self.note(f"Data quality: no warnings in the tables this report uses.{elsewhere}")
        else:
            self.note(
                f"Data quality: {plural(len(frame), 'kind')} of warning in the tables this "
                f"report uses; details below.{elsewhere}",
                kind="warning",
            )
            self.table(names.name_examples(frame), max_rows=50)


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


CARD_CSS = """
<style>
.wb-cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 16px}
.wb-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:150px;background:#f6f8fa}
.wb-card .wb-value{font-size:1.6em;font-weight:600;color:#0b3d91}
.wb-card .wb-label{font-size:.85em;color:#57606a}
.wb-summary li{margin:4px 0}
.wb-note{padding:8px 12px;border-left:4px solid #0072B2;background:#eef5fb;margin:8px 0}
.wb-warning{border-color:#E69F00;background:#fdf6e3}
.wb-error{border-color:#D55E00;background:#fbeae5}
.wb-table-note{font-size:.85em;color:#57606a}
</style>
"""


def summary_html(sentences: Sequence[str], cards: Sequence[Card]) -> str:
    """HTML for the headline cards and sentences; every value is escaped."""
    card_markup = "".join(
        f'<div class="wb-card"><div class="wb-value">{esc(c.display)}</div>'
        f'<div class="wb-label">{esc(c.label)}</div></div>'
        for c in cards
    )
    items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    return f'{CARD_CSS}<div class="wb-cards">{card_markup}</div><ul class="wb-summary">{items}</ul>'


def default_formats(frame: pd.DataFrame) -> dict[str, str]:
    """Number and date formats by column kind, for columns without an explicit one.

    Integers (and floats holding only whole numbers) get thousands separators,
    other floats two decimals, dates ``YYYY-MM-DD`` (with ``HH:MM`` when any
    value has a time of day). Booleans and text are left as they are.
    """
    formats: dict[str, str] = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_integer_dtype(values):
            formats[column] = "{:,.0f}"
        elif pd.api.types.is_float_dtype(values):
            finite = values[np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))]
            whole = bool((finite == np.round(finite)).all())
            formats[column] = "{:,.0f}" if whole else "{:,.2f}"
        elif pd.api.types.is_datetime64_any_dtype(values):
            times = values.dropna()
            has_time = bool((times != times.dt.normalize()).any())
            formats[column] = "{:%Y-%m-%d %H:%M}" if has_time else "{:%Y-%m-%d}"
    return formats


#: How a true/false cell and an open (infinite) bound read in a table.
YES, NO, NO_LIMIT = "Yes", "No", "no limit"


def _yes_no(value) -> str:
    return YES if value else NO


def _is_bool_column(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return True
    if not pd.api.types.is_object_dtype(values):
        return False
    present = values.dropna()
    return len(present) > 0 and bool(present.map(type).isin([bool, np.bool_]).all())


#: A code value such as ``leads_created_after_as_of``: lower case joined by underscores.
CODE_VALUE = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+"
#: Columns whose values are names the reader types elsewhere (a column or table of
#: the data model), shown as they are.
CODE_COLUMNS = frozenset({"column", "columns", "table", "date_column", "x", "y"})


#: Human labels of the code values readers meet in tables (rule, check and term
#: names), the one place they live; any other code value reads in words by rule
#: (:func:`code_label`). Exports keep the codes.
VALUE_LABELS = {
    # engagement: recommended-action rules (analyses.engagement.actions)
    "close_date_passed": "close date passed",
    "no_decision_maker_contact": "no decision-maker contact",
    "no_meeting_yet": "no meeting yet",
    "no_recent_activity": "no recent activity",
    "win_probability_variance": "rep's win probability far from the model's",
    # engagement: terms of the win-probability model (analyses.engagement.win_model)
    "log_activities": "activities so far (log)",
    "log_activities_14d": "activities in the last 14 days (log)",
    "log_activities_30d": "activities in the last 30 days (log)",
    "log_account_activities": "the account's recent activities (log)",
    "log_age_days": "deal age in days (log)",
    "log_amount": "amount (log)",
    "log_days_since_activity": "days since the last activity (log)",
    "owner_win_rate": "owner's win rate so far",
    # data quality: check codes (data.validate)
    "activity_before_lead": "activity dated before its lead",
    "after_as_of": "dated after the as-of date",
    "missing_parent": "parent account missing",
    "parent_cycle": "accounts on a parent cycle",
    "unknown_reference": "unknown id referenced",
    "score_out_of_range": "score outside its range",
    "negative_amount": "negative amount",
    "blank_required": "blank required cell",
    "duplicate_row": "row repeated exactly",
    # whitespace: rankings and purchase exclusions (analyses.whitespace)
    "sibling_rate": "sibling adoption (smoothed)",
    "peer_rate": "peer adoption (smoothed)",
    "missing_key": "account, product or date missing",
    "unknown_account": "account unknown",
    "unknown_product": "product unknown",
    "repeat_purchase": "repeat purchase",
}


def code_label(value: str) -> str:
    """A code value in words: its :data:`VALUE_LABELS` entry, else by rule.

    The rule: ``as_of`` reads "the as-of date", underscores read as spaces
    (``leads_created_after_as_of`` -> ``leads created after the as-of date``).
    """
    if value in VALUE_LABELS:
        return VALUE_LABELS[value]
    text = re.sub(r"(?<![a-z])as_of(?![a-z])", "the as-of date", value)
    return text.replace("_", " ")


def _code_column(values: pd.Series) -> bool:
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return False
    present = values.dropna()
    if not len(present) or not bool(present.map(type).eq(str).all()):
        return False
    return bool(present.str.fullmatch(CODE_VALUE).any())


def _code_text(value) -> str:
    if isinstance(value, str) and re.fullmatch(CODE_VALUE, value):
        return code_label(value)
    return value


def plain_formats(frame: pd.DataFrame, formats: Mapping[str, object]) -> dict[str, object]:
    """Formatters that keep code values out of visible text.

    True/False cells read ``Yes``/``No``; an infinite value (an open band
    bound such as ``score_high`` of the top band) reads ``no limit`` instead
    of ``inf``, other values of that column keep their format (from
    ``formats``, else two decimals). A text column without a format whose
    values include codes (``leads_created_after_as_of``) shows them in words
    (:func:`code_label`), except columns naming data-model columns or tables
    (:data:`CODE_COLUMNS`).
    """
    out: dict[str, object] = {}
    for column in frame.columns:
        values = frame[column]
        if _is_bool_column(values):
            out[column] = _yes_no
        elif column not in formats and column not in CODE_COLUMNS and _code_column(values):
            out[column] = _code_text
        elif pd.api.types.is_float_dtype(values) and bool(
            np.isinf(values.to_numpy(dtype="float64", na_value=np.nan)).any()
        ):
            spec = formats.get(column, "{:,.2f}")
            if isinstance(spec, str):
                out[column] = lambda v, spec=spec: NO_LIMIT if np.isinf(v) else spec.format(v)
    return out


def _without_bidi(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells and headers with bidirectional override/isolate characters removed."""
    pattern = "[" + "".join(chr(c) for c in BIDI_CONTROLS) + "]"
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            text = s.astype("string")
            hit = text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            if hit.any():
                out[col] = s.where(~hit, text.str.replace(pattern, "", regex=True))
    out.columns = [strip_bidi(c) if isinstance(c, str) else c for c in out.columns]
    return out


#: Headers of statistical columns in words, the one place they live. A column named
#: so, or ending in ``_<key>`` after a measure (``auc_ci_low``: "AUC 95% interval, low"),
#: reads so in every shown table; exports keep the column names.
STAT_HEADERS = {
    "ci_low": "95% interval, low",
    "ci_high": "95% interval, high",
    "pi_low": "prediction interval, low",
    "pi_high": "prediction interval, high",
    "p_value": "p-value",
    "lower_95": "95% limit, low",
    "upper_95": "95% limit, high",
    "lower_998": "99.8% limit, low",
    "upper_998": "99.8% limit, high",
    "n": "count",
    "p_over_capacity": "chance over capacity",
    "n_needed": "leads needed",
}
#: Words of column names written otherwise in a header (abbreviations).
HEADER_WORDS = {"auc": "AUC", "pct": "%", "sla": "SLA", "mad": "MAD"}


def _header_words(name: str) -> str:
    return " ".join(HEADER_WORDS.get(w, w) for w in name.split("_") if w)


def header_label(column: object) -> str:
    """A column's default header in words.

    A statistical column reads as :data:`STAT_HEADERS` says (``ci_low`` ->
    ``95% interval, low``, ``slope_p_value`` -> ``slope p-value``); any
    other name reads with spaces for underscores and the abbreviations of
    :data:`HEADER_WORDS` (``auc`` -> ``AUC``, ``discount_pct`` -> ``discount %``).
    """
    name = str(column)
    if name in STAT_HEADERS:
        return STAT_HEADERS[name]
    for key, words in STAT_HEADERS.items():
        if len(key) > 1 and name.endswith("_" + key):
            return f"{_header_words(name[: -len(key) - 1])} {words}"
    return _header_words(name)


def _date_cells(shown: pd.DataFrame, fmt: Mapping[str, object]) -> pd.DataFrame:
    """``wb-date`` for the cells of date columns and of text that reads as a date or period."""
    classes = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for column in shown.columns:
        values = shown[column]
        spec = fmt.get(column)
        if pd.api.types.is_datetime64_any_dtype(values) or (
            isinstance(spec, str) and spec.startswith("{:%")
        ):
            classes[column] = "wb-date"
        elif pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            text = values.astype("string").str.strip()
            hit = text.str.fullmatch(DATE_LIKE).fillna(False).to_numpy(dtype=bool)
            classes.loc[hit, column] = "wb-date"
    return classes


def names_over_ids(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A shown table's name columns in place of their ids, each id in its name's tooltip.

    For every pair of :data:`workbook.core.names.ID_NAMES` the frame holds
    (``owner_id`` and ``owner_name``...), every other ``<x>_id`` beside an
    ``<x>_name`` (``best_member_id``...), ``group`` beside ``label`` (the
    tables of :mod:`workbook.core.noise`), and ``account_id`` beside ``name``
    in a table of accounts, the id column is left out and each
    name cell becomes escaped HTML ``<span title="U07">Dana Smith</span>``; a
    row whose name is unknown shows its id. Returns the new frame and the
    columns that now hold HTML. Exports keep both columns.
    """
    columns = set(frame.columns)
    pairs = [(i, n) for i, n in ID_NAMES if i in columns and n in columns]
    pairs += [
        (c, c[: -len("_id")] + "_name")
        for c in frame.columns
        if isinstance(c, str)
        and c.endswith("_id")
        and c[: -len("_id")] + "_name" in columns
        and c not in dict(pairs)
    ]
    if {"group", "label"} <= columns:
        pairs.append(("group", "label"))  # core.noise tables: the group's id and its name
    if {"root_id", "family_name"} <= columns and "root_id" not in dict(pairs):
        pairs.append(("root_id", "family_name"))  # a family named by its root account
    if {"account_id", "name"} <= columns and not {"account_name", "opportunity_id"} & columns:
        pairs.append(("account_id", "name"))  # rows are accounts (see Names.beside_ids)
    if not pairs:
        return frame, []
    out = frame.copy()
    for key, name in pairs:
        ids = out[key].astype("string")
        names = out[name].astype("string")
        shown = names.fillna(ids).map(esc, na_action="ignore")
        tip = ids.map(esc, na_action="ignore")
        out[name] = ('<span title="' + tip + '">' + shown + "</span>").fillna(shown)
    return out.drop(columns=[k for k, _ in pairs]), [n for _, n in pairs]


def table_html(
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, str] | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    caption: str | None = None,
    export_name: str | None = None,
    columns: Mapping[str, str] | Sequence[str] | None = None,
) -> str:
    """Render a DataFrame with pandas Styler: escaped cells, no index, formatted.

    Explicit ``formats`` win; other columns get :func:`default_formats`.
    ``columns`` (names, or a mapping of names to headers) keeps only those
    columns, in that order. Other headers are :func:`header_label`; text
    columns are left-aligned; date cells (and text such as ``2024-07``) carry
    the class ``wb-date`` and never wrap; a table of more than
    :data:`WIDE_COLUMNS` columns has the class ``wb-wide`` (printed smaller;
    ``wb-very-wide`` beyond :data:`VERY_WIDE_COLUMNS`).
    Names stand in for their ids, with the id in a tooltip
    (:func:`names_over_ids`). Every cell and header is HTML-escaped.
    """
    labels: dict[str, str] = dict(columns) if isinstance(columns, Mapping) else {}
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"column(s) {missing} not in the table (it has {list(frame.columns)})")
        frame = frame.loc[:, list(columns)]
    shown, named = names_over_ids(_without_bidi(frame.head(max_rows)))
    fmt = default_formats(shown)
    fmt.update({c: f for c, f in (formats or {}).items() if c in shown.columns})
    fmt.update(plain_formats(shown, fmt))
    for column in named:
        fmt.pop(column, None)
    styler = shown.style.hide(axis="index").format(escape="html", na_rep="–")
    if fmt:
        styler = styler.format(fmt, subset=list(fmt), escape="html", na_rep="–")
    if named:  # already escaped HTML (names_over_ids)
        styler = styler.format(lambda v: v, subset=named, escape=None, na_rep="–")
    styler = styler.format_index(
        lambda c: strip_bidi(labels[c]) if c in labels else header_label(c), escape="html", axis=1
    )
    styler = styler.set_td_classes(_date_cells(shown, fmt))
    if len(shown.columns) > VERY_WIDE_COLUMNS:
        styler = styler.set_table_attributes('class="wb-wide wb-very-wide"')
    elif len(shown.columns) > WIDE_COLUMNS:
        styler = styler.set_table_attributes('class="wb-wide"')
    text_columns = [
        c
        for c in shown.columns
        if not pd.api.types.is_numeric_dtype(shown[c]) or pd.api.types.is_bool_dtype(shown[c])
    ]
    if text_columns:
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    if caption:
        styler = styler.set_caption(esc(caption))
    markup = styler.to_html()
    hidden = len(frame) - len(shown)
    if hidden > 0:
        where = f" The full table is in {esc(export_name)}." if export_name else ""
        markup += (
            f'<p class="wb-table-note">Showing {len(shown):,} of {len(frame):,} rows; '
            f"{hidden:,} more not shown.{where}</p>"
        )
    return markup

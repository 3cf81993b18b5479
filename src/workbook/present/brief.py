"""The executive brief at the top of ``index.html``.

Built from the reports' ``summary.json`` dicts only: each report puts its
:class:`~workbook.core.findings.Finding` list there under ``findings``
(its narrative's ``findings(res)``). The brief

* keeps only findings that passed their report's noise or skill rule;
* ranks those with money at stake by the amount (largest first), then the
  rest by the severity their report declared (high, medium, low), keeping
  report order within a tie;
* shows at most :data:`MAX_FINDINGS` (7), each naming its subject, giving the
  money or count at stake and the action, and linking to
  ``<report>.html#<anchor>``.

The data-quality health line ("6 tables, 3 warnings, 0 errors",
:func:`health_line`) is the last line of the index page, below the report
cards (:func:`workbook.present.html.index_html`).

Everything from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote

from workbook.core.findings import SEVERITIES, Finding
from workbook.core.text import esc, money, plural

__all__ = [
    "MAX_FINDINGS",
    "brief_html",
    "brief_section",
    "health_line",
    "health_line_for",
    "rank_findings",
]

#: Most findings the brief shows.
MAX_FINDINGS = 7

_CSS = (
    "<style>.brief{background:#fff;border:1px solid #d0d7de;border-radius:8px;"
    "padding:8px 16px;margin:0 0 12px}.brief h2{font-size:1.1em;margin:2px 0 6px}"
    ".brief ol{margin:0;padding-left:1.4em}.brief li{margin:4px 0;line-height:1.3}"
    ".brief .stake{font-weight:600;margin-right:.4em;white-space:nowrap}"
    ".brief .sev-high::marker{color:#b42318}"
    "</style>"
)


def _findings_of(summary: Mapping) -> list[Finding]:
    return [Finding.from_dict(d) for d in summary.get("findings") or []]


def rank_findings(summaries: Iterable[Mapping], *, limit: int = MAX_FINDINGS) -> list[Finding]:
    """The passed findings of ``summaries``, ranked (see the module docstring), at most ``limit``.

    Parameters
    ----------
    summaries : iterable of dict
        The reports' ``summary.json`` contents, in index order.
    limit : int
        Most findings returned.
    """
    found = [f for s in summaries for f in _findings_of(s) if f.passed]
    with_money = sorted((f for f in found if f.money is not None), key=lambda f: -f.money)
    rest = sorted((f for f in found if f.money is None), key=lambda f: SEVERITIES.index(f.severity))
    return (with_money + rest)[:limit]


def health_line(
    summaries: Iterable[Mapping], *, failed_reports: int = 0, not_applicable: int = 0
) -> str:
    """The data-quality line, e.g. ``"6 tables, 3 warnings, 0 errors; 1 report not applicable"``.

    Tables are those loaded by any report (``data_quality.row_counts``);
    warnings are the kinds of warning or fix-up recorded while loading
    (``data_quality.checks``, each kind counted once across reports); errors
    are the reports that failed to run. Reports that do not apply to the
    export (it lacks their tables) are no errors: they are counted apart,
    after a semicolon, and only when there is at least one.
    """
    tables: set[str] = set()
    checks: set[str] = set()
    for s in summaries:
        dq = s.get("data_quality") or {}
        tables |= set(dq.get("row_counts") or s.get("row_counts") or {})
        checks |= {k for k, n in (dq.get("checks") or {}).items() if n}

    line = ", ".join(
        [
            plural(len(tables), "table"),
            plural(len(checks), "warning"),
            plural(failed_reports, "error"),
        ]
    )
    if not_applicable:
        line += f"; {plural(not_applicable, 'report')} not applicable"
    return line


def _stake(f: Finding) -> str:
    if f.money is not None:
        return money(f.money)
    if f.count is not None:
        return f"{f.count:,} {f.unit}".strip()
    return ""


def _href(f: Finding) -> str:
    return f"{quote(f.report)}.html#{quote(f.anchor, safe=':?-_.~')}"


def health_line_for(entries: Iterable) -> str:
    """:func:`health_line` for the index page's entries (``IndexEntry``: ``summary`` and ``status``).

    The summaries are those of the reports that ran; errors are the reports
    that failed (``failed``, ``stale``) or did not run because the data
    failed validation (``not run``); a report that does not apply (``n/a``)
    is no error and is counted apart ("1 report not applicable").
    """
    entries = list(entries)
    return health_line(
        [getattr(e, "summary", None) or {} for e in entries if e.status == "ok"],
        failed_reports=sum(e.status in ("failed", "stale", "not run") for e in entries),
        not_applicable=sum(e.status == "n/a" for e in entries),
    )


def brief_html(summaries: Iterable[Mapping]) -> str:
    """The brief as an HTML fragment (a ``<section class="brief">``)."""
    summaries = list(summaries)
    ranked = rank_findings(summaries)
    if ranked:
        items = "".join(
            f'<li class="sev-{esc(f.severity)}"><span class="stake">{esc(_stake(f))}</span>'
            f'<a href="{esc(_href(f))}"><b>{esc(f.title)}: {esc(f.subject)}</b></a>. '
            f"{esc(f.action)}</li>"
            for f in ranked
        )
        body = f"<ol>{items}</ol>"
    else:
        body = "<p>No finding cleared its report's noise or skill checks.</p>"
    return f'{_CSS}<section class="brief" id="brief"><h2>What to act on</h2>{body}</section>'


def brief_section(entries: Iterable) -> str:
    """The brief for the index page's entries (``IndexEntry``: ``summary`` and ``status``)."""
    return brief_html([getattr(e, "summary", None) or {} for e in entries if e.status == "ok"])

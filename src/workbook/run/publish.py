"""Publish a finished run into OUT: atomic moves, ``run.json`` and ``index.html``.

Output layout (``OUT`` = ``--out``, default ``reports/<as_of>/``)::

    OUT/index.html                  links every report, headline figures
    OUT/run.json                    run record
    OUT/<report>.html               static page (no code)
    OUT/<report>.pdf                the same page printed by Chromium (only with --pdf)
    OUT/<report>.ipynb              executed notebook
    OUT/<report>/summary.json, *.csv
    OUT/<report>.failed.html/.ipynb only when the last run of <report> failed

A failed report never replaces the last good one; an interrupted run leaves
OUT as it was (nothing is moved until every report has finished).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from workbook.run.execute import ReportResult
    from workbook.run.params import RunPlan

__all__ = ["publish", "read_summary", "render_index", "run_record", "summary_fingerprint"]


def read_summary(folder: Path) -> dict:
    """A report's ``summary.json`` in ``folder``, or ``{}`` when absent or unreadable."""
    path = folder / "summary.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def summary_fingerprint(summary: Mapping) -> str | None:
    """The data fingerprint recorded in a report's summary.json, if any."""
    for key in ("fingerprint", "data_fingerprint"):
        if summary.get(key):
            return str(summary[key])
    quality = summary.get("data_quality")
    if isinstance(quality, Mapping) and quality.get("fingerprint"):
        return str(quality["fingerprint"])
    return None


def public_params(params: Mapping) -> dict:
    """Parameters as shown in run records: without the temporary out_dir."""
    return {k: v for k, v in params.items() if k != "out_dir"}


def _common_fingerprint(results: Sequence[ReportResult]) -> str | None:
    prints = sorted({r.fingerprint for r in results if r.fingerprint})
    return prints[0] if len(prints) == 1 else (", ".join(prints) or None)


def run_record(
    plan: RunPlan,
    results: Sequence[ReportResult],
    *,
    started: str,
    finished: str,
    seconds: float,
    version: str,
) -> dict:
    """The content of ``run.json``: the run's settings and each report's outcome."""
    return {
        "as_of": plan.as_of,
        "data": plan.data or None,
        "load_options": plan.load_options,
        "fingerprint": _common_fingerprint(results),
        "workbook_version": version,
        "started": started,
        "finished": finished,
        "seconds": round(seconds, 2),
        "compare": str(plan.compare) if plan.compare else None,
        "pdf": plan.pdf,
        "reports": {
            r.name: {
                "title": r.title,
                "status": r.status,
                "seconds": round(r.seconds, 2),
                "error": r.error,
                "fingerprint": r.fingerprint,
                "parameters": public_params(r.parameters),
            }
            for r in results
        },
    }


def _replace_path(src: Path, dst: Path, trash: Path) -> None:
    """Move ``src`` onto ``dst``; an existing directory goes to ``trash`` first."""
    if dst.is_dir() and not dst.is_symlink():
        trash.mkdir(parents=True, exist_ok=True)
        os.replace(dst, trash / f"{dst.name}-{os.getpid()}-{time.monotonic_ns()}")
    os.replace(src, dst)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _publish_ok(workdir: Path, out: Path, name: str, trash: Path) -> None:
    _replace_path(workdir / name, out / name, trash)
    os.replace(workdir / f"{name}.ipynb", out / f"{name}.ipynb")
    os.replace(workdir / f"{name}.html", out / f"{name}.html")
    if (workdir / f"{name}.pdf").is_file():
        os.replace(workdir / f"{name}.pdf", out / f"{name}.pdf")
    else:
        (out / f"{name}.pdf").unlink(missing_ok=True)
    for stale in (out / f"{name}.failed.ipynb", out / f"{name}.failed.html"):
        stale.unlink(missing_ok=True)


def publish(workdir: Path, out: Path, results: Sequence[ReportResult], record: dict, plan) -> None:
    """Move finished reports from ``workdir`` into ``out``; rewrite index and run record.

    A successful report replaces ``<r>.html``, ``<r>.ipynb``, ``<r>/`` and
    ``<r>.pdf`` (removed when this run made no PDF, so a PDF always matches
    its HTML) and removes stale ``<r>.failed.*``. A failed report only writes
    ``<r>.failed.ipynb`` and ``<r>.failed.html``; its last good files stay.
    """
    out.mkdir(parents=True, exist_ok=True)
    trash = workdir / "_replaced"
    for r in results:
        if r.status == "ok":
            _publish_ok(workdir, out, r.name, trash)
            continue
        if (workdir / f"{r.name}.ipynb").is_file():
            os.replace(workdir / f"{r.name}.ipynb", out / f"{r.name}.failed.ipynb")
        os.replace(workdir / f"{r.name}.failed.html", out / f"{r.name}.failed.html")
    _write_atomic(out / "run.json", json.dumps(record, indent=2, ensure_ascii=False, default=str))
    _write_atomic(out / "index.html", render_index(out, plan, results, record))


def _status(result: ReportResult | None, html_page: Path, failed_page: Path) -> str:
    if result is not None:
        return "ok" if result.status == "ok" else ("stale" if html_page.exists() else "failed")
    return "ok" if html_page.exists() and not failed_page.exists() else "failed"


def _index_entry(out: Path, name: str, title: str, result: ReportResult | None, compare):
    from workbook.present import html as wbhtml

    html_page = out / f"{name}.html"
    failed_page = out / f"{name}.failed.html"
    summary = read_summary(out / name) if html_page.exists() else {}
    previous = None
    if compare is not None:
        prev = read_summary(compare / name)
        previous = {str(h.get("key")): h for h in prev.get("headline", []) if "key" in h}
    csvs = sorted(p.relative_to(out).as_posix() for p in (out / name).glob("*.csv"))
    has_pdf = html_page.exists() and (out / f"{name}.pdf").exists()
    return wbhtml.IndexEntry(
        name=name,
        title=title,
        status=_status(result, html_page, failed_page),
        html=f"{name}.html" if html_page.exists() else None,
        pdf=f"{name}.pdf" if has_pdf else None,
        notebook=f"{name}.ipynb" if (out / f"{name}.ipynb").exists() else None,
        failed_html=f"{name}.failed.html" if failed_page.exists() else None,
        csvs=csvs if html_page.exists() else [],
        headline=list(summary.get("headline", [])),
        summary=summary,
        previous=previous,
        error=result.error if result is not None else None,
        seconds=result.seconds if result is not None else None,
        fingerprint=summary_fingerprint(summary),
    )


def render_index(out: Path, plan: RunPlan, results: Sequence[ReportResult], record: dict) -> str:
    """Build ``index.html`` from what is in OUT now (see :func:`workbook.present.html.index_html`).

    Lists the reports of this run plus any other report that already has a
    page in OUT (for example from an earlier ``workbook run cohort``).
    """
    from workbook.present import html as wbhtml

    this_run = {r.name: r for r in results}
    specs = {s.name: s for s in plan.available}
    names = [s.name for s in specs.values()]
    names += [r.name for r in results if r.name not in specs]
    entries = []
    for name in names:
        result = this_run.get(name)
        if result is None and not (out / f"{name}.html").exists():
            if not (out / f"{name}.failed.html").exists():
                continue
        title = result.title if result else specs[name].title
        entries.append(_index_entry(out, name, title, result, plan.compare))
    return wbhtml.index_html(
        entries,
        as_of=plan.as_of,
        fingerprint=record.get("fingerprint") or "",
        started=record.get("started", ""),
        version=record.get("workbook_version", ""),
        compare=str(plan.compare) if plan.compare else None,
    )

"""Static HTML for executed reports and the index page.

Report pages are made by nbconvert's :class:`~nbconvert.HTMLExporter` with the
``workbook`` template (``src/workbook/templates/workbook``, extending ``lab``):
no input cells or prompts, no parameters cells, images embedded, an H1 from the
notebook title and a run-record footer. The pages load nothing from the network
(no require.js, MathJax, mermaid or widget manager), so they open offline.

The index page is built here from plain strings; every value that could come
from data or from a user (titles, headline labels, file names, parameters) is
HTML-escaped.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from workbook.core.text import (
    HIGHER_IS_BETTER,
    NEUTRAL,
    NO_CHANGE,
    and_join,
    esc,
    format_change,
    format_value,
    plural,
)
from workbook.present.brief import brief_section, health_line_for

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_NAME = "workbook"

#: Cells with these tags are removed from the HTML (the values are in the run record).
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})
#: Cells with this tag belong to a live kernel only (widget explorers and the
#: text about them); the static page never shows them.
LIVE_ONLY_TAG = "live-only"
#: Tag :func:`prepare_for_html` puts on the cell that opens the method appendix.
APPENDIX_START_TAG = "wb-appendix-start"
#: Output metadata key (``{"workbook": "appendix"}``) of :meth:`Report.appendix`'s marker.
APPENDIX_MARKER = "appendix"
#: Heading and contents line of the collapsed method appendix.
APPENDIX_TITLE = "Method appendix"
APPENDIX_WHAT = (
    "how the figures were made: statistics, model checks, full tables, exclusions, "
    "data quality and the run record"
)
#: Paper of a report's PDF when its notebook metadata names none (``workbook.page``).
DEFAULT_PAGE = "A4 landscape"
#: Printable height of each paper (page height less the 12 mm margins, a few mm
#: spare): a chart is scaled down to it so that it never splits across pages.
PAGE_IMAGE_HEIGHT = {
    "A4 landscape": "180mm",
    "A4 portrait": "265mm",
    "letter landscape": "185mm",
    "letter portrait": "250mm",
}

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# <script src=...>, <link href=...>, <img src=...>, <iframe src=...> pointing at a URL.
_EXTERNAL_RE = re.compile(
    r"<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?\s*"
    r"((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)


def external_references(markup: str) -> list[str]:
    """URLs of external resources a page would load (scripts, styles, images, frames).

    Plain ``<a href>`` links are not resources and are not listed.
    """
    return _EXTERNAL_RE.findall(markup)


@dataclass
class CleanupCounts:
    """What :func:`prepare_for_html` removed from the HTML copy of a notebook."""

    parameter_cells: int = 0
    error_outputs: int = 0
    stderr_outputs: int = 0
    widget_outputs: int = 0
    live_only_cells: int = 0
    appendix: bool = False
    notes: list[str] = field(default_factory=list)


def _is_appendix_marker(out) -> bool:
    meta = out.get("metadata") or {}
    return out.get("output_type") == "display_data" and meta.get("workbook") == APPENDIX_MARKER


#: An inline code span of a markdown cell that names one thing (`` `horizon_days` ``).
_CODE_NAME_RE = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


def notebook_parameters(nb) -> dict[str, object]:
    """The parameter values an executed notebook ran with.

    The literal assignments (``name = value``) of its ``parameters`` cell,
    then those of the ``injected-parameters`` cell papermill added, which win.
    A value that is not a literal is left out.
    """
    values: dict[str, object] = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.cells:
            if cell.cell_type != "code" or tag not in cell.get("metadata", {}).get("tags", []):
                continue
            try:
                body = ast.parse(cell.source).body
            except SyntaxError:
                continue
            for node in body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        try:
                            values[target.id] = ast.literal_eval(node.value)
                        except ValueError:
                            pass
    return values


def parameter_text(value: object) -> str | None:
    """A parameter value as a reader reads it (``1,000``, ``0.1``, ``3, 6 and 12``, ``yes``).

    ``None`` for a value with nothing to show (an empty text or list, a mapping).
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,g}"
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list | tuple) and value:
        parts = [parameter_text(v) for v in value]
        return None if None in parts else and_join(parts)
    return None


#: Parameters of the run's plumbing (paths, options): never shown in their names' place.
RUN_PARAMETERS = frozenset({"data", "out_dir", "load_options", "interactive", "export_raw_csv"})


def with_parameter_values(source: str, values: Mapping[str, object]) -> str:
    """Markdown with each code span that names a parameter replaced by its value.

    `` `horizon_days` `` becomes ``180``: the static page says what the report
    ran with, in the words around it ("won within `horizon_days` days" reads
    "won within 180 days"), where a live notebook shows the setting's name.
    Spans naming no parameter, one of :data:`RUN_PARAMETERS` (a data path is
    never shown), or one whose value has no text (:func:`parameter_text`),
    stay as they are.
    """

    def value(match: re.Match) -> str:
        name = match.group(1)
        shown = name in values and name not in RUN_PARAMETERS
        text = parameter_text(values[name]) if shown else None
        return match.group(0) if text is None else text

    return _CODE_NAME_RE.sub(value, source)


def prepare_for_html(nb, *, title: str, keep_errors: bool) -> tuple[object, CleanupCounts]:
    """Return a cleaned copy of an executed notebook for the HTML page.

    Removes the ``parameters``/``injected-parameters`` cells, cells tagged
    ``live-only`` (widget explorers and the words about them), widget views
    (the static path always renders plain charts and tables), and, unless
    ``keep_errors``, error outputs and stderr streams (they stay in the
    executed ``.ipynb``; the counts go to the run record). A leading markdown
    ``# Heading`` line is dropped because the page header already shows the
    title. Markdown that names a parameter in a code span shows its value
    (:func:`with_parameter_values`). The first cell that showed :meth:`Report.appendix`'s marker is
    tagged ``wb-appendix-start`` (the marker itself is dropped): the template
    puts it and every later cell, and the run record, in one collapsed
    ``<details>``. The input notebook is not modified.
    """
    nb = copy.deepcopy(nb)
    counts = CleanupCounts()
    values = notebook_parameters(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & PARAMETER_TAGS:
            counts.parameter_cells += 1
            continue
        if LIVE_ONLY_TAG in tags:
            counts.live_only_cells += 1
            continue
        if cell.cell_type == "markdown":
            cell.source = with_parameter_values(cell.source, values)
        if cell.cell_type == "code":
            kept = []
            for out in cell.get("outputs", []):
                if _is_appendix_marker(out):
                    if not counts.appendix:
                        counts.appendix = True
                        cell.metadata["tags"] = sorted(tags | {APPENDIX_START_TAG})
                    continue
                if out.get("output_type") == "error" and not keep_errors:
                    counts.error_outputs += 1
                    continue
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    if not keep_errors:
                        counts.stderr_outputs += 1
                        continue
                if _WIDGET_VIEW in out.get("data", {}):
                    counts.widget_outputs += 1
                    continue
                kept.append(out)
            cell.outputs = kept
        cells.append(cell)
    if cells and cells[0].cell_type == "markdown":
        lines = cells[0].source.splitlines()
        if lines and re.match(r"^#\s", lines[0]):
            rest = "\n".join(lines[1:]).strip()
            if rest:
                cells[0].source = rest
            else:
                cells = cells[1:]
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nb.metadata["title"] = title
    return nb, counts


def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def notebook_html(
    nb,
    *,
    title: str,
    as_of: str,
    record: Sequence[tuple[str, object]],
    error: str | None = None,
) -> str:
    """Render an executed notebook as one self-contained HTML page.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (not modified).
    title : str
        Page ``<title>`` and H1.
    as_of : str
        Observation end date shown under the title.
    record : sequence of (label, value)
        The run record shown in the footer; values are shown as text.
    error : str, optional
        For a failed run: the error message, shown in a box at the top; the
        notebook's error outputs (tracebacks) are kept. Without it, error
        outputs and stderr streams are removed from the page.

    Raises
    ------
    ValueError
        If the page would load an external resource (for example a markdown
        image from a URL), which would break offline viewing.
    """
    clean, counts = prepare_for_html(nb, title=title, keep_errors=error is not None)
    rows = [(str(k), _as_text(v)) for k, v in record]
    if counts.stderr_outputs or counts.error_outputs:
        rows.append(
            (
                "Omitted from this page",
                f"{plural(counts.stderr_outputs, 'stderr message')}, "
                f"{plural(counts.error_outputs, 'error output')}; see the executed notebook",
            )
        )
    page = str((nb.metadata.get("workbook") or {}).get("page") or DEFAULT_PAGE)
    if page not in PAGE_IMAGE_HEIGHT:
        raise ValueError(
            f"notebook metadata workbook.page is {page!r}; use one of {sorted(PAGE_IMAGE_HEIGHT)}"
        )
    resources = {
        "workbook": {
            "title": title,
            "as_of": as_of,
            "record": rows,
            "error": error,
            "appendix": counts.appendix,
            "appendix_title": APPENDIX_TITLE,
            "appendix_what": APPENDIX_WHAT,
            "page": page,
            "max_image_height": PAGE_IMAGE_HEIGHT[page],
        }
    }
    markup, _ = _exporter().from_notebook_node(clean, resources=resources)
    found = external_references(markup)
    if found:
        raise ValueError(f"the HTML page would load external resources: {found[:5]}")
    return markup


def error_page(*, title: str, as_of: str, error: str, record: Sequence[tuple[str, object]]) -> str:
    """A minimal standalone page for a report that left no executed notebook."""
    rows = "".join(
        f"<tr><th>{esc(k)}</th><td><code>{esc(_as_text(v))}</code></td></tr>" for k, v in record
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)} (failed)</title>{_INDEX_CSS}</head><body>"
        f'<h1>{esc(title)}</h1><p class="sub">As of {esc(as_of)}</p>'
        '<div class="error" role="alert"><strong>This report failed.</strong> '
        f"The last good version, if any, is unchanged.<pre>{esc(error)}</pre></div>"
        f"<footer><h2>Run record</h2><table>{rows}</table></footer></body></html>\n"
    )


# -- PDF ---------------------------------------------------------------------

#: Executable names tried, in order, by :func:`find_chromium`.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Headless Chromium switches for printing a local file: no sandbox (containers),
#: no GPU, and no first-run, update, sync or background network traffic.
CHROMIUM_PDF_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
CHROMIUM_MISSING = (
    "--pdf needs a Chromium browser (chromium, chromium-browser or google-chrome on PATH); "
    "install Debian's with: apt-get install chromium"
)


def find_chromium() -> str | None:
    """Path of the system Chromium (``chromium``, ``chromium-browser``, ``google-chrome``).

    Looked up on ``PATH`` with :func:`shutil.which`, in that order; ``None``
    when there is none. Nothing is ever downloaded.
    """
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(
    html_path: str | os.PathLike,
    pdf_path: str | os.PathLike,
    *,
    chromium: str,
    timeout: float = 180.0,
) -> Path:
    """Print a self-contained HTML page to PDF with headless Chromium, offline.

    The page is opened as a ``file://`` URL with a throw-away browser profile,
    so parallel reports never share one, and printed with Chromium's
    ``--print-to-pdf`` (no header or footer; page size and margins from the
    page's ``@page`` rule). The report pages embed their images and load
    nothing from the network, so the PDF looks like the HTML, except that
    collapsed ``<details>`` (the method appendix, method notes) are printed
    open: paper cannot be expanded. Chromium prints a copy with them opened
    (:func:`print_copy`, next to the page, removed afterwards).

    Raises
    ------
    RuntimeError
        If Chromium fails, times out or writes no PDF; the message holds the
        end of its error output.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    printed = html_path.with_name(f".{html_path.stem}.print.html")
    printed.write_text(print_copy(html_path.read_text(encoding="utf-8")), encoding="utf-8")
    try:
        return _chromium_print(html_path, printed, pdf_path, chromium=chromium, timeout=timeout)
    finally:
        printed.unlink(missing_ok=True)


_CLOSED_DETAILS_RE = re.compile(r"<details\b(?![^>]*\bopen\b)", re.IGNORECASE)


def print_copy(markup: str) -> str:
    """The page as printed: every ``<details>`` element opened."""
    return _CLOSED_DETAILS_RE.sub("<details open", markup)


def _chromium_print(
    html_path: Path, printed: Path, pdf_path: Path, *, chromium: str, timeout: float
) -> Path:
    with tempfile.TemporaryDirectory(prefix="workbook-chromium-") as profile:
        args = [
            chromium,
            *CHROMIUM_PDF_ARGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            printed.as_uri(),
        ]
        # Own process group: on a timeout the whole browser (renderers too) is stopped.
        proc = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(
                f"Chromium did not print {html_path.name} within {timeout:.0f} s"
            ) from None
    ok = proc.returncode == 0 and pdf_path.is_file()
    if ok:
        with pdf_path.open("rb") as fh:
            ok = fh.read(5) == b"%PDF-"
    if not ok:
        tail = "\n".join((stderr or "").strip().splitlines()[-5:])
        raise RuntimeError(
            f"Chromium could not print {html_path.name} to PDF "
            f"(exit code {proc.returncode}): {tail}"
        )
    return pdf_path


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


# -- index page --------------------------------------------------------------

_INDEX_CSS = """<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",
"Noto Sans CJK SC","Noto Sans CJK KR","Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic",
"Meiryo","Microsoft YaHei","PingFang SC","Malgun Gothic","Apple SD Gothic Neo","Noto Sans Thai",
"Thonburi","Leelawadee UI","Tahoma","Loma","Garuda",sans-serif;
max-width:1360px;margin:0 auto;padding:12px 20px;color:#1f2328}
h1{margin:4px 0 2px}.sub{color:#57606a;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;background:#fff}
.card h2{font-size:1.05em;margin:0 0 4px}
.status{display:inline-block;font-size:.8em;font-weight:600;padding:1px 8px;border-radius:10px}
.status.ok{background:#dafbe1;color:#116329}.status.failed{background:#ffebe9;color:#a40e26}
.status.stale{background:#fff8c5;color:#7d4e00}
.status.na,.status.not-run{background:#eaeef2;color:#57606a}.na{color:#57606a}
.note{border-left:3px solid #bf8700;padding-left:8px;font-size:.9em}
.heads{list-style:none;padding:0;margin:6px 0;font-size:.92em}
.heads li{display:grid;grid-template-columns:1fr auto;gap:0 8px;align-items:start;
border-bottom:1px dotted #d0d7de;padding:3px 0}
.heads .num{display:flex;flex-direction:column;align-items:flex-end;text-align:right;
max-width:11em}.heads .v{font-weight:600;color:#0b3d91}
.delta{font-size:.85em;color:#57606a;white-space:nowrap}
.delta.good{color:#116329}.delta.bad{color:#a40e26}
.links{margin-top:6px;display:flex;flex-wrap:wrap;gap:4px 12px;align-items:baseline}
.links a{font-weight:600}
.files{font-size:.85em;color:#57606a}.meta{font-size:.8em;color:#57606a;margin-left:6px}
details.files summary{cursor:pointer}
details.files a{display:inline-block;margin-right:10px}
.runline{display:flex;flex-wrap:wrap;gap:4px 18px;color:#57606a;margin:0 0 10px}
.runline b{color:#1f2328}
.health{margin:18px 0 0;padding:8px 12px;border:1px solid #d0d7de;border-radius:8px;
color:#57606a}.health details.files{display:inline;margin-left:10px}
.error{border:2px solid #D55E00;background:#fbeae5;padding:10px 14px;border-radius:6px}
.error pre{white-space:pre-wrap}
footer{margin-top:28px;font-size:.85em;color:#57606a;border-top:1px solid #d0d7de}
footer table{border-collapse:collapse}footer th,footer td{text-align:left;padding:2px 12px 2px 0}
</style>"""

#: The report shown as the health line at the foot of the index instead of as a card.
HEALTH_REPORT = "data_quality"

#: How a change reads for the business: colour class on the index, and its words (the tooltip).
TONES = {
    "good": "better for the business",
    "bad": "worse for the business",
    "neutral": "neither good nor bad in itself",
    "same": "",
}


@dataclass
class IndexEntry:
    """One card on the index page.

    ``status`` is ``ok``, ``failed``, ``stale`` (a failed run whose last
    good report is still in OUT), ``n/a`` (the export lacks a table the
    report needs; ``error`` gives the reason) or ``not run`` (the run
    stopped on a data error first). ``notes`` are shown under the status,
    for example that the report's cut points differ from the compared run.
    Paths are relative to OUT. ``summary`` is the
    report's ``summary.json`` (its ``findings`` feed the brief, :mod:`workbook.present.brief`).
    ``headline`` holds its cards (:meth:`workbook.core.text.Card.to_dict`);
    ``previous`` the compared run's, by key (``None``: nothing to compare).
    ``fingerprint`` is kept for the run record; the index never shows it.
    """

    name: str
    title: str
    status: str
    html: str | None = None
    pdf: str | None = None
    notebook: str | None = None
    failed_html: str | None = None
    csvs: list[str] = field(default_factory=list)
    headline: list[dict] = field(default_factory=list)
    previous: dict[str, dict] | None = None
    error: str | None = None
    seconds: float | None = None
    fingerprint: str | None = None
    notes: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def index_kpis(headline: Sequence[Mapping]) -> list[Mapping]:
    """The KPIs a report shows on the index: its cards marked ``on_index``.

    A summary written before cards carried ``on_index`` (no card has the
    key) shows all its cards.
    """
    if any("on_index" in h for h in headline):
        return [h for h in headline if h.get("on_index")]
    return list(headline)


@dataclass(frozen=True)
class Delta:
    """A KPI's change since the compared run: ``text`` (``"▲ +$3,623"``) and ``tone``.

    ``tone`` is ``good`` or ``bad`` (the change helps or hurts the business,
    by the KPI's declared direction), ``neutral`` (a KPI without a
    direction, or a change of subject) or ``same`` (no change).
    """

    text: str
    tone: str


def headline_delta(current: Mapping, previous: Mapping | None) -> Delta | None:
    """The change of one KPI against the compared run, formatted like the KPI.

    ``current`` and ``previous`` are ``headline`` entries of ``summary.json``
    (:meth:`workbook.core.text.Card.to_dict`). The text is
    :func:`workbook.core.text.format_change` in the KPI's own ``fmt``
    (money as money, shares in points, counts as integers) after an arrow
    for the movement; a change that shows as zero reads ``no change``. When
    the KPI names a subject that changed (the largest customer is another
    family), the text says what it was (``was Harbor Holdings: $1.9M``) and
    the tone is neutral. Returns ``None`` when there is nothing to compare
    (no previous value, or a missing one).
    """
    if previous is None:
        return None
    now, before = current.get("value"), previous.get("value")
    fmt = str(current.get("fmt") or _fmt_from_display(current.get("display")))
    if current.get("subject") and previous.get("subject") not in (None, current.get("subject")):
        shown = previous.get("display") or format_value(before, fmt)
        return Delta(f"was {shown}", "neutral")
    text = format_change(now, before, fmt)
    if text is None:
        return None
    if text == NO_CHANGE:
        return Delta(text, "same")
    if text.startswith("was "):
        return Delta(text, "neutral")
    rise = float(now) > float(before)
    direction = current.get("direction") or NEUTRAL
    if direction == NEUTRAL:
        tone = "neutral"
    else:
        tone = "good" if rise == (direction == HIGHER_IS_BETTER) else "bad"
    return Delta(f"{'▲' if rise else '▼'} {text}", tone)


def _fmt_from_display(display: object) -> str:
    """A format for a card written without ``fmt`` (older summaries), guessed from its text."""
    text = str(display or "").strip()
    if text.endswith("%"):
        return "{:.1%}"
    if text.startswith("$"):
        return "${:,.0f}"
    return "{:,}"


#: An absolute file path (POSIX or Windows) inside a message: the index shows its file name only.
_PATH_RE = re.compile(r"(?<![\w.])(?:[A-Za-z]:[\\/]|/)(?:[^\s/\\'\"<>():]+[/\\])+")


def without_paths(text: str) -> str:
    """``text`` with every absolute path cut to its last part (``/tmp/x/a.csv`` -> ``a.csv``)."""
    return _PATH_RE.sub("", text)


def _kpi_items(e: IndexEntry) -> str:
    items = []
    for h in index_kpis(e.headline):
        prev = (e.previous or {}).get(str(h.get("key")))
        delta = headline_delta(h, prev) if e.previous is not None else None
        delta_html = ""
        if delta:
            words = TONES.get(delta.tone, "")
            tip = f' title="{esc(words)}"' if words else ""
            delta_html = f'<span class="delta {esc(delta.tone)}"{tip}>{esc(delta.text)}</span>'
        items.append(
            f'<li><span class="k">{esc(h.get("label", h.get("key")))}</span>'
            f'<span class="num"><span class="v">{esc(h.get("display", h.get("value")))}</span>'
            f"{delta_html}</span></li>"
        )
    return "".join(items)


#: How a report whose tables the export lacks (status ``n/a``) reads on the index.
NOT_APPLICABLE = "not applicable"

_STATUS_LABELS = {
    "ok": "ok",
    "failed": "failed",
    "stale": "failed (last good kept)",
    "n/a": NOT_APPLICABLE,
}


def _status_badge(e: IndexEntry) -> str:
    label = _STATUS_LABELS.get(e.status, e.status)
    if e.status == "not run":
        label = "not run (last good kept)" if e.html else "not run"
    css = e.status.replace("/", "").replace(" ", "-")
    return f'<span class="status {esc(css)}">{esc(label)}</span>'


def _problems(e: IndexEntry) -> str:
    if e.status == "n/a":
        out = f'<p class="na">{esc(without_paths(e.error))}</p>' if e.error else ""
    else:
        out = f'<div class="error"><pre>{esc(without_paths(e.error))}</pre></div>' if e.error else ""
    return out + "".join(f'<p class="note">{esc(without_paths(n))}</p>' for n in e.notes)


def _csv_files(e: IndexEntry) -> str:
    if not e.csvs:
        return ""
    anchors = " ".join(f'<a href="{esc(_href(c))}">{esc(Path(c).name)}</a>' for c in e.csvs)
    return (
        f'<details class="files"><summary>{len(e.csvs)} CSV export'
        f"{'s' if len(e.csvs) != 1 else ''}</summary>{anchors}</details>"
    )


def _card(e: IndexEntry) -> str:
    links = []
    if e.html:
        links.append(f'<a href="{esc(_href(e.html))}">Report (HTML)</a>')
    if e.pdf:
        links.append(f'<a href="{esc(_href(e.pdf))}">PDF</a>')
    if e.notebook:
        links.append(f'<a href="{esc(_href(e.notebook))}">Notebook</a>')
    if e.failed_html:
        links.append(f'<a href="{esc(_href(e.failed_html))}">Error page</a>')
    meta = f'<span class="meta">ran in {e.seconds:.1f} s</span>' if e.seconds is not None else ""
    return (
        f'<section class="card" id="{esc(e.name)}"><h2>{esc(e.title)}</h2>'
        f"{_status_badge(e)}{meta}{_problems(e)}"
        f'<ul class="heads">{_kpi_items(e)}</ul>'
        f'<div class="links">{"".join(links)}{_csv_files(e)}</div></section>'
    )


def _health(entries: Sequence[IndexEntry]) -> str:
    """The data-quality line at the foot of the index (its report's link, status and CSVs)."""
    dq = next((e for e in entries if e.name == HEALTH_REPORT), None)
    line = esc(health_line_for(entries))
    if dq is None:
        return f'<p class="health" id="{HEALTH_REPORT}">Data quality: {line}</p>'
    name = f'<a href="{esc(_href(dq.html))}">Data quality</a>' if dq.html else "Data quality"
    badge = "" if dq.status == "ok" else f" {_status_badge(dq)}"
    failed = f' <a href="{esc(_href(dq.failed_html))}">Error page</a>' if dq.failed_html else ""
    return (
        f'<div class="health" id="{esc(dq.name)}">{name}: {line}{badge}{failed}'
        f"{_csv_files(dq)}{_problems(dq)}</div>"
    )


def index_html(
    entries: Iterable[IndexEntry],
    *,
    as_of: str,
    started: str,
    version: str,
    fingerprint: str = "",
    baseline: str | None = None,
    banner: str | None = None,
) -> str:
    """The self-contained ``OUT/index.html``: the brief, one card per report, the health line.

    From the top: the run line (data date, run time, report statuses, and
    what the changes are against: ``baseline``, plain words such as "the
    run of 2026-05-31"; ``None`` for a first run, which shows no change),
    ``banner`` (an error box: a run stopped by a data error), the executive
    brief (:mod:`workbook.present.brief`), one card per report with its
    3-4 KPIs (:func:`index_kpis`), each with its change coloured good or bad
    by the KPI's direction (:func:`headline_delta`), and the links to the
    HTML page, PDF, notebook and CSV exports; failed and n/a reports keep
    their card with the reason. Data quality comes last, as one health line
    (:func:`workbook.present.brief.health_line`). The page shows no data
    fingerprint and no local path (``fingerprint`` is accepted for callers
    and ignored: it is in ``run.json``). Everything is escaped; nothing is
    loaded from the network.
    """
    del fingerprint  # in run.json, never on the page
    entries = list(entries)
    cards = [_card(e) for e in entries if e.name != HEALTH_REPORT]
    footer_rows = [
        ("Data as of", as_of),
        ("Run started", _run_time(started)),
        ("workbook version", version),
    ]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in footer_rows)
    rows += (
        '<tr><th>Run record</th><td><a href="run.json">run.json</a> (settings, data '
        "fingerprints, every report's outcome)</td></tr>"
    )
    counts = {
        s: sum(e.status == s for e in entries) for s in ("ok", "failed", "stale", "n/a", "not run")
    }
    status_text = f"{counts['ok']} ok"
    if counts["failed"] or counts["stale"]:
        status_text += f", {counts['failed'] + counts['stale']} failed"
    if counts["n/a"]:
        status_text += f", {counts['n/a']} {NOT_APPLICABLE}"
    if counts["not run"]:
        status_text += f", {counts['not run']} not run"
    runline = [("Data as of", as_of), ("Run", _run_time(started)), ("Reports", status_text)]
    runline.append(("Changes since", baseline or "none yet: first run here"))
    line = "".join(f"<span>{esc(k)} <b>{esc(v)}</b></span>" for k, v in runline)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>Workbook reports, as of {esc(as_of)}</title>{_INDEX_CSS}</head><body>"
        f'<h1>Workbook reports</h1><p class="runline">{line}</p>'
        + (f'<div class="error"><pre>{esc(without_paths(banner))}</pre></div>' if banner else "")
        + f"{brief_section(entries)}"
        + f'<div class="cards">{"".join(cards)}</div>'
        + _health(entries)
        + f"<footer><h2>Run</h2><table>{rows}</table></footer></body></html>\n"
    )


def _run_time(started: str) -> str:
    """``2026-11-23T22:37:19+00:00`` as ``2026-11-23 22:37 UTC`` (other text unchanged)."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(started)
    except (TypeError, ValueError):
        return started or "–"
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _href(path: str) -> str:
    """A relative URL for a path under OUT (percent-encodes unsafe characters)."""
    from urllib.parse import quote

    return quote(Path(path).as_posix())


def read_notebook(path: Path):
    """Read a notebook file as the current nbformat version."""
    return nbformat.read(str(path), as_version=4)

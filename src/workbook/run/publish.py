"""Publish a finished run into OUT as one unit: a fresh run folder and one pointer rename.

Layout (``OUT`` = ``--out``)::

    OUT/.workbook/lock                  held by the run writing OUT (see workbook.run.lock)
    OUT/.workbook/current -> runs/<id>  the published run: the one pointer
    OUT/.workbook/runs/<id>/            a complete run: index.html, run.json, <r>.html ...
    OUT/.workbook/tmp-<pid>-<rand>/     a run in progress (work/, snapshot/, run/)
    OUT/index.html  -> .workbook/current/index.html
    OUT/run.json    -> .workbook/current/run.json
    OUT/<r>.html    -> .workbook/current/<r>.html    (.ipynb, .pdf, .failed.html, .failed.ipynb)
    OUT/<r>/<file>  -> ../.workbook/current/<r>/<file>  (OUT/<r>/ is a real folder)

The paths users open never move; each is a relative symlink through
``current``. Publishing (:func:`publish`) is, in order, with a hook call
before each step so that tests can kill the process there:

1. ``stage``: build the new run folder inside the run's temporary folder:
   the previous run's files (hard links, so nothing is copied), minus what
   this run replaces, plus this run's reports, ``run.json`` (with the
   manifest) and ``index.html``;
2. ``links``: create the user-path symlinks the new run adds (they dangle,
   i.e. are absent, until the switch: the old run had no such file);
3. ``move``: rename the staged folder to ``.workbook/runs/<id>``;
4. ``switch``: point ``current`` at it with one :func:`os.replace` of a
   fresh symlink: before this the whole old run is visible, after it the
   whole new one;
5. ``prune``: remove the links the new run no longer has and older run folders.

A kill before ``switch`` leaves the old run; after it, the new one (a kill
during ``prune`` can leave a dangling link, which reads as absent and which
the next run removes). Workbook only ever replaces or deletes the paths
listed in the manifest (``run.json`` ``manifest``) of the run it replaces.
Any other file is foreign: it stays where it is, and one in a path workbook
needs stops the run (:class:`ForeignFileError`, exit 2) unless ``force``.
An output folder from before the manifest is adopted by name
(:func:`adopt_legacy`).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core.engine_url import engine_label, redact_url

if TYPE_CHECKING:  # pragma: no cover
    from workbook.run.execute import ReportResult
    from workbook.run.params import RunPlan

__all__ = [
    "PUBLISH_STEPS",
    "Baseline",
    "STATE_DIR",
    "ForeignFileError",
    "PublishError",
    "adopt_legacy",
    "check_needed",
    "current_run",
    "find_baseline",
    "legacy_names",
    "needs_adoption",
    "public_params",
    "publish",
    "read_manifest",
    "read_run_record",
    "read_summary",
    "render_index",
    "run_record",
    "summary_fingerprint",
]

#: workbook's own folder inside OUT.
STATE_DIR = ".workbook"
#: The steps of :func:`publish`, in order; the hook is called with each before it runs.
PUBLISH_STEPS = ("stage", "links", "move", "switch", "prune")
#: File name suffixes of a report's top-level files in OUT.
REPORT_SUFFIXES = (".html", ".ipynb", ".pdf", ".failed.html", ".failed.ipynb")

Hook = Callable[[str], None]


class ForeignFileError(Exception):
    """A file workbook did not write sits where workbook must write (exit 2 unless --force)."""

    def __init__(self, paths: Sequence[Path]):
        self.paths = list(paths)
        shown = ", ".join(str(p) for p in self.paths[:5])
        more = f" and {len(self.paths) - 5} more" if len(self.paths) > 5 else ""
        super().__init__(
            f"{shown}{more}: not written by workbook (not in the run manifest) but in a path "
            "the run needs; move it away, or pass --force to replace it"
        )


class PublishError(Exception):
    """The run could not be published (disk full, read-only folder ...); OUT is as it was."""


# -- summaries and the run record ------------------------------------------------


def read_summary(folder: Path) -> dict:
    """A report's ``summary.json`` in ``folder``, or ``{}`` when absent or unreadable."""
    path = folder / "summary.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_run_record(folder: Path) -> dict | None:
    """The ``run.json`` in ``folder`` (a published run), or ``None`` when absent or unreadable."""
    try:
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


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
    """Parameters as shown in run records: without the temporary out_dir, passwords hidden.

    ``data`` and ``load_options.sql_url`` may be database URLs
    (:func:`workbook.core.engine_url.redact_url`).
    """
    shown = {k: v for k, v in params.items() if k != "out_dir"}
    if isinstance(shown.get("data"), str):
        shown["data"] = redact_url(shown["data"])
    if isinstance(shown.get("load_options"), Mapping):
        shown["load_options"] = public_load_options(shown["load_options"])
    return shown


def public_load_options(options: Mapping) -> dict:
    """``load_options`` as recorded (run.json, report pages): ``sql_url``'s password hidden."""
    shown = dict(options)
    if isinstance(shown.get("sql_url"), str):
        shown["sql_url"] = redact_url(shown["sql_url"])
    return shown


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
    data_error: str | None = None,
) -> dict:
    """The content of ``run.json``: the run's settings and each report's outcome.

    :func:`publish` adds ``manifest`` (every path under OUT this run owns) and ``run_id``.
    """
    return {
        "as_of": plan.as_of,
        "data": redact_url(plan.data) if plan.data else None,
        "load_options": public_load_options(plan.load_options),
        "engine": engine_label(plan.engine),
        "fingerprint": _common_fingerprint(results),
        "workbook_version": version,
        "started": started,
        "finished": finished,
        "seconds": round(seconds, 2),
        "compare": str(plan.compare) if plan.compare else None,
        "pdf": plan.pdf,
        "data_error": data_error,
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


# -- the published run and its manifest ------------------------------------------


def current_run(out: Path) -> Path | None:
    """The folder of the published run (``OUT/.workbook/current``), or ``None``."""
    pointer = out / STATE_DIR / "current"
    if not pointer.is_symlink():
        return None
    target = pointer.resolve()
    return target if target.is_dir() else None


def read_manifest(out: Path) -> list[str] | None:
    """Paths (relative to OUT, POSIX) the published run owns; ``None`` before any manifest."""
    run = current_run(out)
    if run is None:
        return None
    for name in ("legacy.json", "run.json"):  # an adopted folder's run.json has none
        try:
            return list(json.loads((run / name).read_text(encoding="utf-8"))["manifest"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def _files(root: Path) -> list[str]:
    """Every file under ``root`` as a relative POSIX path, sorted."""
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _link_target(rel: str) -> str:
    """The relative symlink text for the user path ``rel`` (``a.html`` or ``r/x.csv``)."""
    depth = rel.count("/")
    return "../" * depth + f"{STATE_DIR}/current/{rel}"


def _is_our_link(path: Path, rel: str) -> bool:
    return path.is_symlink() and os.readlink(path) == _link_target(rel)


def legacy_names(reports: Iterable[str], export_names: Mapping[str, Iterable[str]]) -> set[str]:
    """Paths workbook wrote before the manifest existed (relative to OUT).

    The known reports' ``.html``, ``.failed.html``, ``.ipynb`` (and
    ``.failed.ipynb``, ``.pdf``), ``index.html``, ``run.json`` and, inside a
    report's export folder, only the files with that report's export names.
    """
    names = {"index.html", "run.json"}
    for r in reports:
        names |= {f"{r}{suffix}" for suffix in REPORT_SUFFIXES}
        names |= {f"{r}/{f}" for f in export_names.get(r, ())}
    return names


def needs_adoption(out: Path) -> bool:
    """True when ``out`` holds files but no published run: a folder from before the manifest.

    Only then does :func:`adopt_legacy` have anything to do (the runner names
    the export files, which imports every report's ``Results``, only then).
    """
    return (
        out.is_dir()
        and current_run(out) is None
        and any(p.name != STATE_DIR for p in out.iterdir())
    )


def adopt_legacy(out: Path, legacy: set[str], *, hook: Hook = lambda step: None) -> list[str]:
    """Turn an output folder from before the manifest into a published run, by name.

    The files whose names are in ``legacy`` are hard-linked into a run folder
    ``runs/legacy-<time>``, ``current`` is pointed at it, and each file is
    then replaced by its symlink (same content at every moment). Everything
    else in OUT is foreign and is not touched. Returns the adopted paths.
    """
    if not needs_adoption(out):
        return []
    adopted = [
        rel for rel in sorted(legacy) if (out / rel).is_file() and not (out / rel).is_symlink()
    ]
    if not adopted:
        return []
    state = out / STATE_DIR
    run = state / "runs" / f"legacy-{time.strftime('%Y%m%dT%H%M%S')}"
    for rel in adopted:
        (run / rel).parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(out / rel, run / rel)
    record = {"legacy": True, "manifest": adopted, "reports": {}}
    (run / "legacy.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    _point(state, run)
    for rel in adopted:
        hook(f"adopt:{rel}")
        _symlink_over(out / rel, _link_target(rel))
    return adopted


def check_needed(out: Path, paths: Iterable[str], *, force: bool) -> list[Path]:
    """Foreign files in the paths this run needs; raise unless ``force`` (then return them).

    ``paths`` are relative to OUT. A path is fine when absent or when it is
    the symlink workbook made (listed in the manifest); a report's export
    folder must be a real folder. Anything else was not written by workbook.
    """
    foreign = []
    for rel in paths:
        path = out / rel
        if "/" in rel:
            folder = path.parent
            if folder.exists() and (folder.is_symlink() or not folder.is_dir()):
                foreign.append(folder)
                continue
        if not (path.exists() or path.is_symlink()):
            continue
        if _is_our_link(path, rel):  # ours, published or left by a killed run
            continue
        foreign.append(path)
    foreign = sorted(set(foreign))
    if foreign and not force:
        raise ForeignFileError(foreign)
    return foreign


# -- the run the index compares against -----------------------------------------

#: A dated output folder (``reports/<as_of>/``, or ``<as_of>+<hash>`` for an ad-hoc run).
_DATED_OUT = re.compile(r"^\d{4}-\d{2}-\d{2}(\+[0-9a-f]{6})?$")
#: The plain dated folder of a scheduled run: the only siblings compared against.
_PLAIN_DATED_OUT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Baseline:
    """The earlier run whose ``<report>/summary.json`` the index compares each KPI with.

    Attributes
    ----------
    folder : Path
        Where its report folders are (a run folder, or a ``--compare`` OUT).
    out : Path
        The output folder it was published in (what ``run.json`` records:
        run folders are pruned by the next run).
    how : str
        ``"--compare"`` (given), ``"previous run"`` (the run this one replaces
        in OUT) or ``"previous dated folder"`` (``reports/<earlier as_of>/``).
    as_of, started : str or None
        From its ``run.json``, when it has one.
    """

    folder: Path
    out: Path
    how: str
    as_of: str | None = None
    started: str | None = None

    @property
    def replaced(self) -> bool:
        """True when it is the run this one replaces in OUT (reports not re-run equal it)."""
        return self.how == "previous run"

    def label(self) -> str:
        """Plain words for the index: ``"the run of 2026-05-31 data (2026-06-01 06:00 UTC)"``."""
        from workbook.present.html import _run_time

        if self.as_of and self.started:
            return f"the run of {self.as_of} data ({_run_time(self.started)})"
        if self.as_of:
            return f"the run of {self.as_of} data"
        return "the previous run" if self.replaced else "the compared run"

    def to_record(self) -> dict:
        """The ``run.json`` form (``compared_with``): its OUT, run id, how it was chosen, dates."""
        return {
            "out": str(self.out),
            "run_id": self.folder.name if self.folder != self.out else None,
            "how": self.how,
            "as_of": self.as_of,
            "started": self.started,
        }


def _run_dates(folder: Path) -> tuple[str | None, str | None]:
    """``(as_of, started)`` of the run whose ``run.json`` is in ``folder`` (``None`` when absent)."""
    record = read_run_record(folder)
    if record is None:
        return None, None
    as_of, started = record.get("as_of"), record.get("started")
    return (str(as_of) if as_of else None), (str(started) if started else None)


def find_baseline(out: Path, *, as_of: str, compare: Path | None = None) -> Baseline | None:
    """The run the index of a new run into ``out`` (data as of ``as_of``) compares against.

    1. ``compare`` (``--compare PREV_OUT``) when given;
    2. else the latest published run with an earlier ``as_of`` among the run
       published in ``out`` and, when ``out`` is a dated folder
       (``reports/<as_of>/`` or ``<as_of>+<hash>``), the plain dated folders
       beside it (``reports/2026-05-31/``): so the monthly run into a new
       dated folder compares with last month's, and a re-run into the same
       folder keeps that comparison;
    3. else the run published in ``out`` (same or unknown ``as_of``: a
       re-run shows what changed since it);
    4. else ``None``: the first run shows no change.

    Ties in ``as_of`` go to the later ``started``.
    """
    if compare is not None:
        run = current_run(compare)
        folder = run if run is not None else compare
        return Baseline(folder, compare, "--compare", *_run_dates(folder))
    candidates = []
    previous = current_run(out)
    if previous is not None:
        candidates.append(Baseline(previous, out, "previous run", *_run_dates(previous)))
    if _DATED_OUT.match(out.name) and out.parent.is_dir():
        for sibling in sorted(out.parent.iterdir()):
            if sibling == out or not _PLAIN_DATED_OUT.match(sibling.name):
                continue
            run = current_run(sibling)
            if run is not None:
                candidates.append(
                    Baseline(run, sibling, "previous dated folder", *_run_dates(run))
                )
    earlier = [b for b in candidates if b.as_of and b.as_of < as_of]
    if earlier:
        return max(earlier, key=lambda b: (b.as_of, b.started or "", not b.replaced))
    if previous is not None:
        return candidates[0]
    return None


# -- file operations -----------------------------------------------------------------


def _link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link ``src`` at ``dst`` (copy where the file system has no hard links)."""
    try:
        os.link(src, dst, follow_symlinks=True)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):
            raise
        shutil.copy2(src, dst)


def _symlink_over(path: Path, target: str) -> None:
    """Make ``path`` a symlink to ``target`` with one rename (replacing a file atomically)."""
    tmp = path.with_name(f".{path.name}.wbtmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _point(state: Path, run: Path) -> None:
    """Switch ``state/current`` to ``run`` in one rename."""
    _symlink_over(state / "current", os.path.relpath(run, state))


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _report_paths(name: str, files: Iterable[str]) -> list[str]:
    """The paths in ``files`` that belong to report ``name``."""
    own = {f"{name}{s}" for s in REPORT_SUFFIXES}
    return [f for f in files if f in own or f.startswith(f"{name}/")]


# -- staging -----------------------------------------------------------------------


def _stage(
    workdir: Path, previous: Path | None, stage: Path, results: Sequence[ReportResult]
) -> None:
    """The new run folder: the previous run's files, then this run's reports over them."""
    stage.mkdir(parents=True)
    prev_files = _files(previous) if previous is not None else []
    replaced = set()
    for r in results:
        if r.status == "ok":
            replaced |= set(_report_paths(r.name, prev_files))
        elif r.status == "failed":
            replaced |= {f"{r.name}.failed.html", f"{r.name}.failed.ipynb"}
    own = ("index.html", "run.json", "legacy.json")  # rewritten for every run
    carried = [f for f in prev_files if f not in replaced and f not in own]
    for rel in carried:
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(previous / rel, stage / rel)
    for r in results:
        name = r.name
        if r.status == "ok":
            os.replace(workdir / name, stage / name)
            os.replace(workdir / f"{name}.ipynb", stage / f"{name}.ipynb")
            os.replace(workdir / f"{name}.html", stage / f"{name}.html")
            if (workdir / f"{name}.pdf").is_file():
                os.replace(workdir / f"{name}.pdf", stage / f"{name}.pdf")
        elif r.status == "failed":
            if (workdir / f"{name}.ipynb").is_file():
                os.replace(workdir / f"{name}.ipynb", stage / f"{name}.failed.ipynb")
            os.replace(workdir / f"{name}.failed.html", stage / f"{name}.failed.html")


def publish(
    workdir: Path,
    out: Path,
    results: Sequence[ReportResult],
    record: dict,
    plan,
    *,
    tmp: Path | None = None,
    force: bool = False,
    hook: Hook = lambda step: None,
) -> Path:
    """Publish the finished reports in ``workdir`` as OUT's new run; return its folder.

    A successful report replaces all of its previous files (``<r>.html``,
    ``.ipynb``, ``<r>/``, and ``<r>.pdf``, gone when this run made none, so a
    PDF always matches its HTML; and any ``<r>.failed.*``). A failed report
    keeps its last good files and gets this run's ``<r>.failed.html`` and
    ``.failed.ipynb``. Reports not run this time (or not applicable) keep
    what they had. The steps and their guarantees are in the module
    docstring; ``hook(step)`` is called before each of :data:`PUBLISH_STEPS`.

    Raises
    ------
    ForeignFileError
        A file workbook did not write in a path the new run needs (unless ``force``).
    OSError
        From the file system (disk full, read-only folder); OUT is then as it was.
    """
    state = out / STATE_DIR
    tmp = tmp if tmp is not None else workdir.parent
    previous = current_run(out)
    baseline = find_baseline(out, as_of=str(plan.as_of), compare=plan.compare)
    old_manifest = read_manifest(out) or []
    run_id = f"{record.get('started', '')}-{tmp.name}".replace(":", "")
    stage = tmp / "run"

    hook("stage")
    _stage(workdir, previous, stage, results)
    manifest = _files(stage)
    manifest = sorted(set(manifest) | {"index.html", "run.json"})
    replaced_foreign = check_needed(out, manifest, force=force)
    compared = baseline.to_record() if baseline is not None else None
    record = {**record, "run_id": run_id, "manifest": manifest, "compared_with": compared}
    _write_atomic(stage / "run.json", json.dumps(record, indent=2, ensure_ascii=False, default=str))
    index = render_index(stage, plan, results, record, baseline=baseline)
    _write_atomic(stage / "index.html", index)

    hook("links")
    created = []
    try:
        for rel in manifest:
            path = out / rel
            if _is_our_link(path, rel):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if path in replaced_foreign:
                _remove(path)
            _symlink_over(path, _link_target(rel))
            created.append(path)
    except BaseException:
        for path in created:  # links the old run did not have: back out
            if path.is_symlink():
                path.unlink()
        raise

    hook("move")
    runs = state / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    final = runs / run_id
    os.replace(stage, final)

    hook("switch")
    _point(state, final)

    hook("prune")
    _prune(out, old_manifest, manifest, keep=final)
    return final


def _prune(out: Path, old: Iterable[str], new: Iterable[str], *, keep: Path) -> None:
    """Remove workbook's links the new run lacks, emptied export folders, older run folders.

    A link is workbook's when it is one of the old manifest's paths or when
    it has exactly the target workbook writes (a link left by a killed run);
    anything else is never touched.
    """
    new = set(new)
    candidates = set(old)
    for entry in out.iterdir():
        if entry.name == STATE_DIR:
            continue
        if entry.is_symlink():
            candidates.add(entry.name)
        elif entry.is_dir():
            candidates |= {f"{entry.name}/{p.name}" for p in entry.iterdir() if p.is_symlink()}
    for rel in sorted(candidates - new):
        path = out / rel
        if _is_our_link(path, rel):
            path.unlink()
            folder = path.parent
            if folder != out and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    for run in (out / STATE_DIR / "runs").iterdir():
        if run != keep:
            shutil.rmtree(run, ignore_errors=True)


# -- the index page ------------------------------------------------------------------


def _status(result: ReportResult | None, html_page: Path, failed_page: Path) -> str:
    if result is not None:
        if result.status in ("n/a", "not run"):
            return result.status
        return "ok" if result.status == "ok" else ("stale" if html_page.exists() else "failed")
    return "ok" if html_page.exists() and not failed_page.exists() else "failed"


def _cut_points_note(summary: Mapping, prev: Mapping, baseline: Baseline) -> str | None:
    """A note when the report's ``cut_points`` differ from the compared run's."""
    if "cut_points" not in summary or "cut_points" not in prev:
        return None
    now, then = summary["cut_points"], prev["cut_points"]
    if now == then:
        return None
    show = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)  # noqa: E731
    return (
        f"Cut points differ from {baseline.label()}: now {show(now)}, then {show(then)}; "
        "changes in level counts partly reflect the new cut points"
    )


def _index_entry(
    out: Path, name: str, title: str, result: ReportResult | None, baseline: Baseline | None
):
    from workbook.present import html as wbhtml

    html_page = out / f"{name}.html"
    failed_page = out / f"{name}.failed.html"
    summary = read_summary(out / name) if html_page.exists() else {}
    previous, notes = None, []
    # Against the run this one replaces, a report not re-run would be compared with itself.
    fresh = result is not None and result.status == "ok"
    if baseline is not None and (fresh or not baseline.replaced):
        prev = read_summary(baseline.folder / name)
        if prev:
            previous = {str(h.get("key")): h for h in prev.get("headline", []) if "key" in h}
        note = _cut_points_note(summary, prev, baseline)
        if note:
            notes.append(note)
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
        seconds=result.seconds if result is not None and result.status != "n/a" else None,
        fingerprint=summary_fingerprint(summary),
        notes=notes,
    )


def render_index(
    out: Path,
    plan: RunPlan,
    results: Sequence[ReportResult],
    record: dict,
    *,
    baseline: Baseline | None = None,
) -> str:
    """Build ``index.html`` from the run folder ``out`` (see :func:`workbook.present.html.index_html`).

    Lists the reports of this run plus any other report that already has a
    page (for example from an earlier ``workbook run cohort``). Each KPI
    shows its change against ``baseline`` (:func:`find_baseline`); when that
    is the run this one replaces, only the reports run now are compared.
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
        entries.append(_index_entry(out, name, title, result, baseline))
    banner = None
    if record.get("data_error"):
        banner = (
            "This run stopped on a data error before any report ran; the reports below are "
            "the last good ones. " + str(record["data_error"])
        )
    return wbhtml.index_html(
        entries,
        as_of=plan.as_of,
        started=record.get("started", ""),
        version=record.get("workbook_version", ""),
        baseline=baseline.label() if baseline is not None else None,
        banner=banner,
    )

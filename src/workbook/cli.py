"""The ``workbook`` command line: a thin layer over :mod:`workbook.run`.

Commands: ``run``, ``list``, ``validate`` and ``sample``; see ``docs/running.md``.
Exit codes: 0 success, 1 a report failed or the output could not be written,
2 usage, parameter or data error, 75 another run holds the output folder,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from workbook import run as runner
from workbook.core.engine_url import data_label, engine_label
from workbook.run import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError

EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is so that every clean-up path runs."""


def _on_sigterm(signum, frame):
    raise Terminated()


def log(line: str, *, file=None) -> None:
    """Print one log line, prefixed with the local time in ISO 8601 (seconds, with offset)."""
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    print(f"{stamp} {line}", file=file or sys.stdout, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="Run the workbook's parameterized report notebooks over a CRM export.",
    )
    parser.add_argument(
        "--notebooks",
        metavar="DIR",
        help="report notebooks directory (default: $WORKBOOK_NOTEBOOKS, else the repo's notebooks/)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="execute reports and write HTML, notebooks and exports")
    run.add_argument("reports", nargs="+", metavar="REPORT", help="report names, or 'all'")
    _add_source_options(run)
    run.add_argument("--out", metavar="DIR", help="output directory (default reports/<as_of>/)")
    run.add_argument(
        "-P",
        dest="assignments",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter (YAML value); REPORT.KEY=VALUE for one report; repeatable",
    )
    run.add_argument("--jobs", type=int, default=1, metavar="N", help="parallel notebooks")
    run.add_argument(
        "--compare",
        metavar="PREV_OUT",
        help="show KPI changes against this earlier run (default: the last run, see docs)",
    )
    run.add_argument("--timeout", type=float, metavar="SECONDS", help="per-cell execution timeout")
    run.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to OUT/<report>.pdf with the system Chromium (offline)",
    )
    run.add_argument(
        "--wait",
        action="store_true",
        help="wait for another run writing the same --out (default: exit 75 at once)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="replace files workbook did not write where the run must write",
    )
    run.add_argument(
        "--engine",
        metavar="URL",
        help="where the reports' relational core runs: duckdb (default, in process) or a "
        "connection string such as postgres://user@host:5432/db; see docs/running.md",
    )

    lst = sub.add_parser("list", help="list reports and their parameters")
    lst.set_defaults(reports=[])

    val = sub.add_parser("validate", help="load and validate the data; print the quality summary")
    _add_source_options(val)

    smp = sub.add_parser("sample", help="write the synthetic sample CRM")
    smp.add_argument("--out", required=True, metavar="DIR")
    smp.add_argument("--seed", type=int, default=None, metavar="N")
    smp.add_argument("--scale", choices=["small", "large", "xlarge"], default="small")
    smp.add_argument(
        "--format",
        choices=["csv", "parquet", "both"],
        default=None,
        help="file format (default: csv for small, both for large; xlarge: partitioned parquet only)",
    )
    return parser


def _add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-p", "--params", metavar="PARAMS.yaml", help="parameters file")
    p.add_argument("--data", metavar="DIR", help="data directory or file source")
    p.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="observation end date")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``workbook`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "list":
            return _cmd_list(args)
        if args.command == "validate":
            return _cmd_validate(args)
        return _cmd_sample(args)
    except (UsageError, runner.ForeignFileError) as exc:
        print(f"workbook: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except runner.Busy as exc:
        print(f"workbook: busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except Terminated:
        print("workbook: terminated; the output directory was left as it was", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("workbook: interrupted; the output directory was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _os_error(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    what = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "the output is on a read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }.get(exc.errno, exc.strerror or str(exc))
    return (
        f"cannot write the output: {what}{where}; "
        "nothing was published, the last good reports are unchanged"
    )


def _cmd_run(args) -> int:
    available = runner.discover(args.notebooks)
    selected = runner.select(available, args.reports)
    params_file = runner.read_params_file(args.params) if args.params else {}
    plan = runner.build_plan(
        selected,
        available=available,
        params_file=params_file,
        assignments=args.assignments,
        data=args.data,
        out=args.out,
        as_of=args.as_of,
        jobs=args.jobs,
        compare=args.compare,
        timeout=args.timeout,
        pdf=args.pdf,
        force=args.force,
        wait=args.wait,
        engine=args.engine,
    )
    adhoc = f" (ad-hoc: -P overrides, hash {plan.adhoc})" if plan.adhoc else ""
    engine = f"; engine {engine_label(plan.engine)}" if plan.engine else ""
    log(
        f"start as_of {plan.as_of}; data {data_label(plan.data)}{engine}; "
        f"out {plan.out}{adhoc}"
    )
    try:
        result = runner.run_plan(plan, progress=log)
    except OSError as exc:  # full disk, read-only output: a message, never a traceback
        print(f"workbook: error: {_os_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    if result.data_error:
        print(f"workbook: data error: {result.data_error}", file=sys.stderr)
    for r in result.results:
        if r.error_name == "DataValidationError" and not result.data_error:
            print(f"workbook: data error in {r.name}: {r.error}", file=sys.stderr)
    log(f"finished with exit code {result.exit_code}")
    return result.exit_code


def _cmd_list(args) -> int:
    reports = runner.discover(args.notebooks)
    if not reports:
        print("no reports found")
        return EXIT_OK
    for r in reports:
        source = (
            f"{r.path.name}, parameters from {_qualname(r.params_cls)}"
            if r.params_cls
            else r.path.name
        )
        print(f"{r.name}  {r.title}  ({source})")
        missing = runner.missing_common(r)
        if missing:
            print(
                f"    warning: parameters cell lacks or papermill cannot parse: {', '.join(missing)}"
            )
        common = [p for name, p in r.notebook.items() if name in runner.COMMON_PARAMETERS]
        for p in [*common, *r.params.values()]:
            print(f"    {runner.describe_parameter(p)}")
    return EXIT_OK


def _qualname(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _source(args) -> tuple[str | None, str | None, dict]:
    cfg = runner.read_params_file(args.params) if args.params else {}
    data = args.data if args.data is not None else cfg.get("data") or None
    as_of = args.as_of if args.as_of is not None else cfg.get("as_of") or None
    if as_of:
        as_of = runner.check_date("as_of", as_of)
    options = cfg.get("load_options") or {}
    if not isinstance(options, dict):
        raise UsageError("load_options must be a mapping of workbook.load keyword arguments")
    return data, as_of, options


def _cmd_validate(args) -> int:
    import workbook
    from workbook.data.errors import DataValidationError
    from workbook.data.guards import as_of_source

    data, as_of, options = _source(args)
    try:
        crm = workbook.load(data, as_of=as_of, **options)
    except DataValidationError as exc:
        print(f"workbook: data error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (FileNotFoundError, TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"source: {crm.source}")
    print(f"fingerprint: {crm.fingerprint}")
    if crm.as_of is not None:
        print(f"as_of: {crm.as_of.date().isoformat()}")
    # Rows left out for a blank required cell still count for the default as_of.
    found = [as_of_source(crm.tables), as_of_source(crm.excluded)]
    found = [f for f in found if f is not None]
    latest = max(found, key=lambda f: f["date"]) if found else None
    if latest is not None:
        print(
            f"latest event: {latest['date']:%Y-%m-%d} ({latest['table']}.{latest['column']}, "
            f"{latest['id']}); the default as_of unless given or declared in sample.json"
        )
    print("rows:")
    for name, count in crm.row_counts().items():
        out = len(crm.excluded.get(name, ()))
        print(f"    {name}: {count:,}" + (f" ({out:,} left out: blank required cells)" if out else ""))
    if crm.quality is not None:
        print(crm.quality.summary_text())
    return EXIT_OK


def _cmd_sample(args) -> int:
    from workbook.data import sample

    formats = {"csv": ("csv",), "parquet": ("parquet",), "both": ("csv", "parquet")}
    kwargs = {"scale": args.scale}
    if args.format is not None:
        kwargs["formats"] = formats[args.format]
    if args.seed is not None:
        kwargs["seed"] = args.seed
    runner.check_out_folder(Path(args.out).expanduser().resolve())
    written = sample.write(args.out, **kwargs)
    print(f"sample ({args.scale}) written to {args.out}")
    for path in (written or {}).values():
        print(f"    {path}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Benchmark: time every stage of workbook on the small and/or large sample.

A script, not a test (``tests/test_benchmark_script.py`` only checks that it
runs). For each stage it prints wall seconds, CPU seconds, peak RSS and, where
there is one, the time of the DuckDB SQL equivalent over the same Parquet
files (``benchmarks/duckdb_twins.py``) and the ratio workbook / DuckDB
(``workbook_over_duckdb``: the workbook's own code for the stage, whatever
runs it, over a hand-written DuckDB query of the same Parquet files).

Usage::

    python benchmarks/run.py --scale small                 # generate + measure small
    python benchmarks/run.py --scale large --skip-run-all  # large, no notebooks
    python benchmarks/run.py --scale large --data /tmp/big # reuse generated data
    python benchmarks/run.py --scale both --repeat 3 --out /tmp/bench

Method
------
* Data: ``workbook.data.sample.write(dir, scale=..., formats=("csv", "parquet"))``
  into ``--cache`` (default ``/tmp/workbook-bench-data/<scale>``), reused
  when ``sample.json`` and every file are already there; ``--data`` points
  at an existing directory instead.
* Each stage runs in a **fresh Python subprocess** (this script with
  ``--worker``): the worker loads the stage's inputs from Parquet (not
  timed), then runs the stage ``--repeat`` times and reports the fastest
  wall time, the CPU time (user + system) of that run, and the worker's
  own peak resident memory (``VmHWM``, see :func:`_rss_mb`; not
  ``ru_maxrss``, which includes the driver's peak), i.e. inputs plus the
  stage's working memory, which is what an analyst's kernel needs. ``inputs MB`` is the peak before the
  stage started. CPU seconds are shown because the machine is shared:
  wall time includes waiting for a core.
* DuckDB equivalents run in their own fresh subprocess too, over the
  Parquet files, so their memory is not mixed with pandas'.
* ``run all`` is ``workbook run all --data DIR --out TMP --jobs N`` in a
  subprocess; its peak RSS is the largest sum of RSS over the process tree
  (psutil, sampled every 0.2 s), since notebooks run in parallel kernels.
* ``--inline`` runs every stage in this process instead (fast, used by the
  test; peak RSS is then cumulative and only indicative).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path(os.environ.get("WORKBOOK_BENCH_DATA", "/tmp/workbook-bench-data"))

#: (stage, label, tables the pandas stage needs, has a DuckDB equivalent)
STAGES = [
    ("load_csv", "load: CSV (all tables)", (), True),
    ("load_parquet", "load: Parquet (all tables)", (), True),
    ("validate", "validate: loaded tables", "all", True),
    ("load_validate", "load + validate: Parquet", (), True),
    ("cohort", "cohort: follow_through", ("leads", "activities", "opportunities"), True),
    ("scoring", "scoring: outcomes + sweep", ("leads", "opportunities"), True),
    ("hierarchy", "hierarchy: families + revenue", ("accounts", "opportunities"), True),
    ("whitespace", "whitespace: sibling gaps", ("accounts", "purchases", "products"), True),
    (
        "engagement",
        "engagement: recent records + levels",
        ("accounts", "activities", "opportunities", "leads"),
        True,
    ),
    (
        "lead_aggregates",
        "cohort: per-lead milestones",
        ("leads", "activities", "opportunities"),
        True,
    ),
]
HEADER = [
    "scale",
    "stage",
    "seconds",
    "cpu_seconds",
    "peak_rss_mb",
    "inputs_rss_mb",
    "duckdb_seconds",
    "duckdb_peak_rss_mb",
    "workbook_over_duckdb",
]
CANONICAL = (
    "accounts",
    "leads",
    "opportunities",
    "activities",
    "products",
    "purchases",
    "contacts",
    "users",
)


# --------------------------------------------------------------------------- data
def ensure_data(scale: str, cache: Path) -> Path:
    """Generate the sample (CSV + Parquet) into ``cache/<scale>`` unless already there."""
    from workbook.data import sample

    out = cache / scale
    needed = [out / "sample.json"] + [
        out / f"{t}.{ext}" for t in CANONICAL for ext in ("csv", "parquet")
    ]
    if all(p.exists() for p in needed):
        return out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    sample.write(out, scale=scale, formats=("csv", "parquet"))
    print(f"generated {scale} sample in {time.perf_counter() - t0:.1f} s -> {out}", flush=True)
    return out


def sample_as_of(data: Path) -> str:
    meta = data / "sample.json"
    if meta.exists():
        return json.loads(meta.read_text())["as_of"]
    import workbook

    return str(workbook.load(data, tables=["leads"], validate=False).as_of.date())


def _rss_mb() -> float:
    """Peak resident memory of this process's own address space, in MB.

    ``VmHWM`` from ``/proc/self/status`` (Linux): the high-water mark of the
    memory map created at ``exec``, so a worker does not inherit the
    driver's peak. ``getrusage(RUSAGE_SELF).ru_maxrss`` does: Linux carries
    the parent's high-water mark across fork/vfork + exec, which made every
    worker started after the driver generated the large sample report the
    driver's 1.7 GB as its floor. ``ru_maxrss`` (kilobytes) is the fallback
    where ``/proc`` is missing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- stages
def _load(data: Path, tables, as_of, *, fmt="parquet", validate=False):
    import workbook

    names = None if tables in ((), "all") else list(tables)
    if fmt == "csv":
        wanted = names or [t for t in CANONICAL if (data / f"{t}.csv").exists()]
        paths = {t: str(data / f"{t}.csv") for t in wanted}
        return workbook.load(paths=paths, tables=wanted, as_of=as_of, validate=validate)
    return workbook.load(data, tables=names, as_of=as_of, validate=validate)


def pandas_stage(stage: str, data: Path, as_of: str, window_days: int):
    """Return (prepare, run): prepare loads inputs (untimed), run does the stage."""
    from workbook.analyses import cohort as cohorts
    from workbook.analyses import engagement, hierarchy, scoring, whitespace
    from workbook.core import families
    from workbook.data import validate

    spec = {s[0]: s for s in STAGES}[stage]
    if stage == "load_csv":
        return (lambda: None), (lambda _: _load(data, (), as_of, fmt="csv"))
    if stage == "load_parquet":
        return (lambda: None), (lambda _: _load(data, (), as_of))
    if stage == "load_validate":
        return (lambda: None), (lambda _: _load(data, (), as_of, validate=True))

    def prepare():
        return _load(data, spec[2], as_of).tables

    def run(t):
        if stage == "validate":
            return validate.validate(t, as_of=as_of)
        if stage == "cohort":
            return cohorts.follow_through(
                t["leads"], t["activities"], t["opportunities"], as_of=as_of
            )
        if stage == "scoring":
            outcomes = scoring.lead_outcomes(t["leads"], t["opportunities"], as_of=as_of).outcomes
            return scoring.threshold_sweep(outcomes)
        if stage == "hierarchy":
            tree = families.ultimate_parents(t["accounts"])
            start, end = hierarchy.default_period(as_of)
            return hierarchy.family_revenue(
                t["accounts"], t["opportunities"], start=start, end=end, tree=tree
            )
        if stage == "whitespace":
            return whitespace.sibling_gaps(
                t["accounts"], t["purchases"], t["products"], as_of=as_of
            )
        if stage == "engagement":
            return engagement.engagement_levels(
                t["accounts"],
                t["activities"],
                t["opportunities"],
                t["leads"],
                as_of=as_of,
                window_days=window_days,
            )
        if stage == "lead_aggregates":
            return cohorts.lead_milestones(
                t["leads"], t["activities"], t["opportunities"], as_of=as_of
            )
        raise ValueError(stage)

    return prepare, run


def duck_stage(stage: str, data: Path, as_of: str, window_days: int):
    """Return (prepare, run) for the DuckDB equivalent of ``stage``."""
    import duckdb_twins as twins  # benchmarks/ is on sys.path: this file runs as a script

    from workbook.analyses import hierarchy

    def prepare():
        return twins.sql_source(data)

    def run(src):
        con = src.con
        if stage in ("load_csv", "load_parquet"):
            ext = "csv" if stage == "load_csv" else "parquet"
            reader = "read_csv" if ext == "csv" else "read_parquet"
            for t in CANONICAL:
                path = data / f"{t}.{ext}"
                if path.exists():
                    con.execute(
                        f"CREATE OR REPLACE TABLE t_{t} AS SELECT * FROM {reader}('{path}')"
                    )
            return None
        if stage == "validate":
            return twins.duck_reference_counts(src)
        if stage == "load_validate":
            for t in CANONICAL:
                path = data / f"{t}.parquet"
                if path.exists():
                    con.execute(
                        f"CREATE OR REPLACE TABLE {t}_m AS SELECT * FROM read_parquet('{path}')"
                    )
            return twins.duck_reference_counts(src)
        if stage == "cohort":
            return twins.duck_follow_through(src, as_of=as_of)
        if stage == "scoring":
            twins.duck_lead_outcomes(src, as_of=as_of)
            return twins.duck_threshold_sweep(src, as_of=as_of)
        if stage == "hierarchy":
            start, end = hierarchy.default_period(as_of)
            return twins.duck_family_revenue(src, start=start, end=end)
        if stage == "whitespace":
            return twins.duck_sibling_gaps(src, as_of=as_of)
        if stage == "engagement":
            return twins.duck_engagement_levels(src, as_of=as_of, window_days=window_days)
        if stage == "lead_aggregates":
            return twins.duck_lead_aggregates(src, as_of=as_of)
        raise ValueError(stage)

    return prepare, run


def measure(prepare, run, repeat: int) -> dict:
    """Prepare once, run ``repeat`` times; fastest wall time and its CPU time."""
    inputs = prepare()
    before = _rss_mb()
    best = None
    for _ in range(max(1, repeat)):
        w0, c0 = time.perf_counter(), time.process_time()
        result = run(inputs)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        del result
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return {
        "seconds": best[0],
        "cpu_seconds": best[1],
        "peak_rss_mb": _rss_mb(),
        "inputs_mb": before,
    }


def worker(args) -> int:
    """Subprocess entry: run one stage, print one JSON line."""
    data = Path(args.data)
    maker = duck_stage if args.engine == "duckdb" else pandas_stage
    prepare, run = maker(args.worker, data, args.as_of, args.window_days)
    print("RESULT " + json.dumps(measure(prepare, run, args.repeat)), flush=True)
    return 0


def run_worker(stage: str, engine: str, data: Path, as_of: str, window_days: int, repeat: int):
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        stage,
        "--engine",
        engine,
        "--data",
        str(data),
        "--as-of",
        as_of,
        "--window-days",
        str(window_days),
        "--repeat",
        str(repeat),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise RuntimeError(f"stage {stage} ({engine}) failed with exit code {proc.returncode}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def run_all(data: Path, as_of: str, jobs: int) -> dict:
    """Time ``workbook run all`` in a subprocess; peak RSS summed over its process tree."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="wb-bench-run-") as out:
        cmd = [
            sys.executable,
            "-m",
            "workbook",
            "run",
            "all",
            "--data",
            str(data),
            "--as-of",
            as_of,
            "--out",
            str(Path(out) / "reports"),
            "--jobs",
            str(jobs),
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        log = (Path(out) / "run.log").open("w+", encoding="utf-8")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True)
        parent = psutil.Process(proc.pid)
        peak = 0.0
        while proc.poll() is None:
            total = 0.0
            try:
                procs = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
            time.sleep(0.2)
        wall = time.perf_counter() - w0
        log.seek(0)
        output = log.read()
        log.close()
        # CPU of every reaped descendant (workers and their kernels) rolls up here.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            sys.stderr.write(output)
            raise RuntimeError(f"workbook run all failed with exit code {proc.returncode}")
        print(output, file=sys.stderr)
    return {"seconds": wall, "cpu_seconds": cpu, "peak_rss_mb": peak / 2**20, "inputs_mb": None}


# --------------------------------------------------------------------------- table
def _fmt(x, digits=2):
    if x is None or x == "":
        return ""
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(h)) for h in HEADER) + " |")
    return "\n".join(lines)


def text_table(rows: list[dict]) -> str:
    cells = [HEADER] + [[_fmt(r.get(h)) for h in HEADER] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    out = []
    for j, c in enumerate(cells):
        out.append(
            "  ".join(
                v.ljust(w) if i < 2 else v.rjust(w)
                for i, (v, w) in enumerate(zip(c, widths, strict=True))
            )
        )
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def bench_scale(scale: str, data: Path, args) -> list[dict]:
    from workbook.analyses import engagement

    as_of = sample_as_of(data)
    opps = _load(data, ("opportunities",), as_of).tables["opportunities"]
    window_days = engagement.window_basis(opps, as_of=as_of)["window_days"]
    print(f"{scale}: data {data}, as_of {as_of}, engagement window {window_days} days", flush=True)
    wanted = set(args.stages.split(",")) if args.stages else None
    rows = []
    for stage, label, _, has_duck in STAGES:
        if wanted and stage not in wanted:
            continue
        if args.inline:
            res = measure(*pandas_stage(stage, data, as_of, window_days), args.repeat)
            duck = (
                measure(*duck_stage(stage, data, as_of, window_days), args.repeat)
                if has_duck
                else None
            )
        else:
            res = run_worker(stage, "pandas", data, as_of, window_days, args.repeat)
            duck = (
                run_worker(stage, "duckdb", data, as_of, window_days, args.repeat)
                if has_duck
                else None
            )
        rows.append(_row(scale, label, res, duck))
        print(f"  {label}: {res['seconds']:.2f} s", flush=True)
    if not args.skip_run_all and (scale == "small" or args.run_all_large):
        res = run_all(data, as_of, args.jobs)
        rows.append(_row(scale, f"workbook run all --jobs {args.jobs}", res, None))
        print(f"  run all: {res['seconds']:.2f} s", flush=True)
    return rows


def _row(scale, label, res, duck) -> dict:
    return {
        "scale": scale,
        "stage": label,
        "seconds": res["seconds"],
        "cpu_seconds": res["cpu_seconds"],
        "peak_rss_mb": res["peak_rss_mb"],
        "inputs_rss_mb": res["inputs_mb"],
        "duckdb_seconds": duck["seconds"] if duck else None,
        "duckdb_peak_rss_mb": duck["peak_rss_mb"] if duck else None,
        "workbook_over_duckdb": res["seconds"] / duck["seconds"]
        if duck and duck["seconds"]
        else None,
    }


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=["small", "large", "both"], default="small")
    p.add_argument("--data", metavar="DIR", help="reuse this generated data directory (one scale)")
    p.add_argument("--cache", metavar="DIR", default=str(DEFAULT_CACHE), help="where to generate")
    p.add_argument("--skip-run-all", action="store_true", help="do not time `workbook run all`")
    p.add_argument("--run-all-large", action="store_true", help="also time run all on large")
    p.add_argument("--jobs", type=int, default=2, help="--jobs for `workbook run all`")
    p.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per stage (fastest)")
    p.add_argument("--stages", metavar="A,B", help="only these stages (names: see STAGES)")
    p.add_argument("--inline", action="store_true", help="run stages in this process (fast)")
    p.add_argument("--out", metavar="DIR", help="write results.md and results.csv here")
    # internal: one stage in a fresh process
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--engine", default="pandas", help=argparse.SUPPRESS)
    p.add_argument("--as-of", dest="as_of", help=argparse.SUPPRESS)
    p.add_argument(
        "--window-days", dest="window_days", type=int, default=30, help=argparse.SUPPRESS
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    scales = ["small", "large"] if args.scale == "both" else [args.scale]
    if args.data and len(scales) > 1:
        raise SystemExit("--data names one directory; use it with --scale small or large")
    rows = []
    for scale in scales:
        data = Path(args.data) if args.data else ensure_data(scale, Path(args.cache))
        rows += bench_scale(scale, data, args)
    print()
    print(text_table(rows))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.md").write_text(markdown(rows) + "\n", encoding="utf-8")
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
        (out / "results.csv").write_text(buf.getvalue(), encoding="utf-8")
        print(f"\nwrote {out / 'results.md'} and {out / 'results.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

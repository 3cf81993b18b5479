"""benchmarks/run.py keeps working: it runs on the small sample and prints every stage.

Timings are not asserted (the machine is shared); only that the script exits
0, prints the table header and one row per stage, and writes its Markdown
and CSV tables.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "run.py"


def _run(*args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=str(REPO),
    )


def _stage_labels() -> list[str]:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import run as bench
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return [label for _, label, _, _ in bench.STAGES]


@pytest.fixture(scope="module")
def inline_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    out = base / "results"
    proc = _run(
        "--scale", "small", "--skip-run-all", "--inline", "--cache", base / "data", "--out", out
    )
    return proc, base, out


def test_small_inline_run_prints_every_stage(inline_run):
    proc, _, _ = inline_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    header = "scale  stage"
    assert header in proc.stdout
    for column in (
        "seconds",
        "cpu_seconds",
        "peak_rss_mb",
        "duckdb_seconds",
        "workbook_over_duckdb",
    ):
        assert column in proc.stdout
    table = proc.stdout[proc.stdout.index(header) :]
    for label in _stage_labels():
        assert label in table, label
    assert "run all" not in table  # --skip-run-all


def test_stage_labels_follow_the_results_format():
    # issue 21: results.csv labels start with the stage's family, one per report core.
    labels = _stage_labels()
    for prefix in (
        "load + validate",
        "cohort:",
        "scoring:",
        "hierarchy:",
        "whitespace:",
        "engagement:",
    ):
        assert any(label.startswith(prefix) for label in labels), prefix
    allowed = ("load:", "load + validate", "validate:", "cohort:", "scoring:", "hierarchy:",
               "whitespace:", "engagement:")  # fmt: skip
    assert all(label.startswith(allowed) for label in labels), labels


def test_small_run_generates_data_and_writes_tables(inline_run):
    proc, base, out = inline_run
    assert proc.returncode == 0, proc.stderr
    data = base / "data" / "small"
    assert (data / "sample.json").is_file()
    assert (data / "activities.parquet").is_file() and (data / "activities.csv").is_file()
    rows = list(csv.DictReader((out / "results.csv").open(encoding="utf-8")))
    assert [r["stage"] for r in rows] == _stage_labels()
    assert all(float(r["seconds"]) >= 0 and float(r["duckdb_seconds"]) > 0 for r in rows)
    for r in rows:  # the ratio is the workbook's time over the DuckDB yardstick's
        ratio = float(r["seconds"]) / float(r["duckdb_seconds"])
        assert float(r["workbook_over_duckdb"]) == pytest.approx(ratio, rel=1e-9)
    md = (out / "results.md").read_text(encoding="utf-8")
    assert md.startswith("| scale | stage | seconds |")
    assert md.count("\n| small |") == len(rows)


def test_subprocess_worker_mode_on_existing_data(inline_run):
    # The default mode runs each stage in a fresh process; reuse the generated data.
    _, base, _ = inline_run
    proc = _run(
        "--scale", "small", "--data", base / "data" / "small", "--skip-run-all",
        "--stages", "cohort,scoring",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = proc.stdout[proc.stdout.index("scale  stage") :]
    assert "cohort: follow_through" in table
    assert "scoring: outcomes + sweep" in table
    assert "whitespace" not in table

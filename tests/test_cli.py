"""The ``workbook`` CLI end to end: data_quality on the sample, errors, failures, list, validate."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import run_cli

pytestmark = pytest.mark.e2e

#: The ISO 8601 timestamp that starts every log line (local time, seconds, offset).
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"


@pytest.fixture(scope="module")
def dq_run(tmp_path_factory):
    """One ``workbook run data_quality`` on the bundled sample: (process, OUT)."""
    base = tmp_path_factory.mktemp("dq")
    proc = run_cli("run", "data_quality", "--out", base / "out", cwd=base)
    return proc, base / "out"


def test_data_quality_runs_and_writes_a_clean_offline_page(dq_run):
    proc, out = dq_run
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"^{STAMP} \[ok\] data_quality +\d+\.\d+s$", proc.stdout, re.MULTILINE)
    assert f"reports in {out}" in proc.stdout
    # one line per event, each with an ISO timestamp
    assert all(re.match(STAMP + " ", line) for line in proc.stdout.splitlines())
    assert "KeyboardInterrupt" not in proc.stderr
    page = (out / "data_quality.html").read_text(encoding="utf-8")
    assert "<title>Data quality</title>" in page and "<h1>Data quality</h1>" in page
    for code in ("workbook.load(", "In [", "rep.table(", "jp-InputArea", "injected-parameters"):
        assert code not in page
    assert "Traceback" not in page and "application/vnd.jupyter.stderr" not in page
    assert not re.search(r"""<(script|link|img)\b[^>]*(src|href)=["']?(https?:)?//""", page)
    assert "data:image/png;base64," in page
    assert "Run record" in page and "2026-06-30" in page and "workbook version" in page


def test_data_quality_exports_summary_csvs_and_index(dq_run):
    proc, out = dq_run
    summary = json.loads((out / "data_quality" / "summary.json").read_text(encoding="utf-8"))
    assert [c["key"] for c in summary["headline"]] == [
        "tables",
        "rows",
        "warnings",
        "hierarchy_faults",
    ]
    assert summary["as_of"] == "2026-06-30"
    for stem in ("row_counts", "warnings", "integrity", "hierarchy_faults"):
        assert (out / "data_quality" / f"{stem}.csv").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="data_quality.html"' in index
    assert 'href="data_quality/row_counts.csv"' in index
    assert summary["headline"][0]["display"] in index
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["as_of"] == "2026-06-30"
    assert record["fingerprint"] == summary["fingerprint"] != ""
    assert record["reports"]["data_quality"]["status"] == "ok"


def test_list_shows_reports_parameters_types_defaults_and_help(tiny_notebooks):
    proc = run_cli("--notebooks", tiny_notebooks, "list")
    assert proc.returncode == 0, proc.stderr
    assert "alpha  Alpha  (10_alpha.ipynb)" in proc.stdout
    assert "n: int = 3  # how many" in proc.stdout
    assert 'start_date: str = "2024-01-01" (date YYYY-MM-DD)  # first day' in proc.stdout
    assert proc.stdout.index("alpha") < proc.stdout.index("beta")


def test_list_finds_the_data_quality_notebook():
    proc = run_cli("list")
    assert proc.returncode == 0, proc.stderr
    assert "data_quality  Data quality  (00_data_quality.ipynb" in proc.stdout
    assert 'as_of: str = "" (date YYYY-MM-DD)' in proc.stdout
    # Report parameters come from Params, with their choices and ranges.
    assert 'grain: str = "month" (one of month, quarter, year)' in proc.stdout
    assert "n_boot: int = 1000 (an integer ≥ 1)" in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-P", "nosuch=1"], "valid: fail, n, start_date, threshold"),
        (["-P", "beta.nosuch=1"], "for report 'beta'; valid: fail, n, start_date, threshold"),
        (["-P", "n=many"], "'n' must be int"),
        (["-P", "start_date=2024-02-30"], "must be a date YYYY-MM-DD"),
        (["--as-of", "30/06/2026"], "'as_of' must be a date YYYY-MM-DD"),
        (["--data", "/no/such/dir"], "does not exist"),
        (["-P", "as_of=2026-06-30"], "set it with --as-of YYYY-MM-DD"),
        (["-P", "beta.treshold=0.2"], "(did you mean threshold?)"),
    ],
)
def test_parameter_errors_exit_2_before_running(tiny_notebooks, tmp_path, args, message):
    out = tmp_path / "out"
    proc = run_cli("--notebooks", tiny_notebooks, "run", "all", "--out", out, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-P", "cohort.grain=fortnight"],
            "cohort: parameter grain = 'fortnight' is not allowed; "
            "expected one of month, quarter, year (given by -P cohort.grain)",
        ),
        (
            ["-P", "scoring.n_boot=-5"],
            "scoring: parameter n_boot = -5 is not allowed; expected an integer ≥ 1",
        ),
        (
            ["-P", "hierarchy.top_n=ten"],
            "hierarchy: parameter top_n = 'ten' is not allowed; expected an integer ≥ 1",
        ),
    ],
)
def test_real_reports_check_parameters_against_params_before_any_kernel(tmp_path, args, message):
    # The shipped notebooks and their Params: a bad value exits 2 naming the
    # report, the parameter, the value and what is allowed, and nothing is written
    # (the run fails before the temporary output folder exists).
    out = tmp_path / "out"
    proc = run_cli("run", "all", "--out", out, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("out.tmp-*"))


def test_params_yaml_with_unknown_key_exits_2(tiny_notebooks, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("as_of: 2026-06-30\nreports:\n  alpha:\n    bogus: 1\n", encoding="utf-8")
    proc = run_cli("--notebooks", tiny_notebooks, "run", "alpha", "-p", params)
    assert proc.returncode == 2
    assert "unknown parameter(s) bogus for report 'alpha'" in proc.stderr


def test_failed_report_exit_1_keeps_last_good_and_other_report_runs(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    first = run_cli(
        "--notebooks", tiny_notebooks, "run", "all", "--out", out, "--as-of", "2026-06-30"
    )
    assert first.returncode == 0, first.stderr
    good_beta = (out / "beta.html").read_bytes()
    good_csv = (out / "beta" / "numbers.csv").read_bytes()

    second = run_cli(
        "--notebooks",
        tiny_notebooks,
        "run",
        "all",
        "--out",
        out,
        "--as-of",
        "2026-06-30",
        "-P",
        "beta.fail=true",
        "-P",
        "n=7",
        "--jobs",
        "2",
    )
    assert second.returncode == 1
    assert re.search(
        rf"^{STAMP} \[FAILED\] beta +\d+\.\d+s: ValueError: planned failure <b>0.5 "
        rf"\(page {re.escape(str(out / 'beta.failed.html'))}; "
        rf"notebook {re.escape(str(out / 'beta.failed.ipynb'))}\)$",
        second.stdout,
        re.MULTILINE,
    )
    assert "KeyboardInterrupt" not in first.stderr + second.stderr
    assert (out / "beta.html").read_bytes() == good_beta
    assert (out / "beta" / "numbers.csv").read_bytes() == good_csv
    failed = (out / "beta.failed.html").read_text(encoding="utf-8")
    assert "ValueError: planned failure &lt;b&gt;0.5" in failed
    assert (out / "beta.failed.ipynb").is_file()
    assert "n,threshold\n7," in (out / "alpha" / "numbers.csv").read_text(encoding="utf-8")
    assert not [p for p in out.parent.iterdir() if ".tmp-" in p.name]
    assert list((out / ".workbook").glob("tmp-*")) == []

    third = run_cli(
        "--notebooks", tiny_notebooks, "run", "beta", "--out", out, "--as-of", "2026-06-30"
    )
    assert third.returncode == 0
    assert not (out / "beta.failed.html").exists()


def test_notebooks_from_environment_variable(tiny_notebooks, tmp_path):
    proc = run_cli("list", env={"WORKBOOK_NOTEBOOKS": str(tiny_notebooks)})
    assert proc.returncode == 0 and "beta  Beta <report>" in proc.stdout


def test_validate_prints_quality_summary_on_the_sample(sample_dir):
    proc = run_cli("validate", "--data", sample_dir)
    assert proc.returncode == 0, proc.stderr
    assert "fingerprint:" in proc.stdout
    assert "leads:" in proc.stdout and " of warning" in proc.stdout


def test_validate_exits_2_naming_the_file_and_column(sample_dir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(sample_dir, bad)
    leads = bad / "leads.csv"
    text = leads.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    # Second field of the first data row is created_at: make it unparseable.
    fields = first.split(",")
    fields[1] = "not-a-date"
    leads.write_text("\n".join([header, ",".join(fields), rest]), encoding="utf-8")
    proc = run_cli("validate", "--data", bad)
    assert proc.returncode == 2
    assert "leads" in proc.stderr and "created_at" in proc.stderr
    assert f"lead_id {fields[0].strip(chr(34))}" in proc.stderr  # example row id
    assert "Traceback" not in proc.stderr


def test_sample_command_writes_csv_files(tmp_path):
    proc = run_cli("sample", "--out", tmp_path / "s", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s" / "accounts.csv").is_file() and (tmp_path / "s" / "leads.csv").is_file()


def test_sample_out_pointing_at_a_file_exits_2_naming_it(tmp_path, capsys):
    from workbook.cli import main

    blocker = tmp_path / "s"
    blocker.write_text("x", encoding="utf-8")
    assert main(["sample", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert f"--out {str(blocker)!r} is a file, not a folder" in err and "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "x"


def test_unknown_report_is_a_usage_error():
    proc = run_cli("run", "no_such_report", "--as-of", "2026-06-30")
    assert proc.returncode == 2
    assert "unknown report(s): no_such_report" in proc.stderr
    assert "data_quality" in proc.stderr


def test_run_with_pdf_prints_each_report_and_links_it(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    proc = run_cli(
        "--notebooks", tiny_notebooks, "run", "all", "--out", out, "--as-of", "2026-06-30", "--pdf"
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("alpha", "beta"):
        pdf = (out / f"{name}.pdf").read_bytes()
        assert pdf[:5] == b"%PDF-"
        assert len(pdf) > 5_000  # a real printed page, not an empty file
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="alpha.pdf"' in index and 'href="beta.pdf"' in index
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks", "out"]  # no temp left


def test_run_with_pdf_and_no_browser_exits_2_naming_the_package(tiny_notebooks, tmp_path):
    out = tmp_path / "out"
    proc = run_cli(
        "--notebooks",
        tiny_notebooks,
        "run",
        "all",
        "--out",
        out,
        "--as-of",
        "2026-06-30",
        "--pdf",
        env={"PATH": str(tmp_path)},  # python is started by full path; no chromium on PATH
    )
    assert proc.returncode == 2
    assert "apt-get install chromium" in proc.stderr
    assert not out.exists()


def test_readme_cron_line_runs_as_shipped_with_params_monthly(tmp_path):
    """The README's crontab command, run by /bin/sh as cron would, on a copy of the repo.

    ``workbook`` and ``date`` are shims on PATH: the first is ``python -m
    workbook`` from this tree, the second answers as if today were
    2026-07-01, so ``--as-of`` is 2026-06-30, the bundled sample's date.
    """
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```cron\n(.+?)\n```", readme, re.S).group(1).strip()
    command = block.split(None, 5)[5].replace("\\%", "%")  # cron's escaped %
    assert command.startswith("cd /srv/workbook && ")
    site = tmp_path / "srv"
    (site / "params").mkdir(parents=True)
    shutil.copy(repo / "params" / "monthly.yaml", site / "params" / "monthly.yaml")
    command = command.replace("cd /srv/workbook", f"cd {site}", 1)
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "workbook").write_text(
        f'#!/bin/sh\nexec {sys.executable} -m workbook --notebooks {repo / "notebooks"} "$@"\n'
    )
    (shims / "date").write_text(
        '#!/bin/sh\n[ "$1" = "-d" ] && exec /bin/date -d "2026-07-01 $2" "$3"\n'
        'exec /bin/date "$@"\n'
    )
    for shim in shims.iterdir():
        shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(repo / "src"),
    }
    proc = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True,
                          timeout=1800)  # fmt: skip
    log = (site / "logs" / "workbook.log").read_text(encoding="utf-8")
    assert proc.returncode == 0, log
    out = site / "reports" / "2026-06-30"
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in record["reports"].values()} == {"ok"}, log
    assert len(record["reports"]) == 6 and record["as_of"] == "2026-06-30"
    assert re.search(rf"^{STAMP} finished with exit code 0$", log, re.MULTILINE)
    assert "Traceback" not in log and "KeyboardInterrupt" not in log

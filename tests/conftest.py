"""Shared fixtures: the small sample on disk, one CLI run of every report, a CLI helper.

``sample_run`` runs ``workbook run all --jobs 2`` once per test session on the
bundled sample and returns the output directory; end-to-end tests read
``sample_run / "<report>" / "<file>.csv"`` and ``sample_run / "<report>.html"``.
The run's stdout/stderr are kept next to it as ``run.log`` for debugging.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args, cwd=None, env=None, timeout=900) -> subprocess.CompletedProcess:
    """Run ``python -m workbook ARGS...`` and return the completed process (text output)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "workbook", *map(str, args)],
        cwd=str(cwd) if cwd else None,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The small synthetic sample written once as CSV files."""
    from workbook.data import sample

    out = tmp_path_factory.mktemp("sample")
    sample.write(out, scale="small")
    return out


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """OUT of one ``workbook run all --jobs 2`` on the bundled sample (run once)."""
    base = tmp_path_factory.mktemp("sample_run")
    out = base / "out"
    proc = run_cli("run", "all", "--out", out, "--jobs", "2", cwd=base)
    (base / "run.log").write_text(
        f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}",
        encoding="utf-8",
    )
    assert proc.returncode in (0, 1), f"workbook run all failed to start:\n{proc.stderr}"
    assert (out / "index.html").is_file(), proc.stdout + proc.stderr
    return out


COMMON_PARAMS = (
    'data = ""  # data directory\n'
    "load_options = {}  # options for workbook.load\n"
    'as_of = ""  # YYYY-MM-DD\n'
    'out_dir = ""  # export folder\n'
    "interactive = True  # widgets\n"
)

#: A tiny report body: writes a CSV and summary.json without loading data,
#: and raises when its ``fail`` parameter is true.
TINY_BODY = """\
import json, pathlib
if fail:
    raise ValueError("planned failure <b>" + str(threshold))
if out_dir:
    folder = pathlib.Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "numbers.csv").write_text("n,threshold\\n%d,%s\\n" % (n, threshold))
    headline = [
        {"key": "n", "label": "Count <i>", "value": n, "display": "{:,}".format(n)},
        {"key": "share", "label": "Share", "value": threshold, "display": "{:.1%}".format(threshold)},
    ]
    summary = {"report": report_name, "headline": headline, "fingerprint": "fp-" + as_of}
    (folder / "summary.json").write_text(json.dumps(summary))
print("done", n)
"""


def write_report_notebook(
    folder: Path,
    filename: str,
    *,
    name: str,
    title: str,
    extra_params: str = "n = 3  # how many\nthreshold = 0.5  # a share\n"
    'start_date = "2024-01-01"  # first day\nfail = False  # raise on purpose\n',
    body: str | None = None,
) -> Path:
    """Write a minimal report notebook (metadata, parameters cell, one body cell)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    params = new_code_cell(COMMON_PARAMS + extra_params)
    params.metadata["tags"] = ["parameters"]
    code = body if body is not None else f"report_name = {name!r}\n" + TINY_BODY
    nb = new_notebook(
        cells=[new_markdown_cell(f"# {title}\n\nA test report."), params, new_code_cell(code)]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["workbook"] = {"name": name, "title": title, "tables": []}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def tiny_notebooks(tmp_path) -> Path:
    """A notebooks directory with two fast reports, ``alpha`` (10_) and ``beta`` (20_)."""
    folder = tmp_path / "notebooks"
    write_report_notebook(folder, "20_beta.ipynb", name="beta", title="Beta <report>")
    write_report_notebook(folder, "10_alpha.ipynb", name="alpha", title="Alpha")
    return folder


@pytest.fixture(scope="session")
def postgres_server():
    """This test process's throwaway PostgreSQL server (tests/engines.py), stopped at session end."""
    import engines

    yield engines.postgres_server()
    engines.stop_postgres()


@pytest.fixture(params=__import__("engines").ENGINE_NAMES)
def any_engine(request, tmp_path):
    """A fresh engine per backend in ``engines.ENGINE_NAMES`` (see tests/engines.py)."""
    from engines import make

    return make(request.param, tmp_path, request)

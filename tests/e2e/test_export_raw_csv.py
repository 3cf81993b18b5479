"""``export_raw_csv``, the common report parameter, end to end (issue 18).

An account named like a spreadsheet formula is exported by a real run of
the hierarchy report (names beside ids): with the quote by default, and as
it is with ``-P export_raw_csv=true``. Every other cell is the same.
"""

from __future__ import annotations

import shutil

import pandas as pd
from conftest import run_cli

FORMULA = '=HYPERLINK("http://x.example","click")'


def _cells(out, stem_dir="hierarchy") -> dict[str, list[str]]:
    """Every CSV of the report as raw text cells (nothing parsed as a number)."""
    return {
        path.name: pd.read_csv(path, dtype=str, keep_default_na=False).to_numpy().ravel().tolist()
        for path in sorted((out / stem_dir).glob("*.csv"))
    }


def test_a_formula_like_account_name_is_quoted_unless_export_raw_csv(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    accounts = pd.read_csv(data / "accounts.csv", dtype=str, keep_default_na=False)
    # the first account of the sample (the test checks it reaches an export)
    accounts.loc[0, "name"] = FORMULA
    accounts.to_csv(data / "accounts.csv", index=False)

    safe, raw = tmp_path / "safe", tmp_path / "raw"
    proc = run_cli("run", "hierarchy", "--data", data, "--out", safe, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("run", "hierarchy", "--data", data, "--out", raw, "-P",
                   "export_raw_csv=true", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr

    quoted, as_is = _cells(safe), _cells(raw)
    assert list(quoted) == list(as_is)
    hits = {name: cells.count("'" + FORMULA) for name, cells in quoted.items()}
    assert sum(hits.values()) > 0, "the account name is in no export"
    for name, cells in quoted.items():
        assert FORMULA not in cells, name  # never unquoted by default
        assert as_is[name].count(FORMULA) == hits[name], name  # raw: the same cells, as they are
        assert "'" + FORMULA not in as_is[name], name
    record = (raw / "run.json").read_text(encoding="utf-8")
    assert '"export_raw_csv": true' in record

"""run/discover.py: finding reports, reading parameters cells, looking up ``Params``."""

from __future__ import annotations

import sys
import types

import nbformat
import pytest
from conftest import write_report_notebook
from nbformat.v4 import new_code_cell, new_notebook

from workbook import run as runner
from workbook.run import NotebookParam, UsageError
from workbook.run.discover import _infer


def _spec(name, source):
    return _infer(name, source, "")


def test_parameter_types_are_inferred_from_defaults():
    assert _spec("n", "3").type_name == "int"
    assert _spec("x", "0.5").type_name == "float"
    assert _spec("flag", "True").type_name == "bool"
    assert _spec("label", '"all"').type_name == "str"
    assert _spec("items", '["a"]').type_name == "list"
    assert _spec("opts", "{}").type_name == "dict"
    assert _spec("anything", "None").type_name == "any"
    # Dates: by name (as_of, *_date, *_start, *_end) or by a YYYY-MM-DD default.
    assert _spec("as_of", '""').is_date
    assert _spec("window_start", '""').is_date
    assert _spec("cutoff", '"2024-01-01"').is_date
    assert not _spec("label", '"all"').is_date


def test_discover_orders_by_prefix_reads_parameters_and_skips_other_notebooks(tiny_notebooks):
    stray = new_notebook(cells=[new_code_cell("1")])
    nbformat.write(stray, str(tiny_notebooks / "05_scratch.ipynb"))  # no workbook metadata
    nbformat.write(stray, str(tiny_notebooks / "notes.ipynb"))  # no NN_ prefix
    reports = runner.discover(tiny_notebooks)
    assert [r.name for r in reports] == ["alpha", "beta"]
    beta = reports[1]
    assert beta.title == "Beta <report>"
    assert beta.params["n"] == NotebookParam("n", 3, "3", "int", "how many", False)
    assert beta.params["start_date"].is_date
    assert runner.missing_common(beta) == []
    # Without Params the rules are the notebook's own parameters, common ones aside.
    assert beta.params_cls is None
    assert list(beta.params) == ["n", "threshold", "start_date", "fail"]
    assert list(beta.notebook)[:5] == list(runner.COMMON_PARAMETERS)


def test_discover_rejects_two_notebooks_with_one_name(tiny_notebooks):
    write_report_notebook(tiny_notebooks, "30_again.ipynb", name="alpha", title="Again")
    with pytest.raises(UsageError, match="defined twice"):
        runner.discover(tiny_notebooks)


def test_select_and_unknown_report(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    assert [r.name for r in runner.select(reports, ["beta", "alpha"])] == ["alpha", "beta"]
    assert len(runner.select(reports, ["all"])) == 2
    with pytest.raises(UsageError, match="available: alpha, beta"):
        runner.select(reports, ["gamma"])


def test_missing_notebooks_directory_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="--notebooks DIR"):
        runner.notebooks_dir(tmp_path / "none")


# -- Params lookup -------------------------------------------------------------------


def test_params_class_finds_a_report_module_with_params(gamma_module):
    assert runner.params_class("gamma") is gamma_module.Params


def test_report_with_params_takes_its_rules_from_params(gamma_notebooks):
    from workbook.core.params import ParamSpec

    gamma = {r.name: r for r in runner.discover(gamma_notebooks)}["gamma"]
    assert gamma.params_cls is sys.modules["workbook.analyses.gamma"].Params
    assert list(gamma.params) == list(gamma.params_cls.specs())
    grain = gamma.params["grain"]
    assert isinstance(grain, ParamSpec)
    assert grain.choices == ("month", "quarter", "year") and grain.help == "cohort period"
    assert gamma.params["n_boot"].low == 1
    # The common parameters are still the notebook's (the runner sets them).
    assert runner.missing_common(gamma) == []
    assert "as_of" not in gamma.params and "as_of" in gamma.notebook


def test_params_class_is_none_without_module_or_params(monkeypatch):
    assert runner.params_class("alpha") is None  # no workbook.analyses.alpha
    bare = types.ModuleType("workbook.analyses.delta")
    bare.Params = dict  # not a ReportParams
    monkeypatch.setitem(sys.modules, "workbook.analyses.delta", bare)
    assert runner.params_class("delta") is None


def test_params_class_raises_for_a_broken_report_module(monkeypatch, tmp_path):
    import workbook.analyses

    (tmp_path / "epsilon.py").write_text("import no_such_dependency_xyz\n", encoding="utf-8")
    monkeypatch.setattr(workbook.analyses, "__path__", [*workbook.analyses.__path__, str(tmp_path)])
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        runner.params_class("epsilon")


# -- workbook list lines -----------------------------------------------------------------


def test_describe_parameter_shows_type_default_allowed_and_help(gamma_module):
    specs = gamma_module.Params.specs()
    describe = runner.describe_parameter
    assert describe(specs["grain"]) == (
        'grain: str = "month" (one of month, quarter, year)  # cohort period'
    )
    assert describe(specs["n_boot"]) == "n_boot: int = 1000 (an integer ≥ 1)  # bootstrap resamples"
    assert describe(specs["share"]) == "share: float = 0.5 (a number ≥ 0 and ≤ 1)  # a share"
    assert describe(specs["capacity_per_month"]) == (
        "capacity_per_month: float = 40.0 (a number > 0)  # leads sales can follow up"
    )
    assert describe(specs["thresholds"]) == (
        "thresholds: list = [] (a list of float)  # explicit grid; empty means the default"
    )
    assert describe(specs["period_start"]) == (
        'period_start: date = "" (a date YYYY-MM-DD or empty)  # first day; empty means derive'
    )
    assert describe(_spec("n", "3")) == "n: int = 3"

"""A fake report with ``Params``: ``gamma``, registered as ``workbook.analyses.gamma``.

``gamma_notebooks`` is ``tiny_notebooks`` (alpha and beta, parameters inferred
from their cells) plus ``30_gamma.ipynb``, whose parameters come from
:class:`GammaParams`. ``no_kernel`` makes any notebook execution fail the test,
to prove a check happened before any kernel started.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import ClassVar

import pytest
from conftest import write_report_notebook

from workbook.core.params import ParamError, ReportParams, param, parameters_cell


@dataclass(frozen=True)
class GammaParams(ReportParams):
    """Parameters of the fake report ``gamma``: one of each kind of rule."""

    report: ClassVar[str] = "gamma"
    grain: str = param("month", "cohort period", choices=("month", "quarter", "year"))
    n_boot: int = param(1000, "bootstrap resamples", low=1)
    share: float = param(0.5, "a share", low=0, high=1)
    capacity_per_month: float = param(40.0, "leads sales can follow up", low=0, low_open=True)
    thresholds: tuple = param(
        (), "explicit grid; empty means the default", kind="list", item="float"
    )
    period_start: str = param("", "first day; empty means derive", kind="date")
    period_end: str = param("", "last day; empty means as_of", kind="date")

    def validate(self) -> None:
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ParamError(
                self.report, "period_start", self.period_start, f"a date ≤ {self.period_end}"
            )


#: Writes what it was given, so an execution test can read the injected values.
GAMMA_BODY = """\
import json, pathlib
folder = pathlib.Path(out_dir)
folder.mkdir(parents=True, exist_ok=True)
given = {"grain": grain, "n_boot": n_boot, "share": share, "thresholds": thresholds,
         "capacity_per_month": capacity_per_month}
(folder / "summary.json").write_text(json.dumps({"headline": [], "given": given}))
print("gamma", grain, n_boot)
"""


@pytest.fixture
def gamma_module(monkeypatch):
    """``workbook.analyses.gamma`` in ``sys.modules``, exposing :class:`GammaParams`."""
    module = types.ModuleType("workbook.analyses.gamma")
    module.Params = GammaParams
    monkeypatch.setitem(sys.modules, "workbook.analyses.gamma", module)
    return module


@pytest.fixture
def gamma_notebooks(tiny_notebooks, gamma_module):
    """``tiny_notebooks`` plus ``30_gamma.ipynb`` (a report with ``Params``)."""
    write_report_notebook(
        tiny_notebooks,
        "30_gamma.ipynb",
        name="gamma",
        title="Gamma",
        extra_params=parameters_cell(GammaParams) + "\n",
        body=GAMMA_BODY,
    )
    return tiny_notebooks


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if any notebook is executed (the check must come first)."""
    import papermill

    from workbook.run import execute

    def refuse(*args, **kwargs):
        pytest.fail("a notebook was executed although the parameters were bad")

    monkeypatch.setattr(execute, "execute_report", refuse)
    monkeypatch.setattr(papermill, "execute_notebook", refuse)

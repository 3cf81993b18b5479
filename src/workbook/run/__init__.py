"""Run report notebooks with papermill: discover, check parameters, execute, publish.

One job per module, along papermill's lines:

* :mod:`~workbook.run.discover`: find the reports (``notebooks/NN_*.ipynb``
  with ``workbook.name`` metadata) and their parameters (the report's
  ``Params``, else the notebook's parameters cell);
* :mod:`~workbook.run.params`: the params YAML, ``-P``, precedence and the
  up-front checks, giving a :class:`RunPlan` (:class:`UsageError` on any
  problem, before anything runs);
* :mod:`~workbook.run.execute`: run the notebooks (optionally in parallel
  processes) into a temporary sibling of OUT and render their HTML;
* :mod:`~workbook.run.publish`: move each report into OUT with renames and
  rewrite ``OUT/index.html`` and ``OUT/run.json``.

The command line (:mod:`workbook.cli`) is a thin layer over these names.
"""

from workbook.run.discover import (
    COMMON_PARAMETERS,
    NotebookParam,
    ReportSpec,
    UsageError,
    describe_parameter,
    discover,
    missing_common,
    notebook_params,
    notebooks_dir,
    params_class,
    select,
)
from workbook.run.execute import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    LocalKernelManager,
    ReportResult,
    RunResult,
    execute_report,
    notebook_parameters,
    run_plan,
)
from workbook.run.params import (
    CONFIG_KEYS,
    RUN_LEVEL,
    RUNNER_ONLY,
    RunPlan,
    build_plan,
    check_date,
    check_value,
    parse_assignment,
    parse_value,
    read_params_file,
    resolve_run_as_of,
)
from workbook.run.publish import publish, render_index, summary_fingerprint

__all__ = [
    "COMMON_PARAMETERS",
    "CONFIG_KEYS",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "LocalKernelManager",
    "NotebookParam",
    "RUNNER_ONLY",
    "RUN_LEVEL",
    "ReportResult",
    "ReportSpec",
    "RunPlan",
    "RunResult",
    "UsageError",
    "build_plan",
    "check_date",
    "check_value",
    "describe_parameter",
    "discover",
    "execute_report",
    "missing_common",
    "notebook_parameters",
    "notebook_params",
    "notebooks_dir",
    "params_class",
    "parse_assignment",
    "parse_value",
    "publish",
    "read_params_file",
    "render_index",
    "resolve_run_as_of",
    "run_plan",
    "select",
    "summary_fingerprint",
]

"""Run report notebooks with papermill: discover, check parameters, execute, publish.

One job per module, along papermill's lines:

* :mod:`~workbook.run.discover`: find the reports (``notebooks/NN_*.ipynb``
  with ``workbook.name`` metadata) and their parameters (the report's
  ``Params``, else the notebook's parameters cell);
* :mod:`~workbook.run.params`: the params YAML, ``-P``, precedence and the
  up-front checks, giving a :class:`RunPlan` (:class:`UsageError` on any
  problem, before anything runs);
* :mod:`~workbook.run.snapshot`: load and validate the export once, write the
  snapshot every notebook reads, and decide which reports are not applicable;
* :mod:`~workbook.run.execute`: run the notebooks (optionally in parallel
  processes) into the run's temporary folder and render their HTML;
* :mod:`~workbook.run.publish`: publish the whole run at once (a fresh run
  folder, one pointer rename), owning only the files in its manifest;
* :mod:`~workbook.run.lock`: one run per output folder, clean-up of dead runs'
  folders and of kernel files.

The command line (:mod:`workbook.cli`) is a thin layer over these names.
Importing this package first calls
:func:`workbook.run._imports.skip_iri_grammar`, so that the runner and its
workers import nbformat without compiling a grammar nothing here uses.
"""

from workbook.run._imports import skip_iri_grammar

skip_iri_grammar()

# ruff: noqa: E402  (the import guard above must run before nbformat is imported)

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
    ReportResult,
    RunResult,
    execute_report,
    notebook_parameters,
    run_plan,
)
from workbook.run.kernels import LocalKernelManager
from workbook.run.lock import EXIT_BUSY, Busy, OutputLock
from workbook.run.params import (
    CONFIG_KEYS,
    RUN_LEVEL,
    RUNNER_ONLY,
    RunPlan,
    adhoc_hash,
    build_plan,
    check_date,
    check_out_folder,
    check_value,
    parse_assignment,
    parse_value,
    read_params_file,
    resolve_run_as_of,
)
from workbook.run.publish import (
    PUBLISH_STEPS,
    Baseline,
    ForeignFileError,
    find_baseline,
    publish,
    render_index,
    summary_fingerprint,
)
from workbook.run.snapshot import REQUIRED_TABLES, applicability, required_tables

__all__ = [
    "COMMON_PARAMETERS",
    "EXIT_BUSY",
    "PUBLISH_STEPS",
    "REQUIRED_TABLES",
    "Baseline",
    "Busy",
    "ForeignFileError",
    "OutputLock",
    "adhoc_hash",
    "applicability",
    "required_tables",
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
    "check_out_folder",
    "check_value",
    "describe_parameter",
    "discover",
    "execute_report",
    "find_baseline",
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

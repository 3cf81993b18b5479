"""The runner imports nbformat without compiling the RFC 3987 grammar."""

from __future__ import annotations

from fresh_python import fresh_python


def test_runner_import_blocks_the_iri_grammar_and_nbformat_still_validates():
    out = fresh_python(
        """
        import sys
        import workbook.run
        import nbformat
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(nb)
        bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        bad.cells[0]["execution_count"] = "one"  # the schema wants an integer or null
        try:
            nbformat.validate(bad)
        except nbformat.ValidationError:
            caught = True
        else:
            caught = False
        print("rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None, caught)
        """
    )
    assert out == "True True"


def test_plain_import_workbook_leaves_the_grammar_alone():
    # An analyst's session (import workbook) is not changed by the runner's guard.
    out = fresh_python(
        """
        import sys
        import workbook
        print("rfc3987_syntax" in sys.modules)
        """
    )
    assert out == "False"


def test_guard_keeps_an_already_imported_module():
    out = fresh_python(
        """
        import sys, types
        sys.modules["rfc3987_syntax"] = types.ModuleType("rfc3987_syntax")
        from workbook.run._imports import skip_iri_grammar
        print(skip_iri_grammar(), sys.modules["rfc3987_syntax"] is not None)
        """
    )
    assert out == "False True"


def test_papermill_imported_without_pyarrow_which_stays_importable():
    out = fresh_python(
        """
        import sys
        from workbook.run._imports import import_papermill
        pm = import_papermill()
        before = "pyarrow" in sys.modules or "numpy" in sys.modules
        import pyarrow
        print(pm.__name__, before, pyarrow.__name__)
        """
    )
    assert out == "papermill False pyarrow"


def test_the_runners_main_process_holds_no_pandas_while_the_kernels_run(tmp_path):
    # Planning, checking every report's Params, the load (in a child), and the start of a
    # report leave the main process without pandas, Arrow, NumPy, SciPy and Ibis: it sits
    # beside the kernels for the whole run (62 MB instead of 170-220 MB on the large sample).
    # --jobs 1 runs the report from this process; the stand-in for it looks at sys.modules.
    out = fresh_python(
        f"""
        import sys
        from workbook import cli
        from workbook.run import execute

        seen = []
        def look(job):
            seen.append(sorted(m for m in ("pandas", "pyarrow", "numpy", "scipy", "ibis")
                               if m in sys.modules))
            return execute.ReportResult(job.spec.name, job.spec.title, "failed", 0.0,
                                        error="stand-in", error_name="StandIn")
        execute.execute_report = look
        code = cli.main(["run", "hierarchy", "scoring", "--as-of", "2026-06-30",
                         "--out", {str(tmp_path / "out")!r}, "--jobs", "1"])
        print(code, seen)
        """
    )
    assert out.splitlines()[-1] == "1 [[], []]"  # the run's log lines come first

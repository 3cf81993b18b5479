"""Report packages import their modules on first use, with the same names."""

from __future__ import annotations

import pytest
from fresh_python import fresh_python

from workbook.analyses import REPORTS


def test_reading_every_params_imports_no_statistics():
    # The runner reads each report's Params before a run; that must not import
    # statsmodels, scipy, Ibis or DuckDB (the eager packages did: ~110 MB more).
    out = fresh_python(
        f"""
        import sys
        from workbook.run.discover import params_class
        for name in {list(REPORTS)!r}:
            assert params_class(name) is not None, name
        print(sorted(m for m in ("scipy", "statsmodels", "ibis", "duckdb", "matplotlib")
                     if m in sys.modules))
        """
    )
    assert out == "[]"


@pytest.mark.parametrize("report", REPORTS)
def test_every_public_name_is_its_modules_object(report):
    import importlib

    package = importlib.import_module(f"workbook.analyses.{report}")
    exports = package._EXPORTS
    assert sorted(package.__all__) == sorted(exports)
    for name, module in exports.items():
        source = importlib.import_module(f"workbook.analyses.{report}.{module}")
        assert getattr(package, name) is getattr(source, name), (report, name)
    assert set(exports) <= set(dir(package))


def test_a_function_named_like_its_module_stays_the_function():
    # cohort.projection is both a module and the function it defines; importing
    # the module must not replace the package's function (it did not when eager).
    out = fresh_python(
        """
        import types
        import workbook.analyses.cohort.projection
        from workbook.analyses import cohort
        print(isinstance(cohort.projection, types.FunctionType),
              cohort.projection.__module__ == "workbook.analyses.cohort.projection")
        """
    )
    assert out == "True True"


def test_unknown_name_is_an_attribute_error():
    from workbook.analyses import scoring

    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        scoring.nonexistent  # noqa: B018

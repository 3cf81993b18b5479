"""Package namespaces whose names are imported on first use (PEP 562).

A report package (``workbook.analyses.scoring``) re-exports the public names of
its modules. Importing all of them eagerly pulls in statsmodels, scipy, Ibis
and DuckDB, about 200 MB and several seconds of CPU, even where only the
report's ``Params`` is wanted: the runner reads every report's ``Params`` to
check a run's parameters before anything runs. :func:`attach` makes a
package import a name's defining module when the name is first used, so
``workbook.analyses.scoring.Params`` costs only
:mod:`workbook.analyses.scoring.params`.

The names, ``dir()`` and ``from package import *`` are unchanged, and each
name resolves to the very object of its module. Where a function has the
name of its own module (``cohort.projection.projection``), the package
attribute stays the function, as the eager ``from .projection import
projection`` left it, although importing the submodule binds its name on
the package.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping

__all__ = ["attach"]


def attach(package: str, exports: Mapping[str, str]) -> None:
    """Make ``package`` import the modules behind ``exports`` on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (it must be in ``sys.modules``, as it is
        while its ``__init__`` runs).
    exports : mapping of str to str
        Public name -> the submodule of ``package`` that defines it
        (``{"run": "pipeline"}`` for ``package.pipeline.run``).

    Examples
    --------
    At the end of ``workbook/analyses/<report>/__init__.py``::

        _EXPORTS = {"Params": "params", "run": "pipeline"}
        attach(__name__, _EXPORTS)
    """
    exports = dict(exports)
    module = sys.modules[package]

    class LazyPackage(types.ModuleType):
        def __getattr__(self, name: str):
            try:
                source = exports[name]
            except KeyError:
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
            value = getattr(importlib.import_module(f"{package}.{source}"), name)
            types.ModuleType.__setattr__(self, name, value)  # later lookups skip __getattr__
            return value

        def __dir__(self) -> list[str]:
            return sorted(set(self.__dict__) | set(exports))

        def __setattr__(self, name: str, value) -> None:
            # The import system binds a loaded submodule on its package; a name
            # exported from the module of the same name stays the exported object.
            if (
                isinstance(value, types.ModuleType)
                and exports.get(name) == name
                and value.__name__ == f"{package}.{name}"
            ):
                value = getattr(value, name)
            types.ModuleType.__setattr__(self, name, value)

    LazyPackage.__name__ = LazyPackage.__qualname__ = "LazyPackage"
    module.__class__ = LazyPackage

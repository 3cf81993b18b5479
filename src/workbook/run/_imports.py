"""Keep the runner's imports of papermill and nbformat light.

nbformat imports ``jsonschema``, and ``jsonschema`` imports the optional
``rfc3987_syntax`` when it is installed (it comes in with
``jsonschema[format-nongpl]``, which jupyter-events asks for). Importing it
compiles a Lark grammar for RFC 3987 IRIs, which costs 1.5-3 s of CPU in
every process that imports nbformat: the runner and each of its worker
processes. The only use of that module is jsonschema's ``iri`` and
``iri-reference`` format checkers, which neither the notebook schema nor
papermill nor nbconvert uses.

:func:`skip_iri_grammar` marks the module as absent (``sys.modules[name] =
None``, Python's documented way to make an import raise ``ImportError``), so
jsonschema falls back as it does when the package is not installed. It
changes nothing once the module is imported, and is called only by the
runner (:mod:`workbook.run`), never by ``import workbook`` in an analyst's
session.


papermill's ``iorw`` imports ``pyarrow.fs`` for its HDFS handler (and with
it pyarrow and NumPy, about 40 MB in each worker process, which holds it for
as long as its kernel runs). The runner never reads or writes ``hdfs://``
paths: :func:`import_papermill` imports papermill with pyarrow hidden, so
that handler becomes papermill's own "missing dependency" stub, and then
unhides it (a later ``import pyarrow`` works as usual).
"""

from __future__ import annotations

import importlib
import sys

IRI_GRAMMAR_MODULE = "rfc3987_syntax"


def skip_iri_grammar() -> bool:
    """Block the import of ``rfc3987_syntax`` unless it is already imported.

    Returns
    -------
    bool
        True when the import is now blocked (or already was), False when the
        module had been imported before and stays in use.
    """
    if sys.modules.get(IRI_GRAMMAR_MODULE, None) is not None:
        return False
    sys.modules[IRI_GRAMMAR_MODULE] = None
    return True


def import_papermill():
    """Import and return papermill without pyarrow when pyarrow is not imported yet.

    Returns
    -------
    module
        ``papermill``; pyarrow stays unimported unless something had
        imported it before.
    """
    if "papermill" in sys.modules or sys.modules.get("pyarrow") is not None:
        return importlib.import_module("papermill")
    sys.modules["pyarrow"] = None  # makes ``from pyarrow.fs import ...`` raise ImportError
    try:
        return importlib.import_module("papermill")
    finally:
        if sys.modules.get("pyarrow", 0) is None:
            del sys.modules["pyarrow"]

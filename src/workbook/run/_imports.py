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
"""

from __future__ import annotations

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

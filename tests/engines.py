"""The engines that backend-parametrised tests run on (issue 21).

``any_engine`` (a fixture in ``conftest.py``) yields a fresh
:class:`workbook.engine.Engine` for each name in :data:`ENGINE_NAMES`, so a
test written as ``def test_x(any_engine): ...`` runs once per backend.
Embedded DuckDB is always there; :func:`make` knows how to build each one.
"""

from __future__ import annotations

from workbook import engine as E

#: Backends every relational test runs on.
ENGINE_NAMES = ["duckdb"]


def make(name: str, tmp_path) -> E.Engine:
    """A fresh engine called ``name``; DuckDB spills into ``tmp_path``."""
    if name == "duckdb":
        return E.connect(memory_limit="1GB", temp_directory=str(tmp_path / "duckdb-spill"))
    raise ValueError(f"unknown test engine {name!r}")

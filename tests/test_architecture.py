"""The layout's rules, checked on the source: analyses never import presentation."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "workbook"
FORBIDDEN = ("workbook.present", "workbook.plots", "workbook.widgets")
ANALYSES = sorted((SRC / "analyses").rglob("*.py"))


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at module level or inside a function."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


@pytest.mark.parametrize("path", ANALYSES, ids=lambda p: str(p.relative_to(SRC)))
def test_analyses_never_import_presentation(path):
    bad = [n for n in _imports(path) if n.startswith(FORBIDDEN)]
    assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_the_check_sees_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from workbook.present.report import Card\n")
    assert "workbook.present.report" in _imports(probe)


def test_data_and_core_never_import_reports_or_presentation():
    for path in sorted((SRC / "data").rglob("*.py")) + sorted((SRC / "core").rglob("*.py")):
        bad = [n for n in _imports(path) if n.startswith((*FORBIDDEN, "workbook.analyses."))]
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"

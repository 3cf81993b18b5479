"""docs/DEVELOPING.md names no file or folder that does not exist."""

import re
from pathlib import Path

from workbook.analyses import REPORTS

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("src/", "tests/", "docs/", "notebooks/", "benchmarks/", "scripts/", "params/")


def _paths(text: str) -> set[str]:
    found = set()
    for token in re.findall(r"`([^`\s]+)`", text):
        if token.startswith(ROOTS) and "NN_" not in token and "<module>" not in token:
            found.add(token)
    return found


def test_every_path_in_developing_md_exists():
    text = (REPO / "docs" / "DEVELOPING.md").read_text(encoding="utf-8")
    paths = _paths(text)
    assert "src/workbook/data/" in paths  # the check reads the page
    missing = []
    for path in sorted(paths):
        expanded = [path.replace("<R>", r) for r in REPORTS] if "<R>" in path else [path]
        missing += [p for p in expanded if not (REPO / p).exists()]
    assert not missing, f"docs/DEVELOPING.md names paths that do not exist: {missing}"

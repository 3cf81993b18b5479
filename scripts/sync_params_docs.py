"""Rewrite each docs/reports/<R>.md parameter table from its report's ``Params``.

Usage: ``python scripts/sync_params_docs.py`` (prints the pages it changed).
The table sits between ``<!-- params:start -->`` and ``<!-- params:end -->``;
``tests/analyses/<R>/test_params.py`` fails when a page is out of step.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from workbook.analyses import REPORTS
from workbook.core.params import markdown_table

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reports"
BLOCK = re.compile(r"(<!-- params:start -->\n).*?(\n<!-- params:end -->)", re.S)


def main() -> None:
    for report in REPORTS:
        params = importlib.import_module(f"workbook.analyses.{report}").Params
        page = DOCS / f"{report}.md"
        text = page.read_text(encoding="utf-8")
        table = markdown_table(params)
        new = BLOCK.sub(lambda m, table=table: m.group(1) + table + m.group(2), text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            print("updated", page)


if __name__ == "__main__":
    main()

"""Time the hierarchy's relational core: ``ultimate_parents`` then ``family_revenue``.

Usage::

    PYTHONPATH=src python benchmarks/hierarchy_tree.py [DATA_DIR] [REPEAT]

``DATA_DIR`` defaults to ``/work/bench/cache/large`` (``workbook sample
--scale large``). The first repeat includes building and compiling the tree
SQL (once per process and number of rounds); the later ones reuse it.
"""

from __future__ import annotations

import sys
import time

import workbook
from workbook.analyses import hierarchy
from workbook.core import families


def main(data: str, repeat: int) -> None:
    crm = workbook.load(data, tables=["accounts", "opportunities"], validate=False)
    accounts, opportunities = crm.tables["accounts"], crm.tables["opportunities"]
    start, end = hierarchy.default_period(crm.as_of)
    for i in range(repeat):
        t0 = time.perf_counter()
        tree = families.ultimate_parents(accounts)
        t1 = time.perf_counter()
        hierarchy.family_revenue(accounts, opportunities, start=start, end=end, tree=tree)
        t2 = time.perf_counter()
        print(
            f"repeat {i}: ultimate_parents {t1 - t0:.3f}s  family_revenue {t2 - t1:.3f}s  "
            f"total {t2 - t0:.3f}s"
        )
    print(f"{len(tree)} accounts, issues {tree['issue'].value_counts().to_dict()}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0] if args else "/work/bench/cache/large", int(args[1]) if len(args) > 1 else 3)

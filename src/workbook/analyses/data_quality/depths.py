"""Account hierarchy: accounts per depth below their ultimate parent."""

from __future__ import annotations

import pandas as pd

from workbook.core.checks import require_frame

__all__ = ["DEPTH_COLUMNS", "depth_distribution"]

DEPTH_COLUMNS = ["depth", "label", "accounts", "share"]


def depth_distribution(tree: pd.DataFrame) -> pd.DataFrame:
    """Accounts per hierarchy depth, from :func:`workbook.core.families.ultimate_parents`.

    Parameters
    ----------
    tree : DataFrame
        Output of ``ultimate_parents(accounts)`` (needs its ``depth`` column).

    Returns
    -------
    DataFrame
        Columns ``depth`` (``Int64``: steps from the account up to its
        ultimate parent, 0 for a top-level account; missing for accounts on
        or leading into a parent cycle), ``label`` (``"0 (top level)"``,
        ``"1"``, ..., ``"cycle"``), ``accounts`` and ``share`` of all
        accounts. Sorted by depth, the cycle row (if any) last.
    """
    require_frame(tree, "tree", ["depth"])
    depth = tree["depth"].astype("Int64")
    counts = depth.value_counts(dropna=False).rename("accounts").reset_index()
    counts = counts.rename(columns={"index": "depth"})
    counts["depth"] = counts["depth"].astype("Int64")
    counts = counts.sort_values("depth", na_position="last").reset_index(drop=True)
    label = counts["depth"].astype("string")
    label = label.mask(counts["depth"].eq(0).fillna(False), "0 (top level)").fillna("cycle")
    total = int(counts["accounts"].sum())
    return pd.DataFrame(
        {
            "depth": counts["depth"],
            "label": label,
            "accounts": counts["accounts"].astype("int64"),
            "share": counts["accounts"] / total if total else counts["accounts"] * 0.0,
        },
        columns=DEPTH_COLUMNS,
    )

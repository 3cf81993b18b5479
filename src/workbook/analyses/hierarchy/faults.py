"""Hierarchy faults (parent cycles, missing parents) with names, and the deepest chain."""

from __future__ import annotations

import pandas as pd

from workbook.analyses.hierarchy._docs import shared_docs
from workbook.analyses.hierarchy.ranking import account_names
from workbook.core.checks import require_frame
from workbook.core.families import hierarchy_issues

__all__ = ["hierarchy_faults", "max_depth"]


@shared_docs
def hierarchy_faults(accounts: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Hierarchy faults with names (:func:`workbook.core.families.hierarchy_issues`).

    Parameters
    ----------
    accounts : DataFrame
        Canonical ``accounts`` table (for names).
    {hierarchy_tree_required}

    Returns
    -------
    DataFrame
        The export ``hierarchy_issues.csv``: ``account_id``, ``issue``
        (``cycle`` or ``missing_parent``), ``detail``, then ``name``,
        ``parent_id``, ``root_id`` and ``root_name``; sorted by issue, then
        account_id.
    """
    require_frame(accounts, "accounts", ["account_id", "name"])
    require_frame(tree, "tree", ["account_id", "parent_id", "root_id"])
    issues = hierarchy_issues(tree)
    info = tree.set_index("account_id")
    names = account_names(accounts)
    issues["name"] = issues["account_id"].map(names).to_numpy()
    issues["parent_id"] = issues["account_id"].map(info["parent_id"]).to_numpy()
    issues["root_id"] = issues["account_id"].map(info["root_id"]).to_numpy()
    issues["root_name"] = issues["root_id"].map(names).to_numpy()
    return issues[["account_id", "issue", "detail", "name", "parent_id", "root_id", "root_name"]]


def max_depth(tree: pd.DataFrame) -> int:
    """Longest chain from an account up to its root.

    Parameters
    ----------
    tree : DataFrame
        Output of :func:`workbook.core.families.ultimate_parents`.

    Returns
    -------
    int
        The largest ``depth`` (0 when every account is a root or there are none).
    """
    require_frame(tree, "tree", ["depth"])
    depth = tree["depth"].dropna()
    return int(depth.max()) if len(depth) else 0
